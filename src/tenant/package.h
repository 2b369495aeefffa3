/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tenant package: a directory holding config.json (the seed's fields plus isorun's, see
 * schema/tenant-package.schema.json) and progs/ (the files that become the tenant's /home).
 *
 * package_load() checks everything before the store is touched, and every error names the
 * package and the field: "package /srv/pkg: config.json: init: ...". */
#ifndef ISORUN_TENANT_PACKAGE_H
#define ISORUN_TENANT_PACKAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

enum package_net_mode { PACKAGE_NET_NONE, PACKAGE_NET_VETH, PACKAGE_NET_BRIDGE };

enum package_seccomp_mode {
	PACKAGE_SECCOMP_DEFAULT, /* contrib/seccomp/default.json (the default) */
	PACKAGE_SECCOMP_PROFILE, /* an OCI linux.seccomp object in a file of the package */
	PACKAGE_SECCOMP_NONE,
	PACKAGE_SECCOMP_RECORDED, /* an allowlist recorded by `tenant record` (issue 7) */
};

struct package_resources {
	bool has_memory;
	int64_t memory; /* bytes */
	bool has_cpus;
	double cpus; /* CPUs' worth of time, e.g. 0.5 */
	bool has_pids;
	int64_t pids;
};

struct package_network {
	char *mode_name;
	enum package_net_mode mode;
	char *address;	    /* container CIDR(s), comma-separated */
	char *host_address; /* host-side CIDR(s) (veth) */
	char *bridge;	    /* existing host bridge (bridge) */
	char *gateway;
	bool has_mtu;
	uint32_t mtu;
};

struct package_seccomp {
	char *mode_name;
	enum package_seccomp_mode mode;
	char *profile; /* mode profile: a path relative to the package */
};

struct package_ipc {
	bool has_enabled;
	bool enabled;
};

struct tenant_package {
	char *dir;	    /* absolute path of the package */
	char *config_text;  /* config.json as read */
	char *cname;	    /* [A-Za-z0-9_.-], no "." or ".." */
	char *init;	    /* "/home/REL" (REL inside progs/) */
	char *dependencies; /* the same form, or NULL */
	char *tid;	    /* must be empty on input: the store assigns it */
	char **args;	    /* extra arguments after init; may be NULL */
	char **env;	    /* "NAME=value"; may be NULL */
	bool has_resources;
	struct package_resources resources;
	bool has_network;
	struct package_network network;
	bool has_seccomp;
	struct package_seccomp seccomp;
	bool has_ipc;
	struct package_ipc ipc;
	bool has_userns;
	bool userns; /* false: no user namespace, the tenant's root is the host's */
};

/* Reads and validates DIR/config.json and DIR/progs/ (init and dependencies are regular
 * executable files in progs/; no symlink in progs/ leads outside it). */
int package_load(const char *dir, struct tenant_package **ret, struct iso_error *err);

/* Parses the config text only (no file checks): what the store keeps of a tenant's package.
 * name prefixes the errors. */
int package_parse(const char *text, const char *name, struct tenant_package **ret,
		  struct iso_error *err);

bool package_ipc_enabled(const struct tenant_package *p);

/* "userns", true unless the package says false: the tenant runs in a user namespace mapping
 * its root to the first id of its range. */
bool package_userns_enabled(const struct tenant_package *p);

void package_free(struct tenant_package *p);

static inline void cleanup_package_freep(struct tenant_package **p)
{
	if (*p)
		package_free(*p);
}
#define _cleanup_package_ __attribute__((cleanup(cleanup_package_freep)))

#endif
