/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's resource usage as runc's `events` prints it ("data" of a "stats" event):
 * cpu, memory, pids, blkio and hugetlb, read from v1 files where the controller is a v1
 * hierarchy and from the v2 files otherwise.  Missing files leave zeros, as in runc. */
#include "config.h"
#include "runtime/cgroup/cgroup_stats.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_apply.h"
#include "util/cleanup.h"
#include "util/jsongen.h"

/* Directory fds of the hierarchies that hold each kind of statistics. */
struct stat_dirs {
	int cpu, cpuacct, memory, pids, blkio, hugetlb;
	bool v2_cpu, v2_memory, v2_pids, v2_blkio, v2_hugetlb;
};

static char *read_text(int dirfd, const char *file)
{
	struct iso_error ignored;
	char *text = NULL;

	if (dirfd < 0 || cgroup_read(dirfd, file, &text, &ignored) < 0)
		return NULL;
	return text;
}

uint64_t cgroup_stat_u64(const char *text)
{
	if (!text || !strncmp(text, "max", 3))
		return text ? UINT64_MAX : 0;
	return strtoull(text, NULL, 10);
}

/* The value of "key N" in a flat-keyed file (memory.stat, cpu.stat, memory.events). */
uint64_t cgroup_stat_key(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 10);
	return 0;
}

static uint64_t file_u64(int dirfd, const char *file)
{
	_cleanup_free_ char *t = read_text(dirfd, file);

	return cgroup_stat_u64(t);
}

static void kv_u64(yajl_gen g, const char *key, uint64_t v)
{
	jsongen_key(g, key);
	yajl_gen_integer(g, (long long)(v > INT64_MAX ? INT64_MAX : v));
}

/* ---- cpu ---- */

static void gen_percpu(yajl_gen g, int dirfd)
{
	_cleanup_free_ char *t = read_text(dirfd, "cpuacct.usage_percpu");

	jsongen_key(g, "percpu");
	yajl_gen_array_open(g);
	for (char *p = t, *end; p && *p; p = end) {
		unsigned long long v = strtoull(p, &end, 10);

		if (end == p)
			break;
		yajl_gen_integer(g, (long long)v);
	}
	yajl_gen_array_close(g);
}

static void gen_cpu(yajl_gen g, const struct stat_dirs *d)
{
	_cleanup_free_ char *stat = read_text(d->cpu, "cpu.stat");
	_cleanup_free_ char *acct = d->v2_cpu ? NULL : read_text(d->cpuacct, "cpuacct.stat");
	uint64_t ns_per_tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);

	jsongen_key(g, "cpu");
	yajl_gen_map_open(g);
	jsongen_key(g, "usage");
	yajl_gen_map_open(g);
	if (d->v2_cpu) {
		kv_u64(g, "total", cgroup_stat_key(stat, "usage_usec") * 1000);
		kv_u64(g, "kernel", cgroup_stat_key(stat, "system_usec") * 1000);
		kv_u64(g, "user", cgroup_stat_key(stat, "user_usec") * 1000);
	} else {
		kv_u64(g, "total", file_u64(d->cpuacct, "cpuacct.usage"));
		gen_percpu(g, d->cpuacct);
		kv_u64(g, "kernel", cgroup_stat_key(acct, "system") * ns_per_tick);
		kv_u64(g, "user", cgroup_stat_key(acct, "user") * ns_per_tick);
	}
	yajl_gen_map_close(g);
	jsongen_key(g, "throttling");
	yajl_gen_map_open(g);
	kv_u64(g, "periods", cgroup_stat_key(stat, "nr_periods"));
	kv_u64(g, "throttledPeriods", cgroup_stat_key(stat, "nr_throttled"));
	kv_u64(g, "throttledTime",
	       d->v2_cpu ? cgroup_stat_key(stat, "throttled_usec") * 1000
			 : cgroup_stat_key(stat, "throttled_time"));
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

/* ---- memory ---- */

static void gen_mem_entry(yajl_gen g, const char *name, int dirfd, const char *usage,
			  const char *max, const char *limit, const char *failcnt)
{
	jsongen_key(g, name);
	yajl_gen_map_open(g);
	kv_u64(g, "usage", file_u64(dirfd, usage));
	kv_u64(g, "max", max ? file_u64(dirfd, max) : 0);
	kv_u64(g, "limit", file_u64(dirfd, limit));
	kv_u64(g, "failcnt", failcnt ? file_u64(dirfd, failcnt) : 0);
	yajl_gen_map_close(g);
}

