/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "fsutil.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int read_open_file(int fd, const char *path, size_t max_size, char **ret_buf,
			  size_t *ret_len, struct iso_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, len = 0;
	struct stat st;

	/* A regular file's size is a good first guess (a config.json with a seccomp profile is
	 * 15 KB): one buffer, instead of doubling one and copying it, each new page a fault. The
	 * loop still reads to EOF, and proc files, which say 0 or 4096, grow as before. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (size_t)st.st_size < max_size)
		cap = (size_t)st.st_size + 1;
	buf = malloc(cap + 1);
	if (!buf)
		return iso_error_set(err, ENOMEM, "%s", path);
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (cap >= max_size)
				return iso_error_set(err, EFBIG, "%s: larger than %zu bytes", path,
						     max_size);
			cap = cap * 2 > max_size ? max_size : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return iso_error_set(err, ENOMEM, "%s", path);
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return iso_error_set(err, errno, "%s", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_buf = steal_ptr(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int read_file_at(int dirfd, const char *path, size_t max_size, char **ret_buf, size_t *ret_len,
		 struct iso_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return iso_error_set(err, errno, "%s", path);
	return read_open_file(fd, path, max_size, ret_buf, ret_len, err);
}

int read_regular_file_at(int dirfd, const char *path, size_t max_size, char **ret_buf,
			 size_t *ret_len, struct iso_error *err)
{
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer, forever; on a regular
	 * file the flag changes nothing. */
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return iso_error_set(err, errno, "%s", path);
	if (fstat(fd, &st) < 0)
		return iso_error_set(err, errno, "%s", path);
	if (!S_ISREG(st.st_mode))
		return iso_error_invalid(err, "%s: not a regular file", path);
	return read_open_file(fd, path, max_size, ret_buf, ret_len, err);
}

int write_file_atomic_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
			 struct iso_error *err)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return iso_error_set(err, ENOMEM, "%s", path);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return iso_error_set(err, errno, "%s", tmp);
	/* rename() makes the switch atomic for readers and against a crash of the writer; no
	 * fsync: state lives on tmpfs (/run) where it means nothing and on disk it costs
	 * milliseconds per container. */
	r = write_all(fd, data, len);
	if (r == 0 && renameat(dirfd, tmp, dirfd, path) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return iso_error_set(err, -r, "%s", path);
	}
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct iso_error *err)
{
	return write_file_atomic_at(AT_FDCWD, path, data, len, mode, err);
}

int write_file_string(const char *path, const char *value, struct iso_error *err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	int r;

	if (fd < 0)
		return iso_error_set(err, errno, "%s", path);
	r = write_all(fd, value, strlen(value));
	if (r < 0)
		return iso_error_set(err, -r, "writing '%s' to %s", value, path);
	return 0;
}

int mkdir_p(const char *path, mode_t mode, struct iso_error *err)
{
	_cleanup_free_ char *copy = strdup(path);

	if (!copy)
		return iso_error_set(err, ENOMEM, "%s", path);
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return iso_error_set(err, errno, "mkdir %s", copy);
		*p = '/';
	}
	if (mkdir(copy, mode) < 0 && errno != EEXIST)
		return iso_error_set(err, errno, "mkdir %s", copy);
	return 0;
}

static int remove_tree_at(int parent_fd, const char *name, dev_t dev, struct iso_error *err)
{
	struct stat st;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd;

	if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : iso_error_set(err, errno, "stat %s", name);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(parent_fd, name, 0) < 0 && errno != ENOENT)
			return iso_error_set(err, errno, "unlink %s", name);
		return 0;
	}
	if (st.st_dev != dev)
		return iso_error_set(err, EBUSY, "%s is a mount point: not removing", name);
	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return iso_error_set(err, errno, "open %s", name);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return iso_error_set(err, errno, "opendir %s", name);
	}
	while ((de = readdir(d))) {
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = remove_tree_at(dirfd(d), de->d_name, dev, err);
		if (r < 0)
			return r;
	}
	if (unlinkat(parent_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return iso_error_set(err, errno, "rmdir %s", name);
	return 0;
}

int remove_tree(const char *path, struct iso_error *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : iso_error_set(err, errno, "stat %s", path);
	return remove_tree_at(AT_FDCWD, path, st.st_dev, err);
}

int make_absolute(const char *path, char **ret, struct iso_error *err)
{
	char cwd[PATH_MAX];

	if (path[0] == '/') {
		*ret = strdup(path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return iso_error_set(err, errno, "getcwd");
		if (asprintf(ret, "%s/%s", strcmp(cwd, "/") ? cwd : "", path) < 0)
			*ret = NULL;
	}
	if (!*ret)
		return iso_error_set(err, ENOMEM, "%s", path);
	return 0;
}
