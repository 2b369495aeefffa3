/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/trace/syscall_profile.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "util/json_walk.h"
#include "runtime/spec/seccomp_config.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/jsongen.h"

#define PROFILE_MAX_SIZE (4 * 1024 * 1024)

static const char *const always_allowed[] = {
    "execve",
    "execveat",
    "fcntl",
    "exit",
    "exit_group",
    "sendmsg",
    "brk",
    "arch_prctl",
    "mmap",
    "mprotect",
    "munmap",
    "set_tid_address",
    "set_robust_list",
    "rseq",
    "prlimit64",
    "readlinkat",
    "readlink",
    "getrandom",
    "newfstatat",
    "fstat",
    "openat",
    "read",
    "close",
    "pread64",
    "access",
    "uname",
    "futex",
};

static const char *const dangerous[] = {
    "acct",
    "add_key",
    "bpf",
    "clock_adjtime",
    "clock_settime",
    "create_module",
    "delete_module",
    "finit_module",
    "fsconfig",
    "fsmount",
    "fsopen",
    "fspick",
    "get_kernel_syms",
    "get_mempolicy",
    "init_module",
    "ioperm",
    "iopl",
    "kcmp",
    "kexec_file_load",
    "kexec_load",
    "keyctl",
    "lookup_dcookie",
    "mbind",
    "mount",
    "mount_setattr",
    "move_mount",
    "move_pages",
    "name_to_handle_at",
    "nfsservctl",
    "open_by_handle_at",
    "open_tree",
    "perf_event_open",
    "personality",
    "pivot_root",
    "process_vm_readv",
    "process_vm_writev",
    "ptrace",
    "query_module",
    "quotactl",
    "quotactl_fd",
    "reboot",
    "request_key",
    "set_mempolicy",
    "setns",
    "settimeofday",
    "stime",
    "swapoff",
    "swapon",
    "sysfs",
    "syslog",
    "_sysctl",
    "umount",
    "umount2",
    "unshare",
    "uselib",
    "userfaultfd",
    "ustat",
    "vm86",
    "vm86old",
};

const char *syscall_name(int nr)
{
	/* libseccomp keeps its tables static: the strings outlive the call. */
	static char *cache[SYSCALL_SET_MAX];

	if (nr < 0 || nr >= SYSCALL_SET_MAX)
		return NULL;
	if (!cache[nr])
		cache[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	return cache[nr];
}

static void add_name(struct syscall_set *s, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, name);

	/* Negative: not a syscall of this architecture (readlink on aarch64). */
	if (nr >= 0)
		syscall_set_add(s, nr);
}

void syscall_profile_add_always(struct syscall_set *s)
{
	for (size_t i = 0; i < sizeof(always_allowed) / sizeof(always_allowed[0]); i++)
		add_name(s, always_allowed[i]);
}

bool syscall_is_dangerous(const char *name)
{
	for (size_t i = 0; i < sizeof(dangerous) / sizeof(dangerous[0]); i++)
		if (!strcmp(name, dangerous[i]))
			return true;
	return false;
}

static inline void cleanup_yajl_treep(yajl_val *v)
{
	if (*v)
		yajl_tree_free(*v);
}

static int merge_config(struct syscall_set *s, const struct seccomp_config *cfg, const char *path,
			struct iso_error *err)
{
	for (size_t i = 0; i < cfg->n_rules; i++) {
		if (cfg->rules[i].action != SECCOMP_ACTION_ALLOW)
			continue;
		for (char **n = cfg->rules[i].names; *n; n++) {
			if (seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, *n) < 0)
				return iso_error_invalid(
				    err, "%s: syscalls[%zu]: unknown syscall \"%s\"", path, i, *n);
			add_name(s, *n);
		}
	}
	return 0;
}

int syscall_profile_merge_file(struct syscall_set *s, const char *path, struct iso_error *err)
{
	__attribute__((cleanup(cleanup_yajl_treep))) yajl_val tree = NULL;
	const char *linux_seccomp[] = {"linux", "seccomp", NULL};
	_cleanup_free_ char *text = NULL;
	struct seccomp_config cfg = {0};
	struct json_walk w;
	yajl_val obj;
	size_t len;
	int r;

	r = read_file_at(AT_FDCWD, path, PROFILE_MAX_SIZE, &text, &len, err);
	if (r < 0)
		return iso_error_wrap(err, "--merge");
	r = json_parse_tree(text, len, path, &tree, err);
	if (r < 0)
		return iso_error_wrap(err, "--merge");
	if (!YAJL_IS_OBJECT(tree))
		return iso_error_invalid(err, "--merge %s: not a JSON object", path);
	/* A whole config.json is accepted too: its linux.seccomp is the profile. */
	obj = yajl_tree_get(tree, linux_seccomp, yajl_t_object);
	json_walk_init(&w, path, err);
	if (obj) {
		json_walk_push_key(&w, "linux");
		json_walk_push_key(&w, "seccomp");
	} else {
		obj = tree;
	}
	r = seccomp_config_parse(&w, obj, &cfg);
	if (r == 0)
		r = merge_config(s, &cfg, path, err);
	seccomp_config_free(&cfg);
	return r;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int syscall_profile_json(const struct syscall_set *s, bool errno_default, char **ret,
			 size_t *ret_len, struct iso_error *err)
{
	const char *names[SYSCALL_SET_MAX];
	size_t n = 0;
	yajl_gen g;

	for (int nr = 0; nr < SYSCALL_SET_MAX; nr++)
		if (syscall_set_has(s, nr) && syscall_name(nr))
			names[n++] = syscall_name(nr);
	qsort(names, n, sizeof(names[0]), compare_names);
	g = jsongen_new(true);
	if (!g)
		return iso_error_set(err, ENOMEM, "writing the profile");
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "defaultAction",
		       errno_default ? "SCMP_ACT_ERRNO" : "SCMP_ACT_KILL_PROCESS");
	if (errno_default)
		jsongen_kv_int(g, "defaultErrnoRet", 1);
	jsongen_key(g, "syscalls");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	jsongen_key(g, "names");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		jsongen_str(g, names[i]);
	yajl_gen_array_close(g);
	jsongen_kv_str(g, "action", "SCMP_ACT_ALLOW");
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return jsongen_finish(g, ret, ret_len, err);
}
