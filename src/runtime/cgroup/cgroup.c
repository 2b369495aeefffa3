/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's cgroup: created in every hierarchy before the init runs user code, resources
 * applied, removed on delete. */
#include "config.h"
#include "runtime/cgroup/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup_apply.h"
#include "runtime/fault_inject.h"
#include "runtime/rootless.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/timefmt.h"

#define WHERE_CONFIG "config.json: linux.resources"

char *cgroup_dir_path(const struct state_cgroup *c)
{
	char *p;

	return asprintf(&p, "%s%s", c->mount, c->path) < 0 ? NULL : p;
}

/* ---- which controller a resource needs (cgroup_controllers.c) ---- */

/* The v2 controllers that the unified keys need ("memory.high" needs memory). */
static unsigned unified_needs(const struct cgroup_resources *r)
{
	unsigned need = 0;

	for (size_t i = 0; i < r->n_unified; i++) {
		char name[32];

		snprintf(name, sizeof(name), "%.*s", (int)strcspn(r->unified[i].key, "."),
			 r->unified[i].key);
		need |= cgroup_controllers_parse(name, ' ');
	}
	return need;
}

static unsigned v1_served(const struct cgroup_layout *l)
{
	unsigned m = 0;

	for (size_t i = 0; i < l->n; i++)
		if (!l->h[i].v2)
			m |= l->h[i].mask;
	return m;
}

static const struct cgroup_hierarchy *v2_hierarchy(const struct cgroup_layout *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->h[i].v2)
			return &l->h[i];
	return NULL;
}

/* Every resource asked for must be enforceable here: nothing is silently dropped. */
static int check_enforceable(const struct cgroup_layout *l, const struct cgroup_resources *r,
			     struct iso_error *err)
{
	const struct cgroup_hierarchy *v2 = v2_hierarchy(l);
	unsigned served = v1_served(l) | (v2 ? v2->mask : 0);
	unsigned missing = cgroup_resources_needs(r) & ~served;

	if (r->n_unified && !v2)
		return iso_error_invalid(err,
					 WHERE_CONFIG ".unified.%s: this host has no cgroup v2 "
						      "hierarchy (cgroup v1 only)",
					 r->unified[0].key);
	for (unsigned bit = 1; missing && bit; bit <<= 1)
		if (missing & bit)
			return iso_error_invalid(err,
						 WHERE_CONFIG ".%s: the %s controller is not "
							      "available on this host",
						 cgroup_resources_field_for(r, bit),
						 cgroup_controller_v2_name(bit));
	if (r->has_network && (r->network.has_class_id || r->network.n_priorities) &&
	    !(served & (CG_NET_CLS | CG_NET_PRIO)))
		log_warning(WHERE_CONFIG ".network: net_cls/net_prio are not mounted; ignored");
	return 0;
}

/* ---- device rules ---- */

static const struct cgroup_device_rule default_devices[] = {
    {true, 'c', -1, -1, CGROUP_DEV_MKNOD},
    {true, 'b', -1, -1, CGROUP_DEV_MKNOD},
    {true, 'c', 1, 3, CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD},	 /* null */
    {true, 'c', 1, 5, CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD},	 /* zero */
    {true, 'c', 1, 7, CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD},	 /* full */
    {true, 'c', 1, 8, CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD},	 /* random */
    {true, 'c', 1, 9, CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD},	 /* urandom */
    {true, 'c', 5, 0, CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD},	 /* tty */
    {true, 'c', 5, 1, CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD},	 /* console */
    {true, 'c', 5, 2, CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD},	 /* ptmx */
    {true, 'c', 136, -1, CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD}, /* pts */
};

/* Deny everything, then the devices of linux.devices (which the spec says the container gets),
 * then linux.resources.devices in order, then the OCI default devices; the last matching rule
 * wins.  linux.devices come before the user's rules so that a deny there ({"allow": false,
 * "access": "rwm"}) holds for them too, as in runc, which gives them no rule at all. */
