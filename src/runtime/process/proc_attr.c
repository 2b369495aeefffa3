/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/proc_attr.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runtime/rootfs/safe_path.h"
#include "util/cleanup.h"

static bool is_procfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

int proc_attr_open(const char *name, struct iso_error *err)
{
	_cleanup_close_ int proc = -1;
	char rel[64];
	int fd;

	proc = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (proc < 0)
		return iso_error_set(err, errno, "/proc");
	if (!is_procfs(proc))
		return iso_error_set(err, EXDEV, "/proc is not procfs");
	snprintf(rel, sizeof(rel), "thread-self/attr/%s", name);
	/* thread-self is a plain symlink into the same mount; a mount placed over any part of
	 * the path, or a magic link, ends the walk. */
	fd = safe_openat2(proc, rel, O_WRONLY | O_NOCTTY,
			  RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
	if (fd < 0)
		return iso_error_set(err, -fd, "/proc/%s", rel);
	if (!is_procfs(fd)) {
		close(fd);
		return iso_error_set(err, EXDEV, "/proc/%s is not on procfs", rel);
	}
	return fd;
}

int proc_attr_write(int fd, const char *name, const char *value, struct iso_error *err)
{
	size_t len = strlen(value);
	ssize_t n;

	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return iso_error_set(err, errno, "writing /proc/thread-self/attr/%s", name);
	if ((size_t)n != len)
		return iso_error_set(err, EIO, "writing /proc/thread-self/attr/%s: short write",
				     name);
	return 0;
}
