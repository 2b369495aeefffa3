/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/spec/cgroup_resources.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

/* ---- memory, cpu, pids ---- */

#define HAS(type, flag) .flags = JSON_HAS, .has_offset = offsetof(type, flag)

static const struct json_field memory_fields[] = {
    /* Below -1 the kernel's EINVAL came back blamed on memory.swap (cgroup_v1.c retries with
     * swap first); refused here, the message names the field at fault. */
    JSON_FIELD("limit", JSON_INT64, struct cgroup_memory, limit, .flags = JSON_HAS | JSON_RANGE,
	       .has_offset = offsetof(struct cgroup_memory, has_limit), .min = -1,
	       .max = INT64_MAX),
    JSON_FIELD("reservation", JSON_INT64, struct cgroup_memory, reservation,
	       HAS(struct cgroup_memory, has_reservation)),
    JSON_FIELD("swap", JSON_INT64, struct cgroup_memory, swap, HAS(struct cgroup_memory, has_swap)),
    JSON_FIELD("kernel", JSON_INT64, struct cgroup_memory, kernel,
	       HAS(struct cgroup_memory, has_kernel)),
    JSON_FIELD("kernelTCP", JSON_INT64, struct cgroup_memory, kernel_tcp,
	       HAS(struct cgroup_memory, has_kernel_tcp)),
    JSON_FIELD("swappiness", JSON_UINT64, struct cgroup_memory, swappiness,
	       .flags = JSON_HAS | JSON_RANGE,
	       .has_offset = offsetof(struct cgroup_memory, has_swappiness), .min = 0, .max = 100),
    JSON_FIELD("disableOOMKiller", JSON_BOOL, struct cgroup_memory, disable_oom_killer,
	       HAS(struct cgroup_memory, has_disable_oom_killer)),
    {0},
};

static const struct json_field cpu_fields[] = {
    JSON_FIELD("shares", JSON_UINT64, struct cgroup_cpu, shares,
	       HAS(struct cgroup_cpu, has_shares)),
    JSON_FIELD("quota", JSON_INT64, struct cgroup_cpu, quota, HAS(struct cgroup_cpu, has_quota)),
    JSON_FIELD("period", JSON_UINT64, struct cgroup_cpu, period,
	       HAS(struct cgroup_cpu, has_period)),
    JSON_FIELD("realtimeRuntime", JSON_INT64, struct cgroup_cpu, rt_runtime,
	       HAS(struct cgroup_cpu, has_rt_runtime)),
    JSON_FIELD("realtimePeriod", JSON_UINT64, struct cgroup_cpu, rt_period,
	       HAS(struct cgroup_cpu, has_rt_period)),
    JSON_FIELD("cpus", JSON_STRING, struct cgroup_cpu, cpus),
    JSON_FIELD("mems", JSON_STRING, struct cgroup_cpu, mems),
    JSON_FIELD("idle", JSON_INT64, struct cgroup_cpu, idle, HAS(struct cgroup_cpu, has_idle)),
    {0},
};

static const struct json_field pids_fields[] = {
    JSON_FIELD("limit", JSON_INT64, struct cgroup_pids, limit, .flags = JSON_HAS | JSON_REQUIRED,
	       .has_offset = offsetof(struct cgroup_pids, has_limit)),
    {0},
};

/* ---- blockIO ---- */

static const struct json_field weight_device_fields[] = {
    JSON_FIELD("major", JSON_INT64, struct cgroup_weight_device, major, .flags = JSON_REQUIRED),
    JSON_FIELD("minor", JSON_INT64, struct cgroup_weight_device, minor, .flags = JSON_REQUIRED),
    JSON_FIELD(
	"weight", JSON_UINT32, struct cgroup_weight_device, weight, .flags = JSON_HAS | JSON_RANGE,
	.has_offset = offsetof(struct cgroup_weight_device, has_weight), .min = 10, .max = 1000),
    JSON_FIELD("leafWeight", JSON_UINT32, struct cgroup_weight_device, leaf_weight,
	       .flags = JSON_HAS | JSON_RANGE,
	       .has_offset = offsetof(struct cgroup_weight_device, has_leaf_weight), .min = 10,
	       .max = 1000),
    {0},
};

static const struct json_field throttle_fields[] = {
    JSON_FIELD("major", JSON_INT64, struct cgroup_throttle_device, major, .flags = JSON_REQUIRED),
    JSON_FIELD("minor", JSON_INT64, struct cgroup_throttle_device, minor, .flags = JSON_REQUIRED),
    JSON_FIELD("rate", JSON_UINT64, struct cgroup_throttle_device, rate, .flags = JSON_REQUIRED),
    {0},
};

