/* IP addresses: CIDR text ("10.0.0.2/24", "fd00::2/64") to binary and back, address requests
 * (RTM_NEWADDR) and the address dump a moved interface needs (RTM_GETADDR). */
#ifndef ISORUN_NET_ADDR_H
#define ISORUN_NET_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net/netlink.h"

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

/* Adds the address to the link.  IPv6 addresses skip duplicate address detection: they are the
 * ends of a link isorun made (or kept from a moved one) and must work when the process starts,
 * not a second later. */
void addr_add(struct nl_batch *b, const char *ctx, int ifindex, const char *ifname,
	      const struct net_addr *a);

/* The permanent addresses of global scope on a link (what linux.netDevices keeps across a
 * move), at most `max`. */
int addr_list_permanent_global(struct nl_sock *s, int ifindex, struct net_addr *ret, size_t max,
			       size_t *ret_n, struct iso_error *err);

#endif
