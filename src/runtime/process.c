/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* struct clone_args up to the tls field (CLONE_ARGS_SIZE_VER0). */
struct clone_args_v0 {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
};

pid_t process_clone(unsigned long flags, int *ret_pidfd)
{
	struct clone_args_v0 ca = {
	    .flags = flags | CLONE_PIDFD,
	    .pidfd = (uint64_t)(uintptr_t)ret_pidfd,
	    .exit_signal = SIGCHLD,
	};
	long r;

	*ret_pidfd = -1;
	r = syscall(SYS_clone3, &ca, sizeof(ca));
	if (r < 0)
		return -errno;
	if (r > 0 && *ret_pidfd >= 0)
		fcntl(*ret_pidfd, F_SETFD, FD_CLOEXEC);
	return (pid_t)r;
}

int process_pidfd_open(pid_t pid, uint64_t start_time)
{
	bool zombie;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	/* A pid caught while its task is being released (reaped, the pid not yet freed) gives
	 * EINVAL, not ESRCH (pidfd_create() finds no thread-group leader); a pid > 0 without
	 * flags, read from state.json (a leader), gets EINVAL for nothing else.  Seen as a delete
	 * that failed "waiting for container to exit: Invalid argument" (bare VM, Linux 6.1). */
	if (fd < 0)
		return errno == EINVAL && pid > 0 ? -ESRCH : -errno;
	/* The pidfd pins the process: checking after opening leaves no window for reuse. */
	if (start_time && state_process_start_time(pid, &zombie) != start_time) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

static ino_t pid_namespace_inode(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	return stat(path, &st) < 0 ? 0 : st.st_ino;
}

/* The next process of a /proc listing, 0 at its end. */
static pid_t next_pid(DIR *d)
{
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (!*end && pid > 0)
			return (pid_t)pid;
	}
	return 0;
}

/* What is done to each of the container's processes: a signal, or noting its pid. */
struct member_visit {
	int (*fn)(struct member_visit *v, pid_t pid);
	int sig;
	pid_t *pids;
	size_t n, cap;
};

static int visit_namespace_members(ino_t ns, struct member_visit *v)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	pid_t pid;
	int r;

	while ((pid = next_pid(d)) > 0)
		if (pid_namespace_inode(pid) == ns && (r = v->fn(v, pid)) < 0)
			return r;
	return 0;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512];
	_cleanup_close_ int fd = -1;
	const char *p;
	ssize_t n;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: the state and ppid follow the last ')'. */
	p = strrchr(buf, ')');
	return p && sscanf(p, ") %*c %d", &ppid) == 1 ? (pid_t)ppid : 0;
}

struct proc_tree {
	pid_t *pid, *ppid;
	size_t n;
};

static void proc_tree_clear(struct proc_tree *t)
{
	free(t->pid);
	free(t->ppid);
}

static int proc_tree_read(struct proc_tree *t)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	size_t cap = 0;
	pid_t pid;

	*t = (struct proc_tree){0};
	while ((pid = next_pid(d)) > 0) {
		if (t->n == cap) {
			pid_t *a, *b;

			cap = cap ? 2 * cap : 256;
			a = realloc(t->pid, cap * sizeof(*a));
			if (a)
				t->pid = a;
			b = realloc(t->ppid, cap * sizeof(*b));
			if (b)
				t->ppid = b;
			if (!a || !b)
				return -ENOMEM;
		}
		t->pid[t->n] = pid;
		t->ppid[t->n++] = parent_of(pid);
	}
	return d ? 0 : -errno;
}

