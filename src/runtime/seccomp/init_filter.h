/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the container's init loads a seccomp filter that process_setup_privileges() left for
 * it (process_filter_at_exec()).
 *
 * Right before the execve keeps every call of the runtime's own out of the filter, but then the
 * kernel's compiling of the filter (0.1-0.2 ms for a Docker-like profile on the machines this
 * was measured on) is the last thing between `start` and the container's program.  Loaded
 * earlier, that work overlaps with the runtime's: at SYNC_READY with `run` recording the state
 * the init would otherwise wait for, at the start barrier with the wait for `start`.  Earlier
 * is chosen only where the filter itself lets the init's remaining calls through:
 * seccomp_eval() runs it on them first, so a profile that denies read or prctl still works,
 * loaded once start is given.  The latest point is still before the startContainer hooks: they
 * run in the container's namespaces and are held by its filter, as in runc. */
#ifndef ISORUN_INIT_FILTER_H
#define ISORUN_INIT_FILTER_H

#include <stdbool.h>

#include "runtime/process/process_setup.h"

enum init_filter_point {
	INIT_FILTER_IN_SETUP,	/* process_setup_privileges() loaded it, or there is none */
	INIT_FILTER_AT_READY,	/* after SYNC_READY; SYNC_CREATED and the barrier under it */
	INIT_FILTER_AT_BARRIER, /* after SYNC_CREATED, before the wait for start */
	INIT_FILTER_AT_START,	/* after the barrier, before the startContainer hooks */
};

struct init_filter_context {
	int sync_fd, fifo_fd; /* what the init reads, and closes, after the earlier points */
	bool start_follows;   /* the runtime starts the container as soon as it is created */
	bool loaded_in_setup; /* !process_filter_at_exec() */
};

enum init_filter_point init_filter_point(const struct seccomp_program *p,
					 const struct init_filter_context *c);

#endif
