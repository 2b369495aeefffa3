/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/copy_tree.h"

#include <errno.h>
#include <fcntl.h>

#include "util/cleanup.h"
#include "util/dir_copy.h"

/* The package is untrusted: set-id bits and owners are not its to give, and a symlink out of
 * progs/ would copy the host's file into the tenant's home when followed later. */
static const struct dir_copy_rules progs_rules = {
    .src_label = "progs/",
    .dst_label = "home/",
    .keep_all = false,
    .confine_symlinks = true,
    .max_depth = 64,
};

int copy_progs(const char *src, const char *dst, struct iso_error *err)
{
	_cleanup_close_ int s = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int d = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (s < 0)
		return iso_error_set(err, errno, "progs/");
	if (d < 0)
		return iso_error_set(err, errno, "%s", dst);
	return dir_copy(s, d, &progs_rules, err);
}
