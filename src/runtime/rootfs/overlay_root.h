/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An overlay file system as the container's root, described by three isorun annotations:
 *
 *	io.isorun.rootfs.lower	the shared, read-only lower layer (a directory)
 *	io.isorun.rootfs.upper	the container's own upper layer (a directory)
 *	io.isorun.rootfs.work	overlayfs's work directory, on the same file system as upper
 *
 * root.path then names an empty directory: the overlay is mounted onto it by the container's init,
 * inside the container's own mount namespace, where it replaces the usual bind of the rootfs onto
 * itself.  Nothing is mounted on the host, and the overlay disappears with the namespace.
 * (The tenant layer writes these; any bundle may use them.)
 *
 * With a new user namespace (and a runtime running as root) the runtime mounts it instead, in
 * the container's mount namespace before the init mounts anything: the lower layer through an
 * idmapped mount with the container's own mapping, so that a base owned by host root shows as
 * owned by root inside, stays one copy on disk, and copy-up gives the container's root the
 * file.  The init in its user namespace could neither map a host file system nor reach the
 * layers under a 0700 store. */
#ifndef ISORUN_OVERLAY_ROOT_H
#define ISORUN_OVERLAY_ROOT_H

#include <stdbool.h>

#include "runtime/spec/annotation_keys.h"
#include "runtime/spec/spec.h"

struct overlay_root {
	const char *lower; /* borrowed from the spec's annotations */
	const char *upper;
	const char *work;
};

/* Reads the three annotations.  Returns 1 when they are present (and filled in *ret), 0 when
 * none is.  Only some of them, a relative path, a path overlayfs cannot take (':' ',' '\'),
 * a path that is missing or not a directory, or upper and work on different file systems are
 * errors naming the annotation ("config.json: annotations.io.isorun.rootfs.work: ..."). */
int overlay_root_from_spec(const struct spec *spec, struct overlay_root *ret,
			   struct iso_error *err);

/* Mounts the overlay onto the directory rootfs (in the caller's mount namespace, which must be
 * the container's).  Returns an fd of the new mount's root. */
int overlay_root_mount(const struct overlay_root *o, const char *rootfs, struct iso_error *err);

/* Runtime side, in the container's mount namespace: mounts an idmapped clone of o->lower
 * (userns_fd: the container's user namespace) onto rootfs and the overlay over it, there.
 * Returns an O_PATH fd of the overlay's root. */
int overlay_root_mount_idmapped(const struct overlay_root *o, const char *rootfs, int userns_fd,
				struct iso_error *err);

/* Whether the runtime mounts the overlay (overlay_root_mount_idmapped()) rather than the init:
 * the io.isorun.rootfs.* annotations with a new user namespace, and a runtime with root. */
bool overlay_root_by_runtime(const struct spec *spec);

#endif
