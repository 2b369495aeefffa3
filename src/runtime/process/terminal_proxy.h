/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `run` with process.terminal and no --console-socket: the runtime itself holds the pty master
 * and copies between it and its own stdin/stdout, as runc does.  When stdin is a terminal it is
 * put in raw mode for the duration, so that keys (^C, ^Z) reach the container's terminal
 * instead of acting on the runtime. */
#ifndef ISORUN_TERMINAL_PROXY_H
#define ISORUN_TERMINAL_PROXY_H

#include <stdbool.h>
#include <termios.h>

#include "util/error.h"

struct terminal_proxy {
	int master;
	int in_fd; /* -1 once stdin reached its end */
	int out_fd;
	/* Once stdin ended: the slave's local modes when the EOF character was last sent. */
	bool input_ended;
	tcflag_t eof_lflag;
	bool restore_tty;
	struct termios saved;
};

/* Takes ownership of master. */
int terminal_proxy_begin(struct terminal_proxy *tp, int master, struct iso_error *err);

/* Copies what poll() said is ready.  Returns 1 when the container's side hung up. */
int terminal_proxy_pump(struct terminal_proxy *tp, short in_revents, short master_revents);

/* Gives the container's terminal the size of ours (on SIGWINCH). */
void terminal_proxy_resize(const struct terminal_proxy *tp);

/* Copies what the container left in the pty, restores stdin's mode and closes the master. */
void terminal_proxy_end(struct terminal_proxy *tp);

#endif
