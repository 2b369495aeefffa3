/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/bundle.h"
#include "tenant/tenant_ids.h"
#include "tenant/tenant_owner.h"
#include "util/json_walk.h"
#include "runtime/spec/annotation_keys.h"
#include "runtime/spec/spec.h"
#include "runtime/spec/spec_gen.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/jsongen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CPU_PERIOD_US 100000

/* What a tenant keeps of root's powers: enough to manage its own files and processes, nothing
 * that reaches the kernel or the host (no SYS_ADMIN, SYS_BOOT, NET_ADMIN, SYS_PTRACE, MKNOD). */
static const char *const tenant_caps[] = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER",	      "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID",	      "CAP_NET_BIND_SERVICE", NULL};

/* Configure mode runs a script the package wrote, so it gets no more of the host than a tenant:
 * only what package managers use on top (file capabilities from setcap in maintainer scripts,
 * chroot, which stops at the pivoted root). */
static const char *const configure_caps[] = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE",	  "CAP_FOWNER",	 "CAP_FSETID",	   "CAP_KILL", "CAP_SETGID",
    "CAP_SETUID", "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SYS_CHROOT", NULL};

static const struct spec_gen_mount tenant_proc_mount = {
    "/proc", "proc", "proc", (const char *const[]){"nosuid", "noexec", "nodev", NULL}};

/* The kernel file systems of `isorun spec`, with a /proc that holds no device node or
 * executable, and no /sys/fs/cgroup. */
static const struct spec_gen_mount *const tenant_mounts[] = {
    &tenant_proc_mount,	    &spec_gen_mount_dev,   &spec_gen_mount_devpts, &spec_gen_mount_shm,
    &spec_gen_mount_mqueue, &spec_gen_mount_sysfs, &spec_gen_mount_tmp,	   NULL,
};

uint64_t bundle_tenant_bounding(void)
{
	return spec_gen_caps_mask(tenant_caps);
}

uint64_t bundle_configure_bounding(void)
{
	return spec_gen_caps_mask(configure_caps);
}

struct tenant_paths {
	char *dir, *home, *upper, *work, *rootfs;
};

static void paths_free(struct tenant_paths *t)
{
	free(t->dir);
	free(t->home);
	free(t->upper);
	free(t->work);
	free(t->rootfs);
}

static int paths_of(const struct bundle_params *p, struct tenant_paths *t, struct iso_error *err)
{
	t->dir = store_tenant_path(p->store, p->tid, NULL);
	t->home = store_tenant_path(p->store, p->tid, "home");
	t->upper = store_tenant_path(p->store, p->tid, "upper");
	t->work = store_tenant_path(p->store, p->tid, "work");
	t->rootfs = store_tenant_path(p->store, p->tid, "rootfs");
	if (!t->dir || !t->home || !t->upper || !t->work || !t->rootfs)
		return iso_error_set(err, ENOMEM, "tenant %s", p->tid);
	return 0;
}

/* ---- the sections of config.json -------------------------------------------------------- */

static void gen_tenant_args(yajl_gen g, const struct bundle_params *p)
{
	const struct tenant_package *pkg = p->pkg;
	_cleanup_free_ char *init = NULL;

	jsongen_key(g, "args");
	yajl_gen_array_open(g);
	if (p->args) {
		for (size_t i = 0; p->args[i]; i++)
			jsongen_str(g, p->args[i]);
	} else {
		if (asprintf(&init, "/home/%s", pkg->init) > 0)
			jsongen_str(g, init);
		for (size_t i = 0; pkg->args && pkg->args[i]; i++)
			jsongen_str(g, pkg->args[i]);
	}
	yajl_gen_array_close(g);
}

