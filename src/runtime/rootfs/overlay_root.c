/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/rootfs/overlay_root.h"
#include "runtime/rootfs/idmap_mount.h"
#include "runtime/rootless.h"
#include "runtime/rootfs/mounts.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* overlayfs splits lowerdir on ':' and its option parser on ','; a backslash escapes either.
 * Refusing them keeps the meaning of a path exactly what the annotation says. */
static int check_layer_path(const char *key, const char *path, struct stat *st,
			    struct iso_error *err)
{
	if (path[0] != '/')
		return iso_error_invalid(err,
					 "config.json: annotations.%s: \"%s\" is not an "
					 "absolute path",
					 key, path);
	if (strpbrk(path, ":,\\"))
		return iso_error_invalid(err,
					 "config.json: annotations.%s: \"%s\": overlayfs "
					 "cannot take a path with ':', ',' or '\\'",
					 key, path);
	if (stat(path, st) < 0)
		return iso_error_set(err, errno, "config.json: annotations.%s: %s", key, path);
	if (!S_ISDIR(st->st_mode))
		return iso_error_set(err, ENOTDIR, "config.json: annotations.%s: %s", key, path);
	return 0;
}

int overlay_root_from_spec(const struct spec *spec, struct overlay_root *ret, struct iso_error *err)
{
	static const char *const keys[] = {ANNOTATION_ROOTFS_LOWER, ANNOTATION_ROOTFS_UPPER,
					   ANNOTATION_ROOTFS_WORK};
	const char *v[3];
	struct stat st[3];
	int n = 0;

	for (size_t i = 0; i < 3; i++) {
		v[i] = spec_annotation(spec, keys[i]);
		n += v[i] != NULL;
	}
	if (n == 0)
		return 0;
	for (size_t i = 0; i < 3; i++) {
		if (!v[i])
			return iso_error_invalid(err,
						 "config.json: annotations.%s: required with "
						 "the other io.isorun.rootfs.* annotations",
						 keys[i]);
		if (check_layer_path(keys[i], v[i], &st[i], err) < 0)
			return iso_error_code(err);
	}
	/* overlayfs renames between work and upper: they must share a file system. */
	if (st[1].st_dev != st[2].st_dev)
		return iso_error_invalid(err,
					 "config.json: annotations.%s: %s is not on the same "
					 "file system as %s",
					 ANNOTATION_ROOTFS_WORK, v[2], v[1]);
	*ret = (struct overlay_root){.lower = v[0], .upper = v[1], .work = v[2]};
	return 1;
}

int overlay_root_mount(const struct overlay_root *o, const char *rootfs, struct iso_error *err)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_close_ int mnt = -1;

	if (asprintf(&data, "lowerdir=%s,upperdir=%s,workdir=%s", o->lower, o->upper, o->work) < 0)
		return iso_error_set(err, ENOMEM, "overlay root");
	/* nodev: device nodes come from the container's /dev, never from a layer. */
	mnt = mount_new_fs("overlay", "overlay", data, MS_NODEV, err);
	if (mnt < 0)
		return iso_error_wrap(err, "overlay root (%s)", ANNOTATION_ROOTFS_UPPER);
	if (move_mount(mnt, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return iso_error_set(err, errno, "overlay root: mount onto %s", rootfs);
	/* Once attached, the fd refers to the new mount's root. */
	return steal_fd(mnt);
}

/* The lower layer goes onto rootfs first, and overlayfs, given rootfs as its lowerdir, takes
 * that top mount when it parses its options: the idmapped base needs no directory of its own,
 * and it ends up hidden under the overlay, which is stacked on the same mount point. */
int overlay_root_mount_idmapped(const struct overlay_root *o, const char *rootfs, int userns_fd,
				struct iso_error *err)
{
	const struct spec_mount lower = {.source = (char *)o->lower};
	_cleanup_free_ char *data = NULL;
	_cleanup_close_ int base = -1;
	int root;

	base = idmap_mount_clone(AT_FDCWD, o->lower, &lower, userns_fd, err);
	if (base < 0)
		return iso_error_wrap(err, "overlay root (%s)", ANNOTATION_ROOTFS_LOWER);
	if (move_mount(base, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return iso_error_set(err, errno, "overlay root: mount the idmapped %s onto %s",
				     o->lower, rootfs);
	if (asprintf(&data, "lowerdir=%s,upperdir=%s,workdir=%s", rootfs, o->upper, o->work) < 0)
		return iso_error_set(err, ENOMEM, "overlay root");
	/* Mounted by host root, as without a user namespace: overlayfs keeps its trusted.*
	 * xattrs, and copies up with the lower's ids as the idmapped mount shows them. */
	if (mount("overlay", rootfs, "overlay", MS_NODEV, data) < 0)
		return iso_error_set(err, errno,
				     "overlay root (%s) over the idmapped %s (overlayfs takes "
				     "idmapped layers since Linux 5.19)",
				     ANNOTATION_ROOTFS_UPPER, o->lower);
	root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return iso_error_set(err, errno, "overlay root: open %s", rootfs);
	return root;
}

bool overlay_root_by_runtime(const struct spec *spec)
{
	const struct spec_namespace *user = spec_find_namespace(spec, CLONE_NEWUSER);

	return user && !user->path && spec_annotation(spec, ANNOTATION_ROOTFS_LOWER) &&
	       !rootless_unprivileged();
}
