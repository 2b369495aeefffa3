/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The netlink work on a container's network, done by the netlink helper (nl_helper_proto.h)
 * on behalf of the runtime: the checks before create makes anything, the veth and the moved
 * devices, undoing them when create fails, and removing the host side at delete. */
#ifndef ISORUN_NET_OPS_H
#define ISORUN_NET_OPS_H

#include "net/net_config.h"
#include "net/nl_helper_proto.h"
#include "util/error.h"

/* The bridge and the linux.netDevices exist in the runtime's namespace: fills in
 * cfg->bridge_ifindex and each device's ifindex and was_up.  Creates nothing. */
int net_ops_check(struct net_config *cfg, struct iso_error *err);

/* Sets up the container's side in the network namespace netns_fd: the veth pair with its
 * addresses, bridge and routes, and the linux.netDevices moved in.  *ret records what was
 * made, also when it fails half-way; cfg->devices[].addrs get the addresses the moved devices
 * had, for net_ops_detach(). */
int net_ops_attach(struct net_config *cfg, int netns_fd, struct net_made *ret,
		   struct iso_error *err);

/* Undoes what net_ops_attach() made (best effort: create is failing already): the devices
 * moved in go back under their own names with their addresses, the host-side veth is
 * deleted. */
void net_ops_detach(const struct net_config *cfg, int netns_fd, const struct net_made *made);

/* Deletes the host-side veth if the link at ifindex (or, without one, named `name`) is still
 * it.  -ENODEV when it is gone already or is another link now. */
int net_ops_delete_veth(int ifindex, const char *name, struct iso_error *err);

#endif
