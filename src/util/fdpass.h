/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Passing file descriptors over unix sockets (SCM_RIGHTS). */
#ifndef ISORUN_FDPASS_H
#define ISORUN_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Sends len bytes of data (at least 1) with fd attached (fd < 0: no fd). Returns 0 or -errno. */
int fd_send(int sock, int fd, const void *data, size_t len);

/* Receives one message of at most len bytes; *ret_fd is the attached fd (O_CLOEXEC) or -1.
 * Returns bytes received (0 on EOF) or -errno. */
ssize_t fd_recv(int sock, void *data, size_t len, int *ret_fd);

#endif
