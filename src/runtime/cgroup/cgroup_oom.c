/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OOM notifications: on v1 the memory controller signals an eventfd registered through
 * cgroup.event_control; on v2 memory.events changes (inotify IN_MODIFY) and its oom_kill count
 * grows.  Either way the count in the file tells a real kill from a wake-up for another reason
 * (the v1 eventfd also fires when the cgroup goes away). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_apply.h"
#include "runtime/cgroup/cgroup_stats.h"
#include "util/cleanup.h"

static uint64_t oom_kill_count(const struct cgroup_oom_watch *w)
{
	_cleanup_free_ char *text = NULL;
	struct iso_error ignored;

	if (cgroup_read(w->memory_dir, w->v2 ? "memory.events" : "memory.oom_control", &text,
			&ignored) < 0)
		return w->oom_kills;
	return cgroup_stat_key(text, "oom_kill");
}

static const struct state_cgroup *memory_entry(const struct state_cgroup *cg, size_t n, bool *v2)
{
	for (size_t i = 0; i < n; i++) {
		if (cg[i].controllers[0] &&
		    (cgroup_controllers_parse(cg[i].controllers, ',') & CG_MEMORY)) {
			*v2 = false;
			return &cg[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!cg[i].controllers[0]) {
			*v2 = true;
			return &cg[i];
		}
	}
	return NULL;
}

static int register_v1(struct cgroup_oom_watch *w, const char *dir, struct iso_error *err)
{
	_cleanup_close_ int ctl = openat(w->memory_dir, "memory.oom_control", O_RDONLY | O_CLOEXEC);
	struct cgroup_target t = {.dirfd = w->memory_dir, .dir = dir, .where = "events"};
	char buf[64];

	if (ctl < 0)
		return iso_error_set(err, errno, "events: %s/memory.oom_control", dir);
	w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->fd < 0)
		return iso_error_set(err, errno, "events: eventfd");
	snprintf(buf, sizeof(buf), "%d %d", w->fd, ctl);
	return cgroup_write(&t, "oom", "cgroup.event_control", buf, err);
}

int cgroup_oom_watch_open(const struct state_cgroup *cg, size_t n, struct cgroup_oom_watch *w,
			  struct iso_error *err)
{
	const struct state_cgroup *e = memory_entry(cg, n, &w->v2);
	_cleanup_free_ char *dir = e ? cgroup_dir_path(e) : NULL;
	int r;

	w->fd = w->memory_dir = -1;
	if (!dir)
		return iso_error_invalid(err, "events: the container has no memory cgroup");
	w->memory_dir = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->memory_dir < 0)
		return iso_error_set(err, errno, "events: %s", dir);
	w->oom_kills = oom_kill_count(w);
	if (!w->v2) {
		r = register_v1(w, dir, err);
	} else {
		_cleanup_free_ char *file = NULL;

		w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		r = w->fd < 0 || asprintf(&file, "%s/memory.events", dir) < 0 ||
			    inotify_add_watch(w->fd, file, IN_MODIFY) < 0
			? iso_error_set(err, errno, "events: watching %s/memory.events", dir)
			: 0;
	}
	if (r < 0)
		cgroup_oom_watch_close(w);
	return r;
}

uint64_t cgroup_oom_watch_read(struct cgroup_oom_watch *w)
{
	char buf[4096];
	uint64_t now, n;

	while (read(w->fd, buf, sizeof(buf)) > 0)
		;
	now = oom_kill_count(w);
	n = now > w->oom_kills ? now - w->oom_kills : 0;
	w->oom_kills = now;
	return n;
}

void cgroup_oom_watch_close(struct cgroup_oom_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->memory_dir >= 0)
		close(w->memory_dir);
	w->fd = w->memory_dir = -1;
}
