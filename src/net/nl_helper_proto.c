/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/nl_helper_proto.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util/fdpass.h"

int nlh_send(int sock, const void *msg, size_t len, int fd, const struct net_device_move *devs,
	     size_t n_devs)
{
	int r = fd_send(sock, fd, msg, len);

	for (size_t i = 0; r == 0 && i < n_devs; i++)
		r = fd_send(sock, -1, &devs[i], sizeof(devs[i]));
	return r;
}

/* Every message starts with the magic number. */
int nlh_recv(int sock, void *msg, size_t len, int *ret_fd)
{
	uint32_t magic;
	ssize_t n;

	*ret_fd = -1;
	n = fd_recv(sock, msg, len, ret_fd);
	if (n <= 0)
		return (int)n;
	memcpy(&magic, msg, sizeof(magic));
	if ((size_t)n == len && magic == NLH_MAGIC)
		return 1;
	if (*ret_fd >= 0)
		close(*ret_fd);
	*ret_fd = -1;
	return -EPROTO;
}

int nlh_recv_devices(int sock, struct net_device_move *devs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int fd;
		ssize_t got = fd_recv(sock, &devs[i], sizeof(devs[i]), &fd);

		if (fd >= 0)
			close(fd);
		if (got < 0)
			return (int)got;
		if ((size_t)got != sizeof(devs[i]))
			return got == 0 ? -ECONNRESET : -EPROTO;
	}
	return 0;
}
