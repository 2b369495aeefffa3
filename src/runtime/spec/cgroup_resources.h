/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources (OCI runtime spec 1.2) as typed structs, parsed with the table-driven walker
 * so that every type and range error names its JSON path before any cgroup is made.  The same
 * parser reads `isorun update -r FILE`, whose document is a bare resources object. */
#ifndef ISORUN_CGROUP_RESOURCES_H
#define ISORUN_CGROUP_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "util/json_walk.h"
#include "util/error.h"

struct cgroup_memory {
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
	bool has_disable_oom_killer;
	int64_t limit;	     /* bytes, -1 for unlimited */
	int64_t reservation; /* bytes, -1 for unlimited */
	int64_t swap;	     /* memory + swap in bytes (the v1 meaning), -1 for unlimited */
	int64_t kernel;	     /* deprecated: accepted and ignored with a warning */
	int64_t kernel_tcp;  /* idem */
	uint64_t swappiness; /* 0..100, v1 only */
	bool disable_oom_killer;
};

struct cgroup_cpu {
	bool has_shares, has_quota, has_period, has_rt_runtime, has_rt_period, has_idle;
	uint64_t shares;
	int64_t quota; /* microseconds per period, -1 for unlimited */
	uint64_t period;
	int64_t rt_runtime;
	uint64_t rt_period;
	int64_t idle;
	char *cpus; /* NULL when absent */
	char *mems;
};

/* Major and minor are int64 in the spec; -1 (or absent, in device rules) is the wildcard. */
struct cgroup_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint32_t weight, leaf_weight;
};

struct cgroup_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

enum cgroup_throttle_kind {
	THROTTLE_READ_BPS,
	THROTTLE_WRITE_BPS,
	THROTTLE_READ_IOPS,
	THROTTLE_WRITE_IOPS,
	THROTTLE__COUNT,
};

/* The JSON path of each kind, for errors ("blockIO.throttleReadBpsDevice"). */
extern const char *const cgroup_throttle_fields[THROTTLE__COUNT];

struct cgroup_throttle_list {
	struct cgroup_throttle_device *devices;
	size_t n;
};

struct cgroup_block_io {
	bool has_weight, has_leaf_weight;
	uint32_t weight, leaf_weight;
	struct cgroup_weight_device *weight_devices;
	size_t n_weight_devices;
	struct cgroup_throttle_list throttle[THROTTLE__COUNT];
};

struct cgroup_hugepage {
	char *page_size; /* "2MB", "1GB": the kernel's own spelling in the file names */
	uint64_t limit;
};

struct cgroup_net_priority {
	char *name;
	uint32_t priority;
};

struct cgroup_device_rule {
	bool allow;
	char type;	 /* 'a', 'c' or 'b' */
	int64_t major;	 /* -1: any */
	int64_t minor;	 /* -1: any */
	unsigned access; /* CGROUP_DEV_* bits */
};

#define CGROUP_DEV_READ	 1u
#define CGROUP_DEV_WRITE 2u
#define CGROUP_DEV_MKNOD 4u

struct cgroup_pids {
	bool has_limit;
	int64_t limit; /* -1 or 0: unlimited */
};

struct cgroup_network {
	bool has_class_id;
	uint32_t class_id;
	struct cgroup_net_priority *priorities;
	size_t n_priorities;
};

struct cgroup_resources {
	bool has_memory, has_cpu, has_pids, has_block_io, has_network;
	struct cgroup_memory memory;
	struct cgroup_cpu cpu;
	struct cgroup_pids pids;
	struct cgroup_block_io block_io;
	struct cgroup_hugepage *hugepages;
	size_t n_hugepages;
	struct cgroup_network network;
	struct json_string_pair *unified;
	size_t n_unified;
	/* Only from config.json (update never changes device rules). */
	struct cgroup_device_rule *devices;
	size_t n_devices;
};

/* Walks a resources object; w's path is where it lies ("linux.resources" for config.json, empty
 * for update's file).  obj NULL leaves *res zeroed. */
int cgroup_resources_parse(struct json_walk *w, yajl_val obj, struct cgroup_resources *res);

/* Parses a standalone resources document (update -r); name prefixes the errors. */
int cgroup_resources_parse_text(const char *text, size_t len, const char *name,
				struct cgroup_resources *res, struct iso_error *err);

void cgroup_resources_clear(struct cgroup_resources *res);
#define _cleanup_cgroup_resources_ __attribute__((cleanup(cgroup_resources_clear)))

/* "rwm" -> CGROUP_DEV_* bits, and back (buf holds at least 4 bytes).  An 'a' is accepted and
 * grants nothing, as in runc ("rwa" is "rw"); "a" alone is -ENODATA, other letters -EINVAL. */
int cgroup_device_access_parse(const char *s, unsigned *ret);
void cgroup_device_access_format(unsigned access, char buf[4]);

/* cpu.shares (2..262144) -> cpu.weight (1..10000), the conversion crun documents. */
uint64_t cgroup_shares_to_weight(uint64_t shares);

/* blkio.weight (10..1000) -> io.weight (1..10000), crun's conversion. */
uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight);

#endif
