/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "util/json_walk.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/jsongen.h"
#include "util/timefmt.h"

#define STATE_FILE     "state.json"
#define CREATING_FILE  "creating.json"
#define STATE_MAX_SIZE (1024 * 1024)

static const char *const status_names[] = {
    [STATUS_CREATING] = "creating", [STATUS_CREATED] = "created", [STATUS_RUNNING] = "running",
    [STATUS_PAUSED] = "paused",	    [STATUS_STOPPED] = "stopped",
};

const char *state_status_name(enum container_status status)
{
	return status_names[status];
}

static int status_from_name(const char *name, enum container_status *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_names); i++) {
		if (!strcmp(name, status_names[i])) {
			*ret = (enum container_status)i;
			return 0;
		}
	}
	return -EINVAL;
}

int state_validate_id(const char *id, struct iso_error *err)
{
	size_t len = strlen(id);

	if (len == 0)
		return iso_error_invalid(err, "container id must not be empty");
	if (len > CONTAINER_ID_MAX)
		return iso_error_invalid(err, "invalid container id (%zu characters, at most %d)",
					 len, CONTAINER_ID_MAX);
	if (id[0] == '.' || strchr(id, '/'))
		return iso_error_invalid(err, "invalid container id \"%s\"", id);
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return iso_error_invalid(err, "invalid container id: control character");
	/* The id goes into state.json, which must read back. */
	if (!jsongen_utf8_valid(id))
		return iso_error_invalid(err, "invalid container id: not UTF-8");
	return 0;
}

/* podman and containerd-shim look for the words "does not exist". */
static int error_no_such_container(const char *id, struct iso_error *err)
{
	iso_error_invalid(err, "container \"%s\" does not exist", id);
	return iso_error_errno(err, ENOENT);
}

static int lock_dir(int fd, const char *id, struct iso_error *err)
{
	if (flock(fd, LOCK_EX) < 0)
		return iso_error_set(err, errno, "locking container \"%s\"", id);
	return 0;
}

int state_dir_create(const char *root, const char *id, struct iso_error *err)
{
	_cleanup_close_ int rootfd = -1, fd = -1;
	struct stat st;
	int r;

	if (mkdir(root, STATE_ROOT_MODE) < 0 && errno != EEXIST) {
		r = mkdir_p(root, STATE_ROOT_MODE, err);
		if (r < 0)
			return iso_error_wrap(err, "state root");
	}
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return iso_error_set(err, errno, "state root %s", root);
	if (mkdirat(rootfd, id, 0700) < 0) {
		if (errno == EEXIST)
			return iso_error_set(err, 0, "container \"%s\" already exists", id);
		return iso_error_set(err, errno, "creating %s/%s", root, id);
	}
	fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return iso_error_set(err, errno, "opening %s/%s", root, id);
	r = lock_dir(fd, id, err);
	if (r < 0)
		return r;
	/* A delete that took the lock between our mkdir and flock saw no state.json and removed
	 * the directory as left by a dead create: do not create a container nobody can find. */
	if (fstat(fd, &st) < 0 || st.st_nlink == 0)
		return iso_error_set(err, 0, "container \"%s\" was deleted while being created",
				     id);
	return steal_fd(fd);
}

int state_dir_open(const char *root, const char *id, struct iso_error *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (asprintf(&path, "%s/%s", root, id) < 0)
		return iso_error_set(err, ENOMEM, "state path");
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return error_no_such_container(id, err);
		return iso_error_set(err, errno, "opening %s", path);
	}
	r = lock_dir(fd, id, err);
	if (r < 0)
		return r;
	/* A concurrent delete may have removed the directory while we waited for the lock. */
	if (fstat(fd, &st) < 0 || st.st_nlink == 0)
		return error_no_such_container(id, err);
	return steal_fd(fd);
}

int state_dir_remove(const char *root, const char *id, struct iso_error *err)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s/%s", root, id) < 0)
		return iso_error_set(err, ENOMEM, "state path");
	return remove_tree(path, err);
}

/* The fields common to state.json and the OCI state document. */
static void gen_common(yajl_gen g, const struct container_state *st, enum container_status status)
{
	jsongen_kv_str(g, "ociVersion", st->oci_version);
	jsongen_kv_str(g, "id", st->id);
	jsongen_kv_str(g, "status", state_status_name(status));
	jsongen_kv_int(g, "pid", status == STATUS_STOPPED ? 0 : st->pid);
	jsongen_kv_str(g, "bundle", st->bundle);
	jsongen_kv_str(g, "rootfs", st->rootfs);
	jsongen_kv_str(g, "created", st->created);
	jsongen_kv_int(g, "owner", st->owner);
	jsongen_key(g, "annotations");
	yajl_gen_map_open(g);
	for (size_t i = 0; st->annotation_keys && st->annotation_keys[i]; i++)
		jsongen_kv_str(g, st->annotation_keys[i], st->annotation_values[i]);
	yajl_gen_map_close(g);
}

