/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "harness_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

static char *dir;

static void remove_dir(void)
{
	struct iso_error err = {0};

	if (dir)
		remove_tree(dir, &err);
}

const char *harness_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir)
		return dir;
	if (asprintf(&dir, "%s/isorun-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 ||
	    !mkdtemp(dir)) {
		perror("harness: scratch directory");
		abort();
	}
	atexit(remove_dir);
	return dir;
}

char *harness_subdir(const char *sub)
{
	char *path;

	if (asprintf(&path, "%s/%s", harness_dir(), sub) < 0 || mkdir(path, 0700) < 0) {
		perror("harness: scratch subdirectory");
		abort();
	}
	return path;
}

void harness_write(int dirfd, const char *name, const uint8_t *data, size_t size, int mode)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write_all(fd, data, size) < 0 || close(fd) < 0) {
		perror("harness: writing the input");
		abort();
	}
}
