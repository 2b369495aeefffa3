/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISORUN_SYSCTL_H
#define ISORUN_SYSCTL_H

#include "runtime/spec/spec.h"

/* Refuses, before anything is created, a linux.sysctl key that is not namespaced in the
 * namespaces the container gets (as runc does): the IPC keys (kernel.msg*, kernel.sem,
 * kernel.shm*, fs.mqueue.*) need an ipc namespace, net.* a network namespace, and
 * kernel.hostname / kernel.domainname a uts namespace, each either new or joined by path but
 * not the runtime's own (compared with /proc/self/ns/..., so call it from the host side).
 * Anything else is refused: "linux.sysctl: vm.swappiness: not namespaced, refused".  So are
 * keys that contain "/" or "..", or are empty. */
int sysctl_validate(const struct spec *spec, struct iso_error *err);

/* Writes linux.sysctl through the container's own /proc/sys (after pivot_root), checking that
 * the file opened is on procfs and that the key cannot walk out of /proc/sys (openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV).  rootfs_pivot_and_finish() calls it
 * before readonlyPaths makes /proc/sys read-only: do not call it again after that. */
int sysctl_apply(const struct spec *spec, struct iso_error *err);

#endif
