/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/selinux.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runtime/process/proc_attr.h"
#include "util/cleanup.h"
#include "util/log.h"

#define SELINUXFS "/sys/fs/selinux"

/* Under a kernel that has SELinux but no policy loaded, every task is "kernel". */
static bool has_context(void)
{
	_cleanup_close_ int fd = open("/proc/self/attr/current", O_RDONLY | O_CLOEXEC);
	char buf[16] = "";
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, "kernel") != 0;
}

bool selinux_enabled(void)
{
	static int enabled = -1;
	struct statfs sfs;

	if (enabled < 0)
		enabled = statfs(SELINUXFS, &sfs) == 0 && sfs.f_type == SELINUX_MAGIC &&
			  !(sfs.f_flags & ST_RDONLY) && has_context();
	return enabled;
}

static void drop(char **label, const char *where)
{
	if (!*label)
		return;
	if (**label)
		log_warning("%s \"%s\": SELinux is not enabled on this host: not applied", where,
			    *label);
	free(*label);
	*label = NULL;
}

void selinux_prepare_process(char **label, const char *where)
{
	if (*label && (!**label || !selinux_enabled()))
		drop(label, where);
}

/* runc gives the label to every new file system but proc, sysfs, mqueue and cgroups (their
 * contexts come from policy); a bind mount has no options to take it. */
static bool takes_mount_label(const struct spec_mount *m)
{
	static const char *const exempt[] = {"proc", "sysfs", "mqueue", "cgroup", "cgroup2"};

	if (m->bind || !m->type)
		return false;
	for (size_t i = 0; i < sizeof(exempt) / sizeof(exempt[0]); i++)
		if (!strcmp(m->type, exempt[i]))
			return false;
	return true;
}

static int label_mounts(struct spec *spec, const char *name, struct iso_error *err)
{
	const char *label = spec->linux_.mount_label;

	/* Quoted, so that the commas of an MCS range stay inside the option. */
	if (strchr(label, '"'))
		return iso_error_invalid(
		    err, "%s: linux.mountLabel \"%s\": a context holds no '\"'", name, label);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct spec_mount *m = &spec->mounts[i];
		char *data;
		int n;

		if (!takes_mount_label(m))
			continue;
		if (m->data && *m->data)
			n = asprintf(&data, "%s,context=\"%s\"", m->data, label);
		else
			n = asprintf(&data, "context=\"%s\"", label);
		if (n < 0)
			return iso_error_set(err, ENOMEM, "%s: linux.mountLabel", name);
		free(m->data);
		m->data = data;
	}
	return 0;
}

int selinux_prepare(struct spec *spec, const char *name, struct iso_error *err)
{
	char where[256];

	if (!selinux_enabled()) {
		snprintf(where, sizeof(where), "%s: process.selinuxLabel", name);
		drop(&spec->process.selinux_label, where);
		snprintf(where, sizeof(where), "%s: linux.mountLabel", name);
		drop(&spec->linux_.mount_label, where);
		return 0;
	}
	if (spec->process.selinux_label && !*spec->process.selinux_label) {
		free(spec->process.selinux_label);
		spec->process.selinux_label = NULL;
	}
	if (!spec->linux_.mount_label || !*spec->linux_.mount_label)
		return 0;
	return label_mounts(spec, name, err);
}

int selinux_exec_label(const char *label, struct iso_error *err)
{
	_cleanup_close_ int fd = -1;
	int r;

	if (!label)
		return 0;
	fd = r = proc_attr_open("exec", err);
	if (r >= 0)
		r = proc_attr_write(fd, "exec", label, err);
	return r < 0 ? iso_error_wrap(err, "process.selinuxLabel \"%s\"", label) : 0;
}
