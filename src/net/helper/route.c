/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/helper/route.h"

#include <linux/rtnetlink.h>

void route_add_default(struct nl_batch *b, const char *ctx, int ifindex, const char *ifname,
		       const struct net_addr *gateway)
{
	char text[NET_ADDR_TEXT_MAX];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = nl_batch_add(b, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*rtm), (void **)&rtm,
			   "%s: adding the default route via %s on \"%s\"", ctx,
			   net_addr_format(gateway, false, text), ifname);
	rtm->rtm_family = (unsigned char)gateway->family;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, net_addr_len(gateway), gateway->addr);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
}
