/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/spec/spec.h"
#include "runtime/spec/cap_names.h"
#include "util/json_walk.h"
#include "runtime/spec/mount_options.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* Callbacks share one signature; not all of them look at every argument. */
#define _unused_ __attribute__((unused))

#define SPEC_NAME "config.json"

/* JSON_STRING_MAP writes struct json_string_pair; these must share its layout. */
_Static_assert(sizeof(struct spec_annotation) == sizeof(struct json_string_pair) &&
		   offsetof(struct spec_annotation, value) ==
		       offsetof(struct json_string_pair, value),
	       "struct spec_annotation must be laid out as struct json_string_pair");
_Static_assert(sizeof(struct spec_sysctl) == sizeof(struct json_string_pair) &&
		   offsetof(struct spec_sysctl, value) == offsetof(struct json_string_pair, value),
	       "struct spec_sysctl must be laid out as struct json_string_pair");
/* JSON_UINT32_ARRAY fills additionalGids. */
_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t must be 32 bits");

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static const struct {
	const char *name;
	int type;
} namespace_names[] = {
    {"pid", CLONE_NEWPID},	 {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
    {"ipc", CLONE_NEWIPC},	 {"uts", CLONE_NEWUTS},	    {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

static bool is_absolute(const char *path)
{
	return path && path[0] == '/';
}

/* ---- custom field parsers: the walker's path is at the field ---- */

static int parse_cap_set(struct json_walk *w, yajl_val v, void *dst)
{
	uint64_t mask = 0;

	if (!YAJL_IS_ARRAY(v))
		return json_walk_fail(w, "expected an array");
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val name = v->u.array.values[i];
		size_t mark = json_walk_push_index(w, i);
		int cap;

		if (!YAJL_IS_STRING(name))
			return json_walk_fail(w, "expected a string");
		cap = caps_from_name(name->u.string);
		if (cap < 0)
			return json_walk_fail(w, "unknown capability \"%s\"", name->u.string);
		/* The sets are 64-bit masks; no kernel has come near that many capabilities. */
		if (cap >= 64)
			return json_walk_fail(w, "capability \"%s\" is not supported",
					      name->u.string);
		mask |= UINT64_C(1) << cap;
		json_walk_pop(w, mark);
	}
	*(uint64_t *)dst = mask;
	return 0;
}

static int parse_namespace_type(struct json_walk *w, yajl_val v, void *dst)
{
	if (!YAJL_IS_STRING(v))
		return json_walk_fail(w, "expected a string");
	for (size_t i = 0; i < ARRAY_SIZE(namespace_names); i++) {
		if (strcmp(v->u.string, namespace_names[i].name) == 0) {
			*(int *)dst = namespace_names[i].type;
			return 0;
		}
	}
	return json_walk_fail(w, "unknown namespace type \"%s\"", v->u.string);
}

static int parse_device_type(struct json_walk *w, yajl_val v, void *dst)
{
	const char *s = YAJL_IS_STRING(v) ? v->u.string : NULL;

	if (!s)
		return json_walk_fail(w, "expected a string");
	if (s[0] == '\0' || s[1] != '\0' || !strchr("cbup", s[0]))
		return json_walk_fail(w, "must be one of \"c\", \"b\", \"u\", \"p\"");
	*(char *)dst = s[0];
	return 0;
}

/* rootfsPropagation keeps MS_REC for the "r" forms: "/" is then changed recursively. */
static int parse_propagation(struct json_walk *w, yajl_val v, void *dst)
{
	const char *s = YAJL_IS_STRING(v) ? v->u.string : NULL;

	if (!s)
		return json_walk_fail(w, "expected a string");
	if (s[0] == '\0') {
		/* runc treats "" as "not set" */
		*(unsigned long *)dst = 0;
		return 0;
	}
	if (mount_propagation_from_name(s, dst) < 0)
		return json_walk_fail(w, "unknown propagation \"%s\"", s);
	return 0;
}

/* linux.resources with the cgroup code's own tables (cgroup_resources.h), which `update
 * --resources` reads too: parsed here, with the rest, so that a bad limit is refused before
 * anything exists on the host, and the cgroup code only applies it. */
static int parse_resources(struct json_walk *w, yajl_val v, void *dst)
{
	return cgroup_resources_parse(w, v, dst);
}

/* ---- checks run after each object: the walker's path is at the object ---- */

static int check_rlimit(struct json_walk *w, _unused_ yajl_val obj, void *elems, size_t index)
{
	struct spec_rlimit *rlimits = elems, *rl = &rlimits[index];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (strcmp(rl->type, rlimit_names[i].name) == 0)
			break;
	if (i == ARRAY_SIZE(rlimit_names))
		return json_walk_fail_at(w, "type", "unknown rlimit \"%s\"", rl->type);
	rl->resource = rlimit_names[i].resource;
	for (i = 0; i < index; i++)
		if (rlimits[i].resource == rl->resource)
			return json_walk_fail_at(w, "type", "duplicate rlimit \"%s\"", rl->type);
	if (rl->soft > rl->hard)
		return json_walk_fail(w,
				      "soft limit %" PRIu64 " is greater than hard limit %" PRIu64,
				      rl->soft, rl->hard);
	return 0;
}

static const char *namespace_name(int type)
{
	for (size_t i = 0; i < ARRAY_SIZE(namespace_names); i++)
		if (namespace_names[i].type == type)
			return namespace_names[i].name;
	return "?";
}

static int check_namespace(struct json_walk *w, _unused_ yajl_val obj, void *elems, size_t index)
{
	struct spec_namespace *namespaces = elems, *ns = &namespaces[index];

	for (size_t i = 0; i < index; i++)
		if (namespaces[i].type == ns->type)
			return json_walk_fail_at(w, "type", "duplicate namespace type \"%s\"",
						 namespace_name(ns->type));
	if (ns->path && !is_absolute(ns->path))
		return json_walk_fail_at(w, "path", "must be an absolute path");
	return 0;
}

/* The most lines a uid_map or gid_map takes (UID_GID_MAP_MAX_EXTENTS). */
#define ID_MAP_MAX_RANGES 340

static bool ranges_overlap(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b)
{
	return (uint64_t)a < (uint64_t)b + size_b && (uint64_t)b < (uint64_t)a + size_a;
}

static int check_id_mapping(struct json_walk *w, _unused_ yajl_val obj, void *elems, size_t index)
{
	const struct spec_id_mapping *maps = elems, *m = &maps[index];

	/* The kernel refuses a range that wraps; say which one. */
	if ((uint64_t)m->container_id + m->size - 1 > UINT32_MAX)
		return json_walk_fail_at(w, "size", "containerID + size exceeds 2^32");
	if ((uint64_t)m->host_id + m->size - 1 > UINT32_MAX)
		return json_walk_fail_at(w, "size", "hostID + size exceeds 2^32");
	if (index >= ID_MAP_MAX_RANGES)
		return json_walk_fail(w, "more than %d ranges (the kernel's limit)",
				      ID_MAP_MAX_RANGES);
	/* So would it a map whose ranges overlap on either side (an id mapped twice). */
	for (size_t i = 0; i < index; i++) {
		if (ranges_overlap(m->container_id, maps[i].container_id, m->size, maps[i].size))
			return json_walk_fail_at(w, "containerID",
						 "range overlaps that of element %zu", i);
		if (ranges_overlap(m->host_id, maps[i].host_id, m->size, maps[i].size))
			return json_walk_fail_at(w, "hostID", "range overlaps that of element %zu",
						 i);
	}
	return 0;
}

/* mounts[].uidMappings and gidMappings go together (runtime spec 1.2), on a bind only; either
 * makes the mount idmapped even without "idmap", as runc reads it. */
static int check_mount_idmap(struct json_walk *w, yajl_val obj, struct spec_mount *m)
{
	bool uids = json_object_get(obj, "uidMappings") != NULL;
	bool gids = json_object_get(obj, "gidMappings") != NULL;

	if (uids && m->n_uid_mappings == 0)
		return json_walk_fail_at(w, "uidMappings", "must not be empty");
	if (gids && m->n_gid_mappings == 0)
		return json_walk_fail_at(w, "gidMappings", "must not be empty");
	if (uids != gids)
		return json_walk_fail_at(w, uids ? "gidMappings" : "uidMappings",
					 "required with %s", uids ? "uidMappings" : "gidMappings");
	if (!uids)
		return 0;
	if (!m->bind)
		return json_walk_fail_at(w, "uidMappings", "only a bind mount can be idmapped");
	m->idmap = true;
	return 0;
}

static int check_mount(struct json_walk *w, yajl_val obj, void *elems, size_t index)
{
	struct spec_mount *m = (struct spec_mount *)elems + index;
	char prefix[JSON_PATH_MAX + 64];
	int r;

	if (!is_absolute(m->destination))
		return json_walk_fail_at(w, "destination", "must be an absolute path");
	snprintf(prefix, sizeof(prefix), "%s: %s", w->name, json_walk_path(w));
	r = mount_options_parse(m, prefix, w->err);
	return r < 0 ? r : check_mount_idmap(w, obj, m);
}

static int check_hook(struct json_walk *w, _unused_ yajl_val obj, void *elems, size_t index)
{
	const struct spec_hook *h = (const struct spec_hook *)elems + index;

	if (!is_absolute(h->path))
		return json_walk_fail_at(w, "path", "must be an absolute path");
	return 0;
}

static mode_t device_file_type(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR;
	}
}

static int check_device(struct json_walk *w, yajl_val obj, void *elems, size_t index)
{
	struct spec_device *d = (struct spec_device *)elems + index;
	mode_t ftype = d->file_mode & S_IFMT;

	if (!is_absolute(d->path))
		return json_walk_fail_at(w, "path", "must be an absolute path");
	/* Zero is a valid number, so absence is read from the document. */
	if (d->type != 'p' && !json_object_get(obj, "major"))
		return json_walk_fail_at(w, "major", "required for a \"%c\" device", d->type);
	if (d->type != 'p' && !json_object_get(obj, "minor"))
		return json_walk_fail_at(w, "minor", "required for a \"%c\" device", d->type);
	/* podman writes the whole st_mode of the host node (020666): its file type bits are
	 * accepted when they say what "type" says, and dropped. */
	if (ftype && ftype != device_file_type(d->type))
		return json_walk_fail_at(w, "fileMode", "file type bits %#o contradict type \"%c\"",
					 (unsigned)ftype, d->type);
	d->file_mode &= 07777;
	return 0;
}

/* ---- one table per JSON object ---- */

static const struct json_field user_fields[] = {
    JSON_FIELD("uid", JSON_UINT32, struct spec_user, uid, .flags = JSON_REQUIRED),
    JSON_FIELD("gid", JSON_UINT32, struct spec_user, gid, .flags = JSON_REQUIRED),
    JSON_FIELD("umask", JSON_UINT32, struct spec_user, umask,
	       .flags = JSON_HAS | JSON_RANGE | JSON_OCTAL,
	       .has_offset = offsetof(struct spec_user, has_umask), .min = 0, .max = 0777),
    JSON_FIELD("additionalGids", JSON_UINT32_ARRAY, struct spec_user, additional_gids,
	       .count_offset = offsetof(struct spec_user, n_additional_gids)),
    {0},
};

static const struct json_field console_fields[] = {
    JSON_FIELD("height", JSON_UINT32, struct spec_process, console_height, .flags = JSON_REQUIRED),
    JSON_FIELD("width", JSON_UINT32, struct spec_process, console_width, .flags = JSON_REQUIRED),
    {0},
};

#define CAP_SET(json_name, member)                                                                 \
	JSON_FIELD(json_name, JSON_CUSTOM, struct spec_capabilities, member, .parse = parse_cap_set)

static const struct json_field capabilities_fields[] = {
    CAP_SET("bounding", bounding),	 CAP_SET("effective", effective),
    CAP_SET("inheritable", inheritable), CAP_SET("permitted", permitted),
    CAP_SET("ambient", ambient),	 {0},
};

static const struct json_field rlimit_fields[] = {
    JSON_FIELD("type", JSON_STRING, struct spec_rlimit, type, .flags = JSON_REQUIRED),
    JSON_FIELD("soft", JSON_UINT64, struct spec_rlimit, soft, .flags = JSON_REQUIRED),
    JSON_FIELD("hard", JSON_UINT64, struct spec_rlimit, hard, .flags = JSON_REQUIRED),
    {0},
};

static const struct json_field process_fields[] = {
    JSON_FIELD("terminal", JSON_BOOL, struct spec_process, terminal),
    {.name = "consoleSize",
     .kind = JSON_OBJECT,
     .fields = console_fields,
     .flags = JSON_HAS,
     .has_offset = offsetof(struct spec_process, has_console_size)},
    JSON_FIELD("user", JSON_OBJECT, struct spec_process, user, .fields = user_fields),
    JSON_FIELD("args", JSON_STRING_ARRAY, struct spec_process, args),
    JSON_FIELD("env", JSON_STRING_ARRAY, struct spec_process, env),
    JSON_FIELD("cwd", JSON_STRING, struct spec_process, cwd),
    JSON_FIELD("capabilities", JSON_OBJECT, struct spec_process, capabilities,
	       .fields = capabilities_fields, .flags = JSON_HAS,
	       .has_offset = offsetof(struct spec_process, has_capabilities)),
    JSON_FIELD("rlimits", JSON_OBJECT_ARRAY, struct spec_process, rlimits,
	       .count_offset = offsetof(struct spec_process, n_rlimits),
	       .elem_size = sizeof(struct spec_rlimit), .fields = rlimit_fields,
	       .check = check_rlimit),
    JSON_FIELD("noNewPrivileges", JSON_BOOL, struct spec_process, no_new_privileges),
    JSON_FIELD("oomScoreAdj", JSON_INT32, struct spec_process, oom_score_adj,
	       .flags = JSON_HAS | JSON_RANGE,
	       .has_offset = offsetof(struct spec_process, has_oom_score_adj), .min = -1000,
	       .max = 1000),
    JSON_FIELD("apparmorProfile", JSON_STRING, struct spec_process, apparmor_profile),
    JSON_FIELD("selinuxLabel", JSON_STRING, struct spec_process, selinux_label),
    {0},
};

static const struct json_field root_fields[] = {
    JSON_FIELD("path", JSON_STRING, struct spec, root_path, .flags = JSON_REQUIRED),
    JSON_FIELD("readonly", JSON_BOOL, struct spec, root_readonly),
    {0},
};

static const struct json_field id_mapping_fields[] = {
    JSON_FIELD("containerID", JSON_UINT32, struct spec_id_mapping, container_id,
	       .flags = JSON_REQUIRED),
    JSON_FIELD("hostID", JSON_UINT32, struct spec_id_mapping, host_id, .flags = JSON_REQUIRED),
    JSON_FIELD("size", JSON_UINT32, struct spec_id_mapping, size,
	       .flags = JSON_REQUIRED | JSON_RANGE, .min = 1, .max = UINT32_MAX),
    {0},
};

#define ID_MAPPINGS(json_name, type, member, count)                                                \
	JSON_FIELD(json_name, JSON_OBJECT_ARRAY, type, member,                                     \
		   .count_offset = offsetof(type, count),                                          \
		   .elem_size = sizeof(struct spec_id_mapping), .fields = id_mapping_fields,       \
		   .check = check_id_mapping)

static const struct json_field mount_fields[] = {
    JSON_FIELD("destination", JSON_STRING, struct spec_mount, destination, .flags = JSON_REQUIRED),
    JSON_FIELD("source", JSON_STRING, struct spec_mount, source),
    JSON_FIELD("type", JSON_STRING, struct spec_mount, type),
    JSON_FIELD("options", JSON_STRING_ARRAY, struct spec_mount, options),
    ID_MAPPINGS("uidMappings", struct spec_mount, uid_mappings, n_uid_mappings),
    ID_MAPPINGS("gidMappings", struct spec_mount, gid_mappings, n_gid_mappings),
    {0},
};

static const struct json_field hook_fields[] = {
    JSON_FIELD("path", JSON_STRING, struct spec_hook, path, .flags = JSON_REQUIRED),
    JSON_FIELD("args", JSON_STRING_ARRAY, struct spec_hook, args),
    JSON_FIELD("env", JSON_STRING_ARRAY, struct spec_hook, env),
    JSON_FIELD("timeout", JSON_INT32, struct spec_hook, timeout, .flags = JSON_RANGE, .min = 1,
	       .max = INT32_MAX),
    {0},
};

#define HOOK_LIST(json_name, kind)                                                                 \
	JSON_FIELD(json_name, JSON_OBJECT_ARRAY, struct spec, hooks[kind].hooks,                   \
		   .count_offset = offsetof(struct spec, hooks[kind].n_hooks),                     \
		   .elem_size = sizeof(struct spec_hook), .fields = hook_fields,                   \
		   .check = check_hook)

static const struct json_field hooks_fields[] = {
    HOOK_LIST("prestart", HOOK_PRESTART),
    HOOK_LIST("createRuntime", HOOK_CREATE_RUNTIME),
    HOOK_LIST("createContainer", HOOK_CREATE_CONTAINER),
    HOOK_LIST("startContainer", HOOK_START_CONTAINER),
    HOOK_LIST("poststart", HOOK_POSTSTART),
    HOOK_LIST("poststop", HOOK_POSTSTOP),
    {0},
};

static const struct json_field namespace_fields[] = {
    JSON_FIELD("type", JSON_CUSTOM, struct spec_namespace, type, .flags = JSON_REQUIRED,
	       .parse = parse_namespace_type),
    JSON_FIELD("path", JSON_STRING, struct spec_namespace, path),
    {0},
};

/* Linux device numbers: 12 bits of major, 20 of minor. */
static const struct json_field device_fields[] = {
    JSON_FIELD("path", JSON_STRING, struct spec_device, path, .flags = JSON_REQUIRED),
    JSON_FIELD("type", JSON_CUSTOM, struct spec_device, type, .flags = JSON_REQUIRED,
	       .parse = parse_device_type),
    JSON_FIELD("major", JSON_INT64, struct spec_device, major, .flags = JSON_RANGE, .min = 0,
	       .max = 4095),
    JSON_FIELD("minor", JSON_INT64, struct spec_device, minor, .flags = JSON_RANGE, .min = 0,
	       .max = 1048575),
    JSON_FIELD("fileMode", JSON_UINT32, struct spec_device, file_mode,
	       .flags = JSON_HAS | JSON_RANGE | JSON_OCTAL,
	       .has_offset = offsetof(struct spec_device, has_file_mode), .min = 0,
	       .max = S_IFMT | 07777),
    JSON_FIELD("uid", JSON_UINT32, struct spec_device, uid, .flags = JSON_HAS,
	       .has_offset = offsetof(struct spec_device, has_uid)),
    JSON_FIELD("gid", JSON_UINT32, struct spec_device, gid, .flags = JSON_HAS,
	       .has_offset = offsetof(struct spec_device, has_gid)),
    {0},
};

static const struct json_field time_offset_fields[] = {
    JSON_FIELD("secs", JSON_INT64, struct spec_time_offset, secs),
    JSON_FIELD("nanosecs", JSON_UINT32, struct spec_time_offset, nanosecs, .flags = JSON_RANGE,
	       .min = 0, .max = 999999999),
    {0},
};

/* The kernel knows these two clocks only; a name it does not know would fail late, in the
 * container's init, after the mounts were made. */
static int check_time_offsets(struct json_walk *w, yajl_val obj, _unused_ void *elems,
			      _unused_ size_t index)
{
	for (size_t i = 0; i < YAJL_GET_OBJECT(obj)->len; i++) {
		const char *clock = YAJL_GET_OBJECT(obj)->keys[i];

		if (strcmp(clock, "monotonic") && strcmp(clock, "boottime"))
			return json_walk_fail_at(w, clock, "unknown clock (monotonic or boottime)");
	}
	return 0;
}

#define TIME_OFFSET(json_name, member)                                                             \
	JSON_FIELD(json_name, JSON_OBJECT, struct spec_linux, member, .flags = JSON_HAS,           \
		   .has_offset = offsetof(struct spec_linux, member.has),                          \
		   .fields = time_offset_fields)

static const struct json_field time_offsets_fields[] = {
    TIME_OFFSET("monotonic", time_monotonic),
    TIME_OFFSET("boottime", time_boottime),
    {0},
};

static const struct json_field linux_fields[] = {
    JSON_FIELD("namespaces", JSON_OBJECT_ARRAY, struct spec_linux, namespaces,
	       .count_offset = offsetof(struct spec_linux, n_namespaces),
	       .elem_size = sizeof(struct spec_namespace), .fields = namespace_fields,
	       .check = check_namespace),
    ID_MAPPINGS("uidMappings", struct spec_linux, uid_mappings, n_uid_mappings),
    ID_MAPPINGS("gidMappings", struct spec_linux, gid_mappings, n_gid_mappings),
    JSON_FIELD("devices", JSON_OBJECT_ARRAY, struct spec_linux, devices,
	       .count_offset = offsetof(struct spec_linux, n_devices),
	       .elem_size = sizeof(struct spec_device), .fields = device_fields,
	       .check = check_device),
    JSON_FIELD("sysctl", JSON_STRING_MAP, struct spec_linux, sysctl,
	       .count_offset = offsetof(struct spec_linux, n_sysctl)),
    JSON_FIELD("maskedPaths", JSON_STRING_ARRAY, struct spec_linux, masked_paths),
    JSON_FIELD("readonlyPaths", JSON_STRING_ARRAY, struct spec_linux, readonly_paths),
    JSON_FIELD("rootfsPropagation", JSON_CUSTOM, struct spec_linux, rootfs_propagation,
	       .parse = parse_propagation),
    JSON_FIELD("cgroupsPath", JSON_STRING, struct spec_linux, cgroups_path),
    JSON_FIELD("mountLabel", JSON_STRING, struct spec_linux, mount_label),
    JSON_FIELD("resources", JSON_CUSTOM, struct spec_linux, resources, .parse = parse_resources),
    JSON_FIELD("seccomp", JSON_RAW_OBJECT, struct spec_linux, seccomp),
    {.name = "timeOffsets",
     .kind = JSON_OBJECT,
     .fields = time_offsets_fields,
     .check = check_time_offsets},
    {0},
};

static const struct json_field spec_fields[] = {
    JSON_FIELD("ociVersion", JSON_STRING, struct spec, oci_version, .flags = JSON_REQUIRED),
    {.name = "root", .kind = JSON_OBJECT, .fields = root_fields},
    JSON_FIELD("process", JSON_OBJECT, struct spec, process, .fields = process_fields,
	       .flags = JSON_HAS, .has_offset = offsetof(struct spec, has_process)),
    JSON_FIELD("hostname", JSON_STRING, struct spec, hostname),
    JSON_FIELD("domainname", JSON_STRING, struct spec, domainname),
    JSON_FIELD("mounts", JSON_OBJECT_ARRAY, struct spec, mounts,
	       .count_offset = offsetof(struct spec, n_mounts),
	       .elem_size = sizeof(struct spec_mount), .fields = mount_fields,
	       .check = check_mount),
    {.name = "hooks", .kind = JSON_OBJECT, .fields = hooks_fields},
    JSON_FIELD("annotations", JSON_STRING_MAP, struct spec, annotations,
	       .count_offset = offsetof(struct spec, n_annotations)),
    JSON_FIELD("linux", JSON_OBJECT, struct spec, linux_, .fields = linux_fields, .flags = JSON_HAS,
	       .has_offset = offsetof(struct spec, has_linux)),
    {0},
};

/* ---- public functions ---- */

int spec_parse(const char *text, size_t len, const char *name, struct spec **ret_spec,
	       struct iso_error *err)
{
	return spec_parse_masked(text, len, name, NULL, ret_spec, err);
}

int spec_parse_masked(const char *text, size_t len, const char *name, const struct json_span *mask,
		      struct spec **ret_spec, struct iso_error *err)
{
	_cleanup_spec_ struct spec *spec = NULL;
	struct json_walk w;
	yajl_val tree;
	int r;

	r = json_parse_tree_masked(text, len, name, mask, &tree, err);
	if (r < 0)
		return r;
	spec = calloc(1, sizeof(*spec));
	if (!spec) {
		yajl_tree_free(tree);
		return iso_error_set(err, ENOMEM, "%s", name);
	}
	spec->tree = tree;
	json_walk_init(&w, name, err);
	if (!YAJL_IS_OBJECT(tree))
		return json_walk_fail(&w, "expected a JSON object at the top level");
	r = json_walk_object(&w, tree, spec_fields, spec);
	if (r < 0)
		return r;
	*ret_spec = steal_ptr(spec);
	return 0;
}

int spec_parse_process(const char *text, size_t len, const char *name, struct spec_process *ret,
		       struct iso_error *err)
{
	struct spec_process p = {0};
	struct json_walk w;
	yajl_val tree;
	int r;

	r = json_parse_tree(text, len, name, &tree, err);
	if (r < 0)
		return r;
	json_walk_init(&w, name, err);
	if (!YAJL_IS_OBJECT(tree))
		r = json_walk_fail(&w, "expected a JSON object at the top level");
	else
		r = json_walk_object(&w, tree, process_fields, &p);
	yajl_tree_free(tree);
	if (r < 0) {
		spec_process_clear(&p);
		return r;
	}
	*ret = p;
	return 0;
}

static int validate_user_namespace(const struct spec *spec, struct iso_error *err)
{
	const struct spec_namespace *user = spec_find_namespace(spec, CLONE_NEWUSER);
	const struct spec_linux *l = &spec->linux_;

	/* Joining an existing user namespace (a path) needs no mappings: they are already set. */
	if (user && !user->path) {
		if (l->n_uid_mappings == 0)
			return iso_error_invalid(err,
						 SPEC_NAME ": linux.uidMappings: required when "
							   "creating a user namespace");
		if (l->n_gid_mappings == 0)
			return iso_error_invalid(err,
						 SPEC_NAME ": linux.gidMappings: required when "
							   "creating a user namespace");
	}
	if (!user && (l->n_uid_mappings || l->n_gid_mappings))
		return iso_error_invalid(err,
					 SPEC_NAME ": %s: needs a user namespace in "
						   "linux.namespaces",
					 l->n_uid_mappings ? "linux.uidMappings"
							   : "linux.gidMappings");
	return 0;
}

/* Where an idmapped mount's user namespace comes from (idmap_mount.h): its own mappings, or
 * the container's new user namespace.  The runtime makes the mount for a container with a new
 * user namespace (where the init may not) or the init does (host root); in a namespace joined
 * by path the init may not, and nothing here makes it for the init. */
static int validate_idmapped_mounts(const struct spec *spec, struct iso_error *err)
{
	const struct spec_namespace *user = spec_find_namespace(spec, CLONE_NEWUSER);

	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];

		if (!m->idmap)
			continue;
		if (user && user->path)
			return iso_error_invalid(err,
						 SPEC_NAME
						 ": mounts[%zu]: an idmapped mount is not "
						 "supported in a user namespace joined "
						 "by path",
						 i);
		if (!user && m->n_uid_mappings == 0)
			return iso_error_invalid(err,
						 SPEC_NAME ": mounts[%zu].options: \"%s\" without "
							   "uidMappings needs a user namespace "
							   "in linux.namespaces",
						 i, m->idmap_recursive ? "ridmap" : "idmap");
	}
	return 0;
}