int cgroup_device_rules(const struct spec *spec, const struct cgroup_resources *r,
			struct cgroup_device_rule **ret, size_t *ret_n)
{
	size_t n = 1 + r->n_devices + ARRAY_SIZE(default_devices) + spec->linux_.n_devices, k = 0;
	struct cgroup_device_rule *rules = calloc(n, sizeof(*rules));

	if (!rules)
		return -ENOMEM;
	rules[k++] = (struct cgroup_device_rule){false, 'a', -1, -1, 7};
	for (size_t i = 0; i < spec->linux_.n_devices; i++) {
		const struct spec_device *d = &spec->linux_.devices[i];

		if (d->type == 'p')
			continue;
		rules[k++] = (struct cgroup_device_rule){true, d->type == 'b' ? 'b' : 'c', d->major,
							 d->minor, 7};
	}
	for (size_t i = 0; i < r->n_devices; i++)
		rules[k++] = r->devices[i];
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
		rules[k++] = default_devices[i];
	*ret = rules;
	*ret_n = k;
	return 0;
}

/* ---- directories ---- */

/* The container's cgroup path as seen below the hierarchy's mount point. */
static int hierarchy_path(const struct cgroup_hierarchy *h, const char *norm, char **ret,
			  struct iso_error *err)
{
	const char *root = strcmp(h->mount_root, "/") ? h->mount_root : "";
	size_t rl = strlen(root);
	const char *base = "";
	int n;

	if (norm[0] != '/') {
		if (!h->own)
			return iso_error_invalid(err,
						 "config.json: linux.cgroupsPath: relative, but "
						 "isorun's own cgroup in %s is unknown",
						 h->mount);
		base = h->own;
		/* In a cgroup namespace our own cgroup may lie above the namespace's root. */
		if (strstr(base, "/..") || strncmp(base, "/", 1))
			return iso_error_invalid(
			    err,
			    "config.json: linux.cgroupsPath: relative, but "
			    "isorun's own cgroup in %s is outside its view (%s)",
			    h->mount, base);
	}
	/* Paths of the hierarchy are shown below the mount's root. */
	if (rl && !strncmp(base[0] ? base : norm, root, rl)) {
		if (base[0])
			base += rl;
		else
			norm += rl;
	}
	if (!strcmp(base, "/"))
		base = "";
	n = base[0] || norm[0] != '/' ? asprintf(ret, "%s/%s", base, norm)
				      : asprintf(ret, "%s", norm);
	if (n < 0)
		return iso_error_set(err, ENOMEM, "cgroup path");
	/* The mount's own root holds every task of the view: never the container's to kill. */
	if (!(*ret)[strspn(*ret, "/")])
		return iso_error_invalid(err,
					 "config.json: linux.cgroupsPath: resolves to the root of "
					 "the cgroup hierarchy mounted at %s",
					 h->mount);
	return 0;
}

/* A new v1 cpuset starts with no cpus and no mems, and takes no task until given some. */
static void cpuset_inherit(int parent, int child)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *cur = NULL, *val = NULL;
		struct iso_error ignored;
		struct cgroup_target t = {.dirfd = child, .dir = "", .where = ""};

		if (cgroup_read(child, files[i], &cur, &ignored) < 0 || cur[strspn(cur, " \n")])
			continue;
		if (cgroup_read(parent, files[i], &val, &ignored) == 0)
			cgroup_write(&t, "", files[i], val, &ignored);
	}
}

/* Enables the wanted controllers for the children of a v2 directory; `required` ones must take. */
static int v2_enable(int dirfd, const char *dir, unsigned wanted, unsigned required,
		     struct iso_error *err)
{
	_cleanup_free_ char *avail = NULL, *enabled = NULL;
	struct iso_error ignored;
	unsigned have;

