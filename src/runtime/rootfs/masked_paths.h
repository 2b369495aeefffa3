/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.maskedPaths and linux.readonlyPaths, applied after pivot_root.
 *
 * Targets are resolved inside rootfd with RESOLVE_NO_SYMLINKS: a symlink anywhere on the path
 * (placed by the image) is refused, never followed.  A path that does not exist is skipped. */
#ifndef ISORUN_MASKED_PATHS_H
#define ISORUN_MASKED_PATHS_H

#include "util/error.h"

/* A directory gets an empty read-only tmpfs over it; anything else a bind of /dev/null, after
 * checking that rootfd's /dev/null (opened O_PATH|O_NOFOLLOW) is the character device 1:3.
 * paths: NULL-terminated, may be NULL.  Errors: "maskedPaths[1] (/proc/kcore): ...". */
int masked_paths_apply(int rootfd, char *const *paths, struct iso_error *err);

/* Each path is bound onto itself, with the mounts under it, and made read-only recursively.
 * Errors: "readonlyPaths[0] (/proc/sys): ...". */
int readonly_paths_apply(int rootfd, char *const *paths, struct iso_error *err);

#endif
