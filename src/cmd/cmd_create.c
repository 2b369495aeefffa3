/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stddef.h>
#include <unistd.h>

#include "cmd/cmd_create_options.h"
#include "runtime/container.h"
#include "runtime/process/listen_fds.h"
#include "util/log.h"

int cmd_parse_create_option(const char *verb, int opt, struct create_options *o,
			    struct iso_error *err)
{
	switch (opt) {
	case 'b':
		o->bundle = optarg;
		return 0;
	case OPT_PID_FILE:
		o->pid_file = optarg;
		return 0;
	case OPT_CONSOLE_SOCKET:
		o->console_socket = optarg;
		return 0;
	case OPT_PRESERVE_FDS:
		return cmd_parse_int("--preserve-fds", optarg, 0, 1000, &o->preserve_fds, err);
	case OPT_NO_PIVOT:
		log_warning(
		    "%s: --no-pivot: the old root stays mounted under the container's, where "
		    "a process with CAP_SYS_CHROOT can climb back to it (use it only where "
		    "pivot_root fails, as on a ramdisk root)",
		    verb);
		o->no_pivot = true;
		return 0;
	case OPT_NO_NEW_KEYRING:
		o->no_new_keyring = true;
		return 0;
	default:
		return opt < 0 ? opt : 1;
	}
}

static const struct option create_options_table[] = {
    CREATE_LONG_OPTIONS,
    {NULL, 0, NULL, 0},
};

const struct verb cmd_create_verb = {
    .name = "create",
    .run = cmd_create,
    .summary = "Create a container from a bundle; it waits for start.",
    .usage = "create [--bundle|-b DIR] [--pid-file FILE] [--console-socket SOCKET]\n"
	     "                     [--preserve-fds N] [--no-new-keyring] [--no-pivot] ID",
    .options = VERB_OPTIONS(create_options_table),
    .spawns_container = true,
};

int cmd_create(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct create_options o = {.root = g->root,
				   .console_fd = -1,
				   .no_cgroups = g->cgroup_manager == CGROUP_MANAGER_DISABLED,
				   .systemd_cgroup = g->cgroup_manager == CGROUP_MANAGER_SYSTEMD};
	struct created_container c;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("create", argc, argv, "b:h", create_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage("create");
		r = cmd_parse_create_option("create", opt, &o, err);
		if (r < 0)
			return r;
		if (r > 0)
			return iso_error_invalid(err, "create: unexpected option");
	}
	r = cmd_expect_args("create", argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	o.id = argv[optind];
	o.listen_fds = listen_fds_from_env();
	o.preserve_fds += o.listen_fds;
	r = container_create(&o, &c, err);
	if (r < 0)
		return r;
	close(c.pidfd);
	/* Not container_created_release(): the init waits for start in this memory, which stays
	 * its own once this process has exited. */
	return 0;
}