static void gen_raw(yajl_gen g, const char *stat)
{
	jsongen_key(g, "raw");
	yajl_gen_map_open(g);
	for (const char *p = stat; p && *p;) {
		size_t n = strcspn(p, " \n");
		char key[128];

		snprintf(key, sizeof(key), "%.*s", (int)(n < sizeof(key) ? n : sizeof(key) - 1), p);
		if (p[n] == ' ')
			kv_u64(g, key, strtoull(p + n + 1, NULL, 10));
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	yajl_gen_map_close(g);
}

/* "swap" is memory plus swap, as v1's memsw files count it and clients read it (runc reports
 * v2 so too); v2 keeps the swap apart.  A combined peak cannot be added up from the two: 0. */
static void gen_v2_swap(yajl_gen g, int m, uint64_t mem_usage, uint64_t mem_limit)
{
	_cleanup_free_ char *max = read_text(m, "memory.swap.max");
	uint64_t usage = 0, limit = 0;

	if (max) { /* no file: swap is not accounted, and all is 0 as in v1 without memsw */
		usage = file_u64(m, "memory.swap.current") + mem_usage;
		limit = cgroup_stat_u64(max);
		if (limit != UINT64_MAX)
			limit = mem_limit == UINT64_MAX ? UINT64_MAX : limit + mem_limit;
	}
	jsongen_key(g, "swap");
	yajl_gen_map_open(g);
	kv_u64(g, "usage", usage);
	kv_u64(g, "max", 0);
	kv_u64(g, "limit", limit);
	kv_u64(g, "failcnt", 0);
	yajl_gen_map_close(g);
}

static void gen_memory(yajl_gen g, const struct stat_dirs *d)
{
	_cleanup_free_ char *stat = read_text(d->memory, "memory.stat");
	int m = d->memory;

	jsongen_key(g, "memory");
	yajl_gen_map_open(g);
	if (d->v2_memory) {
		_cleanup_free_ char *events = read_text(m, "memory.events");
		uint64_t usage = file_u64(m, "memory.current"), limit = file_u64(m, "memory.max");

		jsongen_key(g, "usage");
		yajl_gen_map_open(g);
		kv_u64(g, "usage", usage);
		kv_u64(g, "max", file_u64(m, "memory.peak"));
		kv_u64(g, "limit", limit);
		kv_u64(g, "failcnt", cgroup_stat_key(events, "max"));
		yajl_gen_map_close(g);
		gen_v2_swap(g, m, usage, limit);
	} else {
		gen_mem_entry(g, "usage", m, "memory.usage_in_bytes", "memory.max_usage_in_bytes",
			      "memory.limit_in_bytes", "memory.failcnt");
		gen_mem_entry(g, "swap", m, "memory.memsw.usage_in_bytes",
			      "memory.memsw.max_usage_in_bytes", "memory.memsw.limit_in_bytes",
			      "memory.memsw.failcnt");
		gen_mem_entry(g, "kernel", m, "memory.kmem.usage_in_bytes",
			      "memory.kmem.max_usage_in_bytes", "memory.kmem.limit_in_bytes",
			      "memory.kmem.failcnt");
	}
	gen_raw(g, stat);
	yajl_gen_map_close(g);
}

/* ---- pids, blkio, hugetlb ---- */

static void gen_pids(yajl_gen g, const struct stat_dirs *d)
{
	uint64_t limit = file_u64(d->pids, "pids.max");

	jsongen_key(g, "pids");
	yajl_gen_map_open(g);
	kv_u64(g, "current", file_u64(d->pids, "pids.current"));
	kv_u64(g, "limit", limit == UINT64_MAX ? 0 : limit);
	yajl_gen_map_close(g);
}

static void gen_blkio_entry(yajl_gen g, unsigned maj, unsigned min, const char *op, uint64_t v)
{
	yajl_gen_map_open(g);
	kv_u64(g, "major", maj);
	kv_u64(g, "minor", min);
	jsongen_kv_str(g, "op", op);
	kv_u64(g, "value", v);
	yajl_gen_map_close(g);
}

static void gen_blkio(yajl_gen g, const struct stat_dirs *d)
{
	_cleanup_free_ char *t = read_text(
	    d->blkio, d->v2_blkio ? "io.stat" : "blkio.throttle.io_service_bytes_recursive");

	jsongen_key(g, "blkio");
	yajl_gen_map_open(g);
	jsongen_key(g, "ioServiceBytesRecursive");
	yajl_gen_array_open(g);
	for (const char *p = t; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		unsigned maj, min;
		unsigned long long v;
		char op[16];

		if (d->v2_blkio && sscanf(p, "%u:%u", &maj, &min) == 2) {
			const char *rb = strstr(p, "rbytes="), *wb = strstr(p, "wbytes=");
			const char *nl = strchr(p, '\n');

			if (rb && (!nl || rb < nl))
				gen_blkio_entry(g, maj, min, "Read", strtoull(rb + 7, NULL, 10));
			if (wb && (!nl || wb < nl))
				gen_blkio_entry(g, maj, min, "Write", strtoull(wb + 7, NULL, 10));
		} else if (!d->v2_blkio && sscanf(p, "%u:%u %15s %llu", &maj, &min, op, &v) == 4) {
			gen_blkio_entry(g, maj, min, op, v);
		}
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

/* One entry per hugepage size the kernel offers ("hugepages-2048kB" is "2MB" in the files). */
static void gen_hugetlb(yajl_gen g, const struct stat_dirs *d)
{
	_cleanup_closedir_ DIR *dir = d->hugetlb >= 0 ? opendir("/sys/kernel/mm/hugepages") : NULL;
	struct dirent *de;

	jsongen_key(g, "hugetlb");
	yajl_gen_map_open(g);
	while (dir && (de = readdir(dir))) {
		unsigned long kb;
		char size[32], file[96];

		if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		if (kb >= 1024 * 1024)
			snprintf(size, sizeof(size), "%luGB", kb / (1024 * 1024));
		else if (kb >= 1024)
			snprintf(size, sizeof(size), "%luMB", kb / 1024);
		else
			snprintf(size, sizeof(size), "%luKB", kb);
		jsongen_key(g, size);
		yajl_gen_map_open(g);
		snprintf(file, sizeof(file),
			 d->v2_hugetlb ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", size);
		kv_u64(g, "usage", file_u64(d->hugetlb, file));
		snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", size);
		kv_u64(g, "max", d->v2_hugetlb ? 0 : file_u64(d->hugetlb, file));
		snprintf(file, sizeof(file), "hugetlb.%s.failcnt", size);
		kv_u64(g, "failcnt", d->v2_hugetlb ? 0 : file_u64(d->hugetlb, file));
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

/* ---- finding the directories ---- */

static void stat_dirs_open(const struct state_cgroup *cg, size_t n, int *fds, struct stat_dirs *d)
{
	*d = (struct stat_dirs){-1, -1, -1, -1, -1, -1, false, false, false, false, false};
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = cgroup_dir_path(&cg[i]);
		bool v2 = !cg[i].controllers[0];
		unsigned mask;

		fds[i] = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (fds[i] < 0)
			continue;
		if (v2) {
			_cleanup_free_ char *c = read_text(fds[i], "cgroup.controllers");
			mask = cgroup_controllers_parse(c, ' ');
		} else {
			mask = cgroup_controllers_parse(cg[i].controllers, ',');
		}
#define PICK(bit, field, v2field)                                                                  \
	if ((mask & (bit)) && (d->field < 0 || !v2)) {                                             \
		d->field = fds[i];                                                                 \
		d->v2field = v2;                                                                   \
	}
		PICK(CG_CPU, cpu, v2_cpu);
		PICK(CG_MEMORY, memory, v2_memory);
		PICK(CG_PIDS, pids, v2_pids);
		PICK(CG_BLKIO, blkio, v2_blkio);
		PICK(CG_HUGETLB, hugetlb, v2_hugetlb);
#undef PICK
		if ((mask & CG_CPUACCT) && !v2)
			d->cpuacct = fds[i];
	}
}

int cgroup_stats_gen(const struct state_cgroup *cg, size_t n, yajl_gen g, struct iso_error *err)
{
	int *fds = calloc(n ? n : 1, sizeof(int));
	struct stat_dirs d;

	if (!fds)
		return iso_error_set(err, ENOMEM, "stats");
	stat_dirs_open(cg, n, fds, &d);
	yajl_gen_map_open(g);
	gen_cpu(g, &d);
	gen_memory(g, &d);
	gen_pids(g, &d);
	gen_blkio(g, &d);
	gen_hugetlb(g, &d);
	yajl_gen_map_close(g);
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return 0;
}
