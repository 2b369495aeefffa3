/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/rootfs/mounts.h"
#include "runtime/rootfs/idmap_mount.h"
#include "runtime/rootfs/safe_path.h"
#include "util/cleanup.h"
#include "util/dir_copy.h"
#include "util/fsutil.h"
#include "util/mountinfo.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define PROPAGATION_TYPES (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)
#define ATIME_FLAGS	  (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)

/* ---- MS_* flags as mount attributes ---------------------------------------------------- */

static const struct {
	unsigned long ms;
	uint64_t attr;
} attr_map[] = {
    {MS_RDONLY, MOUNT_ATTR_RDONLY},	    {MS_NOSUID, MOUNT_ATTR_NOSUID},
    {MS_NODEV, MOUNT_ATTR_NODEV},	    {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
};

static uint64_t attrs_of(unsigned long ms)
{
	uint64_t attr = 0;

	for (size_t i = 0; i < ARRAY_SIZE(attr_map); i++)
		if (ms & attr_map[i].ms)
			attr |= attr_map[i].attr;
	/* The atime mode is one value of a 3-state field, RELATIME being 0. */
	if (ms & MS_NOATIME)
		attr |= MOUNT_ATTR_NOATIME;
	else if (ms & MS_STRICTATIME)
		attr |= MOUNT_ATTR_STRICTATIME;
	return attr;
}

/* The attributes MS_* bits set and clear ("rw", "suid", "exec"... clear). */
static void attrs_of_flags(unsigned long set_ms, unsigned long clear_ms, uint64_t *set,
			   uint64_t *clr)
{
	*set = attrs_of(set_ms);
	*clr = attrs_of(clear_ms) & ~(MOUNT_ATTR__ATIME | *set);
	/* mount_setattr changes the atime mode only as a whole field: set one mode and clear
	 * the field.  Clearing a mode ("atime", "nostrictatime") means back to relatime. */
	if ((set_ms | clear_ms) & ATIME_FLAGS)
		*clr |= MOUNT_ATTR__ATIME;
}

static void spec_attrs(const struct spec_mount *m, uint64_t *set, uint64_t *clr)
{
	attrs_of_flags(m->flags, m->clear_flags, set, clr);
}

/* "rro", "rnosuid"...: on mnt and every mount under it, after the mount's own flags, so that
 * they win over them as in runc.  A kernel that cannot apply one fails the mount: asked-for
 * confinement never silently vanishes. */
static int set_recursive_attrs(int mnt, const struct spec_mount *m, struct iso_error *err)
{
	uint64_t set, clr;

	attrs_of_flags(m->rec_flags, m->rec_clear_flags, &set, &clr);
	if (mount_set_attrs(mnt, set, clr, true, err) < 0)
		return iso_error_wrap(err, "recursive mount options");
	return 0;
}

/* ---- new filesystems: fsopen / fsconfig / fsmount -------------------------------------- */

/* The last error the filesystem logged on its context fd ("tmpfs: Bad value for 'size'"),
 * appended to the message: strerror alone rarely says which option was wrong. */
static int append_fs_log(int fsfd, struct iso_error *err)
{
	char buf[512], last[512] = "";
	ssize_t n;

	while ((n = read(fsfd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		if (strncmp(buf, "e ", 2) == 0)
			snprintf(last, sizeof(last), "%s", buf + 2);
	}
	last[strcspn(last, "\n")] = '\0';
	if (last[0]) {
		size_t len = strlen(err->msg);

		snprintf(err->msg + len, sizeof(err->msg) - len, " (%s)", last);
	}
	return iso_error_code(err);
}

/* Cuts the next option off *cursor.  As the kernel's parsers of mount(2) data allow, a comma
 * does not split when escaped with a backslash (overlay paths; the escape is left for the
 * filesystem), inside double quotes (SELinux contexts), or followed by a digit inside tmpfs's
 * "mpol=" (a node list). */
static char *next_option(char **cursor)
{
	char *start = *cursor, *p;
	bool quoted = false, mpol;

	if (!start)
		return NULL;
	mpol = strncmp(start, "mpol=", 5) == 0;
	for (p = start; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (*p == ',' && !quoted && !(mpol && isdigit((unsigned char)p[1])))
			break;
	}
	*cursor = *p ? p + 1 : NULL;
	*p = '\0';
	return start;
}

/* mount(2) takes an SELinux context in quotes and strips them (linux.mountLabel, selinux.h);
 * fsconfig(2) would pass them on as part of the context. */
static const char *unquote_context(const char *key, char *value)
{
	static const char *const keys[] = {"context", "fscontext", "defcontext", "rootcontext"};
	size_t len = strlen(value);

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]) && len >= 2 && value[0] == '"' && value[len - 1] == '"') {
			value[len - 1] = '\0';
			return value + 1;
		}
	return value;
}

