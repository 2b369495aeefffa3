/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which cgroup hierarchies the host has, read from /proc/self/mountinfo and /proc/self/cgroup,
 * and the container's cgroup path. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/mountinfo.h"

static const struct {
	const char *v1;
	const char *v2;
	unsigned bit;
} controller_names[] = {
    {"cpu", "cpu", CG_CPU},
    {"cpuacct", NULL, CG_CPUACCT},
    {"cpuset", "cpuset", CG_CPUSET},
    {"memory", "memory", CG_MEMORY},
    {"devices", NULL, CG_DEVICES},
    {"freezer", NULL, CG_FREEZER},
    {"blkio", "io", CG_BLKIO},
    {"pids", "pids", CG_PIDS},
    {"hugetlb", "hugetlb", CG_HUGETLB},
    {"net_cls", NULL, CG_NET_CLS},
    {"net_prio", NULL, CG_NET_PRIO},
};

unsigned cgroup_controllers_parse(const char *list, char sep)
{
	unsigned mask = 0;

	while (list && *list) {
		size_t n = strcspn(list, sep == ',' ? ",\n" : " \n");

		for (size_t i = 0; i < ARRAY_SIZE(controller_names); i++) {
			const char *name =
			    sep == ',' ? controller_names[i].v1 : controller_names[i].v2;

			if (name && strlen(name) == n && !strncmp(list, name, n))
				mask |= controller_names[i].bit;
		}
		list += n;
		list += strspn(list, ", \n");
	}
	return mask;
}

const char *cgroup_controller_v2_name(unsigned bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(controller_names); i++)
		if (controller_names[i].bit == bit)
			return controller_names[i].v2;
	return NULL;
}

/* ---- mountinfo ---- */

/* The one named v1 hierarchy isorun joins: systemd inside a container looks for its own cgroup
 * there on a v1 or hybrid host, as runc puts it.  Other named hierarchies are not isorun's. */
#define SYSTEMD_HIERARCHY "name=systemd"

/* Whether a v1 hierarchy's /proc/self/cgroup field ("cpu,cpuacct", "name=systemd") is the one
 * with these controllers, or with this name when it holds none. */
static bool v1_field_is(const char *ctrls, unsigned mask, const char *name)
{
	return mask ? cgroup_controllers_parse(ctrls, ',') == mask : !strcmp(ctrls, name);
}

