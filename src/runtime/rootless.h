/* What changes when an unprivileged user runs isorun (runc's "rootless" mode).
 *
 * The container then lives in a user namespace the caller owns: its root is the caller (and the
 * caller's subordinate ids, id_maps.h), and it may do only what that user namespace lets it.
 * What needs the host's root is refused by name before anything is made: the host-side
 * network (veths, moved interfaces) and cgroups, which the caller owns none of. */
#ifndef ISORUN_ROOTLESS_H
#define ISORUN_ROOTLESS_H

#include <stdbool.h>

#include "runtime/spec.h"
#include "util/error.h"

/* True when the runtime runs without root on the host. */
bool rootless_caller(void);

/* The state directory when --root is not given: /run/isorun for root, else
 * $XDG_RUNTIME_DIR/isorun (runc's rule); an error saying what to set when XDG_RUNTIME_DIR is
 * not set. */
int rootless_default_root(char **ret, struct iso_error *err);

/* Whether create leaves the container without cgroups: when asked to (--cgroup-manager
 * disabled), and always when rootless, with one warning line then.  This is where a driver
 * for the systemd user manager's delegated subtree would be chosen instead. */
bool rootless_skip_cgroups(bool disabled);

/* Refuses what an unprivileged caller cannot have: a config without a new user namespace, the
 * io.isorun.net.* annotations and linux.netDevices. */
int rootless_check_spec(const struct spec *spec, struct iso_error *err);

#endif
