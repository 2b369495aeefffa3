/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing linux.resources into one cgroup directory: the v1 files (cgroup_v1.c), the v2 files
 * (cgroup_v2.c) and the v2 device program (cgroup_bpf.c).  Each works on a directory fd, so the
 * unit tests run them against a fake cgroupfs tree in a temporary directory. */
#ifndef ISORUN_CGROUP_APPLY_H
#define ISORUN_CGROUP_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/spec/cgroup_resources.h"
#include "util/error.h"

struct cgroup_target {
	int dirfd;	   /* the container's cgroup directory in one hierarchy */
	const char *dir;   /* its host path, for messages */
	const char *where; /* prefix of field names: "config.json: linux.resources" or "update" */
	unsigned mask;	   /* the controllers it enforces (CG_*), set by the apply walk */
};

/* Writes value to dir/file; failures read "WHERE.FIELD: writing "VALUE" to DIR/FILE: errno". */
int cgroup_write(const struct cgroup_target *t, const char *field, const char *file,
		 const char *value, struct iso_error *err);
int cgroup_write_i64(const struct cgroup_target *t, const char *field, const char *file,
		     int64_t value, struct iso_error *err);
/* Reads dir/file (small) into a NUL-terminated heap buffer. */
int cgroup_read(int dirfd, const char *file, char **ret, struct iso_error *err);
/* Whether dir/file exists. */
bool cgroup_has_file(int dirfd, const char *file);
/* Whether dir/file holds `want` as a line (or as the whole content). */
bool cgroup_file_says(int dirfd, const char *file, const char *want);

/* A swap limit equal to the memory limit (no swap on top of it) on a kernel that keeps no swap
 * accounting (`file` is absent): there is nothing to write, and without accounting the memory
 * limit bounds RAM only.  Says so in a warning.  Any other swap value there stays an error. */
bool cgroup_swap_unaccounted(const struct cgroup_target *t, const struct cgroup_memory *m,
			     const char *file);

/* Applies the parts of r that belong to the controllers in mask, walking cgroup_controllers[]. */
int cgroup_v1_apply(const struct cgroup_target *t, unsigned mask, const struct cgroup_resources *r,
		    struct iso_error *err);
int cgroup_v2_apply(const struct cgroup_target *t, unsigned mask, const struct cgroup_resources *r,
		    struct iso_error *err);

/* Writes one controller's part of linux.resources (nothing when r does not set it). */
typedef int (*cgroup_apply_fn)(const struct cgroup_target *t, const struct cgroup_resources *r,
			       struct iso_error *err);

/* One row per part of linux.resources (cgroup_controllers.c): the controllers it needs, the
 * field errors name, whether r asks for it, and how each cgroup version writes it.  Adding a
 * controller is adding a row; the apply walks, the checks that a resource can be enforced
 * (cgroup.c) and the errors that name its field all read this table. */
struct cgroup_controller_row {
	unsigned bits;	   /* CG_*: applied where a directory enforces any of them; 0: always */
	const char *field; /* the member of linux.resources, as errors name it */
	/* Whether r asks for a limit that needs `bits` (NULL: never required, e.g. network,
	 * which is warned about when missing, or unified, checked on its own). */
	bool (*needs)(const struct cgroup_resources *r);
	cgroup_apply_fn v1; /* NULL: not on cgroup v1 */
	cgroup_apply_fn v2; /* NULL: not on cgroup v2 */
};

extern const struct cgroup_controller_row cgroup_controllers[];
extern const size_t cgroup_n_controllers;

int cgroup_v1_memory(const struct cgroup_target *t, const struct cgroup_resources *r,
		     struct iso_error *err);
int cgroup_v1_cpu(const struct cgroup_target *t, const struct cgroup_resources *r,
		  struct iso_error *err);
int cgroup_v1_pids(const struct cgroup_target *t, const struct cgroup_resources *r,
		   struct iso_error *err);
int cgroup_v1_blkio(const struct cgroup_target *t, const struct cgroup_resources *r,
		    struct iso_error *err);
int cgroup_v1_hugetlb(const struct cgroup_target *t, const struct cgroup_resources *r,
		      struct iso_error *err);
int cgroup_v1_network(const struct cgroup_target *t, const struct cgroup_resources *r,
		      struct iso_error *err);
int cgroup_v2_memory(const struct cgroup_target *t, const struct cgroup_resources *r,
		     struct iso_error *err);
int cgroup_v2_cpu(const struct cgroup_target *t, const struct cgroup_resources *r,
		  struct iso_error *err);
int cgroup_v2_pids(const struct cgroup_target *t, const struct cgroup_resources *r,
		   struct iso_error *err);
int cgroup_v2_io(const struct cgroup_target *t, const struct cgroup_resources *r,
		 struct iso_error *err);
int cgroup_v2_hugetlb(const struct cgroup_target *t, const struct cgroup_resources *r,
		      struct iso_error *err);
int cgroup_v2_unified(const struct cgroup_target *t, const struct cgroup_resources *r,
		      struct iso_error *err);

/* v1 devices.deny/devices.allow from a complete rule list (the first rule denies everything). */
int cgroup_v1_apply_devices(const struct cgroup_target *t, const struct cgroup_device_rule *rules,
			    size_t n, struct iso_error *err);

/* The v2 device filter: a BPF_PROG_TYPE_CGROUP_DEVICE program evaluating the rules (the last
 * matching rule decides, nothing matching denies), attached to the directory. */
struct bpf_insn;
int cgroup_bpf_build(const struct cgroup_device_rule *rules, size_t n, struct bpf_insn **ret,
		     size_t *ret_n);
int cgroup_bpf_attach_devices(const struct cgroup_target *t, const struct cgroup_device_rule *rules,
			      size_t n, struct iso_error *err);

/* Removes the (empty) directories, leaf first, with the parents isorun created when empty. */
struct state_cgroup;
int cgroup_destroy_dirs(const struct state_cgroup *cg, size_t n, struct iso_error *err);

/* The same, one rmdir each and no retry, from the last entry back to the first that will not
 * go (busy, or not made by isorun): returns how many are left, cg[0] .. cg[left - 1]. */
size_t cgroup_destroy_dirs_if_empty(const struct state_cgroup *cg, size_t n);

#endif
