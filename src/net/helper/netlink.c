/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/helper/netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int open_here(struct mnl_socket **ret)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int one = 1, e;

	if (!nl)
		return -errno;
	/* Best effort: without them the kernel still acks, only less helpfully. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		e = errno;
		mnl_socket_close(nl);
		return -e;
	}
	*ret = nl;
	return 0;
}

/* A netlink socket stays bound to the namespace it was created in.  The calling thread enters
 * the container's namespace for the one socket() and goes back at once; going back cannot
 * fail short of the kernel running out of memory, and the runtime then aborts rather than go
 * on configuring from the wrong namespace.  (A short-lived thread doing the same cost 0.5-2 ms
 * per container here: two setns() cost a few microseconds.) */
static int open_in_netns(int netns_fd, struct mnl_socket **ret)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), r;

	if (self < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		r = -errno;
		close(self);
		return r;
	}
	r = open_here(ret);
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
	close(self);
	return r;
}

int nl_open(struct nl_sock *s, int netns_fd, struct iso_error *err)
{
	struct mnl_socket *nl = NULL;
	int r;

	*s = (struct nl_sock){0};
	r = netns_fd >= 0 ? open_in_netns(netns_fd, &nl) : open_here(&nl);
	if (r < 0)
		return iso_error_set(err, -r, "opening an rtnetlink socket%s",
				     netns_fd >= 0 ? " in the container's network namespace" : "");
	s->nl = nl;
	s->portid = mnl_socket_get_portid(nl);
	s->seq = (unsigned int)time(NULL);
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	s->nl = NULL;
}

void nl_batch_init(struct nl_batch *b)
{
	b->used = 0;
	b->n = 0;
	b->overflowed = false;
}

void nl_batch_hint_eexist(struct nl_batch *b, const char *hint)
{
	if (b->n > 0)
		b->eexist_hint[b->n - 1] = hint;
}

struct nlmsghdr *nl_batch_add(struct nl_batch *b, uint16_t type, uint16_t flags, size_t hdr_len,
			      void **ret_hdr, const char *what_fmt, ...)
{
	struct nlmsghdr *nlh;
	size_t off = 0;
	va_list ap;

	if (b->n > 0)
		off = b->used + MNL_ALIGN(((struct nlmsghdr *)(b->buf.bytes + b->used))->nlmsg_len);
	if (b->n == NL_BATCH_MAX || hdr_len > 64 ||
	    off + MNL_NLMSG_HDRLEN + MNL_ALIGN(hdr_len) + NL_MSG_ROOM > sizeof(b->buf.bytes)) {
		b->overflowed = true;
		nlh = mnl_nlmsg_put_header(b->overflow.bytes);
		*ret_hdr = mnl_nlmsg_put_extra_header(nlh, hdr_len);
		return nlh;
	}
	nlh = mnl_nlmsg_put_header(b->buf.bytes + off);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	*ret_hdr = mnl_nlmsg_put_extra_header(nlh, hdr_len);
	b->used = off;
	va_start(ap, what_fmt);
	vsnprintf(b->what[b->n], sizeof(b->what[b->n]), what_fmt, ap);
	va_end(ap);
	b->eexist_hint[b->n] = NULL;
	b->n++;
	return nlh;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*(const char **)data = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/* The kernel's extended ack message, when the error carries one: the attributes follow the
 * error header and, unless capped, the request it echoes. */
static const char *extack_message(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *msg = NULL;
	size_t offset = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (offset > mnl_nlmsg_get_payload_len(nlh))
		return NULL;
	mnl_attr_parse(nlh, (unsigned int)offset, extack_attr_cb, &msg);
	return msg;
}

static void record_refusal(struct nl_batch *b, unsigned int i, int errnum,
			   const struct nlmsghdr *ack, struct iso_error *err)
{
	const char *msg = extack_message(ack);
	size_t len;

	iso_error_set(err, errnum, "%s", b->what[i]);
	if (!msg && errnum == EEXIST)
		msg = b->eexist_hint[i];
	if (!msg || !*msg)
		return;
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, " (%s)", msg);
	/* The kernel's messages end with a period now and then; a parenthesis reads better. */
	len = strlen(err->msg);
	if (len >= 3 && err->msg[len - 2] == '.' && err->msg[len - 1] == ')') {
		err->msg[len - 2] = ')';
		err->msg[len - 1] = '\0';
	}
}

