/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's cgroup: on cgroup v1 (one hierarchy per controller group), cgroup v2 (one
 * unified hierarchy) and the hybrid layout (v1 controllers plus a cgroup2 mount that holds what
 * v1 does not).  The layout is read at run time from /proc/self/mountinfo; nothing is
 * configured.  The container's cgroup is one directory per hierarchy, listed in state.json
 * (struct state_cgroup), so that every verb finds it again.
 *
 * Where a resource is enforced: by the v1 hierarchy of its controller when one is mounted, else
 * by the cgroup2 hierarchy when that offers the controller; a resource that neither can enforce
 * is an error naming the field.  Devices are enforced by both in the hybrid layout (v1
 * devices.allow/deny, and a BPF program on the cgroup2 directory). */
#ifndef ISORUN_CGROUP_H
#define ISORUN_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/spec/cgroup_resources.h"
#include "runtime/spec/spec.h"
#include "runtime/state.h"
#include "util/error.h"

#define CGROUP_DEFAULT_PARENT "/isorun"

/* Controllers as bits; CG_BLKIO is "io" on cgroup v2. */
enum cgroup_controller {
	CG_CPU = 1u << 0,
	CG_CPUACCT = 1u << 1,
	CG_CPUSET = 1u << 2,
	CG_MEMORY = 1u << 3,
	CG_DEVICES = 1u << 4,
	CG_FREEZER = 1u << 5,
	CG_BLKIO = 1u << 6,
	CG_PIDS = 1u << 7,
	CG_HUGETLB = 1u << 8,
	CG_NET_CLS = 1u << 9,
	CG_NET_PRIO = 1u << 10,
};

/* One mounted hierarchy. */
struct cgroup_hierarchy {
	char *mount;	   /* mount point */
	char *mount_root;  /* the mount's root inside the hierarchy (mountinfo field 4) */
	char *own;	   /* the runtime's own cgroup in it (/proc/self/cgroup), or NULL */
	char *controllers; /* v1: the mount's controller options ("cpu,cpuacct"); "" for v2 */
	unsigned mask;	   /* v1: controllers it holds; v2: those cgroup.controllers offers */
	bool v2;
};

struct cgroup_layout {
	struct cgroup_hierarchy *h;
	size_t n;
};

/* Parses mountinfo and /proc/self/cgroup text (pure; the v2 mask is left 0). */
int cgroup_layout_parse(const char *mountinfo, const char *self_cgroup, struct cgroup_layout *ret,
			struct iso_error *err);
/* The host's layout, with the v2 masks read from cgroup.controllers. */
int cgroup_layout_detect(struct cgroup_layout *ret, struct iso_error *err);
void cgroup_layout_clear(struct cgroup_layout *l);

/* "cpu,cpuacct" (sep ',') or "cpu io memory" (sep ' ') -> mask.  v2 names "io" as CG_BLKIO. */
unsigned cgroup_controllers_parse(const char *list, char sep);
const char *cgroup_controller_v2_name(unsigned bit);

/* The controllers a resources object needs, and the first field of it that needs `bit`. */
unsigned cgroup_resources_needs(const struct cgroup_resources *r);
const char *cgroup_resources_field_for(const struct cgroup_resources *r, unsigned bit);

/* linux.cgroupsPath -> a normalized path: absolute ("/a/b") or relative ("a/b"); empty gives
 * CGROUP_DEFAULT_PARENT/ID.  ".." components are refused, "." and "//" folded. */
int cgroup_path_normalize(const char *cgroups_path, const char *id, char **ret,
			  struct iso_error *err);

/* Called by cgroup_create() with the planned entries (pending) before any directory is made, so
 * that create records them first: a runtime killed at any point leaves no cgroup that delete
 * cannot find.  A failure makes cgroup_create() fail having made nothing. */
struct cgroup_create_hook {
	int (*planned)(void *arg, const struct state_cgroup *cg, size_t n, struct iso_error *err);
	void *arg;
};

/* Plans the container's cgroup in every hierarchy, after checking that every resource asked
 * for can be enforced, and makes its cgroup2 directory (the init is cloned into it); on failure
 * removes what it made.  ret and ret_n get the per-hierarchy entries for state.json, the v1 ones
 * not made yet (created 0): cgroup_create_v1() makes them, after the clone, while the init
 * mounts.  hook may be NULL.  Nothing is applied yet: see cgroup_apply_config(). */
