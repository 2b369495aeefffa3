/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>

#include "runtime/container_parts.h"
#include "runtime/late_hooks.h"
#include "util/cleanup.h"

int container_release_start_barrier(int dirfd, int fifo, struct container_state *st,
				    struct iso_error *err)
{
	if (write(fifo, "0", 1) != 1)
		return iso_error_set(err, errno, "cannot start container \"%s\"", st->id);
	unlinkat(dirfd, FIFO_NAME, 0);
	st->status = STATUS_RUNNING;
	return 0;
}

/* The init holds the barrier open close-on-exec: when it has run the startContainer hooks and
 * exec'd the user's program (or died), the fifo has no reader left and our end reports
 * POLLERR.  Waiting for that keeps poststart after the program started, as the spec orders;
 * without poststart hooks start need not wait (runc does not): the exec takes milliseconds
 * here, which `start` would otherwise spend idle. */
static void wait_for_exec(int fifo)
{
	struct pollfd pfd = {.fd = fifo, .events = 0};

	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
}

int container_start(const char *root, const char *id, struct iso_error *err)
{
	_cleanup_state_ struct container_state st = {0};
	struct late_hooks hooks;
	_cleanup_close_ int dirfd = -1, fifo = -1;
	int r;

	r = container_open_locked(root, id, &dirfd, &st, err);
	if (r < 0)
		return r;
	if (st.status != STATUS_CREATED)
		return iso_error_invalid(err,
					 "cannot start container \"%s\": it is %s, not created", id,
					 state_status_name(st.status));
	fifo = openat(dirfd, FIFO_NAME, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return iso_error_set(err, errno == ENXIO ? 0 : errno,
				     "cannot start container \"%s\": its init is gone", id);
	if ((r = container_release_start_barrier(dirfd, fifo, &st, err)) < 0)
		return r;
	late_hooks_prepare(dirfd, &st, STATE_HOOKS_POSTSTART, &hooks);
	if (hooks.wanted && (!hooks.spec || hooks.spec->hooks[HOOK_POSTSTART].n_hooks > 0))
		wait_for_exec(fifo);
	r = state_write(dirfd, &st, err);
	if (r < 0) {
		late_hooks_clear(&hooks);
		return r;
	}
	late_hooks_run(&hooks, HOOK_POSTSTART);
	return 0;
}
