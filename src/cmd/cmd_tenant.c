/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isorun tenant SUBCOMMAND: the tenant layer (src/tenant/).  Each subcommand parses its own
 * options; --tenant-root may come before or after the subcommand, or before `tenant` itself
 * (global_options.tenant_root), the later one winning. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd_options.h"
#include "cmd/cmd_trace.h"
#include "runtime/foreground.h"
#include "tenant/base.h"
#include "tenant/store.h"
#include "tenant/tenant_allowlist.h"
#include "tenant/tenant_list.h"
#include "tenant/tenant_ops.h"
#include "util/cleanup.h"

enum {
	OPT_TENANT_ROOT = 256,
	OPT_FROM,
	OPT_FORCE,
	OPT_CONFIGURE,
	OPT_FORMAT,
	OPT_DEFAULT_SECCOMP,
	OPT_DURATION,
	OPT_IDS_SIZE,
	OPT_IDS_START
};

/* seccomp.mode "recorded" in `tenant add`: a service that never exits is recorded this long. */
#define ADD_RECORD_DURATION_S 10

struct tenant_cmd {
	const struct global_options *g;
	const char *tenant_root;
	struct tenant_store store;
};

typedef int (*tenant_sub_fn)(struct tenant_cmd *t, int argc, char **argv, struct iso_error *err);

/* Understood by every subcommand. */
static const struct option common_options[] = {
    {"tenant-root", required_argument, NULL, OPT_TENANT_ROOT},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static const struct option base_options[] = {{"from", required_argument, NULL, OPT_FROM},
					     {"force", no_argument, NULL, OPT_FORCE},
					     {NULL, 0, NULL, 0}};

static const struct option add_options[] = {
    {"default-seccomp", required_argument, NULL, OPT_DEFAULT_SECCOMP},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"ids-size", required_argument, NULL, OPT_IDS_SIZE},
    {"ids-start", required_argument, NULL, OPT_IDS_START},
    {NULL, 0, NULL, 0}};

static const struct option allowlist_options[] = {
    {"duration", required_argument, NULL, OPT_DURATION}, {NULL, 0, NULL, 0}};

static const struct option run_options[] = {{"configure", no_argument, NULL, OPT_CONFIGURE},
					    {NULL, 0, NULL, 0}};

static const struct option list_options[] = {{"format", required_argument, NULL, OPT_FORMAT},
					     {NULL, 0, NULL, 0}};

static const struct option delete_options[] = {{"force", no_argument, NULL, 'f'},
					       {NULL, 0, NULL, 0}};

const struct verb cmd_tenant_verb = {
    .name = "tenant",
    .run = cmd_tenant,
    .summary = "Tenant packages as bundles over a shared base (see tenant --help).",
    .usage = "tenant [--tenant-root DIR] base|add|allowlist|run|list|show|delete ...",
    .options = VERB_OPTIONS(common_options, base_options, add_options, allowlist_options,
			    run_options, list_options, delete_options),
    .spawns_container = true,
    .protect_first = true,
};

static const char tenant_usage[] =
    "Usage: isorun tenant [--tenant-root DIR] SUBCOMMAND ...\n\n"
    "  base [--from busybox|DIR|TARBALL|debootstrap:SUITE] [--force]\n"
    "                         build the shared base file system\n"
    "  add [--default-seccomp FILE] [--duration SECONDS] [--ids-size N] [--ids-start ID]\n"
    "      PKGDIR             add a tenant from a package; prints \"tid: TID\"\n"
    "                         (seccomp.mode \"recorded\": its init is recorded as with\n"
    "                         allowlist, for at most --duration seconds, default 10);\n"
    "                         the tenant gets its own N host ids (default 65536), the\n"
    "                         lowest free range above /etc/subuid and /etc/subgid, or\n"
    "                         the one at --ids-start\n"
    "  allowlist [--duration SECONDS] TID\n"
    "                         run the tenant once recording its syscalls (isorun trace)\n"
    "                         and make that allowlist its seccomp profile\n"
    "  run [--configure] TID [-- ARGS...]\n"
    "                         run a tenant (configure: host network, the default\n"
    "                         seccomp profile; a shell unless ARGS)\n"
    "  list [--format table|json]\n"
    "  show TID               the tenant's registry entry, paths and status, as JSON\n"
    "  delete [--force] TID   remove a tenant (--force: also a running one)\n\n"
    "--tenant-root DIR: the tenant store (default " TENANT_DEFAULT_ROOT ").\n";

static int sub_usage(void)
{
	fputs(tenant_usage, stdout);
	return 0;
}

/* getopt over a subcommand's argv; --tenant-root and --help are understood everywhere. */
static int sub_getopt_with(struct tenant_cmd *t, const char *name, int argc, char **argv,
			   const struct option *extra, size_t n_extra, struct iso_error *err)
{
	struct option opts[12] = {common_options[0], common_options[1]};
	int opt;

	/* Two common options, the extra ones, and the all-zero entry getopt stops at. */
	if (n_extra > ARRAY_SIZE(opts) - 3)
		return iso_error_invalid(err, "%s: %zu options is more than the table holds", name,
					 n_extra);
	if (n_extra)
		memcpy(opts + 2, extra, n_extra * sizeof(*extra));
	for (;;) {
		opt = cmd_getopt(name, argc, argv, "+h", opts, err);
		if (opt != OPT_TENANT_ROOT)
			return opt;
		t->tenant_root = optarg;
	}
}

