/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources on cgroup v1: one file per knob, per controller hierarchy. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_apply.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/log.h"

int cgroup_write(const struct cgroup_target *t, const char *field, const char *file,
		 const char *value, struct iso_error *err)
{
	_cleanup_close_ int fd = openat(t->dirfd, file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		return iso_error_set(err, errno, "%s.%s: writing \"%s\" to %s/%s", t->where, field,
				     value, t->dir, file);
	return 0;
}

int cgroup_write_i64(const struct cgroup_target *t, const char *field, const char *file,
		     int64_t value, struct iso_error *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, value);
	return cgroup_write(t, field, file, buf, err);
}

int cgroup_read(int dirfd, const char *file, char **ret, struct iso_error *err)
{
	return read_file_at(dirfd, file, 1024 * 1024, ret, NULL, err);
}

bool cgroup_has_file(int dirfd, const char *file)
{
	return faccessat(dirfd, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

bool cgroup_file_says(int dirfd, const char *file, const char *want)
{
	_cleanup_free_ char *text = NULL;
	struct iso_error ignored;
	size_t n = strlen(want);

	if (cgroup_read(dirfd, file, &text, &ignored) < 0)
		return false;
	for (const char *p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, want, n) && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

bool cgroup_swap_unaccounted(const struct cgroup_target *t, const struct cgroup_memory *m,
			     const char *file)
{
	if (!m->has_swap || !m->has_limit || m->swap != m->limit || cgroup_has_file(t->dirfd, file))
		return false;
	log_warning("%s.memory.swap: this kernel keeps no swap accounting (no %s in %s): the "
		    "memory limit bounds RAM only",
		    t->where, file, t->dir);
	return true;
}

/* ---- memory ---- */

/* memsw must stay >= the memory limit at every moment: when the new limit is above the current
 * memsw, memsw goes first. */
static int v1_memory_limits(const struct cgroup_target *t, const struct cgroup_memory *m,
			    struct iso_error *err)
{
	int r;

	if (!m->has_swap || cgroup_swap_unaccounted(t, m, "memory.memsw.limit_in_bytes"))
		return m->has_limit ? cgroup_write_i64(t, "memory.limit", "memory.limit_in_bytes",
						       m->limit, err)
				    : 0;
	if (m->has_limit) {
		r = cgroup_write_i64(t, "memory.limit", "memory.limit_in_bytes", m->limit, err);
		if (r == -EINVAL) {
			r = cgroup_write_i64(t, "memory.swap", "memory.memsw.limit_in_bytes",
					     m->swap, err);
			if (r < 0)
				return r;
			return cgroup_write_i64(t, "memory.limit", "memory.limit_in_bytes",
						m->limit, err);
		}
		if (r < 0)
			return r;
	}
	return cgroup_write_i64(t, "memory.swap", "memory.memsw.limit_in_bytes", m->swap, err);
}

int cgroup_v1_memory(const struct cgroup_target *t, const struct cgroup_resources *res,
		     struct iso_error *err)
{
	const struct cgroup_memory *m = &res->memory;
	int r;

	if (!res->has_memory)
		return 0;
	if ((r = v1_memory_limits(t, m, err)) < 0)
		return r;
	if (m->has_reservation &&
	    (r = cgroup_write_i64(t, "memory.reservation", "memory.soft_limit_in_bytes",
				  m->reservation, err)) < 0)
		return r;
	if (m->has_swappiness && (r = cgroup_write_i64(t, "memory.swappiness", "memory.swappiness",
						       (int64_t)m->swappiness, err)) < 0)
		return r;
	if (m->has_disable_oom_killer && m->disable_oom_killer &&
	    (r = cgroup_write(t, "memory.disableOOMKiller", "memory.oom_control", "1", err)) < 0)
		return r;
	if ((m->has_kernel || m->has_kernel_tcp))
		log_warning("%s.memory.kernel and kernelTCP are deprecated and ignored", t->where);
	return 0;
}

/* ---- cpu, cpuset ---- */

/* Each write is checked as a pair with the other value in force: the kernel refuses a
 * quota/period ratio above the parent's.  Lowering the period first can push the old quota over
 * it, raising the quota first the new quota over the old period; whichever order fails, the
 * other works (runc's order: the period, and on EINVAL the quota first). */
static int v1_cfs(const struct cgroup_target *t, const struct cgroup_cpu *c, struct iso_error *err)
{
	int r = 0;

	if (c->has_period)
		r = cgroup_write_i64(t, "cpu.period", "cpu.cfs_period_us", (int64_t)c->period, err);
	if (r == -EINVAL && c->has_quota) {
		r = cgroup_write_i64(t, "cpu.quota", "cpu.cfs_quota_us", c->quota, err);
		if (r == 0)
			r = cgroup_write_i64(t, "cpu.period", "cpu.cfs_period_us",
					     (int64_t)c->period, err);
		return r;
	}
	if (r == 0 && c->has_quota)
		r = cgroup_write_i64(t, "cpu.quota", "cpu.cfs_quota_us", c->quota, err);
	return r;
}

int cgroup_v1_cpu(const struct cgroup_target *t, const struct cgroup_resources *res,
		  struct iso_error *err)
{
	const struct cgroup_cpu *c = &res->cpu;
	int r = 0;

	if (!res->has_cpu)
		return 0;
	if (c->has_shares)
		r = cgroup_write_i64(t, "cpu.shares", "cpu.shares", (int64_t)c->shares, err);
	if (r == 0)
		r = v1_cfs(t, c, err);
	if (r == 0 && c->has_rt_period)
		r = cgroup_write_i64(t, "cpu.realtimePeriod", "cpu.rt_period_us",
				     (int64_t)c->rt_period, err);
	if (r == 0 && c->has_rt_runtime)
		r = cgroup_write_i64(t, "cpu.realtimeRuntime", "cpu.rt_runtime_us", c->rt_runtime,
				     err);
	if (r == 0 && c->has_idle)
		r = cgroup_write_i64(t, "cpu.idle", "cpu.idle", c->idle, err);
	return r;
}

/* ---- blkio ---- */

/* Without CFQ the weights live in BFQ's files. */
static const char *v1_blkio_file(int dirfd, const char *plain, const char *bfq)
{
	return cgroup_has_file(dirfd, plain) ? plain : bfq;
}

static const char *const v1_throttle_files[THROTTLE__COUNT] = {
    [THROTTLE_READ_BPS] = "blkio.throttle.read_bps_device",
    [THROTTLE_WRITE_BPS] = "blkio.throttle.write_bps_device",
    [THROTTLE_READ_IOPS] = "blkio.throttle.read_iops_device",
    [THROTTLE_WRITE_IOPS] = "blkio.throttle.write_iops_device",
};

static int v1_blkio_weights(const struct cgroup_target *t, const struct cgroup_block_io *b,
			    struct iso_error *err)
{
	char buf[64];
	int r = 0;

	if (b->has_weight)
		r = cgroup_write_i64(t, "blockIO.weight",
				     v1_blkio_file(t->dirfd, "blkio.weight", "blkio.bfq.weight"),
				     b->weight, err);
	if (r == 0 && b->has_leaf_weight)
		r = cgroup_write_i64(t, "blockIO.leafWeight", "blkio.leaf_weight", b->leaf_weight,
				     err);
	for (size_t i = 0; r == 0 && i < b->n_weight_devices; i++) {
		const struct cgroup_weight_device *d = &b->weight_devices[i];

		if (d->has_weight) {
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
				 d->weight);
			r = cgroup_write(t, "blockIO.weightDevice",
					 v1_blkio_file(t->dirfd, "blkio.weight_device",
						       "blkio.bfq.weight_device"),
					 buf, err);
		}
		if (r == 0 && d->has_leaf_weight) {
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
				 d->leaf_weight);
			r = cgroup_write(t, "blockIO.weightDevice", "blkio.leaf_weight_device", buf,
					 err);
		}
	}
	return r;
}

int cgroup_v1_blkio(const struct cgroup_target *t, const struct cgroup_resources *res,
		    struct iso_error *err)
{
	const struct cgroup_block_io *b = &res->block_io;
	char buf[96];
	int r;

	if (!res->has_block_io)
		return 0;
	r = v1_blkio_weights(t, b, err);
	for (size_t k = 0; r == 0 && k < THROTTLE__COUNT; k++) {
		for (size_t i = 0; r == 0 && i < b->throttle[k].n; i++) {
			const struct cgroup_throttle_device *d = &b->throttle[k].devices[i];

			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
				 d->minor, d->rate);
			r = cgroup_write(t, cgroup_throttle_fields[k], v1_throttle_files[k], buf,
					 err);
		}
	}
	return r;
}

