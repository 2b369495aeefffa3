/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/rootfs/idmap_mount.h"
#include "runtime/rootfs/mounts.h"
#include "util/cleanup.h"
#include "util/fs_type_name.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* "4294967295 4294967295 4294967295\n" per range, at most 340 ranges (spec.c checks). */
#define ID_MAP_LINE_MAX 34
#define ID_MAP_TEXT_MAX (340 * ID_MAP_LINE_MAX)

/* ---- a user namespace that carries a mapping ------------------------------------------- */

/* The child of clone3(CLONE_NEWUSER) only holds its namespace: it waits for its parent to
 * close the pipe, which happens too when the parent dies, so it never outlives it. */
static pid_t spawn_holder(int *ret_hold, struct iso_error *err)
{
	struct clone_args args = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
	int fds[2];
	pid_t pid;
	char c;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return iso_error_set(err, errno, "idmapped mount: pipe");
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		return iso_error_set(err, errno,
				     "idmapped mount: a user namespace for the mapping");
	}
	*ret_hold = fds[1];
	return pid;
}

static void reap_holder(pid_t pid, int hold)
{
	close(hold);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static int write_map(int procfd, pid_t pid, const char *file, const struct spec_id_mapping *maps,
		     size_t n, struct iso_error *err)
{
	_cleanup_close_ int fd = -1;
	char text[ID_MAP_TEXT_MAX + 1], path[64];
	size_t len = 0;

	if (n > ID_MAP_TEXT_MAX / ID_MAP_LINE_MAX)
		return iso_error_set(err, E2BIG, "idmapped mount: %s", file);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%u %u %u\n",
					maps[i].container_id, maps[i].host_id, maps[i].size);
	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	fd = openat(procfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return iso_error_set(err, errno, "idmapped mount: open %s", file);
	/* The kernel takes a map in one write or not at all. */
	if (write(fd, text, len) != (ssize_t)len)
		return iso_error_set(err, errno ? errno : EIO, "idmapped mount: write %s", file);
	return 0;
}

static int open_holder_userns(int procfd, pid_t pid, struct iso_error *err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "%d/ns/user", (int)pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return iso_error_set(err, errno,
				     "idmapped mount: open the mapping's user namespace");
	return fd;
}

int idmap_userns_open(const struct spec_id_mapping *uids, size_t n_uids,
		      const struct spec_id_mapping *gids, size_t n_gids, struct iso_error *err)
{
	_cleanup_close_ int procfd = -1;
	int hold = -1, r;
	pid_t pid;

	/* A proc of the caller's own pid namespace, never attached: the init may sit in a new pid
	 * namespace while /proc still shows the host's, where the holder's pid means another
	 * process. */
	procfd = mount_new_fs("proc", "proc", NULL, 0, err);
	if (procfd < 0)
		return iso_error_wrap(err, "idmapped mount");
	pid = spawn_holder(&hold, err);
	if (pid < 0)
		return pid;
	r = write_map(procfd, pid, "uid_map", uids, n_uids, err);
	if (r == 0)
		r = write_map(procfd, pid, "gid_map", gids, n_gids, err);
	if (r == 0)
		r = open_holder_userns(procfd, pid, err);
	reap_holder(pid, hold);
	return r;
}

/* ---- the mount ------------------------------------------------------------------------- */

static bool same_maps(const struct spec_id_mapping *a, size_t n_a, const struct spec_id_mapping *b,
		      size_t n_b)
{
	if (n_a != n_b)
		return false;
	for (size_t i = 0; i < n_a; i++)
		if (a[i].container_id != b[i].container_id || a[i].host_id != b[i].host_id ||
		    a[i].size != b[i].size)
			return false;
	return true;
}

bool idmap_uses_container_maps(const struct spec *spec, const struct spec_mount *m)
{
	const struct spec_linux *l = &spec->linux_;

	if (m->n_uid_mappings == 0 && m->n_gid_mappings == 0)
		return true;
	return same_maps(m->uid_mappings, m->n_uid_mappings, l->uid_mappings, l->n_uid_mappings) &&
	       same_maps(m->gid_mappings, m->n_gid_mappings, l->gid_mappings, l->n_gid_mappings);
}

/* mount_setattr(2)'s reasons, in words: errno alone does not say which rule was broken, nor
 * which file system or kernel refused (tmpfs takes an idmap from Linux 6.3, ramfs never). */
static void idmap_refusal(int tree, int errnum, bool recursive, char *buf, size_t len)
{
	char fs[FS_TYPE_NAME_MAX];
	struct utsname u;

	switch (errnum) {
	case EINVAL:
		if (uname(&u) < 0)
			snprintf(u.release, sizeof(u.release), "?");
		snprintf(buf, len,
			 " (its file system, %s%s, does not support idmapped mounts in Linux %s)",
			 fs_type_name_of_fd(tree, fs), recursive ? ", or one mounted under it" : "",
			 u.release);
		break;
	case EPERM:
		snprintf(buf, len,
			 " (not allowed: the source is already idmapped, or its file system "
			 "belongs to a user namespace)");
		break;
	case ENOSYS:
		snprintf(buf, len, " (the kernel has no mount_setattr(2) (Linux 5.12 or later))");
		break;
	default:
		break;
	}
}

static int idmap_tree(int tree, const char *what, bool recursive, int userns_fd,
		      struct iso_error *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
	unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	size_t len;

	if (mount_setattr(tree, "", flags, &attr, sizeof(attr)) == 0)
		return 0;
	iso_error_set(err, errno, "idmapped mount of %s", what);
	len = strlen(err->msg);
	idmap_refusal(tree, err->errnum, recursive, err->msg + len, sizeof(err->msg) - len);
	return iso_error_code(err);
}

int idmap_mount_clone(int dirfd, const char *path, const struct spec_mount *m, int userns_fd,
		      struct iso_error *err)
{
	_cleanup_close_ int tree = mount_clone_tree(dirfd, path, m->recursive, err);

	if (tree < 0)
		return tree;
	if (idmap_tree(tree, path[0] ? path : m->source, m->idmap_recursive, userns_fd, err) < 0)
		return iso_error_code(err);
	return steal_fd(tree);
}

int idmap_mount_supported(const char *path, struct iso_error *err)
{
	/* The kernel asks the file system, whatever the mapping: one id will do. */
	static const struct spec_id_mapping one = {.container_id = 0, .host_id = 65534, .size = 1};
	_cleanup_close_ int userns = -1, tree = -1;
	int r;

	userns = idmap_userns_open(&one, 1, &one, 1, err);
	if (userns < 0)
		return userns;
	tree = mount_clone_tree(AT_FDCWD, path, false, err);
	if (tree < 0)
		return tree;
	/* Never attached: closing the clone unmounts it. */
	r = idmap_tree(tree, path, false, userns, err);
	if (r == -EINVAL)
		return 0;
	return r < 0 ? r : 1;
}

int idmap_mount_new(const struct spec_mount *m, struct iso_error *err)
{
	_cleanup_close_ int userns = idmap_userns_open(m->uid_mappings, m->n_uid_mappings,
						       m->gid_mappings, m->n_gid_mappings, err);

	if (userns < 0)
		return userns;
	return idmap_mount_clone(AT_FDCWD, m->source, m, userns, err);
}
