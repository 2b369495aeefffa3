/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `tenant list` and `tenant show`: the registry, with each tenant's live status. */
#ifndef ISORUN_TENANT_LIST_H
#define ISORUN_TENANT_LIST_H

#include <stdbool.h>

#include "tenant/store.h"

/* A table (TID NAME STATUS CREATED PACKAGE) or a JSON array of the registry's entries, each
 * with "status": "running" or "stopped". */
int tenant_list_print(const struct tenant_store *s, bool json, struct iso_error *err);

/* One tenant as a JSON object: its entry, status, and the paths of its layers. */
int tenant_show_print(const struct tenant_store *s, const char *tid, struct iso_error *err);

#endif
