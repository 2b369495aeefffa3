/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp as typed data: what seccomp_parse.c makes of the JSON, what seccomp_build.c
 * compiles, what seccomp_json.c writes back (canonical form for the cache key, and the output of
 * `isorun seccomp convert`). */
#ifndef ISORUN_SECCOMP_CONFIG_H
#define ISORUN_SECCOMP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "util/json_walk.h"
#include "util/error.h"

/* The actions of the OCI spec, in its order.  SCMP_ACT_KILL is kept apart from KILL_THREAD (the
 * same filter action) so that a profile is written back as it was read. */
enum seccomp_action {
	SECCOMP_ACTION_KILL,
	SECCOMP_ACTION_KILL_PROCESS,
	SECCOMP_ACTION_KILL_THREAD,
	SECCOMP_ACTION_TRAP,
	SECCOMP_ACTION_ERRNO,
	SECCOMP_ACTION_TRACE,
	SECCOMP_ACTION_ALLOW,
	SECCOMP_ACTION_LOG,
	SECCOMP_ACTION_NOTIFY,
};

struct seccomp_arg {
	uint32_t index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	int op; /* enum scmp_compare */
};

/* A list of names, each stored as its index in one of the tables below. */
struct seccomp_index_list {
	uint32_t *v;
	size_t n;
};

struct seccomp_rule {
	char **names; /* NULL-terminated, at least one */
	int action;   /* enum seccomp_action */
	bool has_errno_ret;
	uint32_t errno_ret; /* only with ERRNO and TRACE */
	struct seccomp_arg *args;
	size_t n_args;
};

struct seccomp_config {
	int default_action; /* enum seccomp_action */
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	struct seccomp_index_list archs; /* indexes into the table of seccomp_arch_name() */
	struct seccomp_index_list flags; /* indexes into the table of seccomp_flag_name() */
	char *listener_path;
	char *listener_metadata;
	struct seccomp_rule *rules;
	size_t n_rules;
};

/* Parses the linux.seccomp object.  The walker's path must be at that object
 * ("linux.seccomp"): errors read "config.json: linux.seccomp.syscalls[3].action: unknown action
 * \"SCMP_ACT_FOO\"".  On failure *cfg holds what was parsed so far (free it). */
int seccomp_config_parse(struct json_walk *w, yajl_val obj, struct seccomp_config *cfg);

/* The same from a config.json's linux.seccomp subtree, with the path set up. */
int seccomp_config_from_spec(yajl_val obj, struct seccomp_config *cfg, struct iso_error *err);

void seccomp_config_free(struct seccomp_config *cfg);

/* For the Docker profile converter: the top-level fields but syscalls (a walker table), one
 * syscalls[] entry (with `docker`, a single "name" may stand for "names"), and the checks of a
 * whole config. */
extern const struct json_field seccomp_header_fields[];
int seccomp_rule_parse(struct json_walk *w, yajl_val obj, struct seccomp_rule *rule, bool docker);
int seccomp_config_check(struct json_walk *w, const struct seccomp_config *cfg);

/* The tables the parser reads names from.  Each returns NULL past the end. */
const char *seccomp_action_name(int action);
const char *seccomp_arch_name(uint32_t index);	  /* "SCMP_ARCH_X86_64" */
const char *seccomp_arch_libname(uint32_t index); /* libseccomp's spelling, "x86_64" */
const char *seccomp_flag_name(uint32_t index);	  /* "SECCOMP_FILTER_FLAG_LOG" */
unsigned int seccomp_flag_value(uint32_t index);  /* SECCOMP_FILTER_FLAG_LOG */
const char *seccomp_op_name(int op);		  /* "SCMP_CMP_EQ" */

/* Lookups by name; -1 when unknown. */
int seccomp_action_from_name(const char *name);
int seccomp_arch_from_name(const char *name);
int seccomp_op_from_name(const char *name);

/* The union of the kernel flags named in flags. */
unsigned int seccomp_config_kernel_flags(const struct seccomp_config *cfg);

/* True when a rule uses SCMP_ACT_NOTIFY (the filter then needs a listener). */
bool seccomp_config_uses_notify(const struct seccomp_config *cfg);

/* Writes cfg as an OCI linux.seccomp object into g (fields in a fixed order, names as parsed).
 * With `for_key`, fields that do not change the filter (listenerPath, listenerMetadata) are left
 * out: that is the canonical form the compiled-filter cache is keyed by. */
void seccomp_config_gen(yajl_gen g, const struct seccomp_config *cfg, bool for_key);

#endif
