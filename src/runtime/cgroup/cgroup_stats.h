/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resource usage and OOM notifications of a container's cgroup, for `events`. */
#ifndef ISORUN_CGROUP_STATS_H
#define ISORUN_CGROUP_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "runtime/state.h"
#include "util/error.h"

/* Generates runc's stats object ({"cpu": ..., "memory": ..., "pids": ..., "blkio": ...,
 * "hugetlb": ...}) into g. */
int cgroup_stats_gen(const struct state_cgroup *cg, size_t n, yajl_gen g, struct iso_error *err);

/* Parsing helpers for the stat files ("max" is UINT64_MAX; absent text is 0). */
uint64_t cgroup_stat_u64(const char *text);
uint64_t cgroup_stat_key(const char *text, const char *key);

/* OOM kills: v1 memory.oom_control through an eventfd, v2 memory.events through inotify. */
struct cgroup_oom_watch {
	int fd;		/* poll for POLLIN */
	int memory_dir; /* the memory cgroup directory */
	bool v2;
	uint64_t oom_kills; /* count seen so far */
};

int cgroup_oom_watch_open(const struct state_cgroup *cg, size_t n, struct cgroup_oom_watch *w,
			  struct iso_error *err);
/* After POLLIN: how many OOM kills happened since the last call. */
uint64_t cgroup_oom_watch_read(struct cgroup_oom_watch *w);
void cgroup_oom_watch_close(struct cgroup_oom_watch *w);

#endif
