/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The uid and gid maps of a new user namespace, written by the runtime.
 *
 * Root writes /proc/PID/uid_map and gid_map itself, whatever they say.  An unprivileged caller
 * may write only one line mapping one id, its own effective uid (gid), and the gid map only
 * after setgroups is "deny": the kernel's rule, which keeps a user from dropping the groups
 * that negative permissions of the host rely on.  Any other mapping goes through newuidmap and
 * newgidmap (setuid root, Debian's uidmap package), which grant the ranges /etc/subuid and
 * /etc/subgid give the caller, as runc and crun do. */
#ifndef ISORUN_ID_MAPS_H
#define ISORUN_ID_MAPS_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/spec/spec.h"
#include "util/error.h"

/* True when the caller writes the gid map itself without privilege, which leaves setgroups
 * denied in the namespace: the container's processes keep their supplementary groups. */
bool id_maps_deny_setgroups(const struct spec *spec);

/* Before anything exists: refuses mappings an unprivileged caller cannot write when the helper
 * they need is not installed. */
int id_maps_check(const struct spec *spec, struct iso_error *err);

/* Writes both maps of pid's new user namespace. */
int id_maps_write(pid_t pid, const struct spec *spec, struct iso_error *err);

#endif
