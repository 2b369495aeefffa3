/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/helper/link.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/socket.h>

#include "util/cleanup.h"

void link_add_veth(struct nl_batch *b, const char *ctx, const char *host, const char *peer,
		   int peer_netns_fd, unsigned int mtu)
{
	struct ifinfomsg *ifi, *peer_ifi;
	struct nlattr *linkinfo, *data, *peer_attr;
	struct nlmsghdr *nlh;

	nlh = nl_batch_add(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi), (void **)&ifi,
			   "%s: creating veth \"%s\"", ctx, host);
	nl_batch_hint_eexist(b, "name taken");
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* VETH_INFO_PEER holds a struct ifinfomsg followed by the peer's own attributes. */
	peer_attr = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	peer_ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifi));
	memset(peer_ifi, 0, sizeof(*peer_ifi));
	peer_ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	mnl_attr_nest_end(nlh, peer_attr);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
}

static void describe_change(const struct link_change *c, char *buf, size_t len)
{
	size_t used = 0;

#define ADD(...) used += (size_t)snprintf(buf + used, used < len ? len - used : 0, __VA_ARGS__)
	if (c->netns_fd >= 0)
		ADD("moving into the container%s",
		    c->new_name || c->mtu || c->master || c->up ? ", " : "");
	if (c->new_name)
		ADD("renaming to \"%s\"%s", c->new_name, c->mtu || c->master || c->up ? ", " : "");
	if (c->mtu)
		ADD("setting mtu %u%s", c->mtu, c->master || c->up ? ", " : "");
	if (c->master)
		ADD("attaching to the bridge%s", c->up ? ", " : "");
	if (c->up)
		ADD("bringing up");
#undef ADD
}

void link_change(struct nl_batch *b, const char *ctx, const struct link_change *c)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	char what[96];

	describe_change(c, what, sizeof(what));
	nlh = nl_batch_add(b, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi, "%s: \"%s\": %s", ctx,
			   c->name ? c->name : "?", what);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = c->ifindex;
	if (c->up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	/* Without an index the name selects the link; with one, a name renames it. */
	if (!c->ifindex && c->name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, c->name);
	else if (c->new_name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, c->new_name);
	if (c->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, c->mtu);
	if (c->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)c->master);
	if (c->netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)c->netns_fd);
}

void link_delete(struct nl_batch *b, const char *ctx, int ifindex, const char *name)
{
	struct ifinfomsg *ifi;

	nl_batch_add(b, RTM_DELLINK, 0, sizeof(*ifi), (void **)&ifi, "%s: deleting \"%s\"", ctx,
		     name);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
}

static int linkinfo_cb(const struct nlattr *attr, void *data)
{
	struct link_info *info = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(info->kind, sizeof(info->kind), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_info *info = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(info->name, sizeof(info->name), "%s", mnl_attr_get_str(attr));
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			info->mtu = mnl_attr_get_u32(attr);
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
			mnl_attr_parse_nested(attr, linkinfo_cb, info);
		break;
	}
	return MNL_CB_OK;
}

static int link_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_info *info = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	info->ifindex = ifi->ifi_index;
	info->flags = ifi->ifi_flags;
	return mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, info);
}

int link_get(struct nl_sock *s, int ifindex, const char *name, struct link_info *ret,
	     struct iso_error *err)
{
	union {
		char bytes[256];
		struct nlmsghdr align;
	} buf;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf.bytes);
	struct ifinfomsg *ifi;
	char what[64];

	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (ifindex <= 0)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	memset(ret, 0, sizeof(*ret));
	if (ifindex > 0)
		snprintf(what, sizeof(what), "interface %d", ifindex);
	else
		snprintf(what, sizeof(what), "\"%s\"", name);
	return nl_query(s, nlh, link_msg_cb, ret, what, err);
}
