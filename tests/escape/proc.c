/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Processes outside the container's pid namespace: the test starts a host process whose
 * command line carries MARKER and passes its host pid; the probe looks for it, signals that
 * pid, ptraces it and opens a pidfd for it.  Success only against the marked process. */
#define _GNU_SOURCE
#include "escape.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* A probe's own command line carries the marker too: never count a probe. */
static bool is_probe(const char *cmd)
{
	return strstr(cmd, "kill_outside") || strstr(cmd, "ptrace_outside");
}

/* The pid in our namespace whose command line contains marker, or 0. */
static pid_t find_marked(const char *marker)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;

	while (d && (e = readdir(d)) && !found) {
		char path[300], cmd[4096];
		int n;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		n = read_small(path, cmd, sizeof(cmd));
		for (int i = 0; i < n - 1; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		if (n > 0 && strstr(cmd, marker) && !is_probe(cmd) && atoi(e->d_name) != getpid())
			found = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

/* Is `pid` in our namespace the marked process (and not one of ours that has that number)? */
static bool is_marked(pid_t pid, const char *marker)
{
	char path[64], cmd[4096];
	int n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	n = read_small(path, cmd, sizeof(cmd));
	for (int i = 0; i < n - 1; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	return n > 0 && pid != getpid() && strstr(cmd, marker) && !is_probe(cmd);
}

static int args(int argc, char **argv, pid_t *pid, const char **marker)
{
	if (argc < 3)
		return -1;
	*pid = atoi(argv[1]);
	*marker = argv[2];
	return 0;
}

static int kill_outside(int argc, char **argv)
{
	const char *marker;
	pid_t pid, seen;
	int e1 = 0, e2 = 0, pfd;

	if (args(argc, argv, &pid, &marker) < 0)
		return probe_error("usage: kill_outside HOST-PID MARKER");
	seen = find_marked(marker);
	if (seen && kill(seen, SIGKILL) == 0)
		return escaped("the host process \"%s\" is visible as pid %d and was sent SIGKILL",
			       marker, seen);
	if (kill(pid, 0) < 0)
		e1 = errno;
	else if (is_marked(pid, marker) && kill(pid, SIGKILL) == 0)
		return escaped("sent SIGKILL to host pid %d", pid);
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		e2 = errno;
	else if (is_marked(pid, marker) &&
		 syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) == 0)
		return escaped("pidfd_send_signal(SIGKILL) to host pid %d", pid);
	return refused("host process not visible; kill(%d): %s; pidfd_open(%d): %s", pid,
		       e1 ? strerror(e1) : "a process of ours", pid, e2 ? strerror(e2) : "ours");
}

static int ptrace_outside(int argc, char **argv)
{
	const char *marker;
	pid_t pid, seen;
	int e;

	if (args(argc, argv, &pid, &marker) < 0)
		return probe_error("usage: ptrace_outside HOST-PID MARKER");
	seen = find_marked(marker);
	if (seen && ptrace(PTRACE_SEIZE, seen, NULL, NULL) == 0)
		return escaped("ptrace(SEIZE) of the host process \"%s\" (pid %d here)", marker,
			       seen);
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) == 0) {
		if (is_marked(pid, marker))
			return escaped("ptrace(SEIZE) of host pid %d", pid);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		return refused("pid %d here is one of ours, not the host process", pid);
	}
	e = errno;
	return refused("host process %s; ptrace(SEIZE, %d): %s", seen ? "visible" : "not visible",
		       pid, strerror(e));
}

const struct technique proc_techniques[] = {
    {"kill_outside", "HOST-PID MARKER", kill_outside},
    {"ptrace_outside", "HOST-PID MARKER", ptrace_outside},
    {NULL, NULL, NULL},
};
