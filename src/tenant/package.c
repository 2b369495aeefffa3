/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/package.h"
#include "util/json_walk.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PACKAGE_CONFIG_MAX (1024 * 1024)
#define CNAME_MAX	   64
#define HOME_PREFIX	   "/home/"

/* ---- custom fields ---------------------------------------------------------------------- */

static int parse_enum(struct json_walk *w, yajl_val v, const char *const names[], size_t n,
		      char **ret_name, int *ret)
{
	const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

	if (!s)
		return json_walk_fail(w, "expected a string");
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, names[i]) == 0) {
			*ret = (int)i;
			*ret_name = strdup(s);
			return *ret_name ? 0 : json_walk_oom(w);
		}
	}
	return json_walk_fail(w, "\"%s\" is not one of the allowed values", s);
}

static int parse_net_mode(struct json_walk *w, yajl_val v, void *dst)
{
	static const char *const names[] = {"none", "veth", "bridge"};
	struct package_network *n =
	    (struct package_network *)((char *)dst - offsetof(struct package_network, mode_name));
	int mode = 0, r = parse_enum(w, v, names, ARRAY_SIZE(names), &n->mode_name, &mode);

	n->mode = (enum package_net_mode)mode;
	return r;
}

static int parse_seccomp_mode(struct json_walk *w, yajl_val v, void *dst)
{
	static const char *const names[] = {"default", "profile", "none", "recorded"};
	struct package_seccomp *s =
	    (struct package_seccomp *)((char *)dst - offsetof(struct package_seccomp, mode_name));
	int mode = 0, r = parse_enum(w, v, names, ARRAY_SIZE(names), &s->mode_name, &mode);

	s->mode = (enum package_seccomp_mode)mode;
	return r;
}

/* Bytes, as a number or a string with a K, M or G suffix (powers of 1024). */
static int parse_memory(struct json_walk *w, yajl_val v, void *dst)
{
	const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
	int64_t *ret = dst;
	long long n;
	char *end;

	if (YAJL_IS_INTEGER(v)) {
		n = YAJL_GET_INTEGER(v);
		end = (char *)"";
	} else if (s) {
		/* Digits first: strtoll() would also take a sign or blanks, and a negative
		 * count must never reach the shifts below (undefined behaviour). */
		if (!isdigit((unsigned char)s[0]))
			return json_walk_fail(w, "\"%s\" is not a size", s);
		errno = 0;
		n = strtoll(s, &end, 10);
		if (errno)
			return json_walk_fail(w, "\"%s\" is not a size", s);
	} else {
		return json_walk_fail(w, "expected a number of bytes or a size such as \"64M\"");
	}
	for (const char *u = "KMG"; *end && *u; u++) {
		if (n > (INT64_MAX >> 10))
			return json_walk_fail(w, "too large");
		n <<= 10;
		if (*end == *u) {
			end++;
			break;
		}
	}
	if (*end || n < 4096 * 1024LL)
		return json_walk_fail(w, "expected at least 4M, as bytes or \"N\", \"NK\", "
					 "\"NM\", \"NG\"");
	*ret = n;
	return 0;
}

static int parse_cpus(struct json_walk *w, yajl_val v, void *dst)
{
	double *ret = dst;

	if (!YAJL_IS_NUMBER(v))
		return json_walk_fail(w, "expected a number of CPUs (e.g. 0.5)");
	*ret = YAJL_GET_DOUBLE(v);
	if (!isfinite(*ret) || *ret < 0.01 || *ret > 1024)
		return json_walk_fail(w, "expected a number of CPUs from 0.01 to 1024");
	return 0;
}

/* ---- tables ----------------------------------------------------------------------------- */

static const struct json_field resources_fields[] = {
    JSON_FIELD("memory", JSON_CUSTOM, struct package_resources, memory, .flags = JSON_HAS,
	       .has_offset = offsetof(struct package_resources, has_memory), .parse = parse_memory),
    JSON_FIELD("cpus", JSON_CUSTOM, struct package_resources, cpus, .flags = JSON_HAS,
	       .has_offset = offsetof(struct package_resources, has_cpus), .parse = parse_cpus),
    JSON_FIELD("pids", JSON_INT64, struct package_resources, pids, .flags = JSON_HAS | JSON_RANGE,
	       .has_offset = offsetof(struct package_resources, has_pids), .min = 1,
	       .max = 4194304),
    {0},
};

