/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runtime's side of isorun-systemd (src/systemd/sd_helper_main.c), the helper that talks
 * to systemd over D-Bus: one exec per operation, from a sealed memfd, answering one line.
 * Root's manager is systemd (PID 1); a rootless caller's is its own user manager (systemd
 * --user), reached through $XDG_RUNTIME_DIR (and $DBUS_SESSION_BUS_ADDRESS), as runc does. */
#ifndef ISORUN_SYSTEMD_HELPER_H
#define ISORUN_SYSTEMD_HELPER_H

#include <stddef.h>
#include <sys/types.h>

#include "runtime/cgroup/systemd_props.h"
#include "util/error.h"

/* The helper's image, generated at build time from src/systemd/isorun-systemd. */
extern const unsigned char sd_helper_image[];
extern const size_t sd_helper_image_size;

/* A helper that started a unit and holds it (it is the scope's only process) until released. */
struct systemd_hold {
	pid_t pid;   /* -1: none */
	int hold_fd; /* closing it lets the helper exit */
};

#define SYSTEMD_HOLD_INIT                                                                          \
	{                                                                                          \
		.pid = -1, .hold_fd = -1                                                           \
	}

/* StartTransientUnit of unit with ps (which should hold PIDs=[0]: the helper), waiting for the
 * job; on success the helper stays in the unit, held by h, until systemd_helper_release(). */
int systemd_helper_start(const char *unit, const struct systemd_props *ps, struct systemd_hold *h,
			 struct iso_error *err);

/* Lets the helper go and reaps it. */
void systemd_helper_release(struct systemd_hold *h);

/* StopUnit (waiting for the job; a unit that does not exist is stopped) and ResetFailedUnit. */
int systemd_helper_stop(const char *unit, struct iso_error *err);

/* SetUnitProperties(unit, runtime). */
int systemd_helper_set(const char *unit, const struct systemd_props *ps, struct iso_error *err);

/* The manager's own cgroup (the user manager's: "/user.slice/user-1000.slice/user@1000.service"),
 * below which its units' cgroups are. */
int systemd_helper_manager_cgroup(char **ret, struct iso_error *err);

/* AttachProcessesToUnit(unit, pid), where the runtime may not move pid itself; refused unless
 * the helper that h holds is seen in the unit, so that pid names the same process for systemd. */
int systemd_helper_attach(const char *unit, pid_t pid, const struct systemd_hold *h,
			  struct iso_error *err);

#endif
