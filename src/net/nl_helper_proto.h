/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runtime and its netlink helper.
 *
 * isorun is linked statically where it can be: the dynamic loader costs every exec of the
 * runtime about 1.5 ms (tests/bench), a tenth of a container's start.  libmnl, a fixed choice,
 * comes only as a shared library, so all of isorun's netlink requests go through a small
 * helper, linked against it, that the runtime carries inside itself and executes from a sealed
 * memfd (nl_helper_client.c).  Only creates and deletes of containers with a veth or
 * linux.netDevices start it, and runtime and helper can never come from different builds.
 *
 * They talk over a SOCK_SEQPACKET socketpair whose helper end is NLH_SOCK_FD.  The runtime
 * sends one request at a time and reads its reply before the next; the helper serves until
 * EOF.  From NLH_ATTACH to NLH_DETACH or NLH_RELEASE it holds the container's network namespace
 * and remembers what it made there.  Structures travel as they are in
 * memory, which is safe only because both ends are one build; the magic number catches a
 * stray peer, not a different layout. */
#ifndef ISORUN_NET_NL_HELPER_PROTO_H
#define ISORUN_NET_NL_HELPER_PROTO_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net_config.h"
#include "util/error.h"

#define NLH_SOCK_FD 3
#define NLH_MAGIC   0x6c6e7369U

enum nlh_op {
	NLH_CHECK = 1,	 /* the bridge and the devices exist: their ifindex (and was_up) back */
	NLH_ATTACH,	 /* the veth and the devices, in the namespace of the fd sent with it */
	NLH_DETACH,	 /* undoes what NLH_ATTACH made, also half-way, and forgets it */
	NLH_RELEASE,	 /* create is over: forgets it, lets the namespace go */
	NLH_DELETE_VETH, /* at delete: the host side a state directory's record names */
};

/* What NLH_ATTACH made (all of it also when it failed half-way). */
struct net_made {
	bool veth_made;
	int host_ifindex;
	char host_name[IFNAMSIZ];
	size_t n_moved; /* cfg->devices[0..n_moved) went into the container */
};

struct nlh_request {
	uint32_t magic;
	uint32_t op;
	/* NLH_CHECK, NLH_ATTACH.  Its pointers mean nothing to the peer: cfg.n_devices messages
	 * of one struct net_device_move each follow, and netns_path is not used. */
	struct net_config cfg;
	int ifindex; /* NLH_DELETE_VETH */
	char name[IFNAMSIZ];
};

struct nlh_reply {
	uint32_t magic;
	int rc; /* 0, or -errno with err set */
	struct iso_error err;
	int bridge_ifindex;   /* NLH_CHECK, followed by the devices as in a request */
	struct net_made made; /* NLH_ATTACH */
};

/* Sends a message of len bytes (with fd attached when fd >= 0), then n_devs device messages.
 * Returns 0 or -errno. */
int nlh_send(int sock, const void *msg, size_t len, int fd, const struct net_device_move *devs,
	     size_t n_devs);

/* Receives a message of exactly len bytes and its attached fd (O_CLOEXEC, or -1).  Returns 1,
 * 0 on EOF, -EPROTO for a message of another size or magic, or -errno. */
int nlh_recv(int sock, void *msg, size_t len, int *ret_fd);

/* Receives n device messages into devs. */
int nlh_recv_devices(int sock, struct net_device_move *devs, size_t n);

#endif
