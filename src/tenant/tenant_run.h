/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a tenant through the OCI runtime, in this process (container_run.h: create, start,
 * wait forwarding signals, delete), with the tenant's tid as the container id. */
#ifndef ISORUN_TENANT_RUN_H
#define ISORUN_TENANT_RUN_H

#include <stdbool.h>

#include "tenant/package.h"
#include "tenant/store.h"

struct tenant_run_options {
	const char *state_root; /* the runtime's --root */
	bool configure;		/* host network, a few more capabilities, the default seccomp */
	char *const *args;	/* instead of the package's init and args; NULL for those */
	/* configure mode's profile in Docker form (tenant add --default-seccomp); NULL: the
	 * installed default */
	const char *default_seccomp;
};

/* Runs tenant tid, whose run.lock the caller holds.  *ret_status is the wait status of the
 * container's init.  The default run uses tenants/TID/bundle as written by `tenant add`; with
 * args or in configure mode a bundle for this run is written to tenants/TID/run-bundle/ and
 * removed afterwards. */
int tenant_run_locked(const struct tenant_store *s, const char *tid,
		      const struct tenant_run_options *o, int *ret_status, struct iso_error *err);

/* "successful", "exit code N" or "killed by SIGNAME" (the seed's words). */
void tenant_describe_status(int status, char *buf, size_t len);

/* Reads tenants/TID/package.json and tenants/TID/seccomp.json (absent: none). */
int tenant_load_package(const struct tenant_store *s, const char *tid,
			struct tenant_package **ret_pkg, char **ret_seccomp, struct iso_error *err);

#endif
