#ifndef ISORUN_SIGNALS_H
#define ISORUN_SIGNALS_H

/* Parses "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3".  Returns the number or -EINVAL. */
int signal_parse(const char *text);

/* "SIGTERM", or NULL for a number with no name. */
const char *signal_name(int sig);

#endif
