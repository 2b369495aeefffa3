/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/container_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "net/network.h"
#include "runtime/annotations.h"
#include "runtime/container_parts.h"
#include "runtime/id_maps.h"
#include "runtime/namespaces.h"
#include "runtime/process/apparmor.h"
#include "runtime/process/exec_stub.h"
#include "runtime/process/selfexe.h"
#include "runtime/process/selinux.h"
#include "runtime/rootfs/overlay_root.h"
#include "runtime/rootfs/sysctl.h"
#include "runtime/rootless.h"
#include "runtime/config_load.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/jsongen.h"

void create_plan_free(struct create_plan *p)
{
	init_spawn_join(&p->spawn);
	if (p->pidns_fd >= 0)
		close(p->pidns_fd);
	net_config_clear(&p->net);
	free(p->bundle);
	free(p->rootfs);
	free(p->config_text);
	if (p->spec)
		spec_free(p->spec);
	if (p->stub_fd >= 0)
		close(p->stub_fd);
	seccomp_program_free(&p->seccomp);
	systemd_unit_clear(&p->unit);
}

static int resolve_rootfs(struct create_plan *p, struct iso_error *err)
{
	const char *root = p->spec->root_path;
	_cleanup_free_ char *joined = NULL;
	struct stat st;
	int n;

	if (root[0] == '/')
		n = asprintf(&joined, "%s", root);
	else
		n = asprintf(&joined, "%s/%s", p->bundle, root);
	if (n < 0)
		return iso_error_set(err, ENOMEM, "root.path");
	/* The host path of the root, with symlinks resolved once, here, on the host's side. */
	p->rootfs = realpath(joined, NULL);
	if (!p->rootfs)
		return iso_error_set(err, errno, "config.json: root.path: %s", joined);
	if (stat(p->rootfs, &st) < 0)
		return iso_error_set(err, errno, "config.json: root.path: %s", joined);
	if (!S_ISDIR(st.st_mode))
		return iso_error_set(err, ENOTDIR, "config.json: root.path: %s", joined);
	/* pivot_root into the root it is already in fails with a bare EBUSY, after the
	 * namespaces and the cgroup were made: refuse it first, by name. */
	if (!strcmp(p->rootfs, "/"))
		return iso_error_invalid(err,
					 "config.json: root.path: %s is the host's / (a container "
					 "needs a root file system of its own)",
					 joined);
	return 0;
}

static int check_plan(struct create_plan *p, struct iso_error *err)
{
	const struct spec *spec = p->spec;
	const struct spec_namespace *uts = spec_find_namespace(spec, CLONE_NEWUTS);
	struct overlay_root overlay;
	int r;

	if ((r = spec_validate_for_start(spec, err)) < 0 ||
	    (r = namespaces_validate(spec, err)) < 0 || (r = sysctl_validate(spec, err)) < 0 ||
	    (r = apparmor_prepare(&p->spec->process.apparmor_profile,
				  "config.json: process.apparmorProfile", err)) < 0 ||
	    (r = annotations_check(spec, err)) < 0 || (r = rootless_check_spec(spec, err)) < 0 ||
	    (r = id_maps_check(spec, err)) < 0)
		return r;
	/* Checked here, before anything exists, so that a bad layer path leaves nothing. */
	if ((r = overlay_root_from_spec(spec, &overlay, err)) < 0)
		return r;
	if ((spec->hostname || spec->domainname) && (!uts || uts->path))
		return iso_error_invalid(err, "config.json: hostname: setting a hostname needs a "
					      "new uts namespace in linux.namespaces");
	if (spec->process.terminal && !p->o->console_socket && p->o->console_fd < 0)
		return iso_error_invalid(err, "config.json: process.terminal is true: "
					      "--console-socket is required");
	if (!spec->process.terminal && p->o->console_socket)
		return iso_error_invalid(err, "--console-socket given but process.terminal is "
					      "false in config.json");
	if (p->o->systemd_cgroup && (r = cgroup_systemd_check(spec, p->o->id, &p->unit, err)) < 0)
		return r;
	if (rootless_skip_cgroups(p->o->no_cgroups, p->o->systemd_cgroup) &&
	    (r = cgroup_check_none(spec, err)) < 0)
		return p->o->no_cgroups ? r
					: iso_error_wrap(err, "running rootless, without cgroups");
	/* Last: it asks the kernel whether the bridge and the netDevices exist. */
	return net_prepare(spec, &p->net, err);
}

