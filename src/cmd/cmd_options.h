/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Option parsing shared by the verbs (getopt_long with runc's spellings). */
#ifndef ISORUN_CMD_OPTIONS_H
#define ISORUN_CMD_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "cmd/cmd.h"

#define OPT_HELP 'h'

/* Starts a fresh getopt_long scan over a verb's argv.  Returns the next option, -1 at the end,
 * or a negative errno (with err set) for an unknown option or a missing argument.  Messages
 * start with "VERB: "; with verb NULL (the global options) with nothing.
 *
 * Without a leading '+' in shortopts, options may also follow the positional arguments
 * (`update ID --cpu-period N`), as runc's argument reordering allows for every verb.  A '+'
 * stops at the first positional argument: the global options, and verbs whose arguments after
 * the id are a command or its options (exec, ps), which must reach it untouched. */
int cmd_getopt(const char *verb, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, struct iso_error *err);

/* Called once before the first cmd_getopt() of a verb. */
void cmd_getopt_reset(void);

/* Prints "Usage: isorun USAGE" for the verb and returns 0 (the exit status of --help). */
int cmd_print_usage(const char *verb);

/* Between min and max positional arguments remain after the options; otherwise one line
 * naming `what` ("create: expected a container id"). */
int cmd_expect_args(const char *verb, int argc, char **argv, int min, int max, const char *what,
		    struct iso_error *err);

int cmd_parse_int(const char *option, const char *value, int min, int max, int *ret,
		  struct iso_error *err);

#endif
