/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one table of linux.resources' parts (cgroup_apply.h), and the walks over it: what a
 * resources object needs, the field to blame, and applying it on cgroup v1 or v2. */
#include "config.h"

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_apply.h"

static bool memory_needed(const struct cgroup_resources *r)
{
	const struct cgroup_memory *m = &r->memory;

	/* kernel and kernelTCP are ignored (with a warning): they need nothing. */
	return r->has_memory &&
	       (m->has_limit || m->has_reservation || m->has_swap || m->has_swappiness ||
		(m->has_disable_oom_killer && m->disable_oom_killer));
}

static bool cpu_needed(const struct cgroup_resources *r)
{
	const struct cgroup_cpu *c = &r->cpu;

	return r->has_cpu && ((c->has_shares && c->shares) || c->has_quota || c->has_period ||
			      c->has_rt_runtime || c->has_rt_period || c->has_idle);
}

static bool cpuset_needed(const struct cgroup_resources *r)
{
	return r->has_cpu && (r->cpu.cpus || r->cpu.mems);
}

static bool pids_needed(const struct cgroup_resources *r)
{
	return r->has_pids && r->pids.has_limit;
}

static bool blkio_needed(const struct cgroup_resources *r)
{
	const struct cgroup_block_io *b = &r->block_io;
	bool throttled = false;

	for (size_t k = 0; k < THROTTLE__COUNT; k++)
		throttled = throttled || b->throttle[k].n;
	return r->has_block_io &&
	       (b->has_weight || b->has_leaf_weight || b->n_weight_devices || throttled);
}

static bool hugetlb_needed(const struct cgroup_resources *r)
{
	return r->n_hugepages > 0;
}

/* cpuset.cpus and cpuset.mems are the same files on both versions. */
static int apply_cpuset(const struct cgroup_target *t, const struct cgroup_resources *res,
			struct iso_error *err)
{
	const struct cgroup_cpu *c = &res->cpu;
	int r = 0;

	if (!res->has_cpu)
		return 0;
	if (c->cpus)
		r = cgroup_write(t, "cpu.cpus", "cpuset.cpus", c->cpus, err);
	if (r == 0 && c->mems)
		r = cgroup_write(t, "cpu.mems", "cpuset.mems", c->mems, err);
	return r;
}

/* In the order they are written; unified last: its raw keys may refine what the converted
 * values set. */
const struct cgroup_controller_row cgroup_controllers[] = {
    {CG_MEMORY, "memory", memory_needed, cgroup_v1_memory, cgroup_v2_memory},
    {CG_CPU, "cpu", cpu_needed, cgroup_v1_cpu, cgroup_v2_cpu},
    {CG_CPUSET, "cpu.cpus", cpuset_needed, apply_cpuset, apply_cpuset},
    {CG_PIDS, "pids", pids_needed, cgroup_v1_pids, cgroup_v2_pids},
    {CG_BLKIO, "blockIO", blkio_needed, cgroup_v1_blkio, cgroup_v2_io},
    {CG_HUGETLB, "hugepageLimits", hugetlb_needed, cgroup_v1_hugetlb, cgroup_v2_hugetlb},
    {CG_NET_CLS | CG_NET_PRIO, "network", NULL, cgroup_v1_network, NULL},
    {0, "unified", NULL, NULL, cgroup_v2_unified},
};

const size_t cgroup_n_controllers = sizeof(cgroup_controllers) / sizeof(cgroup_controllers[0]);

static int apply_rows(const struct cgroup_target *t, unsigned mask,
		      const struct cgroup_resources *r, bool v2, struct iso_error *err)
{
	struct cgroup_target masked = *t;

	masked.mask = mask;
	for (size_t i = 0; i < cgroup_n_controllers; i++) {
		const struct cgroup_controller_row *row = &cgroup_controllers[i];
		cgroup_apply_fn apply = v2 ? row->v2 : row->v1;
		int ret;

		if (!apply || (row->bits && !(mask & row->bits)))
			continue;
		if ((ret = apply(&masked, r, err)) < 0)
			return ret;
	}
	return 0;
}

int cgroup_v1_apply(const struct cgroup_target *t, unsigned mask, const struct cgroup_resources *r,
		    struct iso_error *err)
{
	return apply_rows(t, mask, r, false, err);
}

int cgroup_v2_apply(const struct cgroup_target *t, unsigned mask, const struct cgroup_resources *r,
		    struct iso_error *err)
{
	return apply_rows(t, mask, r, true, err);
}

unsigned cgroup_resources_needs(const struct cgroup_resources *r)
{
	unsigned need = 0;

	for (size_t i = 0; i < cgroup_n_controllers; i++)
		if (cgroup_controllers[i].needs && cgroup_controllers[i].needs(r))
			need |= cgroup_controllers[i].bits;
	return need;
}

const char *cgroup_resources_field_for(const struct cgroup_resources *r, unsigned bit)
{
	(void)r;
	for (size_t i = 0; i < cgroup_n_controllers; i++)
		if (cgroup_controllers[i].bits == bit)
			return cgroup_controllers[i].field;
	return "?";
}