int cgroup_create(const struct spec *spec, const char *id, const struct cgroup_create_hook *hook,
		  struct state_cgroup **ret, size_t *ret_n, struct iso_error *err);

/* The systemd driver's cgroup_create(): the same checks, and the entries of the unit's cgroup
 * unit_path (absolute, below the cgroup root) recorded pending through hook, with at most the
 * leaf counted as made; but no directory is made: systemd makes the unit's when it starts it,
 * cgroup_create_v1() then the v1 ones systemd does not manage. */
int cgroup_plan_systemd(const struct spec *spec, const char *unit_path,
			const struct cgroup_create_hook *hook, struct state_cgroup **ret,
			size_t *ret_n, struct iso_error *err);

/* For a container without cgroups (--cgroup-manager disabled): a limit in linux.resources is
 * an error naming the field, as where no hierarchy can enforce it.  Device rules need no
 * check: the container has only the device nodes it is given. */
int cgroup_check_none(const struct spec *spec, struct iso_error *err);

/* Makes the v1 directories of the entries cgroup_create() planned, setting their created
 * counts, and then marks every entry no longer pending (record them at once).  On failure the
 * entries keep their counts: cgroup_destroy() removes what was made. */
int cgroup_create_v1(const struct spec *spec, struct state_cgroup *cg, size_t n,
		     struct iso_error *err);

/* The device rules the container's cgroup gets, in the order they are applied: deny all, then
 * linux.devices, linux.resources.devices (of r) and the OCI default devices.  -ENOMEM only. */
int cgroup_device_rules(const struct spec *spec, const struct cgroup_resources *r,
			struct cgroup_device_rule **ret, size_t *ret_n);

/* Applies linux.resources and the device rules (v1 devices lists, the cgroup2 BPF program) to
 * the cgroup cgroup_create() made for this spec.  Separate so that create can do it while the
 * init mounts the container's file system, before the init is moved in. */
int cgroup_apply_config(const struct spec *spec, const struct state_cgroup *cg, size_t n,
			struct iso_error *err);

/* An O_PATH|O_DIRECTORY fd of the container's cgroup2 directory, or -1. */
int cgroup_open_v2(const struct state_cgroup *cg, size_t n);

/* Moves pid into the container's cgroup in every hierarchy (but those it is already in). */
int cgroup_enter(const struct state_cgroup *cg, size_t n, pid_t pid, struct iso_error *err);

/* exec --cgroup: args (NULL-terminated, each "[CONTROLLER[,CONTROLLER...]:]PATH") -> a copy of
 * the container's entries with the existing sub-cgroups PATH (below the container's, no "..")
 * in their place.  With controllers, PATH must exist in their v1 hierarchies; without, it is
 * the only argument, applies where it exists, and must exist in one hierarchy at least. */
int cgroup_sub_resolve(const struct state_cgroup *cg, size_t n, char *const *args,
		       struct state_cgroup **ret, struct iso_error *err);

/* Kills what is left in the directories isorun made (thawing them first) and removes them, leaf
 * first, with the parents isorun created when they are empty.  A directory isorun did not make
 * is neither emptied nor removed; a pending one is only removed (rmdir refuses a busy one). */
int cgroup_destroy(const struct state_cgroup *cg, size_t n, struct iso_error *err);

/* Freezes (true) or thaws the cgroup and waits until the kernel says it is done. */
int cgroup_freeze(const struct state_cgroup *cg, size_t n, bool frozen, struct iso_error *err);

/* The host pids in the cgroup (sorted, no duplicates). */
int cgroup_pids(const struct state_cgroup *cg, size_t n, pid_t **ret, size_t *ret_n,
		struct iso_error *err);

/* Sends sig to every process, visible in the caller's pid namespace, of the directories isorun
 * made: a cgroup the config named but isorun did not make may hold others' processes. */
int cgroup_signal_all(const struct state_cgroup *cg, size_t n, int sig, struct iso_error *err);

/* Applies resources to the live cgroup (update); `where` prefixes field names in errors. */
int cgroup_update(const struct state_cgroup *cg, size_t n, const struct cgroup_resources *r,
		  const char *where, struct iso_error *err);

/* The full host path of one entry (mount + path). */
char *cgroup_dir_path(const struct state_cgroup *c);

#endif