/* A device of a weight or throttle entry is a real device: no wildcard. */
static int check_device_numbers(struct json_walk *w, int64_t major, int64_t minor)
{
	if (major < 0 || major > 0xfff)
		return json_walk_fail_at(w, "major", "must be between 0 and 4095");
	if (minor < 0 || minor > 0xfffff)
		return json_walk_fail_at(w, "minor", "must be between 0 and 1048575");
	return 0;
}

static int check_weight_device(struct json_walk *w, yajl_val obj, void *elems, size_t i)
{
	struct cgroup_weight_device *d = (struct cgroup_weight_device *)elems + i;

	(void)obj;
	return check_device_numbers(w, d->major, d->minor);
}

static int check_throttle_device(struct json_walk *w, yajl_val obj, void *elems, size_t i)
{
	struct cgroup_throttle_device *d = (struct cgroup_throttle_device *)elems + i;

	(void)obj;
	return check_device_numbers(w, d->major, d->minor);
}

#define THROTTLE(json_name, kind)                                                                  \
	JSON_FIELD(json_name, JSON_OBJECT_ARRAY, struct cgroup_block_io, throttle[kind].devices,   \
		   .count_offset = offsetof(struct cgroup_block_io, throttle[kind].n),             \
		   .elem_size = sizeof(struct cgroup_throttle_device), .fields = throttle_fields,  \
		   .check = check_throttle_device)

const char *const cgroup_throttle_fields[THROTTLE__COUNT] = {
    [THROTTLE_READ_BPS] = "blockIO.throttleReadBpsDevice",
    [THROTTLE_WRITE_BPS] = "blockIO.throttleWriteBpsDevice",
    [THROTTLE_READ_IOPS] = "blockIO.throttleReadIOPSDevice",
    [THROTTLE_WRITE_IOPS] = "blockIO.throttleWriteIOPSDevice",
};

static const struct json_field block_io_fields[] = {
    JSON_FIELD("weight", JSON_UINT32, struct cgroup_block_io, weight,
	       .flags = JSON_HAS | JSON_RANGE,
	       .has_offset = offsetof(struct cgroup_block_io, has_weight), .min = 10, .max = 1000),
    JSON_FIELD("leafWeight", JSON_UINT32, struct cgroup_block_io, leaf_weight,
	       .flags = JSON_HAS | JSON_RANGE,
	       .has_offset = offsetof(struct cgroup_block_io, has_leaf_weight), .min = 10,
	       .max = 1000),
    JSON_FIELD("weightDevice", JSON_OBJECT_ARRAY, struct cgroup_block_io, weight_devices,
	       .count_offset = offsetof(struct cgroup_block_io, n_weight_devices),
	       .elem_size = sizeof(struct cgroup_weight_device), .fields = weight_device_fields,
	       .check = check_weight_device),
    THROTTLE("throttleReadBpsDevice", THROTTLE_READ_BPS),
    THROTTLE("throttleWriteBpsDevice", THROTTLE_WRITE_BPS),
    THROTTLE("throttleReadIOPSDevice", THROTTLE_READ_IOPS),
    THROTTLE("throttleWriteIOPSDevice", THROTTLE_WRITE_IOPS),
    {0},
};

/* ---- hugepages, network ---- */

static int check_hugepage(struct json_walk *w, yajl_val obj, void *elems, size_t i)
{
	const char *size = ((struct cgroup_hugepage *)elems)[i].page_size;
	size_t digits = strspn(size, "0123456789");

	(void)obj;
	/* The size becomes part of a file name: digits and a unit, nothing else. */
	if (digits == 0 || (strcmp(size + digits, "KB") && strcmp(size + digits, "MB") &&
			    strcmp(size + digits, "GB")))
		return json_walk_fail_at(w, "pageSize", "\"%s\" is not a page size like 2MB or 1GB",
					 size);
	return 0;
}

static const struct json_field hugepage_fields[] = {
    JSON_FIELD("pageSize", JSON_STRING, struct cgroup_hugepage, page_size, .flags = JSON_REQUIRED),
    JSON_FIELD("limit", JSON_UINT64, struct cgroup_hugepage, limit, .flags = JSON_REQUIRED),
    {0},
};

static int check_priority(struct json_walk *w, yajl_val obj, void *elems, size_t i)
{
	const char *name = ((struct cgroup_net_priority *)elems)[i].name;

	(void)obj;
	if (!*name || strpbrk(name, " \t\n/"))
		return json_walk_fail_at(w, "name", "\"%s\" is not an interface name", name);
	return 0;
}

