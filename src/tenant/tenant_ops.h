/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tenant layer's operations, as `isorun tenant ...` calls them. */
#ifndef ISORUN_TENANT_OPS_H
#define ISORUN_TENANT_OPS_H

#include <stdbool.h>

#include "runtime/trace/syscall_recorder.h"
#include "tenant/store.h"
#include "tenant/tenant_ids.h"
#include "tenant/tenant_run.h"

struct tenant_add_options {
	const char *state_root;	     /* the runtime's --root, for the dependencies' run */
	const char *default_seccomp; /* NULL: the installed default profile */
	/* seccomp.mode "recorded": how long the init's recorded run may last (<= 0: until it
	 * exits), and where the recorded profile's syscalls go (NULL: nowhere). */
	int record_duration_ms;
	struct syscall_set *recorded;
	struct tenant_ids_request ids; /* the tenant's id range (--ids-size, --ids-start) */
};

/* Validates the package, makes tenants/TID (home from progs/, upper, work, rootfs, bundle),
 * runs the package's dependencies in configure mode, and registers the tenant.  On any failure
 * nothing is left: no registry entry, no directory. */
int tenant_add(const struct tenant_store *s, const char *pkgdir, const struct tenant_add_options *o,
	       char tid[TID_LEN + 1], struct iso_error *err);

/* Looks tid up, takes its run lock (a running tenant is refused) and runs it. */
int tenant_run(const struct tenant_store *s, const char *tid, const struct tenant_run_options *o,
	       int *ret_status, struct iso_error *err);

/* Removes the tenant: registry entry and tenants/TID.  A running tenant is refused, unless
 * force, which kills its container (in state_root) first. */
int tenant_delete(const struct tenant_store *s, const char *tid, const char *state_root, bool force,
		  struct iso_error *err);

#endif
