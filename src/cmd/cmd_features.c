/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isorun features: the OCI features document (runtime-spec features.md).  Every list is read
 * from the table the runtime itself parses config.json with, so the document cannot claim what
 * the parser refuses.  isorun's own config annotations that change what the runtime does
 * (io.isorun.net.*, io.isorun.rootfs.*: runtime/annotations.h) are listed under
 * potentiallyUnsafeConfigAnnotations. */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cmd/cmd_options.h"
#include "runtime/annotations.h"
#include "runtime/process/apparmor.h"
#include "runtime/spec/cap_names.h"
#include "runtime/process/hooks.h"
#include "runtime/spec/mount_options.h"
#include "runtime/namespaces.h"
#include "runtime/spec/seccomp_config.h"
#include "runtime/process/selinux.h"
#include "util/cleanup.h"
#include "util/jsongen.h"

/* ociVersion is not checked by the parser; these are the versions isorun is written against
 * (1.2.0 is what `isorun spec` writes and `isorun --version` reports). */
#define FEATURES_OCI_VERSION_MIN "1.0.0"
#define FEATURES_OCI_VERSION_MAX "1.2.0"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

typedef const char *(*name_at_fn)(size_t index);

static void gen_bool_object(yajl_gen g, const char *key, bool enabled)
{
	jsongen_key(g, key);
	yajl_gen_map_open(g);
	jsongen_kv_bool(g, "enabled", enabled);
	yajl_gen_map_close(g);
}

static void gen_name_list(yajl_gen g, const char *key, name_at_fn name_at)
{
	const char *name;

	jsongen_key(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; (name = name_at(i)) != NULL; i++)
		jsongen_str(g, name);
	yajl_gen_array_close(g);
}

static const char *hook_name_at(size_t index)
{
	return index < HOOK__COUNT ? hooks_kind_name((enum spec_hook_kind)index) : NULL;
}

static const char *seccomp_action_at(size_t index)
{
	return seccomp_action_name((int)index);
}

/* libseccomp refuses to put an architecture of the other byte order into a filter that holds
 * the native one (EDOM), so a config naming it fails: only the ones a filter can hold here are
 * listed.  This depends on the libseccomp build only, not on the kernel. */
static bool seccomp_arch_usable(uint32_t index)
{
	uint32_t arch = seccomp_arch_resolve_name(seccomp_arch_libname(index));
	scmp_filter_ctx ctx;
	int r;

	if (arch == 0)
		return false;
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return false;
	r = seccomp_arch_add(ctx, arch);
	seccomp_release(ctx);
	return r == 0 || r == -EEXIST;
}

static const char *seccomp_flag_at(size_t index)
{
	return seccomp_flag_name((uint32_t)index);
}

/* The kernel checks the flags before it reads the (here absent) filter: EINVAL means it does not
 * know a flag, anything else (EFAULT, or EACCES without privileges) that it does.  Nothing is
 * installed either way. */
