/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's file system, set up by the container's init inside its new mount namespace.
 *
 * Order (OCI runtime spec): rootfs_mount_all() builds everything under the rootfs while the host
 * is still visible (the createRuntime/createContainer hooks run after it), then
 * rootfs_pivot_and_finish() switches root and applies what must be done from inside. */
#ifndef ISORUN_ROOTFS_H
#define ISORUN_ROOTFS_H

#include "runtime/rootfs/mount_sources.h"
#include "runtime/spec/spec.h"

/* rootfs: absolute host path of the container's root directory.
 * Makes / a slave/private mount (never propagating back to the host), bind-mounts the rootfs
 * onto itself (or, with the io.isorun.rootfs.* annotations, mounts that overlay onto it: see
 * overlay_root.h), mounts spec->mounts in order (destinations resolved inside the rootfs, never
 * following a symlink out of it), creates the default devices and linux.devices, the
 * /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr links and /dev/ptmx. */

/* What the init must wait for before a mount that shows its own cgroup (type cgroup or
 * cgroup2), or at the end when there is none: called exactly once. */
struct rootfs_cgroup_barrier {
	int (*wait)(void *arg, struct iso_error *err);
	void *arg;
};

/* sources: the bind sources the runtime opened (mount_sources.h), or NULL. */
int rootfs_mount_all(const struct spec *spec, const char *rootfs,
		     const struct rootfs_cgroup_barrier *barrier,
		     const struct mount_sources *sources, struct iso_error *err);

/* pivot_root into rootfs and detach the old root (with no_pivot: detach the host's proc and sysfs
 * mounts, move the rootfs onto / and chroot into it, as runc --no-pivot does), write linux.sysctl
 * (sysctl_apply(), which must come before readonlyPaths makes /proc/sys read-only: callers do not
 * call it again), apply maskedPaths and readonlyPaths, make the root read-only when root.readonly,
 * and apply linux.rootfsPropagation (to "/" only, or recursively when it carries MS_REC).  After it
 * the process's cwd is "/". */
int rootfs_pivot_and_finish(const struct spec *spec, const char *rootfs, bool no_pivot,
			    struct iso_error *err);

/* After pivot_root and /dev/console: makes the container's /dev mount read-only when its
 * options ask for it ("ro" on it alone, "rro" on the mounts under it too), which
 * rootfs_mount_all() left writable so that /dev could be filled. */
int rootfs_make_dev_readonly(const struct spec *spec, struct iso_error *err);

#endif
