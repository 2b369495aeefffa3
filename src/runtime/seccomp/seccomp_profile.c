/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/seccomp/seccomp_profile.h"

#include "runtime/process/selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runtime/spec/cap_names.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

static inline void cleanup_yajl_treep(yajl_val *v)
{
	if (*v)
		yajl_tree_free(*v);
}

/* Docker names architectures as Go does (runtime.GOARCH) in includes/excludes.arches. */
static const struct {
	const char *scmp;
	const char *go;
} go_arches[] = {
    {"SCMP_ARCH_X86_64", "amd64"},    {"SCMP_ARCH_X86", "386"},
    {"SCMP_ARCH_AARCH64", "arm64"},   {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_PPC64LE", "ppc64le"}, {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_RISCV64", "riscv64"}, {"SCMP_ARCH_MIPSEL64", "mips64le"},
};

/* The spec's name of the architecture this libseccomp compiles for natively. */
static const char *native_scmp_arch(void)
{
	uint32_t native = seccomp_arch_native();

	for (uint32_t i = 0; seccomp_arch_name(i); i++)
		if (seccomp_arch_resolve_name(seccomp_arch_libname(i)) == native)
			return seccomp_arch_name(i);
	return NULL;
}

static bool arch_is_native(const char *name, const char *native)
{
	if (!native)
		return false;
	if (!strcmp(name, native))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(go_arches); i++)
		if (!strcmp(go_arches[i].go, name))
			return !strcmp(go_arches[i].scmp, native);
	return false;
}

void seccomp_profile_target_host(struct seccomp_profile_target *t, uint64_t bounding)
{
	struct utsname u;

	*t = (struct seccomp_profile_target){.bounding = bounding};
	if (uname(&u) == 0)
		sscanf(u.release, "%u.%u", &t->kernel_major, &t->kernel_minor);
}

/* ---- includes / excludes ---- */

struct filter_spec {
	char **arches;
	char **caps;
	char *min_kernel;
};

static const struct json_field filter_fields[] = {
    JSON_FIELD("arches", JSON_STRING_ARRAY, struct filter_spec, arches),
    JSON_FIELD("caps", JSON_STRING_ARRAY, struct filter_spec, caps),
    JSON_FIELD("minKernel", JSON_STRING, struct filter_spec, min_kernel),
    {0},
};

static void filter_spec_clear(struct filter_spec *f)
{
	strv_free(f->arches);
	strv_free(f->caps);
	free(f->min_kernel);
	*f = (struct filter_spec){0};
}

static bool any_arch_native(char **arches, const char *native)
{
	for (; arches && *arches; arches++)
		if (arch_is_native(*arches, native))
			return true;
	return false;
}

/* Capability names libcap does not know are simply not in the set, as in Docker. */
static bool has_cap(const struct seccomp_profile_target *t, const char *name)
{
	int cap = caps_from_name(name);

	return cap >= 0 && cap < 64 && (t->bounding & (UINT64_C(1) << cap));
}

static int kernel_at_least(struct json_walk *w, const char *min,
			   const struct seccomp_profile_target *t, bool *ret)
{
	unsigned major, minor = 0;
	char tail;
	int n = sscanf(min, "%u.%u%c", &major, &minor, &tail);

	if (n != 1 && n != 2)
		return json_walk_fail_at(w, "minKernel",
					 "expected a kernel version such as \"4.8\"");
	*ret = t->kernel_major > major || (t->kernel_major == major && t->kernel_minor >= minor);
	return 0;
}

/* Docker's rules: includes keeps a rule only if the target has one of its arches, all of its
 * caps and at least its kernel; excludes drops it if the target has any of its arches or caps. */
