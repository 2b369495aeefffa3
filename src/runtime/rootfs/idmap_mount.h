/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Idmapped bind mounts (runtime spec 1.2: mounts[].uidMappings/gidMappings, "idmap", "ridmap").
 *
 * The mapping of an idmapped mount is that of a user namespace (MOUNT_ATTR_IDMAP takes its fd).
 * Read as linux.uidMappings are: an id stored in the source's file system is a containerID, and
 * through the mount it shows as the hostID of its range; a file created through the mount by
 * hostID is stored as the containerID.  Ids outside every range show as the overflow id
 * (65534) and cannot create files.
 *
 * The kernel lets only a caller privileged over the source's file system (host root for a host
 * directory) map a mount of it: the runtime makes the mount for a container with a new user
 * namespace (mount_sources.h), the init for one without (mounts.c). */
#ifndef ISORUN_IDMAP_MOUNT_H
#define ISORUN_IDMAP_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/spec/spec.h"
#include "util/error.h"

/* A new user namespace with these uid and gid maps: returns an fd of it (its ns/user file).
 * The process made to hold it while its maps were written is killed and reaped on return. */
int idmap_userns_open(const struct spec_id_mapping *uids, size_t n_uids,
		      const struct spec_id_mapping *gids, size_t n_gids, struct iso_error *err);

/* Whether m maps through the container's own user namespace: it has no mappings of its own, or
 * the same as linux.uidMappings and linux.gidMappings. */
bool idmap_uses_container_maps(const struct spec *spec, const struct spec_mount *m);

/* A detached clone of the mount at dirfd/path (path "" for dirfd itself; with its submounts
 * for an rbind) mapped by the user namespace userns_fd: the top mount for "idmap", every mount
 * of the clone for "ridmap".  Returns the mount's fd.  A kernel or file system that refuses
 * the mapping gives one line that says why. */
int idmap_mount_clone(int dirfd, const char *path, const struct spec_mount *m, int userns_fd,
		      struct iso_error *err);

/* Whether the kernel idmaps a mount of path's file system: probes it with a detached clone,
 * never attached.  1 when it does; 0 when the file system refuses (err holds
 * idmap_mount_clone()'s message, which names the file system and kernel); negative when the
 * probe itself failed. */
int idmap_mount_supported(const char *path, struct iso_error *err);

/* idmap_mount_clone() of m->source with m's own mappings, in a user namespace made for it. */
int idmap_mount_new(const struct spec_mount *m, struct iso_error *err);

#endif
