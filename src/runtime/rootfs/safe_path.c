/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/rootfs/safe_path.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's own limit on symlinks followed in one lookup. */
#define MAX_SYMLINKS 40
/* Creating a component that then vanishes (a concurrent rename) is retried this often. */
#define MAX_CREATE_RETRIES 8

enum walk_want { WANT_DIR, WANT_FILE };

/* What walk_component() asks of the loop. */
enum walk_step {
	STEP_ADVANCE, /* the component is resolved: go to the next one */
	STEP_AGAIN,   /* the component was created: look at it again */
	STEP_SPLICED, /* a symlink target was spliced into the path: walk from w->next */
	STEP_DONE,    /* the walk ended on a non-directory */
};

int safe_openat2(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {
	    .flags = (uint64_t)flags | O_CLOEXEC,
	    .resolve = resolve,
	};

	/* RESOLVE_IN_ROOT answers EAGAIN when a concurrent rename could have let ".." escape;
	 * the lookup is simply retried. */
	for (int i = 0; i < 64; i++) {
		long r = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

		if (r >= 0)
			return (int)r;
		if (errno != EAGAIN)
			break;
	}
	return -errno;
}

/* openat2 wants a relative path; "/" and "" both name the root itself. */
static const char *root_relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int safe_open_in_root_resolve(int rootfd, const char *path, int flags, uint64_t resolve,
			      struct iso_error *err)
{
	int fd;

	if (flags & O_CREAT)
		return iso_error_set(err, EINVAL, "%s: O_CREAT is not allowed here", path);
	fd = safe_openat2(rootfd, root_relative(path), flags,
			  RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve);
	if (fd < 0)
		return iso_error_set(err, -fd, "%s", path);
	return fd;
}

/* A component-by-component walk from the root.  Every step is an *at() call on the fd of the
 * directory reached so far with a single name and O_NOFOLLOW, so nothing is ever followed by the
 * kernel; symlinks are read and spliced into the rest of the path here, with absolute targets
 * restarting from the root.  ".." reopens the symlink-free path walked so far from the root. */
struct walk {
	int rootfd;
	int cur;	  /* O_PATH fd of the directory reached so far */
	char *done;	  /* its path relative to the root, symlink-free ("" for the root) */
	char *todo;	  /* the path left to walk (owned) */
	const char *next; /* position in todo */
	int links;	  /* symlinks followed */
	int creates;	  /* components created */
};

static void walk_release(struct walk *w)
{
	if (w->cur >= 0)
		close(w->cur);
	free(w->done);
	free(w->todo);
}

static int walk_set_cur(struct walk *w, int fd)
{
	if (fd < 0)
		return fd;
	if (w->cur >= 0)
		close(w->cur);
	w->cur = fd;
	return 0;
}

static int walk_reopen_done(struct walk *w)
{
	return walk_set_cur(
	    w, safe_openat2(w->rootfd, *w->done ? w->done : ".", O_PATH | O_DIRECTORY,
			    RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS));
}

static int walk_dotdot(struct walk *w, struct iso_error *err)
{
	char *slash = strrchr(w->done, '/');
	int r;

	if (slash)
		*slash = '\0';
	else
		w->done[0] = '\0';
	r = walk_reopen_done(w);
	if (r < 0)
		return iso_error_set(err, -r, "reopen '%s'", w->done);
	return 0;
}

