/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/devices.h"
#include "runtime/rootfs/masked_paths.h"
#include "runtime/rootfs/mounts.h"
#include "runtime/rootfs/overlay_root.h"
#include "runtime/rootfs/sysctl.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/mountinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Parent directories walked up at most when looking for the mount holding the rootfs. */
#define MAX_DEPTH 4096

static void mount_env_of(const struct spec *spec, struct mount_env *env)
{
	env->userns = spec_find_namespace(spec, CLONE_NEWUSER) != NULL;
	/* Joined by path counts too (as in runc); when sysfs is still refused, mount_one
	 * falls back to a bind on EPERM. */
	env->own_netns = spec_find_namespace(spec, CLONE_NEWNET) != NULL;
}

/* Everything this mount namespace copied from the host becomes a slave: host mounts still show
 * up, but nothing mounted or unmounted here ever propagates back to the host. */
static int make_root_slave(struct iso_error *err)
{
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return iso_error_set(err, errno, "make / a slave mount");
	return 0;
}

/* pivot_root wants the new root to be a mount point: a recursive bind of the rootfs onto
 * itself.  Returns an fd of the bind's root, which stands for "/" from now on. */
static int bind_rootfs(const char *rootfs, struct iso_error *err)
{
	_cleanup_close_ int tree = mount_clone_tree(AT_FDCWD, rootfs, true, err);

	if (tree < 0)
		return iso_error_wrap(err, "rootfs %s", rootfs);
	if (move_mount(tree, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return iso_error_set(err, errno, "rootfs %s: bind onto itself", rootfs);
	/* Once attached, the fd refers to the new mount's root. */
	return steal_fd(tree);
}

/* The root: an overlay when the io.isorun.rootfs.* annotations ask for one (mounted here, in
 * the container's namespace, onto root.path, unless the runtime did), else root.path bound
 * onto itself. */
static int mount_root(const struct spec *spec, const char *rootfs,
		      const struct mount_sources *sources, struct iso_error *err)
{
	int by_runtime = sources ? mount_sources_root_fd(sources) : -1;
	struct overlay_root o;
	int r;

	if (by_runtime >= 0) {
		r = fcntl(by_runtime, F_DUPFD_CLOEXEC, 3);
		return r < 0 ? iso_error_set(err, errno, "overlay root") : r;
	}
	r = overlay_root_from_spec(spec, &o, err);
	if (r < 0)
		return r;
	return r ? overlay_root_mount(&o, rootfs, err) : bind_rootfs(rootfs, err);
}

static int is_mount_root(int fd, bool *ret)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0)
		return -errno;
	if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return -ENOSYS;
	*ret = stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	return 0;
}

/* pivot_root refuses a new root whose parent mount is shared: the mount holding the rootfs's
 * mount point (found by walking ".." up to a mount root) is made private. */