/* Reads ACKs until every message of the batch (sequence numbers first..first+n-1) has one. */
static int read_acks(struct nl_sock *s, struct nl_batch *b, unsigned int first,
		     struct iso_error *err)
{
	union {
		char bytes[NL_RX_BUF];
		struct nlmsghdr align;
	} rx;
	bool acked[NL_BATCH_MAX] = {false};
	unsigned int pending = b->n;
	int failed = 0;

	while (pending > 0) {
		ssize_t n = mnl_socket_recvfrom(s->nl, rx.bytes, sizeof(rx.bytes));
		int left = (int)n;

		if (n < 0)
			return iso_error_set(err, errno, "%s: reading the kernel's answer",
					     b->what[0]);
		for (struct nlmsghdr *h = (struct nlmsghdr *)rx.bytes; mnl_nlmsg_ok(h, left);
		     h = mnl_nlmsg_next(h, &left)) {
			unsigned int i = h->nlmsg_seq - first;
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

			/* Anything not an ACK to one of ours (a stale answer) is skipped. */
			if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_pid != s->portid ||
			    i >= b->n || acked[i] ||
			    mnl_nlmsg_get_payload_len(h) < sizeof(struct nlmsgerr))
				continue;
			acked[i] = true;
			pending--;
			if (e->error < 0 && !failed) {
				failed = e->error;
				record_refusal(b, i, -e->error, h, err);
			}
		}
	}
	return failed;
}

int nl_batch_commit(struct nl_sock *s, struct nl_batch *b, struct iso_error *err)
{
	unsigned int first = s->seq + 1;
	size_t total = 0;
	size_t off = 0;

	if (b->overflowed)
		return iso_error_set(err, E2BIG, "%s: too many netlink requests in one batch",
				     b->n ? b->what[0] : "network setup");
	if (b->n == 0)
		return 0;
	for (unsigned int i = 0; i < b->n; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)(b->buf.bytes + off);

		h->nlmsg_seq = first + i;
		total = off + h->nlmsg_len;
		off += MNL_ALIGN(h->nlmsg_len);
	}
	s->seq += b->n;
	if (mnl_socket_sendto(s->nl, b->buf.bytes, total) < 0)
		return iso_error_set(err, errno, "%s: sending to the kernel", b->what[0]);
	return read_acks(s, b, first, err);
}

int nl_query(struct nl_sock *s, struct nlmsghdr *req, mnl_cb_t cb, void *data, const char *what,
	     struct iso_error *err)
{
	union {
		char bytes[NL_RX_BUF];
		struct nlmsghdr align;
	} rx;
	unsigned int seq = ++s->seq;
	int r;

	req->nlmsg_seq = seq;
	/* A get answers with one message and no end marker: the ACK after it is the end. */
	req->nlmsg_flags |= NLM_F_REQUEST;
	if (!(req->nlmsg_flags & NLM_F_DUMP))
		req->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(s->nl, req, req->nlmsg_len) < 0)
		return iso_error_set(err, errno, "%s", what);
	do {
		ssize_t n = mnl_socket_recvfrom(s->nl, rx.bytes, sizeof(rx.bytes));

		if (n < 0)
			return iso_error_set(err, errno, "%s", what);
		r = mnl_cb_run(rx.bytes, (size_t)n, seq, s->portid, cb, data);
	} while (r > MNL_CB_STOP);
	if (r < 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)rx.bytes;
		const char *msg = h->nlmsg_type == NLMSG_ERROR ? extack_message(h) : NULL;
		int e = errno;

		iso_error_set(err, e, "%s", what);
		if (msg && *msg) {
			size_t len = strlen(err->msg);

			snprintf(err->msg + len, sizeof(err->msg) - len, " (%s)", msg);
		}
		return -e;
	}
	return 0;
}
