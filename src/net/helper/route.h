/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Route requests (RTM_NEWROUTE). */
#ifndef ISORUN_NET_ROUTE_H
#define ISORUN_NET_ROUTE_H

#include "net/helper/addr.h"
#include "net/helper/netlink.h"

/* The default route of the gateway's family (0.0.0.0/0 or ::/0) via `gateway` out of `ifindex`,
 * in the main table. */
void route_add_default(struct nl_batch *b, const char *ctx, int ifindex, const char *ifname,
		       const struct net_addr *gateway);

#endif
