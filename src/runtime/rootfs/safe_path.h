/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resolving container paths inside the rootfs.
 *
 * A container image is untrusted: any component of a destination path may be a symlink
 * ("rootfs/evil -> /etc").  Every function here resolves relative to a directory fd that stands
 * for the container's "/", so ".." and absolute symlinks are clamped to it and a path can never
 * name (or create, or become a mount target) anything outside it.  Paths are container paths,
 * absolute or relative; both are taken from the container's root. */
#ifndef ISORUN_SAFE_PATH_H
#define ISORUN_SAFE_PATH_H

#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* Opens an existing path with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve), resolve
 * adding RESOLVE_* flags (e.g. RESOLVE_NO_SYMLINKS) or 0.  flags are open(2) flags (O_CLOEXEC is
 * always added; O_CREAT is refused: use the creating functions).  Returns the fd, or a negative
 * errno with "PATH: ..." in err (-ENOENT when missing). */
int safe_open_in_root_resolve(int rootfd, const char *path, int flags, uint64_t resolve,
			      struct iso_error *err);

/* openat2(2) itself (no libc wrapper yet): O_CLOEXEC added, EAGAIN retried.  Returns the fd or
 * -errno, without a message. */
int safe_openat2(int dirfd, const char *path, int flags, uint64_t resolve);

/* mkdir -p inside the root: missing components are created one at a time (mkdirat relative to
 * the fd of their parent, mode `mode`), symlinks met on the way are followed inside the root,
 * dangling ones included (their target is created, inside the root).  Returns an O_PATH fd of
 * the final directory. */
int safe_mkdir_p_in_root(int rootfd, const char *path, mode_t mode, struct iso_error *err);

/* Like safe_mkdir_p_in_root() for the parent, then opens the final component if it exists and
 * is not a directory, or creates it as an empty regular file with `mode`.  Returns an O_PATH fd
 * of the file (a mount target for a bind of a non-directory). */
int safe_create_file_in_root(int rootfd, const char *path, mode_t mode, struct iso_error *err);

/* Creates the parent directories of path (mode 0755) and returns an O_PATH fd of the parent,
 * with the last component in *ret_name (malloc'd), for the *at() calls that must not follow it
 * (mknodat, symlinkat).  A last component of "", "." or ".." is refused. */
int safe_open_parent_in_root(int rootfd, const char *path, char **ret_name, struct iso_error *err);

#endif
