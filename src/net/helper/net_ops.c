/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/helper/net_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/helper/addr.h"
#include "net/helper/link.h"
#include "net/helper/route.h"
#include "runtime/spec/annotation_keys.h"
#include "util/cleanup.h"

#define BRIDGE_WHERE "config.json: annotations[\"" ANNOTATION_NET_BRIDGE "\"]"

/* ---- create: checks before anything is made ---- */

static int check_bridge(struct nl_sock *s, struct net_config *cfg, struct iso_error *err)
{
	struct link_info info;
	int r;

	r = link_get(s, 0, cfg->bridge, &info, err);
	if (r < 0)
		return iso_error_wrap(err, BRIDGE_WHERE);
	if (strcmp(info.kind, "bridge") != 0)
		return iso_error_invalid(err, BRIDGE_WHERE ": \"%s\" is not a bridge", cfg->bridge);
	cfg->bridge_ifindex = info.ifindex;
	return 0;
}

static int check_devices(struct nl_sock *s, struct net_config *cfg, struct iso_error *err)
{
	for (size_t i = 0; i < cfg->n_devices; i++) {
		struct net_device_move *dev = &cfg->devices[i];
		struct link_info info;
		int r;

		r = link_get(s, 0, dev->host_name, &info, err);
		if (r < 0)
			return iso_error_wrap(err, "config.json: linux.netDevices.%s",
					      dev->host_name);
		dev->ifindex = info.ifindex;
		dev->was_up = info.flags & IFF_UP;
	}
	return 0;
}

int net_ops_check(struct net_config *cfg, struct iso_error *err)
{
	_cleanup_nl_sock_ struct nl_sock s = {0};
	int r;

	if ((r = nl_open(&s, -1, err)) < 0)
		return r;
	if (cfg->bridge[0] && (r = check_bridge(&s, cfg, err)) < 0)
		return r;
	return check_devices(&s, cfg, err);
}

/* ---- create: after the clone ---- */

/* linux.netDevices: the addresses are read before the move (the kernel flushes them when a
 * link changes namespace), and the links are moved (and renamed) in one batch. */
static int move_devices(struct nl_sock *host, int netns_fd, struct net_config *cfg,
			struct iso_error *err)
{
	struct nl_batch b;
	int r;

	nl_batch_init(&b);
	for (size_t i = 0; i < cfg->n_devices; i++) {
		struct net_device_move *dev = &cfg->devices[i];
		char ctx[64];

		r = addr_list_permanent_global(host, dev->ifindex, dev->addrs, NET_DEVICE_MAX_ADDRS,
					       &dev->n_addrs, err);
		if (r < 0)
			return iso_error_wrap(err, "linux.netDevices.%s", dev->host_name);
		snprintf(ctx, sizeof(ctx), "linux.netDevices.%s", dev->host_name);
		link_change(&b, ctx,
			    &(struct link_change){
				.ifindex = dev->ifindex,
				.name = dev->host_name,
				.new_name = strcmp(dev->name, dev->host_name) ? dev->name : NULL,
				.netns_fd = netns_fd,
			    });
	}
	return nl_batch_commit(host, &b, err);
}

/* Finds a moved link in the container: by its name, or, for a "%d" name the kernel completed,
 * by its index (kept across the move unless the container already used it). */
static int find_moved(struct nl_sock *ctr, const struct net_device_move *dev,
		      struct link_info *info, struct iso_error *err)
{
	bool template = strchr(dev->name, '%') != NULL;
	int r;

	r = link_get(ctr, template ? dev->ifindex : 0, template ? NULL : dev->name, info, err);
	if (r < 0)
		return iso_error_wrap(err, "linux.netDevices.%s: finding it in the container",
				      dev->host_name);
	return 0;
}

static int configure_devices(struct nl_sock *ctr, struct net_config *cfg, struct nl_batch *b,
			     struct iso_error *err)
{
	for (size_t i = 0; i < cfg->n_devices; i++) {
		struct net_device_move *dev = &cfg->devices[i];
		struct link_info info;
		char ctx[64];
		int r;

		r = find_moved(ctr, dev, &info, err);
		if (r < 0)
			return r;
		snprintf(ctx, sizeof(ctx), "linux.netDevices.%s", dev->host_name);
		for (size_t j = 0; j < dev->n_addrs; j++)
			addr_add(b, ctx, info.ifindex, info.name, &dev->addrs[j]);
		/* The spec: the runtime sets the device up after the move. */
		link_change(
		    b, ctx,
		    &(struct link_change){
			.ifindex = info.ifindex, .name = info.name, .netns_fd = -1, .up = true});
	}
	return 0;
}

static int create_veth(struct nl_sock *host, int netns_fd, const struct net_config *cfg,
		       struct net_made *ret, struct iso_error *err)
{
	struct link_info info;
	struct nl_batch b;
	int r;

	nl_batch_init(&b);
	link_add_veth(&b, ANNOTATION_NET_VETH, cfg->veth, NET_CONTAINER_IFNAME, netns_fd, cfg->mtu);
	r = nl_batch_commit(host, &b, err);
	if (r < 0)
		return r;
	ret->veth_made = true;
	snprintf(ret->host_name, sizeof(ret->host_name), "%s", cfg->veth);
	r = link_get(host, 0, cfg->veth, &info, err);
	if (r < 0)
		return iso_error_wrap(err, ANNOTATION_NET_VETH);
	ret->host_ifindex = info.ifindex;

