/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the verbs do to a live cgroup: freeze and thaw, list and signal its processes, remove it. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_apply.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/timefmt.h"

#define FREEZE_TIMEOUT_MS 10000

static int open_entry(const struct state_cgroup *c, char **ret_dir, struct iso_error *err)
{
	_cleanup_free_ char *dir = cgroup_dir_path(c);
	int fd;

	if (!dir)
		return iso_error_set(err, ENOMEM, "cgroup");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return iso_error_set(err, errno, "cgroup %s", dir);
	*ret_dir = steal_ptr(dir);
	return fd;
}

static const struct state_cgroup *find_v1(const struct state_cgroup *cg, size_t n, unsigned bit)
{
	for (size_t i = 0; i < n; i++)
		if (cg[i].controllers[0] &&
		    (cgroup_controllers_parse(cg[i].controllers, ',') & bit))
			return &cg[i];
	return NULL;
}

static const struct state_cgroup *find_v2(const struct state_cgroup *cg, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!cg[i].controllers[0])
			return &cg[i];
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* ---- freezing ---- */

/* Writes the request, then waits for the state: a v1 freezer can stay FREEZING while a task
 * is in an uninterruptible sleep, so the request is repeated. */
static int freeze_and_wait(const struct state_cgroup *c, const char *file, const char *value,
			   const char *state_file, const char *state, struct iso_error *err)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int fd = open_entry(c, &dir, err);
	struct cgroup_target t = {.dirfd = fd, .dir = dir, .where = "cgroup"};
	int r;

	if (fd < 0)
		return fd;
	for (long waited = 0; waited < FREEZE_TIMEOUT_MS; waited++) {
		if (waited % 100 == 0 && (r = cgroup_write(&t, "freezer", file, value, err)) < 0)
			return r;
		if (cgroup_file_says(fd, state_file, state))
			return 0;
		sleep_ms(1);
	}
	return iso_error_set(err, ETIMEDOUT, "cgroup %s: still not %s", dir, state);
}

int cgroup_freeze(const struct state_cgroup *cg, size_t n, bool frozen, struct iso_error *err)
{
	const struct state_cgroup *v1 = find_v1(cg, n, CG_FREEZER), *v2 = find_v2(cg, n);

	if (v1)
		return freeze_and_wait(v1, "freezer.state", frozen ? "FROZEN" : "THAWED",
				       "freezer.state", frozen ? "FROZEN" : "THAWED", err);
	if (v2)
		return freeze_and_wait(v2, "cgroup.freeze", frozen ? "1" : "0", "cgroup.events",
				       frozen ? "frozen 1" : "frozen 0", err);
	return iso_error_invalid(err, "the container has no freezer cgroup");
}

/* ---- processes ---- */

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* The pids of cgroup.procs.  A task outside the caller's pid namespace reads as 0: it is only
 * counted in *invisible, never listed, since kill(0) would signal the caller's own group. */
static int add_pids(int dirfd, pid_t **pids, size_t *n, size_t *invisible, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	int r = cgroup_read(dirfd, "cgroup.procs", &text, err);

	if (r < 0)
		return r;
	for (char *p = text, *end; *p; p = end) {
		long v = strtol(p, &end, 10);
		pid_t *grown;

		if (end == p)
			break;
		if (v <= 0) {
			(*invisible)++;
			continue;
		}
		grown = realloc(*pids, (*n + 1) * sizeof(**pids));
		if (!grown)
			return iso_error_set(err, ENOMEM, "cgroup.procs");
		*pids = grown;
		(*pids)[(*n)++] = (pid_t)v;
	}
	return 0;
}

/* add_pids() of dirfd and of every cgroup below it: exec --cgroup puts processes in
 * sub-cgroups of the container's, and v1 cgroup.procs lists a directory's own only. */
static int add_pids_tree(int dirfd, pid_t **pids, size_t *n, size_t *invisible,
			 struct iso_error *err)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r = add_pids(dirfd, pids, n, invisible, err), sub;

	if (r < 0 || (sub = dup(dirfd)) < 0)
		return r;
	if (!(d = fdopendir(sub))) {
		close(sub);
		return 0;
	}
	while ((de = readdir(d))) {
		_cleanup_close_ int child = -1;
		struct iso_error ignored;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* A sub-cgroup removed meanwhile holds nothing. */
		child = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child >= 0 && add_pids_tree(child, pids, n, invisible, &ignored) == -ENOMEM)
			return iso_error_set(err, ENOMEM, "cgroup.procs");
	}
	return 0;
}

struct pid_list {
	pid_t *pids;
	size_t n;
	size_t invisible; /* tasks listed as 0: outside the caller's pid namespace */
};

static void pid_list_clear(struct pid_list *l)
{
	free(l->pids);
	*l = (struct pid_list){0};
}

/* The processes of every entry, or with owned_only of the entries whose leaf isorun made.  A
 * cgroup removed meanwhile holds none: systemd removes a scope's cgroups as soon as its last
 * process dies (seen when `kill --all` had already killed the init), and a removed directory's
 * open cgroup.procs then reads ENODEV. */
static int collect_pids(const struct state_cgroup *cg, size_t n, bool owned_only,
			struct pid_list *l, struct iso_error *err)
{
	size_t out = 0;

