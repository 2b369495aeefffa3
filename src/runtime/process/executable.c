/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/executable.h"

#include "runtime/process/exec_stub.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *env_path(char *const *env)
{
	for (; env && *env; env++)
		if (!strncmp(*env, "PATH=", 5))
			return *env + 5;
	return DEFAULT_PATH;
}

static int exec_error(const char *name, int errnum, struct iso_error *err)
{
	if (errnum == EACCES || errnum == EPERM || errnum == EISDIR) {
		iso_error_set(err, 0, "exec: \"%s\": permission denied", name);
		err->exit_code = 126;
		err->errnum = errnum;
	} else if (errnum == ENOENT || errnum == ENOTDIR) {
		/* A name with a slash is never looked up in $PATH: blaming it would send the
		 * reader to the wrong place. */
		if (strchr(name, '/'))
			iso_error_set(err, 0, "exec: \"%s\": no such file or directory", name);
		else
			iso_error_set(err, 0, "exec: \"%s\": executable file not found in $PATH",
				      name);
		err->exit_code = 127;
		err->errnum = errnum;
	} else {
		iso_error_set(err, errnum, "exec: \"%s\"", name);
		err->exit_code = 126;
	}
	return iso_error_code(err);
}

/* 0 if path is an executable regular file, else the errno that execve would give. */
static int check_candidate(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return EACCES;
	return 0;
}

int executable_find(const struct spec_process *p, struct executable *ret, struct iso_error *err)
{
	const char *name = p->args[0];
	const char *dirs = env_path(p->env);
	int first_error = ENOENT;

	if (strchr(name, '/')) {
		int e = check_candidate(name);

		if (e)
			return exec_error(name, e, err);
		snprintf(ret->path, sizeof(ret->path), "%s", name);
		return 0;
	}
	while (*dirs) {
		size_t len = strcspn(dirs, ":");
		int e;

		snprintf(ret->path, sizeof(ret->path), "%.*s/%s", (int)len, len ? dirs : ".", name);
		e = check_candidate(ret->path);
		if (e == 0)
			return 0;
		if (e != ENOENT && e != ENOTDIR && first_error == ENOENT)
			first_error = e;
		dirs += len;
		if (*dirs == ':')
			dirs++;
	}
	return exec_error(name, first_error, err);
}

int executable_exec(const struct executable *exe, const struct spec_process *p, int stub_fd,
		    int barrier_fd, struct iso_error *err)
{
	static char *const empty_env[] = {NULL};
	char *const *env = p->env ? p->env : empty_env;
	int r;

	if (stub_fd >= 0) {
		r = exec_stub_exec(stub_fd, barrier_fd, exe->path, p->args, env);
		return r == -ENOMEM ? iso_error_set(err, ENOMEM, "exec")
				    : iso_error_set(err, -r, "exec: the exec stub");
	}
	execve(exe->path, p->args, env);
	return exec_error(p->args[0], errno, err);
}
