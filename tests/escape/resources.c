/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resource abuse: a fork bomb against pids.limit, a memory balloon against the memory limit,
 * and filling a tmpfs against its size.  The test passes the bound the configuration sets;
 * getting past it is the escape (the probe stops there rather than harm the host). */
#define _GNU_SOURCE
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int forkbomb(int argc, char **argv)
{
	long limit, n = 0;
	pid_t *kids;
	int e = 0;

	if (argc < 2 || (limit = atol(argv[1])) <= 0)
		return probe_error("usage: forkbomb PIDS-LIMIT");
	kids = calloc((size_t)limit + 1, sizeof(*kids));
	if (!kids)
		return probe_error("calloc");
	/* we count too: pids.max covers every task of the cgroup */
	while (n < limit) {
		pid_t pid = fork();

		if (pid < 0) {
			e = errno;
			break;
		}
		if (pid == 0) {
			pause();
			_exit(0);
		}
		kids[n++] = pid;
	}
	for (long i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (long i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	if (n >= limit)
		return escaped("forked %ld processes, the limit is %ld", n, limit);
	return refused("fork failed after %ld children (limit %ld): %s", n, limit, strerror(e));
}

#define CHUNK (16L << 20)

static void balloon_child(long ceiling, int out)
{
	long done = 0;

	while (done < ceiling) {
		char *p =
		    mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(3);
		memset(p, 0x5a, CHUNK);
		done += CHUNK;
		if (write(out, &done, sizeof(done)) < 0)
			_exit(4);
	}
	_exit(0);
}

static int balloon(int argc, char **argv)
{
	long limit, done = 0, got;
	int fds[2], st;
	pid_t pid;

	if (argc < 2 || (limit = atol(argv[1])) <= 0)
		return probe_error("usage: balloon MEMORY-LIMIT-BYTES");
	if (pipe2(fds, O_CLOEXEC) < 0)
		return probe_error("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return probe_error("fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		balloon_child(limit + 4 * CHUNK, fds[1]);
	}
	close(fds[1]);
	while (read(fds[0], &got, sizeof(got)) == sizeof(got))
		done = got;
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return escaped("touched %ld MiB, the limit is %ld MiB", done >> 20, limit >> 20);
	if (WIFSIGNALED(st))
		return refused("killed by signal %d after %ld MiB (limit %ld MiB)", WTERMSIG(st),
			       done >> 20, limit >> 20);
	return refused("mmap failed after %ld MiB (limit %ld MiB), status %d", done >> 20,
		       limit >> 20, WEXITSTATUS(st));
}

static int tmpfill(int argc, char **argv)
{
	static char buf[1 << 20];
	char path[256];
	long limit, done = 0;
	int fd, e = 0;

	if (argc < 3 || (limit = atol(argv[2])) <= 0)
		return probe_error("usage: tmpfill DIR SIZE-BYTES");
	snprintf(path, sizeof(path), "%s/escape-fill", argv[1]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return refused("open %s: %s", path, strerror(errno));
	memset(buf, 0x5a, sizeof(buf));
	while (done <= limit) {
		ssize_t n = write(fd, buf, sizeof(buf));

		if (n <= 0) {
			e = n < 0 ? errno : ENOSPC;
			break;
		}
		done += n;
	}
	close(fd);
	unlink(path);
	if (done > limit)
		return escaped("wrote %ld MiB into %s, the bound is %ld MiB", done >> 20, argv[1],
			       limit >> 20);
	return refused("%s full after %ld MiB (bound %ld MiB): %s", argv[1], done >> 20,
		       limit >> 20, strerror(e));
}

const struct technique resource_techniques[] = {
    {"forkbomb", "PIDS-LIMIT", forkbomb},
    {"balloon", "MEMORY-LIMIT-BYTES", balloon},
    {"tmpfill", "DIR SIZE-BYTES", tmpfill},
    {NULL, NULL, NULL},
};
