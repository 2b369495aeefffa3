/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources on cgroup v2: v1-shaped values converted to the unified files the way crun
 * documents (cpu.shares -> cpu.weight, blkio weight -> io.weight, memory+swap -> swap alone). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_apply.h"
#include "util/cleanup.h"
#include "util/log.h"

static int v2_write_max(const struct cgroup_target *t, const char *field, const char *file,
			int64_t value, struct iso_error *err)
{
	if (value < 0)
		return cgroup_write(t, field, file, "max", err);
	return cgroup_write_i64(t, field, file, value, err);
}

/* ---- memory ---- */

/* v1's swap is memory + swap; v2's memory.swap.max is the swap alone. */
static int v2_swap(const struct cgroup_target *t, const struct cgroup_memory *m,
		   struct iso_error *err)
{
	if (m->swap < 0)
		return cgroup_write(t, "memory.swap", "memory.swap.max", "max", err);
	if (!m->has_limit || m->limit < 0)
		return iso_error_invalid(err,
					 "%s.memory.swap: cgroup v2 needs memory.limit with it "
					 "(swap is the limit of memory plus swap)",
					 t->where);
	return cgroup_write_i64(t, "memory.swap", "memory.swap.max", m->swap - m->limit, err);
}

int cgroup_v2_memory(const struct cgroup_target *t, const struct cgroup_resources *res,
		     struct iso_error *err)
{
	const struct cgroup_memory *m = &res->memory;
	int r = 0;

	if (!res->has_memory)
		return 0;
	if (m->has_limit)
		r = v2_write_max(t, "memory.limit", "memory.max", m->limit, err);
	if (r == 0 && m->has_swap && !cgroup_swap_unaccounted(t, m, "memory.swap.max"))
		r = v2_swap(t, m, err);
	if (r == 0 && m->has_reservation)
		r = v2_write_max(t, "memory.reservation", "memory.low", m->reservation, err);
	if (r < 0)
		return r;
	if (m->has_swappiness)
		log_warning("%s.memory.swappiness: cgroup v2 has no per-cgroup swappiness; ignored",
			    t->where);
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		log_warning("%s.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer; "
			    "ignored",
			    t->where);
	if (m->has_kernel || m->has_kernel_tcp)
		log_warning("%s.memory.kernel and kernelTCP are deprecated and ignored", t->where);
	return 0;
}

/* ---- cpu ---- */

/* cpu.max is "QUOTA PERIOD"; a lone period keeps the quota in force. */
static int v2_cpu_max(const struct cgroup_target *t, const struct cgroup_cpu *c,
		      struct iso_error *err)
{
	_cleanup_free_ char *cur = NULL;
	char buf[64], quota[24] = "max";
	int r;

	if (c->has_quota && c->quota >= 0)
		snprintf(quota, sizeof(quota), "%" PRId64, c->quota);
	if (c->has_quota && !c->has_period)
		return cgroup_write(t, "cpu.quota", "cpu.max", quota, err);
	if (!c->has_quota) {
		r = cgroup_read(t->dirfd, "cpu.max", &cur, err);
		if (r < 0)
			return iso_error_wrap(err, "%s.cpu.period", t->where);
		snprintf(quota, sizeof(quota), "%.*s", (int)strcspn(cur, " \n"), cur);
		if (!quota[0])
			snprintf(quota, sizeof(quota), "max");
	}
	snprintf(buf, sizeof(buf), "%s %" PRIu64, quota, c->period);
	return cgroup_write(t, c->has_quota ? "cpu.quota" : "cpu.period", "cpu.max", buf, err);
}

int cgroup_v2_cpu(const struct cgroup_target *t, const struct cgroup_resources *res,
		  struct iso_error *err)
{
	const struct cgroup_cpu *c = &res->cpu;
	int r = 0;

