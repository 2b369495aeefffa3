/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stddef.h>

#include <signal.h>

#include "cmd/cmd_options.h"
#include "runtime/container.h"
#include "util/signals.h"

static const struct option kill_options_table[] = {
    {"all", no_argument, NULL, 'a'},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_kill_verb = {
    .name = "kill",
    .run = cmd_kill,
    .summary = "Send a signal (default TERM) to a container's init, or with --all to "
	       "all its processes.",
    .usage = "kill [--all|-a] ID [SIGNAL]",
    .options = VERB_OPTIONS(kill_options_table),
};

int cmd_kill(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	bool all = false;
	int opt, r, sig = SIGTERM;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("kill", argc, argv, "ah", kill_options_table, err)) != -1) {
		switch (opt) {
		case 'a':
			all = true;
			break;
		case OPT_HELP:
			return cmd_print_usage("kill");
		default:
			return opt;
		}
	}
	r = cmd_expect_args("kill", argc, argv, 1, 2, "a container id", err);
	if (r < 0)
		return r;
	if (argc - optind == 2) {
		sig = signal_parse(argv[optind + 1]);
		if (sig < 0)
			return iso_error_invalid(err, "kill: unknown signal \"%s\"",
						 argv[optind + 1]);
	}
	return container_kill(g->root, argv[optind], sig, all, err);
}
