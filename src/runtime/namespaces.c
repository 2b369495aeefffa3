/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "util/cleanup.h"
#include "util/fsutil.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	int type;
	const char *name;
} ns_names[] = {
    {CLONE_NEWPID, "pid"},	 {CLONE_NEWNET, "network"}, {CLONE_NEWNS, "mount"},
    {CLONE_NEWIPC, "ipc"},	 {CLONE_NEWUTS, "uts"},	    {CLONE_NEWUSER, "user"},
    {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWTIME, "time"},
};

const char *namespace_type_name(int type)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++)
		if (ns_names[i].type == type)
			return ns_names[i].name;
	return "unknown";
}

const char *namespace_name_at(size_t index)
{
	return index < ARRAY_SIZE(ns_names) ? ns_names[index].name : NULL;
}

unsigned long namespaces_clone_flags(const struct spec *spec)
{
	unsigned long flags = 0;

	for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
		const struct spec_namespace *ns = &spec->linux_.namespaces[i];

		/* time: unshared later; cgroup: by the init once it is in its cgroup. */
		if (!ns->path && ns->type != CLONE_NEWTIME && ns->type != CLONE_NEWCGROUP)
			flags |= (unsigned long)ns->type;
	}
	return flags;
}

int namespaces_validate(const struct spec *spec, struct iso_error *err)
{
	/* User-namespace mappings are checked by spec_validate_for_start(). */
	if (!spec_find_namespace(spec, CLONE_NEWNS))
		return iso_error_invalid(err, "config.json: linux.namespaces: a mount namespace is "
					      "required (isorun never mounts on the host)");
	return 0;
}

static int join_one(const struct spec_namespace *ns, struct iso_error *err)
{
	_cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return iso_error_set(err, errno, "linux.namespaces: %s namespace %s",
				     namespace_type_name(ns->type), ns->path);
	if (setns(fd, ns->type) < 0)
		return iso_error_set(err, errno, "linux.namespaces: joining %s namespace %s",
				     namespace_type_name(ns->type), ns->path);
	return 0;
}

int namespaces_open_pid_path(const struct spec *spec, int *ret_fd, struct iso_error *err)
{
	const struct spec_namespace *ns = spec_find_namespace(spec, CLONE_NEWPID);

	*ret_fd = -1;
	if (!ns || !ns->path)
		return 0;
	*ret_fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (*ret_fd < 0)
		return iso_error_set(err, errno, "linux.namespaces: pid namespace %s", ns->path);
	return 0;
}

int namespaces_join_paths(const struct spec *spec, struct iso_error *err)
{
	/* The user namespace first (it grants the rights to join the others), mount last (it
	 * changes how the other paths would resolve). */
	static const int order[] = {CLONE_NEWUSER,   CLONE_NEWIPC,  CLONE_NEWUTS, CLONE_NEWNET,
				    CLONE_NEWCGROUP, CLONE_NEWTIME, CLONE_NEWNS};

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const struct spec_namespace *ns = spec_find_namespace(spec, order[i]);
		int r;

		if (!ns || !ns->path)
			continue;
		r = join_one(ns, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Written before any process enters the namespace: the kernel refuses offsets after that. */
static int write_time_offset(const char *clock, const struct spec_time_offset *o,
			     struct iso_error *err)
{
	char line[96];
	int r;

	if (!o->has)
		return 0;
	snprintf(line, sizeof(line), "%s %lld %u\n", clock, (long long)o->secs, o->nanosecs);
	r = write_file_string("/proc/self/timens_offsets", line, err);
	return r < 0 ? iso_error_wrap(err, "linux.timeOffsets.%s", clock) : 0;
}

int namespaces_unshare_time(const struct spec *spec, struct iso_error *err)
{
	const struct spec_namespace *ns = spec_find_namespace(spec, CLONE_NEWTIME);
	int r;

	if (!ns || ns->path)
		return 0;
	if (unshare(CLONE_NEWTIME) < 0)
		return iso_error_set(err, errno, "linux.namespaces: creating a time namespace");
	r = write_time_offset("monotonic", &spec->linux_.time_monotonic, err);
	return r < 0 ? r : write_time_offset("boottime", &spec->linux_.time_boottime, err);
}
