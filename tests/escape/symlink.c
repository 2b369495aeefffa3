/* SPDX-License-Identifier: GPL-2.0-or-later */
/* After a start with a hostile rootfs (a /dev, /dev/null or mount destination swapped for a
 * symlink, before or while the container starts): every masked path must still be the null
 * device or an empty read-only tmpfs, not a host file bound in its place (runc's
 * CVE-2025-31133 made /proc/sys/kernel/core_pattern writable that way). */
#define _GNU_SOURCE
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const char *const masked[] = {"/proc/kcore",
				     "/proc/keys",
				     "/proc/latency_stats",
				     "/proc/timer_list",
				     "/proc/sched_debug",
				     "/proc/timer_stats",
				     NULL};

static int masked_paths(int argc, char **argv)
{
	char before[4096], after[4096], buf[64];
	int checked = 0;

	(void)argc;
	(void)argv;
	if (read_small("/proc/sys/kernel/core_pattern", before, sizeof(before)) < 0)
		return probe_error("core_pattern: %s", strerror(errno));
	for (size_t i = 0; masked[i]; i++) {
		struct stat st;
		int fd;

		if (stat(masked[i], &st) < 0)
			continue;
		checked++;
		if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
			return escaped("%s is not the null device (mode %o, rdev %u:%u)", masked[i],
				       st.st_mode, major(st.st_rdev), minor(st.st_rdev));
		if (read_small(masked[i], buf, sizeof(buf)) > 0)
			return escaped("%s returned data", masked[i]);
		fd = open(masked[i], O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "|/escape-core %p\n", 17) < 0)
				checked += 0;
			close(fd);
		}
	}
	if (read_small("/proc/sys/kernel/core_pattern", after, sizeof(after)) < 0)
		return probe_error("core_pattern: %s", strerror(errno));
	if (strcmp(before, after) != 0)
		return escaped("writing a masked path changed core_pattern to \"%s\"", after);
	if (checked == 0)
		return probe_error("no masked path exists");
	return refused("%d masked paths are the null device 1:3; writing them changed nothing",
		       checked);
}

const struct technique symlink_techniques[] = {
    {"masked_paths", "", masked_paths},
    {NULL, NULL, NULL},
};
