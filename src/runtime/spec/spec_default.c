/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The config.json that `isorun spec` writes: what `runc spec` writes, for OCI 1.2.0 (an
 * interactive "sh" on a terminal, as scripts that follow `spec` with `run --console-socket`
 * expect), hardened for hostile tenants: the default seccomp profile, a pids and a memory
 * limit, and a size-bounded tmpfs /tmp. */
#include "config.h"
#include "runtime/spec/cap_names.h"
#include "runtime/spec/seccomp_config.h"
#include "runtime/spec/spec.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/jsongen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct default_mount {
	const char *destination;
	const char *type;
	const char *source;
	const char *const options[8];
};

static const struct default_mount default_mounts[] = {
    {"/proc", "proc", "proc", {NULL}},
    {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k", NULL}},
    {"/dev/pts",
     "devpts",
     "devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL}},
    {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}},
    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev", NULL}},
    {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro", NULL}},
    {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro", NULL}},
    /* A tmpfs /tmp of bounded size: the root is read-only, and a writable /tmp on the host's
     * disk would let a container fill it. */
    {"/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "mode=1777", "size=65536k", NULL}},
};

/* Without its own network namespace a rootless container may not mount a new sysfs: it gets
 * the host's, read-only. */
static const struct default_mount rootless_sys = {
    "/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro", NULL}};

static const char *const default_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
					   NULL};

const char *const spec_default_masked_paths[] = {"/proc/acpi",
						 "/proc/asound",
						 "/proc/kcore",
						 "/proc/keys",
						 "/proc/latency_stats",
						 "/proc/timer_list",
						 "/proc/timer_stats",
						 "/proc/sched_debug",
						 "/sys/firmware",
						 "/proc/scsi",
						 "/sys/devices/virtual/powercap",
						 NULL};

const char *const spec_default_readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};

static const char *const namespaces[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};

/* The rootless set: no network namespace (an unprivileged user cannot plumb one), a user one. */
static const char *const rootless_namespaces[] = {"pid",    "ipc",  "uts", "mount",
						  "cgroup", "user", NULL};

static void gen_process(yajl_gen g)
{
	jsongen_key(g, "process");
	yajl_gen_map_open(g);
	jsongen_kv_bool(g, "terminal", true);
	jsongen_key(g, "user");
	yajl_gen_map_open(g);
	jsongen_kv_int(g, "uid", 0);
	jsongen_kv_int(g, "gid", 0);
	yajl_gen_map_close(g);
	jsongen_kv_strv(g, "args", (const char *const[]){"sh", NULL});
	jsongen_kv_strv(g, "env", default_env);
	jsongen_kv_str(g, "cwd", "/");
	jsongen_key(g, "capabilities");
	yajl_gen_map_open(g);
	jsongen_kv_strv(g, "bounding", default_caps);
	jsongen_kv_strv(g, "effective", default_caps);
	jsongen_kv_strv(g, "permitted", default_caps);
	yajl_gen_map_close(g);
	jsongen_key(g, "rlimits");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "type", "RLIMIT_NOFILE");
	jsongen_kv_int(g, "hard", 1024);
	jsongen_kv_int(g, "soft", 1024);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	jsongen_kv_bool(g, "noNewPrivileges", true);
	yajl_gen_map_close(g);
}

static void gen_mount(yajl_gen g, const struct default_mount *m, bool rootless)
{
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "destination", m->destination);
	jsongen_kv_str(g, "type", m->type);
	jsongen_kv_str(g, "source", m->source);
	if (!m->options[0]) {
		yajl_gen_map_close(g);
		return;
	}
	jsongen_key(g, "options");
	yajl_gen_array_open(g);
	for (const char *const *o = m->options; *o; o++) {
		/* Only the caller's ids are mapped: gid=5 (tty) would fail the devpts mount. */
		if (rootless && (strncmp(*o, "gid=", 4) == 0 || strncmp(*o, "uid=", 4) == 0))
			continue;
		jsongen_str(g, *o);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void gen_mounts(yajl_gen g, bool rootless)
{
	jsongen_key(g, "mounts");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++) {
		const struct default_mount *m = &default_mounts[i];

		if (rootless && strcmp(m->destination, "/sys") == 0)
			m = &rootless_sys;
		gen_mount(g, m, rootless);
	}
	yajl_gen_array_close(g);
}

static void gen_id_mapping(yajl_gen g, const char *key, unsigned host_id)
{
	jsongen_key(g, key);
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	jsongen_kv_int(g, "containerID", 0);
	jsongen_kv_int(g, "hostID", host_id);
	jsongen_kv_int(g, "size", 1);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
}

static void gen_namespaces(yajl_gen g, const char *const *types)
{
	jsongen_key(g, "namespaces");
	yajl_gen_array_open(g);
	for (; *types; types++) {
		yajl_gen_map_open(g);
		jsongen_kv_str(g, "type", *types);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

uint64_t spec_default_bounding(void)
{
	uint64_t mask = 0;

	for (const char *const *c = default_caps; *c; c++)
		mask |= UINT64_C(1) << caps_from_name(*c);
	return mask;
}

void spec_gen_task_limits(yajl_gen g, int64_t memory, int64_t pids)
{
	jsongen_key(g, "memory");
	yajl_gen_map_open(g);
	jsongen_kv_int(g, "limit", memory);
	jsongen_kv_int(g, "swap", memory);
	yajl_gen_map_close(g);
	jsongen_key(g, "pids");
	yajl_gen_map_open(g);
	jsongen_kv_int(g, "limit", pids);
	yajl_gen_map_close(g);
}

/* Deny every device by default (the runtime allows its default nodes itself); bound the
 * number of tasks (a fork bomb) and the memory, so that one container cannot exhaust the
 * host. */
static void gen_resources(yajl_gen g)
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

static void gen_linux(yajl_gen g, bool rootless, const struct seccomp_config *seccomp)
{
	jsongen_key(g, "linux");
	yajl_gen_map_open(g);
	if (rootless) {
		/* The caller's own ids become root; no cgroup settings, which it may not own. */
		gen_id_mapping(g, "uidMappings", geteuid());
		gen_id_mapping(g, "gidMappings", getegid());
	} else {
		gen_resources(g);
	}
	gen_namespaces(g, rootless ? rootless_namespaces : namespaces);
	jsongen_kv_strv(g, "maskedPaths", spec_default_masked_paths);
	jsongen_kv_strv(g, "readonlyPaths", spec_default_readonly_paths);
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
	jsongen_kv_str(g, "ociVersion", "1.2.0");
	gen_process(g);
	jsongen_key(g, "root");
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "path", "rootfs");
	jsongen_kv_bool(g, "readonly", true);
	yajl_gen_map_close(g);
	jsongen_kv_str(g, "hostname", "isorun");
	gen_mounts(g, rootless);
	gen_linux(g, rootless, seccomp);
	yajl_gen_map_close(g);
	r = jsongen_finish(g, &text, &len, err);
	if (r < 0)
		return iso_error_wrap(err, "%s", path);
	return write_file_atomic(path, text, len, 0644, err);
}
