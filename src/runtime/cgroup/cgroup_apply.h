/* Writing linux.resources into one cgroup directory: the v1 files (cgroup_v1.c), the v2 files
 * (cgroup_v2.c) and the v2 device program (cgroup_bpf.c).  Each works on a directory fd, so the
 * unit tests run them against a fake cgroupfs tree in a temporary directory. */
#ifndef ISORUN_CGROUP_APPLY_H
#define ISORUN_CGROUP_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/cgroup/cgroup_resources.h"
#include "util/error.h"

struct cgroup_target {
	int dirfd;	   /* the container's cgroup directory in one hierarchy */
	const char *dir;   /* its host path, for messages */
	const char *where; /* prefix of field names: "config.json: linux.resources" or "update" */
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

/* Applies the parts of r that belong to the controllers in mask. */
int cgroup_v1_apply(const struct cgroup_target *t, unsigned mask, const struct cgroup_resources *r,
		    struct iso_error *err);
int cgroup_v2_apply(const struct cgroup_target *t, unsigned mask, const struct cgroup_resources *r,
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
