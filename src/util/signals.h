/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISORUN_SIGNALS_H
#define ISORUN_SIGNALS_H

/* Parses "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3", and "0" (no signal: `kill ID 0` checks
 * that the container runs, as with runc).  Returns the number or -EINVAL. */
int signal_parse(const char *text);

/* "SIGTERM", or NULL for a number with no name. */
const char *signal_name(int sig);

/* In a child of the runtime that will exec another program (a hook, the netlink helper, the
 * container's init): every disposition back to the default (the runtime's handlers and ignored
 * signals, SIGPIPE..., are no business of the program) and no signal blocked.
 * Async-signal-safe. */
void signals_reset_for_exec(void);

#endif
