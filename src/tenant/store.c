/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/store.h"
#include "tenant/tenant_ids.h"
#include "runtime/container.h"
#include "util/json_walk.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/jsongen.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REGISTRY_NAME "tenants.json"
#define REGISTRY_LOCK "tenants.lock"
#define REGISTRY_MAX  (64 * 1024 * 1024)
#define RUN_LOCK      "run.lock"
#define ADDING_MARK   ".adding"

/* ---- the store's directories ------------------------------------------------------------ */

static int path_join(char **ret, const char *a, const char *b, struct iso_error *err)
{
	if (asprintf(ret, "%s/%s", a, b) < 0) {
		*ret = NULL;
		return iso_error_set(err, ENOMEM, "%s", a);
	}
	return 0;
}

int store_open(const char *root, struct tenant_store *s, struct iso_error *err)
{
	int r;

	memset(s, 0, sizeof(*s));
	if ((r = mkdir_p(root, 0711, err)) < 0)
		return iso_error_wrap(err, "--tenant-root");
	s->root = realpath(root, NULL);
	if (!s->root)
		return iso_error_set(err, errno, "--tenant-root %s", root);
	if ((r = path_join(&s->base, s->root, "base", err)) < 0 ||
	    (r = path_join(&s->ipc, s->root, "ipc", err)) < 0 ||
	    (r = path_join(&s->tenants, s->root, "tenants", err)) < 0)
		goto fail;
	/* tenants/ holds every tenant's home: only root may look inside. */
	if ((r = mkdir_p(s->tenants, 0711, err)) < 0 || (r = mkdir_p(s->ipc, 0755, err)) < 0)
		goto fail;
	return 0;
fail:
	store_close(s);
	return r;
}

void store_close(struct tenant_store *s)
{
	free(s->root);
	free(s->base);
	free(s->ipc);
	free(s->tenants);
	memset(s, 0, sizeof(*s));
}

int store_require_base(const struct tenant_store *s, struct iso_error *err)
{
	struct stat st;

	if (stat(s->base, &st) < 0 || !S_ISDIR(st.st_mode))
		return iso_error_set(err, ENOENT,
				     "no base file system in %s: run `isorun tenant "
				     "base` first",
				     s->root);
	return 0;
}

char *store_tenant_path(const struct tenant_store *s, const char *tid, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s%s%s", s->tenants, tid, name ? "/" : "", name ? name : "") < 0)
		return NULL;
	return p;
}

/* ---- the registry ----------------------------------------------------------------------- */

static const struct json_field ids_fields[] = {
    JSON_FIELD("start", JSON_UINT32, struct id_range, start, .flags = JSON_REQUIRED),
    JSON_FIELD("size", JSON_UINT32, struct id_range, size, .flags = JSON_REQUIRED | JSON_RANGE,
	       .min = 1, .max = UINT32_MAX),
    {0},
};

static const struct json_field entry_fields[] = {
    JSON_FIELD("tid", JSON_STRING, struct tenant_entry, tid, .flags = JSON_REQUIRED),
    JSON_FIELD("cname", JSON_STRING, struct tenant_entry, cname),
    JSON_FIELD("package", JSON_STRING, struct tenant_entry, package),
    JSON_FIELD("created", JSON_STRING, struct tenant_entry, created),
    JSON_FIELD("bundle", JSON_STRING, struct tenant_entry, bundle),
    JSON_FIELD("ids", JSON_OBJECT, struct tenant_entry, ids, .fields = ids_fields),
    {0},
};

static const struct json_field registry_fields[] = {
    JSON_FIELD("tenants", JSON_OBJECT_ARRAY, struct tenant_registry, entries,
	       .flags = JSON_REQUIRED, .count_offset = offsetof(struct tenant_registry, n),
	       .elem_size = sizeof(struct tenant_entry), .fields = entry_fields),
    {0},
};

