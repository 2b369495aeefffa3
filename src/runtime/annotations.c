/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/annotations.h"

#include <string.h>

#include "net/net_config.h"
#include "util/cleanup.h"

#define WHERE "config.json: annotations[\"%s\"]: "

static int check_tenant_mode(const char *key, const char *value, struct iso_error *err)
{
	if (strcmp(value, "run") != 0 && strcmp(value, "configure") != 0)
		return iso_error_invalid(err, WHERE "\"%s\" is neither \"run\" nor \"configure\"",
					 key, value);
	return 0;
}

const struct annotation_def annotation_defs[] = {
    {ANNOTATION_NET_VETH, ANNOTATION_OWNER_NET, net_annotation_check, true,
     "create a veth pair: this host-side name (at most 15 characters), the peer created in the "
     "container's network namespace as " NET_CONTAINER_IFNAME},
    {ANNOTATION_NET_ADDRESS, ANNOTATION_OWNER_NET, net_annotation_check, true,
     "the container's addresses on " NET_CONTAINER_IFNAME
     ": comma-separated CIDRs, IPv4 and/or IPv6"},
    {ANNOTATION_NET_HOST_ADDRESS, ANNOTATION_OWNER_NET, net_annotation_check, true,
     "addresses on the host-side veth (point-to-point): comma-separated CIDRs"},
    {ANNOTATION_NET_BRIDGE, ANNOTATION_OWNER_NET, net_annotation_check, true,
     "attach the host-side veth to this existing bridge"},
    {ANNOTATION_NET_GATEWAY, ANNOTATION_OWNER_NET, net_annotation_check, true,
     "the container's default route: one gateway address per family, comma-separated"},
    {ANNOTATION_NET_MTU, ANNOTATION_OWNER_NET, net_annotation_check, true,
     "the MTU of both ends of the veth pair (68 to 65535)"},
    {ANNOTATION_ROOTFS_LOWER, ANNOTATION_OWNER_ROOTFS, NULL, true,
     "an overlay as the root: its shared, read-only lower layer (a directory)"},
    {ANNOTATION_ROOTFS_UPPER, ANNOTATION_OWNER_ROOTFS, NULL, true,
     "an overlay as the root: the container's own upper layer (a directory)"},
    {ANNOTATION_ROOTFS_WORK, ANNOTATION_OWNER_ROOTFS, NULL, true,
     "an overlay as the root: overlayfs's work directory, on the file system of upper"},
    {ANNOTATION_TENANT_ID, ANNOTATION_OWNER_TENANT, NULL, false,
     "the tenant the bundle was made for (isorun tenant run)"},
    {ANNOTATION_TENANT_CNAME, ANNOTATION_OWNER_TENANT, NULL, false,
     "the tenant package's container name"},
    {ANNOTATION_TENANT_MODE, ANNOTATION_OWNER_TENANT, check_tenant_mode, false,
     "\"run\", or \"configure\" for the package's install step"},
};
const size_t annotation_n_defs = ARRAY_SIZE(annotation_defs);

/* The error for a key in isorun's namespace that the table lacks, as precise as its prefix. */
static const struct {
	const char *prefix;
	const char *what;
} namespaces[] = {
    {ANNOTATION_NET_PREFIX, "unknown isorun network annotation"},
    {ANNOTATION_ROOTFS_PREFIX, "unknown isorun rootfs annotation"},
    {ANNOTATION_TENANT_PREFIX, "unknown isorun tenant annotation"},
    {ANNOTATION_PREFIX, "unknown isorun annotation"},
};

const struct annotation_def *annotation_find(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(annotation_defs); i++)
		if (strcmp(annotation_defs[i].key, key) == 0)
			return &annotation_defs[i];
	return NULL;
}

static int refuse_unknown(const char *key, struct iso_error *err)
{
	size_t i = 0;

	while (strncmp(key, namespaces[i].prefix, strlen(namespaces[i].prefix)) != 0)
		i++;
	return iso_error_invalid(err, WHERE "%s", key, namespaces[i].what);
}

int annotations_check(const struct spec *spec, struct iso_error *err)
{
	for (size_t i = 0; i < spec->n_annotations; i++) {
		const char *key = spec->annotations[i].key;
		const struct annotation_def *d;
		int r;

		if (strncmp(key, ANNOTATION_PREFIX, strlen(ANNOTATION_PREFIX)) != 0)
			continue;
		if (!(d = annotation_find(key)))
			return refuse_unknown(key, err);
		/* The last of duplicate keys wins, as spec_annotation() reads them. */
		if (!d->check || spec_annotation(spec, key) != spec->annotations[i].value)
			continue;
		if ((r = d->check(key, spec->annotations[i].value, err)) < 0)
			return r;
	}
	return 0;
}
