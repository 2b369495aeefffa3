/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One recorded run of a bundle (isorun trace, tenant allowlist): the container runs recorded
 * in the kernel (syscall_recorder_bpf.h), or where that cannot work under the notify recorder
 * (syscall_recorder.h), in the foreground runner (container_run.h), until it exits, or until
 * `duration` seconds have passed or the caller gets SIGINT/SIGTERM/SIGHUP, when it is stopped
 * with SIGTERM and, after a short grace, SIGKILL; the caller's other signals are passed on to
 * it.  The container is deleted in every case: nothing is left behind. */
#ifndef ISORUN_CONTAINER_TRACE_H
#define ISORUN_CONTAINER_TRACE_H

#include <stdbool.h>

#include "runtime/trace/syscall_recorder.h"

struct trace_options {
	const char *root;
	const char *id;
	const char *bundle;
	int duration_ms; /* <= 0: until the container exits */
};

struct trace_result {
	/* The container's syscalls; with noNewPrivileges false, also those the init (and the
	 * startContainer hooks it runs) makes between loading the filter and executing the
	 * program: an enforced filter is then loaded at that same point (before the user and
	 * capabilities change) and must let them through.  With noNewPrivileges it is loaded
	 * right before the exec (syscall_profile_add_always()). */
	struct syscall_set seen;
	bool stopped;		/* ended by the duration or a signal, not by itself */
	int status;		/* the init's exit status (128+N for a signal) */
	unsigned long notified; /* round trips through the supervisor (notify recorder) */
	const char *recorder;	/* "ebpf" or "seccomp-notify" */
};

/* The in-kernel recorder is used where it can work; ISORUN_TRACE_RECORDER=notify in the
 * environment forces the notify recorder (for its tests). */
#define TRACE_RECORDER_ENV "ISORUN_TRACE_RECORDER"

int container_trace(const struct trace_options *o, struct trace_result *ret, struct iso_error *err);

#endif
