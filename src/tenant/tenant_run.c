/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/tenant_run.h"
#include "tenant/tenant_owner.h"
#include "runtime/container_run.h"
#include "tenant/bundle.h"
#include "tenant/tenant_seccomp.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define PACKAGE_COPY_MAX (1024 * 1024)
#define SECCOMP_MAX	 (4 * 1024 * 1024)

int tenant_load_package(const struct tenant_store *s, const char *tid,
			struct tenant_package **ret_pkg, char **ret_seccomp, struct iso_error *err)
{
	_cleanup_free_ char *pkg_path = store_tenant_path(s, tid, "package.json");
	_cleanup_free_ char *sc_path = store_tenant_path(s, tid, "seccomp.json");
	_cleanup_free_ char *text = NULL, *seccomp = NULL;
	size_t len;
	int r;

	if (!pkg_path || !sc_path)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	if ((r = read_file_at(AT_FDCWD, pkg_path, PACKAGE_COPY_MAX, &text, &len, err)) < 0 ||
	    (r = package_parse(text, pkg_path, ret_pkg, err)) < 0)
		return iso_error_wrap(err, "tenant %s", tid);
	r = read_file_at(AT_FDCWD, sc_path, SECCOMP_MAX, &seccomp, &len, err);
	if (r < 0 && r != -ENOENT) {
		package_free(*ret_pkg);
		*ret_pkg = NULL;
		return iso_error_wrap(err, "tenant %s", tid);
	}
	iso_error_clear(err);
	*ret_seccomp = steal_ptr(seccomp);
	return 0;
}

void tenant_describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		snprintf(buf, len, "successful");
	} else if (WIFEXITED(status)) {
		snprintf(buf, len, "exit code %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		const char *name = signal_name(WTERMSIG(status));

		if (name)
			snprintf(buf, len, "killed by %s", name);
		else
			snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	} else {
		snprintf(buf, len, "unknown status 0x%x", status);
	}
}

static int run_bundle(const char *state_root, const char *tid, const char *bundle, int *ret_status,
		      struct iso_error *err)
{
	struct container_run_options o = {
	    .create = {.root = state_root, .id = tid, .bundle = bundle, .console_fd = -1}};
	struct container_run_result res;
	int r = container_run(&o, &res, err);

	*ret_status = res.wait_status;
	return r;
}

int tenant_run_locked(const struct tenant_store *s, const char *tid,
		      const struct tenant_run_options *o, int *ret_status, struct iso_error *err)
{
	_cleanup_free_ char *bundle = NULL, *seccomp = NULL;
	_cleanup_package_ struct tenant_package *pkg = NULL;
	struct iso_error ignored = {0};
	struct bundle_params bp;
	int r;

	if (!o->configure && !o->args) {
		bundle = store_tenant_path(s, tid, "bundle");
		if (!bundle)
			return iso_error_set(err, ENOMEM, "tenant %s", tid);
		if ((r = tenant_owner_check(s, tid, err)) < 0)
			return r;
		return run_bundle(o->state_root, tid, bundle, ret_status, err);
	}
	if ((r = tenant_load_package(s, tid, &pkg, &seccomp, err)) < 0)
		return r;
	/* The package's own profile is for its init; configure mode runs a shell or its
	 * dependencies script, under isorun's default profile. */
	if (o->configure) {
		free(seccomp);
		seccomp = NULL;
		if ((r = tenant_seccomp_configure(o->default_seccomp, &seccomp, err)) < 0)
			return iso_error_wrap(err, "tenant %s", tid);
	}
	bundle = store_tenant_path(s, tid, "run-bundle");
	if (!bundle)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	bp = (struct bundle_params){.store = s,
				    .tid = tid,
				    .pkg = pkg,
				    .configure = o->configure,
				    .args = o->args,
				    .seccomp_json = seccomp};
	r = bundle_write(&bp, bundle, err);
	if (r == 0)
		r = run_bundle(o->state_root, tid, bundle, ret_status, err);
	remove_tree(bundle, &ignored);
	return r;
}
