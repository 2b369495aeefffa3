/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipc_test: connects to the host broker's socket in /tmp/tenant_ipc (bound read-only from the
 * host), receives a file descriptor over SCM_RIGHTS and reads from it. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BROKER_SOCKET "/tmp/tenant_ipc/broker.sock"

static int receive_fd(int sock)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

int main(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char buf[256];
	ssize_t n;
	int sock, fd;

	strcpy(addr.sun_path, BROKER_SOCKET);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("ipc_test: connect " BROKER_SOCKET);
		return 1;
	}
	fd = receive_fd(sock);
	if (fd < 0) {
		fprintf(stderr, "ipc_test: no file descriptor received\n");
		return 1;
	}
	printf("Got file handle\n");
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		printf("read through it: %s", buf);
	}
	return 0;
}
