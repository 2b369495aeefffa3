/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/loopback.h"

#include <errno.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "util/cleanup.h"

/* The init calls this in the network namespace it was cloned into, before its mounts: two
 * ioctls on a socket of its own.  Done from the runtime it would take a netlink socket opened
 * inside the container's namespace (setns there and back), on the runtime's side of the
 * start-up, which the init has to wait for. */
int net_loopback_up(struct iso_error *err)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return iso_error_set(err, errno,
				     "bringing up lo in the container's network "
				     "namespace: socket");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return iso_error_set(err, errno, "reading the flags of lo");
	if (ifr.ifr_flags & IFF_UP)
		return 0;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return iso_error_set(err, errno,
				     "bringing up lo in the container's network "
				     "namespace");
	return 0;
}
