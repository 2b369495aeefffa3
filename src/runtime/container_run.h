/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One container in the foreground, the way run, tenant run and trace have it: create, start,
 * wait (foreground.h: the caller's signals passed on, the terminal proxied when there is no
 * console socket), delete.  On failure nothing is left behind. */
#ifndef ISORUN_CONTAINER_RUN_H
#define ISORUN_CONTAINER_RUN_H

#include <stdbool.h>

#include "runtime/container.h"

struct container_run_options {
	/* console_fd, caller_waits and start are the runner's to set. */
	struct create_options create;
	bool detach; /* run -d: return once started; nothing waits, nothing is deleted */
	bool keep;   /* run --keep: leave the stopped container for `delete` */
	/* isorun trace: stop the container (SIGTERM to all its processes, SIGKILL after a short
	 * grace) after this long (> 0), and with stop_on_interrupt on the caller's SIGINT,
	 * SIGTERM or SIGHUP instead of passing those on. */
	int stop_after_ms;
	bool stop_on_interrupt;
	/* Called once the container is created, before it starts (may be NULL). */
	void (*on_created)(void *arg);
	void *on_created_arg;
};

struct container_run_result {
	int wait_status; /* the init's; foreground_exit_code() makes it an exit status */
	bool stopped;	 /* ended by stop_after_ms or an interrupt, not by itself */
	/* created_container's: the init's own calls ran under the container's filter */
	bool filter_holds_init_calls;
};

int container_run(struct container_run_options *o, struct container_run_result *ret,
		  struct iso_error *err);

#endif
