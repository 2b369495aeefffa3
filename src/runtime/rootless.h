/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What changes when an unprivileged user runs isorun (runc's "rootless" mode).
 *
 * The container then lives in a user namespace the caller owns: its root is the caller (and the
 * caller's subordinate ids, id_maps.h), and it may do only what that user namespace lets it.
 * What needs the host's root is refused by name before anything is made: the host-side
 * network (veths, moved interfaces) and cgroups, which the caller owns none of but what its
 * systemd user manager delegates to it (--systemd-cgroup). */
#ifndef ISORUN_ROOTLESS_H
#define ISORUN_ROOTLESS_H

#include <stdbool.h>

#include "runtime/spec/spec.h"
#include "util/error.h"

/* True in any user namespace but the initial one. */
bool rootless_in_user_namespace(void);

/* True when the runtime is not root in the host's user namespace: not root at all, or root
 * of a user namespace (rootless podman runs its runtime so). */
bool rootless_caller(void);

/* True when the runtime is not root even in its own user namespace: the container needs a
 * new user namespace, whose maps the runtime writes as their owner (id_maps.h). */
bool rootless_unprivileged(void);

/* The state directory when --root is not given, by runc's rule: $XDG_RUNTIME_DIR/isorun when
 * rootless (for root of a user namespace, unless $USER is root), else /run/isorun; an error
 * saying what to set when not root and XDG_RUNTIME_DIR is not set. */
int rootless_default_root(char **ret, struct iso_error *err);

/* Whether create leaves the container without cgroups: when asked to (--cgroup-manager
 * disabled), and when rootless unless under the systemd driver, whose cgroup is then a unit
 * of the caller's user manager, in the subtree delegated to it (cgroup_systemd.h). */
bool rootless_skip_cgroups(bool disabled, bool systemd);

/* The one warning a rootless create prints once it has succeeded without being asked to
 * leave cgroups out. */
void rootless_warn_no_cgroups(void);

/* Refuses what a rootless caller cannot have: the io.isorun.net.* annotations and
 * linux.netDevices, and, not root at all, a config without a user namespace. */
int rootless_check_spec(const struct spec *spec, struct iso_error *err);

#endif
