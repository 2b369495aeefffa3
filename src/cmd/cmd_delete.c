/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stddef.h>

#include "cmd/cmd_options.h"
#include "runtime/container.h"

static const struct option delete_options_table[] = {
    {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_delete_verb = {
    .name = "delete",
    .run = cmd_delete,
    .summary = "Delete a stopped or created container; --force kills it first.",
    .usage = "delete [--force|-f] ID",
    .options = VERB_OPTIONS(delete_options_table),
};

int cmd_delete(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	bool force = false;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("delete", argc, argv, "fh", delete_options_table, err)) != -1) {
		switch (opt) {
		case 'f':
			force = true;
			break;
		case OPT_HELP:
			return cmd_print_usage("delete");
		default:
			return opt;
		}
	}
	r = cmd_expect_args("delete", argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	return container_delete(g->root, argv[optind], force, err);
}
