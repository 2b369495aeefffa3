#include "config.h"
#include "net/network.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/link.h"
#include "net/route.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#define RECORD_FILE  "network"
#define CTX_VETH     "io.isorun.net.veth"
#define BRIDGE_WHERE "config.json: annotations[\"io.isorun.net.bridge\"]"

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

int net_prepare(const struct spec *spec, struct net_config *cfg, struct iso_error *err)
{
	const struct spec_namespace *ns = spec_find_namespace(spec, CLONE_NEWNET);
	_cleanup_nl_sock_ struct nl_sock s = {0};
	int r;

	*cfg = (struct net_config){0};
	cfg->new_netns = ns && !ns->path;
	cfg->netns_path = ns ? ns->path : NULL;
	if ((r = net_annotations_parse(spec, cfg, err)) < 0 ||
	    (r = net_devices_parse(spec, cfg, err)) < 0)
		return r;
	if (!cfg->bridge[0] && !cfg->n_devices)
		return 0;
	if ((r = nl_open(&s, -1, err)) < 0)
		return r;
	if (cfg->bridge[0] && (r = check_bridge(&s, cfg, err)) < 0)
		return r;
	return check_devices(&s, cfg, err);
}

/* ---- create: after the clone ---- */

static int open_container_netns(const struct net_config *cfg, pid_t pid, struct iso_error *err)
{
	char path[64];
	int fd;

	/* The init is our child and not reaped: its pid cannot name another process. */
	if (cfg->new_netns)
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	else
		snprintf(path, sizeof(path), "%s", cfg->netns_path);
	fd = open(cfg->new_netns ? path : cfg->netns_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return iso_error_set(err, errno, "opening the container's network namespace %s",
				     cfg->new_netns ? path : cfg->netns_path);
	return fd;
}

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
		       struct net_attached *ret, struct iso_error *err)
{
	struct link_info info;
	struct nl_batch b;
	int r;

	nl_batch_init(&b);
	link_add_veth(&b, CTX_VETH, cfg->veth, NET_CONTAINER_IFNAME, netns_fd, cfg->mtu);
	r = nl_batch_commit(host, &b, err);
	if (r < 0)
		return r;
	ret->veth_made = true;
	snprintf(ret->host_name, sizeof(ret->host_name), "%s", cfg->veth);
	r = link_get(host, 0, cfg->veth, &info, err);
	if (r < 0)
		return iso_error_wrap(err, CTX_VETH);
	ret->host_ifindex = info.ifindex;

