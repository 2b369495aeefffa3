/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "util/dir_copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

struct copy {
	const struct dir_copy_rules *rules;
	int src_root;	    /* the directory symlinks must stay beneath */
	char rel[PATH_MAX]; /* the entry being copied, relative to the roots */
	struct iso_error *err;
};

/* The entry being copied, "." for the root. */
static const char *rel(const struct copy *c)
{
	return c->rel[0] ? c->rel : ".";
}

static int src_error(struct copy *c, int errnum, const char *what)
{
	return iso_error_set(c->err, errnum, "%s%s%s", c->rules->src_label, rel(c), what);
}

static int dst_error(struct copy *c, int errnum)
{
	return iso_error_set(c->err, errnum, "%s%s", c->rules->dst_label, rel(c));
}

/* Owner, then mode (chown clears set-id bits), then times (filling a directory changed its
 * mtime), on an fd of the copy. */
static int keep_all_fd(struct copy *c, int fd, const struct stat *st)
{
	if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0 ||
	    futimens(fd, (struct timespec[2]){st->st_atim, st->st_mtim}) < 0)
		return dst_error(c, errno);
	return 0;
}

/* The same for what cannot be opened (symlinks, device nodes, fifos): by name, without
 * following a symlink; a node's mode cannot be set that way, so fchmodat follows `name`, which
 * the caller made an instant ago in a directory it alone writes to. */
static int keep_all_at(struct copy *c, int dst, const char *name, const struct stat *st)
{
	struct timespec times[2] = {st->st_atim, st->st_mtim};

	if (fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    (!S_ISLNK(st->st_mode) && fchmodat(dst, name, st->st_mode & 07777, 0) < 0) ||
	    utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return dst_error(c, errno);
	return 0;
}

static int copy_bytes(struct copy *c, int in, int out)
{
	ssize_t n;

	/* Until EOF rather than st_size: the file may have changed since it was looked at. */
	while ((n = sendfile(out, in, NULL, 1 << 30)) != 0)
		if (n < 0 && errno != EINTR)
			return src_error(c, errno, ": copying");
	return 0;
}

static int copy_file(struct copy *c, int src, int dst, const char *name, const struct stat *st)
{
	_cleanup_close_ int in =
	    openat(src, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	struct stat opened;
	int r;

	/* Swapped for a fifo since the fstatat, it would block the copy; for a device, read it. */
	if (in < 0 || fstat(in, &opened) < 0)
		return src_error(c, errno, "");
	if (!S_ISREG(opened.st_mode))
		return src_error(c, 0, ": changed while it was copied");
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return dst_error(c, errno);
	if ((r = copy_bytes(c, in, out)) < 0)
		return r;
	if (c->rules->keep_all)
		return keep_all_fd(c, out, st);
	if (fchmod(out, st->st_mode & 0777) < 0)
		return dst_error(c, errno);
	return 0;
}

/* A confined symlink must resolve, without leaving the source root, to something that exists. */
static int check_symlink(struct copy *c, const char *target)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, c->src_root, c->rel, &how, sizeof(how));

	if (fd < 0 && (errno == EXDEV || errno == ELOOP))
		return iso_error_invalid(c->err, "%s%s: symlink to \"%s\" leads outside %s",
					 c->rules->src_label, c->rel, target, c->rules->src_label);
	if (fd < 0)
		return iso_error_set(c->err, errno, "%s%s: symlink to \"%s\"", c->rules->src_label,
				     c->rel, target);
	close(fd);
	return 0;
}

static int copy_symlink(struct copy *c, int src, int dst, const char *name, const struct stat *st)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
	int r;

	if (n < 0)
		return src_error(c, errno, "");
	target[n] = '\0';
	if (c->rules->confine_symlinks && (r = check_symlink(c, target)) < 0)
		return r;
	if (symlinkat(target, dst, name) < 0)
		return dst_error(c, errno);
	return c->rules->keep_all ? keep_all_at(c, dst, name, st) : 0;
}

static int copy_node(struct copy *c, int dst, const char *name, const struct stat *st)
{
	if (mknodat(dst, name, st->st_mode, st->st_rdev) < 0)
		return dst_error(c, errno);
	return keep_all_at(c, dst, name, st);
}

static int copy_dir(struct copy *c, int src, int dst, int depth);

static int copy_subdir(struct copy *c, int src, int dst, const char *name, const struct stat *st,
		       int depth)
{
	_cleanup_close_ int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int d = -1;
	int r;

	if (s < 0)
		return src_error(c, errno, "");
	if (c->rules->max_depth && depth >= c->rules->max_depth)
		return src_error(c, 0, ": nested too deep");
	if (mkdirat(dst, name, 0700) < 0 ||
	    (d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return dst_error(c, errno);
	if ((r = copy_dir(c, s, d, depth + 1)) < 0)
		return r;
	if (c->rules->keep_all)
		return keep_all_fd(c, d, st);
	if (fchmod(d, st->st_mode & 0777) < 0)
		return dst_error(c, errno);
	return 0;
}

static int copy_entry(struct copy *c, int src, int dst, const char *name, int depth)
{
	size_t len = strlen(c->rel);
	struct stat st;
	int r;

	if (snprintf(c->rel + len, sizeof(c->rel) - len, "%s%s", len ? "/" : "", name) >=
	    (int)(sizeof(c->rel) - len))
		return src_error(c, ENAMETOOLONG, "");
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		r = src_error(c, errno, "");
	else if (S_ISREG(st.st_mode))
		r = copy_file(c, src, dst, name, &st);
	else if (S_ISDIR(st.st_mode))
		r = copy_subdir(c, src, dst, name, &st, depth);
	else if (S_ISLNK(st.st_mode))
		r = copy_symlink(c, src, dst, name, &st);
	else if (!c->rules->keep_all)
		r = src_error(c, 0, ": not a regular file, directory or symlink");
	else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode))
		r = copy_node(c, dst, name, &st);
	else
		r = 0; /* a socket is not content: whoever listened on it is not copied */
	c->rel[len] = '\0';
	return r;
}

static int copy_dir(struct copy *c, int src, int dst, int depth)
{
	int fd = fcntl(src, F_DUPFD_CLOEXEC, 3);
	_cleanup_closedir_ DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return src_error(c, errno, "");
	}
	while ((errno = 0, e = readdir(dir))) {
		int r;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((r = copy_entry(c, src, dst, e->d_name, depth)) < 0)
			return r;
	}
	if (errno)
		return src_error(c, errno, "");
	return 0;
}

int dir_copy(int src, int dst, const struct dir_copy_rules *rules, struct iso_error *err)
{
	struct copy c = {.rules = rules, .src_root = src, .err = err};

	return copy_dir(&c, src, dst, 0);
}