int registry_lock(const struct tenant_store *s, struct iso_error *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;

	if (path_join(&path, s->root, REGISTRY_LOCK, err) < 0)
		return iso_error_code(err);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return iso_error_set(err, errno, "%s", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return iso_error_set(err, errno, "%s: flock", path);
	return steal_fd(fd);
}

int registry_read(const struct tenant_store *s, struct tenant_registry *reg, struct iso_error *err)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	yajl_val tree = NULL;
	struct json_walk w;
	size_t len;
	int r;

	memset(reg, 0, sizeof(*reg));
	if (path_join(&path, s->root, REGISTRY_NAME, err) < 0)
		return iso_error_code(err);
	r = read_file_at(AT_FDCWD, path, REGISTRY_MAX, &text, &len, err);
	if (r == -ENOENT) {
		iso_error_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	json_walk_init(&w, path, err);
	r = json_parse_tree(text, len, path, &tree, err);
	if (r == 0)
		r = json_walk_object(&w, tree, registry_fields, reg);
	if (tree)
		yajl_tree_free(tree);
	if (r < 0)
		registry_free(reg);
	return r;
}

static void gen_entry(yajl_gen g, const struct tenant_entry *e)
{
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "tid", e->tid);
	jsongen_kv_str(g, "cname", e->cname);
	jsongen_kv_str(g, "package", e->package);
	jsongen_kv_str(g, "created", e->created);
	jsongen_kv_str(g, "bundle", e->bundle);
	if (e->ids.size)
		tenant_ids_gen(g, e->ids);
	yajl_gen_map_close(g);
}