int state_to_json(const struct container_state *st, bool pretty, char **ret_json,
		  struct iso_error *err)
{
	yajl_gen g = jsongen_new(pretty);

	if (!g)
		return iso_error_set(err, ENOMEM, "state JSON");
	yajl_gen_map_open(g);
	gen_common(g, st, st->status);
	yajl_gen_map_close(g);
	return jsongen_finish(g, ret_json, NULL, err);
}

/* "cgroups": [{"mount", "path", "controllers", "created"}...], state.json only. */
static void gen_cgroups(yajl_gen g, const struct container_state *st)
{
	if (!st->n_cgroups)
		return;
	jsongen_key(g, "cgroups");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < st->n_cgroups; i++) {
		yajl_gen_map_open(g);
		jsongen_kv_str(g, "mount", st->cgroups[i].mount);
		jsongen_kv_str(g, "path", st->cgroups[i].path);
		jsongen_kv_str(g, "controllers", st->cgroups[i].controllers);
		jsongen_kv_int(g, "created", st->cgroups[i].created);
		if (st->cgroups[i].pending)
			jsongen_kv_bool(g, "pending", true);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static int write_state_file(int dirfd, const char *name, const struct container_state *st,
			    struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	yajl_gen g = jsongen_new(false);
	size_t len;
	int r;

	if (!g)
		return iso_error_set(err, ENOMEM, "state JSON");
	yajl_gen_map_open(g);
	gen_common(g, st, st->status);
	jsongen_key(g, "pidStartTime");
	yajl_gen_integer(g, (long long)st->pid_start_time);
	jsongen_kv_int(g, "lateHooks", st->late_hooks);
	gen_cgroups(g, st);
	if (st->systemd_unit) {
		jsongen_kv_str(g, "cgroupManager", "systemd");
		jsongen_kv_str(g, "systemdUnit", st->systemd_unit);
	}
	yajl_gen_map_close(g);
	r = jsongen_finish(g, &text, &len, err);
	if (r < 0)
		return r;
	return write_file_atomic_at(dirfd, name, text, len, 0600, err);
}

int state_write(int dirfd, const struct container_state *st, struct iso_error *err)
{
	return write_state_file(dirfd, STATE_FILE, st, err);
}

int state_write_creating(int dirfd, const struct container_state *st, struct iso_error *err)
{
	return write_state_file(dirfd, CREATING_FILE, st, err);
}

void state_remove_creating(int dirfd)
{
	unlinkat(dirfd, CREATING_FILE, 0);
}

void state_clear(struct container_state *st)
{
	free(st->id);
	free(st->oci_version);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	strv_free(st->annotation_keys);
	strv_free(st->annotation_values);
	state_cgroups_free(st->cgroups, st->n_cgroups);
	free(st->systemd_unit);
	memset(st, 0, sizeof(*st));
}

static char *dup_string_field(yajl_val tree, const char *name)
{
	const char *path[] = {name, NULL};
	yajl_val v = yajl_tree_get(tree, path, yajl_t_string);
	const char *s = v ? YAJL_GET_STRING(v) : NULL;

	return s ? strdup(s) : NULL;
}

static bool has_field(yajl_val tree, const char *name)
{
	const char *path[] = {name, NULL};

	return yajl_tree_get(tree, path, yajl_t_any) != NULL;
}

static long long int_field(yajl_val tree, const char *name)
{
	const char *path[] = {name, NULL};
	yajl_val v = yajl_tree_get(tree, path, yajl_t_number);

	return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

static int read_annotations(yajl_val tree, struct container_state *st)
{
	const char *path[] = {"annotations", NULL};
	yajl_val obj = yajl_tree_get(tree, path, yajl_t_object);
	size_t n = obj ? YAJL_GET_OBJECT(obj)->len : 0;

	st->annotation_keys = calloc(n + 1, sizeof(char *));
	st->annotation_values = calloc(n + 1, sizeof(char *));
	if (!st->annotation_keys || !st->annotation_values)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		yajl_val v = YAJL_GET_OBJECT(obj)->values[i];

		st->annotation_keys[i] = strdup(YAJL_GET_OBJECT(obj)->keys[i]);
		st->annotation_values[i] = strdup(YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "");
		if (!st->annotation_keys[i] || !st->annotation_values[i])
			return -ENOMEM;
	}
	return 0;
}

void state_cgroups_free(struct state_cgroup *cgroups, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cgroups[i].mount);
		free(cgroups[i].path);
		free(cgroups[i].controllers);
	}
	free(cgroups);
}