static const struct json_field network_fields[] = {
    JSON_FIELD("mode", JSON_CUSTOM, struct package_network, mode_name, .flags = JSON_REQUIRED,
	       .parse = parse_net_mode),
    JSON_FIELD("address", JSON_STRING, struct package_network, address),
    JSON_FIELD("host_address", JSON_STRING, struct package_network, host_address),
    JSON_FIELD("bridge", JSON_STRING, struct package_network, bridge),
    JSON_FIELD("gateway", JSON_STRING, struct package_network, gateway),
    JSON_FIELD("mtu", JSON_UINT32, struct package_network, mtu, .flags = JSON_HAS | JSON_RANGE,
	       .has_offset = offsetof(struct package_network, has_mtu), .min = 68, .max = 65535),
    {0},
};

static const struct json_field seccomp_fields[] = {
    JSON_FIELD("mode", JSON_CUSTOM, struct package_seccomp, mode_name, .flags = JSON_REQUIRED,
	       .parse = parse_seccomp_mode),
    JSON_FIELD("profile", JSON_STRING, struct package_seccomp, profile),
    {0},
};

static const struct json_field ipc_fields[] = {
    JSON_FIELD("enabled", JSON_BOOL, struct package_ipc, enabled, .flags = JSON_HAS,
	       .has_offset = offsetof(struct package_ipc, has_enabled)),
    {0},
};

static const struct json_field package_fields[] = {
    JSON_FIELD("cname", JSON_STRING, struct tenant_package, cname, .flags = JSON_REQUIRED),
    JSON_FIELD("init", JSON_STRING, struct tenant_package, init, .flags = JSON_REQUIRED),
    JSON_FIELD("dependencies", JSON_STRING, struct tenant_package, dependencies),
    JSON_FIELD("tid", JSON_STRING, struct tenant_package, tid),
    JSON_FIELD("args", JSON_STRING_ARRAY, struct tenant_package, args),
    JSON_FIELD("env", JSON_STRING_ARRAY, struct tenant_package, env),
    JSON_FIELD("resources", JSON_OBJECT, struct tenant_package, resources, .flags = JSON_HAS,
	       .has_offset = offsetof(struct tenant_package, has_resources),
	       .fields = resources_fields),
    JSON_FIELD("network", JSON_OBJECT, struct tenant_package, network, .flags = JSON_HAS,
	       .has_offset = offsetof(struct tenant_package, has_network),
	       .fields = network_fields),
    JSON_FIELD("seccomp", JSON_OBJECT, struct tenant_package, seccomp, .flags = JSON_HAS,
	       .has_offset = offsetof(struct tenant_package, has_seccomp),
	       .fields = seccomp_fields),
    JSON_FIELD("ipc", JSON_OBJECT, struct tenant_package, ipc, .flags = JSON_HAS,
	       .has_offset = offsetof(struct tenant_package, has_ipc), .fields = ipc_fields),
    JSON_FIELD("userns", JSON_BOOL, struct tenant_package, userns, .flags = JSON_HAS,
	       .has_offset = offsetof(struct tenant_package, has_userns)),
    {0},
};

/* The walker ignores unknown members (as OCI wants); a package is ours, and a misspelt
 * "seccom" silently meaning "default" would be worse than an error. */
static int refuse_unknown(struct json_walk *w, yajl_val obj, const struct json_field *fields)
{
	if (!YAJL_IS_OBJECT(obj))
		return json_walk_fail(w, "expected an object");
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *key = obj->u.object.keys[i];
		const struct json_field *f = fields;

		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (!f->name)
			return json_walk_fail_at(w, key, "unknown field");
		if (f->kind == JSON_OBJECT && YAJL_IS_OBJECT(obj->u.object.values[i])) {
			size_t mark = json_walk_push_key(w, key);
			int r = refuse_unknown(w, obj->u.object.values[i], f->fields);

			if (r < 0)
				return r;
			json_walk_pop(w, mark);
		}
	}
	return 0;
}

/* ---- semantic checks -------------------------------------------------------------------- */

static bool is_valid_cname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CNAME_MAX || s[0] == '.' || s[0] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

