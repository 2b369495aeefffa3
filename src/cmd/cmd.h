/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The verbs.  Each parses its own options and calls into the runtime library; errors come back
 * in err and are printed once, by main. */
#ifndef ISORUN_CMD_H
#define ISORUN_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/log.h"

/* --cgroup-manager, as crun spells it; --systemd-cgroup is runc's spelling of "systemd". */
enum cgroup_manager {
	CGROUP_MANAGER_CGROUPFS,
	CGROUP_MANAGER_SYSTEMD,
	CGROUP_MANAGER_DISABLED,
};

struct global_options {
	const char *root;
	const char *log_path;
	enum log_format log_format;
	bool debug;
	enum cgroup_manager cgroup_manager;
	/* --tenant-root before the verb, where --root goes (tenant only); NULL when absent. */
	const char *tenant_root;
};

struct option;

/* Returns the process exit status (>= 0) or a negative errno with err set. */
typedef int (*cmd_fn)(const struct global_options *g, int argc, char **argv, struct iso_error *err);

/* Each cmd_X.c defines its verb next to its option table: every long option in the tables
 * appears in the usage text (tests/unit/test_cmd_help.c). */
struct verb {
	const char *name;
	cmd_fn run;
	const char *summary;
	const char *usage; /* the lines after "Usage: isorun " */
	/* The option tables the verb parses with, NULL-terminated (VERB_OPTIONS). */
	const struct option *const *options;
	bool spawns_container; /* creates containers: --systemd-cgroup is refused */
	/* Re-executes from a sealed copy before it runs (CVE-2019-5736).  create and run decide
	 * inside container_create(), after reading the config; a verb that changes things before
	 * it creates a container (tenant add) must not be re-run half-way, so it is protected
	 * first. */
	bool protect_first;
};

#define VERB_OPTIONS(...) ((const struct option *const[]){__VA_ARGS__, NULL})

/* The verb named `name`, or NULL (the table lives in cmd_verbs.c). */
const struct verb *cmd_find_verb(const char *name);

/* The i-th verb in the order `isorun --help` lists them, or NULL past the last. */
const struct verb *cmd_verb_at(size_t i);

extern const struct verb cmd_create_verb, cmd_start_verb, cmd_state_verb, cmd_kill_verb,
    cmd_delete_verb, cmd_run_verb, cmd_exec_verb, cmd_pause_verb, cmd_resume_verb, cmd_update_verb,
    cmd_ps_verb, cmd_events_verb, cmd_trace_verb, cmd_tenant_verb, cmd_list_verb, cmd_features_verb,
    cmd_spec_verb, cmd_seccomp_verb;

int cmd_create(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_start(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_state(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_kill(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_delete(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_run(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_exec(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_list(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_spec(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_seccomp(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_pause(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_resume(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_update(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_ps(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_events(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_trace(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_features(const struct global_options *g, int argc, char **argv, struct iso_error *err);
int cmd_tenant(const struct global_options *g, int argc, char **argv, struct iso_error *err);

#endif
