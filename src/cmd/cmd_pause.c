/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "cmd/cmd_options.h"
#include "runtime/container_resources.h"

static const struct option pause_options_table[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_resume_verb = {
    .name = "resume",
    .run = cmd_resume,
    .summary = "Thaw a paused container.",
    .usage = "resume ID",
    .options = VERB_OPTIONS(pause_options_table),
};

const struct verb cmd_pause_verb = {
    .name = "pause",
    .run = cmd_pause,
    .summary = "Freeze every process of a container.",
    .usage = "pause ID",
    .options = VERB_OPTIONS(pause_options_table),
};

/* pause and resume differ only in the direction. */
static int pause_or_resume(const char *verb, const struct global_options *g, int argc, char **argv,
			   struct iso_error *err)
{
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt(verb, argc, argv, "h", pause_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage(verb);
		return opt;
	}
	r = cmd_expect_args(verb, argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	if (verb[0] == 'p')
		return container_pause(g->root, argv[optind], err);
	return container_resume(g->root, argv[optind], err);
}

int cmd_pause(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	return pause_or_resume("pause", g, argc, argv, err);
}

int cmd_resume(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	return pause_or_resume("resume", g, argc, argv, err);
}
