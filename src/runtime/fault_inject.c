/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/fault_inject.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The one list of steps: enum fault_step indexes it. */
static const struct {
	const char *name;
	const char *description;
} fault_steps[FAULT_STEP_COUNT] = {
    [FAULT_STATE_DIR] = {"state-dir", "the state directory and its config copy exist"},
    [FAULT_CGROUP_MADE] = {"cgroup-made",
			   "the cgroup2 directory is made, its record still pending"},
    [FAULT_CGROUP] = {"cgroup", "the cgroups exist, with linux.resources applied"},
    [FAULT_CLONE] = {"clone", "the init is cloned; it is not in its cgroups yet"},
    [FAULT_SYSTEMD_UNIT] = {"systemd-unit", "the systemd unit is recorded, not started yet "
					    "(--systemd-cgroup only)"},
    [FAULT_CGROUP_V1_MADE] = {"cgroup-v1-made", "the v1 directories are made, their record still "
						"pending"},
    [FAULT_CGROUP_JOINED] = {"cgroup-joined", "the init is in its cgroups"},
    [FAULT_NETWORK] = {"network", "the network is set up (veth, moved devices)"},
    [FAULT_MOUNTS] = {"mounts", "the init has mounted the container's file system"},
    [FAULT_HOOKS] = {"hooks", "the prestart and createRuntime hooks have run"},
    [FAULT_READY] = {"ready", "the init is set up, still dies with the runtime; no state.json yet"},
    [FAULT_STATE_WRITTEN] = {"state-written", "state.json says created, the init outlives the "
					      "runtime; no pid file yet"},
};

static int armed = -1;

const char *fault_step_name(size_t i)
{
	return i < FAULT_STEP_COUNT ? fault_steps[i].name : NULL;
}

const char *fault_step_description(size_t i)
{
	return i < FAULT_STEP_COUNT ? fault_steps[i].description : NULL;
}

int fault_inject_arm(struct iso_error *err)
{
	const char *want = getenv(FAULT_INJECT_ENV);
	char known[512] = "";

	armed = -1;
	if (!want || !*want)
		return 0;
	for (size_t i = 0; i < FAULT_STEP_COUNT; i++) {
		if (!strcmp(want, fault_steps[i].name)) {
			armed = (int)i;
			return 0;
		}
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
			 i ? ", " : "", fault_steps[i].name);
	}
	return iso_error_invalid(err, FAULT_INJECT_ENV ": unknown step \"%s\" (known: %s)", want,
				 known);
}

void fault_inject_point(enum fault_step step)
{
	if (armed != (int)step)
		return;
	fprintf(stderr, "isorun: " FAULT_INJECT_ENV ": killed at \"%s\"\n", fault_steps[step].name);
	kill(getpid(), SIGKILL);
	/* Not reached: SIGKILL cannot be blocked or caught. */
	_exit(137);
}
