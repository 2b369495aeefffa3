/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/id_maps.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fsutil.h"

extern char **environ;

/* What newuidmap prints when it refuses is kept, to end the one line of the error. */
#define HELPER_MESSAGE_MAX 512

struct id_map_kind {
	const char *field;  /* the config.json name */
	const char *file;   /* under /proc/PID */
	const char *helper; /* the setuid program for anything more than one's own id */
	const char *subids; /* where the helper finds the caller's ranges */
	const struct spec_id_mapping *maps;
	size_t n;
	unsigned int own_id; /* the caller's effective id */
};

static struct id_map_kind uid_kind(const struct spec *spec)
{
	return (struct id_map_kind){"uidMappings",
				    "uid_map",
				    "newuidmap",
				    "/etc/subuid",
				    spec->linux_.uid_mappings,
				    spec->linux_.n_uid_mappings,
				    (unsigned int)geteuid()};
}

static struct id_map_kind gid_kind(const struct spec *spec)
{
	return (struct id_map_kind){"gidMappings",
				    "gid_map",
				    "newgidmap",
				    "/etc/subgid",
				    spec->linux_.gid_mappings,
				    spec->linux_.n_gid_mappings,
				    (unsigned int)getegid()};
}

static bool needs_helper(const struct id_map_kind *k)
{
	if (geteuid() == 0)
		return false;
	return !(k->n == 1 && k->maps[0].size == 1 && k->maps[0].host_id == k->own_id);
}

bool id_maps_deny_setgroups(const struct spec *spec)
{
	struct id_map_kind gid = gid_kind(spec);

	return geteuid() != 0 && !needs_helper(&gid);
}

/* $PATH, or the usual directories where it is unset: the helper runs with the caller's own
 * rights, so the caller's search path is as good as any. */
static int find_helper(const char *name, char **ret)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *full;

		if (asprintf(&full, "%s/%s", dir, name) < 0)
			return -ENOMEM;
		if (access(full, X_OK) == 0) {
			*ret = full;
			return 0;
		}
		free(full);
	}
	return -ENOENT;
}

static int check_one(const struct id_map_kind *k, struct iso_error *err)
{
	_cleanup_free_ char *helper = NULL;

	if (!needs_helper(k))
		return 0;
	if (find_helper(k->helper, &helper) == 0)
		return 0;
	return iso_error_invalid(err,
				 "config.json: linux.%s: mapping more than your own id (%u) needs "
				 "%s, which is not installed (Debian package uidmap), and ranges "
				 "for uid %u in %s; or map only your own id",
				 k->field, k->own_id, k->helper, (unsigned int)geteuid(),
				 k->subids);
}

int id_maps_check(const struct spec *spec, struct iso_error *err)
{
	struct id_map_kind uid = uid_kind(spec), gid = gid_kind(spec);
	int r = check_one(&uid, err);

	return r < 0 ? r : check_one(&gid, err);
}

static int write_direct(pid_t pid, const struct id_map_kind *k, struct iso_error *err)
{
	char path[64], buf[4096];
	size_t used = 0;

	for (size_t i = 0; i < k->n; i++) {
		int w = snprintf(buf + used, sizeof(buf) - used, "%u %u %u\n",
				 k->maps[i].container_id, k->maps[i].host_id, k->maps[i].size);
		if (w < 0 || (size_t)w >= sizeof(buf) - used)
			return iso_error_invalid(err, "config.json: linux.%s: too many mappings",
						 k->field);
		used += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, k->file);
	return write_file_string(path, buf, err);
}

static char *add_number(char *numbers, size_t cap, size_t *used, unsigned long v)
{
	char *at = numbers + *used;

	*used += (size_t)snprintf(at, cap - *used, "%lu", v) + 1;
	return at;
}

/* argv: helper PID (container host size)...; the numbers live in *ret_numbers. */
static char **helper_argv(const char *helper, pid_t pid, const struct id_map_kind *k,
			  char **ret_numbers)
{
	size_t n_args = 2 + 3 * k->n, used = 0, cap = 12 * n_args, arg = 0;
	_cleanup_free_ char **argv = calloc(n_args + 1, sizeof(char *));
	_cleanup_free_ char *numbers = malloc(cap);

	if (!argv || !numbers)
		return NULL;
	argv[arg++] = (char *)helper;
	argv[arg++] = add_number(numbers, cap, &used, (unsigned long)pid);
	for (size_t i = 0; i < k->n; i++) {
		argv[arg++] = add_number(numbers, cap, &used, k->maps[i].container_id);
		argv[arg++] = add_number(numbers, cap, &used, k->maps[i].host_id);
		argv[arg++] = add_number(numbers, cap, &used, k->maps[i].size);
	}
	*ret_numbers = steal_ptr(numbers);
	return steal_ptr(argv);
}