int registry_write(const struct tenant_store *s, const struct tenant_registry *reg,
		   struct iso_error *err)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	yajl_gen g = jsongen_new(true);
	size_t len;
	int r;

	if (!g)
		return iso_error_set(err, ENOMEM, REGISTRY_NAME);
	yajl_gen_map_open(g);
	jsongen_key(g, "tenants");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < reg->n; i++)
		gen_entry(g, &reg->entries[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if ((r = jsongen_finish(g, &text, &len, err)) < 0 ||
	    (r = path_join(&path, s->root, REGISTRY_NAME, err)) < 0)
		return r;
	return write_file_atomic(path, text, len, 0600, err);
}

const struct tenant_entry *registry_find(const struct tenant_registry *reg, const char *tid)
{
	for (size_t i = 0; i < reg->n; i++)
		if (reg->entries[i].tid && strcmp(reg->entries[i].tid, tid) == 0)
			return &reg->entries[i];
	return NULL;
}

void tenant_entry_clear(struct tenant_entry *e)
{
	free(e->tid);
	free(e->cname);
	free(e->package);
	free(e->created);
	free(e->bundle);
	memset(e, 0, sizeof(*e));
}

void registry_free(struct tenant_registry *reg)
{
	for (size_t i = 0; i < reg->n; i++)
		tenant_entry_clear(&reg->entries[i]);
	free(reg->entries);
	memset(reg, 0, sizeof(*reg));
}

int registry_add(const struct tenant_store *s, const struct tenant_entry *e, struct iso_error *err)
{
	_cleanup_close_ int lock = registry_lock(s, err);
	struct tenant_registry reg;
	struct tenant_entry *grown;
	int r;

	if (lock < 0 || (r = registry_read(s, &reg, err)) < 0)
		return iso_error_code(err);
	grown = realloc(reg.entries, (reg.n + 1) * sizeof(*grown));
	if (!grown) {
		registry_free(&reg);
		return iso_error_set(err, ENOMEM, REGISTRY_NAME);
	}
	reg.entries = grown;
	/* Borrowed for the write only: taken back before the registry is freed. */
	reg.entries[reg.n++] = *e;
	r = registry_write(s, &reg, err);
	memset(&reg.entries[--reg.n], 0, sizeof(*e));
	registry_free(&reg);
	return r;
}

int registry_remove(const struct tenant_store *s, const char *tid, struct iso_error *err)
{
	_cleanup_close_ int lock = registry_lock(s, err);
	struct tenant_registry reg;
	size_t kept = 0;
	int r;

	if (lock < 0 || (r = registry_read(s, &reg, err)) < 0)
		return iso_error_code(err);
	for (size_t i = 0; i < reg.n; i++) {
		if (strcmp(reg.entries[i].tid, tid) == 0)
			tenant_entry_clear(&reg.entries[i]);
		else
			reg.entries[kept++] = reg.entries[i];
	}
	reg.n = kept;
	r = registry_write(s, &reg, err);
	registry_free(&reg);
	return r;
}

static int dup_entry(const struct tenant_entry *e, struct tenant_entry *ret)
{
	const char *src[] = {e->tid, e->cname, e->package, e->created, e->bundle};
	char **dst[] = {&ret->tid, &ret->cname, &ret->package, &ret->created, &ret->bundle};

	memset(ret, 0, sizeof(*ret));
	ret->ids = e->ids;
	for (size_t i = 0; i < ARRAY_SIZE(src); i++) {
		*dst[i] = strdup(src[i] ? src[i] : "");
		if (!*dst[i]) {
			tenant_entry_clear(ret);
			return -ENOMEM;
		}
	}
	return 0;
}

int store_lookup(const struct tenant_store *s, const char *tid, struct tenant_entry *ret,
		 struct iso_error *err)
{
	struct tenant_registry reg;
	const struct tenant_entry *e;
	int r;

	if ((r = store_validate_tid(tid, err)) < 0 || (r = registry_read(s, &reg, err)) < 0)
		return r;
	e = registry_find(&reg, tid);
	if (!e) {
		iso_error_invalid(err, "tenant %s does not exist", tid);
		r = iso_error_errno(err, ENOENT);
	} else if (dup_entry(e, ret) < 0)
		r = iso_error_set(err, ENOMEM, "tenant %s", tid);
	registry_free(&reg);
	return r;
}

/* ---- per-tenant lock -------------------------------------------------------------------- */

static int try_flock(int fd, bool wait, int timeout_s)
{
	struct timespec delay = {0, 20 * 1000 * 1000};
	int tries = wait ? timeout_s * 50 : 1;

	for (int i = 0; i < tries; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (i + 1 < tries)
			nanosleep(&delay, NULL);
	}
	return -EWOULDBLOCK;
}

int store_lock_registered(const struct tenant_store *s, const char *tid, struct iso_error *err)
{
	struct tenant_entry e;
	int r = store_lookup(s, tid, &e, err);

	if (r < 0)
		return r;
	tenant_entry_clear(&e);
	return store_lock_tenant(s, tid, false, 0, err);
}

int store_lock_tenant(const struct tenant_store *s, const char *tid, bool wait, int timeout_s,
		      struct iso_error *err)
{
	_cleanup_free_ char *path = store_tenant_path(s, tid, RUN_LOCK);
	_cleanup_close_ int fd = -1;
	int r;

	if (!path)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return iso_error_set(err, errno, "%s", path);
	r = try_flock(fd, wait, timeout_s);
	if (r == -EWOULDBLOCK)
		return r;
	if (r < 0)
		return iso_error_set(err, -r, "%s: flock", path);
	return steal_fd(fd);
}

bool store_tenant_busy(const struct tenant_store *s, const char *tid)
{
	_cleanup_free_ char *path = store_tenant_path(s, tid, RUN_LOCK);
	_cleanup_close_ int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;

	return fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

/* ---- leftovers of a killed `tenant add` ------------------------------------------------- */

void store_collect_garbage(const struct tenant_store *s, const char *state_root)
{
	_cleanup_closedir_ DIR *d = opendir(s->tenants);
	struct tenant_registry reg;
	struct iso_error ignored = {0};
	struct dirent *e;

	if (!d || registry_read(s, &reg, &ignored) < 0)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *mark = NULL, *dir = NULL;
		_cleanup_close_ int lock = -1;

		if (store_validate_tid(e->d_name, &ignored) < 0 || registry_find(&reg, e->d_name))
			continue;
		mark = store_tenant_path(s, e->d_name, ADDING_MARK);
		dir = store_tenant_path(s, e->d_name, NULL);
		if (!mark || !dir || access(mark, F_OK) < 0)
			continue;
		lock = store_lock_tenant(s, e->d_name, false, 0, &ignored);
		if (lock < 0)
			continue;
		/* The killed add may have left its dependencies' container running. */
		if (container_delete(state_root, e->d_name, true, &ignored) == 0)
			remove_tree(dir, &ignored);
	}
	registry_free(&reg);
}