static void gen_tenant_env(yajl_gen g, const struct bundle_params *p)
{
	const struct tenant_package *pkg = p->pkg;
	_cleanup_free_ char *tid_env = NULL;

	jsongen_key(g, "env");
	yajl_gen_array_open(g);
	jsongen_str(g, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	jsongen_str(g, "HOME=/home");
	if (asprintf(&tid_env, "TENANT_ID=%s", p->tid) > 0)
		jsongen_str(g, tid_env);
	if (p->configure)
		jsongen_str(g, "TERM=xterm");
	for (size_t i = 0; pkg->env && pkg->env[i]; i++)
		jsongen_str(g, pkg->env[i]);
	yajl_gen_array_close(g);
}

static void gen_tenant_process(yajl_gen g, const struct bundle_params *p)
{
	spec_gen_process_open(g, false);
	gen_tenant_args(g, p);
	gen_tenant_env(g, p);
	jsongen_kv_str(g, "cwd", "/home");
	spec_gen_capabilities(g, p->configure ? configure_caps : tenant_caps);
	spec_gen_process_close(g);
}

static void gen_bind_mount(yajl_gen g, const char *dest, const char *source,
			   const char *const *options)
{
	spec_gen_mount(g, &(struct spec_gen_mount){dest, "bind", source, options}, false);
}

static void gen_tenant_mounts(yajl_gen g, const struct bundle_params *p,
			      const struct tenant_paths *t)
{
	static const char *const home_opts[] = {"rbind", "rw", "nosuid", "nodev", NULL};
	static const char *const ipc_opts[] = {"rbind", "ro", "nosuid", "nodev", "noexec", NULL};
	static const char *const resolv_opts[] = {"bind", "ro", "nosuid", "nodev", "noexec", NULL};

	jsongen_key(g, "mounts");
	yajl_gen_array_open(g);
	spec_gen_mounts(g, tenant_mounts, false);
	gen_bind_mount(g, "/home", t->home, home_opts);
	if (package_ipc_enabled(p->pkg))
		gen_bind_mount(g, TENANT_IPC_DEST, p->store->ipc, ipc_opts);
	/* Configure mode uses the host's network: give it the host's resolver too. */
	if (p->configure && access("/etc/resolv.conf", R_OK) == 0)
		gen_bind_mount(g, "/etc/resolv.conf", "/etc/resolv.conf", resolv_opts);
	yajl_gen_array_close(g);
}

/* A package that says nothing about pids or memory still gets the limits of `isorun spec`:
 * without them one tenant's fork bomb or balloon takes the whole host down. */
static void gen_tenant_resources(yajl_gen g, const struct package_resources *r)
{
	jsongen_key(g, "resources");
	yajl_gen_map_open(g);
	spec_gen_task_limits(g, r->has_memory ? r->memory : SPEC_DEFAULT_MEMORY_LIMIT,
			     r->has_pids ? r->pids : SPEC_DEFAULT_PIDS_LIMIT);
	if (r->has_cpus) {
		jsongen_key(g, "cpu");
		yajl_gen_map_open(g);
		jsongen_kv_int(g, "quota", (long long)(r->cpus * CPU_PERIOD_US + 0.5));
		jsongen_kv_int(g, "period", CPU_PERIOD_US);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_tenant_linux(yajl_gen g, const struct bundle_params *p, struct id_range ids,
			     yajl_val seccomp)
{
	/* Configure mode stays in the host's network namespace (to download packages), but in a
	 * cgroup namespace of its own: the host's cgroup tree is none of its business. */
	static const char *const run_ns[] = {"pid", "mount", "uts", "ipc", "network", NULL};
	static const char *const configure_ns[] = {"pid", "mount", "uts", "ipc", "cgroup", NULL};
	_cleanup_free_ char *cgroup = NULL;

	jsongen_key(g, "linux");
	yajl_gen_map_open(g);
	spec_gen_namespaces(g, p->configure ? configure_ns : run_ns, ids.size > 0);
	/* The tenant's ids 0..size-1 are its range on the host: its root is nobody the host
	 * knows. */
	if (ids.size)
		spec_gen_id_mappings(g, ids.start, ids.start, ids.size);
	spec_gen_masked_paths(g);
	if (asprintf(&cgroup, "/isorun/tenant-%s", p->tid) > 0)
		jsongen_kv_str(g, "cgroupsPath", cgroup);
	gen_tenant_resources(g, &p->pkg->resources);
	if (seccomp) {
		jsongen_key(g, "seccomp");
		jsongen_value(g, seccomp);
	}
	yajl_gen_map_close(g);
}

static void gen_network_annotations(yajl_gen g, const struct bundle_params *p)
{
	const struct package_network *n = &p->pkg->network;
	char veth[16], mtu[16];

	if (!p->pkg->has_network || n->mode == PACKAGE_NET_NONE || p->configure)
		return;
	/* IFNAMSIZ: "ti" + 13 characters of the tid fits in 15. */
	snprintf(veth, sizeof(veth), "ti%.13s", p->tid);
	jsongen_kv_str(g, ANNOTATION_NET_VETH, veth);
	jsongen_kv_str(g, ANNOTATION_NET_ADDRESS, n->address);
	if (n->host_address)
		jsongen_kv_str(g, ANNOTATION_NET_HOST_ADDRESS, n->host_address);
	if (n->bridge)
		jsongen_kv_str(g, ANNOTATION_NET_BRIDGE, n->bridge);
	if (n->gateway)
		jsongen_kv_str(g, ANNOTATION_NET_GATEWAY, n->gateway);
	if (n->has_mtu) {
		snprintf(mtu, sizeof(mtu), "%" PRIu32, n->mtu);
		jsongen_kv_str(g, ANNOTATION_NET_MTU, mtu);
	}
}

static void gen_annotations(yajl_gen g, const struct bundle_params *p, const struct tenant_paths *t)
{
	jsongen_key(g, "annotations");
	yajl_gen_map_open(g);
	jsongen_kv_str(g, ANNOTATION_ROOTFS_LOWER, p->store->base);
	jsongen_kv_str(g, ANNOTATION_ROOTFS_UPPER, t->upper);
	jsongen_kv_str(g, ANNOTATION_ROOTFS_WORK, t->work);
	jsongen_kv_str(g, ANNOTATION_TENANT_ID, p->tid);
	jsongen_kv_str(g, ANNOTATION_TENANT_CNAME, p->pkg->cname);
	jsongen_kv_str(g, ANNOTATION_TENANT_MODE, p->configure ? "configure" : "run");
	gen_network_annotations(g, p);
	yajl_gen_map_close(g);
}

static int gen_config(const struct bundle_params *p, const struct tenant_paths *t,
		      struct id_range ids, yajl_val seccomp, char **ret, size_t *ret_len,
		      struct iso_error *err)
{
	yajl_gen g = jsongen_new(true);

	if (!g)
		return iso_error_set(err, ENOMEM, "config.json");
	yajl_gen_map_open(g);
	spec_gen_oci_version(g);
	gen_tenant_process(g, p);
	spec_gen_root(g, t->rootfs, false);
	jsongen_kv_str(g, "hostname", p->tid);
	gen_tenant_mounts(g, p, t);
	gen_tenant_linux(g, p, ids, seccomp);
	gen_annotations(g, p, t);
	yajl_gen_map_close(g);
	return jsongen_finish(g, ret, ret_len, err);
}

/* The range the user namespace maps, or size 0 for none (the package's "userns": false). */
static int userns_ids(const struct bundle_params *p, struct id_range *ret, struct iso_error *err)
{
	int r;

	*ret = (struct id_range){0};
	if (!package_userns_enabled(p->pkg))
		return 0;
	if ((r = tenant_ids_read(p->store, p->tid, ret, err)) < 0)
		return r;
	if (!ret->size)
		return iso_error_invalid(err,
					 "tenant %s: no id range for its user namespace (made "
					 "before ranges existed): delete it and add it again",
					 p->tid);
	return tenant_owner_check(p->store, p->tid, err);
}

int bundle_write(const struct bundle_params *p, const char *bundle_dir, struct iso_error *err)
{
	struct tenant_paths t = {0};
	struct id_range ids;
	_cleanup_free_ char *text = NULL, *path = NULL;
	yajl_val seccomp = NULL;
	size_t len;
	int r;

	/* Never a configure-mode bundle without a filter: that was root on the host. */
	if (p->configure && !p->seccomp_json)
		return iso_error_invalid(err, "tenant %s: configure mode needs a seccomp profile",
					 p->tid);
	if ((r = paths_of(p, &t, err)) < 0 || (r = userns_ids(p, &ids, err)) < 0)
		goto out;
	if (p->seccomp_json && (r = json_parse_tree(p->seccomp_json, strlen(p->seccomp_json),
						    "seccomp.json", &seccomp, err)) < 0)
		goto out;
	if ((r = gen_config(p, &t, ids, seccomp, &text, &len, err)) < 0 ||
	    (r = mkdir_p(bundle_dir, 0711, err)) < 0)
		goto out;
	/* The init works from the bundle directory, already in its user namespace: it must be
	 * able to enter it (tenants/TID keeps other host users out; config.json stays 0600). */
	if (chmod(bundle_dir, 0711) < 0) {
		r = iso_error_set(err, errno, "%s", bundle_dir);
		goto out;
	}
	if (asprintf(&path, "%s/config.json", bundle_dir) < 0) {
		r = iso_error_set(err, ENOMEM, "%s", bundle_dir);
		goto out;
	}
	r = write_file_atomic(path, text, len, 0600, err);
out:
	if (seccomp)
		yajl_tree_free(seccomp);
	paths_free(&t);
	return r;
}
