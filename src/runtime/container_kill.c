/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/container.h"

#include <errno.h>
#include <signal.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/process.h"
#include "util/cleanup.h"

/* A created container's init is still isorun's: it handles no signal, and as the init of a pid
 * namespace it would not even be sent one left at its default action.  A signal whose default
 * action ends a process ends the init, as it ends runc's (whose Go runtime exits on it). */
static int signal_for_created(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGCONT:
	case SIGURG:
	case SIGWINCH:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return sig;
	default:
		return SIGKILL;
	}
}

int container_kill(const char *root, const char *id, int sig, bool all, struct iso_error *err)
{
	_cleanup_state_ struct container_state st = {0};
	_cleanup_close_ int dirfd = -1;
	int r;

	r = container_open_locked(root, id, &dirfd, &st, err);
	if (r < 0)
		return r;
	if (st.status == STATUS_STOPPED)
		return iso_error_invalid(err, "cannot kill container \"%s\": container not running",
					 id);
	if (st.status == STATUS_CREATED && sig > 0)
		sig = signal_for_created(sig);
	r = process_signal(st.pid, st.pid_start_time, sig, all, err);
	if (r == -ESRCH)
		return iso_error_invalid(err, "cannot kill container \"%s\": container not running",
					 id);
	if (r == 0 && all)
		r = cgroup_signal_all(st.cgroups, st.n_cgroups, sig, err);
	/* A frozen process does not die until it is thawed (runc thaws after SIGKILL too). */
	if (r == 0 && sig == SIGKILL && st.status == STATUS_PAUSED) {
		r = cgroup_freeze(st.cgroups, st.n_cgroups, false, err);
		st.status = STATUS_RUNNING;
		if (r == 0)
			r = state_write(dirfd, &st, err);
	}
	return r;
}