/* CVE-2019-5736: the init enters the container as a clone of this process.  Where the exec
 * stub suffices (exec_stub.h) it costs one tiny exec; otherwise the whole runtime re-executes
 * from a sealed memfd (not returning here) before anything exists on the host. */
static int protect_runtime_image(struct create_plan *p, struct iso_error *err)
{
	int r = selfexe_is_protected();

	if (r < 0)
		return iso_error_set(err, -r, "protecting the runtime binary: /proc/self/exe");
	if (r > 0)
		return 0;
	if (!exec_stub_protects(p->spec))
		return selfexe_ensure_protected(err);
	p->stub_fd = exec_stub_memfd(err);
	return p->stub_fd < 0 ? p->stub_fd : 0;
}

/* The helper thread makes the container's namespaces while create goes on (init_spawn.h):
 * all of them, unless a new user namespace must own them, which only the clone can make. */
static int prepare_spawn(struct create_plan *p, struct iso_error *err)
{
	unsigned long ns = namespaces_clone_flags(p->spec);
	bool new_userns = ns & CLONE_NEWUSER;
	int r;

	r = namespaces_open_pid_path(p->spec, &p->pidns_fd, err);
	if (r < 0)
		return r;
	p->clone_flags = new_userns ? ns : 0;
	r = init_spawn_prepare(&p->spawn, new_userns ? 0 : ns, p->pidns_fd);
	return r < 0 ? iso_error_set(err, -r, "starting the thread that clones the init") : 0;
}

int container_read_config(const char *bundle, char **ret_text, size_t *ret_len,
			  struct iso_error *err)
{
	return config_read(bundle, ret_text, ret_len, err);
}

static int copy_config(const struct create_options *o, struct create_plan *p, struct iso_error *err)
{
	p->config_text = malloc(o->config_len + 1);
	if (!p->config_text)
		return iso_error_set(err, ENOMEM, "config.json");
	memcpy(p->config_text, o->config_text, o->config_len);
	p->config_text[o->config_len] = '\0';
	p->config_len = o->config_len;
	return 0;
}

int create_plan_load(const struct create_options *o, struct create_plan *p, struct iso_error *err)
{
	struct config_profile profile;
	int r;

	p->o = o;
	if ((r = state_validate_id(o->id, err)) < 0 ||
	    (r = make_absolute(o->bundle ? o->bundle : ".", &p->bundle, err)) < 0)
		return r;
	/* The bundle path goes into state.json: a container whose state cannot be read back could
	 * not be deleted. */
	if (!jsongen_utf8_valid(p->bundle))
		return iso_error_invalid(err, "bundle %s: the path is not valid UTF-8", p->bundle);
	r = o->config_text ? copy_config(o, p, err)
			   : config_read(p->bundle, &p->config_text, &p->config_len, err);
	if (r < 0)
		return r;
	if ((r = config_load_spec(p->config_text, p->config_len, &profile, &p->spec, err)) < 0)
		return r;
	/* As soon as the namespaces are known; a plan found bad below only wastes them.  The
	 * profile's cache lookup (or compiling) then overlaps with the helper's unsharing, which
	 * takes longer than all that create does before the clone.  A trace replaces the config's
	 * filter with its recorder. */
	if ((r = prepare_spawn(p, err)) < 0)
		return r;
	r = o->seccomp_override ? seccomp_program_copy(o->seccomp_override, &p->seccomp, err)
				: config_load_seccomp(&profile, p->spec, o->root, &p->seccomp, err);
	if (r < 0 || (r = check_plan(p, err)) < 0 || (r = resolve_rootfs(p, err)) < 0)
		return r;
	if (!jsongen_utf8_valid(p->rootfs))
		return iso_error_invalid(err, "config.json: root.path: %s is not valid UTF-8",
					 p->rootfs);
	if ((r = protect_runtime_image(p, err)) < 0)
		return r;
	/* After the re-execution that protect_runtime_image() may do, so that its warnings are
	 * printed once. */
	return selinux_prepare(p->spec, "config.json", err);
}