/* "/home/REL" or "REL" -> "REL", with no empty, "." or ".." component. */
static int normalize_home_path(struct json_walk *w, const char *field, char **path)
{
	const char *rel = *path, *p;
	char *copy;

	if (strncmp(rel, HOME_PREFIX, strlen(HOME_PREFIX)) == 0)
		rel += strlen(HOME_PREFIX);
	else if (rel[0] == '/')
		return json_walk_fail_at(w, field,
					 "\"%s\" must lie under /home (the package's "
					 "progs/)",
					 *path);
	for (p = rel;;) {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && !strncmp(p, "..", 2)))
			return json_walk_fail_at(w, field,
						 "\"%s\": empty, \".\" or \"..\" "
						 "component",
						 *path);
		if (!p[len])
			break;
		p += len + 1;
	}
	copy = strdup(rel);
	if (!copy)
		return json_walk_oom(w);
	free(*path);
	*path = copy;
	return 0;
}

static bool is_relative_inside(const char *path)
{
	const char *p = path;

	if (p[0] == '/' || p[0] == '\0')
		return false;
	for (;;) {
		size_t len = strcspn(p, "/");

		if (len == 2 && !strncmp(p, "..", 2))
			return false;
		if (!p[len])
			return true;
		p += len + 1;
	}
}

static int check_network(struct json_walk *w, const struct package_network *n)
{
	size_t mark = json_walk_push_key(w, "network");
	int r = 0;

	if (n->mode == PACKAGE_NET_NONE &&
	    (n->address || n->host_address || n->bridge || n->gateway || n->has_mtu))
		r = json_walk_fail_at(w, "mode",
				      "\"none\" takes no address, bridge, gateway or mtu");
	else if (n->mode != PACKAGE_NET_NONE && !n->address)
		r = json_walk_fail_at(w, "address", "required with mode \"%s\"", n->mode_name);
	else if (n->mode == PACKAGE_NET_BRIDGE && !n->bridge)
		r = json_walk_fail_at(w, "bridge", "required with mode \"bridge\"");
	else if (n->mode == PACKAGE_NET_VETH && n->bridge)
		r = json_walk_fail_at(w, "bridge", "only with mode \"bridge\"");
	if (r == 0)
		json_walk_pop(w, mark);
	return r;
}

static int check_seccomp(struct json_walk *w, struct package_seccomp *s)
{
	size_t mark = json_walk_push_key(w, "seccomp");
	int r = 0;

	if (s->mode == PACKAGE_SECCOMP_PROFILE && !s->profile)
		r = json_walk_fail_at(w, "profile", "required with mode \"profile\"");
	else if (s->mode != PACKAGE_SECCOMP_PROFILE && s->profile)
		r = json_walk_fail_at(w, "profile", "only with mode \"profile\"");
	else if (s->profile && !is_relative_inside(s->profile))
		r = json_walk_fail_at(w, "profile",
				      "\"%s\" must be a path inside the package "
				      "(relative, no \"..\")",
				      s->profile);
	if (r == 0)
		json_walk_pop(w, mark);
	return r;
}

static int check_fields(struct json_walk *w, struct tenant_package *p)
{
	int r;

	if (!is_valid_cname(p->cname))
		return json_walk_fail_at(w, "cname",
					 "\"%s\" must be 1-%d of [A-Za-z0-9_.-], not "
					 "starting with '.' or '-'",
					 p->cname, CNAME_MAX);
	if (p->tid && p->tid[0])
		return json_walk_fail_at(w, "tid", "assigned by isorun: leave it empty");
	if ((r = normalize_home_path(w, "init", &p->init)) < 0)
		return r;
	if (p->dependencies && !p->dependencies[0]) {
		free(p->dependencies);
		p->dependencies = NULL;
	}
	if (p->dependencies && (r = normalize_home_path(w, "dependencies", &p->dependencies)) < 0)
		return r;
	for (size_t i = 0; p->env && p->env[i]; i++)
		if (!strchr(p->env[i], '=') || p->env[i][0] == '=')
			return json_walk_fail_at(w, "env", "\"%s\" is not NAME=value", p->env[i]);
	if (p->has_network && (r = check_network(w, &p->network)) < 0)
		return r;
	if (p->has_seccomp && (r = check_seccomp(w, &p->seccomp)) < 0)
		return r;
	return 0;
}

int package_parse(const char *text, const char *name, struct tenant_package **ret,
		  struct iso_error *err)
{
	struct tenant_package *p = calloc(1, sizeof(*p));
	yajl_val tree = NULL;
	struct json_walk w;
	int r;

