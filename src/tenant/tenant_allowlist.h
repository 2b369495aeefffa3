/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `isorun tenant allowlist` and package seccomp.mode "recorded": the tenant's init program runs
 * once under the syscall recorder (runtime/trace/container_trace.h), with the tenant's own bundle,
 * and what it did becomes its seccomp profile: tenants/TID/seccomp.json and linux.seccomp of
 * tenants/TID/bundle/config.json, so that every later `tenant run` enforces it. */
#ifndef ISORUN_TENANT_ALLOWLIST_H
#define ISORUN_TENANT_ALLOWLIST_H

#include "runtime/trace/syscall_recorder.h"
#include "tenant/store.h"

struct tenant_allowlist_options {
	const char *state_root;		 /* the runtime's --root */
	int duration_ms;		 /* <= 0: until the init exits */
	struct syscall_set *ret_profile; /* the profile's syscalls (for warnings), or NULL */
};

/* The caller holds the tenant's run lock (tenant add). */
int tenant_allowlist_locked(const struct tenant_store *s, const char *tid,
			    const struct tenant_allowlist_options *o, struct iso_error *err);

/* Looks tid up and takes its run lock (a running tenant is refused) first. */
int tenant_allowlist(const struct tenant_store *s, const char *tid,
		     const struct tenant_allowlist_options *o, struct iso_error *err);

#endif
