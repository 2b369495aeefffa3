/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/selfexe.h"

#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/sealed_memfd.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 1 when the running image cannot be written through /proc/self/exe: it is a memfd sealed
 * against writing, or it lies on a read-only mount (which the container cannot remount: the
 * mount belongs to the host's mount namespace). */
static int fd_is_protected(int fd)
{
	struct statvfs sv;
	int seals;

	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && (seals & F_SEAL_WRITE))
		return 1;
	/* EINVAL: not a file that supports seals, i.e. an ordinary binary. */
	if (seals < 0 && errno != EINVAL)
		return -errno;
	if (fstatvfs(fd, &sv) < 0)
		return -errno;
	return (sv.f_flag & ST_RDONLY) ? 1 : 0;
}

int selfexe_is_protected(void)
{
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return fd_is_protected(fd);
}

/* Copies exactly size bytes: a binary that shrinks while being copied is an error, never a
 * truncated image to execute. */
static int copy_fd(int out, int in, off_t size)
{
	char buf[65536];
	bool use_sendfile = true;

	while (size > 0) {
		size_t chunk = (size_t)size;
		ssize_t n;
		int r;

		if (use_sendfile) {
			n = sendfile(out, in, NULL, chunk);
			if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
				use_sendfile = false; /* nothing was copied: go on with read() */
				continue;
			}
		} else {
			n = read(in, buf, chunk < sizeof(buf) ? chunk : sizeof(buf));
			if (n > 0 && (r = write_all(out, buf, (size_t)n)) < 0)
				return r;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		size -= n;
	}
	return 0;
}

/* A sealed memfd with a copy of the binary in exe. */
static int make_sealed_copy(int exe, struct iso_error *err)
{
	_cleanup_close_ int mfd = -1;
	struct stat st;
	int r;

	if (fstat(exe, &st) < 0)
		return iso_error_set(err, errno, "/proc/self/exe: fstat");
	mfd = r = sealed_memfd_open("isorun", err);
	if (r < 0)
		return r;
	r = copy_fd(mfd, exe, st.st_size);
	if (r < 0)
		return iso_error_set(err, -r, "copying /proc/self/exe into a memfd");
	if ((r = sealed_memfd_seal(mfd, err)) < 0)
		return r;
	return steal_fd(mfd);
}

#define SELFEXE_PATH_ENV "_ISORUN_SELF"

static char **saved_argv;

char *selfexe_original_path(void)
{
	const char *env = getenv(SELFEXE_PATH_ENV);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	/* Only the sealed copy trusts the variable: the process that made the copy set it. */
	if (strncmp(self, "/memfd:", 7) == 0)
		return env && *env ? strdup(env) : NULL;
	return strdup(self);
}

void selfexe_set_argv(char **argv)
{
	saved_argv = argv;
}

int selfexe_ensure_protected(struct iso_error *err)
{
	_cleanup_close_ int exe = -1, mfd = -1;
	int r;

	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0)
		return iso_error_set(err, errno, "protecting the runtime binary: /proc/self/exe");
	r = fd_is_protected(exe);
	if (r < 0)
		return iso_error_set(err, -r, "protecting the runtime binary: /proc/self/exe");
	if (r > 0)
		return 0;
	if (!saved_argv)
		return iso_error_set(err, EINVAL,
				     "protecting the runtime binary: no argv to re-run");
	mfd = make_sealed_copy(exe, err);
	if (mfd < 0)
		return iso_error_wrap(err, "protecting the runtime binary");
	/* The copy cannot tell where it came from: files installed next to the binary (the
	 * default seccomp profile) are found through this. */
	if (!getenv(SELFEXE_PATH_ENV)) {
		_cleanup_free_ char *self = realpath("/proc/self/exe", NULL);

		if (self)
			setenv(SELFEXE_PATH_ENV, self, 1);
	}
	/* The memfd is O_CLOEXEC: the kernel keeps it as the new image and closes the fd.
	 * After this, /proc/self/exe is the sealed copy and the check above returns 1. */
	execveat(mfd, "", saved_argv, environ, AT_EMPTY_PATH);
	return iso_error_set(err, errno,
			     "protecting the runtime binary: re-executing from a "
			     "sealed memfd");
}