static int rule_applies(struct json_walk *w, yajl_val obj, const struct seccomp_profile_target *t,
			const char *native, bool *ret)
{
	struct filter_spec inc = {0}, exc = {0};
	yajl_val v;
	size_t mark;
	bool ok = true;
	int r = 0;

	if ((v = json_object_get(obj, "includes"))) {
		mark = json_walk_push_key(w, "includes");
		r = json_walk_object(w, v, filter_fields, &inc);
		if (r == 0 && inc.min_kernel)
			r = kernel_at_least(w, inc.min_kernel, t, &ok);
		json_walk_pop(w, mark);
		if (inc.arches && inc.arches[0] && !any_arch_native(inc.arches, native))
			ok = false;
		for (char **c = inc.caps; c && *c; c++)
			if (!has_cap(t, *c))
				ok = false;
	}
	if (r == 0 && (v = json_object_get(obj, "excludes"))) {
		mark = json_walk_push_key(w, "excludes");
		r = json_walk_object(w, v, filter_fields, &exc);
		json_walk_pop(w, mark);
		if (any_arch_native(exc.arches, native))
			ok = false;
		for (char **c = exc.caps; c && *c; c++)
			if (has_cap(t, *c))
				ok = false;
	}
	filter_spec_clear(&inc);
	filter_spec_clear(&exc);
	*ret = ok;
	return r;
}

/* ---- archMap ---- */

static int append_arch(struct json_walk *w, struct seccomp_config *cfg, yajl_val name)
{
	int index = YAJL_IS_STRING(name) ? seccomp_arch_from_name(name->u.string) : -1;
	uint32_t *v;

	if (index < 0)
		return YAJL_IS_STRING(name)
			   ? json_walk_fail(w, "unknown architecture \"%s\"", name->u.string)
			   : json_walk_fail(w, "expected a string");
	v = realloc(cfg->archs.v, (cfg->archs.n + 1) * sizeof(*v));
	if (!v)
		return json_walk_oom(w);
	v[cfg->archs.n++] = (uint32_t)index;
	cfg->archs.v = v;
	return 0;
}

static int arch_map_entry(struct json_walk *w, yajl_val entry, const char *native,
			  struct seccomp_config *cfg)
{
	yajl_val arch = json_object_get(entry, "architecture");
	yajl_val subs = json_object_get(entry, "subArchitectures");
	size_t mark;
	int r;

	if (!YAJL_IS_OBJECT(entry))
		return json_walk_fail(w, "expected an object");
	if (!arch)
		return json_walk_fail_at(w, "architecture", "required");
	mark = json_walk_push_key(w, "architecture");
	if (!YAJL_IS_STRING(arch) || seccomp_arch_from_name(arch->u.string) < 0)
		return append_arch(w, cfg, arch); /* the error */
	json_walk_pop(w, mark);
	if (!native || strcmp(arch->u.string, native))
		return 0;
	if ((r = append_arch(w, cfg, arch)) < 0)
		return r;
	if (subs && !YAJL_IS_ARRAY(subs))
		return json_walk_fail_at(w, "subArchitectures", "expected an array");
	mark = json_walk_push_key(w, "subArchitectures");
	for (size_t i = 0; subs && i < subs->u.array.len; i++) {
		size_t m = json_walk_push_index(w, i);

		if ((r = append_arch(w, cfg, subs->u.array.values[i])) < 0)
			return r;
		json_walk_pop(w, m);
	}
	json_walk_pop(w, mark);
	return 0;
}

static int convert_arch_map(struct json_walk *w, yajl_val doc, const char *native,
			    struct seccomp_config *cfg)
{
	yajl_val map = json_object_get(doc, "archMap");
	size_t mark;

	if (!map)
		return 0;
	if (json_object_get(doc, "architectures"))
		return json_walk_fail_at(w, "archMap",
					 "give either architectures or archMap, not "
					 "both");
	mark = json_walk_push_key(w, "archMap");
	if (!YAJL_IS_ARRAY(map))
		return json_walk_fail(w, "expected an array");
	for (size_t i = 0; i < map->u.array.len; i++) {
		size_t m = json_walk_push_index(w, i);
		int r = arch_map_entry(w, map->u.array.values[i], native, cfg);

		if (r < 0)
			return r;
		json_walk_pop(w, m);
	}
	json_walk_pop(w, mark);
	return 0;
}

/* ---- syscalls ---- */

