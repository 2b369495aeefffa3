/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Link (network interface) requests: create a veth pair, change a link (name, MTU, master, up,
 * namespace), delete one, and look one up.  Requests are appended to a batch; `ctx` starts the
 * error message of each ("io.isorun.net.veth"). */
#ifndef ISORUN_NET_LINK_H
#define ISORUN_NET_LINK_H

#include <net/if.h>
#include <stdbool.h>

#include "net/helper/netlink.h"

/* A veth pair: `host` in the socket's namespace, `peer` created directly in the namespace of
 * peer_netns_fd (VETH_INFO_PEER with IFLA_NET_NS_FD), both with `mtu` when non-zero.  Both ends
 * are left down. */
void link_add_veth(struct nl_batch *b, const char *ctx, const char *host, const char *peer,
		   int peer_netns_fd, unsigned int mtu);

/* What link_change() changes; zero/NULL/-1 fields are left alone. */
struct link_change {
	int ifindex;	      /* the link, or 0 to name it by `name` */
	const char *name;     /* the link's current name (for messages; lookup when ifindex is 0) */
	const char *new_name; /* rename (needs ifindex) */
	unsigned int mtu;
	int master;   /* ifindex of a bridge to enslave to */
	int netns_fd; /* move into this namespace (-1: stay) */
	bool up;
};

void link_change(struct nl_batch *b, const char *ctx, const struct link_change *c);

void link_delete(struct nl_batch *b, const char *ctx, int ifindex, const char *name);

struct link_info {
	int ifindex;
	char name[IFNAMSIZ];
	char kind[32]; /* IFLA_INFO_KIND ("veth", "bridge"), empty for none */
	unsigned int mtu;
	unsigned int flags; /* IFF_* */
};

/* Looks a link up by ifindex (> 0) or else by name.  -ENODEV when there is none. */
int link_get(struct nl_sock *s, int ifindex, const char *name, struct link_info *ret,
	     struct iso_error *err);

#endif
