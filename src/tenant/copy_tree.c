#include "config.h"
#include "tenant/copy_tree.h"
#include "util/cleanup.h"

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

#define MAX_DEPTH 64

struct copy_ctx {
	int src_root;	    /* progs/, the root symlinks must stay under */
	char rel[PATH_MAX]; /* the entry being copied, relative to progs/ */
	struct iso_error *err;
};

static int copy_dir(struct copy_ctx *c, int src, int dst, int depth);

static int copy_file(struct copy_ctx *c, int src, int dst, const char *name, const struct stat *st)
{
	_cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	off_t left = st->st_size;

	if (in < 0)
		return iso_error_set(c->err, errno, "progs/%s", c->rel);
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     st->st_mode & 0777);
	if (out < 0)
		return iso_error_set(c->err, errno, "home/%s", c->rel);
	while (left > 0) {
		ssize_t n = sendfile(out, in, NULL, (size_t)left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return iso_error_set(c->err, n < 0 ? errno : EIO, "copying progs/%s",
					     c->rel);
		left -= n;
	}
	/* The umask may have cut bits off at open. */
	if (fchmod(out, st->st_mode & 0777) < 0)
		return iso_error_set(c->err, errno, "home/%s", c->rel);
	return 0;
}

/* A symlink is kept only when it resolves inside progs/ (relative, no ".." out). */
static int copy_symlink(struct copy_ctx *c, int src, int dst, const char *name)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	char target[PATH_MAX];
	ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
	int fd;

	if (n < 0)
		return iso_error_set(c->err, errno, "progs/%s", c->rel);
	target[n] = '\0';
	fd = (int)syscall(SYS_openat2, c->src_root, c->rel, &how, sizeof(how));
	if (fd < 0 && (errno == EXDEV || errno == ELOOP))
		return iso_error_invalid(c->err,
					 "progs/%s: symlink to \"%s\" leads outside "
					 "progs/",
					 c->rel, target);
	if (fd < 0)
		return iso_error_set(c->err, errno, "progs/%s: symlink to \"%s\"", c->rel, target);
	close(fd);
	if (symlinkat(target, dst, name) < 0)
		return iso_error_set(c->err, errno, "home/%s", c->rel);
	return 0;
}

static int copy_entry(struct copy_ctx *c, int src, int dst, const char *name, int depth)
{
	size_t len = strlen(c->rel);
	struct stat st;
	int r;

	if (snprintf(c->rel + len, sizeof(c->rel) - len, "%s%s", len ? "/" : "", name) >=
	    (int)(sizeof(c->rel) - len))
		return iso_error_set(c->err, ENAMETOOLONG, "progs/%s", c->rel);
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return iso_error_set(c->err, errno, "progs/%s", c->rel);
	if (S_ISREG(st.st_mode))
		r = copy_file(c, src, dst, name, &st);
	else if (S_ISLNK(st.st_mode))
		r = copy_symlink(c, src, dst, name);
	else if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int s =
		    openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int d = -1;

		if (s < 0 || mkdirat(dst, name, 0700) < 0 ||
		    (d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return iso_error_set(c->err, errno, "progs/%s", c->rel);
		r = copy_dir(c, s, d, depth + 1);
		if (r == 0 && fchmod(d, st.st_mode & 0777) < 0)
			r = iso_error_set(c->err, errno, "home/%s", c->rel);
	} else
		r = iso_error_invalid(c->err, "progs/%s: not a regular file, directory or symlink",
				      c->rel);
	c->rel[len] = '\0';
	return r;
}

static int copy_dir(struct copy_ctx *c, int src, int dst, int depth)
{
	int fd = fcntl(src, F_DUPFD_CLOEXEC, 3);
	_cleanup_closedir_ DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return iso_error_set(c->err, errno, "progs/%s", c->rel);
	}
	if (depth > MAX_DEPTH)
		return iso_error_invalid(c->err, "progs/%s: nested too deep", c->rel);
	while ((errno = 0, e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (copy_entry(c, src, dst, e->d_name, depth) < 0)
			return iso_error_code(c->err);
	}
	if (errno)
		return iso_error_set(c->err, errno, "progs/%s", c->rel);
	return 0;
}

int copy_progs(const char *src, const char *dst, struct iso_error *err)
{
	_cleanup_close_ int s = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int d = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct copy_ctx c = {.src_root = s, .err = err};

	if (s < 0)
		return iso_error_set(err, errno, "progs/");
	if (d < 0)
		return iso_error_set(err, errno, "%s", dst);
	return copy_dir(&c, s, d, 0);
}
