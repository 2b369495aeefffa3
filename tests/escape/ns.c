/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mounts, pivot_root, new namespaces, a user namespace to regain capabilities, chroot. */
#define _GNU_SOURCE
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 1
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif

/* A writable-or-not directory to mount on; /tmp exists in every configuration here. */
static const char *const mount_target = "/tmp";

static bool mounted_on(const char *dir, const char *fstype_mark)
{
	char line[1024];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, fstype_mark) && strstr(line, dir))
			found = true;
	fclose(f);
	return found;
}

static int mount_any(int argc, char **argv)
{
	int fs, e1, e2, e3;

	(void)argc;
	(void)argv;
	if (mount("escape", mount_target, "tmpfs", 0, "size=1m") == 0)
		return mounted_on(mount_target, " escape ")
			   ? escaped("mount(tmpfs) on %s worked and is in mountinfo", mount_target)
			   : escaped("mount(tmpfs) on %s returned 0", mount_target);
	e1 = errno;
	/* the new mount API */
	fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	e2 = fs < 0 ? errno : 0;
	if (fs >= 0) {
		int m = -1;

		if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
			m = (int)syscall(SYS_fsmount, fs, 1, 0);
		if (m >= 0 && syscall(SYS_move_mount, m, "", AT_FDCWD, mount_target, 4) == 0)
			return escaped("fsopen+fsmount+move_mount of a tmpfs on %s worked",
				       mount_target);
		e2 = errno;
	}
	/* a bind of / elsewhere (a detached clone of the tree) */
	fs = (int)syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE | O_CLOEXEC);
	e3 = fs < 0 ? errno : 0;
	if (fs >= 0 && syscall(SYS_move_mount, fs, "", AT_FDCWD, mount_target, 4) == 0)
		return escaped("open_tree+move_mount of / on %s worked", mount_target);
	if (fs >= 0)
		e3 = errno;
	return refused("mount: %s; fsopen/fsmount: %s; open_tree/move_mount: %s", strerror(e1),
		       strerror(e2), strerror(e3));
}

static int pivot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (chdir("/") < 0)
		return probe_error("chdir /: %s", strerror(errno));
	/* pivot_root(".", ".") stacks the old root on the new one: nothing changes, but it
	 * needs CAP_SYS_ADMIN over the mount namespace. */
	if (syscall(SYS_pivot_root, ".", ".") == 0)
		return escaped("pivot_root(\".\", \".\") worked");
	return refused("pivot_root: %s", strerror(errno));
}

static const struct {
	int flag;
	const char *name;
} ns_flags[] = {
    {CLONE_NEWNS, "mnt"},
    {CLONE_NEWUTS, "uts"},
    {CLONE_NEWIPC, "ipc"},
    {CLONE_NEWNET, "net"},
    {CLONE_NEWPID, "pid"},
    {CLONE_NEWCGROUP, "cgroup"},
    {0x00000080 /* CLONE_NEWTIME */, "time"},
    {CLONE_NEWUSER, "user"},
};

/* Each in a child, so that one that works does not change the next try. */
static int try_in_child(int (*fn)(int), int arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(fn(arg) == 0 ? 0 : errno ? errno : 255);
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	if (WIFSIGNALED(st))
		return -(1000 + WTERMSIG(st));
	return -WEXITSTATUS(st);
}

static int do_unshare(int flag)
{
	return unshare(flag);
}

static const char *why(int r)
{
	static char buf[64];

	if (r <= -1000) {
		snprintf(buf, sizeof(buf), "killed by signal %d", -r - 1000);
		return buf;
	}
	return strerror(-r);
}

static int unshare_ns(int argc, char **argv)
{
	char msg[512] = "";

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(ns_flags) / sizeof(ns_flags[0]); i++) {
		int r = try_in_child(do_unshare, ns_flags[i].flag);

		if (r == 0)
			return escaped("unshare(%s) worked", ns_flags[i].name);
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s%s: %s", i ? ", " : "",
			 ns_flags[i].name, why(r));
	}
	return refused("unshare %s", msg);
}

static int do_setns(int i)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/1/ns/%s", ns_flags[i].name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return setns(fd, 0);
}

static int setns_ns(int argc, char **argv)
{
	char msg[512] = "";

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(ns_flags) / sizeof(ns_flags[0]); i++) {
		int r = try_in_child(do_setns, (int)i);

		if (r == 0)
			return escaped("setns(/proc/1/ns/%s) worked", ns_flags[i].name);
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s%s: %s", i ? ", " : "",
			 ns_flags[i].name, why(r));
	}
	return refused("setns %s", msg);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* In a new user namespace every capability is ours, but only over what that namespace owns:
 * the container's uts, mount and network namespaces must stay out of reach.  Exits 0 (got
 * through), 10 (no user namespace) or 11 (made, but powerless over the container's). */
static int userns_child(int unused)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	(void)unused;
	if (unshare(CLONE_NEWUSER) < 0)
		_exit(10);
	snprintf(map, sizeof(map), "0 %u 1", uid);
	write_file("/proc/self/setgroups", "deny");
	write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1", gid);
	write_file("/proc/self/gid_map", map);
	if (sethostname("escaped", 7) == 0 || mount("escape", "/tmp", "tmpfs", 0, NULL) == 0 ||
	    write_file("/proc/sys/net/ipv4/ip_forward", "1\n") == 0)
		_exit(0);
	_exit(11);
}

static int userns_caps(int argc, char **argv)
{
	char host[64] = "";
	int r;

	(void)argc;
	(void)argv;
	r = try_in_child(userns_child, 0);
	gethostname(host, sizeof(host));
	if (r == 0)
		return escaped("capabilities of a new user namespace worked on the container's own "
			       "namespaces (hostname now \"%s\")",
			       host);
	if (r == -10)
		return refused("unshare(CLONE_NEWUSER) refused");
	if (r == -11)
		return refused("a user namespace was made, but sethostname, mount and a net sysctl "
			       "over the container's namespaces were refused");
	return refused("user namespace: %s", why(r));
}

/* The classic chroot break-out (chroot into a subdirectory, keep a cwd above it, walk ..), and
 * fchdir to an fd opened before the chroot. */
static int chroot_escape(int argc, char **argv)
{
	char where[256];
	int outside, r, e;

	(void)argc;
	(void)argv;
	outside = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	mkdir("/tmp/escape-chroot", 0700);
	r = chroot("/tmp/escape-chroot");
	e = errno;
	if (r < 0) {
		/* ".." walking without chroot: never above our root */
		if (walks_out_of_root(outside, where, sizeof(where)))
			return escaped("walking .. from / left our root: %s", where);
		return refused("chroot: %s; walking .. stays at our root", strerror(e));
	}
	if (fchdir(outside) < 0)
		return probe_error("fchdir: %s", strerror(errno));
	for (int i = 0; i < 256; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") == 0) {
		int top = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat a, b;

		fstat(outside, &a);
		fstat(top, &b);
		if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
			return escaped("chroot + fchdir + .. reached a root that is not ours");
	}
	return refused("chroot worked (CAP_SYS_CHROOT), but .. stays at our root");
}

const struct technique ns_techniques[] = {
    {"mount", "", mount_any}, {"pivot_root", "", pivot},	{"unshare", "", unshare_ns},
    {"setns", "", setns_ns},  {"userns_caps", "", userns_caps}, {"chroot", "", chroot_escape},
    {NULL, NULL, NULL},
};
