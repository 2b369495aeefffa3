/* isorun: an OCI container runtime.  This file is the table of contents: global options and
 * the verb table.  The verbs live in src/cmd/, the runtime in src/runtime/. */
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

static const struct verb verbs[] = {
    {"create", cmd_create, "Create a container from a bundle; it waits for start.",
     "create [--bundle|-b DIR] [--pid-file FILE] [--console-socket SOCKET]\n"
     "                     [--preserve-fds N] [--no-new-keyring] [--no-pivot] ID",
     true, false},
    {"start", cmd_start, "Start the user process of a created container.", "start ID", false,
     false},
    {"state", cmd_state, "Print the OCI state of a container as JSON.", "state ID", false, false},
    {"kill", cmd_kill,
     "Send a signal (default TERM) to a container's init, or with --all to "
     "all its processes.",
     "kill [--all|-a] ID [SIGNAL]", false, false},
    {"delete", cmd_delete, "Delete a stopped or created container; --force kills it first.",
     "delete [--force|-f] ID", false, false},
    {"run", cmd_run, "Create and start a container, wait for it, and delete it.",
     "run [--bundle|-b DIR] [--detach|-d] [--pid-file FILE] [--console-socket SOCKET]\n"
     "                  [--preserve-fds N] [--no-new-keyring] [--no-pivot] [--keep] ID",
     true, false},
    {"exec", cmd_exec, "Run a new process in a running container.",
     "exec [--tty|-t] [--detach|-d] [--console-socket SOCKET] [--pid-file FILE]\n"
     "                   [--process|-p FILE] [--env|-e K=V]... [--cwd DIR]\n"
     "                   [--user|-u UID[:GID]] [--additional-gids|-g GID]... [--cap|-c CAP]...\n"
     "                   [--no-new-privs] [--preserve-fds N] [--ignore-paused]\n"
     "                   [--cgroup [CONTROLLER:]SUBPATH]... ID [COMMAND...]",
     false, false},
    {"pause", cmd_pause, "Freeze every process of a container.", "pause ID", false, false},
    {"resume", cmd_resume, "Thaw a paused container.", "resume ID", false, false},
    {"update", cmd_update, "Change the resource limits of a running container.",
     "update [-r|--resources FILE|-] [--memory N] [--memory-reservation N]\n"
     "                     [--memory-swap N] [--cpu-quota N] [--cpu-period N] [--cpu-shares N]\n"
     "                     [--pids-limit N] [--cpuset-cpus LIST] [--cpuset-mems LIST] ID",
     false, false},
    {"ps", cmd_ps, "List a container's processes (json: host pids).",
     "ps [--format|-f table|json] ID [PS-ARGS...]", false, false},
    {"events", cmd_events, "Print a container's stats and OOM events as JSON lines.",
     "events [--stats] [--interval DURATION] ID", false, false},
    {"trace", cmd_trace, "Run a bundle once and write the seccomp allowlist it needs.",
     "trace [--output|-o FILE] [--duration SECONDS] [--merge FILE]\n"
     "                    [--default-action KILL_PROCESS|ERRNO] [--strict] [--recorded-only]\n"
     "                    [--bundle|-b DIR] ID",
     true, false},
    {"tenant", cmd_tenant, "Tenant packages as bundles over a shared base (see tenant --help).",
     "tenant [--tenant-root DIR] base|add|allowlist|run|list|show|delete ...", true, true},
    {"list", cmd_list, "List the containers under --root.",
     "list [--quiet|-q] [--format|-f table|json]", false, false},
    {"features", cmd_features, "Print the OCI features document of this build as JSON.", "features",
     false, false},
    {"spec", cmd_spec,
     "Write a default config.json for a busybox-like rootfs, hardened: the default seccomp\n"
     "profile, pids.limit 2048, memory 1 GiB (no swap), a 64 MiB tmpfs /tmp (no limits with\n"
     "--rootless; --no-seccomp leaves the profile out; --seccomp is accepted, a no-op).",
     "spec [--bundle|-b DIR] [--rootless] [--no-seccomp]", false, false},
    {"seccomp", cmd_seccomp, "Convert a Docker seccomp profile to linux.seccomp (stdout).",
     "seccomp convert [--config|-c CONFIG.json] PROFILE.json", false, false},
};

const struct verb *cmd_find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

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
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		printf("  %-8s %s\n", verbs[i].name, verbs[i].summary);
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