static int fs_config_data(int fsfd, const char *type, const char *data, struct iso_error *err)
{
	_cleanup_free_ char *copy = data ? strdup(data) : NULL;
	char *cursor = copy, *opt;

	if (data && !copy)
		return iso_error_set(err, ENOMEM, "mount %s", type);
	while ((opt = next_option(&cursor))) {
		char *eq = strchr(opt, '=');
		int r;

		if (!*opt)
			continue;
		if (eq) {
			*eq = '\0';
			r = fsconfig(fsfd, FSCONFIG_SET_STRING, opt, unquote_context(opt, eq + 1),
				     0);
		} else {
			r = fsconfig(fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
		}
		if (r < 0) {
			if (eq)
				*eq = '=';
			iso_error_set(err, errno, "mount %s: option '%s'", type, opt);
			return append_fs_log(fsfd, err);
		}
	}
	return 0;
}

/* Superblock flags have no mount attribute: they are fsconfig flags. */
static int fs_config_sb_flags(int fsfd, const char *type, unsigned long ms, struct iso_error *err)
{
	static const struct {
		unsigned long ms;
		const char *name;
	} sb_flags[] = {
	    {MS_SYNCHRONOUS, "sync"}, {MS_DIRSYNC, "dirsync"}, {MS_LAZYTIME, "lazytime"}};

	for (size_t i = 0; i < ARRAY_SIZE(sb_flags); i++) {
		if (!(ms & sb_flags[i].ms))
			continue;
		if (fsconfig(fsfd, FSCONFIG_SET_FLAG, sb_flags[i].name, NULL, 0) < 0) {
			iso_error_set(err, errno, "mount %s: option '%s'", type, sb_flags[i].name);
			return append_fs_log(fsfd, err);
		}
	}
	return 0;
}

int mount_new_fs(const char *type, const char *source, const char *data, unsigned long ms_flags,
		 struct iso_error *err)
{
	_cleanup_close_ int fsfd = fsopen(type, FSOPEN_CLOEXEC);
	int r, mnt;

	if (fsfd < 0)
		return iso_error_set(err, errno, "mount %s", type);
	if (source && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0) {
		iso_error_set(err, errno, "mount %s: source '%s'", type, source);
		return append_fs_log(fsfd, err);
	}
	r = fs_config_data(fsfd, type, data, err);
	if (r == 0)
		r = fs_config_sb_flags(fsfd, type, ms_flags, err);
	if (r < 0)
		return r;
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		iso_error_set(err, errno, "mount %s", type);
		return append_fs_log(fsfd, err);
	}
	mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned int)attrs_of(ms_flags));
	if (mnt < 0) {
		iso_error_set(err, errno, "mount %s", type);
		return append_fs_log(fsfd, err);
	}
	return mnt;
}

/* ---- detached trees, attributes, attaching --------------------------------------------- */

int mount_clone_tree(int dirfd, const char *path, bool recursive, struct iso_error *err)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
	int fd;

	if (recursive)
		flags |= AT_RECURSIVE;
	if (!*path)
		flags |= AT_EMPTY_PATH;
	fd = open_tree(dirfd, path, flags);
	if (fd < 0)
		return iso_error_set(err, errno, "bind %s", *path ? path : "(fd)");
	return fd;
}

int mount_set_attrs(int mnt_fd, uint64_t set, uint64_t clr, bool recursive, struct iso_error *err)
{
	struct mount_attr attr = {.attr_set = set, .attr_clr = clr};

	if (!set && !clr)
		return 0;
	if (mount_setattr(mnt_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
			  sizeof(attr)) < 0)
		return iso_error_set(err, errno, "set mount flags");
	return 0;
}