static ssize_t index_of(const struct proc_tree *t, pid_t pid)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->pid[mid] == pid)
			return (ssize_t)mid;
		if (t->pid[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* In the runtime's own pid namespace the container's processes are the init's descendants: the
 * rest of the namespace, and of a cgroup the config named, is not the container's. */
static int visit_descendants(pid_t root, struct member_visit *v)
{
	struct proc_tree t;
	_cleanup_free_ bool *mine = NULL;
	bool grew = true;
	int r = 0;

	if (proc_tree_read(&t) < 0 || !(mine = calloc(t.n ? t.n : 1, sizeof(*mine)))) {
		proc_tree_clear(&t);
		return -ENOMEM;
	}
	/* /proc lists pids in ascending order: a parent is found by bisection. */
	while (grew) {
		grew = false;
		for (size_t i = 0; i < t.n; i++) {
			ssize_t j;

			if (mine[i] || t.pid[i] == root)
				continue;
			j = index_of(&t, t.ppid[i]);
			if (j >= 0 && (mine[j] || t.pid[j] == root))
				grew = mine[i] = true;
		}
	}
	for (size_t i = 0; i < t.n && r == 0; i++)
		if (mine[i])
			r = v->fn(v, t.pid[i]);
	proc_tree_clear(&t);
	return r;
}

/* The processes of pid's own pid namespace when it is not the runtime's, else its
 * descendants (the init itself is left to the caller). */
static int visit_members(pid_t pid, struct member_visit *v)
{
	ino_t ns = pid_namespace_inode(pid);

	if (ns && ns != pid_namespace_inode(getpid()))
		return visit_namespace_members(ns, v);
	return ns ? visit_descendants(pid, v) : 0;
}

static int kill_member(struct member_visit *v, pid_t pid)
{
	kill(pid, v->sig);
	return 0;
}

static int note_member(struct member_visit *v, pid_t pid)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->pids[i] == pid)
			return 0;
	if (v->n == v->cap) {
		pid_t *grown =
		    realloc(v->pids, (v->cap = v->cap ? 2 * v->cap : 16) * sizeof(pid_t));

		if (!grown)
			return -ENOMEM;
		v->pids = grown;
	}
	v->pids[v->n++] = pid;
	return 0;
}

int process_members(pid_t pid, uint64_t start_time, pid_t **ret, size_t *ret_n,
		    struct iso_error *err)
{
	_cleanup_close_ int pidfd = process_pidfd_open(pid, start_time);
	struct member_visit v = {.fn = note_member};
	int r;

	*ret = NULL;
	*ret_n = 0;
	if (pidfd < 0)
		return pidfd == -ESRCH ? 0 : iso_error_set(err, -pidfd, "pid %d", (int)pid);
	/* The init first: visit_descendants() leaves it out, a namespace's members include it. */
	r = note_member(&v, pid);
	if (r == 0)
		r = visit_members(pid, &v);
	if (r < 0) {
		free(v.pids);
		return iso_error_set(err, -r, "listing the processes of pid %d", (int)pid);
	}
	*ret = v.pids;
	*ret_n = v.n;
	return 0;
}

int process_signal(pid_t pid, uint64_t start_time, int sig, bool all, struct iso_error *err)
{
	_cleanup_close_ int pidfd = process_pidfd_open(pid, start_time);
	struct member_visit v = {.fn = kill_member, .sig = sig};

	if (pidfd < 0)
		return iso_error_set(err, -pidfd, "signalling pid %d", (int)pid);
	if (all)
		visit_members(pid, &v);
	/* A process gone since the open is no error for a signal meant to end it, but signal 0
	 * asks whether it is still there. */
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 && (errno != ESRCH || !sig))
		return iso_error_set(err, errno, "signalling pid %d", (int)pid);
	return 0;
}

int process_wait_gone(pid_t pid, uint64_t start_time, int timeout_ms)
{
	_cleanup_close_ int pidfd = process_pidfd_open(pid, start_time);
	struct pollfd pfd;
	int r;

	if (pidfd < 0)
		return pidfd == -ESRCH ? 0 : pidfd;
	pfd = (struct pollfd){.fd = pidfd, .events = POLLIN};
	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

void process_kill_and_reap(pid_t pid, int pidfd)
{
	if (pidfd >= 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	else
		kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int process_write_pid_file(const char *path, pid_t pid, struct iso_error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	if (!path)
		return 0;
	return write_file_atomic(path, buf, (size_t)n, 0644, err) < 0
		   ? iso_error_wrap(err, "--pid-file")
		   : 0;
}