static const struct json_field priority_fields[] = {
    JSON_FIELD("name", JSON_STRING, struct cgroup_net_priority, name, .flags = JSON_REQUIRED),
    JSON_FIELD("priority", JSON_UINT32, struct cgroup_net_priority, priority,
	       .flags = JSON_REQUIRED),
    {0},
};

static const struct json_field network_fields[] = {
    JSON_FIELD("classID", JSON_UINT32, struct cgroup_network, class_id,
	       HAS(struct cgroup_network, has_class_id)),
    JSON_FIELD("priorities", JSON_OBJECT_ARRAY, struct cgroup_network, priorities,
	       .count_offset = offsetof(struct cgroup_network, n_priorities),
	       .elem_size = sizeof(struct cgroup_net_priority), .fields = priority_fields,
	       .check = check_priority),
    {0},
};

/* ---- devices ---- */

/* The 'a' of an access string while it is parsed; never in a result. */
#define CGROUP_DEV_A_SEEN 8u

int cgroup_device_access_parse(const char *s, unsigned *ret)
{
	unsigned bits = 0;

	for (; *s; s++) {
		unsigned b = *s == 'r'	 ? CGROUP_DEV_READ
			     : *s == 'w' ? CGROUP_DEV_WRITE
			     : *s == 'm' ? CGROUP_DEV_MKNOD
			     : *s == 'a' ? CGROUP_DEV_A_SEEN
					 : 0;

		if (!b || (bits & b))
			return -EINVAL;
		bits |= b;
	}
	/* runc 1.1.5 takes an 'a' and grants nothing for it ("rwa" is "rw"); on "a" alone, a rule
	 * that grants nothing and most likely meant every access, it fails. */
	if (bits == CGROUP_DEV_A_SEEN)
		return -ENODATA;
	*ret = bits & ~CGROUP_DEV_A_SEEN;
	return 0;
}

void cgroup_device_access_format(unsigned access, char buf[4])
{
	size_t n = 0;

	if (access & CGROUP_DEV_READ)
		buf[n++] = 'r';
	if (access & CGROUP_DEV_WRITE)
		buf[n++] = 'w';
	if (access & CGROUP_DEV_MKNOD)
		buf[n++] = 'm';
	buf[n] = '\0';
}

static int parse_device_type(struct json_walk *w, yajl_val v, void *dst)
{
	const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

	if (!s || (strcmp(s, "a") && strcmp(s, "c") && strcmp(s, "b")))
		return json_walk_fail(w, "expected \"a\", \"c\" or \"b\"");
	*(char *)dst = s[0];
	return 0;
}

static int parse_device_access(struct json_walk *w, yajl_val v, void *dst)
{
	const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
	int r = s ? cgroup_device_access_parse(s, dst) : -EINVAL;

	if (r == -ENODATA)
		return json_walk_fail(w, "\"a\" grants no access: every access is \"rwm\"");
	if (r < 0)
		return json_walk_fail(w, "expected a combination of r, w and m (an a is ignored)");
	return 0;
}

static const struct json_field device_rule_fields[] = {
    JSON_FIELD("allow", JSON_BOOL, struct cgroup_device_rule, allow, .flags = JSON_REQUIRED),
    JSON_FIELD("type", JSON_CUSTOM, struct cgroup_device_rule, type, .parse = parse_device_type),
    JSON_FIELD("major", JSON_INT64, struct cgroup_device_rule, major, .flags = JSON_RANGE,
	       .min = -1, .max = 0xfff),
    JSON_FIELD("minor", JSON_INT64, struct cgroup_device_rule, minor, .flags = JSON_RANGE,
	       .min = -1, .max = 0xfffff),
    JSON_FIELD("access", JSON_CUSTOM, struct cgroup_device_rule, access,
	       .parse = parse_device_access),
    {0},
};

/* ---- the resources object ---- */

static int check_unified(struct json_walk *w, const struct cgroup_resources *res)
{
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *key = res->unified[i].key;

		/* The key names a file of the container's cgroup directory, and only that. */
		if (!strchr(key, '.') || key[0] == '.' || strchr(key, '/') ||
		    !strncmp(key, "cgroup.", 7))
			return json_walk_fail_at(w, "unified", "\"%s\" is not a controller file",
						 key);
	}
	return 0;
}

