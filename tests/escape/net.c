/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tenant without a network: raw and packet sockets, and the host's addresses (a TCP
 * listener the test started on the host, which sends MARKER) and abstract unix sockets. */
#define _GNU_SOURCE
#include "escape.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int raw_socket(int argc, char **argv)
{
	int fd;

	(void)argc;
	(void)argv;
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd >= 0)
		return escaped("socket(AF_INET, SOCK_RAW) worked");
	return refused("socket(AF_INET, SOCK_RAW): %s", strerror(errno));
}

static int packet_socket(int argc, char **argv)
{
	int fd;

	(void)argc;
	(void)argv;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd >= 0)
		return escaped("socket(AF_PACKET, SOCK_RAW) worked");
	return refused("socket(AF_PACKET, SOCK_RAW): %s", strerror(errno));
}

/* Reads up to size-1 bytes within a second. */
static bool got_marker(int fd, const char *marker)
{
	char buf[256] = "";
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;

	if (poll(&p, 1, 1000) != 1)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	return n > 0 && strstr(buf, marker);
}

static int connect_host(int argc, char **argv)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int fd;

	if (argc < 4)
		return probe_error("usage: connect_host ADDRESS PORT MARKER");
	if (inet_pton(AF_INET, argv[1], &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)atoi(argv[2]));
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, argv[1], &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)atoi(argv[2]));
		len = sizeof(struct sockaddr_in6);
	} else {
		return probe_error("bad address %s", argv[1]);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return refused("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		return refused("connect %s:%s: %s", argv[1], argv[2], strerror(errno));
	if (got_marker(fd, argv[3]))
		return escaped("connected to the host's listener at %s:%s and read its marker",
			       argv[1], argv[2]);
	return refused("connected to %s:%s, but not to the host's listener (no marker)", argv[1],
		       argv[2]);
}

/* Abstract unix sockets belong to the network namespace. */
static int abstract_unix(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n;
	int fd;

	if (argc < 3)
		return probe_error("usage: abstract_unix NAME MARKER");
	n = strlen(argv[1]);
	if (n + 1 > sizeof(sa.sun_path))
		return probe_error("name too long");
	memcpy(sa.sun_path + 1, argv[1], n);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return refused("socket(AF_UNIX): %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0)
		return refused("connect @%s: %s", argv[1], strerror(errno));
	if (got_marker(fd, argv[2]))
		return escaped("connected to the host's abstract socket @%s", argv[1]);
	return refused("connected to @%s, but it was not the host's (no marker)", argv[1]);
}

const struct technique net_techniques[] = {
    {"raw_socket", "", raw_socket},
    {"packet_socket", "", packet_socket},
    {"connect_host", "ADDRESS PORT MARKER", connect_host},
    {"abstract_unix", "NAME MARKER", abstract_unix},
    {NULL, NULL, NULL},
};
