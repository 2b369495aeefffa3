/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/tenant_ids.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/jsongen.h"

#define IDS_NAME "ids"
#define IDS_MAX	 64
#define SUBUID	 "/etc/subuid"
#define SUBGID	 "/etc/subgid"

static inline void free_rangesp(struct id_range **p)
{
	free(*p);
}
#define _cleanup_ranges_ __attribute__((cleanup(free_rangesp)))

int tenant_ids_read(const struct tenant_store *s, const char *tid, struct id_range *ret,
		    struct iso_error *err)
{
	_cleanup_free_ char *path = store_tenant_path(s, tid, IDS_NAME), *text = NULL;
	size_t len;
	int r;

	*ret = (struct id_range){0};
	if (!path)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	r = read_file_at(AT_FDCWD, path, IDS_MAX, &text, &len, err);
	if (r == -ENOENT) {
		iso_error_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	if (id_range_parse(text, ret) < 0)
		return iso_error_invalid(err, "%s: not \"START SIZE\"", path);
	return 0;
}

static int add_range(struct id_range **used, size_t *n, struct id_range r)
{
	struct id_range *grown;

	if (!r.size)
		return 0;
	grown = realloc(*used, (*n + 1) * sizeof(**used));
	if (!grown)
		return -ENOMEM;
	grown[(*n)++] = r;
	*used = grown;
	return 0;
}

/* The reservations of every tenant directory, registered or still being added. */
static int collect_reserved(const struct tenant_store *s, struct id_range **used, size_t *n,
			    struct iso_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(s->tenants);
	struct dirent *e;

	if (!d)
		return iso_error_set(err, errno, "%s", s->tenants);
	while ((e = readdir(d))) {
		struct id_range r;
		int rc;

		if (e->d_name[0] == '.')
			continue;
		if ((rc = tenant_ids_read(s, e->d_name, &r, err)) < 0)
			return rc;
		if (add_range(used, n, r) < 0)
			return iso_error_set(err, ENOMEM, "%s", s->tenants);
	}
	return 0;
}

static int collect_registered(const struct tenant_store *s, struct id_range **used, size_t *n,
			      struct iso_error *err)
{
	struct tenant_registry reg;
	int r = registry_read(s, &reg, err);

	for (size_t i = 0; r == 0 && i < reg.n; i++)
		if (add_range(used, n, reg.entries[i].ids) < 0)
			r = iso_error_set(err, ENOMEM, "tenants.json");
	registry_free(&reg);
	return r;
}

/* Everything the tenant's range must stay clear of; *ret_floor is where allocation starts. */
static int collect_used(const struct tenant_store *s, struct id_range **used, size_t *n,
			uint64_t *ret_floor, struct iso_error *err)
{
	size_t n_host;
	int r;

	if ((r = id_ranges_read_subid(SUBUID, used, n, err)) < 0 ||
	    (r = id_ranges_read_subid(SUBGID, used, n, err)) < 0)
		return r;
	n_host = *n;
	*ret_floor = ID_RANGE_DEFAULT_FLOOR;
	for (size_t i = 0; i < n_host; i++)
		if ((uint64_t)(*used)[i].start + (*used)[i].size > *ret_floor)
			*ret_floor = (uint64_t)(*used)[i].start + (*used)[i].size;
	if ((r = collect_reserved(s, used, n, err)) < 0)
		return r;
	return collect_registered(s, used, n, err);
}

static int check_explicit(const struct id_range *used, size_t n, struct id_range want,
			  struct iso_error *err)
{
	if ((uint64_t)want.start + want.size - 1 > ID_RANGE_MAX_ID)
		return iso_error_invalid(err, "--ids-start %u: the range would end beyond %u",
					 want.start, ID_RANGE_MAX_ID);
	if (want.start < ID_RANGE_DEFAULT_FLOOR)
		return iso_error_invalid(err,
					 "--ids-start %u: below %u, where the host's own ids are",
					 want.start, ID_RANGE_DEFAULT_FLOOR);
	for (size_t i = 0; i < n; i++)
		if (id_range_overlaps(want, used[i]))
			return iso_error_invalid(
			    err,
			    "--ids-start %u: ids %u-%u are taken (/etc/subuid, "
			    "/etc/subgid or another tenant)",
			    want.start, used[i].start, used[i].start + (used[i].size - 1));
	return 0;
}

int tenant_ids_reserve(const struct tenant_store *s, const char *tid,
		       const struct tenant_ids_request *req, struct id_range *ret,
		       struct iso_error *err)
{
	_cleanup_close_ int lock = registry_lock(s, err);
	_cleanup_ranges_ struct id_range *used = NULL;
	_cleanup_free_ char *path = NULL;
	struct id_range want = {.size = req->size ? req->size : ID_RANGE_DEFAULT_SIZE};
	uint64_t floor;
	size_t n = 0;
	char text[IDS_MAX];
	int r;

	if (lock < 0 || (r = collect_used(s, &used, &n, &floor, err)) < 0)
		return iso_error_code(err);
	if (req->has_start) {
		want.start = req->start;
		if ((r = check_explicit(used, n, want, err)) < 0)
			return r;
	} else if (id_range_allocate(used, n, floor, want.size, &want.start) < 0) {
		return iso_error_set(err, ENOSPC, "no free range of %u ids left above %llu",
				     want.size, (unsigned long long)floor);
	}
	path = store_tenant_path(s, tid, IDS_NAME);
	if (!path || id_range_format(want, text, sizeof(text)) < 0)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	if ((r = write_file_atomic(path, text, strlen(text), 0600, err)) < 0)
		return r;
	*ret = want;
	return 0;
}

void tenant_ids_gen(yajl_gen g, struct id_range r)
{
	jsongen_key(g, "ids");
	yajl_gen_map_open(g);
	jsongen_kv_int(g, "start", r.start);
	jsongen_kv_int(g, "size", r.size);
	yajl_gen_map_close(g);
}
