/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/container.h"

#include <errno.h>
#include <signal.h>

#include "net/network.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_systemd.h"
#include "runtime/container_parts.h"
#include "runtime/late_hooks.h"
#include "runtime/process.h"
#include "util/cleanup.h"
#include "util/log.h"

int container_destroy_cgroups(const struct container_state *st, bool quiet, struct iso_error *err)
{
	if (st->systemd_unit)
		return cgroup_systemd_destroy(st->systemd_unit, st->cgroups, st->n_cgroups, quiet,
					      err);
	return cgroup_destroy(st->cgroups, st->n_cgroups, err);
}

static int stop_for_delete(const struct container_state *st, struct iso_error *err)
{
	int r;

	/* An abandoned create's init dies with the runtime, but may not be gone yet when delete
	 * gets the lock (released as the runtime exits); a pid of 0 is one not cloned yet. */
	if ((st->status == STATUS_STOPPED && !st->abandoned) || st->pid <= 0)
		return 0;
	r = process_signal(st->pid, st->pid_start_time, SIGKILL, true, err);
	if (r < 0 && r != -ESRCH)
		return r;
	r = process_wait_gone(st->pid, st->pid_start_time, 10000);
	if (r < 0)
		return iso_error_set(err, -r, "waiting for container \"%s\" to exit", st->id);
	return 0;
}

/* Opens and locks the state directory for delete; 0 and *ret_dirfd -1 when there is nothing to
 * delete (a missing id with force), or when it held no state (the directory of a create killed
 * before its first state write, which is removed here). */
static int open_for_delete(const char *root, const char *id, bool force, int *ret_dirfd,
			   struct container_state *st, struct iso_error *err)
{
	_cleanup_close_ int dirfd = -1;
	int r;

	*ret_dirfd = -1;
	if ((r = state_validate_id(id, err)) < 0)
		return r;
	dirfd = r = state_dir_open(root, id, err);
	if (r == -ENOENT && force)
		return 0;
	if (r < 0)
		return r;
	r = state_read(dirfd, id, st, err);
	if (r == -ENOENT)
		return state_dir_remove(root, id, err);
	if (r < 0)
		return r;
	state_refresh(st);
	*ret_dirfd = steal_fd(dirfd);
	return 0;
}

int container_delete(const char *root, const char *id, bool force, struct iso_error *err)
{
	_cleanup_state_ struct container_state st = {0};
	_cleanup_close_ int dirfd = -1;
	struct iso_error net_err;
	struct late_hooks hooks;
	int r;

	r = open_for_delete(root, id, force, &dirfd, &st, err);
	if (r < 0 || dirfd < 0)
		return r;
	if ((st.status == STATUS_RUNNING || st.status == STATUS_PAUSED) && !force)
		return iso_error_invalid(err,
					 "cannot delete container \"%s\" that is not stopped "
					 "(status: %s): use --force",
					 id, state_status_name(st.status));
	if (st.status == STATUS_PAUSED &&
	    (r = cgroup_freeze(st.cgroups, st.n_cgroups, false, err)) < 0)
		return r;
	r = stop_for_delete(&st, err);
	if (r < 0 || (r = container_destroy_cgroups(&st, false, err)) < 0)
		return r;
	if (net_record_teardown(dirfd, &net_err) < 0)
		log_warning("%s", net_err.msg);
	st.status = STATUS_STOPPED;
	/* The spec runs poststop after the container is deleted. */
	late_hooks_prepare(dirfd, &st, STATE_HOOKS_POSTSTOP, &hooks);
	if ((r = state_dir_remove(root, id, err)) < 0) {
		late_hooks_clear(&hooks);
		return r;
	}
	late_hooks_run(&hooks, HOOK_POSTSTOP);
	return 0;
}