int mount_set_propagation(int mnt_fd, unsigned long propagation, struct iso_error *err)
{
	struct mount_attr attr = {.propagation = propagation & PROPAGATION_TYPES};

	if (!attr.propagation)
		return 0;
	if (mount_setattr(mnt_fd, "", AT_EMPTY_PATH | ((propagation & MS_REC) ? AT_RECURSIVE : 0),
			  &attr, sizeof(attr)) < 0)
		return iso_error_set(err, errno, "set mount propagation");
	return 0;
}

int mount_attach(int mnt_fd, int target_fd, struct iso_error *err)
{
	if (move_mount(mnt_fd, "", target_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return iso_error_set(err, errno, "attach mount");
	return 0;
}

/* Creates the destination (a directory, or a file for a bind of a non-directory) inside the
 * root, attaches mnt_fd onto it and applies the mount's propagation.  The recursive options
 * are set while mnt_fd is still detached: never visible without them. */
static int place(int rootfd, const struct spec_mount *m, int mnt_fd, bool as_file,
		 struct iso_error *err)
{
	_cleanup_close_ int target = -1;
	int r;

	if (set_recursive_attrs(mnt_fd, m, err) < 0)
		return iso_error_code(err);
	if (as_file)
		target = safe_create_file_in_root(rootfd, m->destination, 0644, err);
	else
		target = safe_mkdir_p_in_root(rootfd, m->destination, 0755, err);
	if (target < 0)
		return iso_error_wrap(err, "destination");
	r = mount_attach(mnt_fd, target, err);
	if (r == 0)
		r = mount_set_propagation(mnt_fd, m->propagation, err);
	return r;
}

/* ---- bind mounts ------------------------------------------------------------------------ */

/* The source as the init sees it; where its credentials are refused the way there, the one the
 * runtime opened (the same path, looked up with the runtime's). */
static int clone_source(const char *source, int source_fd, bool recursive, struct iso_error *err)
{
	int tree = mount_clone_tree(AT_FDCWD, source, recursive, err);

	if (tree != -EACCES || source_fd < 0)
		return tree;
	iso_error_clear(err);
	tree = mount_clone_tree(source_fd, "", recursive, err);
	return tree < 0 ? iso_error_wrap(err, "%s", source) : tree;
}

/* An idmapped bind: made by the runtime for a container with a user namespace (the init may
 * not map a host file system from in there), by the init itself for one without. */
static int idmapped_source(const struct spec_mount *m, int source_fd, struct iso_error *err)
{
	int fd;

	if (source_fd < 0)
		return idmap_mount_new(m, err);
	fd = fcntl(source_fd, F_DUPFD_CLOEXEC, 3);
	return fd < 0 ? iso_error_set(err, errno, "idmapped mount of %s", m->source) : fd;
}

/* The mount's own flags go on the top mount only, as runc's remount does ("rbind,ro" leaves
 * the submounts as they are: "rro" is for all of them); attrs_everywhere puts them on every
 * mount of the tree, for a bind standing in for a single filesystem. */
static int mount_bind(int rootfd, const struct spec_mount *m, const char *source, int source_fd,
		      bool recursive, bool attrs_everywhere, struct iso_error *err)
{
	_cleanup_close_ int tree = -1;
	uint64_t set, clr;
	struct stat st;
	int r;

	if (!source)
		return iso_error_invalid(err, "bind mount without a source");
	if (m->idmap)
		tree = idmapped_source(m, source_fd, err);
	else
		tree = clone_source(source, source_fd, recursive, err);
	if (tree < 0)
		return tree;
	if (fstat(tree, &st) < 0)
		return iso_error_set(err, errno, "bind %s", source);
	/* Flags on the detached copy, so the mount is never visible with the wrong ones. */
	spec_attrs(m, &set, &clr);
	r = mount_set_attrs(tree, set, clr, attrs_everywhere, err);
	if (r < 0)
		return iso_error_wrap(err, "bind %s", source);
	return place(rootfd, m, tree, !S_ISDIR(st.st_mode), err);
}

/* ---- tmpcopyup: a tmpfs that starts with the content of the directory it covers ---------- */

/* Whether the comma-separated opts ("size=1m,mode=1777") hold an option key ("mode="). */
static bool has_option_key(const char *opts, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = opts; p && *p;) {
		size_t n = strcspn(p, ",");

		if (n >= len && strncmp(p, key, len) == 0)
			return true;
		p = p[n] ? p + n + 1 : NULL;
	}
	return false;
}

/* The covered directory's owner and mode are the root's defaults: a mode=, uid= or gid= of
 * the mount (podman's --tmpfs /data:mode=1777, tmpfs-mode=700) was asked for and wins. */
static int copy_root_metadata(int dst, const struct stat *st, const char *opts,
			      struct iso_error *err)
{
	uid_t uid = has_option_key(opts, "uid=") ? (uid_t)-1 : st->st_uid;
	gid_t gid = has_option_key(opts, "gid=") ? (gid_t)-1 : st->st_gid;

	if (fchown(dst, uid, gid) < 0 ||
	    (!has_option_key(opts, "mode=") && fchmod(dst, st->st_mode & 07777) < 0) ||
	    futimens(dst, (struct timespec[2]){st->st_atim, st->st_mtim}) < 0)
		return iso_error_set(err, errno, "tmpcopyup: metadata of the root");
	return 0;
}

/* The directory covered is the image's: it is copied as it is, owners, set-id bits, device
 * nodes and all, and its symlinks are container paths, resolved later inside the root.  The new
 * tmpfs is detached while it is filled, so nobody else can change a name in it. */
static const struct dir_copy_rules tmpcopyup_rules = {
    .src_label = "tmpcopyup: ",
    .dst_label = "tmpcopyup: ",
    .keep_all = true,
};

/* Copies the directory target (an O_PATH fd) into the root of the detached mount mnt, made
 * with the filesystem options opts. */
static int copy_up(int target, int mnt, const char *opts, struct iso_error *err)
{
	_cleanup_close_ int src = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dst = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	int r;

	if (src < 0 || dst < 0 || fstat(src, &st) < 0)
		return iso_error_set(err, errno, "tmpcopyup: open");
	r = dir_copy(src, dst, &tmpcopyup_rules, err);
	if (r < 0)
		return r;
	return copy_root_metadata(dst, &st, opts, err);
}

static int mount_tmpfs_copyup(int rootfd, const struct spec_mount *m, struct iso_error *err)
{
	_cleanup_close_ int target = safe_mkdir_p_in_root(rootfd, m->destination, 0755, err);
	_cleanup_close_ int mnt = -1;
	int r;

	if (target < 0)
		return iso_error_wrap(err, "destination");
	/* Writable while it is filled; "ro" is applied before it is attached. */
	mnt = mount_new_fs(m->type, m->source, m->data, m->flags & ~MS_RDONLY, err);
	if (mnt < 0)
		return mnt;
	r = copy_up(target, mnt, m->data, err);
	if (r == 0 && (m->flags & MS_RDONLY))
		r = mount_set_attrs(mnt, MOUNT_ATTR_RDONLY, 0, false, err);
	if (r == 0)
		r = set_recursive_attrs(mnt, m, err);
	if (r == 0)
		r = mount_attach(mnt, target, err);
	if (r == 0)
		r = mount_set_propagation(mnt, m->propagation, err);
	return r;
}

/* ---- cgroup ----------------------------------------------------------------------------- */

static bool has_option(const char *opts, const char *name, size_t len)
{
	for (const char *p = opts; p && *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && strncmp(p, name, len) == 0)
			return true;
		p = p[n] ? p + n + 1 : NULL;
	}
	return false;
}

