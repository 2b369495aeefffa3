/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/tenant_list.h"
#include "tenant/tenant_ids.h"
#include "util/cleanup.h"
#include "util/jsongen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static const char *status_of(const struct tenant_store *s, const char *tid)
{
	return store_tenant_busy(s, tid) ? "running" : "stopped";
}

static void gen_entry_fields(yajl_gen g, const struct tenant_store *s, const struct tenant_entry *e)
{
	jsongen_kv_str(g, "tid", e->tid);
	jsongen_kv_str(g, "cname", e->cname);
	jsongen_kv_str(g, "status", status_of(s, e->tid));
	jsongen_kv_str(g, "created", e->created);
	jsongen_kv_str(g, "package", e->package);
	jsongen_kv_str(g, "bundle", e->bundle);
	if (e->ids.size)
		tenant_ids_gen(g, e->ids);
}

static int print_json(yajl_gen g, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = jsongen_finish(g, &text, &len, err);

	if (r == 0)
		printf("%s\n", text);
	return r;
}

int tenant_list_print(const struct tenant_store *s, bool json, struct iso_error *err)
{
	struct tenant_registry reg;
	int r = registry_read(s, &reg, err);

	if (r < 0)
		return r;
	if (json) {
		yajl_gen g = jsongen_new(false);

		if (!g) {
			registry_free(&reg);
			return iso_error_set(err, ENOMEM, "tenant list");
		}
		yajl_gen_array_open(g);
		for (size_t i = 0; i < reg.n; i++) {
			yajl_gen_map_open(g);
			gen_entry_fields(g, s, &reg.entries[i]);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		r = print_json(g, err);
	} else {
		printf("%-32s  %-20s  %-8s  %-25s  %s\n", "TID", "NAME", "STATUS", "CREATED",
		       "PACKAGE");
		for (size_t i = 0; i < reg.n; i++) {
			const struct tenant_entry *e = &reg.entries[i];

			printf("%-32s  %-20s  %-8s  %-25s  %s\n", e->tid, e->cname ? e->cname : "",
			       status_of(s, e->tid), e->created ? e->created : "",
			       e->package ? e->package : "");
		}
	}
	registry_free(&reg);
	return r;
}

int tenant_show_print(const struct tenant_store *s, const char *tid, struct iso_error *err)
{
	static const char *const dirs[] = {"home", "upper", "work", "rootfs"};
	struct tenant_entry e;
	yajl_gen g;
	int r = store_lookup(s, tid, &e, err);

	if (r < 0)
		return r;
	g = jsongen_new(true);
	if (!g) {
		tenant_entry_clear(&e);
		return iso_error_set(err, ENOMEM, "tenant show");
	}
	yajl_gen_map_open(g);
	gen_entry_fields(g, s, &e);
	jsongen_kv_str(g, "lower", s->base);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		_cleanup_free_ char *p = store_tenant_path(s, tid, dirs[i]);

		jsongen_kv_str(g, dirs[i], p);
	}
	jsongen_kv_str(g, "ipc", s->ipc);
	yajl_gen_map_close(g);
	tenant_entry_clear(&e);
	return print_json(g, err);
}
