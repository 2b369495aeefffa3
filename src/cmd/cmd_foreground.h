/* What `run` and `exec` do while the container's process runs in the foreground: pass the
 * caller's signals on, proxy the terminal when there is no --console-socket, and end with the
 * process's exit status (128+N for a signal). */
#ifndef ISORUN_CMD_FOREGROUND_H
#define ISORUN_CMD_FOREGROUND_H

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
};

/* Blocks the forwarded signals (until foreground_end) so that none is lost before the process
 * exists.  With want_console (no --console-socket, not detached), also makes the socketpair
 * over which create/exec hand back the pty master. */
int foreground_begin(struct foreground *f, bool want_console, struct iso_error *err);

/* After create/exec returned: closes the end it used, and with terminal, takes the pty master
 * and starts proxying it. */
int foreground_take_terminal(struct foreground *f, bool terminal, struct iso_error *err);

/* Waits for the process, forwarding signals and terminal traffic; returns its exit status. */
int foreground_wait(struct foreground *f, pid_t pid, int pidfd);

/* Restores the signal mask and releases what is left (idempotent). */
void foreground_end(struct foreground *f);

#endif
