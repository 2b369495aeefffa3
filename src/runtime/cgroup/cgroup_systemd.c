/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/cgroup/cgroup_systemd.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runtime/fault_inject.h"
#include "runtime/rootless.h"
#include "runtime/cgroup/cgroup_apply.h"
#include "runtime/cgroup/systemd_helper.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/timefmt.h"

#define WHERE_CONFIG	   "config.json: linux.resources"
#define SYSTEMD_USER_SLICE "user.slice"
#define CGROUP_V2_ROOT	   "/sys/fs/cgroup"
/* The v1 hierarchy of systemd's own, as struct state_cgroup names it (cgroup_layout.c). */
#define SYSTEMD_V1_HIERARCHY "name=systemd"

static int annotation_props(const struct spec *spec, struct systemd_props *ps,
			    struct iso_error *err)
{
	for (size_t i = 0; i < spec->n_annotations; i++) {
		const struct spec_annotation *a = &spec->annotations[i];
		int r;

		if (strncmp(a->key, SYSTEMD_ANNOTATION, strlen(SYSTEMD_ANNOTATION)))
			continue;
		if ((r = systemd_prop_from_annotation(a->key, a->value, ps, err)) < 0)
			return r;
	}
	return 0;
}

/* On v1 systemd owns the unit's devices list, and writes its own whenever it applies the unit
 * again (daemon-reload): the unit carries isorun's rules, so that what it writes is theirs.  On
 * pure cgroup v2, isorun's device program stays attached beside whatever systemd attaches; and
 * rootless, there are no device rules (cgroup_apply_config()). */
static int device_props(const struct spec *spec, struct systemd_props *ps, struct iso_error *err)
{
	_cleanup_free_ struct cgroup_device_rule *rules = NULL;
	size_t n = 0;
	int r;

	if (cgroup_device_rules(spec, &spec->linux_.resources, &rules, &n) < 0 ||
	    (r = systemd_props_from_devices(rules, n, ps)) < 0)
		return iso_error_set(err, ENOMEM, "systemd unit");
	if (r > 0)
		log_warning(WHERE_CONFIG
			    ".devices: systemd's DeviceAllow= cannot say every rule (a "
			    "deny list, a \"*:MINOR\" rule, a number beyond systemd's "
			    "limits); once systemd applies the unit again, the container "
			    "has fewer devices than the rules allow");
	return 0;
}

/* The unit's own properties, then the resources', then the annotations' (which systemd applies
 * last, so that they may refine a limit). */
static int unit_props(const struct spec *spec, const char *id, const struct systemd_unit *u,
		      bool v2, struct systemd_props *ps, struct iso_error *err)
{
	char desc[300];
	int r;

	snprintf(desc, sizeof(desc), "isorun container %s", id);
	r = systemd_props_add(ps, "Description", "s", desc);
	if (r == 0)
		r = systemd_props_add(ps, "DefaultDependencies", "b", "0");
	/* A scope holds processes: PIDs=[0] is the caller, the helper, which stays until the
	 * init is in (systemd_helper.h).  A slice takes the init through cgroup.procs. */
	if (r == 0 && !u->is_slice) {
		r = systemd_props_add(ps, "Slice", "s", u->slice);
		if (r == 0)
			r = systemd_props_add(ps, "Delegate", "b", "1");
		if (r == 0)
			r = systemd_props_add(ps, "PIDs", "au", "0");
	}
	if (r < 0)
		return iso_error_set(err, ENOMEM, "systemd unit");
	r = systemd_props_from_resources(&spec->linux_.resources, v2, ps, WHERE_CONFIG, err);
	if (r == 0 && !v2 && !rootless_caller())
		r = device_props(spec, ps, err);
	return r < 0 ? r : annotation_props(spec, ps, err);
}

/* ---- a rootless caller: the user manager's delegated subtree ---- */

/* runc's default parent slice when rootless is the user manager's user.slice, for an empty
 * slice field as for no linux.cgroupsPath at all. */
static int user_cgroups_path(const char *path, const char *id, char **ret, struct iso_error *err)
{
	int n;

	if (!path || !*path)
		n = asprintf(ret, "%s:%s:%s", SYSTEMD_USER_SLICE, SYSTEMD_DEFAULT_PREFIX, id);
	else if (path[0] == ':')
		n = asprintf(ret, "%s%s", SYSTEMD_USER_SLICE, path);
	else
		n = (*ret = strdup(path)) ? 0 : -1;
	return n < 0 ? iso_error_set(err, ENOMEM, "linux.cgroupsPath") : 0;
}