	if (!res->has_cpu)
		return 0;
	if (c->has_rt_runtime || c->has_rt_period)
		return iso_error_invalid(
		    err, "%s.cpu.%s: realtime scheduling limits need cgroup v1", t->where,
		    c->has_rt_runtime ? "realtimeRuntime" : "realtimePeriod");
	if (c->has_shares && c->shares != 0)
		r = cgroup_write_i64(t, "cpu.shares", "cpu.weight",
				     (int64_t)cgroup_shares_to_weight(c->shares), err);
	if (r == 0 && (c->has_quota || c->has_period))
		r = v2_cpu_max(t, c, err);
	if (r == 0 && c->has_idle)
		r = cgroup_write_i64(t, "cpu.idle", "cpu.idle", c->idle, err);
	return r;
}

/* ---- io ---- */

static const char *const io_max_keys[THROTTLE__COUNT] = {
    [THROTTLE_READ_BPS] = "rbps",
    [THROTTLE_WRITE_BPS] = "wbps",
    [THROTTLE_READ_IOPS] = "riops",
    [THROTTLE_WRITE_IOPS] = "wiops",
};

int cgroup_v2_io(const struct cgroup_target *t, const struct cgroup_resources *res,
		 struct iso_error *err)
{
	const struct cgroup_block_io *b = &res->block_io;
	char buf[96];
	int r = 0;

	if (!res->has_block_io)
		return 0;
	if (b->has_weight) {
		snprintf(buf, sizeof(buf), "default %" PRIu64,
			 cgroup_blkio_weight_to_io_weight(b->weight));
		r = cgroup_write(t, "blockIO.weight", "io.weight", buf, err);
	}
	for (size_t i = 0; r == 0 && i < b->n_weight_devices; i++) {
		const struct cgroup_weight_device *d = &b->weight_devices[i];

		if (!d->has_weight)
			continue;
		snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
			 cgroup_blkio_weight_to_io_weight(d->weight));
		r = cgroup_write(t, "blockIO.weightDevice", "io.weight", buf, err);
	}
	for (size_t k = 0; r == 0 && k < THROTTLE__COUNT; k++) {
		for (size_t i = 0; r == 0 && i < b->throttle[k].n; i++) {
			const struct cgroup_throttle_device *d = &b->throttle[k].devices[i];

			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d->major,
				 d->minor, io_max_keys[k], d->rate);
			r = cgroup_write(t, cgroup_throttle_fields[k], "io.max", buf, err);
		}
	}
	if (r == 0 && b->has_leaf_weight)
		log_warning("%s.blockIO.leafWeight: cgroup v2 has no leaf weight; ignored",
			    t->where);
	return r;
}

/* ---- the rest ---- */

int cgroup_v2_hugetlb(const struct cgroup_target *t, const struct cgroup_resources *res,
		      struct iso_error *err)
{
	char file[96];
	int r;

	for (size_t i = 0; i < res->n_hugepages; i++) {
		snprintf(file, sizeof(file), "hugetlb.%s.max", res->hugepages[i].page_size);
		r = cgroup_write_i64(t, "hugepageLimits", file, (int64_t)res->hugepages[i].limit,
				     err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_v2_pids(const struct cgroup_target *t, const struct cgroup_resources *res,
		   struct iso_error *err)
{
	const struct cgroup_pids *p = &res->pids;

	if (!res->has_pids || !p->has_limit)
		return 0;
	return v2_write_max(t, "pids.limit", "pids.max", p->limit <= 0 ? -1 : p->limit, err);
}

int cgroup_v2_unified(const struct cgroup_target *t, const struct cgroup_resources *res,
		      struct iso_error *err)
{
	for (size_t i = 0; i < res->n_unified; i++) {
		char field[256];
		int r;

		snprintf(field, sizeof(field), "unified.%s", res->unified[i].key);
		r = cgroup_write(t, field, res->unified[i].key, res->unified[i].value, err);
		if (r < 0)
			return r;
	}
	return 0;
}
