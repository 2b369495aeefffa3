/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mounting one config.json mount onto its destination inside the rootfs.
 *
 * Everything goes through the new mount API: a filesystem is created detached (fsopen,
 * fsconfig, fsmount) or a bind source is cloned detached (open_tree), its flags are set with
 * mount_setattr, and only then is it attached with move_mount onto an fd of the destination
 * that safe_path resolved inside the rootfs.  No host path string ever names a mount target,
 * so a symlink in the image cannot redirect a mount onto the host. */
#ifndef ISORUN_MOUNTS_H
#define ISORUN_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/spec/spec.h"

/* What the container's namespaces allow, for the fallbacks runc also makes. */
struct mount_env {
	bool userns;	/* the container has a user namespace (new or joined) */
	bool own_netns; /* it has a network namespace of its own (sysfs can be mounted) */
	/* The runtime's fd of a bind's source (mount_sources.h), or -1: used where the init's
	 * own lookup of the source is refused.  For an idmapped bind, the detached idmapped
	 * mount the runtime made, attached as it is. */
	int source_fd;
};

/* Mounts m at m->destination inside the root rootfd.  Bind sources are host paths (relative
 * ones from the current directory, which the caller sets to the bundle).  The message says
 * what failed ("mount tmpfs: Invalid argument"); the caller prefixes which mount it was. */
int mount_one(int rootfd, const struct spec_mount *m, const struct mount_env *env,
	      struct iso_error *err);

/* A new detached filesystem: fsopen(type), fsconfig of "source" (when not NULL) and of each
 * comma-separated option of data, then fsmount with the MS_* flags of ms_flags (ro, nosuid,
 * nodev, noexec, atime; sync/dirsync/lazytime go to the superblock).  Returns the mount fd. */
int mount_new_fs(const char *type, const char *source, const char *data, unsigned long ms_flags,
		 struct iso_error *err);

/* A detached copy of the mount at dirfd/path (path "" for dirfd itself), with the mounts under
 * it when recursive: open_tree(OPEN_TREE_CLONE).  Returns the mount fd. */
int mount_clone_tree(int dirfd, const char *path, bool recursive, struct iso_error *err);

/* mount_setattr on the mount mnt_fd (and the mounts under it when recursive): MOUNT_ATTR_*
 * bits to set and to clear.  Nothing to do when both are 0. */
int mount_set_attrs(int mnt_fd, uint64_t set, uint64_t clr, bool recursive, struct iso_error *err);

/* Sets the propagation of mnt_fd: MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE, with
 * MS_REC for the mounts under it too. */
int mount_set_propagation(int mnt_fd, unsigned long propagation, struct iso_error *err);

/* Attaches the detached mount mnt_fd onto the file or directory target_fd (move_mount with
 * MOVE_MOUNT_T_EMPTY_PATH).  mnt_fd goes on referring to the mount once attached. */
int mount_attach(int mnt_fd, int target_fd, struct iso_error *err);

#endif
