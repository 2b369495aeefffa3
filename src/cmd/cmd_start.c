/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stddef.h>

#include "cmd/cmd_options.h"
#include "runtime/container.h"

static const struct option start_options_table[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_start_verb = {
    .name = "start",
    .run = cmd_start,
    .summary = "Start the user process of a created container.",
    .usage = "start ID",
    .options = VERB_OPTIONS(start_options_table),
};

int cmd_start(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("start", argc, argv, "h", start_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage("start");
		return opt;
	}
	r = cmd_expect_args("start", argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	return container_start(g->root, argv[optind], err);
}