	*l = (struct pid_list){0};
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = NULL;
		_cleanup_close_ int fd = -1;
		int r;

		if (owned_only && !state_cgroup_owned(&cg[i]))
			continue;
		/* Below a leaf isorun made everything is the container's. */
		if ((fd = open_entry(&cg[i], &dir, err)) == -ENOENT)
			continue;
		if (fd < 0) {
			pid_list_clear(l);
			return fd;
		}
		r = (state_cgroup_owned(&cg[i]) ? add_pids_tree : add_pids)(fd, &l->pids, &l->n,
									    &l->invisible, err);
		if (r == -ENOENT || r == -ENODEV)
			continue;
		if (r < 0) {
			pid_list_clear(l);
			return iso_error_wrap(err, "cgroup %s", dir);
		}
	}
	if (l->n)
		qsort(l->pids, l->n, sizeof(*l->pids), cmp_pid);
	for (size_t i = 0; i < l->n; i++)
		if (out == 0 || l->pids[out - 1] != l->pids[i])
			l->pids[out++] = l->pids[i];
	l->n = out;
	return 0;
}

int cgroup_pids(const struct state_cgroup *cg, size_t n, pid_t **ret, size_t *ret_n,
		struct iso_error *err)
{
	struct pid_list l;
	int r = collect_pids(cg, n, false, &l, err);

	if (r < 0)
		return r;
	*ret = l.pids;
	*ret_n = l.n;
	return 0;
}

int cgroup_signal_all(const struct state_cgroup *cg, size_t n, int sig, struct iso_error *err)
{
	struct pid_list l;
	int r = collect_pids(cg, n, true, &l, err);

	for (size_t i = 0; r == 0 && i < l.n; i++)
		if (kill(l.pids[i], sig) < 0 && errno != ESRCH)
			r = iso_error_set(err, errno, "signalling pid %d", (int)l.pids[i]);
	pid_list_clear(&l);
	return r;
}

/* cgroup.kill (Linux 5.14) reaches the tasks that cgroup.procs shows as 0, those of other pid
 * namespaces: without it, a delete run from one could not kill them. */
static void kill_owned_v2(const struct state_cgroup *cg, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = NULL;
		_cleanup_close_ int fd = -1;
		struct iso_error ignored;
		struct cgroup_target t;

		if (cg[i].controllers[0] || !state_cgroup_owned(&cg[i]))
			continue;
		if ((fd = open_entry(&cg[i], &dir, &ignored)) < 0)
			continue;
		t = (struct cgroup_target){.dirfd = fd, .dir = dir, .where = "cgroup"};
		cgroup_write(&t, "", "cgroup.kill", "1", &ignored);
	}
}

/* ---- removal ---- */

static void thaw_owned(const struct state_cgroup *cg, size_t n)
{
	const struct state_cgroup *v1 = find_v1(cg, n, CG_FREEZER), *v2 = find_v2(cg, n);
	struct iso_error ignored;

	if (v1 && state_cgroup_owned(v1))
		freeze_and_wait(v1, "freezer.state", "THAWED", "freezer.state", "THAWED", &ignored);
	if (v2 && state_cgroup_owned(v2))
		freeze_and_wait(v2, "cgroup.freeze", "0", "cgroup.events", "frozen 0", &ignored);
}

/* Thaws (a frozen task cannot die), kills, and waits for the directories isorun made to be
 * empty.  Those it did not make are left as they are: they may hold others' processes. */
static int empty_cgroup(const struct state_cgroup *cg, size_t n, struct iso_error *err)
{
	struct iso_error ignored;
	size_t invisible = 0;

	for (int tries = 0; tries < 5000; tries++) {
		struct pid_list l;

		if (collect_pids(cg, n, true, &l, &ignored) < 0)
			return 0;
		invisible = l.invisible;
		if (l.n == 0 && l.invisible == 0)
			return 0;
		if (tries == 0)
			thaw_owned(cg, n);
		if (tries % 100 == 0) {
			kill_owned_v2(cg, n);
			for (size_t i = 0; i < l.n; i++)
				kill(l.pids[i], SIGKILL);
		}
		pid_list_clear(&l);
		sleep_ms(1);
	}
	if (invisible)
		return iso_error_set(err, EBUSY,
				     "cgroup: %zu processes outside this pid namespace are left",
				     invisible);
	return iso_error_set(err, EBUSY, "cgroup: processes are left after SIGKILL");
}

int cgroup_destroy(const struct state_cgroup *cg, size_t n, struct iso_error *err)
{
	long long t0 = timefmt_monotonic_us();
	size_t left;
	int r;

	if (n == 0)
		return 0;
	/* Usually the container's processes are gone already: no cgroup.procs is read then. */
	left = cgroup_destroy_dirs_if_empty(cg, n);
	if (left > 0 && (r = empty_cgroup(cg, left, err)) < 0)
		return r;
	r = cgroup_destroy_dirs(cg, left, err);
	if (r == 0)
		log_debug("cgroup: %zu directories removed in %.3f ms (%zu emptied first)", n,
			  (double)(timefmt_monotonic_us() - t0) / 1000, left);
	return r;
}