/* Only what the user manager was delegated (user@.service's Delegate=, on Debian 12 cpu memory
 * pids) can be limited in its subtree: any other limit is refused by name, as the write of its
 * file fails under runc. */
static int check_delegated(const struct spec *spec, const char *manager_dir, struct iso_error *err)
{
	_cleanup_close_ int fd = open(manager_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *avail = NULL;
	const struct cgroup_resources *res = &spec->linux_.resources;
	unsigned missing = 0;
	int r;

	if (fd < 0)
		return iso_error_set(err, errno, "the systemd user manager's cgroup %s",
				     manager_dir);
	if ((r = cgroup_read(fd, "cgroup.controllers", &avail, err)) < 0)
		return r;
	missing = cgroup_resources_needs(res) & ~cgroup_controllers_parse(avail, ' ');
	for (unsigned bit = 1; missing && bit; bit <<= 1) {
		if (!(missing & bit))
			continue;
		avail[strcspn(avail, "\n")] = '\0';
		return iso_error_invalid(
		    err,
		    WHERE_CONFIG ".%s: the %s controller is not delegated to your "
				 "systemd user manager (it has: %s)",
		    cgroup_resources_field_for(res, bit), cgroup_controller_v2_name(bit), avail);
	}
	return 0;
}

/* The unit's cgroup is below the user manager's own; pure cgroup v2 only, as with runc (the
 * v1 hierarchies are root's). */
static int user_subtree(const struct spec *spec, struct systemd_unit *u, struct iso_error *err)
{
	_cleanup_free_ char *manager = NULL, *dir = NULL, *path = NULL;
	struct statfs fs;
	int r;

	if (statfs(CGROUP_V2_ROOT, &fs) < 0 || fs.f_type != CGROUP2_SUPER_MAGIC)
		return iso_error_invalid(err,
					 "the systemd cgroup manager when not root needs a pure "
					 "cgroup v2 host (" CGROUP_V2_ROOT " is not cgroup2)");
	if ((r = systemd_helper_manager_cgroup(&manager, err)) < 0)
		return r;
	if (asprintf(&dir, CGROUP_V2_ROOT "%s", manager) < 0 ||
	    asprintf(&path, "%s%s", manager, u->cgroup_path) < 0)
		return iso_error_set(err, ENOMEM, "linux.cgroupsPath");
	if ((r = check_delegated(spec, dir, err)) < 0)
		return r;
	free(u->cgroup_path);
	u->cgroup_path = steal_ptr(path);
	return 0;
}

int cgroup_systemd_check(const struct spec *spec, const char *id, struct systemd_unit *ret,
			 struct iso_error *err)
{
	_cleanup_free_ char *user_path = NULL;
	const char *path = spec->linux_.cgroups_path;
	struct systemd_props ps = {0};
	bool user = rootless_caller();
	int r;

	if (user && (r = user_cgroups_path(path, id, &user_path, err)) < 0)
		return r;
	if ((r = systemd_unit_parse(user ? user_path : path, id, ret, err)) < 0)
		return r;
	r = unit_props(spec, id, ret, true, &ps, err);
	systemd_props_clear(&ps);
	if (r == 0 && user)
		r = user_subtree(spec, ret, err);
	if (r < 0)
		systemd_unit_clear(ret);
	return r;
}

/* systemd names its properties after cgroup v2, and takes the v1 ones on a v1 or hybrid host. */
static bool pure_v2(const struct state_cgroup *cg, size_t n)
{
	return n == 1 && !cg[0].controllers[0];
}

static int start_unit(const struct spec *spec, const char *id, const struct systemd_unit *u,
		      bool v2, struct systemd_hold *hold, struct iso_error *err)
{
	struct systemd_props ps = {0};
	long long t0 = timefmt_monotonic_us();
	int r = unit_props(spec, id, u, v2, &ps, err);

	if (r == 0)
		r = systemd_helper_start(u->name, &ps, hold, err);
	systemd_props_clear(&ps);
	if (r == 0)
		log_debug("cgroup: systemd unit %s started in %.3f ms", u->name,
			  (double)(timefmt_monotonic_us() - t0) / 1000);
	return r;
}

/* A rootless caller outside its user manager's subtree (a login session's scope) may not move
 * the init across to it: the manager moves it then. */
static int enter(const char *unit, const struct state_cgroup *cg, size_t n, pid_t pid,
		 const struct systemd_hold *hold, struct iso_error *err)
{
	struct iso_error own;
	int r = cgroup_enter(cg, n, pid, &own);

	if (r == 0)
		return 0;
	if (!rootless_caller() || (own.errnum != EACCES && own.errnum != EPERM)) {
		*err = own;
		return r;
	}
	log_debug("cgroup: %s; asking the user manager to move it", own.msg);
	return systemd_helper_attach(unit, pid, hold, err);
}

/* cgroup_create_v1() counts a directory that exists as another's; but on a v1 or hybrid host
 * systemd has just made the unit's in the hierarchies it manages (name=systemd, memory, pids,
 * cpu,cpuacct, devices, blkio), and those are the container's as the plan counted them: delete
 * removes them, and name=systemd's tells a unit isorun started from another's of the same name
 * where there is no cgroup2 hierarchy (cgroup_systemd_destroy()). */
static int create_v1_keeping_claim(const struct spec *spec, struct state_cgroup *cg, size_t n,
				   struct iso_error *err)
{
	_cleanup_free_ uint32_t *planned = calloc(n ? n : 1, sizeof(*planned));
	int r;

	if (!planned)
		return iso_error_set(err, ENOMEM, "cgroup");
	for (size_t i = 0; i < n; i++)
		planned[i] = cg[i].created;
	r = cgroup_create_v1(spec, cg, n, err);
	for (size_t i = 0; i < n; i++)
		if (cg[i].created < planned[i])
			cg[i].created = planned[i];
	return r;
}

int cgroup_systemd_join(const struct spec *spec, const char *id, const struct systemd_unit *u,
			struct state_cgroup *cg, size_t n, pid_t pid,
			const struct cgroup_create_hook *recorded, struct iso_error *err)
{
	struct systemd_hold hold = SYSTEMD_HOLD_INIT;
	int r;

	fault_inject_point(FAULT_SYSTEMD_UNIT);
	if ((r = start_unit(spec, id, u, pure_v2(cg, n), &hold, err)) < 0)
		return r;
	/* The unit's cgroup exists now (and with it isorun's claim to its leaf); the v1
	 * hierarchies systemd does not manage get theirs as under the cgroupfs driver. */
	if ((r = create_v1_keeping_claim(spec, cg, n, err)) == 0) {
		fault_inject_point(FAULT_CGROUP_V1_MADE);
		r = recorded->planned(recorded->arg, cg, n, err);
	}
	if (r == 0)
		r = enter(u->name, cg, n, pid, &hold, err);
	systemd_helper_release(&hold);
	return r;
}

/* A unit whose cgroup existed before create planned it is another's of the same name (a
 * container of another --root): its start failed, and it is not ours to stop.  Its cgroup is
 * the one in cgroup2, or on a host without cgroup2 (legacy v1), the one in name=systemd, the
 * hierarchies where systemd always makes it. */
static bool unit_cgroup_preexisted(const struct state_cgroup *cg, size_t n)
{
	bool has_v2 = false;

	for (size_t i = 0; i < n; i++)
		has_v2 = has_v2 || !cg[i].controllers[0];
	for (size_t i = 0; i < n; i++) {
		bool owner = has_v2 ? !cg[i].controllers[0]
				    : !strcmp(cg[i].controllers, SYSTEMD_V1_HIERARCHY);

		if (owner && cg[i].created == 0)
			return true;
	}
	return false;
}

int cgroup_systemd_destroy(const char *unit, const struct state_cgroup *cg, size_t n, bool quiet,
			   struct iso_error *err)
{
	struct iso_error stop_err;
	int r;

	/* First by the cgroup, with SIGKILL: StopUnit would send SIGTERM and wait (90 s by
	 * default) for a process that ignores it. */
	if ((r = cgroup_destroy(cg, n, err)) < 0)
		return r;
	if (unit_cgroup_preexisted(cg, n))
		return 0;
	if (systemd_helper_stop(unit, &stop_err) < 0 && !quiet)
		log_warning("%s (its cgroup is removed)", stop_err.msg);
	return 0;
}

int cgroup_systemd_update(const char *unit, const struct state_cgroup *cg, size_t n,
			  const struct cgroup_resources *r, struct iso_error *err)
{
	struct systemd_props ps = {0};
	int ret = systemd_props_from_resources(r, pure_v2(cg, n), &ps, "update", err);

	/* The unit first, as runc does: systemd writes its own values back over the files
	 * whenever it applies the unit's settings again. */
	if (ret == 0 && ps.n)
		ret = systemd_helper_set(unit, &ps, err);
	systemd_props_clear(&ps);
	return ret < 0 ? ret : cgroup_update(cg, n, r, "update", err);
}
