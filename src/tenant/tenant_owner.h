/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who owns a tenant's files on the host.
 *
 * A tenant in a user namespace is root only as the first id of its range: its home, its
 * overlay's upper and work directories belong to that id on disk, so that it can write them and
 * nobody else of the host's users can.  Its directory in the store (tenants/TID) is root's,
 * mode 0710, group the range's first id: the container's init, already in its user namespace,
 * walks through it to the rootfs mount point, and other host users cannot. */
#ifndef ISORUN_TENANT_OWNER_H
#define ISORUN_TENANT_OWNER_H

#include "tenant/id_range.h"
#include "tenant/store.h"
#include "util/error.h"

/* At `tenant add`, once home is filled: gives home (the whole tree), upper and work to the
 * range's first uid and gid, never following a symlink, and opens tenants/ and tenants/TID to
 * the range as above. */
int tenant_owner_give(const struct tenant_store *s, const char *tid, struct id_range ids,
		      struct iso_error *err);

/* Before a run in a user namespace: a tenant whose home still belongs to host root was made
 * before tenants had user namespaces, and is refused with the fix (delete and add it again):
 * its files were never shifted to its range, and its root could not write them.  A store under
 * a directory that others cannot search is refused too, naming it: the init could not reach
 * its bundle. */
int tenant_owner_check(const struct tenant_store *s, const char *tid, struct iso_error *err);

#endif
