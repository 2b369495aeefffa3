/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A container's network, from the runtime's side: checked at create before anything is made,
 * set up right after the init is cloned (while it mounts its file system), undone when create
 * fails, and the host side removed at delete.
 *
 * Everything goes through rtnetlink, in the netlink helper (nl_helper_proto.h says why it is a
 * program of its own): the runtime starts it only for a container with a veth or
 * linux.netDevices, early in create, so that its start overlaps with the rest, and keeps it
 * for the rest of the process.  The container's
 * side is configured over a netlink socket that belongs to the container's namespace, not by
 * the init: the init then carries no network code but bringing up lo, and the whole network is
 * in place before any hook or user process runs. */
#ifndef ISORUN_NET_NETWORK_H
#define ISORUN_NET_NETWORK_H

#include <stdbool.h>
#include <sys/types.h>

#include "net/net_config.h"
#include "net/nl_helper_client.h"
#include "runtime/spec/spec.h"
#include "util/error.h"

/* What net_attach() made, for net_detach() and the state directory's record.  Until create
 * is over, the runtime and the helper hold the container's network namespace open, so that a
 * create failing after the init died can still take the moved devices back. */
struct net_attached {
	struct net_made made;
	struct nl_helper *helper; /* the one that made it; NULL when nothing was asked of it */
	bool holds_netns;
	int netns_fd;
};

/* Create is over (it succeeded, or net_detach() is done): closes the namespace fd and ends the
 * helper's part. */
void net_attached_release(struct net_attached *a);

static inline void cleanup_net_attachedp(struct net_attached *a)
{
	net_attached_release(a);
}
#define _cleanup_net_attached_ __attribute__((cleanup(cleanup_net_attachedp)))

/* Parses the annotations and linux.netDevices and checks them against the runtime's namespace
 * (the bridge and the devices exist).  Creates nothing but the helper, when there is anything
 * for it to do. */
int net_prepare(const struct spec *spec, struct net_config *cfg, struct iso_error *err);

/* Sets up the network of the init `pid`: the linux.netDevices moved in, the veth pair with its
 * addresses, bridge and routes.  *ret records what was made, also when it fails half-way. */
int net_attach(const struct net_config *cfg, pid_t pid, struct net_attached *ret,
	       struct iso_error *err);

/* Undoes what net_attach() made (best effort: create is failing already): the devices moved in
 * go back under their own names with their addresses, the host-side veth is deleted.  Call it
 * before the init is killed. */
void net_detach(struct net_attached *a);

/* Writes the record of what was made into the state directory (nothing when nothing was). */
int net_record_write(int dirfd, const struct net_attached *a, struct iso_error *err);

/* At delete: removes the host side that the record names, if it is still the link isorun made
 * (same index, name and kind, in the same namespace).  Gone already is fine. */
int net_record_teardown(int dirfd, struct iso_error *err);

#endif