	if (cgroup_read(dirfd, "cgroup.controllers", &avail, &ignored) < 0)
		return 0;
	have = cgroup_controllers_parse(avail, ' ');
	/* What is enabled already is left alone: no needless write to a host's cgroup. */
	if (cgroup_read(dirfd, "cgroup.subtree_control", &enabled, &ignored) == 0)
		wanted &= ~cgroup_controllers_parse(enabled, ' ');
	for (unsigned bit = 1; bit && wanted; bit <<= 1) {
		struct cgroup_target t = {.dirfd = dirfd, .dir = dir, .where = WHERE_CONFIG};
		char buf[32];
		int r;

		if (!(wanted & bit) || !(have & bit) || !cgroup_controller_v2_name(bit))
			continue;
		snprintf(buf, sizeof(buf), "+%s", cgroup_controller_v2_name(bit));
		r = cgroup_write(&t, cgroup_controller_v2_name(bit), "cgroup.subtree_control", buf,
				 (required & bit) ? err : &ignored);
		if (r < 0 && (required & bit))
			return r;
	}
	return 0;
}

struct mkdir_ctx {
	bool v2;
	bool v1_cpuset; /* the v1 cpuset hierarchy: new directories need cpus and mems */
	unsigned v2_wanted, v2_required;
};

static int make_dirs(const char *mount, const char *path, const struct mkdir_ctx *c,
		     uint32_t *ret_created, struct iso_error *err);

/* make_dirs() of one entry; d->created gets how many trailing components are isorun's. */
static int make_dir_retrying(struct state_cgroup *d, const struct mkdir_ctx *mk, bool default_path,
			     struct iso_error *err)
{
	int r = 0;

	/* A parent may vanish under us when the last container in it is deleted. */
	for (int tries = 0; tries < 10; tries++)
		if ((r = make_dirs(d->mount, d->path, mk, &d->created, err)) != -ENOENT)
			break;
	if (r < 0)
		return r;
	/* CGROUP_DEFAULT_PARENT is isorun's own and shared by every container: it stays, like
	 * --root.  (Removing it with the last container raced with the next one being made in
	 * it.) */
	if (default_path && d->created > 1)
		d->created = 1;
	return 0;
}

/* How many trailing components of path do not exist yet: what make_dirs() will create, unless
 * another creates one first. */
static uint32_t count_missing(const char *mount, const char *path)
{
	_cleanup_free_ char *dir = NULL;
	size_t base = strlen(mount);
	uint32_t missing = 0;

	if (asprintf(&dir, "%s%s", mount, path) < 0)
		return 0;
	while (access(dir, F_OK) < 0 && errno == ENOENT) {
		char *slash = strrchr(dir, '/');

		if (!slash || (size_t)(slash - dir) < base)
			break;
		missing++;
		*slash = '\0';
	}
	return missing;
}

/* Removes the last `created` directories of the first `depth` components of path. */
static void undo_dirs(const char *mount, const char *path, size_t depth, uint32_t created)
{
	_cleanup_free_ char *dir = NULL;
	const char *p = path;

	for (size_t i = 0; i < depth; i++) {
		p += strspn(p, "/");
		p += strcspn(p, "/");
	}
	if (asprintf(&dir, "%s%.*s", mount, (int)(p - path), path) < 0)
		return;
	for (uint32_t i = 0; i < created; i++) {
		char *slash = strrchr(dir, '/');

		if (rmdir(dir) < 0 || !slash)
			return;
		*slash = '\0';
	}
}

/* mkdir -p of path below the mount, enabling v2 controllers on the way; *ret_created gets how
 * many trailing components it made.  On failure it removes what it made. */
