/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp.listenerPath: handing the seccomp notify fd to a seccomp agent. */
#ifndef ISORUN_SECCOMP_NOTIFY_H
#define ISORUN_SECCOMP_NOTIFY_H

#include <sys/types.h>

#include "util/error.h"

/* Connects to the AF_UNIX SOCK_STREAM socket at listener_path and sends, on that one connection,
 * the OCI "container process state" ({ociVersion, fds: ["seccompFd"], pid, metadata, state})
 * with notify_fd attached (SCM_RIGHTS) to the first and only sendmsg(); then closes it.
 * state_json is the container's state document; metadata may be NULL. */
int seccomp_notify_send(const char *listener_path, const char *metadata, int notify_fd, pid_t pid,
			const char *state_json, struct iso_error *err);

#endif
