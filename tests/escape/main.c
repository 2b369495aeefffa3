/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dispatch and the helpers shared by every technique (see escape.h). */
#define _GNU_SOURCE
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *technique_name = "?";

/* The host's uid for ours: /proc/self/uid_map maps our namespace onto its parent's, which for
 * a container is the host's.  -1 when our uid is in no range (read failed, or unmapped). */
static long long host_uid(void)
{
	unsigned long long inner, outer, count, uid = getuid();
	long long found = -1;
	FILE *f = fopen("/proc/self/uid_map", "re");

	if (!f)
		return -1;
	while (found < 0 && fscanf(f, "%llu %llu %llu", &inner, &outer, &count) == 3)
		if (uid >= inner && uid - inner < count)
			found = (long long)(outer + (uid - inner));
	fclose(f);
	return found;
}

/* The host uid goes on every line: a refusal means less when the probe was host root. */
static int report(const char *verdict, int status, const char *fmt, va_list ap)
{
	printf("%s %s: ", verdict, technique_name);
	vprintf(fmt, ap);
	printf(" [host uid %lld]\n", host_uid());
	fflush(stdout);
	return status;
}

int escaped(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = report("ESCAPED", EXIT_ESCAPED, fmt, ap);
	va_end(ap);
	return r;
}

int refused(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = report("REFUSED", EXIT_REFUSED, fmt, ap);
	va_end(ap);
	return r;
}

int probe_error(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = report("ERROR", EXIT_ERROR, fmt, ap);
	va_end(ap);
	return r;
}

bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	return (int)n;
}

int rewrite_same(const char *path)
{
	char buf[4096];
	int n = read_small(path, buf, sizeof(buf)), fd;
	ssize_t w;

	if (n < 0)
		return n;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (n == 0)
		buf[n++] = '\n';
	w = write(fd, buf, (size_t)n);
	if (w < 0)
		w = -errno;
	close(fd);
	return (int)w;
}

bool walks_out_of_root(int dirfd, char *where, size_t size)
{
	struct stat root, cur, up;
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);

	if (fd < 0 || stat("/", &root) < 0)
		return false;
	for (int i = 0; i < 256; i++) {
		int next = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (next < 0 || fstat(fd, &cur) < 0 || fstat(next, &up) < 0) {
			close(fd);
			if (next >= 0)
				close(next);
			return false;
		}
		close(fd);
		fd = next;
		if (cur.st_dev == up.st_dev && cur.st_ino == up.st_ino)
			break;
	}
	fstat(fd, &cur);
	close(fd);
	snprintf(where, size, "top dev %lu ino %lu, our root dev %lu ino %lu",
		 (unsigned long)cur.st_dev, (unsigned long)cur.st_ino, (unsigned long)root.st_dev,
		 (unsigned long)root.st_ino);
	return cur.st_dev != root.st_dev || cur.st_ino != root.st_ino;
}

static const struct technique *const areas[] = {
    selfexe_techniques, fd_techniques,	ns_techniques,	     host_techniques,	 cgroup_techniques,
    proc_techniques,	net_techniques, resource_techniques, symlink_techniques, confine_techniques,
};

static void usage(void)
{
	fprintf(stderr, "usage: escape TECHNIQUE [ARG...]; techniques:\n");
	for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++)
		for (const struct technique *t = areas[a]; t->name; t++)
			fprintf(stderr, "  %s %s\n", t->name, t->usage);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		usage();
		return EXIT_ERROR;
	}
	for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++)
		for (const struct technique *t = areas[a]; t->name; t++)
			if (strcmp(t->name, argv[1]) == 0) {
				technique_name = t->name;
				return t->run(argc - 1, argv + 1);
			}
	usage();
	return EXIT_ERROR;
}