/* The count comes from the array, never typed by hand. */
#define sub_getopt(t, name, argc, argv, extra, err)                                                \
	sub_getopt_with(t, name, argc, argv, extra, ARRAY_SIZE(extra) - 1, err)
#define sub_getopt_common(t, name, argc, argv, err)                                                \
	sub_getopt_with(t, name, argc, argv, NULL, 0, err)

static int open_store(struct tenant_cmd *t, struct iso_error *err)
{
	return store_open(t->tenant_root, &t->store, err);
}

static int sub_base(struct tenant_cmd *t, int argc, char **argv, struct iso_error *err)
{
	const char *from = "busybox";
	bool force = false;
	int opt, r;

	while ((opt = sub_getopt(t, "tenant base", argc, argv, base_options, err)) != -1) {
		if (opt == OPT_HELP)
			return sub_usage();
		if (opt == OPT_FROM)
			from = optarg;
		else if (opt == OPT_FORCE)
			force = true;
		else
			return opt < 0 ? opt : iso_error_invalid(err, "tenant base: bad option");
	}
	if ((r = cmd_expect_args("tenant base", argc, argv, 0, 0, "", err)) < 0 ||
	    (r = open_store(t, err)) < 0 || (r = base_build(&t->store, from, force, err)) < 0)
		return r;
	printf("base: %s (from %s)\n", t->store.base, from);
	return 0;
}

static int parse_ids_option(int opt, const char *value, struct tenant_ids_request *ids,
			    struct iso_error *err)
{
	int v, r;

	if (opt == OPT_IDS_SIZE) {
		r = cmd_parse_int("--ids-size", value, 1, ID_RANGE_MAX_ID, &v, err);
		ids->size = (uint32_t)v;
	} else {
		r = cmd_parse_int("--ids-start", value, 0, ID_RANGE_MAX_ID, &v, err);
		ids->start = (uint32_t)v;
		ids->has_start = true;
	}
	return r;
}

static int sub_add(struct tenant_cmd *t, int argc, char **argv, struct iso_error *err)
{
	struct syscall_set recorded = {0};
	struct tenant_add_options o = {.state_root = t->g->root,
				       .record_duration_ms = ADD_RECORD_DURATION_S * 1000,
				       .recorded = &recorded};
	char tid[TID_LEN + 1];
	int opt, r, seconds;

	while ((opt = sub_getopt(t, "tenant add", argc, argv, add_options, err)) != -1) {
		if (opt == OPT_HELP)
			return sub_usage();
		if (opt == OPT_DEFAULT_SECCOMP) {
			o.default_seccomp = optarg;
		} else if (opt == OPT_DURATION) {
			r = cmd_parse_int("--duration", optarg, 1, 86400, &seconds, err);
			if (r < 0)
				return r;
			o.record_duration_ms = seconds * 1000;
		} else if (opt == OPT_IDS_SIZE || opt == OPT_IDS_START) {
			r = parse_ids_option(opt, optarg, &o.ids, err);
			if (r < 0)
				return r;
		} else {
			return opt < 0 ? opt : iso_error_invalid(err, "tenant add: bad option");
		}
	}
	if ((r = cmd_expect_args("tenant add", argc, argv, 1, 1, "a package directory", err)) < 0 ||
	    (r = open_store(t, err)) < 0 ||
	    (r = tenant_add(&t->store, argv[optind], &o, tid, err)) < 0)
		return r;
	trace_warn_dangerous(&recorded);
	printf("tid: %s\n", tid);
	return 0;
}

static int sub_allowlist(struct tenant_cmd *t, int argc, char **argv, struct iso_error *err)
{
	struct syscall_set recorded = {0};
	struct tenant_allowlist_options o = {.state_root = t->g->root, .ret_profile = &recorded};
	int opt, r, seconds;

	while ((opt = sub_getopt(t, "tenant allowlist", argc, argv, allowlist_options, err)) !=
	       -1) {
		if (opt == OPT_HELP)
			return sub_usage();
		if (opt != OPT_DURATION)
			return opt < 0 ? opt
				       : iso_error_invalid(err, "tenant allowlist: bad option");
		r = cmd_parse_int("--duration", optarg, 1, 86400, &seconds, err);
		if (r < 0)
			return r;
		o.duration_ms = seconds * 1000;
	}
	if ((r = cmd_expect_args("tenant allowlist", argc, argv, 1, 1, "a tenant id", err)) < 0 ||
	    (r = open_store(t, err)) < 0 ||
	    (r = tenant_allowlist(&t->store, argv[optind], &o, err)) < 0)
		return r;
	trace_warn_dangerous(&recorded);
	return 0;
}

