/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Copying the content of one directory into another, by fds, for tmpcopyup (a tmpfs filled
 * with what it covers) and for a tenant package's progs/ (copied into the tenant's home).
 *
 * Whatever the rules, nothing is followed: every entry is opened relative to its parent's fd
 * with O_NOFOLLOW, a symlink is copied as a symlink, a file is checked to be regular once open,
 * every fd is close-on-exec, and what is created is created with O_EXCL or its *at() peer. */
#ifndef ISORUN_DIR_COPY_H
#define ISORUN_DIR_COPY_H

#include <stdbool.h>

#include "util/error.h"

struct dir_copy_rules {
	/* Messages name an entry as SRC_LABEL REL or DST_LABEL REL ("progs/" "bin/sh"). */
	const char *src_label;
	const char *dst_label;
	/* Owner, every mode bit (set-id included) and times as the source has them; device nodes
	 * and fifos made again, sockets skipped.  Without it (an untrusted source): modes without
	 * set-id and sticky bits, the caller's owner, and anything but a regular file, a
	 * directory or a symlink is an error. */
	bool keep_all;
	/* A symlink is copied only when it resolves beneath the source directory. */
	bool confine_symlinks;
	int max_depth; /* directories deeper than this are an error; 0: no limit */
};

/* Copies the content of the directory src into the directory dst (both fds; dst's own owner,
 * mode and times are left to the caller). */
int dir_copy(int src, int dst, const struct dir_copy_rules *rules, struct iso_error *err);

#endif
