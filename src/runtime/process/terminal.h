/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISORUN_TERMINAL_H
#define ISORUN_TERMINAL_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/spec/spec.h"
#include "util/error.h"

/* In the container, after pivot_root, still as root: opens a new pty from /dev/ptmx, sets its
 * window size when proc has one, gives the slave to proc's user, makes it the controlling
 * terminal and stdin/stdout/stderr of the caller (which must not be a session leader yet: it
 * calls setsid()).  *ret_master receives the master (O_CLOEXEC), for the caller to hand to the
 * console socket. */
int terminal_setup_in_container(const struct spec_process *proc, int *ret_master,
				struct iso_error *err);

/* On the host: connects to the --console-socket path and sends master over it (SCM_RIGHTS),
 * as runc does. */
int terminal_send_to_console_socket(const char *socket_path, int master, struct iso_error *err);

/* Hands master to whoever holds the terminal: the --console-socket path when given, else the
 * already connected socket console_fd (run's and exec's own terminal proxy). */
int terminal_hand_over(const char *console_socket, int console_fd, int master,
		       struct iso_error *err);

#endif
