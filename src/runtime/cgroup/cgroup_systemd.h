/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd cgroup driver (--systemd-cgroup, --cgroup-manager systemd): the container's
 * cgroup is a transient unit's, a scope (or a slice) that systemd makes and removes;
 * linux.resources go to the unit as properties where systemd has them, and to the unit's cgroup
 * files through the cgroupfs code as under the default driver, which then treats the unit's cgroup
 * as the container's for every other verb (ps, pause, update, events, kill --all). */
#ifndef ISORUN_CGROUP_SYSTEMD_H
#define ISORUN_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/spec/spec.h"
#include "runtime/cgroup/systemd_props.h"
#include "util/error.h"

/* Everything the driver needs of the config, checked before anything exists: the unit of
 * linux.cgroupsPath, the org.systemd.property.* annotations, the resources as properties. */
int cgroup_systemd_check(const struct spec *spec, const char *id, struct systemd_unit *ret,
			 struct iso_error *err);

/* Starts the unit (DefaultDependencies=no; a scope with Delegate=yes), makes the v1 directories
 * systemd does not manage, records the entries (no longer pending) through `recorded`, and moves
 * pid into every one.  On failure the caller's cgroup_systemd_destroy() undoes it. */
int cgroup_systemd_join(const struct spec *spec, const char *id, const struct systemd_unit *u,
			struct state_cgroup *cg, size_t n, pid_t pid,
			const struct cgroup_create_hook *recorded, struct iso_error *err);

/* Kills what is left in the unit's cgroup and removes the directories isorun made (as
 * cgroup_destroy()), then stops the unit and resets it if failed: no unit and no cgroup left.
 * A systemd that cannot be reached (or fails to stop it) gets a warning unless quiet (a failed
 * create's cleanup, whose own error says it all): the cgroup is gone either way. */
int cgroup_systemd_destroy(const char *unit, const struct state_cgroup *cg, size_t n, bool quiet,
			   struct iso_error *err);

/* update: the unit's properties (runtime), so that systemd keeps the new limits, then the
 * cgroup files. */
int cgroup_systemd_update(const char *unit, const struct state_cgroup *cg, size_t n,
			  const struct cgroup_resources *r, struct iso_error *err);

#endif
