/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec --cgroup [CONTROLLER[,CONTROLLER...]:]PATH (runc 1.1): the exec'd process joins an
 * existing sub-cgroup of the container's instead of the container's own. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "util/cleanup.h"

struct sub_spec {
	const char *arg;   /* as given, for errors */
	char *controllers; /* NULL: every hierarchy */
	char *path;	   /* normalized, relative: "a/b", or "" for the container's own */
};

static void sub_specs_free(struct sub_spec *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].controllers);
		free(s[i].path);
	}
	free(s);
}

/* "a//./b/" -> "a/b".  The path lies below the container's cgroup, so ".." is refused: a
 * leading "/" is the container's cgroup too, as in runc. */
static int normalize_sub(const char *arg, const char *path, char **ret, struct iso_error *err)
{
	_cleanup_free_ char *out = calloc(1, strlen(path) + 1);
	size_t n = 0;

	if (!out)
		return iso_error_set(err, ENOMEM, "--cgroup");
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 2 && !strncmp(p, "..", 2))
			return iso_error_invalid(
			    err,
			    "exec: --cgroup %s: \"..\" is not allowed (the path "
			    "lies below the container's cgroup)",
			    arg);
		if (len && !(len == 1 && *p == '.')) {
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p += len + strspn(p + len, "/");
	}
	*ret = steal_ptr(out);
	return 0;
}

static int parse_sub(const char *arg, struct sub_spec *s, struct iso_error *err)
{
	const char *colon = strchr(arg, ':');

	s->arg = arg;
	if (colon && strchr(colon + 1, ':'))
		return iso_error_invalid(err, "exec: --cgroup %s: expected [CONTROLLER:]PATH", arg);
	if (colon) {
		s->controllers = strndup(arg, (size_t)(colon - arg));
		if (!s->controllers)
			return iso_error_set(err, ENOMEM, "--cgroup");
		if (!s->controllers[0] || strstr(s->controllers, ",,") ||
		    s->controllers[0] == ',' || colon[-1] == ',')
			return iso_error_invalid(err, "exec: --cgroup %s: an empty controller name",
						 arg);
	}
	return normalize_sub(arg, colon ? colon + 1 : arg, &s->path, err);
}

/* Whether name is one of a comma-separated list. */
static bool list_has(const char *list, const char *name, size_t len)
{
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, ",");

		if (l == len && !strncmp(p, name, len))
			return true;
		p += l + (p[l] == ',');
	}
	return false;
}

/* Which entry each controller of a spec names: a v1 hierarchy holding it. */
static int match_controllers(const struct sub_spec *s, const struct state_cgroup *cg, size_t n,
			     const struct sub_spec **by_entry, struct iso_error *err)
{
	for (const char *p = s->controllers; *p;) {
		size_t len = strcspn(p, ",");
		bool found = false;

		for (size_t i = 0; i < n; i++) {
			if (!cg[i].controllers[0] || !list_has(cg[i].controllers, p, len))
				continue;
			if (by_entry[i] && by_entry[i] != s)
				return iso_error_invalid(err,
							 "exec: --cgroup %s: %.*s is given twice",
							 s->arg, (int)len, p);
			by_entry[i] = s;
			found = true;
		}
		if (!found)
			return iso_error_invalid(
			    err,
			    "exec: --cgroup %s: the container has no cgroup v1 "
			    "hierarchy of %.*s",
			    s->arg, (int)len, p);
		p += len + (p[len] == ',');
	}
	return 0;
}

/* The sub-cgroup's directory, if it is one. */
static bool sub_exists(const struct state_cgroup *c, const char *sub, char **ret_dir)
{
	struct stat st;

	if (asprintf(ret_dir, "%s%s/%s", c->mount, c->path, sub) < 0) {
		*ret_dir = NULL;
		return false;
	}
	return lstat(*ret_dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Entry i of the result: the container's, or its sub-cgroup.  A spec naming controllers needs
 * the sub-cgroup in their hierarchies; one for every hierarchy in at least one of them. */
static int join_entry(const struct state_cgroup *c, const struct sub_spec *s,
		      struct state_cgroup *out, bool *found, struct iso_error *err)
{
	_cleanup_free_ char *dir = NULL;
	bool sub = s && s->path[0] && sub_exists(c, s->path, &dir);

	if (s && s->path[0] && !sub && s->controllers)
		return iso_error_set(err, ENOENT, "exec: --cgroup %s: %s", s->arg,
				     dir ? dir : s->path);
	*found |= sub || (s && !s->path[0]);
	out->mount = strdup(c->mount);
	out->controllers = strdup(c->controllers);
	if (sub ? asprintf(&out->path, "%s/%s", c->path, s->path) < 0
		: !(out->path = strdup(c->path)))
		out->path = NULL;
	if (!out->mount || !out->controllers || !out->path)
		return iso_error_set(err, ENOMEM, "--cgroup");
	return 0;
}

static int resolve(const struct state_cgroup *cg, size_t n, const struct sub_spec *specs,
		   size_t n_specs, struct state_cgroup *out, struct iso_error *err)
{
	_cleanup_free_ const struct sub_spec **by_entry = calloc(n, sizeof(*by_entry));
	bool found = false;
	int r;

	if (!by_entry)
		return iso_error_set(err, ENOMEM, "--cgroup");
	for (size_t k = 0; k < n_specs; k++) {
		if (!specs[k].controllers) {
			/* runc: a path for every hierarchy comes alone. */
			if (n_specs > 1)
				return iso_error_invalid(err,
							 "exec: --cgroup %s: a path without a "
							 "controller must be the only --cgroup",
							 specs[k].arg);
			for (size_t i = 0; i < n; i++)
				by_entry[i] = &specs[k];
		} else if ((r = match_controllers(&specs[k], cg, n, by_entry, err)) < 0) {
			return r;
		}
	}
	for (size_t i = 0; i < n; i++)
		if ((r = join_entry(&cg[i], by_entry[i], &out[i], &found, err)) < 0)
			return r;
	if (!found)
		return iso_error_invalid(err,
					 "exec: --cgroup %s: no such cgroup below the container's "
					 "in any hierarchy",
					 specs[0].arg);
	return 0;
}

int cgroup_sub_resolve(const struct state_cgroup *cg, size_t n, char *const *args,
		       struct state_cgroup **ret, struct iso_error *err)
{
	struct sub_spec *specs = NULL;
	struct state_cgroup *out = NULL;
	size_t n_specs = 0;
	int r = 0;

	while (args[n_specs])
		n_specs++;
	if (n == 0)
		return iso_error_invalid(err, "exec: --cgroup %s: the container has no cgroup",
					 args[0]);
	specs = calloc(n_specs, sizeof(*specs));
	out = calloc(n, sizeof(*out));
	if (!specs || !out)
		r = iso_error_set(err, ENOMEM, "--cgroup");
	for (size_t k = 0; r == 0 && k < n_specs; k++)
		r = parse_sub(args[k], &specs[k], err);
	if (r == 0)
		r = resolve(cg, n, specs, n_specs, out, err);
	sub_specs_free(specs, specs ? n_specs : 0);
	if (r < 0) {
		state_cgroups_free(out, out ? n : 0);
		return r;
	}
	*ret = out;
	return 0;
}