int spec_validate_for_start(const struct spec *spec, struct iso_error *err)
{
	const struct spec_process *p = &spec->process;

	if (!spec->has_process)
		return iso_error_invalid(err, SPEC_NAME ": process: required");
	if (!p->args || !p->args[0])
		return iso_error_invalid(err, SPEC_NAME
					 ": process.args: must be a non-empty array of strings");
	if (!p->cwd)
		return iso_error_invalid(err, SPEC_NAME ": process.cwd: required");
	if (!is_absolute(p->cwd))
		return iso_error_invalid(err, SPEC_NAME ": process.cwd: must be an absolute path");
	/* uid and gid are required inside user by the parser; the struct cannot say whether the
	 * object itself was there, the document can. */
	if (!json_object_get(json_object_get(spec->tree, "process"), "user"))
		return iso_error_invalid(err, SPEC_NAME ": process.user: required");
	if (!spec->root_path)
		return iso_error_invalid(err, SPEC_NAME ": root.path: required");
	if (!spec->root_path[0])
		return iso_error_invalid(err, SPEC_NAME ": root.path: must not be empty");
	if (validate_user_namespace(spec, err) < 0)
		return iso_error_code(err);
	return validate_idmapped_mounts(spec, err);
}

const struct spec_namespace *spec_find_namespace(const struct spec *spec, int type)
{
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
		if (spec->linux_.namespaces[i].type == type)
			return &spec->linux_.namespaces[i];
	return NULL;
}