static int make_dirs(const char *mount, const char *path, const struct mkdir_ctx *c,
		     uint32_t *ret_created, struct iso_error *err)
{
	_cleanup_close_ int fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *copy = strdup(path);
	char *save = NULL, *comp, *next;
	uint32_t created = 0;
	size_t depth = 0;
	int r = 0;

	if (fd < 0 || !copy)
		return iso_error_set(err, fd < 0 ? errno : ENOMEM, "cgroup %s", mount);
	for (comp = strtok_r(copy, "/", &save); comp; comp = next) {
		int child;

		next = strtok_r(NULL, "/", &save);
		if (c->v2 && (r = v2_enable(fd, mount, c->v2_wanted, c->v2_required, err)) < 0)
			break;
		if (mkdirat(fd, comp, 0755) == 0) {
			created++;
		} else if (errno != EEXIST) {
			r = iso_error_set(err, errno, "creating cgroup %s%s", mount, path);
			break;
		} else {
			created = 0; /* only the trailing run of new components is ours */
		}
		depth++;
		child = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child < 0) {
			r = iso_error_set(err, errno, "opening cgroup %s%s", mount, path);
			break;
		}
		/* Also for a directory that exists: another runtime may have made it an instant
		 * ago and not yet given it its cpus (an empty cpuset takes no task). */
		if (c->v1_cpuset)
			cpuset_inherit(fd, child);
		close(fd);
		fd = child;
	}
	if (r < 0) {
		undo_dirs(mount, path, depth, created);
		return r;
	}
	*ret_created = created;
	return 0;
}

/* Removes the (empty) cgroups below dir, deepest first: exec --cgroup runs processes in
 * sub-cgroups of the container's, and a cgroup with children cannot go. */
static void rmdir_children(int dirfd)
{
	_cleanup_closedir_ DIR *d = fdopendir(dirfd);
	struct dirent *de;

	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d))) {
		int child;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		child = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child >= 0)
			rmdir_children(child);
		unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
	}
}

/* rmdir of the leaf; below a leaf isorun made everything is the container's, and goes too. */
static int rmdir_leaf(const struct state_cgroup *c, const char *dir)
{
	if (rmdir(dir) == 0)
		return 0;
	if (errno != EBUSY || !state_cgroup_owned(c))
		return -1;
	rmdir_children(open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	return rmdir(dir);
}

static int rmdir_created(const struct state_cgroup *c)
{
	_cleanup_free_ char *dir = cgroup_dir_path(c);
	size_t base = strlen(c->mount);

	if (!dir)
		return -ENOMEM;
	/* A leaf that existed before the container is not isorun's to remove. */
	for (uint32_t i = 0; i < c->created; i++) {
		char *slash;

		if ((i == 0 ? rmdir_leaf(c, dir) : rmdir(dir)) < 0) {
			/* Busy parents are others' too; a leaf that will not go is an error. */
			if (i == 0 && errno != ENOENT)
				return -errno;
			break;
		}
		slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) <= base)
			break;
		*slash = '\0';
	}
	return 0;
}

size_t cgroup_destroy_dirs_if_empty(const struct state_cgroup *cg, size_t n)
{
	/* A leaf isorun did not make is not removed, so its rmdir proves nothing. */
	while (n > 0 && cg[n - 1].created > 0 && rmdir_created(&cg[n - 1]) == 0)
		n--;
	return n;
}

int cgroup_destroy_dirs(const struct state_cgroup *cg, size_t n, struct iso_error *err)
{
	int ret = 0;

	for (size_t i = n; i-- > 0;) {
		int r = rmdir_created(&cg[i]);

		/* A killed task may leave its cgroup a moment after cgroup.procs stops listing it.
		 */
		for (int tries = 0; r == -EBUSY && tries < 200; tries++) {
			usleep(5000);
			r = rmdir_created(&cg[i]);
		}
		if (r < 0 && ret == 0)
			ret =
			    iso_error_set(err, -r, "removing cgroup %s%s", cg[i].mount, cg[i].path);
	}
	return ret;
}

/* ---- applying ---- */

struct applied_dir {
	const struct state_cgroup *c;
	unsigned mask; /* what this directory enforces */
	bool v2;
};

