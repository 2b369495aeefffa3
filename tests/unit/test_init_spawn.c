/* SPDX-License-Identifier: GPL-2.0-or-later */
/* init_spawn: the init runs in the runtime's memory, on thread-local storage of its own, and
 * a failed spawn leaves no thread behind. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/init_spawn.h"
#include "unit.h"

/* The runtime's two steps, begin and wait, back to back. */
static pid_t spawn(struct init_spawn *s, unsigned long clone_flags, int (*fn)(void *), void *arg)
{
	init_spawn_begin(s, clone_flags, fn, arg);
	return init_spawn_wait(s);
}

static volatile int written_by_child;
static int errno_seen_by_child;

/* Allocates and frees while the runtime does the same: both sides use one heap. */
static void churn_heap(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		char *p = malloc((size_t)(16 + i % 512));

		if (p)
			p[0] = (char)i;
		free(p);
	}
}

static int child_main(void *arg)
{
	char *const argv[] = {"true", NULL};

	(void)arg;
	errno = EXDEV;
	churn_heap(20000);
	errno_seen_by_child = errno;
	written_by_child = 42;
	execv("/bin/true", argv);
	_exit(126);
}

static int count_threads_now(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A joined thread may linger in /proc a moment after pthread_join() returns. */
static int count_threads(int expected)
{
	int n = count_threads_now();

	for (int i = 0; i < 1000 && n != expected; i++) {
		usleep(1000);
		n = count_threads_now();
	}
	return n;
}

static void test_shared_memory_own_tls(void)
{
	struct init_spawn s;
	int status = -1;
	pid_t pid;

	errno = 0;
	UNIT_CHECK(init_spawn_prepare(&s, 0, -1) == 0, "init_spawn_prepare");
	pid = spawn(&s, 0, child_main, NULL);
	UNIT_CHECK(pid > 0, "init_spawn_begin/wait: pid %d", (int)pid);
	if (pid <= 0)
		return;
	churn_heap(20000);
	UNIT_CHECK(errno == 0, "the child's errno is not the runtime's (errno %d)", errno);
	init_spawn_join(&s);
	UNIT_CHECK(written_by_child == 42, "what the child wrote before its exec is in our memory");
	UNIT_CHECK(errno_seen_by_child == EXDEV, "the child's errno is its own");
	UNIT_CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "the child exec'd /bin/true (status %#x)", status);
	UNIT_CHECK(s.stack == NULL, "join frees the child's stack");
	UNIT_CHECK(init_spawn_try_join(&s), "a second join has nothing left to wait for");
}

static int never_runs(void *arg)
{
	(void)arg;
	_exit(125);
}

static void test_failures_leave_no_thread(void)
{
	int before = count_threads_now(), fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct init_spawn s;
	pid_t pid;

	/* CLONE_THREAD without CLONE_SIGHAND: the kernel refuses the clone. */
	init_spawn_prepare(&s, 0, -1);
	pid = spawn(&s, CLONE_THREAD, never_runs, NULL);
	UNIT_CHECK(pid == -EINVAL && s.failed_step == INIT_SPAWN_CLONE,
		   "a refused clone: -EINVAL (got %d)", (int)pid);
	UNIT_CHECK(count_threads(before) == before, "no helper thread is left (was %d)", before);
	UNIT_CHECK(s.stack == NULL, "nor the child's stack");

	/* Not a namespace: setns refuses it, and nothing is cloned. */
	init_spawn_prepare(&s, 0, fd);
	pid = spawn(&s, 0, never_runs, NULL);
	UNIT_CHECK(pid == -EINVAL && s.failed_step == INIT_SPAWN_SETNS,
		   "a pid namespace fd that is none: setns fails");
	UNIT_CHECK(count_threads(before) == before, "no helper thread is left");

	/* Not a namespace flag: the helper's unshare fails. */
	init_spawn_prepare(&s, CLONE_VM, -1);
	pid = spawn(&s, 0, never_runs, NULL);
	UNIT_CHECK(pid < 0 && s.failed_step == INIT_SPAWN_UNSHARE,
		   "an unshare the kernel refuses fails the spawn (%d)", (int)pid);

	/* Prepared, then given up (create failed in between): the helper goes. */
	UNIT_CHECK(init_spawn_prepare(&s, 0, -1) == 0, "prepared");
	init_spawn_join(&s);
	UNIT_CHECK(count_threads(before) == before && s.stack == NULL,
		   "a helper never told to clone gives up at join");
	close(fd);
}

static char child_uts[64];

static int uts_child(void *arg)
{
	ssize_t n = readlink("/proc/self/ns/uts", child_uts, sizeof(child_uts) - 1);

	(void)arg;
	if (n > 0)
		child_uts[n] = '\0';
	_exit(0);
}

/* The namespaces the helper unshares are the init's, not the runtime's. */
static void test_namespaces_made_by_the_helper(void)
{
	char own[64] = "";
	struct init_spawn s;
	ssize_t n = readlink("/proc/self/ns/uts", own, sizeof(own) - 1);
	pid_t pid;

	if (geteuid() != 0 || n <= 0) {
		UNIT_CHECK(1, "# SKIP needs root to make a uts namespace");
		return;
	}
	own[n] = '\0';
	init_spawn_prepare(&s, CLONE_NEWUTS, -1);
	pid = spawn(&s, 0, uts_child, NULL);
	UNIT_CHECK(pid > 0, "spawned in a uts namespace made by the helper");
	if (pid <= 0)
		return;
	init_spawn_join(&s);
	waitpid(pid, NULL, 0);
	UNIT_CHECK(child_uts[0] && strcmp(child_uts, own) != 0,
		   "the init's uts namespace (%s) is "
		   "not the runtime's (%s)",
		   child_uts, own);
	n = readlink("/proc/self/ns/uts", child_uts, sizeof(child_uts) - 1);
	child_uts[n > 0 ? n : 0] = '\0';
	UNIT_CHECK(strcmp(child_uts, own) == 0, "and the runtime's own is unchanged");
}

int main(void)
{
	test_shared_memory_own_tls();
	test_failures_leave_no_thread();
	test_namespaces_made_by_the_helper();
	return unit_done();
}
