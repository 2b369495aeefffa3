/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/rootfs/mount_sources.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/rootfs/idmap_mount.h"
#include "runtime/rootfs/overlay_root.h"
#include "runtime/sync.h"
#include "util/cleanup.h"

static bool has_bind_source(const struct spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (spec->mounts[i].bind && spec->mounts[i].source)
			return true;
	return false;
}

static int send_fd(int sock, size_t i, int fd, struct iso_error *err)
{
	char index[32];
	int n = snprintf(index, sizeof(index), "%zu", i);

	return sync_send(sock, SYNC_MOUNT_SOURCE, index, (size_t)n, fd, err);
}

static int send_one(int sock, size_t i, const char *source, struct iso_error *err)
{
	_cleanup_close_ int fd = open(source, O_PATH | O_CLOEXEC);

	return fd < 0 ? 0 : send_fd(sock, i, fd, err);
}

/* An idmapped bind is made here, by host root, in the container's mount namespace, so that
 * the host mounts' flags stay locked in the clone: the init sits in its user namespace, where
 * the kernel refuses to map a host file system.  Unlike a plain source, a failure is fatal,
 * and it is the message the user sees. */
static int send_idmapped(const struct spec *spec, size_t i, int container_userns, int sock,
			 struct iso_error *err)
{
	const struct spec_mount *m = &spec->mounts[i];
	_cleanup_close_ int tree = -1;

	if (idmap_uses_container_maps(spec, m))
		tree = idmap_mount_clone(AT_FDCWD, m->source, m, container_userns, err);
	else
		tree = idmap_mount_new(m, err);
	if (tree < 0)
		return iso_error_wrap(err, "mounts[%zu] (%s)", i, m->destination);
	return send_fd(sock, i, tree, err);
}

/* The overlay root (overlay_root.h), mounted here and sent as an fd of its root, payload
 * "root". */
static int send_overlay_root(const struct spec *spec, int container_userns, int sock,
			     struct iso_error *err)
{
	_cleanup_close_ int root = -1;
	struct overlay_root o;
	int r = overlay_root_from_spec(spec, &o, err);

	if (r <= 0)
		return r;
	root = overlay_root_mount_idmapped(&o, spec->root_path, container_userns, err);
	if (root < 0)
		return root;
	return sync_send(sock, SYNC_MOUNT_SOURCE, "root", 4, root, err);
}

/* In the helper: setns() of a mount namespace moves the caller's root and cwd into it. */
static int open_and_send(const struct spec *spec, const char *bundle, int mntns,
			 int container_userns, int sock, int then_step, struct iso_error *err)
{
	if (setns(mntns, CLONE_NEWNS) < 0)
		return iso_error_set(err, errno, "joining the container's mount namespace");
	if (chdir(bundle) < 0)
		return iso_error_set(err, errno, "bundle %s", bundle);
	if (overlay_root_by_runtime(spec) &&
	    send_overlay_root(spec, container_userns, sock, err) < 0)
		return iso_error_code(err);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];
		int r = 0;

		if (m->bind && m->source && m->idmap)
			r = send_idmapped(spec, i, container_userns, sock, err);
		else if (m->bind && m->source)
			r = send_one(sock, i, m->source, err);
		if (r < 0)
			return r;
	}
	return sync_send(sock, (enum sync_step)then_step, NULL, 0, -1, err);
}

static bool has_idmapped_mount(const struct spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (spec->mounts[i].idmap)
			return true;
	return false;
}

static int open_init_ns(pid_t init_pid, const char *ns, struct iso_error *err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)init_pid, ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? iso_error_set(err, errno, "%s", path) : fd;
}

/* What the helper thread works from, and its result. */
struct mount_sources_job {
	const struct spec *spec;
	const char *bundle;
	int mntns, userns, sock, then_step;
	struct iso_error err;
	int r;
};

static void job_free(struct mount_sources_job *job)
{
	if (job->mntns >= 0)
		close(job->mntns);
	if (job->userns >= 0)
		close(job->userns);
	free(job);
}

/* A thread of its own fs (root and cwd): setns() into the init's mount namespace and the
 * chdir() to the bundle are then the helper's alone, and the runtime's stay where they are. */
