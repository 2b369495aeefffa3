/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/tenant_owner.h"
#include "util/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A home deeper than this is refused rather than walked: progs/ is a package's, not a disk. */
#define MAX_DEPTH 256

static int own_tree_at(int dirfd, const char *path, uid_t uid, int depth, struct iso_error *err);

static int own_entry(int dirfd, const char *dir, const char *name, uid_t uid, int depth,
		     struct iso_error *err)
{
	_cleanup_close_ int sub = -1;
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return iso_error_set(err, errno, "%s/%s", dir, name);
	if (!S_ISDIR(st.st_mode)) {
		if (fchownat(dirfd, name, uid, uid, AT_SYMLINK_NOFOLLOW) < 0)
			return iso_error_set(err, errno, "%s/%s: chown", dir, name);
		return 0;
	}
	sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return iso_error_set(err, errno, "%s/%s", dir, name);
	return own_tree_at(sub, name, uid, depth + 1, err);
}

/* Each directory by its fd, each name with AT_SYMLINK_NOFOLLOW or O_NOFOLLOW: a symlink is
 * chowned itself, never what it points to. */
static int own_tree_at(int dirfd, const char *path, uid_t uid, int depth, struct iso_error *err)
{
	DIR *d;
	struct dirent *e;
	int copy, r = 0;

	if (depth > MAX_DEPTH)
		return iso_error_set(err, ELOOP, "%s: nested too deep", path);
	if (fchown(dirfd, uid, uid) < 0)
		return iso_error_set(err, errno, "%s: chown", path);
	copy = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (copy < 0 || !(d = fdopendir(copy))) {
		if (copy >= 0)
			close(copy);
		return iso_error_set(err, errno, "%s", path);
	}
	while (r == 0 && (errno = 0, e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			r = own_entry(dirfd, path, e->d_name, uid, depth, err);
	if (r == 0 && errno)
		r = iso_error_set(err, errno, "%s", path);
	closedir(d);
	return r;
}

static int own_tree(const struct tenant_store *s, const char *tid, const char *name, uid_t uid,
		    struct iso_error *err)
{
	_cleanup_free_ char *path = store_tenant_path(s, tid, name);
	_cleanup_close_ int fd = -1;

	if (!path)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return iso_error_set(err, errno, "%s", path);
	return own_tree_at(fd, path, uid, 0, err);
}

static int open_to_range(const struct tenant_store *s, const char *tid, gid_t gid,
			 struct iso_error *err)
{
	_cleanup_free_ char *dir = store_tenant_path(s, tid, NULL);

	if (!dir)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	/* tenants/ itself: searchable, not listable; a store made before kept it 0700. */
	if (chmod(s->tenants, 0711) < 0)
		return iso_error_set(err, errno, "%s", s->tenants);
	if (chown(dir, 0, gid) < 0 || chmod(dir, 0710) < 0)
		return iso_error_set(err, errno, "%s", dir);
	return 0;
}

int tenant_owner_give(const struct tenant_store *s, const char *tid, struct id_range ids,
		      struct iso_error *err)
{
	static const char *const trees[] = {"home", "upper", "work"};
	int r;

	if (!ids.size)
		return 0;
	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++)
		if ((r = own_tree(s, tid, trees[i], ids.start, err)) < 0)
			return r;
	return open_to_range(s, tid, ids.start, err);
}

/* The store's directory and those above it, as the kernel walks them for the init. */
static int check_searchable(const char *tid, const char *store_root, struct iso_error *err)
{
	_cleanup_free_ char *dir = strdup(store_root);
	struct stat st;
	char *slash;

	if (!dir)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	for (;;) {
		if (stat(dir[0] ? dir : "/", &st) < 0)
			return iso_error_set(err, errno, "%s", dir[0] ? dir : "/");
		if (!(st.st_mode & S_IXOTH))
			return iso_error_invalid(
			    err,
			    "tenant %s: %s (mode %04o) is not searchable by "
			    "others, and the tenant's init walks through it as "
			    "its range's root: chmod o+x %s",
			    tid, dir[0] ? dir : "/", st.st_mode & 07777, dir[0] ? dir : "/");
		slash = strrchr(dir, '/');
		if (!slash || !dir[0])
			return 0;
		*slash = '\0';
	}
}

int tenant_owner_check(const struct tenant_store *s, const char *tid, struct iso_error *err)
{
	_cleanup_free_ char *home = store_tenant_path(s, tid, "home");
	struct stat st;

	if (!home)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	if (lstat(home, &st) < 0)
		return iso_error_set(err, errno, "%s", home);
	if (st.st_uid == 0)
		return iso_error_invalid(err,
					 "tenant %s: %s belongs to host root: the tenant was "
					 "made before tenants ran in user namespaces; delete it "
					 "and add it again",
					 tid, home);
	return check_searchable(tid, s->root, err);
}
