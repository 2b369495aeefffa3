/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/tenant_ops.h"
#include "runtime/container.h"
#include "tenant/bundle.h"
#include "tenant/copy_tree.h"
#include "tenant/package.h"
#include "tenant/store_idmap.h"
#include "tenant/tenant_allowlist.h"
#include "tenant/tenant_owner.h"
#include "tenant/tenant_seccomp.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DELETE_WAIT_S 10

/* ---- add -------------------------------------------------------------------------------- */

struct add_job {
	const struct tenant_store *s;
	const struct tenant_add_options *o;
	struct tenant_package *pkg;
	const char *tid;
	char *dir;
	struct id_range ids;
};

static int make_subdir(const struct add_job *j, const char *name, mode_t mode,
		       struct iso_error *err)
{
	_cleanup_free_ char *path = store_tenant_path(j->s, j->tid, name);

	if (!path)
		return iso_error_set(err, ENOMEM, "tenant %s", j->tid);
	if (mkdir(path, mode) < 0)
		return iso_error_set(err, errno, "%s", path);
	return 0;
}

static int write_tenant_file(const struct add_job *j, const char *name, const char *text,
			     struct iso_error *err)
{
	_cleanup_free_ char *path = store_tenant_path(j->s, j->tid, name);

	if (!path)
		return iso_error_set(err, ENOMEM, "tenant %s", j->tid);
	return write_file_atomic(path, text, strlen(text), 0600, err);
}

/* The tenant's directories and files, before anything runs. */
static int populate(const struct add_job *j, struct iso_error *err)
{
	_cleanup_free_ char *progs = NULL, *home = NULL, *bundle = NULL, *seccomp = NULL;
	struct bundle_params bp;
	int r;

	if ((r = make_subdir(j, "home", 0755, err)) < 0 ||
	    (r = make_subdir(j, "upper", 0755, err)) < 0 ||
	    (r = make_subdir(j, "work", 0700, err)) < 0 ||
	    (r = make_subdir(j, "rootfs", 0755, err)) < 0)
		return r;
	home = store_tenant_path(j->s, j->tid, "home");
	bundle = store_tenant_path(j->s, j->tid, "bundle");
	if (!home || !bundle || asprintf(&progs, "%s/progs", j->pkg->dir) < 0)
		return iso_error_set(err, ENOMEM, "tenant %s", j->tid);
	if ((r = copy_progs(progs, home, err)) < 0 ||
	    (r = tenant_owner_give(j->s, j->tid, j->ids, err)) < 0 ||
	    (r = tenant_seccomp_resolve(j->pkg, j->o->default_seccomp, &seccomp, err)) < 0)
		return r;
	if (seccomp && (r = write_tenant_file(j, "seccomp.json", seccomp, err)) < 0)
		return r;
	if ((r = write_tenant_file(j, "package.json", j->pkg->config_text, err)) < 0)
		return r;
	bp = (struct bundle_params){
	    .store = j->s, .tid = j->tid, .pkg = j->pkg, .seccomp_json = seccomp};
	return bundle_write(&bp, bundle, err);
}

/* The seed's `dependencies`: the package's script, run once in configure mode. */
static int install_dependencies(const struct add_job *j, struct iso_error *err)
{
	_cleanup_free_ char *script = NULL;
	char *args[2] = {NULL, NULL};
	struct tenant_run_options ro = {.state_root = j->o->state_root,
					.configure = true,
					.default_seccomp = j->o->default_seccomp};
	char what[64];
	int status = 0, r;

	if (!j->pkg->dependencies)
		return 0;
	if (asprintf(&script, "/home/%s", j->pkg->dependencies) < 0)
		return iso_error_set(err, ENOMEM, "dependencies");
	args[0] = script;
	ro.args = args;
	r = tenant_run_locked(j->s, j->tid, &ro, &status, err);
	if (r < 0)
		return iso_error_wrap(err, "config.json: dependencies: %s", script);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	tenant_describe_status(status, what, sizeof(what));
	return iso_error_invalid(err, "config.json: dependencies: %s failed: %s", script, what);
}

/* seccomp.mode "recorded": the init's own run, recorded, becomes its profile. */
static int record_allowlist(const struct add_job *j, struct iso_error *err)
{
	struct tenant_allowlist_options ao = {.state_root = j->o->state_root,
					      .duration_ms = j->o->record_duration_ms,
					      .ret_profile = j->o->recorded};

	if (!j->pkg->has_seccomp || j->pkg->seccomp.mode != PACKAGE_SECCOMP_RECORDED)
		return 0;
	return tenant_allowlist_locked(j->s, j->tid, &ao, err);
}