/* Whether every controller of ctrls ("cpu,cpuacct", "name=systemd") is in super_opts. */
static bool controllers_match(const char *ctrls, size_t len, const char *super_opts)
{
	const char *end = ctrls + len;

	if (len == 0)
		return false;
	while (ctrls < end) {
		const char *comma = memchr(ctrls, ',', (size_t)(end - ctrls));
		size_t n = comma ? (size_t)(comma - ctrls) : (size_t)(end - ctrls);

		if (!has_option(super_opts, ctrls, n))
			return false;
		ctrls += n + 1;
	}
	return true;
}

/* Finds the process's line of /proc/self/cgroup for a hierarchy: for cgroup2 the "0::" line,
 * for a v1 mount the one whose controllers it carries.  Returns the cgroup path and sets
 * *ret_ctrls (not NUL-terminated, *ret_len bytes). */
static const char *find_cgroup(const char *proc_cgroup, const struct mountinfo_entry *e,
			       const char **ret_ctrls, size_t *ret_len)
{
	bool v2 = strcmp(e->fstype, "cgroup2") == 0;

	for (const char *line = proc_cgroup; line && *line;) {
		const char *nl = strchr(line, '\n');
		const char *c1 = strchr(line, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (c2 && (!nl || c2 < nl)) {
			size_t len = (size_t)(c2 - c1 - 1);
			bool id0 = strncmp(line, "0:", 2) == 0;

			if (v2 ? (id0 && len == 0)
			       : (!id0 && controllers_match(c1 + 1, len, e->super_opts))) {
				*ret_ctrls = c1 + 1;
				*ret_len = len;
				return c2 + 1;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* The host directory of the process's cgroup in the hierarchy mounted at e: the mount's root
 * must be a prefix of the cgroup path.  NULL when it is not (the process is in a cgroup
 * namespace whose root lies below the mount's root, or the mount shows another subtree). */
static char *host_cgroup_dir(const struct mountinfo_entry *e, const char *cg_path, size_t len)
{
	size_t root_len = strcmp(e->root, "/") == 0 ? 0 : strlen(e->root);
	char *dir;

	if (root_len && (len < root_len || strncmp(cg_path, e->root, root_len) != 0 ||
			 (len > root_len && cg_path[root_len] != '/')))
		return NULL;
	if (asprintf(&dir, "%s%.*s", e->mount_point, (int)(len - root_len), cg_path + root_len) < 0)
		return NULL;
	return dir;
}

/* A detached mount of one hierarchy: a bind of the process's own cgroup, or where that cannot
 * be found, a new mount of the hierarchy (in a cgroup namespace it shows the namespace's root,
 * which is what the container must see). */
static int cgroup_hierarchy(const struct mountinfo_entry *e, const char *cg_path, const char *ctrls,
			    size_t ctrls_len, struct iso_error *err)
{
	_cleanup_free_ char *host = host_cgroup_dir(e, cg_path, strcspn(cg_path, "\n"));
	_cleanup_free_ char *data = NULL;

	if (host)
		return mount_clone_tree(AT_FDCWD, host, false, err);
	if (strcmp(e->fstype, "cgroup2") == 0)
		return mount_new_fs("cgroup2", "cgroup2", NULL, 0, err);
	data = strndup(ctrls, ctrls_len);
	if (!data)
		return iso_error_set(err, ENOMEM, "cgroup");
	return mount_new_fs("cgroup", "cgroup", data, 0, err);
}

/* Attaches one hierarchy under the tmpfs at `name`, with the flags of the cgroup mount. */
static int cgroup_v1_attach_one(int tmpfs, const char *name, const struct mountinfo_entry *e,
				const char *cg_path, const char *ctrls, size_t ctrls_len,
				const struct spec_mount *m, struct iso_error *err)
{
	_cleanup_close_ int mnt = -1, dir = -1;
	uint64_t set, clr;

	mnt = cgroup_hierarchy(e, cg_path, ctrls, ctrls_len, err);
	if (mnt < 0)
		return iso_error_wrap(err, "cgroup %s", name);
	spec_attrs(m, &set, &clr);
	if (mount_set_attrs(mnt, set, clr, false, err) < 0)
		return iso_error_wrap(err, "cgroup %s", name);
	if (mkdirat(tmpfs, name, 0755) < 0)
		return iso_error_set(err, errno, "cgroup %s: mkdir", name);
	dir = openat(tmpfs, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return iso_error_set(err, errno, "cgroup %s: open", name);
	if (mount_attach(mnt, dir, err) < 0)
		return iso_error_wrap(err, "cgroup %s", name);
	return 0;
}

/* Co-mounted controllers ("cpu,cpuacct") also get a symlink per controller, as on hosts. */
static void cgroup_v1_links(int tmpfs, const char *name)
{
	_cleanup_free_ char *copy = strchr(name, ',') ? strdup(name) : NULL;
	char *save = NULL;

	if (!copy)
		return;
	for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
		(void)symlinkat(name, tmpfs, c); /* EEXIST: a hierarchy of that name exists */
}

/* For each cgroup hierarchy mounted under the host's /sys/fs/cgroup, the container's cgroup in
 * it under the same name (the cgroup2 of a hybrid host under its name, "unified"). */
static int cgroup_v1_populate(int tmpfs, const struct spec_mount *m, struct iso_error *err)
{
	_cleanup_free_ char *mountinfo = NULL, *cgroups = NULL;
	char *save = NULL;

	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &cgroups, NULL, err) < 0 ||
	    read_file_at(AT_FDCWD, "/proc/self/mountinfo", 16 << 20, &mountinfo, NULL, err) < 0)
		return iso_error_code(err);
	for (char *l = strtok_r(mountinfo, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct mountinfo_entry e;
		const char *cg, *ctrls, *name;
		size_t ctrls_len;
		int r;

		if (!mountinfo_parse_line(l, &e) || strncmp(e.mount_point, "/sys/fs/cgroup/", 15) ||
		    (strcmp(e.fstype, "cgroup") && strcmp(e.fstype, "cgroup2")))
			continue;
		cg = find_cgroup(cgroups, &e, &ctrls, &ctrls_len);
		name = strrchr(e.mount_point, '/') + 1;
		if (!cg || !*name || faccessat(tmpfs, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		r = cgroup_v1_attach_one(tmpfs, name, &e, cg, ctrls, ctrls_len, m, err);
		if (r < 0)
			return r;
		cgroup_v1_links(tmpfs, name);
	}
	return 0;
}

/* v1 or hybrid host: a tmpfs holding one directory per hierarchy, as runc builds it. */
static int mount_cgroup_v1(int rootfd, const struct spec_mount *m, struct iso_error *err)
{
	_cleanup_close_ int target = safe_mkdir_p_in_root(rootfd, m->destination, 0755, err);
	_cleanup_close_ int tmpfs = -1;
	int r;

	if (target < 0)
		return iso_error_wrap(err, "destination");
	tmpfs = mount_new_fs("tmpfs", "cgroup", "mode=755", m->flags & ~MS_RDONLY, err);
	if (tmpfs < 0)
		return tmpfs;
	/* Attached first: the hierarchies are attached under it, not into a detached tree. */
	r = mount_attach(tmpfs, target, err);
	if (r == 0)
		r = cgroup_v1_populate(tmpfs, m, err);
	if (r == 0 && (m->flags & MS_RDONLY))
		r = mount_set_attrs(tmpfs, MOUNT_ATTR_RDONLY, 0, false, err);
	if (r == 0)
		r = set_recursive_attrs(tmpfs, m, err);
	if (r == 0)
		r = mount_set_propagation(tmpfs, m->propagation, err);
	return r;
}

static int mount_fs(int rootfd, const struct spec_mount *m, const char *type, struct iso_error *err)
{
	_cleanup_close_ int mnt = mount_new_fs(type, m->source, m->data, m->flags, err);

	if (mnt < 0)
		return mnt;
	return place(rootfd, m, mnt, false, err);
}

/* type "cgroup": the host's cgroup2 when /sys/fs/cgroup is one, else the v1 layout. */
static int mount_cgroup(int rootfd, const struct spec_mount *m, struct iso_error *err)
{
	struct statfs sfs;

	if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
		return mount_fs(rootfd, m, "cgroup2", err);
	return mount_cgroup_v1(rootfd, m, err);
}

/* ---- one mount -------------------------------------------------------------------------- */

/* Filesystems a user namespace may be refused (sysfs needs a network namespace owned by it,
 * mqueue an ipc namespace): like runc, an rbind of the host's instead. */
static const char *userns_fallback(const char *type)
{
	if (strcmp(type, "sysfs") == 0)
		return "/sys";
	if (strcmp(type, "mqueue") == 0)
		return "/dev/mqueue";
	return NULL;
}

int mount_one(int rootfd, const struct spec_mount *m, const struct mount_env *env,
	      struct iso_error *err)
{
	const char *fallback;
	int r;

	if (m->bind)
		return mount_bind(rootfd, m, m->source, env->source_fd, m->recursive, false, err);
	if (!m->type)
		return iso_error_invalid(err, "no type and not a bind mount");
	if (strcmp(m->type, "cgroup") == 0)
		return mount_cgroup(rootfd, m, err);
	fallback = env->userns ? userns_fallback(m->type) : NULL;
	if (fallback && strcmp(m->type, "sysfs") == 0 && !env->own_netns)
		return mount_bind(rootfd, m, fallback, -1, true, true, err);
	if (m->tmpcopyup)
		r = mount_tmpfs_copyup(rootfd, m, err);
	else
		r = mount_fs(rootfd, m, m->type, err);
	if (r == -EPERM && fallback) {
		iso_error_clear(err);
		return mount_bind(rootfd, m, fallback, -1, true, true, err);
	}
	return r;
}
