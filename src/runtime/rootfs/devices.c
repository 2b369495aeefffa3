/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/rootfs/devices.h"
#include "runtime/rootfs/mounts.h"
#include "runtime/rootfs/safe_path.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct node {
	const char *path; /* inside the container; also the host node bound in a user namespace */
	mode_t type;	  /* S_IFCHR, S_IFBLK or S_IFIFO */
	dev_t rdev;
	mode_t perm;
	uid_t uid; /* (uid_t)-1: left as created */
	gid_t gid;
};

static const struct {
	const char *path;
	unsigned int major, minor;
} default_nodes[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},	   {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const struct {
	const char *path;
	const char *target;
} default_links[] = {
    {"/dev/ptmx", "pts/ptmx"},		{"/dev/fd", "/proc/self/fd"},
    {"/dev/stdin", "/proc/self/fd/0"},	{"/dev/stdout", "/proc/self/fd/1"},
    {"/dev/stderr", "/proc/self/fd/2"},
};

static bool same_node(const struct stat *st, const struct node *n)
{
	return (st->st_mode & S_IFMT) == n->type && (n->type == S_IFIFO || st->st_rdev == n->rdev);
}

/* mknod needs CAP_MKNOD in the initial user namespace: inside another one, the host's node of
 * the same path is bound onto an empty file, once checked to be the device asked for. */
static int bind_host_node(int parent, const char *name, const struct node *n, struct iso_error *err)
{
	_cleanup_close_ int tree = -1, target = -1;
	struct stat st;
	int fd;

	tree = mount_clone_tree(AT_FDCWD, n->path, false, err);
	if (tree < 0)
		return iso_error_wrap(err, "mknod not permitted");
	if (fstat(tree, &st) < 0)
		return iso_error_set(err, errno, "stat host %s", n->path);
	if (!same_node(&st, n))
		return iso_error_set(err, ENODEV, "mknod not permitted, and host %s differs",
				     n->path);
	fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd < 0)
		return iso_error_set(err, errno, "create bind target");
	close(fd);
	target = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return iso_error_set(err, errno, "open bind target");
	return mount_attach(tree, target, err);
}

/* A node that is already there is kept when it is the same device (a /dev bound from the
 * host, a device listed twice) and never modified: it may be the host's own node. */
static int check_existing(int parent, const char *name, const struct node *n, struct iso_error *err)
{
	struct stat st;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return iso_error_set(err, errno, "stat");
	if (!same_node(&st, n))
		return iso_error_set(err, EEXIST, "exists and is not that device");
	return 0;
}

static int create_node(int rootfd, const struct node *n, struct iso_error *err)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int parent = safe_open_parent_in_root(rootfd, n->path, &name, err);
	mode_t old_umask;
	int r, saved;

	if (parent < 0)
		return parent;
	/* The mode asked for, not the one the umask leaves. */
	old_umask = umask(0);
	r = mknodat(parent, name, n->type | n->perm, n->rdev);
	saved = errno;
	umask(old_umask);
	if (r < 0 && saved == EEXIST)
		return check_existing(parent, name, n, err);
	if (r < 0 && saved == EPERM && n->type != S_IFIFO)
		return bind_host_node(parent, name, n, err);
	if (r < 0)
		return iso_error_set(err, saved, "mknod");
	if ((n->uid != (uid_t)-1 || n->gid != (gid_t)-1) &&
	    fchownat(parent, name, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return iso_error_set(err, errno, "chown %d:%d", (int)n->uid, (int)n->gid);
	return 0;
}

static int create_link(int rootfd, const char *path, const char *target, struct iso_error *err)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int parent = safe_open_parent_in_root(rootfd, path, &name, err);

	if (parent < 0)
		return parent;
	/* EEXIST: the image or a mount already provides it; it is left alone. */
	if (symlinkat(target, parent, name) < 0 && errno != EEXIST)
		return iso_error_set(err, errno, "symlink %s -> %s", path, target);
	return 0;
}

int devices_create_default(int rootfd, struct iso_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(default_nodes); i++) {
		struct node n = {
		    .path = default_nodes[i].path,
		    .type = S_IFCHR,
		    .rdev = makedev(default_nodes[i].major, default_nodes[i].minor),
		    .perm = 0666,
		    .uid = (uid_t)-1,
		    .gid = (gid_t)-1,
		};

		if (create_node(rootfd, &n, err) < 0)
			return iso_error_wrap(err, "default device %s", n.path);
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_links); i++)
		if (create_link(rootfd, default_links[i].path, default_links[i].target, err) < 0)
			return iso_error_code(err);
	return 0;
}

