/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text forms of what a container's network is made of, parsed and checked without a system
 * call: IP addresses in CIDR notation and interface names.  Shared by the runtime, which parses
 * the configuration, and its netlink helper, which turns it into requests. */
#ifndef ISORUN_NET_TEXT_H
#define ISORUN_NET_TEXT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define NET_ADDR_TEXT_MAX 64 /* INET6_ADDRSTRLEN + "/128" */

struct net_addr {
	int family;	  /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network byte order; 4 bytes used for AF_INET */
	unsigned int prefix;
	uint32_t flags; /* IFA_F_* given back to the kernel (moved interfaces keep theirs) */
};

/* Parses "ADDRESS/PREFIX" (with_prefix) or a bare "ADDRESS".  -EINVAL when malformed. */
int net_addr_parse(const char *text, bool with_prefix, struct net_addr *ret);

/* "ADDRESS/PREFIX" or "ADDRESS" (without_prefix) into buf (NET_ADDR_TEXT_MAX bytes). */
const char *net_addr_format(const struct net_addr *a, bool with_prefix, char *buf);

static inline size_t net_addr_len(const struct net_addr *a)
{
	return a->family == AF_INET6 ? 16 : 4;
}

/* The kernel's rules for an interface name: 1..15 bytes, not "." or "..", no '/', ':' or
 * white space. */
bool link_name_valid(const char *name);

#endif
