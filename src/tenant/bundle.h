/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tenant's OCI bundle: config.json generated from its package and the store's paths.
 *
 * Everything the tenant layer knows ends up in this file (and its annotations), so that the
 * bundle also runs with `isorun run -b`:
 *   - root.path = tenants/TID/rootfs (empty), with io.isorun.rootfs.lower/upper/work naming the
 *     overlay the runtime mounts there inside the container's mount namespace;
 *   - hostname = tid; namespaces pid, mount, uts, ipc, network, and user with the tenant's id
 *     range (tenants/TID/ids) as containers 0..size-1, unless the package says "userns": false;
 *   - /home bound from tenants/TID/home, tmpfs /tmp, the store's ipc/ bound read-only at
 *     /tmp/tenant_ipc (unless ipc.enabled is false);
 *   - a small capability set, noNewPrivileges, linux.resources, linux.seccomp, and the
 *     io.isorun.net.* annotations of the package's network.
 * Configure mode (the seed's, for installing dependencies) keeps the host's network namespace
 * and gets a cgroup namespace of its own, the tenant's capabilities plus SETFCAP and SYS_CHROOT,
 * and isorun's default seccomp profile converted for those (seccomp_json, required), in the same
 * user namespace.  bundle_write() refuses a tenant without a range, or one whose files still
 * belong to host root (tenant_owner.h), when the package wants a user namespace. */
#ifndef ISORUN_TENANT_BUNDLE_H
#define ISORUN_TENANT_BUNDLE_H

#include <stdint.h>
#include <stdbool.h>

#include "tenant/package.h"
#include "tenant/store.h"

#define TENANT_IPC_DEST "/tmp/tenant_ipc"

struct bundle_params {
	const struct tenant_store *store;
	const char *tid;
	const struct tenant_package *pkg;
	bool configure;
	char *const *args;	  /* process.args instead of init + the package's args; or NULL */
	const char *seccomp_json; /* the linux.seccomp object as JSON text, or NULL for none */
};

/* Writes config.json into bundle_dir (created if missing), atomically. */
int bundle_write(const struct bundle_params *p, const char *bundle_dir, struct iso_error *err);

/* The bounding set a tenant runs with (outside configure mode), as a capability mask. */
uint64_t bundle_tenant_bounding(void);

/* The bounding set of configure mode, as a capability mask. */
uint64_t bundle_configure_bounding(void);

#endif