	nl_batch_init(&b);
	for (size_t i = 0; i < cfg->n_host_addrs; i++)
		addr_add(&b, "io.isorun.net.host-address", info.ifindex, cfg->veth,
			 &cfg->host_addrs[i]);
	link_change(&b, cfg->bridge[0] ? "io.isorun.net.bridge" : CTX_VETH,
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
		return iso_error_wrap(err, CTX_VETH ": the container's end");
	for (size_t i = 0; i < cfg->n_addrs; i++)
		addr_add(b, "io.isorun.net.address", info.ifindex, info.name, &cfg->addrs[i]);
	link_change(b, CTX_VETH,
		    &(struct link_change){
			.ifindex = info.ifindex, .name = info.name, .netns_fd = -1, .up = true});
	for (size_t i = 0; i < cfg->n_gateways; i++)
		route_add_default(b, "io.isorun.net.gateway", info.ifindex, info.name,
				  &cfg->gateways[i]);
	return 0;
}

int net_attach(struct net_config *cfg, pid_t pid, struct net_attached *ret, struct iso_error *err)
{
	_cleanup_nl_sock_ struct nl_sock host = {0}, ctr = {0};
	struct nl_batch b;
	int netns_fd, r;

	*ret = (struct net_attached){.netns_fd = -1};
	/* The init brings up lo itself (net_loopback_up()); a namespace joined by path belongs
	 * to someone else, and isorun only moves the devices it was asked to move into it. */
	if (!cfg->veth[0] && !cfg->n_devices)
		return 0;
	netns_fd = r = open_container_netns(cfg, pid, err);
	if (r < 0)
		return r;
	/* Held (and closed by net_attached_release()) until create is over. */
	ret->netns_fd = netns_fd;
	ret->holds_netns = true;
	if ((r = nl_open(&ctr, netns_fd, err)) < 0)
		return r;
	if ((cfg->n_devices || cfg->veth[0]) && (r = nl_open(&host, -1, err)) < 0)
		return r;
	/* The veth first: it is what fails most (a name taken), and undoing it is one request,
	 * while giving moved devices back takes several. */
	if (cfg->veth[0] && (r = create_veth(&host, netns_fd, cfg, ret, err)) < 0)
		return r;
	if (cfg->n_devices) {
		/* Counted before the request: a batch refused half-way may have moved some. */
		ret->cfg = cfg;
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

/* Deletes the host-side veth if the link at ifindex (or, without one, named `name`) is still
 * it.  -ENODEV when it is gone already. */
static int delete_host_veth(int ifindex, const char *name, struct iso_error *err)
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
	link_delete(&b, CTX_VETH, info.ifindex, info.name);
	return nl_batch_commit(&s, &b, err);
}

void net_attached_release(struct net_attached *a)
{
	if (a->holds_netns)
		close(a->netns_fd);
	a->holds_netns = false;
	a->netns_fd = -1;
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

static void return_devices(struct net_attached *a)
{
	_cleanup_nl_sock_ struct nl_sock ctr = {0}, host = {0};
	_cleanup_close_ int host_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct iso_error ignored;

	if (host_netns < 0 || nl_open(&ctr, a->netns_fd, &ignored) < 0 ||
	    nl_open(&host, -1, &ignored) < 0)
		return;
	for (size_t i = 0; i < a->n_moved; i++)
		return_device(&ctr, &host, host_netns, &a->cfg->devices[i], &ignored);
}

void net_detach(struct net_attached *a)
{
	struct iso_error ignored;

	if (a->n_moved && a->holds_netns)
		return_devices(a);
	if (a->veth_made)
		delete_host_veth(a->host_ifindex, a->host_name, &ignored);
	net_attached_release(a);
	*a = (struct net_attached){.netns_fd = -1};
}

/* ---- the record in the state directory ---- */

static int current_netns(struct stat *st, struct iso_error *err)
{
	if (stat("/proc/self/ns/net", st) < 0)
		return iso_error_set(err, errno, "/proc/self/ns/net");
	return 0;
}

int net_record_write(int dirfd, const struct net_attached *a, struct iso_error *err)
{
	char line[128];
	struct stat ns;
	int n, r;

	if (!a->veth_made)
		return 0;
	if ((r = current_netns(&ns, err)) < 0)
		return r;
	n = snprintf(line, sizeof(line), "veth %d %s %" PRIu64 " %" PRIu64 "\n", a->host_ifindex,
		     a->host_name, (uint64_t)ns.st_dev, (uint64_t)ns.st_ino);
	return write_file_atomic_at(dirfd, RECORD_FILE, line, (size_t)n, 0600, err);
}

int net_record_teardown(int dirfd, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	char name[IFNAMSIZ + 1];
	uint64_t dev, ino;
	struct stat ns;
	size_t len;
	int ifindex, r;

	r = read_file_at(dirfd, RECORD_FILE, 4096, &text, &len, err);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (sscanf(text, "veth %d %16s %" SCNu64 " %" SCNu64, &ifindex, name, &dev, &ino) != 4)
		return iso_error_invalid(err, "state: %s: unreadable", RECORD_FILE);
	if ((r = current_netns(&ns, err)) < 0)
		return r;
	if ((uint64_t)ns.st_dev != dev || (uint64_t)ns.st_ino != ino)
		return iso_error_invalid(err,
					 CTX_VETH ": \"%s\" was created in another network "
						  "namespace than this one: left to the "
						  "kernel",
					 name);
	r = delete_host_veth(ifindex, name, err);
	return r == -ENODEV ? 0 : r;
}
