/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A process of a container in the foreground (run, exec, tenant run, trace): the caller's
 * signals are passed on to it, its terminal is proxied when there is no --console-socket, and
 * the caller ends with its exit status (foreground_exit_code()). */
#ifndef ISORUN_FOREGROUND_H
#define ISORUN_FOREGROUND_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "runtime/process/terminal_proxy.h"
#include "util/error.h"

struct foreground {
	sigset_t forwarded, saved_mask;
	int own_end;	/* our end of the console socketpair, or -1 */
	int console_fd; /* the end handed to create/exec (console_fd option), or -1 */
	bool has_proxy;
	struct terminal_proxy proxy;
	/* isorun trace: once stop_after_ms (> 0) has passed, or with stop_on_interrupt when
	 * SIGINT, SIGTERM or SIGHUP comes, stop(stop_arg) is called (once) instead of passing the
	 * signal on, and stopped is set; the wait goes on until the process is gone. */
	int stop_after_ms;
	bool stop_on_interrupt;
	void (*stop)(void *arg);
	void *stop_arg;
	bool stopped;
};

/* Blocks the forwarded signals (until foreground_end) so that none is lost before the process
 * exists: every signal but those that are about this process itself (faults, SIGCHLD,
 * SIGPIPE, the terminal's SIGTTIN and SIGTTOU) and those it cannot catch, as runc forwards
 * them.  With want_console (no --console-socket, not detached), also makes the socketpair
 * over which create/exec hand back the pty master. */
int foreground_begin(struct foreground *f, bool want_console, struct iso_error *err);

/* After create/exec returned: closes the end it used, and with terminal, takes the pty master
 * and starts proxying it. */
int foreground_take_terminal(struct foreground *f, bool terminal, struct iso_error *err);

/* Waits for the process, forwarding signals and terminal traffic; returns its wait status. */
int foreground_wait(struct foreground *f, pid_t pid, int pidfd);

/* The exit status a foreground caller ends with: the process's, or 128 + the signal that
 * killed it, as a shell reports it. */
int foreground_exit_code(int wait_status);

/* Restores the signal mask and releases what is left (idempotent). */
void foreground_end(struct foreground *f);

#endif
