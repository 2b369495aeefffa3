/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The config.json that `isorun spec` writes: what `runc spec` writes, for OCI 1.2.0 (an
 * interactive "sh" on a terminal, as scripts that follow `spec` with `run --console-socket`
 * expect), hardened for hostile tenants: the default seccomp profile, a pids and a memory
 * limit, and a size-bounded tmpfs /tmp. */
#include "config.h"
#include "runtime/spec/seccomp_config.h"
#include "runtime/spec/spec.h"
#include "runtime/spec/spec_gen.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/jsongen.h"

#include <errno.h>
#include <unistd.h>

static const struct spec_gen_mount proc_mount = {"/proc", "proc", "proc", NULL};

static const struct spec_gen_mount cgroup_mount = {
    "/sys/fs/cgroup", "cgroup", "cgroup",
    (const char *const[]){"nosuid", "noexec", "nodev", "relatime", "ro", NULL}};

/* Without its own network namespace a rootless container may not mount a new sysfs: it gets
 * the host's, read-only. */
static const struct spec_gen_mount rootless_sys_mount = {
    "/sys", "none", "/sys",
    (const char *const[]){"rbind", "nosuid", "noexec", "nodev", "ro", NULL}};

static const struct spec_gen_mount *const default_mounts[] = {
    &proc_mount,	 &spec_gen_mount_dev,	 &spec_gen_mount_devpts,
    &spec_gen_mount_shm, &spec_gen_mount_mqueue, &spec_gen_mount_sysfs,
    &cgroup_mount,	 &spec_gen_mount_tmp,	 NULL,
};

static const struct spec_gen_mount *const rootless_mounts[] = {
    &proc_mount,	 &spec_gen_mount_dev,	 &spec_gen_mount_devpts,
    &spec_gen_mount_shm, &spec_gen_mount_mqueue, &rootless_sys_mount,
    &cgroup_mount,	 &spec_gen_mount_tmp,	 NULL,
};

static const char *const default_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
					   NULL};

static const struct spec_gen_rlimit default_rlimits[] = {{"RLIMIT_NOFILE", 1024, 1024}};

static const char *const namespaces[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};

/* The rootless set (a user namespace comes on top): no network namespace, which an
 * unprivileged user cannot plumb. */
static const char *const rootless_namespaces[] = {"pid", "ipc", "uts", "mount", "cgroup", NULL};

static void gen_default_process(yajl_gen g)
{
	spec_gen_process_open(g, true);
	jsongen_kv_strv(g, "args", (const char *const[]){"sh", NULL});
	jsongen_kv_strv(g, "env", default_env);
	jsongen_kv_str(g, "cwd", "/");
	spec_gen_capabilities(g, default_caps);
	spec_gen_rlimits(g, default_rlimits, ARRAY_SIZE(default_rlimits));
	spec_gen_process_close(g);
}

static void gen_default_mounts(yajl_gen g, bool rootless)
{
	jsongen_key(g, "mounts");
	yajl_gen_array_open(g);
	/* Only the caller's ids are mapped: gid=5 (tty) would fail the devpts mount. */
	spec_gen_mounts(g, rootless ? rootless_mounts : default_mounts, rootless);
	yajl_gen_array_close(g);
}

uint64_t spec_default_bounding(void)
{
	return spec_gen_caps_mask(default_caps);
}

/* Deny every device by default (the runtime allows its default nodes itself); bound the
 * number of tasks (a fork bomb) and the memory, so that one container cannot exhaust the
 * host. */
static void gen_default_resources(yajl_gen g)
{
	jsongen_key(g, "resources");
	yajl_gen_map_open(g);
	jsongen_key(g, "devices");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	jsongen_kv_bool(g, "allow", false);
	jsongen_kv_str(g, "access", "rwm");
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	spec_gen_task_limits(g, SPEC_DEFAULT_MEMORY_LIMIT, SPEC_DEFAULT_PIDS_LIMIT);
	yajl_gen_map_close(g);
}

static void gen_default_linux(yajl_gen g, bool rootless, const struct seccomp_config *seccomp)
{
	jsongen_key(g, "linux");
	yajl_gen_map_open(g);
	/* The caller's own ids become root; no cgroup settings, which it may not own. */
	if (rootless)
		spec_gen_id_mappings(g, geteuid(), getegid(), 1);
	else
		gen_default_resources(g);
	spec_gen_namespaces(g, rootless ? rootless_namespaces : namespaces, rootless);
	spec_gen_masked_paths(g);
	if (seccomp) {
		jsongen_key(g, "seccomp");
		seccomp_config_gen(g, seccomp, false);
	}
	yajl_gen_map_close(g);
}

int spec_write_default(const char *path, bool rootless, const struct seccomp_config *seccomp,
		       struct iso_error *err)
{
	yajl_gen g = jsongen_new(true);
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if (!g)
		return iso_error_set(err, ENOMEM, "%s", path);
	yajl_gen_map_open(g);
	spec_gen_oci_version(g);
	gen_default_process(g);
	spec_gen_root(g, "rootfs", true);
	jsongen_kv_str(g, "hostname", "isorun");
	gen_default_mounts(g, rootless);
	gen_default_linux(g, rootless, seccomp);
	yajl_gen_map_close(g);
	r = jsongen_finish(g, &text, &len, err);
	if (r < 0)
		return iso_error_wrap(err, "%s", path);
	return write_file_atomic(path, text, len, 0644, err);
}
