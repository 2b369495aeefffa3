/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "cmd/cmd_create_options.h"
#include "runtime/container_run.h"
#include "runtime/foreground.h"
#include "runtime/process/listen_fds.h"
#include "util/cleanup.h"

enum { OPT_KEEP = OPT_CREATE_END };

static const struct option run_options_table[] = {
    CREATE_LONG_OPTIONS,
    {"detach", no_argument, NULL, 'd'},
    {"keep", no_argument, NULL, OPT_KEEP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_run_verb = {
    .name = "run",
    .run = cmd_run,
    .summary = "Create and start a container, wait for it, and delete it.",
    .usage = "run [--bundle|-b DIR] [--detach|-d] [--pid-file FILE] [--console-socket SOCKET]\n"
	     "                  [--preserve-fds N] [--no-new-keyring] [--no-pivot] [--keep] ID",
    .options = VERB_OPTIONS(run_options_table),
    .spawns_container = true,
};

static int run_container(struct container_run_options *o, struct iso_error *err)
{
	struct container_run_result res;
	int r = container_run(o, &res, err);

	if (r < 0 || o->detach)
		return r;
	return foreground_exit_code(res.wait_status);
}

static int parse_run_option(int opt, struct container_run_options *o, struct iso_error *err)
{
	int r = cmd_parse_create_option("run", opt, &o->create, err);

	if (r <= 0)
		return r;
	switch (opt) {
	case 'd':
		o->detach = true;
		return 0;
	case OPT_KEEP:
		o->keep = true;
		return 0;
	default:
		return iso_error_invalid(err, "run: unexpected option");
	}
}

int cmd_run(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct container_run_options o = {
	    .create = {.root = g->root,
		       .console_fd = -1,
		       .no_cgroups = g->cgroup_manager == CGROUP_MANAGER_DISABLED,
		       .systemd_cgroup = g->cgroup_manager == CGROUP_MANAGER_SYSTEMD}};
	_cleanup_free_ char *config_text = NULL;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("run", argc, argv, "b:dh", run_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage("run");
		r = parse_run_option(opt, &o, err);
		if (r < 0)
			return r;
	}
	r = cmd_expect_args("run", argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	o.create.id = argv[optind];
	r = container_read_config(o.create.bundle, &config_text, &o.create.config_len, err);
	if (r < 0)
		return r;
	o.create.config_text = config_text;
	o.create.listen_fds = listen_fds_from_env();
	o.create.preserve_fds += o.create.listen_fds;
	return run_container(&o, err);
}