static bool kernel_knows_seccomp_flag(unsigned int flag)
{
	if (flag & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER; /* only valid together */
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno != EINVAL;
}

static void gen_seccomp(yajl_gen g)
{
	const char *name;

	jsongen_key(g, "seccomp");
	yajl_gen_map_open(g);
	jsongen_kv_bool(g, "enabled", true);
	gen_name_list(g, "actions", seccomp_action_at);
	jsongen_key(g, "operators");
	yajl_gen_array_open(g);
	for (int op = _SCMP_CMP_MIN; op < _SCMP_CMP_MAX; op++)
		if ((name = seccomp_op_name(op)) != NULL)
			jsongen_str(g, name);
	yajl_gen_array_close(g);
	jsongen_key(g, "archs");
	yajl_gen_array_open(g);
	for (uint32_t i = 0; (name = seccomp_arch_name(i)) != NULL; i++)
		if (seccomp_arch_usable(i))
			jsongen_str(g, name);
	yajl_gen_array_close(g);
	gen_name_list(g, "knownFlags", seccomp_flag_at);
	jsongen_key(g, "supportedFlags");
	yajl_gen_array_open(g);
	for (uint32_t i = 0; (name = seccomp_flag_name(i)) != NULL; i++)
		if (kernel_knows_seccomp_flag(seccomp_flag_value(i)))
			jsongen_str(g, name);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void gen_capabilities(yajl_gen g)
{
	char name[64];

	jsongen_key(g, "capabilities");
	yajl_gen_array_open(g);
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (caps_from_name(caps_name(cap, name, sizeof(name))) == cap)
			jsongen_str(g, name);
	yajl_gen_array_close(g);
}

static void gen_cgroup(yajl_gen g)
{
	jsongen_key(g, "cgroup");
	yajl_gen_map_open(g);
	jsongen_kv_bool(g, "v1", true);
	jsongen_kv_bool(g, "v2", true);
#ifdef HAVE_SYSTEMD
	jsongen_kv_bool(g, "systemd", true);
#else
	jsongen_kv_bool(g, "systemd", false);
#endif
	jsongen_kv_bool(g, "systemdUser", false);
	jsongen_kv_bool(g, "rdma", false);
	yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g)
{
	jsongen_key(g, "linux");
	yajl_gen_map_open(g);
	gen_name_list(g, "namespaces", namespace_name_at);
	gen_capabilities(g);
	gen_cgroup(g);
	gen_seccomp(g);
	/* What this host can apply: a profile or label asked for is refused or dropped
	 * without it (apparmor.h, selinux.h). */
	gen_bool_object(g, "apparmor", apparmor_enabled());
	gen_bool_object(g, "selinux", selinux_enabled());
	gen_bool_object(g, "intelRdt", false);
	gen_bool_object(g, "netDevices", true);
	/* mounts[].uidMappings/gidMappings, "idmap" and "ridmap" (runc's shape). */
	jsongen_key(g, "mountExtensions");
	yajl_gen_map_open(g);
	gen_bool_object(g, "idmap", true);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static void gen_annotations(yajl_gen g)
{
	const struct scmp_version *v = seccomp_version();
	char version[48];

	snprintf(version, sizeof(version), "%u.%u.%u", v ? v->major : 0, v ? v->minor : 0,
		 v ? v->micro : 0);
	jsongen_key(g, "annotations");
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "io.github.seccomp.libseccomp.version", version);
	jsongen_kv_str(g, ANNOTATION_PREFIX "version", PACKAGE_VERSION);
	jsongen_kv_str(g, ANNOTATION_PREFIX "checkpoint.enabled", "false");
	yajl_gen_map_close(g);

	jsongen_key(g, "potentiallyUnsafeConfigAnnotations");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < annotation_n_defs; i++)
		if (annotation_defs[i].changes_runtime)
			jsongen_str(g, annotation_defs[i].key);
	yajl_gen_array_close(g);
}

static int features_to_json(char **ret_json, struct iso_error *err)
{
	_cleanup_yajl_gen_ yajl_gen g = jsongen_new(true);

	if (!g)
		return iso_error_set(err, ENOMEM, "features");
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "ociVersionMin", FEATURES_OCI_VERSION_MIN);
	jsongen_kv_str(g, "ociVersionMax", FEATURES_OCI_VERSION_MAX);
	gen_name_list(g, "hooks", hook_name_at);
	gen_name_list(g, "mountOptions", mount_option_name);
	gen_linux(g);
	gen_annotations(g);
	yajl_gen_map_close(g);
	return jsongen_finish(steal_ptr(g), ret_json, NULL, err);
}

static const struct option features_options_table[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_features_verb = {
    .name = "features",
    .run = cmd_features,
    .summary = "Print the OCI features document of this build as JSON.",
    .usage = "features",
    .options = VERB_OPTIONS(features_options_table),
};

int cmd_features(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	_cleanup_free_ char *json = NULL;
	int opt, r;

	(void)g;
	cmd_getopt_reset();
	while ((opt = cmd_getopt("features", argc, argv, "h", features_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage("features");
		return opt;
	}
	r = cmd_expect_args("features", argc, argv, 0, 0, "no arguments", err);
	if (r < 0)
		return r;
	r = features_to_json(&json, err);
	if (r < 0)
		return r;
	printf("%s\n", json);
	return 0;
}