static void *helper_main(void *arg)
{
	struct mount_sources_job *job = arg;
	sigset_t all;

	/* The runtime's signal handlers run on its main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (unshare(CLONE_FS) < 0)
		job->r = iso_error_set(&job->err, errno, "opening the bind sources: unshare");
	else
		job->r = open_and_send(job->spec, job->bundle, job->mntns, job->userns, job->sock,
				       job->then_step, &job->err);
	return NULL;
}

/* A thread, not a fork: a fork of the runtime cost its fork and then a copy-on-write fault on
 * every page the runtime wrote while the helper lived (its cgroup work), both on the path to
 * the container's start. */
int mount_sources_start(const struct spec *spec, const char *bundle, pid_t init_pid, int sock,
			int then_step, struct mount_sources_helper *ret, struct iso_error *err)
{
	struct mount_sources_job *job;
	int r;

	*ret = (struct mount_sources_helper){.job = NULL};
	if (!has_bind_source(spec) && !overlay_root_by_runtime(spec))
		return 0;
	job = malloc(sizeof(*job));
	if (!job)
		return iso_error_set(err, ENOMEM, "opening the bind sources");
	*job = (struct mount_sources_job){spec, bundle, -1, -1, sock, then_step, {0}, 0};
	if ((job->mntns = open_init_ns(init_pid, "mnt", err)) < 0 ||
	    ((has_idmapped_mount(spec) || overlay_root_by_runtime(spec)) &&
	     (job->userns = open_init_ns(init_pid, "user", err)) < 0)) {
		job_free(job);
		return iso_error_code(err);
	}
	r = pthread_create(&ret->thread, NULL, helper_main, job);
	if (r != 0) {
		job_free(job);
		return iso_error_set(err, r, "opening the bind sources: pthread_create");
	}
	ret->job = job;
	return 1;
}

int mount_sources_finish(struct mount_sources_helper *h, struct iso_error *err)
{
	struct mount_sources_job *job = h->job;
	int r;

	if (!job)
		return 0;
	pthread_join(h->thread, NULL);
	h->job = NULL;
	r = job->r;
	if (r < 0)
		*err = job->err;
	job_free(job);
	return r < 0 ? r : 0;
}

void mount_sources_helper_reap(struct mount_sources_helper *h)
{
	struct iso_error ignored;

	mount_sources_finish(h, &ignored);
}

static int store(struct mount_sources *s, const char *payload, int fd, struct iso_error *err)
{
	char *end;
	unsigned long i;

	if (!strcmp(payload, "root") && s->root_fd < 0) {
		s->root_fd = fd;
		return 0;
	}
	i = strtoul(payload, &end, 10);

	if (end == payload || *end || i >= s->n || s->fds[i] >= 0) {
		close(fd);
		return iso_error_set(err, EPROTO, "sync: a bind source for no bind mount");
	}
	s->fds[i] = fd;
	return 0;
}

int mount_sources_receive(int sock, size_t n_mounts, int until, struct mount_sources *ret,
			  struct iso_error *err)
{
	const enum sync_step steps[] = {SYNC_MOUNT_SOURCE, (enum sync_step)until};

	ret->n = n_mounts;
	ret->root_fd = -1;
	ret->fds = malloc((n_mounts ? n_mounts : 1) * sizeof(int));
	if (!ret->fds)
		return iso_error_set(err, ENOMEM, "sync");
	for (size_t i = 0; i < n_mounts; i++)
		ret->fds[i] = -1;
	for (;;) {
		_cleanup_free_ char *payload = NULL;
		enum sync_step got;
		int fd = -1, r;

		r = sync_expect_one_of(sock, steps, 2, &got, &payload, &fd, err);
		if (r < 0)
			return r;
		if (got != SYNC_MOUNT_SOURCE)
			return 0;
		if (fd < 0)
			return iso_error_set(err, EPROTO, "sync: a bind source without its fd");
		if ((r = store(ret, payload, fd, err)) < 0)
			return r;
	}
}

int mount_sources_fd(const struct mount_sources *s, size_t i)
{
	return s->fds && i < s->n ? s->fds[i] : -1;
}

int mount_sources_root_fd(const struct mount_sources *s)
{
	return s->fds ? s->root_fd : -1;
}

void mount_sources_close(struct mount_sources *s)
{
	for (size_t i = 0; s->fds && i < s->n; i++)
		if (s->fds[i] >= 0)
			close(s->fds[i]);
	free(s->fds);
	if (s->fds && s->root_fd >= 0)
		close(s->root_fd);
	*s = (struct mount_sources){.root_fd = -1};
}
