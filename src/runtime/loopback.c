#include "config.h"
#include "runtime/loopback.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void cleanup_mnl_socketp(struct mnl_socket **nl)
{
	if (*nl)
		mnl_socket_close(*nl);
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*(const char **)data = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/* The kernel's extended ack message ("Cannot find device"), when the error carries one: the
 * attributes follow the error header and, unless capped, the request it echoes. */
static const char *extack_message(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *msg = NULL;
	size_t offset = sizeof(*e);

	if (nlh->nlmsg_type != NLMSG_ERROR || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (offset > mnl_nlmsg_get_payload_len(nlh))
		return NULL;
	mnl_attr_parse(nlh, (unsigned int)offset, extack_attr_cb, &msg);
	return msg;
}

static int open_rtnl(struct mnl_socket **ret, struct iso_error *err)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int one = 1;

	if (!nl)
		return iso_error_set(err, errno, "bring up lo: netlink socket");
	/* Best effort: without them the kernel still acks, only less helpfully. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		iso_error_set(err, errno, "bring up lo: netlink bind");
		mnl_socket_close(nl);
		return iso_error_code(err);
	}
	*ret = nl;
	return 0;
}

/* RTM_NEWLINK without NLM_F_CREATE on the name "lo": changes the existing link's flags. */
static struct nlmsghdr *build_request(char *buf, unsigned int seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "lo");
	return nlh;
}

int loopback_up(struct iso_error *err)
{
	struct mnl_socket *nl __attribute__((cleanup(cleanup_mnl_socketp))) = NULL;
	/* The request and its ack are small (the ack is capped, NETLINK_CAP_ACK). */
	union {
		char bytes[8192];
		struct nlmsghdr align;
	} u;
	char *buf = u.bytes;
	unsigned int seq = (unsigned int)time(NULL);
	struct nlmsghdr *nlh;
	const char *msg;
	ssize_t n;

	if (open_rtnl(&nl, err) < 0)
		return iso_error_code(err);
	nlh = build_request(buf, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return iso_error_set(err, errno, "bring up lo: netlink send");
	n = mnl_socket_recvfrom(nl, buf, sizeof(u.bytes));
	if (n < 0)
		return iso_error_set(err, errno, "bring up lo: netlink receive");
	if (mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) >= 0)
		return 0;
	iso_error_set(err, errno, "bring up lo");
	msg = mnl_nlmsg_ok((struct nlmsghdr *)buf, (int)n) ? extack_message((struct nlmsghdr *)buf)
							   : NULL;
	if (msg) {
		size_t len = strlen(err->msg);

		snprintf(err->msg + len, sizeof(err->msg) - len, " (%s)", msg);
	}
	return iso_error_code(err);
}