static int make_parent_private(int rootfd, struct iso_error *err)
{
	_cleanup_close_ int dir = openat(rootfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct mount_attr attr = {.propagation = MS_PRIVATE};

	for (int depth = 0; dir >= 0 && depth < MAX_DEPTH; depth++) {
		bool root = false;
		int r = is_mount_root(dir, &root), up;

		if (r < 0)
			return iso_error_set(err, -r, "rootfs: find its parent mount");
		if (root) {
			if (mount_setattr(dir, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
				return iso_error_set(err, errno,
						     "rootfs: make parent mount private");
			return 0;
		}
		up = openat(dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(dir);
		dir = up;
	}
	return iso_error_set(err, dir < 0 ? errno : ELOOP, "rootfs: find its parent mount");
}

static bool shows_own_cgroup(const struct spec_mount *m)
{
	return m->type && (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"));
}

/* The /dev the container sees is mounted writable even when read-only is asked for:
 * rootfs_make_dev_readonly() applies it once the nodes, links, mount points (/dev/pts...) and
 * /dev/console are made in it, as runc does. */
static int mount_one_spec(const struct spec *spec, const struct spec_mount *m, int rootfd,
			  const struct mount_env *env, struct iso_error *err)
{
	struct spec_mount writable;

	if (m != devices_dev_mount(spec))
		return mount_one(rootfd, m, env, err);
	writable = *m;
	writable.flags &= ~MS_RDONLY;
	writable.rec_flags &= ~MS_RDONLY;
	return mount_one(rootfd, &writable, env, err);
}

static int mount_spec_mounts(const struct spec *spec, int rootfd,
			     const struct rootfs_cgroup_barrier *barrier,
			     const struct mount_sources *sources, bool *waited,
			     struct iso_error *err)
{
	struct mount_env env;

	mount_env_of(spec, &env);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];

		if (!*waited && shows_own_cgroup(m)) {
			*waited = true;
			if (barrier->wait(barrier->arg, err) < 0)
				return iso_error_code(err);
		}
		env.source_fd = sources ? mount_sources_fd(sources, i) : -1;
		if (mount_one_spec(spec, m, rootfd, &env, err) < 0)
			return iso_error_wrap(err, "mounts[%zu] (%s)", i, m->destination);
	}
	return 0;
}

int rootfs_mount_all(const struct spec *spec, const char *rootfs,
		     const struct rootfs_cgroup_barrier *barrier,
		     const struct mount_sources *sources, struct iso_error *err)
{
	_cleanup_close_ int rootfd = -1;
	bool waited = false;

	if (make_root_slave(err) < 0)
		return iso_error_code(err);
	rootfd = mount_root(spec, rootfs, sources, err);
	if (rootfd < 0)
		return rootfd;
	if (make_parent_private(rootfd, err) < 0 ||
	    mount_spec_mounts(spec, rootfd, barrier, sources, &waited, err) < 0)
		return iso_error_code(err);
	if (devices_dev_is_tmpfs(spec) && devices_create_default(rootfd, err) < 0)
		return iso_error_code(err);
	if (devices_create_spec(rootfd, spec, err) < 0)
		return iso_error_code(err);
	return waited ? 0 : barrier->wait(barrier->arg, err);
}

/* pivot_root(".", "."): the old root ends up stacked on the new one, at ".", where it is
 * detached; no directory for it is needed inside the rootfs. */
static int pivot(const char *rootfs, struct iso_error *err)
{
	_cleanup_close_ int newroot = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (newroot < 0 || fchdir(newroot) < 0)
		return iso_error_set(err, errno, "rootfs %s", rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return iso_error_set(err, errno, "pivot_root %s", rootfs);
	/* Already a slave of the host; made one again (recursively) so that detaching it
	 * cannot propagate anywhere whatever was done to it since. */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return iso_error_set(err, errno, "make the old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return iso_error_set(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return iso_error_set(err, errno, "chdir /");
	return 0;
}

/* mount_setattr changes only the bits named, so the root's other flags (nosuid, nodev...,
 * possibly locked in a user namespace) stay as they are: no statvfs round trip as a
 * MS_REMOUNT would need. */
static int make_root_readonly(int rootfd, struct iso_error *err)
{
	if (mount_set_attrs(rootfd, MOUNT_ATTR_RDONLY, 0, false, err) < 0)
		return iso_error_wrap(err, "root.readonly");
	return 0;
}

static int set_root_propagation(int rootfd, unsigned long propagation, struct iso_error *err)
{
	if (mount_set_propagation(rootfd, propagation, err) < 0)
		return iso_error_wrap(err, "linux.rootfsPropagation");
	return 0;
}

static bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/* EINVAL: no longer a mount point (it went with a parent detached before it).  EPERM: locked
 * in a user namespace; an empty tmpfs hides it instead. */
static int hide_mount(const char *path, struct iso_error *err)
{
	if (umount2(path, MNT_DETACH) == 0 || errno == EINVAL || errno == ENOENT)
		return 0;
	if (errno != EPERM ||
	    mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k") < 0)
		return iso_error_set(err, errno, "--no-pivot: hide the host's %s", path);
	return 0;
}

/* Without pivot_root the host's mounts stay in this namespace, under the new root: the kernel
 * lets a later proc or sysfs mount through when an unmasked one is visible anywhere in the
 * namespace (mount_too_revealing), so those go first, as in runc's msMoveRoot. */
static int hide_host_proc_sys(const char *rootfs, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", 16 << 20, &text, &len, err) < 0)
		return iso_error_code(err);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct mountinfo_entry e;

		if (!mountinfo_parse_line(line, &e) || path_is_under(e.mount_point, rootfs) ||
		    (strcmp(e.fstype, "proc") && strcmp(e.fstype, "sysfs")))
			continue;
		if (hide_mount(e.mount_point, err) < 0)
			return iso_error_code(err);
	}
	return 0;
}

/* --no-pivot, for roots where pivot_root fails (a ramdisk root has no parent mount to pivot
 * from): the rootfs mount moved over / and chrooted into. */
static int move_root(const char *rootfs, struct iso_error *err)
{
	_cleanup_close_ int newroot = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (newroot < 0 || fchdir(newroot) < 0)
		return iso_error_set(err, errno, "rootfs %s", rootfs);
	if (hide_host_proc_sys(rootfs, err) < 0)
		return iso_error_code(err);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return iso_error_set(err, errno, "--no-pivot: move %s onto /", rootfs);
	if (chroot(".") < 0 || chdir("/") < 0)
		return iso_error_set(err, errno, "--no-pivot: chroot into %s", rootfs);
	return 0;
}

/* sysctl first: readonlyPaths usually makes /proc/sys read-only. */
int rootfs_pivot_and_finish(const struct spec *spec, const char *rootfs, bool no_pivot,
			    struct iso_error *err)
{
	_cleanup_close_ int rootfd = -1;

	if ((no_pivot ? move_root(rootfs, err) : pivot(rootfs, err)) < 0)
		return iso_error_code(err);
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return iso_error_set(err, errno, "open /");
	if (sysctl_apply(spec, err) < 0 ||
	    masked_paths_apply(rootfd, spec->linux_.masked_paths, err) < 0 ||
	    readonly_paths_apply(rootfd, spec->linux_.readonly_paths, err) < 0)
		return iso_error_code(err);
	if (spec->root_readonly && make_root_readonly(rootfd, err) < 0)
		return iso_error_code(err);
	if (spec->linux_.rootfs_propagation &&
	    set_root_propagation(rootfd, spec->linux_.rootfs_propagation, err) < 0)
		return iso_error_code(err);
	return 0;
}

int rootfs_make_dev_readonly(const struct spec *spec, struct iso_error *err)
{
	const struct spec_mount *m = devices_dev_mount(spec);
	_cleanup_close_ int dev = -1;
	bool root = false;
	int r;

	if (!m || !((m->flags | m->rec_flags) & MS_RDONLY))
		return 0;
	dev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dev < 0)
		return iso_error_set(err, errno, "mounts[%zu] (/dev): read-only",
				     (size_t)(m - spec->mounts));
	/* Not a mount root, mount_setattr would change the mount holding it: the root. */
	r = is_mount_root(dev, &root);
	if (r < 0 || !root)
		return iso_error_set(err, r < 0 ? -r : EINVAL,
				     "mounts[%zu] (/dev): read-only: /dev is not its mount",
				     (size_t)(m - spec->mounts));
	if ((m->flags & MS_RDONLY) && mount_set_attrs(dev, MOUNT_ATTR_RDONLY, 0, false, err) < 0)
		return iso_error_wrap(err, "mounts[%zu] (/dev): read-only",
				      (size_t)(m - spec->mounts));
	if ((m->rec_flags & MS_RDONLY) && mount_set_attrs(dev, MOUNT_ATTR_RDONLY, 0, true, err) < 0)
		return iso_error_wrap(err, "mounts[%zu] (/dev): rro", (size_t)(m - spec->mounts));
	return 0;
}
