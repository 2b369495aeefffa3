/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether a store can hold tenants in user namespaces: their root's lower layer is the store's
 * base through an idmapped mount, which the kernel refuses on some file systems (tmpfs before
 * Linux 6.3, ramfs, 9p, overlay, ...).  `tenant add` asks before it makes anything, so that
 * such a store fails there, saying what to do, rather than at each `tenant run`. */
#ifndef ISORUN_TENANT_STORE_IDMAP_H
#define ISORUN_TENANT_STORE_IDMAP_H

#include "tenant/package.h"
#include "tenant/store.h"
#include "util/error.h"

/* 0 when pkg runs without a user namespace or the kernel idmaps a mount of the store's base;
 * otherwise one line naming the store, its file system, the kernel and the fix. */
int store_check_idmap(const struct tenant_store *s, const struct tenant_package *pkg,
		      struct iso_error *err);

#endif