static int register_tenant(const struct add_job *j, struct iso_error *err)
{
	char now[64];
	_cleanup_free_ char *bundle = store_tenant_path(j->s, j->tid, "bundle");
	struct tenant_entry e = {.tid = (char *)j->tid,
				 .cname = j->pkg->cname,
				 .package = j->pkg->dir,
				 .created = now,
				 .bundle = bundle,
				 .ids = j->ids};

	if (!bundle)
		return iso_error_set(err, ENOMEM, "tenant %s", j->tid);
	timefmt_rfc3339_now(now, sizeof(now));
	return registry_add(j->s, &e, err);
}

static int add_steps(struct add_job *j, struct iso_error *err)
{
	_cleanup_free_ char *mark = store_tenant_path(j->s, j->tid, ".adding");
	int r;

	if (!mark)
		return iso_error_set(err, ENOMEM, "tenant %s", j->tid);
	/* The mark tells a later `tenant add` that a killed one left this directory. */
	if ((r = write_file_atomic(mark, "", 0, 0600, err)) < 0 ||
	    (r = tenant_ids_reserve(j->s, j->tid, &j->o->ids, &j->ids, err)) < 0 ||
	    (r = populate(j, err)) < 0 || (r = install_dependencies(j, err)) < 0 ||
	    (r = record_allowlist(j, err)) < 0 || (r = register_tenant(j, err)) < 0)
		return r;
	if (unlink(mark) < 0)
		return iso_error_set(err, errno, "%s", mark);
	return 0;
}

int tenant_add(const struct tenant_store *s, const char *pkgdir, const struct tenant_add_options *o,
	       char tid[TID_LEN + 1], struct iso_error *err)
{
	_cleanup_package_ struct tenant_package *pkg = NULL;
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int lock = -1;
	struct iso_error ignored = {0};
	struct add_job j;
	int r;

	if ((r = package_load(pkgdir, &pkg, err)) < 0 || (r = store_require_base(s, err)) < 0 ||
	    (r = store_check_idmap(s, pkg, err)) < 0 || (r = store_new_tid(tid, err)) < 0)
		return r;
	store_collect_garbage(s, o->state_root);
	dir = store_tenant_path(s, tid, NULL);
	if (!dir)
		return iso_error_set(err, ENOMEM, "tenant");
	if (mkdir(dir, 0700) < 0)
		return iso_error_set(err, errno, "%s", dir);
	j = (struct add_job){.s = s, .o = o, .pkg = pkg, .tid = tid, .dir = dir};
	lock = store_lock_tenant(s, tid, false, 0, err);
	r = lock < 0 ? (lock == -EWOULDBLOCK ? iso_error_set(err, EBUSY, "%s", dir) : lock)
		     : add_steps(&j, err);
	if (r < 0) {
		remove_tree(dir, &ignored);
		return iso_error_wrap(err, "package %s", pkgdir);
	}
	return 0;
}

/* ---- run -------------------------------------------------------------------------------- */

int tenant_run(const struct tenant_store *s, const char *tid, const struct tenant_run_options *o,
	       int *ret_status, struct iso_error *err)
{
	_cleanup_close_ int lock = store_lock_registered(s, tid, err);

	if (lock == -EWOULDBLOCK)
		return iso_error_set(err, EBUSY, "tenant %s is already running", tid);
	if (lock < 0)
		return lock;
	return tenant_run_locked(s, tid, o, ret_status, err);
}

/* ---- delete ----------------------------------------------------------------------------- */

int tenant_delete(const struct tenant_store *s, const char *tid, const char *state_root, bool force,
		  struct iso_error *err)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int lock = store_lock_registered(s, tid, err);
	int r;

	if (lock == -EWOULDBLOCK && !force)
		return iso_error_set(err, EBUSY,
				     "tenant %s is running (stop it, or delete "
				     "--force)",
				     tid);
	if (lock == -EWOULDBLOCK) {
		/* Its `tenant run` releases the lock once the container is gone. */
		if ((r = container_delete(state_root, tid, true, err)) < 0)
			return iso_error_wrap(err, "tenant %s", tid);
		lock = store_lock_tenant(s, tid, true, DELETE_WAIT_S, err);
		if (lock == -EWOULDBLOCK)
			return iso_error_set(err, EBUSY,
					     "tenant %s: still running after its "
					     "container was deleted (another --root?)",
					     tid);
	}
	if (lock < 0)
		return lock;
	if ((r = registry_remove(s, tid, err)) < 0)
		return r;
	dir = store_tenant_path(s, tid, NULL);
	if (!dir)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	return remove_tree(dir, err);
}
