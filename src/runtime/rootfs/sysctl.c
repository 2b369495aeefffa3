/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/rootfs/sysctl.h"
#include "runtime/rootfs/safe_path.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

/* The System V IPC keys the kernel keeps per ipc namespace. */
static const char *const ipc_keys[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",		"kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shm_rmid_forced", "kernel.shmmni",
};

static const struct {
	int type;
	const char *proc_name; /* under /proc/self/ns */
	const char *what;
} ns_names[] = {
    {CLONE_NEWIPC, "ipc", "an ipc"},
    {CLONE_NEWNET, "net", "a network"},
    {CLONE_NEWUTS, "uts", "a uts"},
};

/* The namespace a key belongs to, or 0 when it is not namespaced. */
static int namespace_of_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(ipc_keys); i++)
		if (strcmp(key, ipc_keys[i]) == 0)
			return CLONE_NEWIPC;
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return CLONE_NEWIPC;
	if (strncmp(key, "net.", 4) == 0)
		return CLONE_NEWNET;
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return CLONE_NEWUTS;
	return 0;
}

/* Dots become slashes under /proc/sys: a key must not make "..", an empty component or an
 * absolute path out of that, nor carry a slash of its own. */
static bool key_is_valid(const char *key)
{
	size_t len = strlen(key);

	return len > 0 && !strchr(key, '/') && !strstr(key, "..") && key[0] != '.' &&
	       key[len - 1] != '.';
}

/* Whether the container's namespace of this type is not the runtime's own: created, or joined
 * by a path that names another namespace. */
static int namespace_is_own(const struct spec *spec, size_t idx, bool *ret, struct iso_error *err)
{
	const struct spec_namespace *ns = spec_find_namespace(spec, ns_names[idx].type);
	char self[64];
	struct stat a, b;

	*ret = ns && !ns->path;
	if (!ns || !ns->path)
		return 0;
	snprintf(self, sizeof(self), "/proc/self/ns/%s", ns_names[idx].proc_name);
	if (stat(ns->path, &a) < 0)
		return iso_error_set(err, errno, "%s", ns->path);
	if (stat(self, &b) < 0)
		return iso_error_set(err, errno, "%s", self);
	*ret = a.st_dev != b.st_dev || a.st_ino != b.st_ino;
	return 0;
}

static int validate_key(const struct spec *spec, const char *key, struct iso_error *err)
{
	int type;
	bool own;

	if (!key_is_valid(key))
		return iso_error_invalid(err, "invalid key");
	type = namespace_of_key(key);
	if (!type)
		return iso_error_invalid(err, "not namespaced, refused");
	for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++) {
		if (ns_names[i].type != type)
			continue;
		if (namespace_is_own(spec, i, &own, err) < 0)
			return iso_error_code(err);
		if (!own)
			return iso_error_invalid(err, "needs %s namespace of the container's own",
						 ns_names[i].what);
	}
	return 0;
}

int sysctl_validate(const struct spec *spec, struct iso_error *err)
{
	for (size_t i = 0; i < spec->linux_.n_sysctl; i++) {
		const char *key = spec->linux_.sysctl[i].key;

		if (validate_key(spec, key, err) < 0)
			return iso_error_wrap(err, "linux.sysctl: %s", key);
	}
	return 0;
}

/* fstatfs works on O_PATH fds too. */
static bool is_procfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

static int write_key(int proc_sys, const struct spec_sysctl *s, struct iso_error *err)
{
	_cleanup_free_ char *path = strdup(s->key);
	_cleanup_close_ int fd = -1;
	int r;

	if (!path)
		return iso_error_set(err, ENOMEM, "linux.sysctl: %s", s->key);
	if (!key_is_valid(s->key))
		return iso_error_invalid(err, "linux.sysctl: %s: invalid key", s->key);
	for (char *p = path; *p; p++)
		if (*p == '.')
			*p = '/';
	/* Beneath /proc/sys, without symlinks and without crossing into a mount placed over
	 * part of it. */
	fd = safe_openat2(proc_sys, path, O_WRONLY | O_NOCTTY,
			  RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			      RESOLVE_NO_XDEV);
	if (fd < 0)
		return iso_error_set(err, -fd, "linux.sysctl: %s", s->key);
	if (!is_procfs(fd))
		return iso_error_invalid(err, "linux.sysctl: %s: not on procfs", s->key);
	r = write_all(fd, s->value, strlen(s->value));
	if (r < 0)
		return iso_error_set(err, -r, "linux.sysctl: %s: writing '%s'", s->key, s->value);
	return 0;
}

int sysctl_apply(const struct spec *spec, struct iso_error *err)
{
	_cleanup_close_ int proc_sys = -1;

	if (spec->linux_.n_sysctl == 0)
		return 0;
	proc_sys = open("/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (proc_sys < 0)
		return iso_error_set(err, errno, "linux.sysctl: /proc/sys");
	if (!is_procfs(proc_sys))
		return iso_error_invalid(err, "linux.sysctl: /proc/sys is not procfs");
	for (size_t i = 0; i < spec->linux_.n_sysctl; i++)
		if (write_key(proc_sys, &spec->linux_.sysctl[i], err) < 0)
			return iso_error_code(err);
	return 0;
}