/* The helper's complaint, on one line. */
static void read_message(int fd, char *buf, size_t size)
{
	ssize_t n = read_all(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = *(p + 1) ? ' ' : '\0';
}

static int spawn_helper(const char *helper, char **argv, int out, pid_t *ret)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int r;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out, STDERR_FILENO);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	r = posix_spawn(ret, helper, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return -r;
}

/* A helper under way: its pid and the read end of its stdout and stderr. */
struct helper_run {
	const struct id_map_kind *kind;
	pid_t child;
	int out;
};

#define HELPER_RUN_NONE ((struct helper_run){NULL, -1, -1})

/* Reaps a helper an error path left running (it ends on its own: nothing is killed). */
static void helper_run_reap(struct helper_run *run)
{
	if (run->out >= 0)
		close(run->out);
	while (run->child > 0 && waitpid(run->child, NULL, 0) < 0 && errno == EINTR)
		;
	*run = HELPER_RUN_NONE;
}

#define _cleanup_helper_run_ __attribute__((cleanup(helper_run_reap)))

static int helper_start(pid_t pid, const struct id_map_kind *k, struct helper_run *run,
			struct iso_error *err)
{
	_cleanup_free_ char *helper = NULL, *numbers = NULL;
	_cleanup_free_ char **argv = NULL;
	int fds[2], r;

	if (find_helper(k->helper, &helper) < 0)
		return check_one(k, err);
	argv = helper_argv(helper, pid, k, &numbers);
	if (!argv || pipe2(fds, O_CLOEXEC) < 0)
		return iso_error_set(err, argv ? errno : ENOMEM, "config.json: linux.%s: %s",
				     k->field, k->helper);
	r = spawn_helper(helper, argv, fds[1], &run->child);
	close(fds[1]);
	if (r < 0) {
		close(fds[0]);
		run->child = -1;
		return iso_error_set(err, -r, "config.json: linux.%s: running %s", k->field,
				     helper);
	}
	run->kind = k;
	run->out = fds[0];
	return 0;
}

/* Waits for a started helper (none: nothing to do); its refusal is the error. */
static int helper_finish(struct helper_run *run, struct iso_error *err)
{
	const struct id_map_kind *k = run->kind;
	char message[HELPER_MESSAGE_MAX];
	int status;

	if (run->child <= 0)
		return 0;
	read_message(run->out, message, sizeof(message));
	close(run->out);
	run->out = -1;
	while (waitpid(run->child, &status, 0) < 0)
		if (errno != EINTR) {
			run->child = -1;
			return iso_error_set(err, errno, "config.json: linux.%s: %s", k->field,
					     k->helper);
		}
	run->child = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return iso_error_invalid(err,
				 "config.json: linux.%s: %s refused the mapping (%s): the host "
				 "ids must be your own (%u) or in %s's ranges for uid %u",
				 k->field, k->helper, *message ? message : "no reason given",
				 k->own_id, k->subids, (unsigned int)geteuid());
}

/* Writes one map itself, or starts its helper in *run. */
static int write_or_start(pid_t pid, const struct id_map_kind *k, struct helper_run *run,
			  struct iso_error *err)
{
	int r;

	if (needs_helper(k))
		return helper_start(pid, k, run, err);
	r = write_direct(pid, k, err);
	return r < 0 ? iso_error_wrap(err, "linux.%s", k->field) : 0;
}

/* newuidmap and newgidmap run at once: each is a setuid program's exec and dynamic link, and
 * rootless start-up waited for the two in turn. */
int id_maps_write(pid_t pid, const struct spec *spec, struct iso_error *err)
{
	struct id_map_kind uid = uid_kind(spec), gid = gid_kind(spec);
	_cleanup_helper_run_ struct helper_run uid_run = HELPER_RUN_NONE;
	_cleanup_helper_run_ struct helper_run gid_run = HELPER_RUN_NONE;
	char path[64];
	int r;

	if ((r = write_or_start(pid, &uid, &uid_run, err)) < 0)
		return r;
	if (id_maps_deny_setgroups(spec)) {
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		if ((r = write_file_string(path, "deny", err)) < 0)
			return iso_error_wrap(err, "linux.gidMappings");
	}
	if ((r = write_or_start(pid, &gid, &gid_run, err)) < 0)
		return r;
	if ((r = helper_finish(&uid_run, err)) < 0)
		return r;
	return helper_finish(&gid_run, err);
}