static int node_of_spec(const struct spec_device *d, struct node *n, struct iso_error *err)
{
	switch (d->type) {
	case 'c':
	case 'u':
		n->type = S_IFCHR;
		break;
	case 'b':
		n->type = S_IFBLK;
		break;
	case 'p':
		n->type = S_IFIFO;
		break;
	default:
		return iso_error_invalid(err, "type '%c' is not c, u, b or p", d->type);
	}
	if (d->major < 0 || d->minor < 0 || d->major > 0xfff || d->minor > 0xfffff)
		return iso_error_invalid(err, "major/minor out of range");
	n->path = d->path;
	n->rdev = n->type == S_IFIFO ? 0 : makedev((unsigned)d->major, (unsigned)d->minor);
	n->perm = d->has_file_mode ? (d->file_mode & 07777) : 0666;
	n->uid = d->has_uid ? d->uid : (uid_t)-1;
	n->gid = d->has_gid ? d->gid : (gid_t)-1;
	return 0;
}

/* Whether the absolute path names want: "/dev", "/dev/", "//dev" all name /dev. */
static bool same_path(const char *path, const char *want)
{
	if (*path != '/')
		return false;
	for (;;) {
		size_t n, m;

		path += strspn(path, "/");
		want += strspn(want, "/");
		n = strcspn(path, "/");
		m = strcspn(want, "/");
		if (n != m || strncmp(path, want, n) != 0)
			return false;
		if (n == 0)
			return true;
		path += n;
		want += m;
	}
}

static bool is_ptmx(const struct node *n)
{
	return same_path(n->path, "/dev/ptmx") && n->type == S_IFCHR && n->rdev == makedev(5, 2);
}

/* --privileged lists the host's /dev/ptmx.  A node opens the devpts the kernel finds at "pts"
 * beside the node's own dentry: the host node bound in a user namespace finds none (ENOENT),
 * and kernels before 4.7 open the host's devpts.  The link always reaches the container's own
 * /dev/pts/ptmx, so it is made instead, as runc does; fileMode and owner give way to devpts'
 * ptmxmode.  An existing ptmx node or link is kept. */
static int create_ptmx(int rootfd, const struct node *n, struct iso_error *err)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int parent = safe_open_parent_in_root(rootfd, n->path, &name, err);
	char target[sizeof("pts/ptmx")];
	ssize_t len;

	if (parent < 0)
		return parent;
	if (symlinkat("pts/ptmx", parent, name) == 0)
		return 0;
	if (errno != EEXIST)
		return iso_error_set(err, errno, "symlink -> pts/ptmx");
	len = readlinkat(parent, name, target, sizeof(target));
	if (len == (ssize_t)sizeof(target) - 1 && memcmp(target, "pts/ptmx", (size_t)len) == 0)
		return 0;
	return check_existing(parent, name, n, err);
}

static int create_spec_device(int rootfd, const struct spec_device *d, struct iso_error *err)
{
	struct node n = {0}; /* GCC cannot tell node_of_spec fills it */
	int r = node_of_spec(d, &n, err);

	if (r < 0)
		return r;
	return is_ptmx(&n) ? create_ptmx(rootfd, &n, err) : create_node(rootfd, &n, err);
}

int devices_create_spec(int rootfd, const struct spec *spec, struct iso_error *err)
{
	for (size_t i = 0; i < spec->linux_.n_devices; i++) {
		const struct spec_device *d = &spec->linux_.devices[i];

		if (create_spec_device(rootfd, d, err) < 0)
			return iso_error_wrap(err, "linux.devices[%zu] (%s)", i, d->path);
	}
	return 0;
}

static bool is_dev(const char *path)
{
	return same_path(path, "/dev");
}

const struct spec_mount *devices_dev_mount(const struct spec *spec)
{
	const struct spec_mount *dev = NULL;

	for (size_t i = 0; i < spec->n_mounts; i++)
		if (is_dev(spec->mounts[i].destination))
			dev = &spec->mounts[i];
	return dev;
}

bool devices_dev_is_tmpfs(const struct spec *spec)
{
	const struct spec_mount *m = devices_dev_mount(spec);

	return m && !m->bind && m->type && strcmp(m->type, "tmpfs") == 0;
}
