/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/spec/spec_gen.h"
#include "runtime/spec/cap_names.h"
#include "util/cleanup.h"
#include "util/jsongen.h"

#include <string.h>

const struct spec_gen_mount spec_gen_mount_dev = {
    "/dev", "tmpfs", "tmpfs",
    (const char *const[]){"nosuid", "strictatime", "mode=755", "size=65536k", NULL}};

const struct spec_gen_mount spec_gen_mount_devpts = {
    "/dev/pts", "devpts", "devpts",
    (const char *const[]){"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5",
			  NULL}};

const struct spec_gen_mount spec_gen_mount_shm = {
    "/dev/shm", "tmpfs", "shm",
    (const char *const[]){"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}};

const struct spec_gen_mount spec_gen_mount_mqueue = {
    "/dev/mqueue", "mqueue", "mqueue", (const char *const[]){"nosuid", "noexec", "nodev", NULL}};

const struct spec_gen_mount spec_gen_mount_sysfs = {
    "/sys", "sysfs", "sysfs", (const char *const[]){"nosuid", "noexec", "nodev", "ro", NULL}};

const struct spec_gen_mount spec_gen_mount_tmp = {
    "/tmp", "tmpfs", "tmpfs",
    (const char *const[]){"nosuid", "nodev", "mode=1777", "size=65536k", NULL}};

static const char *const masked_paths[] = {"/proc/acpi",
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

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};

void spec_gen_oci_version(yajl_gen g)
{
	jsongen_kv_str(g, "ociVersion", SPEC_GEN_OCI_VERSION);
}

void spec_gen_root(yajl_gen g, const char *path, bool readonly)
{
	jsongen_key(g, "root");
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "path", path);
	jsongen_kv_bool(g, "readonly", readonly);
	yajl_gen_map_close(g);
}

static bool is_id_option(const char *option)
{
	return strncmp(option, "uid=", 4) == 0 || strncmp(option, "gid=", 4) == 0;
}

void spec_gen_mount(yajl_gen g, const struct spec_gen_mount *m, bool drop_ids)
{
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "destination", m->destination);
	jsongen_kv_str(g, "type", m->type);
	jsongen_kv_str(g, "source", m->source);
	if (m->options) {
		jsongen_key(g, "options");
		yajl_gen_array_open(g);
		for (const char *const *o = m->options; *o; o++)
			if (!drop_ids || !is_id_option(*o))
				jsongen_str(g, *o);
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

void spec_gen_mounts(yajl_gen g, const struct spec_gen_mount *const *list, bool drop_ids)
{
	for (; *list; list++)
		spec_gen_mount(g, *list, drop_ids);
}

void spec_gen_process_open(yajl_gen g, bool terminal)
{
	jsongen_key(g, "process");
	yajl_gen_map_open(g);
	jsongen_kv_bool(g, "terminal", terminal);
	jsongen_key(g, "user");
	yajl_gen_map_open(g);
	jsongen_kv_int(g, "uid", 0);
	jsongen_kv_int(g, "gid", 0);
	yajl_gen_map_close(g);
}

void spec_gen_process_close(yajl_gen g)
{
	jsongen_kv_bool(g, "noNewPrivileges", true);
	yajl_gen_map_close(g);
}

void spec_gen_capabilities(yajl_gen g, const char *const *caps)
{
	static const char *const sets[] = {"bounding", "effective", "permitted"};

	jsongen_key(g, "capabilities");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		jsongen_kv_strv(g, sets[i], caps);
	yajl_gen_map_close(g);
}

uint64_t spec_gen_caps_mask(const char *const *caps)
{
	uint64_t mask = 0;

	for (; *caps; caps++) {
		int cap = caps_from_name(*caps);

		if (cap >= 0)
			mask |= UINT64_C(1) << cap;
	}
	return mask;
}

void spec_gen_rlimits(yajl_gen g, const struct spec_gen_rlimit *limits, size_t n)
{
	jsongen_key(g, "rlimits");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		jsongen_kv_str(g, "type", limits[i].type);
		jsongen_kv_int(g, "hard", (long long)limits[i].hard);
		jsongen_kv_int(g, "soft", (long long)limits[i].soft);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_namespace(yajl_gen g, const char *type)
{
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "type", type);
	yajl_gen_map_close(g);
}

void spec_gen_namespaces(yajl_gen g, const char *const *types, bool user)
{
	jsongen_key(g, "namespaces");
	yajl_gen_array_open(g);
	for (; *types; types++)
		gen_namespace(g, *types);
	if (user)
		gen_namespace(g, "user");
	yajl_gen_array_close(g);
}

static void gen_id_mapping(yajl_gen g, const char *key, uint32_t host_start, uint32_t size)
{
	jsongen_key(g, key);
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	jsongen_kv_int(g, "containerID", 0);
	jsongen_kv_int(g, "hostID", host_start);
	jsongen_kv_int(g, "size", size);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
}

void spec_gen_id_mappings(yajl_gen g, uint32_t uid_start, uint32_t gid_start, uint32_t size)
{
	gen_id_mapping(g, "uidMappings", uid_start, size);
	gen_id_mapping(g, "gidMappings", gid_start, size);
}

void spec_gen_masked_paths(yajl_gen g)
{
	jsongen_kv_strv(g, "maskedPaths", masked_paths);
	jsongen_kv_strv(g, "readonlyPaths", readonly_paths);
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
