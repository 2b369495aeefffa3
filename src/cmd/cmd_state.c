/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd_options.h"
#include "runtime/container.h"
#include "util/cleanup.h"

static const struct option state_options_table[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_state_verb = {
    .name = "state",
    .run = cmd_state,
    .summary = "Print the OCI state of a container as JSON.",
    .usage = "state ID",
    .options = VERB_OPTIONS(state_options_table),
};

int cmd_state(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct container_state st = {0};
	_cleanup_free_ char *json = NULL;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("state", argc, argv, "h", state_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage("state");
		return opt;
	}
	r = cmd_expect_args("state", argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	r = container_load_state(g->root, argv[optind], &st, err);
	if (r < 0)
		return r;
	r = state_to_json(&st, true, &json, err);
	state_clear(&st);
	if (r < 0)
		return r;
	printf("%s\n", json);
	return 0;
}