	if (!p)
		return iso_error_set(err, ENOMEM, "%s", name);
	p->config_text = strdup(text);
	if (!p->config_text) {
		package_free(p);
		return iso_error_set(err, ENOMEM, "%s", name);
	}
	json_walk_init(&w, name, err);
	r = json_parse_tree(text, strlen(text), name, &tree, err);
	if (r == 0)
		r = refuse_unknown(&w, tree, package_fields);
	if (r == 0)
		r = json_walk_object(&w, tree, package_fields, p);
	if (r == 0)
		r = check_fields(&w, p);
	if (tree)
		yajl_tree_free(tree);
	if (r < 0) {
		package_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

/* ---- progs/ ----------------------------------------------------------------------------- */

/* Opens progs/REL without leaving progs/ (symlinks included) and checks it is an executable
 * regular file. */
static int check_program(int progs, const char *field, const char *rel, struct iso_error *err)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, progs, rel, &how, sizeof(how));
	struct stat st;

	if (fd < 0 && errno == EXDEV)
		return iso_error_invalid(err, "config.json: %s: progs/%s leads outside progs/",
					 field, rel);
	if (fd < 0)
		return iso_error_set(err, errno, "config.json: %s: progs/%s", field, rel);
	if (fstat(fd, &st) < 0)
		return iso_error_set(err, errno, "config.json: %s: progs/%s", field, rel);
	if (!S_ISREG(st.st_mode))
		return iso_error_invalid(err, "config.json: %s: progs/%s is not a regular file",
					 field, rel);
	if (!(st.st_mode & 0111))
		return iso_error_invalid(err, "config.json: %s: progs/%s is not executable", field,
					 rel);
	return 0;
}

static int check_progs(const struct tenant_package *p, struct iso_error *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int progs = -1;

	if (asprintf(&path, "%s/progs", p->dir) < 0)
		return iso_error_set(err, ENOMEM, "progs/");
	progs = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (progs < 0)
		return iso_error_set(err, errno, "progs/");
	if (check_program(progs, "init", p->init, err) < 0)
		return iso_error_code(err);
	if (p->dependencies && check_program(progs, "dependencies", p->dependencies, err) < 0)
		return iso_error_code(err);
	return 0;
}

int package_load(const char *dir, struct tenant_package **ret, struct iso_error *err)
{
	_cleanup_package_ struct tenant_package *p = NULL;
	_cleanup_free_ char *abs = realpath(dir, NULL), *cfg = NULL, *text = NULL;
	size_t len;
	int r;

	if (!abs)
		return iso_error_set(err, errno, "package %s", dir);
	if (asprintf(&cfg, "%s/config.json", abs) < 0)
		return iso_error_set(err, ENOMEM, "package %s", dir);
	r = read_file_at(AT_FDCWD, cfg, PACKAGE_CONFIG_MAX, &text, &len, err);
	if (r < 0)
		return iso_error_wrap(err, "package %s", dir);
	if (strlen(text) != len)
		return iso_error_invalid(err, "package %s: config.json: contains a NUL byte", dir);
	if ((r = package_parse(text, "config.json", &p, err)) < 0)
		return iso_error_wrap(err, "package %s", dir);
	p->dir = steal_ptr(abs);
	if ((r = check_progs(p, err)) < 0)
		return iso_error_wrap(err, "package %s", dir);
	*ret = steal_ptr(p);
	return 0;
}

bool package_ipc_enabled(const struct tenant_package *p)
{
	return !p->has_ipc || !p->ipc.has_enabled || p->ipc.enabled;
}

bool package_userns_enabled(const struct tenant_package *p)
{
	return !p->has_userns || p->userns;
}

void package_free(struct tenant_package *p)
{
	if (!p)
		return;
	free(p->dir);
	free(p->config_text);
	free(p->cname);
	free(p->init);
	free(p->dependencies);
	free(p->tid);
	for (size_t i = 0; p->args && p->args[i]; i++)
		free(p->args[i]);
	free(p->args);
	for (size_t i = 0; p->env && p->env[i]; i++)
		free(p->env[i]);
	free(p->env);
	free(p->network.mode_name);
	free(p->network.address);
	free(p->network.host_address);
	free(p->network.bridge);
	free(p->network.gateway);
	free(p->seccomp.mode_name);
	free(p->seccomp.profile);
	free(p);
}
