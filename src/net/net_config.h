/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a container asks of the network, gathered and checked at create time before anything
 * is made: isorun's io.isorun.net.* annotations and OCI linux.netDevices. */
#ifndef ISORUN_NET_CONFIG_H
#define ISORUN_NET_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "net/net_text.h"
#include "runtime/spec/spec.h"
#include "util/error.h"

#define NET_MAX_ADDRS	     8
#define NET_DEVICE_MAX_ADDRS 32
#define NET_CONTAINER_IFNAME "eth0"
#define NET_MTU_MIN	     68
#define NET_MTU_MAX	     65535
#define NET_IPV6_MTU_MIN     1280

/* One entry of linux.netDevices. */
struct net_device_move {
	char host_name[IFNAMSIZ]; /* the key: the interface in the runtime's namespace */
	char name[IFNAMSIZ];	  /* the name inside the container (may hold "%d") */
	int ifindex;		  /* in the runtime's namespace, found at create */
	bool was_up;		  /* there: brought up again if a failed create returns it */
	struct net_addr addrs[NET_DEVICE_MAX_ADDRS]; /* kept across the move */
	size_t n_addrs;
};

struct net_config {
	bool new_netns;		/* the container gets a network namespace of its own */
	const char *netns_path; /* or joins this one (borrowed from the spec) */
	/* io.isorun.net.* */
	char veth[IFNAMSIZ]; /* empty: no veth */
	struct net_addr addrs[NET_MAX_ADDRS];
	size_t n_addrs;
	struct net_addr host_addrs[NET_MAX_ADDRS];
	size_t n_host_addrs;
	char bridge[IFNAMSIZ];
	int bridge_ifindex;
	struct net_addr gateways[2]; /* at most one per family */
	size_t n_gateways;
	unsigned int mtu;
	/* linux.netDevices */
	struct net_device_move *devices;
	size_t n_devices;
};

/* Parses and cross-checks the io.isorun.net.* annotations (no system calls).  Errors name the
 * annotation: config.json: annotations["io.isorun.net.mtu"]: ... */
int net_annotations_parse(const struct spec *spec, struct net_config *cfg, struct iso_error *err);

/* Checks one io.isorun.net.* value on its own (the check of the annotation table,
 * runtime/annotations.h); the combinations are net_annotations_parse()'s. */
int net_annotation_check(const char *key, const char *value, struct iso_error *err);

/* Parses linux.netDevices from the document (no system calls), with JSON-path errors. */
int net_devices_parse(const struct spec *spec, struct net_config *cfg, struct iso_error *err);

void net_config_clear(struct net_config *cfg);

#endif
