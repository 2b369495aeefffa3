/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/container_resources.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_stats.h"
#include "runtime/cgroup/cgroup_systemd.h"
#include "runtime/container.h"
#include "runtime/process.h"
#include "runtime/rootless.h"
#include "util/cleanup.h"
#include "util/timefmt.h"
#include "util/jsongen.h"

static int need_cgroup(const struct container_state *st, const char *verb, struct iso_error *err)
{
	if (st->n_cgroups == 0)
		return iso_error_invalid(
		    err, "%s: container \"%s\" has no cgroup (%s)", verb, st->id,
		    rootless_caller() ? "rootless: create it with --systemd-cgroup for one "
					"from your systemd user manager"
				      : "created with --cgroup-manager disabled");
	return 0;
}

static int set_frozen(const char *root, const char *id, bool frozen, struct iso_error *err)
{
	_cleanup_state_ struct container_state st = {0};
	_cleanup_close_ int dirfd = -1;
	enum container_status want = frozen ? STATUS_RUNNING : STATUS_PAUSED;
	const char *verb = frozen ? "pause" : "resume";
	int r;

	r = container_open_locked(root, id, &dirfd, &st, err);
	if (r < 0 || (r = need_cgroup(&st, verb, err)) < 0)
		return r;
	if (st.status != want)
		return iso_error_invalid(err, "cannot %s container \"%s\": it is %s, not %s", verb,
					 id, state_status_name(st.status), state_status_name(want));
	r = cgroup_freeze(st.cgroups, st.n_cgroups, frozen, err);
	if (r < 0)
		return r;
	st.status = frozen ? STATUS_PAUSED : STATUS_RUNNING;
	return state_write(dirfd, &st, err);
}

int container_pause(const char *root, const char *id, struct iso_error *err)
{
	return set_frozen(root, id, true, err);
}

int container_resume(const char *root, const char *id, struct iso_error *err)
{
	return set_frozen(root, id, false, err);
}

int container_update(const char *root, const char *id, const struct cgroup_resources *res,
		     struct iso_error *err)
{
	_cleanup_state_ struct container_state st = {0};
	_cleanup_close_ int dirfd = -1;
	int r;

	r = container_open_locked(root, id, &dirfd, &st, err);
	if (r < 0 || (r = need_cgroup(&st, "update", err)) < 0)
		return r;
	if (st.status == STATUS_STOPPED)
		return iso_error_invalid(err, "cannot update container \"%s\": it is stopped", id);
	if (st.systemd_unit)
		return cgroup_systemd_update(st.systemd_unit, st.cgroups, st.n_cgroups, res, err);
	return cgroup_update(st.cgroups, st.n_cgroups, res, "update", err);
}

int container_pids(const char *root, const char *id, pid_t **ret, size_t *ret_n,
		   struct iso_error *err)
{
	_cleanup_state_ struct container_state st = {0};
	int r;

	r = container_load_state(root, id, &st, err);
	if (r < 0)
		return r;
	/* Without cgroups (rootless, --cgroup-manager disabled) the container's processes are
	 * those kill --all reaches. */
	if (st.n_cgroups == 0) {
		*ret = NULL;
		*ret_n = 0;
		if (st.status == STATUS_STOPPED || st.pid <= 0)
			return 0;
		return process_members(st.pid, st.pid_start_time, ret, ret_n, err);
	}
	return cgroup_pids(st.cgroups, st.n_cgroups, ret, ret_n, err);
}

/* ---- events ---- */

static int emit_event(const char *type, const char *id, const struct container_state *st,
		      container_event_fn emit, void *ctx, struct iso_error *err)
{
	_cleanup_free_ char *json = NULL;
	yajl_gen g = jsongen_new(false);
	int r;

	if (!g)
		return iso_error_set(err, ENOMEM, "events");
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "type", type);
	jsongen_kv_str(g, "id", id);
	if (st) {
		jsongen_key(g, "data");
		cgroup_stats_gen(st->cgroups, st->n_cgroups, g, err);
	}
	yajl_gen_map_close(g);
	r = jsongen_finish(g, &json, NULL, err);
	if (r < 0)
		return r;
	r = emit(json, ctx);
	return r < 0 ? iso_error_set(err, -r, "events: writing") : 0;
}

/* Waits on the init (pidfd: readable once it has exited) and the OOM watch. */
static int watch(const struct container_state *st, int interval_ms, container_event_fn emit,
		 void *ctx, struct iso_error *err)
{
	struct cgroup_oom_watch oom;
	_cleanup_close_ int pidfd = process_pidfd_open(st->pid, st->pid_start_time);
	long long next = (timefmt_monotonic_us() / 1000) + interval_ms;
	int r;

	if (pidfd < 0)
		return 0; /* already gone */
	r = cgroup_oom_watch_open(st->cgroups, st->n_cgroups, &oom, err);
	if (r < 0)
		return r;
	for (;;) {
		struct pollfd p[2] = {{.fd = oom.fd, .events = POLLIN},
				      {.fd = pidfd, .events = POLLIN}};
		long long wait = next - (timefmt_monotonic_us() / 1000);

		if (poll(p, 2, wait < 0 ? 0 : (int)wait) < 0 && errno != EINTR)
			break;
		for (uint64_t n = p[0].revents ? cgroup_oom_watch_read(&oom) : 0; n > 0 && r == 0;
		     n--)
			r = emit_event("oom", st->id, NULL, emit, ctx, err);
		if (r < 0 || p[1].revents)
			break;
		if ((timefmt_monotonic_us() / 1000) >= next) {
			r = emit_event("stats", st->id, st, emit, ctx, err);
			next = (timefmt_monotonic_us() / 1000) + interval_ms;
			if (r < 0)
				break;
		}
	}
	/* An OOM kill of the init is seen after its exit: look once more. */
	for (uint64_t n = r == 0 ? cgroup_oom_watch_read(&oom) : 0; n > 0 && r == 0; n--)
		r = emit_event("oom", st->id, NULL, emit, ctx, err);
	cgroup_oom_watch_close(&oom);
	return r;
}

int container_events(const char *root, const char *id, bool once, int interval_ms,
		     container_event_fn emit, void *ctx, struct iso_error *err)
{
	_cleanup_state_ struct container_state st = {0};
	int r;

	r = container_load_state(root, id, &st, err);
	if (r < 0 || (r = need_cgroup(&st, "events", err)) < 0)
		return r;
	if (st.status == STATUS_STOPPED)
		return iso_error_invalid(err, "events: container \"%s\" is not running", id);
	if (once)
		return emit_event("stats", id, &st, emit, ctx, err);
	return watch(&st, interval_ms, emit, ctx, err);
}
