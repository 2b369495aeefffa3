/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The options that create and run share, spelled as runc spells them. */
#ifndef ISORUN_CMD_CREATE_OPTIONS_H
#define ISORUN_CMD_CREATE_OPTIONS_H

#include "cmd/cmd_options.h"
#include "runtime/container.h"

enum {
	OPT_PID_FILE = 256,
	OPT_CONSOLE_SOCKET,
	OPT_PRESERVE_FDS,
	OPT_NO_PIVOT,
	OPT_NO_NEW_KEYRING,
	OPT_CREATE_END /* the first value a verb may use for its own options */
};

#define CREATE_LONG_OPTIONS                                                                        \
	{"bundle", required_argument, NULL, 'b'},                                                  \
	    {"pid-file", required_argument, NULL, OPT_PID_FILE},                                   \
	    {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},                       \
	    {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},                           \
	    {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},                                         \
	    {"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},                             \
	{                                                                                          \
		"help", no_argument, NULL, OPT_HELP                                                \
	}

/* Applies one option returned by cmd_getopt() to o.  Returns 0 when it was a create option,
 * 1 when it is not one (the verb handles it), or a negative errno with err set. */
int cmd_parse_create_option(const char *verb, int opt, struct create_options *o,
			    struct iso_error *err);

#endif
