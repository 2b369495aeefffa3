/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "cmd/cmd_options.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cmd_getopt_reset(void)
{
	optind = 0; /* glibc: 0 re-initialises the scanner completely */
	opterr = 0;
}

int cmd_getopt(const char *verb, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, struct iso_error *err)
{
	/* A leading ':' (after the '+') makes getopt_long report a missing value as ':', not as
	 * an unknown option with optopt the option's val ("unknown option -b" for --bundle). */
	char opts[64];
	int c;

	if (shortopts[0] == '+')
		snprintf(opts, sizeof(opts), "+:%s", shortopts + 1);
	else
		snprintf(opts, sizeof(opts), ":%s", shortopts);
	c = getopt_long(argc, argv, opts, longopts, NULL);
	/* The global options (verb NULL) need no prefix: every message already starts with
	 * "isorun: ". */
	const char *sep = verb ? ": " : "";

	if (!verb)
		verb = "";
	if (c == '?') {
		if (optopt)
			return iso_error_invalid(err, "%s%sunknown option -%c", verb, sep, optopt);
		return iso_error_invalid(err, "%s%sunknown option %s", verb, sep, argv[optind - 1]);
	}
	if (c == ':')
		return iso_error_invalid(err, "%s%soption %s needs a value", verb, sep,
					 argv[optind - 1]);
	return c;
}

int cmd_print_usage(const char *verb)
{
	const struct verb *v = cmd_find_verb(verb);

	if (v)
		printf("%s\n\nUsage: isorun %s\n", v->summary, v->usage);
	return 0;
}

int cmd_expect_args(const char *verb, int argc, char **argv, int min, int max, const char *what,
		    struct iso_error *err)
{
	int n = argc - optind;

	if (n < min)
		return iso_error_invalid(err, "%s: expected %s (see isorun %s --help)", verb, what,
					 verb);
	if (n > max)
		return iso_error_invalid(err, "%s: unexpected argument \"%s\"", verb,
					 argv[optind + max]);
	return 0;
}

int cmd_parse_int(const char *option, const char *value, int min, int max, int *ret,
		  struct iso_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < min || v > max)
		return iso_error_invalid(err, "%s: \"%s\" is not a number from %d to %d", option,
					 value, min, max);
	*ret = (int)v;
	return 0;
}
