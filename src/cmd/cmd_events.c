/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_options.h"
#include "runtime/container_resources.h"

static const struct option events_options_table[] = {
    {"stats", no_argument, NULL, 's'},
    {"interval", required_argument, NULL, 'i'},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_events_verb = {
    .name = "events",
    .run = cmd_events,
    .summary = "Print a container's stats and OOM events as JSON lines.",
    .usage = "events [--stats] [--interval DURATION] ID",
    .options = VERB_OPTIONS(events_options_table),
};

/* A Go duration as runc takes it: "5s", "100ms", "1m", "1.5s"; a bare number is seconds. */
static int parse_duration_ms(const char *s, int *ret, struct iso_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		goto bad;
	if (!strcmp(end, "ms"))
		;
	else if (!strcmp(end, "s") || !*end)
		v *= 1000;
	else if (!strcmp(end, "m"))
		v *= 60000;
	else
		goto bad;
	if (v < 1 || v > 86400000)
		goto bad;
	*ret = (int)v;
	return 0;
bad:
	return iso_error_invalid(err,
				 "events: --interval \"%s\" is not a duration like 5s or "
				 "100ms",
				 s);
}

static int print_line(const char *json, void *ctx)
{
	(void)ctx;
	if (printf("%s\n", json) < 0 || fflush(stdout) != 0)
		return -EIO;
	return 0;
}

int cmd_events(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	bool once = false;
	int opt, r, interval = 5000;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("events", argc, argv, "h", events_options_table, err)) != -1) {
		switch (opt) {
		case 's':
			once = true;
			break;
		case 'i':
			r = parse_duration_ms(optarg, &interval, err);
			if (r < 0)
				return r;
			break;
		case OPT_HELP:
			return cmd_print_usage("events");
		default:
			return opt;
		}
	}
	r = cmd_expect_args("events", argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	return container_events(g->root, argv[optind], once, interval, print_line, NULL, err);
}
