#include "config.h"

#include <stddef.h>

#include <unistd.h>

#include "cmd/cmd_options.h"
#include "runtime/container.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE_SOCKET, OPT_PRESERVE_FDS, OPT_NO_PIVOT, OPT_NO_NEW_KEYRING };

static const struct option create_options_table[] = {
	{"bundle", required_argument, NULL, 'b'},
	{"pid-file", required_argument, NULL, OPT_PID_FILE},
	{"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
	{"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
	{"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
	{"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

int cmd_create(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct create_options o = {.root = g->root};
	struct created_container c;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("create", argc, argv, "+b:h", create_options_table, err)) != -1) {
		switch (opt) {
		case 'b': o.bundle = optarg; break;
		case OPT_PID_FILE: o.pid_file = optarg; break;
		case OPT_CONSOLE_SOCKET: o.console_socket = optarg; break;
		case OPT_PRESERVE_FDS:
			r = cmd_parse_int("--preserve-fds", optarg, 0, 1000, &o.preserve_fds, err);
			if (r < 0)
				return r;
			break;
		case OPT_NO_PIVOT:
			return iso_error_invalid(err, "create: --no-pivot is refused: isorun always "
						      "uses pivot_root");
		case OPT_NO_NEW_KEYRING: o.no_new_keyring = true; break;
		case OPT_HELP: return cmd_print_usage("create");
		default: return opt;
		}
	}
	r = cmd_expect_args("create", argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	o.id = argv[optind];
	r = container_create(&o, &c, err);
	if (r < 0)
		return r;
	close(c.pidfd);
	return 0;
}