static int convert_syscall(struct json_walk *w, yajl_val obj,
			   const struct seccomp_profile_target *t, const char *native,
			   struct seccomp_config *cfg)
{
	struct seccomp_rule *rules;
	bool applies;
	int r;

	if (!YAJL_IS_OBJECT(obj))
		return json_walk_fail(w, "expected an object");
	if ((r = rule_applies(w, obj, t, native, &applies)) < 0 || !applies)
		return r;
	rules = realloc(cfg->rules, (cfg->n_rules + 1) * sizeof(*rules));
	if (!rules)
		return json_walk_oom(w);
	cfg->rules = rules;
	rules[cfg->n_rules] = (struct seccomp_rule){0};
	/* Counted before parsing, so that a half-parsed rule is freed with the config. */
	return seccomp_rule_parse(w, obj, &rules[cfg->n_rules++], true);
}

static int convert_syscalls(struct json_walk *w, yajl_val doc,
			    const struct seccomp_profile_target *t, const char *native,
			    struct seccomp_config *cfg)
{
	yajl_val calls = json_object_get(doc, "syscalls");
	size_t mark;

	if (!calls)
		return 0;
	mark = json_walk_push_key(w, "syscalls");
	if (!YAJL_IS_ARRAY(calls))
		return json_walk_fail(w, "expected an array");
	for (size_t i = 0; i < calls->u.array.len; i++) {
		size_t m = json_walk_push_index(w, i);
		int r = convert_syscall(w, calls->u.array.values[i], t, native, cfg);

		if (r < 0)
			return r;
		json_walk_pop(w, m);
	}
	json_walk_pop(w, mark);
	return 0;
}

int seccomp_profile_convert(const char *text, size_t len, const char *name,
			    const struct seccomp_profile_target *t, struct seccomp_config *ret,
			    struct iso_error *err)
{
	__attribute__((cleanup(cleanup_yajl_treep))) yajl_val doc = NULL;
	struct seccomp_config cfg = {0};
	const char *native = native_scmp_arch();
	struct json_walk w;
	int r;

	r = json_parse_tree(text, len, name, &doc, err);
	if (r < 0)
		return r;
	json_walk_init(&w, name, err);
	r = json_walk_object(&w, doc, seccomp_header_fields, &cfg);
	if (r == 0)
		r = convert_arch_map(&w, doc, native, &cfg);
	if (r == 0)
		r = convert_syscalls(&w, doc, t, native, &cfg);
	if (r == 0)
		r = seccomp_config_check(&w, &cfg);
	if (r < 0) {
		seccomp_config_free(&cfg);
		return r;
	}
	*ret = cfg;
	return 0;
}

#define PROFILE_MAX_SIZE (4 * 1024 * 1024)

int seccomp_profile_convert_file(const char *path, const struct seccomp_profile_target *t,
				 struct seccomp_config *ret, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = read_file_at(AT_FDCWD, path, PROFILE_MAX_SIZE, &text, &len, err);
	if (r < 0)
		return r;
	return seccomp_profile_convert(text, len, path, t, ret, err);
}

static char *profile_next_to_binary(void)
{
	_cleanup_free_ char *exe = selfexe_original_path();
	char *slash, *path = NULL;

	if (!exe || !(slash = strrchr(exe, '/')))
		return NULL;
	*slash = '\0';
	if (asprintf(&path, "%s/contrib/seccomp/default.json", exe) < 0)
		return NULL;
	if (access(path, R_OK) == 0)
		return path;
	free(path);
	return NULL;
}

int seccomp_profile_default_path(char **ret, struct iso_error *err)
{
	const char *env = getenv("ISORUN_SECCOMP_PROFILE");
	char *path = env && *env ? strdup(env) : profile_next_to_binary();

	if (!path && access(ISORUN_SECCOMP_PROFILE, R_OK) == 0)
		path = strdup(ISORUN_SECCOMP_PROFILE);
	if (!path)
		return iso_error_set(err, ENOENT, "the default seccomp profile (%s)",
				     ISORUN_SECCOMP_PROFILE);
	*ret = path;
	return 0;
}
