/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tenant store (--tenant-root, default /var/lib/isorun):
 *
 *	base/		the shared lower layer of every tenant's root
 *	ipc/		the host directory bound read-only at /tmp/tenant_ipc in every tenant
 *	tenants.json	the registry: {"tenants": [{tid, cname, package, created, bundle}...]},
 *			replaced atomically, only under tenants.lock
 *	tenants.lock	flock'ed (exclusive) around every read-modify-write of the registry
 *	tenants/TID/	bundle/config.json, upper/, work/, home/, rootfs/ (the overlay's mount
 *point), package.json (the package's config), seccomp.json, run.lock (held while the tenant is
 *being added or runs), .adding (until `tenant add` is done)
 */
#ifndef ISORUN_TENANT_STORE_H
#define ISORUN_TENANT_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "tenant/tid.h"
#include "tenant/id_range.h"
#include "util/error.h"

#define TENANT_DEFAULT_ROOT "/var/lib/isorun"

struct tenant_store {
	char *root;
	char *base;
	char *ipc;
	char *tenants;
};

struct tenant_entry {
	char *tid;
	char *cname;
	char *package;
	char *created;
	char *bundle;
	struct id_range ids; /* its user namespace's ids on the host; size 0: none */
};

struct tenant_registry {
	struct tenant_entry *entries;
	size_t n;
};

/* Opens (creating root, ipc/ and tenants/ when missing) the store at root. */
int store_open(const char *root, struct tenant_store *s, struct iso_error *err);
void store_close(struct tenant_store *s);

/* base/ exists: "no base: run `isorun tenant base` first" otherwise. */
int store_require_base(const struct tenant_store *s, struct iso_error *err);

/* tenants/TID/NAME (NAME may be NULL for the directory itself); NULL when out of memory. */
char *store_tenant_path(const struct tenant_store *s, const char *tid, const char *name);

/* The exclusive registry lock; returns the fd holding it. */
int registry_lock(const struct tenant_store *s, struct iso_error *err);
/* Reads tenants.json (a missing file is an empty registry). Call with the lock held to modify. */
int registry_read(const struct tenant_store *s, struct tenant_registry *reg, struct iso_error *err);
int registry_write(const struct tenant_store *s, const struct tenant_registry *reg,
		   struct iso_error *err);
const struct tenant_entry *registry_find(const struct tenant_registry *reg, const char *tid);
void registry_free(struct tenant_registry *reg);

/* Lock, read, append or remove, write atomically, unlock. */
int registry_add(const struct tenant_store *s, const struct tenant_entry *e, struct iso_error *err);
int registry_remove(const struct tenant_store *s, const char *tid, struct iso_error *err);

/* The registry entry of tid (copied into *ret), or -ENOENT: "tenant TID does not exist". */
int store_lookup(const struct tenant_store *s, const char *tid, struct tenant_entry *ret,
		 struct iso_error *err);
void tenant_entry_clear(struct tenant_entry *e);

/* Takes tenants/TID/run.lock.  Without wait, a lock held elsewhere is -EWOULDBLOCK (no message
 * set); with wait, it waits up to timeout_s seconds.  Returns the fd holding it. */
int store_lock_tenant(const struct tenant_store *s, const char *tid, bool wait, int timeout_s,
		      struct iso_error *err);
/* Checks that tid is registered ("does not exist" otherwise) and takes its run.lock without
 * waiting: -EWOULDBLOCK (no message set) while it runs.  Returns the fd holding it. */
int store_lock_registered(const struct tenant_store *s, const char *tid, struct iso_error *err);
/* Someone holds tenants/TID/run.lock (the tenant runs, or is being added). */
bool store_tenant_busy(const struct tenant_store *s, const char *tid);

/* Removes directories under tenants/ that a killed `tenant add` left (marked .adding, not
 * registered, their lock free), and the container its dependencies' run may have left in
 * state_root. */
void store_collect_garbage(const struct tenant_store *s, const char *state_root);

#endif
