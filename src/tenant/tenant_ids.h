/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tenant's id range in the store: reserved when the tenant is added (tenants/TID/ids), before
 * anything of the tenant is made, so that its files can be owned by the range from the start;
 * freed with the tenant's directory. */
#ifndef ISORUN_TENANT_IDS_H
#define ISORUN_TENANT_IDS_H

#include <stdbool.h>
#include <yajl/yajl_gen.h>

#include "tenant/id_range.h"
#include "tenant/store.h"

struct tenant_ids_request {
	uint32_t size;	/* 0: ID_RANGE_DEFAULT_SIZE */
	bool has_start; /* start is exactly where the range begins (--ids-start) */
	uint32_t start;
};

/* With the registry lock held, collects every range in use (each tenants/T/ids, the registry's
 * entries, /etc/subuid and /etc/subgid), picks the tenant's range and writes tenants/TID/ids. */
int tenant_ids_reserve(const struct tenant_store *s, const char *tid,
		       const struct tenant_ids_request *req, struct id_range *ret,
		       struct iso_error *err);

/* tenants/TID/ids; a tenant without one (made before ranges existed) reads as size 0. */
int tenant_ids_read(const struct tenant_store *s, const char *tid, struct id_range *ret,
		    struct iso_error *err);

/* "ids": {"start": N, "size": N}, as tenants.json and `tenant show` have it. */
void tenant_ids_gen(yajl_gen g, struct id_range r);

#endif
