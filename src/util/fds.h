/* The fds a container's process starts with: 0-2, the --preserve-fds ones (3..3+N-1), and
 * nothing else of the caller's. */
#ifndef ISORUN_FDS_H
#define ISORUN_FDS_H

#include <stddef.h>

#include "util/error.h"

/* Closes every fd >= from except those in keep (entries < 0 are ignored). */
int fds_close_above(unsigned int from, const int *keep, size_t n_keep, struct iso_error *err);

/* Checks that fds 3..3+n-1 are open. */
int fds_check_preserved(int n, struct iso_error *err);

/* Clears close-on-exec on fds 3..3+n-1, so that they reach the program. */
int fds_pass_preserved(int n, struct iso_error *err);

#endif
