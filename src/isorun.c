/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isorun: an OCI container runtime.  This file holds the global options and the dispatch; the
 * verbs (src/cmd/cmd_verbs.c lists them) live in src/cmd/, the runtime in src/runtime/. */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_options.h"
#include "runtime/fault_inject.h"
#include "runtime/rootless.h"
#include "runtime/process/selfexe.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/log.h"

extern char **environ;

/* Only in a build configured with --enable-fault-injection (tests/integration/crash.bats). */
static void print_fault_steps(void)
{
	if (!fault_step_name(0))
		return;
	printf("\nFault injection (a test build): " FAULT_INJECT_ENV
	       "=STEP makes create SIGKILL itself at STEP:\n");
	for (size_t i = 0; fault_step_name(i); i++)
		printf("  %-14s %s\n", fault_step_name(i), fault_step_description(i));
}

static void print_help(void)
{
	printf("isorun %s: an OCI container runtime for hostile tenants\n\n"
	       "Usage: isorun [global options] COMMAND [options] ...\n\nCommands:\n",
	       PACKAGE_VERSION);
	for (size_t i = 0; cmd_verb_at(i); i++)
		printf("  %-8s %s\n", cmd_verb_at(i)->name, cmd_verb_at(i)->summary);
	printf(
	    "\nGlobal options:\n"
	    "  --root DIR            state directory (default " STATE_DEFAULT_ROOT ", or\n"
	    "                        $XDG_RUNTIME_DIR/isorun when not root)\n"
	    "  --log FILE            also write messages to FILE\n"
	    "  --log-format FORMAT   text or json\n"
	    "  --debug               print debug messages\n"
	    "  --cgroup-manager M    cgroupfs (the default); disabled: no cgroup at all (create\n"
	    "                        and run); systemd: the cgroup is a transient systemd unit's,\n"
	    "                        linux.cgroupsPath \"slice:prefix:name\" (create and run)%s\n"
	    "  --systemd-cgroup      the same as --cgroup-manager systemd (runc's spelling)\n"
	    "  --tenant-root DIR     the tenant store, for tenant (also after it)\n"
	    "  --version, --help\n\n"
	    "Run 'isorun COMMAND --help' for the options of a command.\n",
#ifdef HAVE_SYSTEMD
	    ""
#else
	    ",\n                        not in this build (configure --without-systemd)"
#endif
	);
	print_fault_steps();
}

static void print_version(void)
{
	printf("isorun version %s\nspec: 1.2.0\n", PACKAGE_VERSION);
}

enum {
	GOPT_ROOT = 256,
	GOPT_LOG,
	GOPT_LOG_FORMAT,
	GOPT_DEBUG,
	GOPT_SYSTEMD_CGROUP,
	GOPT_CGROUP_MANAGER,
	GOPT_TENANT_ROOT,
	GOPT_VERSION,
	GOPT_HELP
};

static const struct option global_options_table[] = {
    {"root", required_argument, NULL, GOPT_ROOT},
    {"log", required_argument, NULL, GOPT_LOG},
    {"log-format", required_argument, NULL, GOPT_LOG_FORMAT},
    {"debug", no_argument, NULL, GOPT_DEBUG},
    {"systemd-cgroup", no_argument, NULL, GOPT_SYSTEMD_CGROUP},
    {"cgroup-manager", required_argument, NULL, GOPT_CGROUP_MANAGER},
    {"tenant-root", required_argument, NULL, GOPT_TENANT_ROOT},
    {"version", no_argument, NULL, GOPT_VERSION},
    {"help", no_argument, NULL, GOPT_HELP},
    {NULL, 0, NULL, 0},
};

static int parse_cgroup_manager(const char *value, enum cgroup_manager *ret, struct iso_error *err)
{
	static const char *const names[] = {
	    [CGROUP_MANAGER_CGROUPFS] = "cgroupfs",
	    [CGROUP_MANAGER_SYSTEMD] = "systemd",
	    [CGROUP_MANAGER_DISABLED] = "disabled",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(value, names[i])) {
			*ret = (enum cgroup_manager)i;
			return 0;
		}
	}
	return iso_error_invalid(
	    err, "--cgroup-manager must be cgroupfs, systemd or disabled, not \"%s\"", value);
}

