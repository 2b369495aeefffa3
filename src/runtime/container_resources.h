/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The verbs that act on a container's cgroup: pause, resume, update, ps, events. */
#ifndef ISORUN_CONTAINER_RESOURCES_H
#define ISORUN_CONTAINER_RESOURCES_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/spec/cgroup_resources.h"
#include "util/error.h"

int container_pause(const char *root, const char *id, struct iso_error *err);
int container_resume(const char *root, const char *id, struct iso_error *err);

int container_update(const char *root, const char *id, const struct cgroup_resources *res,
		     struct iso_error *err);

/* The host pids of the container's processes (sorted). */
int container_pids(const char *root, const char *id, pid_t **ret, size_t *ret_n,
		   struct iso_error *err);

/* Called with each event as one line of JSON (no newline); a negative return stops. */
typedef int (*container_event_fn)(const char *json, void *ctx);

/* With once: emits one stats event and returns.  Otherwise emits a stats event every
 * interval_ms and an oom event for each OOM kill, until the container stops. */
int container_events(const char *root, const char *id, bool once, int interval_ms,
		     container_event_fn emit, void *ctx, struct iso_error *err);

#endif
