/* SPDX-License-Identifier: GPL-2.0-or-later */
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

/* Moves *fd to a new close-on-exec fd >= 3 when it is 0, 1 or 2, closing the old one.  With
 * fd 0, 1 or 2 closed in the runtime (a daemon's child), a new fd can land there, and a later
 * dup2() onto 0-2 in a child would then clobber it or hand it to the program as its stdio.
 * Returns 0 or -errno (*fd is then unchanged and still open). */
int fd_move_above_stdio(int *fd);

#endif
