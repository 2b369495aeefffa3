/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bind sources that the container's root cannot reach.
 *
 * In a new user namespace the init mounts as the mapped root, an unprivileged user of the host:
 * a bind source under a directory it may not search (0700, owned by the host's root) fails with
 * EACCES.  Like runc, the runtime opens the sources itself, with its own credentials, and hands
 * them to the init, which binds from the fd where its own lookup is refused.  They are opened in
 * the init's mount namespace, so that the init can clone them (open_tree() takes only mounts of
 * the caller's namespace) and the host mounts' flags stay locked there, as for every mount the
 * namespace copied. */
#ifndef ISORUN_MOUNT_SOURCES_H
#define ISORUN_MOUNT_SOURCES_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/spec/spec.h"
#include "util/error.h"

/* Runtime side, while the init waits for its id maps: a helper thread, started here, enters
 * the init's mount namespace and sends an O_PATH fd of each bind source of spec->mounts that
 * exists as SYNC_MOUNT_SOURCE, its mounts[] index as the payload, and then_step after the last.
 * Relative sources are taken from bundle.  A source that cannot be opened is left out: the
 * init's own attempt says why.  For an idmapped bind the fd is the detached idmapped mount
 * itself (idmap_mount.h), and a failure to make it is the helper's error.  An overlay root that
 * the runtime mounts (overlay_root_by_runtime()) is mounted there and sent first, payload
 * "root".
 *
 * The helper runs while the runtime goes on (its cgroup work): the init starts its mounts as
 * soon as then_step arrives.  Returns 1 with *ret running, or 0 when there is nothing to send
 * (then_step is the caller's to send).  Until mount_sources_finish() the caller must not write
 * to sock: the helper's messages must all come first. */
struct mount_sources_job;
struct mount_sources_helper {
	struct mount_sources_job *job; /* NULL: none */
	pthread_t thread;
};
int mount_sources_start(const struct spec *spec, const char *bundle, pid_t init_pid, int sock,
			int then_step, struct mount_sources_helper *ret, struct iso_error *err);

/* Waits for the helper; its error, if it failed, becomes *err.  0 without a helper. */
int mount_sources_finish(struct mount_sources_helper *h, struct iso_error *err);

/* mount_sources_finish() that drops the error: for the cleanup attribute, on error paths. */
void mount_sources_helper_reap(struct mount_sources_helper *h);
#define _cleanup_mount_sources_helper_ __attribute__((cleanup(mount_sources_helper_reap)))

/* Init side: the fds by mounts[] index (-1 for none), closed by mount_sources_close(). */
struct mount_sources {
	int *fds;
	size_t n;
	int root_fd; /* the overlay root the runtime mounted, or -1 */
};

/* Receives SYNC_MOUNT_SOURCE messages until `until` arrives. */
int mount_sources_receive(int sock, size_t n_mounts, int until, struct mount_sources *ret,
			  struct iso_error *err);

/* The fd for mounts[i], or -1. */
int mount_sources_fd(const struct mount_sources *s, size_t i);

/* The overlay root's fd, or -1 (also before mount_sources_receive()). */
int mount_sources_root_fd(const struct mount_sources *s);

void mount_sources_close(struct mount_sources *s);
#define _cleanup_mount_sources_ __attribute__((cleanup(mount_sources_close)))

#endif
