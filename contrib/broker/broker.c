/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isorun-broker: a small host broker for tenants (the seed's Sunneed, reduced to its IPC).
 *
 *   isorun-broker SOCKET FILE
 *
 * Listens on the unix socket SOCKET (normally in the tenant store's ipc/ directory, which every
 * tenant sees read-only at /tmp/tenant_ipc) and hands each client a read-only file descriptor
 * of FILE over SCM_RIGHTS.  Runs until killed; removes the socket on SIGTERM/SIGINT. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int send_fd(int sock, int fd)
{
	char byte = 'F', ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(ctl, 0, sizeof(ctl));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int listen_on(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int sock;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "isorun-broker: %s: path too long\n", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    chmod(path, 0666) < 0 || listen(sock, 16) < 0) {
		fprintf(stderr, "isorun-broker: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return sock;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	int sock;

	if (argc != 3) {
		fprintf(stderr, "usage: isorun-broker SOCKET FILE\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sock = listen_on(argv[1]);
	if (sock < 0)
		return 1;
	printf("isorun-broker: listening on %s\n", argv[1]);
	fflush(stdout);
	while (!stop) {
		int client = accept4(sock, NULL, NULL, SOCK_CLOEXEC), fd;

		if (client < 0)
			continue; /* EINTR when a signal asks us to stop */
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || send_fd(client, fd) < 0)
			fprintf(stderr, "isorun-broker: %s: %s\n", argv[2], strerror(errno));
		if (fd >= 0)
			close(fd);
		close(client);
	}
	unlink(argv[1]);
	return 0;
}