static int read_cgroups(yajl_val tree, struct container_state *st)
{
	const char *path[] = {"cgroups", NULL};
	yajl_val arr = yajl_tree_get(tree, path, yajl_t_array);
	size_t n = arr ? YAJL_GET_ARRAY(arr)->len : 0;

	if (!n)
		return 0;
	st->cgroups = calloc(n, sizeof(*st->cgroups));
	if (!st->cgroups)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		yajl_val v = YAJL_GET_ARRAY(arr)->values[i];
		struct state_cgroup *c = &st->cgroups[i];

		st->n_cgroups = i + 1;
		c->mount = dup_string_field(v, "mount");
		c->path = dup_string_field(v, "path");
		c->controllers = dup_string_field(v, "controllers");
		c->created = (uint32_t)int_field(v, "created");
		c->pending = has_field(v, "pending");
		if (!c->mount || !c->path || !c->controllers || c->mount[0] != '/' ||
		    c->path[0] != '/')
			return -EINVAL;
	}
	return 0;
}

static int state_from_tree(yajl_val tree, struct container_state *st)
{
	_cleanup_free_ char *status = dup_string_field(tree, "status");

	st->id = dup_string_field(tree, "id");
	st->oci_version = dup_string_field(tree, "ociVersion");
	st->bundle = dup_string_field(tree, "bundle");
	st->rootfs = dup_string_field(tree, "rootfs");
	st->created = dup_string_field(tree, "created");
	st->pid = (pid_t)int_field(tree, "pid");
	st->pid_start_time = (uint64_t)int_field(tree, "pidStartTime");
	st->late_hooks =
	    has_field(tree, "lateHooks") ? (int)int_field(tree, "lateHooks") : STATE_HOOKS_UNKNOWN;
	st->owner = (uid_t)int_field(tree, "owner");
	if (!st->id || !st->bundle || !status || status_from_name(status, &st->status) < 0)
		return -EINVAL;
	if (read_cgroups(tree, st) < 0)
		return -EINVAL;
	st->systemd_unit = dup_string_field(tree, "systemdUnit");
	/* A unit under another manager's name would be one delete could not stop. */
	if (has_field(tree, "cgroupManager") != !!st->systemd_unit)
		return -EINVAL;
	return read_annotations(tree, st);
}

int state_read(int dirfd, const char *id, struct container_state *st, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	yajl_val tree;
	size_t len;
	int r;

	r = read_file_at(dirfd, STATE_FILE, STATE_MAX_SIZE, &text, &len, err);
	if (r == -ENOENT)
		r = read_file_at(dirfd, CREATING_FILE, STATE_MAX_SIZE, &text, &len, err);
	if (r < 0) {
		if (r == -ENOENT) {
			/* The directory of a create that died before writing any state. */
			iso_error_invalid(err,
					  "container \"%s\" does not exist (a create that did not "
					  "finish left its directory: delete removes it)",
					  id);
			return iso_error_errno(err, ENOENT);
		}
		return iso_error_wrap(err, "container \"%s\"", id);
	}
	/* Through the bounded parser: yajl frees a tree recursively, and a state.json nested a
	 * few hundred thousand levels deep overflowed the stack of `state` and `list`. */
	if (json_parse_tree(text, len, STATE_FILE, &tree, err) < 0)
		return iso_error_set(err, EINVAL, "container \"%s\": %s is corrupt", id,
				     STATE_FILE);
	memset(st, 0, sizeof(*st));
	r = state_from_tree(tree, st);
	yajl_tree_free(tree);
	if (r < 0) {
		state_clear(st);
		return iso_error_set(err, EINVAL, "container \"%s\": %s is corrupt", id,
				     STATE_FILE);
	}
	return 0;
}

uint64_t state_process_start_time(pid_t pid, bool *ret_zombie)
{
	char path[64], buf[1024], *p;
	_cleanup_close_ int fd = -1;
	unsigned long long start = 0;
	ssize_t n;

	*ret_zombie = false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read_all(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may contain spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return 0;
	*ret_zombie = p[2] == 'Z' || p[2] == 'X';
	/* after ") " come state (field 3) ... starttime (field 22) */
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || sscanf(p, "%llu", &start) != 1)
		return 0;
	return start;
}

void state_refresh(struct container_state *st)
{
	bool zombie;
	uint64_t start;

	/* Create holds the lock from mkdir to its last state write, and removes the directory when
	 * it fails: "creating" seen under the lock means that create was killed. */
	if (st->status == STATUS_CREATING) {
		st->abandoned = true;
		st->status = STATUS_STOPPED;
		return;
	}
	if (st->status == STATUS_STOPPED || st->pid <= 0)
		return;
	start = state_process_start_time(st->pid, &zombie);
	if (start == 0 || zombie || (st->pid_start_time && start != st->pid_start_time))
		st->status = STATUS_STOPPED;
}