const char *spec_annotation(const struct spec *spec, const char *key)
{
	/* The last of duplicate keys wins, as in Go's encoding/json. */
	for (size_t i = spec->n_annotations; i-- > 0;)
		if (spec->annotations[i].key && strcmp(spec->annotations[i].key, key) == 0)
			return spec->annotations[i].value;
	return NULL;
}

/* ---- freeing ---- */

void spec_process_clear(struct spec_process *p)
{
	free(p->user.additional_gids);
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	for (size_t i = 0; i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	*p = (struct spec_process){0};
}

static void free_mounts(struct spec_mount *mounts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(mounts[i].destination);
		free(mounts[i].source);
		free(mounts[i].type);
		strv_free(mounts[i].options);
		free(mounts[i].data);
		free(mounts[i].uid_mappings);
		free(mounts[i].gid_mappings);
	}
	free(mounts);
}

static void free_hooks(struct spec_hook_list *list)
{
	for (size_t i = 0; i < list->n_hooks; i++) {
		free(list->hooks[i].path);
		strv_free(list->hooks[i].args);
		strv_free(list->hooks[i].env);
	}
	free(list->hooks);
}

static void free_linux(struct spec_linux *l)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	for (size_t i = 0; i < l->n_sysctl; i++) {
		free(l->sysctl[i].key);
		free(l->sysctl[i].value);
	}
	free(l->sysctl);
	strv_free(l->masked_paths);
	strv_free(l->readonly_paths);
	free(l->cgroups_path);
	free(l->mount_label);
	cgroup_resources_clear(&l->resources);
}

void spec_free(struct spec *spec)
{
	if (!spec)
		return;
	free(spec->oci_version);
	free(spec->root_path);
	spec_process_clear(&spec->process);
	free(spec->hostname);
	free(spec->domainname);
	free_mounts(spec->mounts, spec->n_mounts);
	for (int k = 0; k < HOOK__COUNT; k++)
		free_hooks(&spec->hooks[k]);
	for (size_t i = 0; i < spec->n_annotations; i++) {
		free(spec->annotations[i].key);
		free(spec->annotations[i].value);
	}
	free(spec->annotations);
	free_linux(&spec->linux_);
	yajl_tree_free(spec->tree);
	free(spec);
}