static int walk_descend(struct walk *w, const char *name, struct iso_error *err)
{
	char *done;
	int fd;

	/* O_NOFOLLOW|O_DIRECTORY: if name was swapped for a symlink since fstatat, this fails
	 * instead of following it. */
	fd = openat(w->cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return iso_error_set(err, errno, "open '%s'", name);
	walk_set_cur(w, fd);
	if (asprintf(&done, "%s%s%s", w->done, *w->done ? "/" : "", name) < 0)
		return iso_error_set(err, ENOMEM, "open '%s'", name);
	free(w->done);
	w->done = done;
	return 0;
}

/* Splices the target of symlink `name` in front of `rest`. */
static int walk_symlink(struct walk *w, const char *name, const char *rest, struct iso_error *err)
{
	char target[PATH_MAX];
	char *todo;
	ssize_t n;

	if (++w->links > MAX_SYMLINKS)
		return iso_error_set(err, ELOOP, "'%s'", name);
	n = readlinkat(w->cur, name, target, sizeof(target) - 1);
	if (n < 0)
		return iso_error_set(err, errno, "readlink '%s'", name);
	if (n == 0)
		return iso_error_set(err, ENOENT, "empty symlink '%s'", name);
	target[n] = '\0';
	if (asprintf(&todo, "%s/%s", target, rest) < 0)
		return iso_error_set(err, ENOMEM, "'%s'", name);
	free(w->todo);
	w->todo = todo;
	w->next = todo;
	if (target[0] == '/') {
		int r;

		w->done[0] = '\0';
		r = walk_reopen_done(w);
		if (r < 0)
			return iso_error_set(err, -r, "reopen root");
	}
	return 0;
}

static int walk_create(struct walk *w, const char *name, bool file, mode_t mode,
		       struct iso_error *err)
{
	if (++w->creates > MAX_CREATE_RETRIES)
		return iso_error_set(err, EAGAIN, "'%s' keeps disappearing", name);
	if (file) {
		int fd =
		    openat(w->cur, name,
			   O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, mode);

		if (fd < 0 && errno != EEXIST)
			return iso_error_set(err, errno, "create '%s'", name);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	/* EEXIST: a dangling symlink or a concurrent creation; the next fstatat tells which. */
	if (mkdirat(w->cur, name, mode) < 0 && errno != EEXIST)
		return iso_error_set(err, errno, "mkdir '%s'", name);
	return 0;
}

static bool only_slashes(const char *s)
{
	return s[strspn(s, "/")] == '\0';
}

/* One component: returns a walk_step (with *ret_fd set for STEP_DONE) or a negative errno. */
static int walk_component(struct walk *w, const char *name, const char *rest, enum walk_want want,
			  mode_t mode, int *ret_fd, struct iso_error *err)
{
	bool last = only_slashes(rest);
	struct stat st;
	int r;

	if (strcmp(name, ".") == 0)
		return STEP_ADVANCE;
	if (strcmp(name, "..") == 0)
		return walk_dotdot(w, err) < 0 ? iso_error_code(err) : STEP_ADVANCE;
	if (fstatat(w->cur, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return iso_error_set(err, errno, "stat '%s'", name);
		r = walk_create(w, name, last && want == WANT_FILE, last ? mode : 0755, err);
		return r < 0 ? r : STEP_AGAIN;
	}
	if (S_ISLNK(st.st_mode))
		return walk_symlink(w, name, rest, err) < 0 ? iso_error_code(err) : STEP_SPLICED;
	if (S_ISDIR(st.st_mode)) {
		if (last && want == WANT_FILE)
			return iso_error_set(err, EISDIR, "'%s'", name);
		return walk_descend(w, name, err) < 0 ? iso_error_code(err) : STEP_ADVANCE;
	}
	if (!last || want == WANT_DIR)
		return iso_error_set(err, ENOTDIR, "'%s'", name);
	*ret_fd = openat(w->cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (*ret_fd < 0)
		return iso_error_set(err, errno, "open '%s'", name);
	return STEP_DONE;
}

static int walk_path(struct walk *w, enum walk_want want, mode_t mode, struct iso_error *err)
{
	for (;;) {
		_cleanup_free_ char *name = NULL;
		const char *p = w->next + strspn(w->next, "/");
		size_t len = strcspn(p, "/");
		int fd = -1, r;

		if (len == 0)
			break;
		name = strndup(p, len);
		if (!name)
			return iso_error_set(err, ENOMEM, "walk");
		r = walk_component(w, name, p + len, want, mode, &fd, err);
		if (r < 0)
			return r;
		if (r == STEP_DONE)
			return fd;
		if (r == STEP_ADVANCE)
			w->next = p + len;
		else if (r == STEP_AGAIN)
			w->next = p;
	}
	if (want == WANT_FILE)
		return iso_error_set(err, EISDIR, "is a directory");
	return steal_fd(w->cur);
}

static int walk_in_root(int rootfd, const char *path, enum walk_want want, mode_t mode,
			struct iso_error *err)
{
	struct walk w __attribute__((cleanup(walk_release))) = {.rootfd = rootfd, .cur = -1};
	int r;

	w.done = strdup("");
	w.todo = strdup(path);
	if (!w.done || !w.todo)
		return iso_error_set(err, ENOMEM, "%s", path);
	w.next = w.todo;
	w.cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w.cur < 0)
		return iso_error_set(err, errno, "%s: open root", path);
	r = walk_path(&w, want, mode, err);
	if (r < 0)
		return iso_error_wrap(err, "%s", path);
	return r;
}

int safe_mkdir_p_in_root(int rootfd, const char *path, mode_t mode, struct iso_error *err)
{
	return walk_in_root(rootfd, path, WANT_DIR, mode, err);
}

int safe_create_file_in_root(int rootfd, const char *path, mode_t mode, struct iso_error *err)
{
	return walk_in_root(rootfd, path, WANT_FILE, mode, err);
}

int safe_open_parent_in_root(int rootfd, const char *path, char **ret_name, struct iso_error *err)
{
	_cleanup_free_ char *dir = strdup(path);
	char *end, *slash, *name;
	int fd;

	if (!dir)
		return iso_error_set(err, ENOMEM, "%s", path);
	end = dir + strlen(dir);
	while (end > dir && end[-1] == '/')
		*--end = '\0';
	slash = strrchr(dir, '/');
	name = slash ? slash + 1 : dir;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return iso_error_set(err, EINVAL, "%s: no file name", path);
	name = strdup(name);
	if (!name)
		return iso_error_set(err, ENOMEM, "%s", path);
	if (slash)
		slash[1] = '\0';
	else
		dir[0] = '\0';
	fd = walk_in_root(rootfd, dir, WANT_DIR, 0755, err);
	if (fd < 0) {
		free(name);
		return fd;
	}
	*ret_name = name;
	return fd;
}
