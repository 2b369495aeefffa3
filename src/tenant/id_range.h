/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Each tenant's own range of user and group ids, for the user namespace it runs in.
 *
 * Ranges are disjoint between tenants and lie above every range of /etc/subuid and /etc/subgid,
 * so that no tenant shares an id with a host user, a rootless container of a host user, or
 * another tenant: a process that escapes its namespaces is then nobody the host knows. */
#ifndef ISORUN_TENANT_ID_RANGE_H
#define ISORUN_TENANT_ID_RANGE_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* What a tenant gets unless told otherwise: 65536 ids, a whole 16-bit id space inside. */
#define ID_RANGE_DEFAULT_SIZE 65536u
/* Ranges start on multiples of this, so that a range's ids read as TENANT_BASE + inner id. */
#define ID_RANGE_ALIGN 65536u
/* Nothing is allocated below this, whatever /etc/subuid says: ids under it belong to the
 * host's users, systemd's dynamic users and the distribution's rootless defaults (100000+). */
#define ID_RANGE_DEFAULT_FLOOR 1048576u
/* The highest id a range may hold: ids are signed 32-bit in too many tools to go beyond. */
#define ID_RANGE_MAX_ID 2147483646u

struct id_range {
	uint32_t start;
	uint32_t size; /* 0: no range */
};

/* Whether the two ranges share an id. */
static inline int id_range_overlaps(struct id_range a, struct id_range b)
{
	return a.size && b.size && (uint64_t)a.start < (uint64_t)b.start + b.size &&
	       (uint64_t)b.start < (uint64_t)a.start + a.size;
}

/* Appends the ranges of a subordinate id file (/etc/subuid: NAME:START:COUNT per line, '#'
 * comments and blank lines skipped) to *ranges (n entries).  A missing file adds nothing; a
 * malformed line is an error naming the file and line: a range read wrong could be handed out
 * twice. */
int id_ranges_read_subid(const char *path, struct id_range **ranges, size_t *n,
			 struct iso_error *err);

/* The lowest range of `size` ids, starting on an ID_RANGE_ALIGN boundary at or above floor,
 * that overlaps none of used[0..n) and ends at or below ID_RANGE_MAX_ID.  -ENOSPC when none is
 * left. */
int id_range_allocate(const struct id_range *used, size_t n, uint64_t floor, uint32_t size,
		      uint32_t *ret_start);

/* "START SIZE\n" and back: the form the store keeps a reservation in. */
int id_range_format(struct id_range r, char *buf, size_t len);
int id_range_parse(const char *text, struct id_range *ret);

#endif
