/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small file-system helpers shared by the runtime and the tenant layer. */
#ifndef ISORUN_FSUTIL_H
#define ISORUN_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Reads a whole file (at most max_size bytes; larger is an error naming the file).
 * The buffer is NUL-terminated; *ret_len excludes the NUL.  dirfd may be AT_FDCWD. */
int read_file_at(int dirfd, const char *path, size_t max_size, char **ret_buf, size_t *ret_len,
		 struct iso_error *err);

/* The same for a file that must be a regular file (config.json): anything else, a FIFO or a
 * device that could block the reader, is refused with "PATH: not a regular file". */
int read_regular_file_at(int dirfd, const char *path, size_t max_size, char **ret_buf,
			 size_t *ret_len, struct iso_error *err);

/* Writes data to path via a temporary file in the same directory, fsync and rename, so readers
 * see either the old or the new content. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct iso_error *err);
int write_file_atomic_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
			 struct iso_error *err);

/* Writes a short string to an existing file (e.g. /proc or /sys knobs). */
int write_file_string(const char *path, const char *value, struct iso_error *err);

/* mkdir -p with the given mode for the directories it creates. */
int mkdir_p(const char *path, mode_t mode, struct iso_error *err);

/* Removes a directory tree without following symlinks and without crossing mount points. */
int remove_tree(const char *path, struct iso_error *err);

/* Writes all of buf to fd, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);

/* Reads up to len bytes, retrying on EINTR and short reads; returns bytes read or -errno. */
ssize_t read_all(int fd, void *buf, size_t len);

/* Makes an absolute path from a relative one against the current directory. */
int make_absolute(const char *path, char **ret, struct iso_error *err);

#endif
