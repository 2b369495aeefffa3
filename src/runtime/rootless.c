/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/rootless.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/annotations.h"
#include "util/json_walk.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/log.h"

/* runc's shouldHonorXDGRuntimeDir(): root of a user namespace that says it is root keeps
 * /run. */
static bool use_xdg(const char *xdg)
{
	const char *user = getenv("USER");

	if (rootless_unprivileged())
		return true;
	return xdg && *xdg && rootless_in_user_namespace() && !(user && !strcmp(user, "root"));
}

int rootless_default_root(char **ret, struct iso_error *err)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (!use_xdg(xdg))
		*ret = strdup(STATE_DEFAULT_ROOT);
	else if (!xdg || xdg[0] != '/')
		return iso_error_invalid(err,
					 "--root: not given, and XDG_RUNTIME_DIR is %s: set "
					 "XDG_RUNTIME_DIR to a directory of yours (such as "
					 "/run/user/%u), or give --root",
					 xdg ? "not an absolute path" : "not set",
					 (unsigned int)geteuid());
	else if (asprintf(ret, "%s/isorun", xdg) < 0)
		*ret = NULL;
	return *ret ? 0 : iso_error_set(err, ENOMEM, "--root");
}

bool rootless_skip_cgroups(bool disabled, bool systemd)
{
	return disabled || (rootless_caller() && !systemd);
}

void rootless_warn_no_cgroups(void)
{
	log_warning("running rootless: the container has no cgroup of its own (it stays in "
		    "yours), and linux.resources limits are refused (--systemd-cgroup gives it "
		    "one from your systemd user manager)");
}

static int check_network(const struct spec *spec, struct iso_error *err)
{
	yajl_val devices = json_object_get(json_object_get(spec->tree, "linux"), "netDevices");

	for (size_t i = 0; i < annotation_n_defs; i++)
		if (annotation_defs[i].owner == ANNOTATION_OWNER_NET &&
		    spec_annotation(spec, annotation_defs[i].key))
			return iso_error_invalid(err,
						 "config.json: annotations[\"%s\"]: needs root on "
						 "the host (rootless, a new network namespace has "
						 "only lo)",
						 annotation_defs[i].key);
	if (YAJL_IS_OBJECT(devices) && devices->u.object.len > 0)
		return iso_error_invalid(err, "config.json: linux.netDevices: moving a host "
					      "interface needs root on the host (rootless)");
	return 0;
}

int rootless_check_spec(const struct spec *spec, struct iso_error *err)
{
	const struct spec_namespace *user = spec_find_namespace(spec, CLONE_NEWUSER);

	if (!rootless_caller())
		return 0;
	if (!user && rootless_unprivileged())
		return iso_error_invalid(err,
					 "config.json: linux.namespaces: running without root "
					 "needs a new user namespace with linux.uidMappings "
					 "and gidMappings (isorun spec --rootless writes them)");
	return check_network(spec, err);
}