	nl_batch_init(&b);
	for (size_t i = 0; i < cfg->n_host_addrs; i++)
		addr_add(&b, ANNOTATION_NET_HOST_ADDRESS, info.ifindex, cfg->veth,
			 &cfg->host_addrs[i]);
	link_change(&b, cfg->bridge[0] ? ANNOTATION_NET_BRIDGE : ANNOTATION_NET_VETH,
		    &(struct link_change){.ifindex = info.ifindex,
					  .name = cfg->veth,
					  .master = cfg->bridge_ifindex,
					  .netns_fd = -1,
					  .up = true});
	return nl_batch_commit(host, &b, err);
}

/* eth0's addresses, up, then the default routes: a gateway is only reachable once the link is
 * up and has its prefix route. */
static int configure_eth0(struct nl_sock *ctr, const struct net_config *cfg, struct nl_batch *b,
			  struct iso_error *err)
{
	struct link_info info;
	int r;

	r = link_get(ctr, 0, NET_CONTAINER_IFNAME, &info, err);
	if (r < 0)
		return iso_error_wrap(err, ANNOTATION_NET_VETH ": the container's end");
	for (size_t i = 0; i < cfg->n_addrs; i++)
		addr_add(b, ANNOTATION_NET_ADDRESS, info.ifindex, info.name, &cfg->addrs[i]);
	link_change(b, ANNOTATION_NET_VETH,
		    &(struct link_change){
			.ifindex = info.ifindex, .name = info.name, .netns_fd = -1, .up = true});
	for (size_t i = 0; i < cfg->n_gateways; i++)
		route_add_default(b, ANNOTATION_NET_GATEWAY, info.ifindex, info.name,
				  &cfg->gateways[i]);
	return 0;
}

int net_ops_attach(struct net_config *cfg, int netns_fd, struct net_made *ret,
		   struct iso_error *err)
{
	_cleanup_nl_sock_ struct nl_sock host = {0}, ctr = {0};
	struct nl_batch b;
	int r;

	*ret = (struct net_made){0};
	if ((r = nl_open(&ctr, netns_fd, err)) < 0 || (r = nl_open(&host, -1, err)) < 0)
		return r;
	/* The veth first: it is what fails most (a name taken), and undoing it is one request,
	 * while giving moved devices back takes several. */
	if (cfg->veth[0] && (r = create_veth(&host, netns_fd, cfg, ret, err)) < 0)
		return r;
	if (cfg->n_devices) {
		/* Counted before the request: a batch refused half-way may have moved some. */
		ret->n_moved = cfg->n_devices;
		if ((r = move_devices(&host, netns_fd, cfg, err)) < 0)
			return r;
	}
	nl_batch_init(&b);
	if ((r = configure_devices(&ctr, cfg, &b, err)) < 0)
		return r;
	if (cfg->veth[0] && (r = configure_eth0(&ctr, cfg, &b, err)) < 0)
		return r;
	return nl_batch_commit(&ctr, &b, err);
}

int net_ops_delete_veth(int ifindex, const char *name, struct iso_error *err)
{
	_cleanup_nl_sock_ struct nl_sock s = {0};
	struct link_info info;
	struct nl_batch b;
	int r;

	if ((r = nl_open(&s, -1, err)) < 0)
		return r;
	r = link_get(&s, ifindex, name, &info, err);
	if (r < 0)
		return r;
	if (strcmp(info.name, name) != 0 || strcmp(info.kind, "veth") != 0)
		return -ENODEV; /* not ours any more */
	nl_batch_init(&b);
	link_delete(&b, ANNOTATION_NET_VETH, info.ifindex, info.name);
	return nl_batch_commit(&s, &b, err);
}

/* Moves one device back into the runtime's namespace under its own name and gives it its
 * addresses back. */
static int return_device(struct nl_sock *ctr, struct nl_sock *host, int host_netns_fd,
			 const struct net_device_move *dev, struct iso_error *err)
{
	struct link_info info;
	struct nl_batch b;
	int r;

	if ((r = find_moved(ctr, dev, &info, err)) < 0)
		return r;
	nl_batch_init(&b);
	link_change(&b, "linux.netDevices",
		    &(struct link_change){
			.ifindex = info.ifindex,
			.name = info.name,
			.new_name = strcmp(info.name, dev->host_name) ? dev->host_name : NULL,
			.netns_fd = host_netns_fd,
		    });
	if ((r = nl_batch_commit(ctr, &b, err)) < 0 ||
	    (r = link_get(host, 0, dev->host_name, &info, err)) < 0)
		return r;
	nl_batch_init(&b);
	for (size_t i = 0; i < dev->n_addrs; i++)
		addr_add(&b, "linux.netDevices", info.ifindex, info.name, &dev->addrs[i]);
	if (dev->was_up)
		link_change(
		    &b, "linux.netDevices",
		    &(struct link_change){
			.ifindex = info.ifindex, .name = info.name, .netns_fd = -1, .up = true});
	return nl_batch_commit(host, &b, err);
}

static void return_devices(const struct net_config *cfg, int netns_fd, size_t n_moved)
{
	_cleanup_nl_sock_ struct nl_sock ctr = {0}, host = {0};
	_cleanup_close_ int host_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct iso_error ignored;

	if (host_netns < 0 || nl_open(&ctr, netns_fd, &ignored) < 0 ||
	    nl_open(&host, -1, &ignored) < 0)
		return;
	for (size_t i = 0; i < n_moved; i++)
		return_device(&ctr, &host, host_netns, &cfg->devices[i], &ignored);
}

void net_ops_detach(const struct net_config *cfg, int netns_fd, const struct net_made *made)
{
	struct iso_error ignored;

	if (made->n_moved && netns_fd >= 0)
		return_devices(cfg, netns_fd, made->n_moved);
	if (made->veth_made)
		net_ops_delete_veth(made->host_ifindex, made->host_name, &ignored);
}
