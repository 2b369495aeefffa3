/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/tenant_allowlist.h"
#include "runtime/trace/container_trace.h"
#include "runtime/trace/syscall_profile.h"
#include "tenant/bundle.h"
#include "tenant/tenant_run.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#include <errno.h>
#include <string.h>

/* seccomp.json first: a failure between the two leaves the old bundle, which a later
 * allowlist rewrites. */
static int store_profile(const struct tenant_store *s, const char *tid, const char *profile,
			 struct iso_error *err)
{
	_cleanup_free_ char *sc_path = store_tenant_path(s, tid, "seccomp.json");
	_cleanup_free_ char *bundle = store_tenant_path(s, tid, "bundle");
	_cleanup_free_ char *old = NULL;
	_cleanup_package_ struct tenant_package *pkg = NULL;
	struct bundle_params bp;
	int r;

	if (!sc_path || !bundle)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	if ((r = tenant_load_package(s, tid, &pkg, &old, err)) < 0 ||
	    (r = write_file_atomic(sc_path, profile, strlen(profile), 0600, err)) < 0)
		return r;
	bp = (struct bundle_params){.store = s, .tid = tid, .pkg = pkg, .seccomp_json = profile};
	return bundle_write(&bp, bundle, err);
}

int tenant_allowlist_locked(const struct tenant_store *s, const char *tid,
			    const struct tenant_allowlist_options *o, struct iso_error *err)
{
	_cleanup_free_ char *bundle = store_tenant_path(s, tid, "bundle");
	_cleanup_free_ char *profile = NULL;
	struct trace_options to = {.root = o->state_root, .id = tid, .duration_ms = o->duration_ms};
	struct trace_result res;
	size_t len;
	int r;

	if (!bundle)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	to.bundle = bundle;
	r = container_trace(&to, &res, err);
	if (r < 0)
		return iso_error_wrap(err, "tenant %s: recording its syscalls", tid);
	syscall_profile_add_always(&res.seen);
	if ((r = syscall_profile_json(&res.seen, false, &profile, &len, err)) < 0 ||
	    (r = store_profile(s, tid, profile, err)) < 0)
		return iso_error_wrap(err, "tenant %s", tid);
	if (o->ret_profile)
		*o->ret_profile = res.seen;
	return 0;
}

int tenant_allowlist(const struct tenant_store *s, const char *tid,
		     const struct tenant_allowlist_options *o, struct iso_error *err)
{
	_cleanup_close_ int lock = store_lock_registered(s, tid, err);

	if (lock == -EWOULDBLOCK)
		return iso_error_set(err, EBUSY, "tenant %s is running", tid);
	if (lock < 0)
		return lock;
	return tenant_allowlist_locked(s, tid, o, err);
}
