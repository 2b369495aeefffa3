/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state directory of one container: ROOT/ID/ holding state.json (written atomically),
 * config.json (the config the container was created with, for delete's poststop hooks),
 * exec.fifo (the start barrier), network (net/network.h) and, while create runs, creating.json.
 * Concurrent verbs on one ID serialize on flock(ROOT/ID). */
#ifndef ISORUN_STATE_H
#define ISORUN_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

#define STATE_DEFAULT_ROOT "/run/isorun"
#define CONTAINER_ID_MAX   255 /* NAME_MAX: the id is a directory name under ROOT */

/* The mode --root is made with, as runc makes its own: others may pass through (to a path a
 * client was handed) but not list the containers; each container's directory stays 0700. */
#define STATE_ROOT_MODE 0711

enum container_status {
	STATUS_CREATING,
	STATUS_CREATED,
	STATUS_RUNNING,
	STATUS_PAUSED,
	STATUS_STOPPED,
};

/* The container's cgroup in one hierarchy (filled in by the cgroup code, kept in state.json so
 * that every verb finds it). */
struct state_cgroup {
	char *mount;	   /* the hierarchy's mount point, e.g. /sys/fs/cgroup/memory */
	char *path;	   /* the container's cgroup below it, e.g. /isorun/ID */
	char *controllers; /* v1: the hierarchy's controllers ("cpu,cpuacct"); "" for cgroup2 */
	uint32_t created;  /* how many trailing components of path isorun created */
	/* Recorded before the directories are made (a create killed in between leaves none that
	 * delete cannot find): `created` is then what isorun means to make, not yet proof that
	 * the leaf is its own, so delete only removes such an entry and never kills in it. */
	bool pending;
};

/* Whether the entry's leaf is isorun's own: only then may its processes be signalled. */
static inline bool state_cgroup_owned(const struct state_cgroup *c)
{
	return c->created > 0 && !c->pending;
}

enum {
	STATE_HOOKS_UNKNOWN = -1,
	STATE_HOOKS_POSTSTART = 1 << 0,
	STATE_HOOKS_POSTSTOP = 1 << 1,
};

struct container_state {
	char *id;
	char *oci_version;
	enum container_status status; /* as stored; state_refresh() derives the live value */
	pid_t pid;
	uint64_t pid_start_time; /* /proc/PID/stat field 22, guards against pid reuse */
	/* Which of the hooks start and delete run the config has (STATE_HOOKS_*), so that they
	 * parse the config copy only when there is one; STATE_HOOKS_UNKNOWN in a state file
	 * written without it. */
	int late_hooks;
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 */
	uid_t owner;
	char **annotation_keys; /* NULL-terminated, parallel to annotation_values */
	char **annotation_values;
	struct state_cgroup *cgroups; /* one per hierarchy; NULL/0 when none */
	size_t n_cgroups;
	/* The systemd cgroup driver's unit (the cgroups above are its cgroup), NULL under the
	 * cgroupfs driver.  Recorded with the cgroups, before the unit is started. */
	char *systemd_unit;
	/* Set by state_refresh(): the state was still "creating", so the create that wrote it
	 * died half-way (create holds the lock until it is done).  status is then stopped: the
	 * container will never start, and delete kills what the create left (pid, cgroups). */
	bool abandoned;
};

void state_cgroups_free(struct state_cgroup *cgroups, size_t n);

const char *state_status_name(enum container_status status);

/* Refuses empty ids, ids with '/' or starting with '.', control characters, or longer than
 * CONTAINER_ID_MAX: the id becomes a directory name under ROOT. */
int state_validate_id(const char *id, struct iso_error *err);

/* Creates ROOT (0700) if needed and ROOT/ID exclusively ("already exists"), locked.
 * Returns the locked directory fd.  Until create records a state the directory holds none:
 * state_read() says "does not exist" and delete removes it (a create killed early). */
int state_dir_create(const char *root, const char *id, struct iso_error *err);

/* Opens and locks ROOT/ID ("does not exist" when absent).  Returns the locked directory fd. */
int state_dir_open(const char *root, const char *id, struct iso_error *err);

/* Removes ROOT/ID and everything in it (the caller holds the lock). */
int state_dir_remove(const char *root, const char *id, struct iso_error *err);

int state_write(int dirfd, const struct container_state *st, struct iso_error *err);

/* Create's record of what it has made before state.json exists (status creating), which
 * state_read() returns when there is no state.json yet.  A file of its own, so that create's
 * state.json is a new file and not one renamed over another: on ext4 that costs a flush, about
 * a millisecond here.  state_remove_creating() removes it once state.json is written. */
int state_write_creating(int dirfd, const struct container_state *st, struct iso_error *err);
void state_remove_creating(int dirfd);
int state_read(int dirfd, const char *id, struct container_state *st, struct iso_error *err);
void state_clear(struct container_state *st);

static inline void state_clearp(struct container_state *st)
{
	state_clear(st);
}
/* A struct container_state on the stack, cleared when it goes out of scope. */
#define _cleanup_state_ __attribute__((cleanup(state_clearp)))

/* Recomputes st->status from the process: a dead pid, a zombie, or a pid whose start time
 * differs from the recorded one means the container is stopped.  Call it with the lock held:
 * a "creating" state read under the lock was left by a create that died (st->abandoned). */
void state_refresh(struct container_state *st);

/* The OCI state document (ociVersion, id, status, pid, bundle, rootfs, created, owner,
 * annotations). */
int state_to_json(const struct container_state *st, bool pretty, char **ret_json,
		  struct iso_error *err);

/* Start time of a process (clock ticks since boot), 0 if it is gone. *ret_zombie tells
 * whether it has exited but not been reaped. */
uint64_t state_process_start_time(pid_t pid, bool *ret_zombie);

#endif
