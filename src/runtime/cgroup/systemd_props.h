/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure half of the systemd cgroup driver: linux.cgroupsPath ("slice:prefix:name") as a
 * unit and its cgroup, and linux.resources and org.systemd.property.* annotations as unit
 * properties.  No D-Bus here: the properties are text ("NAME=SIG:VALUE", see
 * struct systemd_prop) that the helper (src/systemd/sd_helper_main.c) turns into D-Bus values,
 * so that this part is unit-tested and isorun itself never links libsystemd. */
#ifndef ISORUN_SYSTEMD_PROPS_H
#define ISORUN_SYSTEMD_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/spec/cgroup_resources.h"
#include "util/error.h"

#define SYSTEMD_DEFAULT_SLICE  "system.slice"
#define SYSTEMD_DEFAULT_PREFIX "isorun"
#define SYSTEMD_ANNOTATION     "org.systemd.property."

/* The unit a container's cgroup is. */
struct systemd_unit {
	char *slice;	   /* the parent slice ("system.slice") */
	char *name;	   /* "prefix-name.scope", or "name.slice" */
	char *cgroup_path; /* below the cgroup root: "/system.slice/prefix-name.scope" */
	bool is_slice;
};

/* linux.cgroupsPath "slice:prefix:name" (NULL or empty: system.slice:isorun:ID), as runc
 * reads it: an empty slice is system.slice, an empty prefix gives "name.scope", a name ending
 * in .slice makes a slice.  Any other form is an error naming the field. */
int systemd_unit_parse(const char *cgroups_path, const char *id, struct systemd_unit *ret,
		       struct iso_error *err);
void systemd_unit_clear(struct systemd_unit *u);

/* A slice's cgroup path, as systemd nests slices: "a-b.slice" -> "/a.slice/a-b.slice";
 * "-.slice" is the root (""). */
int systemd_slice_path(const char *slice, char **ret, struct iso_error *err);

/* One property: NAME, its D-Bus signature (s b t x u i q n y d au ay a(ss)), and its value as
 * text: a string as it is, b as 0 or 1, numbers in decimal, au as a comma list, ay as hex,
 * a(ss) as pairs "FIRST SECOND" joined by ',' ("/dev/char/1:3 rwm,char-* m"; the first string
 * holds no ' ', neither holds ','; the empty text is the empty array). */
struct systemd_prop {
	char *name;
	char sig[8];
	char *value;
};

struct systemd_props {
	struct systemd_prop *p;
	size_t n;
};

void systemd_props_clear(struct systemd_props *ps);
int systemd_props_add(struct systemd_props *ps, const char *name, const char *sig,
		      const char *value);
int systemd_props_add_u64(struct systemd_props *ps, const char *name, uint64_t value);
/* "NAME=SIG:VALUE", as the helper takes it on its command line. */
char *systemd_prop_format(const struct systemd_prop *p);

/* cpu.cfs_quota_us/period -> CPUQuotaPerSecUSec, rounded up to a whole percent as systemd
 * keeps it (runc does the same); quota < 0 is no limit (UINT64_MAX). */
uint64_t systemd_quota_per_sec(int64_t quota, uint64_t period);

/* "0-3,8" -> the bitmask systemd takes for AllowedCPUs/AllowedMemoryNodes (byte i, bit j is
 * cpu 8i+j), as hex text; -EINVAL for a malformed list. */
int systemd_cpuset_mask(const char *list, char **ret_hex);

/* The properties of what systemd can enforce of r: MemoryMax, MemorySwapMax, MemoryLow,
 * TasksMax, CPUWeight, CPUQuotaPerSecUSec, CPUQuotaPeriodUSec, AllowedCPUs,
 * AllowedMemoryNodes, IOWeight (v2 names; on v1 systemd's v1 ones).  The rest stays for the
 * cgroup files. */
int systemd_props_from_resources(const struct cgroup_resources *r, bool v2,
				 struct systemd_props *ps, const char *where,
				 struct iso_error *err);

/* On a v1 or hybrid host, the device rules (in the order cgroup_v1_apply_devices() writes
 * them) as DevicePolicy=strict and DeviceAllow= entries that give the unit's v1 devices cgroup
 * the same list those writes give it: systemd writes its own list whenever it applies the unit
 * again (daemon-reload), which without these is "a *:* rwm".  Returns 0, 1 where a rule could not
 * be expressed and the unit allows less than the rules (see systemd_props.c), or -ENOMEM. */
int systemd_props_from_devices(const struct cgroup_device_rule *rules, size_t n,
			       struct systemd_props *ps);

/* One org.systemd.property.NAME annotation, in the GVariant text runc accepts: true/false,
 * 'string' or "string", a number (an integer is uint64; a NAMESec value in seconds becomes
 * NAMEUSec), or a typed number ("uint32 5", "@t 5", "int64 -1").  Errors name the annotation. */
int systemd_prop_from_annotation(const char *key, const char *value, struct systemd_props *ps,
				 struct iso_error *err);

#endif
