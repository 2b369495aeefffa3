/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isorun's netlink helper (nl_helper_proto.h): a separate program only because libmnl comes
 * as a shared library and the runtime is static.  It trusts its one peer, the runtime that
 * started it, and nothing else: its environment is empty and it reads nothing but its socket. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "net/helper/net_ops.h"
#include "net/nl_helper_proto.h"

/* What the runtime's create asked for and what was made, from NLH_ATTACH to NLH_DETACH or
 * NLH_RELEASE. */
struct session {
	struct net_config cfg;
	int netns_fd;
	struct net_made made;
};

static void session_end(struct session *s)
{
	if (s->netns_fd >= 0)
		close(s->netns_fd);
	free(s->cfg.devices);
	*s = (struct session){.netns_fd = -1};
}

static int reply(const struct nlh_reply *rep, const struct net_config *devs_of)
{
	return nlh_send(NLH_SOCK_FD, rep, sizeof(*rep), -1, devs_of ? devs_of->devices : NULL,
			devs_of ? devs_of->n_devices : 0);
}

/* Takes the request's configuration, with its devices from the messages that follow. */
static int take_config(struct session *s, const struct nlh_request *req)
{
	struct net_device_move *devs = NULL;
	size_t n = req->cfg.n_devices;
	int r;

	if (n && !(devs = calloc(n, sizeof(*devs))))
		return -ENOMEM;
	if ((r = nlh_recv_devices(NLH_SOCK_FD, devs, n)) < 0) {
		free(devs);
		return r;
	}
	free(s->cfg.devices);
	s->cfg = req->cfg;
	s->cfg.netns_path = NULL;
	s->cfg.devices = devs;
	return 0;
}

static int serve(struct session *s, const struct nlh_request *req, int fd)
{
	struct nlh_reply rep = {.magic = NLH_MAGIC};
	int r;

	switch (req->op) {
	case NLH_CHECK:
		if ((r = take_config(s, req)) < 0)
			return r;
		rep.rc = net_ops_check(&s->cfg, &rep.err);
		rep.bridge_ifindex = s->cfg.bridge_ifindex;
		return reply(&rep, &s->cfg);
	case NLH_ATTACH:
		if (fd < 0 || s->netns_fd >= 0)
			return -EPROTO;
		if ((r = take_config(s, req)) < 0)
			return r;
		s->netns_fd = fd;
		rep.rc = net_ops_attach(&s->cfg, s->netns_fd, &s->made, &rep.err);
		rep.made = s->made;
		return reply(&rep, NULL);
	case NLH_DETACH:
		net_ops_detach(&s->cfg, s->netns_fd, &s->made);
		session_end(s);
		return reply(&rep, NULL);
	case NLH_RELEASE:
		session_end(s);
		return reply(&rep, NULL);
	case NLH_DELETE_VETH:
		rep.rc = net_ops_delete_veth(req->ifindex, req->name, &rep.err);
		return reply(&rep, NULL);
	}
	return -EPROTO;
}

int main(void)
{
	struct session s = {.netns_fd = -1};
	struct nlh_request req;
	int fd, r;

	/* Executed from a memfd, it would be called by its fd number in ps. */
	prctl(PR_SET_NAME, "isorun-netlink", 0, 0, 0);
	while ((r = nlh_recv(NLH_SOCK_FD, &req, sizeof(req), &fd)) > 0) {
		/* An fd that the request does not keep is closed at once. */
		int keep = req.op == NLH_ATTACH ? fd : -1;

		r = serve(&s, &req, fd);
		if (fd >= 0 && fd != keep)
			close(fd);
		if (r < 0)
			break;
	}
	session_end(&s);
	return r < 0 ? 1 : 0;
}