/* The runtime's own cgroup in a hierarchy: the /proc/self/cgroup line for it. */
static char *own_cgroup(const char *self, bool v2, unsigned mask, const char *name)
{
	for (const char *line = self; line && *line;) {
		const char *nl = strchr(line, '\n');
		const char *c1 = strchr(line, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		size_t end = nl ? (size_t)(nl - line) : strlen(line);

		if (c2 && c2 < line + end) {
			_cleanup_free_ char *ctrls = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
			bool id0 = !strncmp(line, "0:", 2);

			if (ctrls && (v2 ? id0 && !*ctrls : !id0 && v1_field_is(ctrls, mask, name)))
				return strndup(c2 + 1, end - (size_t)(c2 + 1 - line));
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static bool layout_has(const struct cgroup_layout *l, bool v2, unsigned mask, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->h[i].v2 == v2 && (v2 || v1_field_is(l->h[i].controllers, mask, name)))
			return true;
	return false;
}

/* "rw,xattr,name=systemd" -> true. */
static bool has_option(const char *opts, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, want, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

static int layout_add(struct cgroup_layout *l, const char *root, const char *mnt, bool v2,
		      const char *opts, const char *self)
{
	unsigned mask = v2 ? 0 : cgroup_controllers_parse(opts, ',');
	const char *name =
	    !v2 && !mask && has_option(opts, SYSTEMD_HIERARCHY) ? SYSTEMD_HIERARCHY : NULL;
	struct cgroup_hierarchy *h;

	/* A v1 hierarchy with no controller isorun knows is skipped, but name=systemd; a second
	 * mount of a hierarchy adds nothing. */
	if ((!v2 && !mask && !name) || layout_has(l, v2, mask, name))
		return 0;
	h = realloc(l->h, (l->n + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	l->h = h;
	h = &l->h[l->n++];
	*h = (struct cgroup_hierarchy){.v2 = v2, .mask = mask};
	h->mount = strdup(mnt);
	h->mount_root = strdup(root);
	h->controllers = strdup(v2 ? "" : name ? name : opts);
	h->own = own_cgroup(self, v2, mask, name);
	if (!h->mount || !h->mount_root || !h->controllers)
		return -ENOMEM;
	if (mask) {
		/* Keep only the controller names of the options ("rw,cpu,cpuacct" ->
		 * "cpu,cpuacct"). */
		char *out = h->controllers;

		for (size_t i = 0; i < ARRAY_SIZE(controller_names); i++) {
			if (mask & controller_names[i].bit)
				out += sprintf(out, "%s%s", out == h->controllers ? "" : ",",
					       controller_names[i].v1);
		}
	}
	return 0;
}

int cgroup_layout_parse(const char *mountinfo, const char *self_cgroup, struct cgroup_layout *ret,
			struct iso_error *err)
{
	_cleanup_free_ char *copy = strdup(mountinfo);
	struct cgroup_layout l = {0};
	char *save = NULL;

	if (!copy)
		return iso_error_set(err, ENOMEM, "cgroups");
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct mountinfo_entry e;
		bool v2;

		if (!mountinfo_parse_line(line, &e))
			continue;
		v2 = !strcmp(e.fstype, "cgroup2");
		if (!v2 && strcmp(e.fstype, "cgroup"))
			continue;
		if (layout_add(&l, e.root, e.mount_point, v2, e.super_opts, self_cgroup) < 0) {
			cgroup_layout_clear(&l);
			return iso_error_set(err, ENOMEM, "cgroups");
		}
	}
	if (l.n == 0)
		return iso_error_invalid(err, "no cgroup file system is mounted "
					      "(/proc/self/mountinfo)");
	*ret = l;
	return 0;
}

int cgroup_layout_detect(struct cgroup_layout *ret, struct iso_error *err)
{
	_cleanup_free_ char *mountinfo = NULL, *self = NULL;
	int r;

	if ((r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", 4 << 20, &mountinfo, NULL, err)) <
		0 ||
	    (r = read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &self, NULL, err)) < 0 ||
	    (r = cgroup_layout_parse(mountinfo, self, ret, err)) < 0)
		return r;
	for (size_t i = 0; i < ret->n; i++) {
		_cleanup_free_ char *path = NULL, *ctrls = NULL;
		struct iso_error ignored;

		if (!ret->h[i].v2 || asprintf(&path, "%s/cgroup.controllers", ret->h[i].mount) < 0)
			continue;
		if (read_file_at(AT_FDCWD, path, 4096, &ctrls, NULL, &ignored) == 0)
			ret->h[i].mask = cgroup_controllers_parse(ctrls, ' ');
	}
	return 0;
}

void cgroup_layout_clear(struct cgroup_layout *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->h[i].mount);
		free(l->h[i].mount_root);
		free(l->h[i].own);
		free(l->h[i].controllers);
	}
	free(l->h);
	*l = (struct cgroup_layout){0};
}

/* ---- the container's path ---- */

int cgroup_path_normalize(const char *cgroups_path, const char *id, char **ret,
			  struct iso_error *err)
{
	_cleanup_free_ char *out = NULL;
	const char *p = cgroups_path;
	size_t len = 0;

	if (!p || !*p) {
		if (asprintf(&out, "%s/%s", CGROUP_DEFAULT_PARENT, id) < 0)
			return iso_error_set(err, ENOMEM, "linux.cgroupsPath");
		*ret = steal_ptr(out);
		return 0;
	}
	out = malloc(strlen(p) + 2);
	if (!out)
		return iso_error_set(err, ENOMEM, "linux.cgroupsPath");
	if (*p == '/')
		out[len++] = '/';
	while (*p) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 2 && !strncmp(p, "..", 2))
			return iso_error_invalid(err,
						 "config.json: linux.cgroupsPath: \"%s\": \"..\" "
						 "is not allowed",
						 cgroups_path);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				return iso_error_invalid(err,
							 "config.json: linux.cgroupsPath: control "
							 "character");
		if (!(n == 1 && *p == '.')) {
			if (len > 0 && out[len - 1] != '/')
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	out[len] = '\0';
	if (!strcmp(out, "/") || !*out)
		return iso_error_invalid(err,
					 "config.json: linux.cgroupsPath: \"%s\" names the root "
					 "cgroup, not a cgroup of the container's own",
					 cgroups_path);
	*ret = steal_ptr(out);
	return 0;
}