static const struct json_field resources_fields[] = {
    JSON_FIELD("memory", JSON_OBJECT, struct cgroup_resources, memory, .fields = memory_fields,
	       HAS(struct cgroup_resources, has_memory)),
    JSON_FIELD("cpu", JSON_OBJECT, struct cgroup_resources, cpu, .fields = cpu_fields,
	       HAS(struct cgroup_resources, has_cpu)),
    JSON_FIELD("pids", JSON_OBJECT, struct cgroup_resources, pids, .fields = pids_fields,
	       HAS(struct cgroup_resources, has_pids)),
    JSON_FIELD("blockIO", JSON_OBJECT, struct cgroup_resources, block_io, .fields = block_io_fields,
	       HAS(struct cgroup_resources, has_block_io)),
    JSON_FIELD("hugepageLimits", JSON_OBJECT_ARRAY, struct cgroup_resources, hugepages,
	       .count_offset = offsetof(struct cgroup_resources, n_hugepages),
	       .elem_size = sizeof(struct cgroup_hugepage), .fields = hugepage_fields,
	       .check = check_hugepage),
    JSON_FIELD("network", JSON_OBJECT, struct cgroup_resources, network, .fields = network_fields,
	       HAS(struct cgroup_resources, has_network)),
    JSON_FIELD("unified", JSON_STRING_MAP, struct cgroup_resources, unified,
	       .count_offset = offsetof(struct cgroup_resources, n_unified),
	       .elem_size = sizeof(struct json_string_pair)),
    {0},
};

/* Absent type, major, minor and access are wildcards, so each rule starts from the wildcard
 * before the walker stores what is present. */
static int parse_device_rules(struct json_walk *w, yajl_val arr, struct cgroup_resources *res)
{
	size_t n, mark;
	int r;

	if (!arr)
		return 0;
	mark = json_walk_push_key(w, "devices");
	if (!YAJL_IS_ARRAY(arr))
		return json_walk_fail(w, "expected an array");
	n = YAJL_GET_ARRAY(arr)->len;
	res->devices = calloc(n ? n : 1, sizeof(*res->devices));
	if (!res->devices)
		return json_walk_oom(w);
	for (size_t i = 0; i < n; i++) {
		size_t m = json_walk_push_index(w, i);

		res->devices[i] = (struct cgroup_device_rule){
		    .type = 'a',
		    .major = -1,
		    .minor = -1,
		    .access = CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD};
		res->n_devices = i + 1;
		r = json_walk_object(w, YAJL_GET_ARRAY(arr)->values[i], device_rule_fields,
				     &res->devices[i]);
		if (r < 0)
			return r;
		json_walk_pop(w, m);
	}
	json_walk_pop(w, mark);
	return 0;
}

static int check_swap(struct json_walk *w, const struct cgroup_memory *m)
{
	size_t mark;
	int r;

	if (!m->has_swap || !m->has_limit || m->swap < 0 || m->limit < 0 || m->swap >= m->limit)
		return 0;
	mark = json_walk_push_key(w, "memory");
	r = json_walk_fail_at(w, "swap",
			      "%lld is less than memory.limit %lld (swap is the limit of memory "
			      "plus swap)",
			      (long long)m->swap, (long long)m->limit);
	json_walk_pop(w, mark);
	return r;
}

int cgroup_resources_parse(struct json_walk *w, yajl_val obj, struct cgroup_resources *res)
{
	int r;

	memset(res, 0, sizeof(*res));
	if (!obj)
		return 0;
	r = json_walk_object(w, obj, resources_fields, res);
	if (r < 0 || (r = parse_device_rules(w, json_object_get(obj, "devices"), res)) < 0 ||
	    (r = check_swap(w, &res->memory)) < 0)
		return r;
	return check_unified(w, res);
}
int cgroup_resources_parse_text(const char *text, size_t len, const char *name,
				struct cgroup_resources *res, struct iso_error *err)
{
	struct json_walk w;
	yajl_val tree;
	int r;

	r = json_parse_tree(text, len, name, &tree, err);
	if (r < 0)
		return r;
	json_walk_init(&w, name, err);
	r = cgroup_resources_parse(&w, tree, res);
	yajl_tree_free(tree);
	return r;
}

void cgroup_resources_clear(struct cgroup_resources *res)
{
	free(res->cpu.cpus);
	free(res->cpu.mems);
	free(res->block_io.weight_devices);
	for (size_t k = 0; k < THROTTLE__COUNT; k++)
		free(res->block_io.throttle[k].devices);
	for (size_t i = 0; i < res->n_hugepages; i++)
		free(res->hugepages[i].page_size);
	free(res->hugepages);
	for (size_t i = 0; i < res->network.n_priorities; i++)
		free(res->network.priorities[i].name);
	free(res->network.priorities);
	for (size_t i = 0; i < res->n_unified; i++) {
		free(res->unified[i].key);
		free(res->unified[i].value);
	}
	free(res->unified);
	free(res->devices);
	memset(res, 0, sizeof(*res));
}

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight)
{
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}
