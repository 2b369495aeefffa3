/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small rtnetlink layer over libmnl: one socket per network namespace, requests sent in
 * batches (one sendmsg, one ACK per message, every sequence number checked), and kernel
 * refusals turned into one-line errors that name the operation and carry the kernel's extended
 * ack message ("Nexthop has invalid gateway") when it gives one. */
#ifndef ISORUN_NET_NETLINK_H
#define ISORUN_NET_NETLINK_H

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

#define NL_BATCH_MAX 64
#define NL_BATCH_BUF 16384
#define NL_WHAT_MAX  160
#define NL_RX_BUF    32768 /* a dump answer fits (libmnl's MNL_SOCKET_DUMP_SIZE) */
/* Room each message may use for its attributes: the callers' largest (a veth with its peer) is
 * well under it. */
#define NL_MSG_ROOM 512

struct nl_sock {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
};

/* Opens and binds an rtnetlink socket with NETLINK_EXT_ACK and NETLINK_CAP_ACK set.  With
 * netns_fd >= 0 the socket belongs to that network namespace (a netlink socket keeps the
 * namespace it was created in); the calling thread's own namespace is never changed. */
int nl_open(struct nl_sock *s, int netns_fd, struct iso_error *err);
void nl_close(struct nl_sock *s);

static inline void cleanup_nl_sockp(struct nl_sock *s)
{
	nl_close(s);
}
#define _cleanup_nl_sock_ __attribute__((cleanup(cleanup_nl_sockp)))

/* Requests that go out together.  Each message carries a description for errors ("io.isorun.
 * net.veth: creating veth \"vh0\"") and an optional hint used when the kernel gives no
 * extended ack message for EEXIST ("name taken"). */
struct nl_batch {
	union {
		char bytes[NL_BATCH_BUF];
		struct nlmsghdr align;
	} buf;
	union {
		char bytes[MNL_NLMSG_HDRLEN + 64 + NL_MSG_ROOM];
		struct nlmsghdr align;
	} overflow; /* where requests past the batch's end are built, and dropped */
	bool overflowed;
	size_t used;
	unsigned int n;
	char what[NL_BATCH_MAX][NL_WHAT_MAX];
	const char *eexist_hint[NL_BATCH_MAX];
};

void nl_batch_init(struct nl_batch *b);

/* Starts a request (NLM_F_REQUEST | NLM_F_ACK | flags) of `type` with a zeroed family header of
 * hdr_len bytes at *ret_hdr.  Attributes are added with libmnl's mnl_attr_put*() until the next
 * nl_batch_add().  A request past the batch's room is built in a scratch area and makes
 * nl_batch_commit() fail (the callers' batches are bounded, so this is a programming error). */
struct nlmsghdr *nl_batch_add(struct nl_batch *b, uint16_t type, uint16_t flags, size_t hdr_len,
			      void **ret_hdr, const char *what_fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The message just added gets this hint for EEXIST without a kernel message. */
void nl_batch_hint_eexist(struct nl_batch *b, const char *hint);

/* Sends the batch and reads every ACK.  The first refusal becomes the error: "WHAT: strerror
 * (kernel's message)".  The kernel acts on the messages after a refused one too; callers undo
 * the whole setup on failure. */
int nl_batch_commit(struct nl_sock *s, struct nl_batch *b, struct iso_error *err);

/* Sends one dump request (NLM_F_DUMP) or get request and feeds every answer to cb (libmnl
 * callback).  `what` names the query in errors. */
int nl_query(struct nl_sock *s, struct nlmsghdr *req, mnl_cb_t cb, void *data, const char *what,
	     struct iso_error *err);

#endif
