/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json (OCI runtime spec 1.2) as typed structs.
 *
 * spec_parse() (through config_load(), config_load.h, the one way a bundle's config.json is read
 * and parsed) parses the whole document up front, linux.resources included, so that every type
 * and range error is reported before anything is created on the host, with the JSON path of the
 * field at fault.  linux.seccomp is kept as a yajl subtree of spec->tree (which lives as long as
 * the spec) for config_load_seccomp(), which compiles it, or finds it compiled in the cache,
 * before anything is created either. */
#ifndef ISORUN_SPEC_H
#define ISORUN_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "runtime/spec/cgroup_resources.h"
#include "util/error.h"
#include "util/json_span.h"

/* The most config.json may hold: a large seccomp profile is most of one. */
#define SPEC_MAX_SIZE (4u << 20)

struct spec_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct spec_mount {
	char *destination; /* absolute, inside the container */
	char *source;	   /* may be NULL (e.g. tmpfs) */
	char *type;	   /* may be NULL (bind mounts) */
	char **options;	   /* NULL-terminated, as written in config.json */
	/* Derived from options by mount_options_parse(): */
	unsigned long flags;	       /* MS_* to set */
	unsigned long clear_flags;     /* MS_* explicitly cleared (e.g. "rw", "suid") */
	unsigned long rec_flags;       /* MS_* to set on every mount under it too ("rro") */
	unsigned long rec_clear_flags; /* MS_* cleared on every mount under it ("rrw") */
	unsigned long propagation; /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE | MS_REC, or 0 */
	bool bind;		   /* "bind" or "rbind" (or type "bind") */
	bool recursive;		   /* "rbind" */
	bool tmpcopyup;		   /* podman's "tmpcopyup" */
	char *data; /* the filesystem-specific options ("size=65536k,mode=755"), or NULL */
	/* An idmapped bind (runtime spec 1.2): uidMappings/gidMappings as written (both or
	 * neither), and whether it is idmapped at all: "idmap", "ridmap", or mappings without
	 * either option, which runc reads as "idmap".  Without mappings the container's own are
	 * used (spec_validate_for_start() refuses that without a new user namespace). */
	struct spec_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct spec_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	bool idmap;
	bool idmap_recursive; /* "ridmap": every mount of the tree is mapped, not only the top */
};

struct spec_namespace {
	int type;   /* CLONE_NEWPID, CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET,
		       CLONE_NEWCGROUP, CLONE_NEWUSER, CLONE_NEWTIME */
	char *path; /* join this namespace instead of creating one; NULL to create */
};

struct spec_rlimit {
	int resource; /* RLIMIT_* */
	char *type;   /* "RLIMIT_NOFILE", kept for error messages */
	uint64_t soft;
	uint64_t hard;
};

/* Capability sets as bit masks: bit N is capability N (CAP_CHOWN = 0 ...). */
struct spec_capabilities {
	uint64_t bounding;
	uint64_t effective;
	uint64_t inheritable;
	uint64_t permitted;
	uint64_t ambient;
};

struct spec_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	gid_t *additional_gids;
	size_t n_additional_gids;
};

struct spec_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height;
	uint32_t console_width;
	struct spec_user user;
	char **args; /* NULL-terminated, at least one entry once validated for start */
	char **env;  /* NULL-terminated, may be empty */
	char *cwd;   /* absolute */
	bool has_capabilities;
	struct spec_capabilities capabilities;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *apparmor_profile; /* NULL for none (apparmor.h) */
	char *selinux_label;	/* NULL for none (selinux.h) */
};

enum spec_hook_kind {
	HOOK_PRESTART,
	HOOK_CREATE_RUNTIME,
	HOOK_CREATE_CONTAINER,
	HOOK_START_CONTAINER,
	HOOK_POSTSTART,
	HOOK_POSTSTOP,
	HOOK__COUNT,
};

struct spec_hook {
	char *path;  /* absolute */
	char **args; /* NULL-terminated, may be NULL */
	char **env;  /* NULL-terminated, may be NULL */
	int timeout; /* seconds, 0 for none */
};

struct spec_hook_list {
	struct spec_hook *hooks;
	size_t n_hooks;
};

