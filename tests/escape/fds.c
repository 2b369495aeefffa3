/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2024-21626: a host directory (or any host file) reachable through an fd the runtime
 * leaked into the container, or through the working directory it left us in. */
#define _GNU_SOURCE
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every fd above 2 we did not open ourselves is a leak: we open nothing before this. */
static int leaked_fds(int argc, char **argv)
{
	char where[256], link[512], path[64];
	int leaks = 0;

	(void)argc;
	(void)argv;
	for (int fd = 3; fd < 1024; fd++) {
		struct stat st;
		ssize_t n;

		if (fcntl(fd, F_GETFD) < 0)
			continue;
		leaks++;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		link[n < 0 ? 0 : n] = '\0';
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
		    walks_out_of_root(fd, where, sizeof(where)))
			return escaped("fd %d (%s) is a directory outside our root: %s", fd, link,
				       where);
		/* the magic link itself, walked: /proc/self/fd/N/.. */
		int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0 && walks_out_of_root(dfd, where, sizeof(where))) {
			close(dfd);
			return escaped("%s (%s) leads outside our root: %s", path, link, where);
		}
		if (dfd >= 0)
			close(dfd);
		printf("fd %d open at start: %s\n", fd, link);
	}
	if (leaks > 0)
		return escaped("%d fd(s) above 2 were inherited from the runtime", leaks);
	return refused("no fd above 2 was inherited (fds 3..1023 closed)");
}

static int cwd(int argc, char **argv)
{
	char buf[4096], where[256];
	int fd;

	(void)argc;
	(void)argv;
	if (!getcwd(buf, sizeof(buf)))
		return escaped("getcwd failed (%s): the cwd is not under our root",
			       strerror(errno));
	if (strncmp(buf, "(unreachable)", 13) == 0)
		return escaped("cwd %s is outside our root", buf);
	fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return probe_error("open .: %s", strerror(errno));
	if (walks_out_of_root(fd, where, sizeof(where)))
		return escaped("walking .. from the cwd %s leaves our root: %s", buf, where);
	close(fd);
	return refused("cwd %s is inside our root", buf);
}

const struct technique fd_techniques[] = {
    {"leaked_fds", "", leaked_fds},
    {"cwd", "", cwd},
    {NULL, NULL, NULL},
};
