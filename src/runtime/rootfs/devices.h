/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device nodes and /dev links inside the rootfs, created before pivot_root, every path
 * resolved inside the root (safe_path).  Where mknod is refused (a user namespace), the host's
 * node is bind-mounted onto an empty file instead, after checking it is the same device. */
#ifndef ISORUN_DEVICES_H
#define ISORUN_DEVICES_H

#include <stdbool.h>

#include "runtime/spec/spec.h"

/* The last mount on /dev ("/dev", "/dev/", "//dev"), the one the container sees; NULL if none. */
const struct spec_mount *devices_dev_mount(const struct spec *spec);

/* Whether the runtime must populate /dev: the last mount on /dev is a new tmpfs (not a bind). */
bool devices_dev_is_tmpfs(const struct spec *spec);

/* /dev/{null,zero,full,random,urandom,tty} (mode 0666), the links /dev/ptmx -> pts/ptmx,
 * /dev/fd -> /proc/self/fd, /dev/std{in,out,err} -> /proc/self/fd/{0,1,2}. */
int devices_create_default(int rootfd, struct iso_error *err);

/* linux.devices: type, major/minor, fileMode (0666 when absent), uid/gid.  A path outside
 * /dev is allowed, still resolved inside the root.  An existing node is kept when it is the
 * same device, otherwise refused.  /dev/ptmx 5:2 (--privileged) is made the link
 * /dev/ptmx -> pts/ptmx, or kept when it is that link or node already.
 * Errors: "linux.devices[2] (/dev/fuse): ...". */
int devices_create_spec(int rootfd, const struct spec *spec, struct iso_error *err);

#endif