static int apply_one(const struct applied_dir *d, const struct cgroup_resources *r,
		     const struct cgroup_device_rule *rules, size_t n_rules, const char *where,
		     struct iso_error *err)
{
	_cleanup_free_ char *dir = cgroup_dir_path(d->c);
	_cleanup_close_ int fd = -1;
	struct cgroup_target t = {.where = where};
	int ret;

	if (!dir)
		return iso_error_set(err, ENOMEM, "cgroup");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return iso_error_set(err, errno, "cgroup %s", dir);
	t.dirfd = fd;
	t.dir = dir;
	ret = d->v2 ? cgroup_v2_apply(&t, d->mask, r, err) : cgroup_v1_apply(&t, d->mask, r, err);
	if (ret < 0 || !rules)
		return ret;
	if (d->v2)
		return cgroup_bpf_attach_devices(&t, rules, n_rules, err);
	if (d->mask & CG_DEVICES)
		return cgroup_v1_apply_devices(&t, rules, n_rules, err);
	return 0;
}

/* v1 hierarchies enforce their controllers; cgroup2 what no v1 hierarchy holds. */
static int apply_all(const struct state_cgroup *cg, size_t n, const unsigned *masks,
		     const struct cgroup_resources *r, const struct cgroup_device_rule *rules,
		     size_t n_rules, const char *where, struct iso_error *err)
{
	unsigned v1 = 0;
	int ret;

	for (size_t i = 0; i < n; i++)
		if (cg[i].controllers[0])
			v1 |= masks[i];
	for (size_t i = 0; i < n; i++) {
		bool v2 = !cg[i].controllers[0];
		struct applied_dir d = {&cg[i], v2 ? masks[i] & ~v1 : masks[i], v2};

		ret = apply_one(&d, r, rules, n_rules, where, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* ---- create ---- */

struct create_ctx {
	struct cgroup_layout layout;
	const struct cgroup_resources *res; /* the spec's */
	struct state_cgroup *dirs;
	size_t n;
	unsigned *masks;
	char *norm;
	bool default_path; /* linux.cgroupsPath empty: CGROUP_DEFAULT_PARENT/ID */
};

static void create_ctx_clear(struct create_ctx *c)
{
	cgroup_layout_clear(&c->layout);
	state_cgroups_free(c->dirs, c->n);
	free(c->masks);
	free(c->norm);
}

#define _cleanup_create_ctx_ __attribute__((cleanup(create_ctx_clear)))

static int create_dirs(struct create_ctx *c, struct iso_error *err)
{
	unsigned v1 = v1_served(&c->layout);
	struct mkdir_ctx mk = {0};
	int r;

	mk.v2_required = (cgroup_resources_needs(c->res) & ~v1) | unified_needs(c->res);
	/* On a pure v2 host: accounting for stats, and what `update` may change later. */
	mk.v2_wanted =
	    mk.v2_required | (v1 ? 0 : CG_CPU | CG_CPUSET | CG_MEMORY | CG_PIDS | CG_BLKIO);
	for (size_t i = 0; i < c->layout.n; i++) {
		struct state_cgroup *d = &c->dirs[i];

		/* The v1 directories are made by cgroup_create_v1(), after the clone. */
		if (!c->layout.h[i].v2)
			continue;
		mk.v2 = true;
		if ((r = make_dir_retrying(d, &mk, c->default_path, err)) < 0)
			return r;
	}
	return 0;
}

/* The entry's leaf, or the nearest parent it will be made in: an fd, with its path. */
static int open_nearest(const struct state_cgroup *d, char **ret_dir)
{
	_cleanup_free_ char *dir = cgroup_dir_path(d);
	size_t base = strlen(d->mount);
	int fd;

	if (!dir)
		return -ENOMEM;
	while ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 && errno == ENOENT) {
		char *slash = strrchr(dir, '/');

		if (!slash || (size_t)(slash - dir) < base)
			return -ENOENT;
		*slash = '\0';
	}
	if (fd >= 0)
		*ret_dir = steal_ptr(dir);
	return fd < 0 ? -errno : fd;
}

/* A frozen cgroup, or a new one in a frozen parent, would freeze the init as it is moved in and
 * hang create; thawing a cgroup isorun did not make is not isorun's to do, so it refuses. */
static int refuse_frozen(const struct state_cgroup *d, struct iso_error *err)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int fd = -1;
	bool v2 = !d->controllers[0], frozen;

	if (!v2 && !(cgroup_controllers_parse(d->controllers, ',') & CG_FREEZER))
		return 0;
	/* Not there at all: making it will say why. */
	if ((fd = open_nearest(d, &dir)) < 0)
		return 0;
	if (v2)
		frozen = cgroup_file_says(fd, "cgroup.freeze", "1") ||
			 cgroup_file_says(fd, "cgroup.events", "frozen 1");
	else
		frozen = cgroup_has_file(fd, "freezer.state") &&
			 !cgroup_file_says(fd, "freezer.state", "THAWED");
	if (!frozen)
		return 0;
	return iso_error_invalid(
	    err,
	    "config.json: linux.cgroupsPath: the cgroup %s is frozen (%s): the "
	    "container would hang in it; isorun thaws only cgroups it made",
	    dir, v2 ? "cgroup.freeze" : "freezer.state");
}

/* The entries of every hierarchy, each with what isorun will make of its path (pending). */
static int plan_dirs(struct create_ctx *c, struct iso_error *err)
{
	int r;

	c->dirs = calloc(c->layout.n, sizeof(*c->dirs));
	c->masks = calloc(c->layout.n, sizeof(*c->masks));
	if (!c->dirs || !c->masks)
		return iso_error_set(err, ENOMEM, "cgroup");
	for (size_t i = 0; i < c->layout.n; i++) {
		const struct cgroup_hierarchy *h = &c->layout.h[i];
		struct state_cgroup *d = &c->dirs[c->n];

		if ((r = hierarchy_path(h, c->norm, &d->path, err)) < 0)
			return r;
		d->mount = strdup(h->mount);
		d->controllers = strdup(h->controllers);
		c->n++;
		if (!d->mount || !d->controllers)
			return iso_error_set(err, ENOMEM, "cgroup");
		c->masks[i] = h->mask;
		d->created = count_missing(d->mount, d->path);
		if (c->default_path && d->created > 1)
			d->created = 1;
		d->pending = true;
		if ((r = refuse_frozen(d, err)) < 0)
			return r;
	}
	return 0;
}

/* What cgroup_create() and cgroup_plan_systemd() share: unit_path NULL makes the cgroupfs
 * driver's directories from linux.cgroupsPath; otherwise the entries are the unit's cgroup,
 * which systemd makes. */
static int create_or_plan(const struct spec *spec, const char *id, const char *unit_path,
			  const struct cgroup_create_hook *hook, struct state_cgroup **ret,
			  size_t *ret_n, struct iso_error *err)
{
	_cleanup_create_ctx_ struct create_ctx c = {.res = &spec->linux_.resources};
	long long t0 = timefmt_monotonic_us();
	int r;

	/* Without privilege and without limits asked for, there is nothing isorun could make. */
	if (!unit_path && geteuid() != 0 && !spec->linux_.cgroups_path &&
	    !cgroup_resources_needs(c.res) && !c.res->n_unified) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	c.default_path = !unit_path && (!spec->linux_.cgroups_path || !*spec->linux_.cgroups_path);
	r = unit_path ? ((c.norm = strdup(unit_path)) ? 0 : iso_error_set(err, ENOMEM, "cgroup"))
		      : cgroup_path_normalize(spec->linux_.cgroups_path, id, &c.norm, err);
	if (r < 0 || (r = cgroup_layout_detect(&c.layout, err)) < 0 ||
	    (r = check_enforceable(&c.layout, c.res, err)) < 0)
		return r;
	/* Recorded before anything is made: a create killed at any point leaves nothing that
	 * delete cannot find. */
	r = plan_dirs(&c, err);
	/* Of a unit's cgroup only the leaf is the container's: its slices are systemd's. */
	for (size_t i = 0; r == 0 && unit_path && i < c.n; i++)
		if (c.dirs[i].created > 1)
			c.dirs[i].created = 1;
	if (r == 0 && hook)
		r = hook->planned(hook->arg, c.dirs, c.n, err);
	if (r == 0 && !unit_path) {
		r = create_dirs(&c, err);
		if (r == 0)
			fault_inject_point(FAULT_CGROUP_MADE);
	}
	if (r < 0) {
		for (size_t i = c.n; i-- > 0;)
			rmdir_created(&c.dirs[i]);
		return r;
	}
	/* Step timings under --debug: tests/bench/cgroup-cost.sh adds them up. */
	log_debug("cgroup: cgroup2 directory %s in %.3f ms", unit_path ? "planned" : "made",
		  (double)(timefmt_monotonic_us() - t0) / 1000);
	*ret = steal_ptr(c.dirs);
	*ret_n = c.n;
	c.n = 0;
	return 0;
}

int cgroup_create(const struct spec *spec, const char *id, const struct cgroup_create_hook *hook,
		  struct state_cgroup **ret, size_t *ret_n, struct iso_error *err)
{
	return create_or_plan(spec, id, NULL, hook, ret, ret_n, err);
}

int cgroup_plan_systemd(const struct spec *spec, const char *unit_path,
			const struct cgroup_create_hook *hook, struct state_cgroup **ret,
			size_t *ret_n, struct iso_error *err)
{
	return create_or_plan(spec, NULL, unit_path, hook, ret, ret_n, err);
}

int cgroup_create_v1(const struct spec *spec, struct state_cgroup *cg, size_t n,
		     struct iso_error *err)
{
	bool default_path = !spec->linux_.cgroups_path || !*spec->linux_.cgroups_path;
	long long t0 = timefmt_monotonic_us();
	size_t made = 0;
	int r;

	for (size_t i = 0; i < n; i++) {
		struct mkdir_ctx mk = {0};

		if (!cg[i].controllers[0])
			continue;
		mk.v1_cpuset = cgroup_controllers_parse(cg[i].controllers, ',') & CG_CPUSET;
		if ((r = make_dir_retrying(&cg[i], &mk, default_path, err)) < 0)
			return r;
		made++;
	}
	/* Every directory exists now, and `created` says which of them isorun made. */
	for (size_t i = 0; i < n; i++)
		cg[i].pending = false;
	log_debug("cgroup: %zu v1 directories made in %.3f ms", made,
		  (double)(timefmt_monotonic_us() - t0) / 1000);
	return 0;
}

int cgroup_open_v2(const struct state_cgroup *cg, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!cg[i].controllers[0]) {
			_cleanup_free_ char *dir = cgroup_dir_path(&cg[i]);

			return dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		}
	}
	return -1;
}

