/* SPDX-License-Identifier: GPL-2.0-or-later */
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

#include "runtime/spec/annotation_keys.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#define RECORD_FILE "network"

/* ---- create ---- */

static struct nlh_request request(enum nlh_op op, const struct net_config *cfg)
{
	struct nlh_request req = {.magic = NLH_MAGIC, .op = op};

	if (cfg)
		req.cfg = *cfg;
	return req;
}

int net_prepare(const struct spec *spec, struct net_config *cfg, struct iso_error *err)
{
	const struct spec_namespace *ns = spec_find_namespace(spec, CLONE_NEWNET);
	struct nl_helper *helper;
	struct nlh_request req;
	struct nlh_reply rep;
	int r;

	*cfg = (struct net_config){0};
	cfg->new_netns = ns && !ns->path;
	cfg->netns_path = ns ? ns->path : NULL;
	if ((r = net_annotations_parse(spec, cfg, err)) < 0 ||
	    (r = net_devices_parse(spec, cfg, err)) < 0)
		return r;
	/* The init brings up lo itself (net_loopback_up()); a namespace joined by path belongs
	 * to someone else, and isorun only moves the devices it was asked to move into it. */
	if (!cfg->veth[0] && !cfg->bridge[0] && !cfg->n_devices)
		return 0;
	if (!(helper = nl_helper_get(err)))
		return iso_error_code(err);
	if (!cfg->bridge[0] && !cfg->n_devices)
		return 0; /* nothing to check: the helper starts while create goes on */
	req = request(NLH_CHECK, cfg);
	if ((r = nl_helper_call(helper, &req, -1, &rep, cfg->devices, err)) < 0)
		return r;
	cfg->bridge_ifindex = rep.bridge_ifindex;
	return 0;
}

static int open_container_netns(const struct net_config *cfg, pid_t pid, struct iso_error *err)
{
	char path[64];
	int fd;

	/* The init is our child and not reaped: its pid cannot name another process. */
	if (cfg->new_netns)
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	else
		snprintf(path, sizeof(path), "%s", cfg->netns_path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return iso_error_set(err, errno, "opening the container's network namespace %s",
				     path);
	return fd;
}

int net_attach(const struct net_config *cfg, pid_t pid, struct net_attached *ret,
	       struct iso_error *err)
{
	struct nlh_request req;
	struct nlh_reply rep;
	int r;

	*ret = (struct net_attached){.netns_fd = -1};
	if (!cfg->veth[0] && !cfg->n_devices)
		return 0;
	ret->netns_fd = r = open_container_netns(cfg, pid, err);
	if (r < 0)
		return r;
	/* Held (and closed by net_attached_release()) until create is over. */
	ret->holds_netns = true;
	if (!(ret->helper = nl_helper_get(err)))
		return iso_error_code(err);
	req = request(NLH_ATTACH, cfg);
	r = nl_helper_call(ret->helper, &req, ret->netns_fd, &rep, NULL, err);
	ret->made = rep.made;
	return r;
}

/* Ends the helper's part: NLH_DETACH undoes what it made, NLH_RELEASE keeps it. */
static void end_helper_session(struct net_attached *a, enum nlh_op op)
{
	struct nlh_request req = request(op, NULL);
	struct iso_error ignored;
	struct nlh_reply rep;

	if (a->helper)
		nl_helper_call(a->helper, &req, -1, &rep, NULL, &ignored);
	a->helper = NULL;
}

void net_attached_release(struct net_attached *a)
{
	end_helper_session(a, NLH_RELEASE);
	if (a->holds_netns)
		close(a->netns_fd);
	a->holds_netns = false;
	a->netns_fd = -1;
}

void net_detach(struct net_attached *a)
{
	end_helper_session(a, NLH_DETACH);
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

	if (!a->made.veth_made)
		return 0;
	if ((r = current_netns(&ns, err)) < 0)
		return r;
	n = snprintf(line, sizeof(line), "veth %d %s %" PRIu64 " %" PRIu64 "\n",
		     a->made.host_ifindex, a->made.host_name, (uint64_t)ns.st_dev,
		     (uint64_t)ns.st_ino);
	return write_file_atomic_at(dirfd, RECORD_FILE, line, (size_t)n, 0600, err);
}

static int delete_recorded_veth(int ifindex, const char *name, struct iso_error *err)
{
	struct nlh_request req = request(NLH_DELETE_VETH, NULL);
	struct nl_helper *helper = nl_helper_get(err);
	struct nlh_reply rep;
	int r;

	if (!helper)
		return iso_error_code(err);
	req.ifindex = ifindex;
	memcpy(req.name, name, strlen(name) + 1); /* link_name_valid() */
	r = nl_helper_call(helper, &req, -1, &rep, NULL, err);
	return r == -ENODEV ? 0 : r;
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
	if (sscanf(text, "veth %d %16s %" SCNu64 " %" SCNu64, &ifindex, name, &dev, &ino) != 4 ||
	    !link_name_valid(name))
		return iso_error_invalid(err, "state: %s: unreadable", RECORD_FILE);
	if ((r = current_netns(&ns, err)) < 0)
		return r;
	if ((uint64_t)ns.st_dev != dev || (uint64_t)ns.st_ino != ino)
		return iso_error_invalid(err,
					 ANNOTATION_NET_VETH
					 ": \"%s\" was created in another network "
					 "namespace than this one: left to the "
					 "kernel",
					 name);
	return delete_recorded_veth(ifindex, name, err);
}