/* ---- hugetlb, network, pids ---- */

int cgroup_v1_hugetlb(const struct cgroup_target *t, const struct cgroup_resources *res,
		      struct iso_error *err)
{
	char file[96];
	int r;

	for (size_t i = 0; i < res->n_hugepages; i++) {
		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes",
			 res->hugepages[i].page_size);
		r = cgroup_write_i64(t, "hugepageLimits", file, (int64_t)res->hugepages[i].limit,
				     err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_v1_network(const struct cgroup_target *t, const struct cgroup_resources *res,
		      struct iso_error *err)
{
	const struct cgroup_network *n = &res->network;
	char buf[128];
	int r;

	if (!res->has_network)
		return 0;
	if ((t->mask & CG_NET_CLS) && n->has_class_id &&
	    (r = cgroup_write_i64(t, "network.classID", "net_cls.classid", n->class_id, err)) < 0)
		return r;
	for (size_t i = 0; (t->mask & CG_NET_PRIO) && i < n->n_priorities; i++) {
		snprintf(buf, sizeof(buf), "%s %u", n->priorities[i].name,
			 n->priorities[i].priority);
		r = cgroup_write(t, "network.priorities", "net_prio.ifpriomap", buf, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_v1_pids(const struct cgroup_target *t, const struct cgroup_resources *res,
		   struct iso_error *err)
{
	const struct cgroup_pids *p = &res->pids;

	if (!res->has_pids || !p->has_limit)
		return 0;
	if (p->limit <= 0)
		return cgroup_write(t, "pids.limit", "pids.max", "max", err);
	return cgroup_write_i64(t, "pids.limit", "pids.max", p->limit, err);
}

/* ---- devices ---- */

static void format_v1_rule(const struct cgroup_device_rule *d, char *buf, size_t len)
{
	char major[24] = "*", minor[24] = "*", access[4];

	if (d->major >= 0)
		snprintf(major, sizeof(major), "%" PRId64, d->major);
	if (d->minor >= 0)
		snprintf(minor, sizeof(minor), "%" PRId64, d->minor);
	cgroup_device_access_format(d->access, access);
	if (d->type == 'a')
		snprintf(buf, len, "a");
	else
		snprintf(buf, len, "%c %s:%s %s", d->type, major, minor, access);
}

static int write_v1_rule(const struct cgroup_target *t, const struct cgroup_device_rule *d,
			 struct iso_error *err)
{
	char buf[96];

	format_v1_rule(d, buf, sizeof(buf));
	return cgroup_write(t, "devices", d->allow ? "devices.allow" : "devices.deny", buf, err);
}

int cgroup_v1_apply_devices(const struct cgroup_target *t, const struct cgroup_device_rule *rules,
			    size_t n, struct iso_error *err)
{
	for (size_t i = 0; i < n; i++) {
		struct cgroup_device_rule d = rules[i];
		int r;

		if (d.access == 0)
			continue;
		/* v1 reads "a" as everything with every access: a partial one is c and b. */
		if (d.type == 'a' &&
		    d.access != (CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD)) {
			d.type = 'c';
			d.major = d.minor = -1;
			if ((r = write_v1_rule(t, &d, err)) < 0)
				return r;
			d.type = 'b';
		}
		if ((r = write_v1_rule(t, &d, err)) < 0)
			return r;
	}
	return 0;
}
