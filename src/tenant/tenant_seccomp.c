/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/tenant_seccomp.h"
#include "util/json_walk.h"
#include "runtime/spec/seccomp_config.h"
#include "runtime/seccomp/seccomp_profile.h"
#include "tenant/bundle.h"
#include "util/jsongen.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PROFILE_MAX (4 * 1024 * 1024)

/* An OCI linux.seccomp object at least names its default action. */
static int check_profile(const char *text, size_t len, const char *name, struct iso_error *err)
{
	yajl_val tree = NULL, action;
	int r = json_parse_tree(text, len, name, &tree, err);

	if (r < 0)
		return r;
	action = YAJL_IS_OBJECT(tree) ? json_object_get(tree, "defaultAction") : NULL;
	if (!action || !YAJL_IS_STRING(action))
		r = iso_error_invalid(err,
				      "%s: defaultAction: required (an OCI linux.seccomp "
				      "object)",
				      name);
	yajl_tree_free(tree);
	return r;
}

/* isorun's default profile is in Docker form (cap-gated rules): it is converted for the
 * capabilities the process keeps, exactly as `isorun spec --seccomp` converts it.  `what`
 * names the field or mode that asked for it in errors. */
static int read_default(const char *path, uint64_t bounding, const char *what, char **ret,
			struct iso_error *err)
{
	_cleanup_free_ char *found = NULL;
	struct seccomp_profile_target target;
	struct seccomp_config cfg = {0};
	size_t len;
	yajl_gen g;
	int r;

	if (!path && (r = seccomp_profile_default_path(&found, err)) < 0)
		return iso_error_wrap(err, "%s (or pass --default-seccomp FILE)", what);
	seccomp_profile_target_host(&target, bounding);
	r = seccomp_profile_convert_file(path ? path : found, &target, &cfg, err);
	if (r < 0)
		return iso_error_wrap(err, "%s", what);
	g = jsongen_new(false);
	seccomp_config_gen(g, &cfg, false);
	seccomp_config_free(&cfg);
	return jsongen_finish(g, ret, &len, err);
}

/* The package's own profile, opened without leaving the package directory. */
static int read_package_profile(const struct tenant_package *pkg, char **ret, struct iso_error *err)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	_cleanup_close_ int dir = open(pkg->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	char proc[64];
	size_t len;
	int r;

	if (dir < 0)
		return iso_error_set(err, errno, "%s", pkg->dir);
	fd = (int)syscall(SYS_openat2, dir, pkg->seccomp.profile, &how, sizeof(how));
	if (fd < 0)
		return iso_error_set(err, errno, "config.json: seccomp.profile: %s",
				     pkg->seccomp.profile);
	/* The fd was opened safely; read_file_at wants a path. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	r = read_file_at(AT_FDCWD, proc, PROFILE_MAX, ret, &len, err);
	if (r == 0)
		r = check_profile(*ret, len, pkg->seccomp.profile, err);
	if (r < 0) {
		free(*ret);
		*ret = NULL;
		return iso_error_wrap(err, "config.json: seccomp.profile");
	}
	return 0;
}

int tenant_seccomp_resolve(const struct tenant_package *pkg, const char *default_path,
			   char **ret_json, struct iso_error *err)
{
	enum package_seccomp_mode mode =
	    pkg->has_seccomp ? pkg->seccomp.mode : PACKAGE_SECCOMP_DEFAULT;

	*ret_json = NULL;
	switch (mode) {
	case PACKAGE_SECCOMP_DEFAULT:
		return read_default(default_path, bundle_tenant_bounding(),
				    "config.json: seccomp.mode \"default\"", ret_json, err);
	case PACKAGE_SECCOMP_PROFILE:
		return read_package_profile(pkg, ret_json, err);
	case PACKAGE_SECCOMP_NONE:
		return 0;
	case PACKAGE_SECCOMP_RECORDED:
		/* No filter yet: `tenant add` records the profile once the tenant exists
		 * (tenant_allowlist.h) and writes it into the bundle. */
		return 0;
	}
	return iso_error_invalid(err, "config.json: seccomp.mode: unknown");
}

int tenant_seccomp_configure(const char *default_path, char **ret_json, struct iso_error *err)
{
	*ret_json = NULL;
	return read_default(default_path, bundle_configure_bounding(),
			    "configure mode: isorun's default seccomp profile", ret_json, err);
}