int cgroup_enter(const struct state_cgroup *cg, size_t n, pid_t pid, struct iso_error *err)
{
	long long t0 = timefmt_monotonic_us();
	char buf[24];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = NULL;
		_cleanup_close_ int fd = -1;
		struct cgroup_target t = {.where = "config.json: linux"};
		int r;

		dir = cgroup_dir_path(&cg[i]);
		fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (fd < 0)
			return iso_error_set(err, dir ? errno : ENOMEM, "cgroup %s",
					     dir ? dir : "");
		t.dirfd = fd;
		t.dir = dir;
		r = cgroup_write(&t, "cgroupsPath", "cgroup.procs", buf, err);
		if (r < 0)
			return r;
	}
	log_debug("cgroup: pid %d moved into %zu directories in %.3f ms", (int)pid, n,
		  (double)(timefmt_monotonic_us() - t0) / 1000);
	return 0;
}

/* ---- update ---- */

static unsigned entry_mask(const struct state_cgroup *c)
{
	_cleanup_free_ char *dir = cgroup_dir_path(c);
	_cleanup_free_ char *avail = NULL;
	_cleanup_close_ int fd = -1;
	struct iso_error ignored;

	if (c->controllers[0])
		return cgroup_controllers_parse(c->controllers, ',');
	fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd < 0 || cgroup_read(fd, "cgroup.controllers", &avail, &ignored) < 0)
		return 0;
	return cgroup_controllers_parse(avail, ' ');
}

