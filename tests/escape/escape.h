/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The escape battery: one static program, `escape TECHNIQUE [ARG...]`, run inside a container.
 * Each technique tries one known way out and reports on one line:
 *   ESCAPED TECHNIQUE: what got through          exit 0 (the attack worked, and was checked)
 *   REFUSED TECHNIQUE: what stopped it (errno)   exit 1
 *   ERROR TECHNIQUE: the probe itself failed     exit 2 (neither: the test must fail)
 * Compiled at test time (gcc -static) into the container's rootfs; never committed built. */
#ifndef ESCAPE_H
#define ESCAPE_H

#include <stdbool.h>
#include <sys/types.h>

#define EXIT_ESCAPED 0
#define EXIT_REFUSED 1
#define EXIT_ERROR   2

struct technique {
	const char *name;
	const char *usage; /* the arguments, or "" */
	int (*run)(int argc, char **argv);
};

/* These print the one line and return the exit status. */
int escaped(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int refused(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int probe_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The technique being run (for the messages). */
extern const char *technique_name;

/* Helpers. */
bool same_file(const char *a, const char *b);
int read_small(const char *path, char *buf, size_t size); /* bytes read, or -errno */
/* Writes back what `path` holds now: a write that succeeds proves write access without
 * changing anything.  Returns bytes written, or -errno. */
int rewrite_same(const char *path);
/* Walks ".." from dirfd up to the top; true when the top is not our own root. */
bool walks_out_of_root(int dirfd, char *where, size_t size);

/* The techniques, by area (one file each). */
extern const struct technique selfexe_techniques[], fd_techniques[], ns_techniques[],
    host_techniques[], cgroup_techniques[], proc_techniques[], net_techniques[],
    resource_techniques[], symlink_techniques[], confine_techniques[];

#endif
