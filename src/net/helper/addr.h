/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Address requests (RTM_NEWADDR) and the address dump a moved interface needs (RTM_GETADDR). */
#ifndef ISORUN_NET_ADDR_H
#define ISORUN_NET_ADDR_H

#include <stddef.h>

#include "net/net_text.h"
#include "net/helper/netlink.h"

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