static const struct state_cgroup *find_v2_entry(const struct state_cgroup *cg, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!cg[i].controllers[0])
			return &cg[i];
	return NULL;
}

int cgroup_update(const struct state_cgroup *cg, size_t n, const struct cgroup_resources *r,
		  const char *where, struct iso_error *err)
{
	_cleanup_free_ unsigned *masks = calloc(n ? n : 1, sizeof(*masks));
	unsigned served = 0, missing;

	if (!masks)
		return iso_error_set(err, ENOMEM, "cgroup");
	if (n == 0)
		return iso_error_invalid(err, "%s: the container has no cgroup", where);
	if (r->n_unified && !find_v2_entry(cg, n))
		return iso_error_invalid(err,
					 "%s.unified.%s: the container has no cgroup v2 directory "
					 "(cgroup v1 only)",
					 where, r->unified[0].key);
	for (size_t i = 0; i < n; i++)
		served |= masks[i] = entry_mask(&cg[i]);
	missing = cgroup_resources_needs(r) & ~served;
	for (unsigned bit = 1; missing && bit; bit <<= 1)
		if (missing & bit)
			return iso_error_invalid(err,
						 "%s.%s: the %s controller is not enabled for "
						 "this container",
						 where, cgroup_resources_field_for(r, bit),
						 cgroup_controller_v2_name(bit));
	return apply_all(cg, n, masks, r, NULL, 0, where, err);
}

