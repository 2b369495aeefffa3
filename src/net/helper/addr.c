/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/helper/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void addr_add(struct nl_batch *b, const char *ctx, int ifindex, const char *ifname,
	      const struct net_addr *a)
{
	char text[NET_ADDR_TEXT_MAX];
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	uint32_t flags = a->flags;

	nlh = nl_batch_add(b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa), (void **)&ifa,
			   "%s: adding %s to \"%s\"", ctx, net_addr_format(a, true, text), ifname);
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = (uint8_t)a->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, net_addr_len(a), a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, net_addr_len(a), a->addr);
	if (a->family == AF_INET6)
		flags |= IFA_F_NODAD;
	flags &= IFA_F_NODAD | IFA_F_NOPREFIXROUTE | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR;
	if (flags)
		mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
}

struct addr_dump {
	int ifindex;
	struct net_addr *out;
	size_t max, n;
	bool overflow;
};

struct addr_attrs {
	const struct nlattr *local, *address;
	uint32_t flags;
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	struct addr_attrs *at = data;

	switch (mnl_attr_get_type(attr)) {
	case IFA_LOCAL:
		at->local = attr;
		break;
	case IFA_ADDRESS:
		at->address = attr;
		break;
	case IFA_FLAGS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			at->flags = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int addr_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_dump *d = data;
	struct addr_attrs at = {0};
	const struct nlattr *src;
	struct net_addr a = {0};

	if (nlh->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != d->ifindex ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	at.flags = ifa->ifa_flags;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, &at);
	if (!(at.flags & IFA_F_PERMANENT))
		return MNL_CB_OK;
	/* IPv4 puts the interface's own address in IFA_LOCAL (IFA_ADDRESS is the peer on
	 * point-to-point links); IPv6 only sends IFA_ADDRESS. */
	src = at.local ? at.local : at.address;
	a.family = ifa->ifa_family;
	a.prefix = ifa->ifa_prefixlen;
	a.flags = at.flags;
	if (!src || mnl_attr_get_payload_len(src) != net_addr_len(&a))
		return MNL_CB_OK;
	memcpy(a.addr, mnl_attr_get_payload(src), net_addr_len(&a));
	if (d->n == d->max) {
		d->overflow = true;
		return MNL_CB_OK;
	}
	d->out[d->n++] = a;
	return MNL_CB_OK;
}

int addr_list_permanent_global(struct nl_sock *s, int ifindex, struct net_addr *ret, size_t max,
			       size_t *ret_n, struct iso_error *err)
{
	union {
		char bytes[128];
		struct nlmsghdr align;
	} buf;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf.bytes);
	struct addr_dump d = {.ifindex = ifindex, .out = ret, .max = max};
	struct ifaddrmsg *ifa;
	int r;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	r = nl_query(s, nlh, addr_msg_cb, &d, "listing addresses", err);
	if (r < 0)
		return r;
	if (d.overflow)
		return iso_error_set(err, E2BIG, "more than %zu addresses to keep", max);
	*ret_n = d.n;
	return 0;
}