/* One global option; help and version exit, unless an error came first (exit_ok false). */
static int apply_global(int opt, struct global_options *g, bool exit_ok, struct iso_error *err)
{
	switch (opt) {
	case GOPT_ROOT:
		g->root = optarg;
		return 0;
	case GOPT_LOG:
		g->log_path = optarg;
		return 0;
	case GOPT_LOG_FORMAT:
		if (!strcmp(optarg, "json"))
			g->log_format = LOG_FORMAT_JSON;
		else if (!strcmp(optarg, "text"))
			g->log_format = LOG_FORMAT_TEXT;
		else
			return iso_error_invalid(
			    err, "--log-format must be text or json, not \"%s\"", optarg);
		return 0;
	case GOPT_DEBUG:
		g->debug = true;
		return 0;
	case GOPT_SYSTEMD_CGROUP:
		g->cgroup_manager = CGROUP_MANAGER_SYSTEMD;
		return 0;
	case GOPT_CGROUP_MANAGER:
		return parse_cgroup_manager(optarg, &g->cgroup_manager, err);
	case GOPT_TENANT_ROOT:
		g->tenant_root = optarg;
		return 0;
	case 'v':
	case GOPT_VERSION:
		if (exit_ok) {
			print_version();
			exit(0);
		}
		return 0;
	case 'h':
	case GOPT_HELP:
		if (exit_ok) {
			print_help();
			exit(0);
		}
		return 0;
	default:
		return iso_error_invalid(err, "unexpected option");
	}
}

/* The scan goes on past a bad option: a --log given after it must still get the error (the
 * README promises the file, with the one error object).  err keeps the first error. */
static int parse_global(int argc, char **argv, struct global_options *g, struct iso_error *err)
{
	struct iso_error later;
	int opt, failed = 0;

	cmd_getopt_reset();
	while ((opt = cmd_getopt(NULL, argc, argv, "+hv", global_options_table,
				 failed ? &later : err)) != -1) {
		int r = opt < 0 ? opt : apply_global(opt, g, !failed, failed ? &later : err);

		if (r < 0 && !failed)
			failed = r;
	}
	return failed ? failed : optind;
}

/* Only create and run can leave the cgroups out, or have systemd's; the other verbs that make
 * containers (trace, tenant) need cgroups of their own making. */
static int check_cgroup_manager(const struct verb *v, const struct global_options *g,
				struct iso_error *err)
{
#ifndef HAVE_SYSTEMD
	if (g->cgroup_manager == CGROUP_MANAGER_SYSTEMD)
		return iso_error_invalid(err, "the systemd cgroup manager (--systemd-cgroup, "
					      "--cgroup-manager systemd): isorun was built without "
					      "it (configure --without-systemd)");
#endif
	if (g->cgroup_manager != CGROUP_MANAGER_CGROUPFS && v->run != cmd_create &&
	    v->run != cmd_run)
		return iso_error_invalid(
		    err, "--cgroup-manager %s: not supported by %s",
		    g->cgroup_manager == CGROUP_MANAGER_SYSTEMD ? "systemd" : "disabled", v->name);
	return 0;
}

/* The verbs that never touch the state directory work without one (XDG_RUNTIME_DIR unset). */
static bool uses_root(const struct verb *v)
{
	return v->run != cmd_spec && v->run != cmd_features && v->run != cmd_seccomp;
}

static int dispatch(struct global_options *g, int argc, char **argv, char **default_root,
		    struct iso_error *err)
{
	const struct verb *v;
	int r;

	if (argc < 1)
		return iso_error_invalid(err, "no command given (see isorun --help)");
	v = cmd_find_verb(argv[0]);
	/* What `ctr task checkpoint` and restore call: say why it fails, not that runc's verb
	 * is unknown. */
	if (!v && (!strcmp(argv[0], "checkpoint") || !strcmp(argv[0], "restore")))
		return iso_error_invalid(err, "%s: checkpoint/restore is not supported by isorun",
					 argv[0]);
	if (!v)
		return iso_error_invalid(err, "unknown command \"%s\" (see isorun --help)",
					 argv[0]);
	/* Ignored elsewhere, it would let a mistyped verb line run against the wrong store. */
	if (g->tenant_root && v->run != cmd_tenant)
		return iso_error_invalid(err, "--tenant-root is an option of tenant, not of %s",
					 v->name);
	if (v->spawns_container && (r = check_cgroup_manager(v, g, err)) < 0)
		return r;
	if (!g->root && uses_root(v)) {
		if ((r = rootless_default_root(default_root, err)) < 0)
			return r;
		g->root = *default_root;
	}
	if (v->protect_first) {
		r = selfexe_ensure_protected(err);
		if (r < 0)
			return r;
	}
	return v->run(g, argc, argv, err);
}

int main(int argc, char **argv)
{
	struct global_options g = {.log_format = LOG_FORMAT_TEXT};
	_cleanup_free_ char *default_root = NULL;
	struct iso_error err = {0};
	int first, r;

	selfexe_set_argv(argv);
	first = parse_global(argc, argv, &g, &err);
	if (log_init(g.log_path, g.log_format, g.debug) < 0)
		fprintf(stderr, "isorun: warning: cannot open --log %s\n", g.log_path);
	r = first < 0 ? first : dispatch(&g, argc - first, argv + first, &default_root, &err);
	if (r < 0) {
		log_error("%s", err.msg);
		log_close();
		return err.exit_code ? err.exit_code : 1;
	}
	log_close();
	return r;
}