static int sub_run(struct tenant_cmd *t, int argc, char **argv, struct iso_error *err)
{
	/* Configure mode without a command: a shell (interactive when stdin is a terminal). */
	static char *const default_shell[] = {(char *)"/bin/sh", NULL};
	struct tenant_run_options o = {.state_root = t->g->root};
	char what[64];
	int opt, r, status = 0;

	while ((opt = sub_getopt(t, "tenant run", argc, argv, run_options, err)) != -1) {
		if (opt == OPT_HELP)
			return sub_usage();
		if (opt != OPT_CONFIGURE)
			return opt < 0 ? opt : iso_error_invalid(err, "tenant run: bad option");
		o.configure = true;
	}
	if (optind >= argc)
		return iso_error_invalid(err, "tenant run: expected a tenant id");
	const char *tid = argv[optind++];
	/* `tenant run TID --configure` as the seed wrote it; ARGS come after "--". */
	while (optind < argc && strcmp(argv[optind], "--configure") == 0) {
		o.configure = true;
		optind++;
	}
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind < argc)
		o.args = argv + optind;
	else if (o.configure)
		o.args = default_shell;
	if ((r = open_store(t, err)) < 0 || (r = tenant_run(&t->store, tid, &o, &status, err)) < 0)
		return r;
	fflush(stdout);
	tenant_describe_status(status, what, sizeof(what));
	fprintf(stderr, "child exit status: %s\n", what);
	return foreground_exit_code(status);
}

static int sub_list(struct tenant_cmd *t, int argc, char **argv, struct iso_error *err)
{
	bool json = false;
	int opt, r;

	while ((opt = sub_getopt(t, "tenant list", argc, argv, list_options, err)) != -1) {
		if (opt == OPT_HELP)
			return sub_usage();
		if (opt != OPT_FORMAT)
			return opt < 0 ? opt : iso_error_invalid(err, "tenant list: bad option");
		if (strcmp(optarg, "json") && strcmp(optarg, "table"))
			return iso_error_invalid(err,
						 "tenant list: --format must be table or json, "
						 "not \"%s\"",
						 optarg);
		json = !strcmp(optarg, "json");
	}
	if ((r = cmd_expect_args("tenant list", argc, argv, 0, 0, "", err)) < 0 ||
	    (r = open_store(t, err)) < 0)
		return r;
	return tenant_list_print(&t->store, json, err);
}

static int sub_show(struct tenant_cmd *t, int argc, char **argv, struct iso_error *err)
{
	int opt, r;

	while ((opt = sub_getopt_common(t, "tenant show", argc, argv, err)) != -1) {
		if (opt == OPT_HELP)
			return sub_usage();
		return opt < 0 ? opt : iso_error_invalid(err, "tenant show: bad option");
	}
	if ((r = cmd_expect_args("tenant show", argc, argv, 1, 1, "a tenant id", err)) < 0 ||
	    (r = open_store(t, err)) < 0)
		return r;
	return tenant_show_print(&t->store, argv[optind], err);
}

static int sub_delete(struct tenant_cmd *t, int argc, char **argv, struct iso_error *err)
{
	bool force = false;
	int opt, r;

	while ((opt = sub_getopt(t, "tenant delete", argc, argv, delete_options, err)) != -1) {
		if (opt == OPT_HELP)
			return sub_usage();
		if (opt != 'f')
			return opt < 0 ? opt : iso_error_invalid(err, "tenant delete: bad option");
		force = true;
	}
	if ((r = cmd_expect_args("tenant delete", argc, argv, 1, 1, "a tenant id", err)) < 0 ||
	    (r = open_store(t, err)) < 0)
		return r;
	return tenant_delete(&t->store, argv[optind], t->g->root, force, err);
}

static const struct {
	const char *name;
	tenant_sub_fn fn;
} subcommands[] = {
    {"base", sub_base}, {"add", sub_add},   {"allowlist", sub_allowlist}, {"run", sub_run},
    {"list", sub_list}, {"show", sub_show}, {"delete", sub_delete},
};

int cmd_tenant(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct tenant_cmd t = {
	    .g = g, .tenant_root = g->tenant_root ? g->tenant_root : TENANT_DEFAULT_ROOT};
	int opt, r;

	cmd_getopt_reset();
	while ((opt = sub_getopt_common(&t, "tenant", argc, argv, err)) != -1) {
		if (opt == OPT_HELP)
			return sub_usage();
		return opt < 0 ? opt : iso_error_invalid(err, "tenant: bad option");
	}
	if (optind >= argc)
		return iso_error_invalid(err, "tenant: expected a subcommand (see isorun tenant "
					      "--help)");
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++) {
		if (strcmp(argv[optind], subcommands[i].name) != 0)
			continue;
		argc -= optind;
		argv += optind;
		cmd_getopt_reset();
		r = subcommands[i].fn(&t, argc, argv, err);
		store_close(&t.store);
		return r;
	}
	return iso_error_invalid(err,
				 "tenant: unknown subcommand \"%s\" (see isorun tenant "
				 "--help)",
				 argv[optind]);
}