struct spec_device {
	char *path; /* absolute, inside the container */
	char type;  /* 'c', 'u', 'b' or 'p' */
	int64_t major;
	int64_t minor;
	bool has_file_mode;
	/* Permission bits only: file type bits that agree with type are dropped. */
	uint32_t file_mode;
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
};

struct spec_sysctl {
	char *key;
	char *value;
};

struct spec_annotation {
	char *key;
	char *value;
};

/* One clock of linux.timeOffsets: what the time namespace adds to it. */
struct spec_time_offset {
	bool has; /* named in config.json */
	int64_t secs;
	uint32_t nanosecs;
};

struct spec_linux {
	struct spec_namespace *namespaces;
	size_t n_namespaces;
	struct spec_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct spec_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct spec_device *devices;
	size_t n_devices;
	struct spec_sysctl *sysctl;
	size_t n_sysctl;
	char **masked_paths;		   /* NULL-terminated, may be NULL */
	char **readonly_paths;		   /* NULL-terminated, may be NULL */
	unsigned long rootfs_propagation;  /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE, | MS_REC
					      for the "r" forms (rslave); 0 = default */
	char *cgroups_path;		   /* may be NULL */
	char *mount_label;		   /* NULL for none (selinux.h) */
	struct cgroup_resources resources; /* linux.resources; zeroed when absent */
	yajl_val seccomp; /* borrowed from spec->tree, parsed by the seccomp code */
	struct spec_time_offset time_monotonic; /* linux.timeOffsets.monotonic */
	struct spec_time_offset time_boottime;	/* linux.timeOffsets.boottime */
};

struct spec {
	char *oci_version;
	char *root_path; /* as written; relative to the bundle when not absolute */
	bool root_readonly;
	bool has_process;
	struct spec_process process;
	char *hostname;	  /* NULL when absent */
	char *domainname; /* NULL when absent */
	struct spec_mount *mounts;
	size_t n_mounts;
	struct spec_hook_list hooks[HOOK__COUNT];
	struct spec_annotation *annotations;
	size_t n_annotations;
	bool has_linux;
	struct spec_linux linux_;
	yajl_val tree; /* the parsed document, owned */
};

/* Parses config.json text.  `name` is used as the prefix of error messages ("config.json").
 * On failure *ret_spec is untouched and err holds "NAME: JSON.PATH: what is wrong". */
int spec_parse(const char *text, size_t len, const char *name, struct spec **ret_spec,
	       struct iso_error *err);

/* The same with the member at MASK read as {} (json_parse_tree_masked()). */
int spec_parse_masked(const char *text, size_t len, const char *name, const struct json_span *mask,
		      struct spec **ret_spec, struct iso_error *err);

/* Parses a process object on its own (`exec --process FILE`); errors are "NAME: PATH: ...". */
int spec_parse_process(const char *text, size_t len, const char *name, struct spec_process *ret,
		       struct iso_error *err);

/* Frees what a spec_process owns and zeroes it. */
void spec_process_clear(struct spec_process *p);

/* Checks what must hold for the container to start (process present, args non-empty, cwd
 * absolute); create refuses a config that fails it. */
int spec_validate_for_start(const struct spec *spec, struct iso_error *err);

void spec_free(struct spec *spec);

static inline void cleanup_spec_freep(struct spec **s)
{
	if (*s)
		spec_free(*s);
}
#define _cleanup_spec_ __attribute__((cleanup(cleanup_spec_freep)))

/* The namespace entry of the given CLONE_NEW* type, or NULL. */
const struct spec_namespace *spec_find_namespace(const struct spec *spec, int type);

/* The value of an annotation, or NULL. */
const char *spec_annotation(const struct spec *spec, const char *key);

struct seccomp_config;

/* The limits of the default config (not rootless): podman's default pids limit, and a memory
 * bound that a build or a test suite fits in while a balloon cannot take the host. */
#define SPEC_DEFAULT_PIDS_LIMIT	  2048
#define SPEC_DEFAULT_MEMORY_LIMIT (1024LL * 1024 * 1024)

/* Writes the default config.json (what `isorun spec` prints) to `path` atomically, with
 * linux.seccomp when seccomp is not NULL. */
int spec_write_default(const char *path, bool rootless, const struct seccomp_config *seccomp,
		       struct iso_error *err);

/* The bounding set of the default config (a capability mask). */
uint64_t spec_default_bounding(void);

#endif