int cgroup_apply_config(const struct spec *spec, const struct state_cgroup *cg, size_t n,
			struct iso_error *err)
{
	_cleanup_free_ struct cgroup_device_rule *rules = NULL;
	_cleanup_free_ unsigned *masks = NULL;
	const struct cgroup_resources *res = &spec->linux_.resources;
	long long t0 = timefmt_monotonic_us();
	size_t n_rules = 0;
	int r;

	if (n == 0)
		return 0;
	masks = calloc(n, sizeof(*masks));
	if (!masks)
		return iso_error_set(err, ENOMEM, "cgroup");
	/* Rootless (a systemd user manager's subtree) there is no device program to attach (that
	 * needs privilege), nor a device node the user namespace could use: as runc, none. */
	if (!rootless_caller() && cgroup_device_rules(spec, res, &rules, &n_rules) < 0)
		return iso_error_set(err, ENOMEM, "cgroup");
	for (size_t i = 0; i < n; i++)
		masks[i] = entry_mask(&cg[i]);
	r = apply_all(cg, n, masks, res, rules, n_rules, WHERE_CONFIG, err);
	if (r == 0)
		log_debug("cgroup: limits and device rules applied in %.3f ms",
			  (double)(timefmt_monotonic_us() - t0) / 1000);
	return r;
}

int cgroup_check_none(const struct spec *spec, struct iso_error *err)
{
	const struct cgroup_resources *res = &spec->linux_.resources;
	unsigned need = cgroup_resources_needs(res);

	if (res->n_unified)
		return iso_error_invalid(err,
					 WHERE_CONFIG ".unified.%s: the container has no cgroup "
						      "(--cgroup-manager disabled)",
					 res->unified[0].key);
	if (need)
		return iso_error_invalid(err,
					 WHERE_CONFIG ".%s: the container has no cgroup "
						      "(--cgroup-manager disabled)",
					 cgroup_resources_field_for(res, need & -need));
	return 0;
}
