/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pieces every config.json that isorun writes itself is made of: `isorun spec`'s default
 * (spec_default.c) and a tenant's bundle (tenant/bundle.c) both assemble theirs from these, so
 * the two cannot drift apart on what they share (the kernel file systems, running as root with
 * noNewPrivileges, the capability sets, the masked paths, the task limits).  Unless it says
 * otherwise, a function writes one key and its value into the object that is open in g. */
#ifndef ISORUN_SPEC_GEN_H
#define ISORUN_SPEC_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

/* The OCI runtime-spec version both configs are written for. */
#define SPEC_GEN_OCI_VERSION "1.2.0"

struct spec_gen_mount {
	const char *destination;
	const char *type;
	const char *source;
	const char *const *options; /* NULL-terminated; NULL: no "options" key */
};

/* The kernel file systems as runc's default config has them, which both configs mount. */
extern const struct spec_gen_mount spec_gen_mount_dev;
extern const struct spec_gen_mount spec_gen_mount_devpts;
extern const struct spec_gen_mount spec_gen_mount_shm;
extern const struct spec_gen_mount spec_gen_mount_mqueue;
extern const struct spec_gen_mount spec_gen_mount_sysfs;
/* A tmpfs /tmp of bounded size: a writable /tmp on the host's disk would let a container fill
 * it. */
extern const struct spec_gen_mount spec_gen_mount_tmp;

/* "ociVersion". */
void spec_gen_oci_version(yajl_gen g);

/* "root": the root file system at path. */
void spec_gen_root(yajl_gen g, const char *path, bool readonly);

/* One element of the "mounts" array.  drop_ids leaves out the uid= and gid= options, for a
 * user namespace that maps only the caller, where they would name ids it does not have. */
void spec_gen_mount(yajl_gen g, const struct spec_gen_mount *m, bool drop_ids);

/* spec_gen_mount() for each mount of the NULL-terminated list. */
void spec_gen_mounts(yajl_gen g, const struct spec_gen_mount *const *list, bool drop_ids);

/* Opens "process" with what every process isorun configures shares: root (uid and gid 0), and
 * a terminal or not.  The caller adds args, env, cwd, capabilities and rlimits, then closes it
 * with spec_gen_process_close(). */
void spec_gen_process_open(yajl_gen g, bool terminal);

/* Sets noNewPrivileges, which no config that isorun writes goes without, and closes
 * "process". */
void spec_gen_process_close(yajl_gen g);

/* "capabilities": the NULL-terminated list as the bounding, effective and permitted sets (no
 * inheritable or ambient ones, which would outlive an exec). */
void spec_gen_capabilities(yajl_gen g, const char *const *caps);

/* The NULL-terminated list as a capability mask (bit n: capability n); a name libcap does not
 * know adds nothing. */
uint64_t spec_gen_caps_mask(const char *const *caps);

struct spec_gen_rlimit {
	const char *type; /* "RLIMIT_NOFILE" */
	uint64_t hard;
	uint64_t soft;
};

/* "rlimits": the n limits. */
void spec_gen_rlimits(yajl_gen g, const struct spec_gen_rlimit *limits, size_t n);

/* "namespaces": one of each type of the NULL-terminated list, then "user" when user is set. */
void spec_gen_namespaces(yajl_gen g, const char *const *types, bool user);

/* "uidMappings" and "gidMappings": the container's ids 0..size-1 onto the host's from
 * uid_start and from gid_start. */
void spec_gen_id_mappings(yajl_gen g, uint32_t uid_start, uint32_t gid_start, uint32_t size);

/* "maskedPaths" and "readonlyPaths": runc's defaults, the /proc and /sys files that reach the
 * host's kernel. */
void spec_gen_masked_paths(yajl_gen g);

/* Writes "memory" and "pids" into an open linux.resources object, as the default config and
 * every tenant bound a container: `memory` bytes with no swap on top of them (OCI "swap" is the
 * total of memory and swap), and `pids` tasks. */
void spec_gen_task_limits(yajl_gen g, int64_t memory, int64_t pids);

#endif
