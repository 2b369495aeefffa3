/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/apparmor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/process/proc_attr.h"
#include "util/cleanup.h"

#define APPARMOR_SECURITYFS "/sys/kernel/security/apparmor"
#define APPARMOR_PARAMETER  "/sys/module/apparmor/parameters/enabled"

bool apparmor_enabled(void)
{
	static int enabled = -1;
	_cleanup_close_ int fd = -1;
	struct stat st;
	char c = 0;

	if (enabled >= 0)
		return enabled;
	enabled = 0;
	if (stat(APPARMOR_SECURITYFS, &st) < 0)
		return false;
	fd = open(APPARMOR_PARAMETER, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y')
		enabled = 1;
	return enabled;
}

int apparmor_prepare(char **profile, const char *where, struct iso_error *err)
{
	if (!*profile)
		return 0;
	/* runc's convention: an empty profile is no profile. */
	if (!**profile || (!strcmp(*profile, "unconfined") && !apparmor_enabled())) {
		free(*profile);
		*profile = NULL;
		return 0;
	}
	if (!apparmor_enabled())
		return iso_error_invalid(err,
					 "%s \"%s\": AppArmor is not enabled on this host (%s is "
					 "not Y, or securityfs has no apparmor)",
					 where, *profile, APPARMOR_PARAMETER);
	return 0;
}

/* Kernels before 5.1 have no per-LSM directory: the shared attr file is AppArmor's there. */
static int open_exec_attr(const char **ret_name, struct iso_error *err)
{
	int fd;

	*ret_name = "apparmor/exec";
	fd = proc_attr_open(*ret_name, err);
	if (fd != -ENOENT)
		return fd;
	iso_error_clear(err);
	*ret_name = "exec";
	return proc_attr_open(*ret_name, err);
}

int apparmor_exec_profile(const char *profile, struct iso_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *command = NULL;
	const char *name;
	int r;

	if (!profile)
		return 0;
	if (asprintf(&command, "exec %s", profile) < 0)
		return iso_error_set(err, ENOMEM, "process.apparmorProfile");
	fd = r = open_exec_attr(&name, err);
	if (r >= 0)
		r = proc_attr_write(fd, name, command, err);
	if (r == -ENOENT && fd >= 0)
		return iso_error_wrap(err, "process.apparmorProfile \"%s\" (is it loaded?)",
				      profile);
	return r < 0 ? iso_error_wrap(err, "process.apparmorProfile \"%s\"", profile) : 0;
}
