/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/rootfs/masked_paths.h"
#include "runtime/rootfs/mounts.h"
#include "runtime/rootfs/safe_path.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Opens a target without following any symlink: with O_PATH|O_NOFOLLOW, openat2 returns a
 * final symlink itself (refused by the caller) and fails with ELOOP on an inner one.
 * Returns 0 without an fd when the path does not exist. */
static int open_target(int rootfd, const char *path, int *ret_fd, struct stat *st,
		       struct iso_error *err)
{
	int fd =
	    safe_open_in_root_resolve(rootfd, path, O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS, err);

	*ret_fd = -1;
	if (fd == -ENOENT || fd == -ENOTDIR) {
		iso_error_clear(err);
		return 0;
	}
	if (fd == -ELOOP)
		return iso_error_set(err, ELOOP, "goes through a symlink, refused");
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0) {
		int e = errno;

		close(fd);
		return iso_error_set(err, e, "stat");
	}
	if (S_ISLNK(st->st_mode)) {
		close(fd);
		return iso_error_set(err, ELOOP, "is a symlink, refused");
	}
	*ret_fd = fd;
	return 0;
}

/* The container's /dev/null, checked to be the real one: a file or a symlink the image put
 * there would be bound over the masked path instead of the null device. */
static int open_dev_null(int rootfd, struct iso_error *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = safe_open_in_root_resolve(rootfd, "/dev/null", O_PATH | O_NOFOLLOW,
				       RESOLVE_NO_SYMLINKS, err);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return iso_error_set(err, errno, "/dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return iso_error_set(err, ENODEV, "/dev/null is not the null device (1:3)");
	return steal_fd(fd);
}

static int mask_one(int rootfd, const char *path, int *dev_null, struct iso_error *err)
{
	_cleanup_close_ int target = -1, mnt = -1;
	struct stat st;
	int r;

	r = open_target(rootfd, path, &target, &st, err);
	if (r < 0 || target < 0)
		return r;
	if (S_ISDIR(st.st_mode)) {
		mnt = mount_new_fs("tmpfs", "tmpfs", NULL, MS_RDONLY, err);
	} else {
		if (*dev_null < 0)
			*dev_null = open_dev_null(rootfd, err);
		if (*dev_null < 0)
			return *dev_null;
		mnt = mount_clone_tree(*dev_null, "", false, err);
	}
	if (mnt < 0)
		return mnt;
	return mount_attach(mnt, target, err);
}

int masked_paths_apply(int rootfd, char *const *paths, struct iso_error *err)
{
	_cleanup_close_ int dev_null = -1;

	for (size_t i = 0; paths && paths[i]; i++)
		if (mask_one(rootfd, paths[i], &dev_null, err) < 0)
			return iso_error_wrap(err, "maskedPaths[%zu] (%s)", i, paths[i]);
	return 0;
}

static int readonly_one(int rootfd, const char *path, struct iso_error *err)
{
	_cleanup_close_ int target = -1, tree = -1;
	struct stat st;
	int r;

	r = open_target(rootfd, path, &target, &st, err);
	if (r < 0 || target < 0)
		return r;
	/* A recursive copy made read-only while detached, then stacked on the original: no
	 * remount of a mount that others (the host, a bind source) may share. */
	tree = mount_clone_tree(target, "", true, err);
	if (tree < 0)
		return tree;
	r = mount_set_attrs(tree, MOUNT_ATTR_RDONLY, 0, true, err);
	if (r == 0)
		r = mount_attach(tree, target, err);
	return r;
}

int readonly_paths_apply(int rootfd, char *const *paths, struct iso_error *err)
{
	for (size_t i = 0; paths && paths[i]; i++)
		if (readonly_one(rootfd, paths[i], err) < 0)
			return iso_error_wrap(err, "readonlyPaths[%zu] (%s)", i, paths[i]);
	return 0;
}
