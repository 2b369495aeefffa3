/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container lifecycle as seen from the runtime (parent) side: create, start, kill, delete.
 * Each function takes the per-container lock for its whole duration. */
#ifndef ISORUN_CONTAINER_H
#define ISORUN_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/state.h"
#include "util/error.h"

struct seccomp_program;

struct create_options {
	const char *root;
	const char *id;
	const char *bundle;	    /* NULL for the current directory */
	const char *pid_file;	    /* NULL for none */
	const char *console_socket; /* NULL for none */
	/* A connected socket to send the pty master over instead of console_socket (run's own
	 * terminal proxy), or -1. */
	int console_fd;
	int preserve_fds; /* including the listen_fds ones, which come first */
	int listen_fds;	  /* socket activation (listen_fds.h): fds 3..3+N-1, 0 for none */
	bool no_new_keyring;
	/* --no-pivot: the rootfs is moved onto / and chrooted into (rootfs_pivot_and_finish()). */
	bool no_pivot;
	/* --cgroup-manager disabled: no cgroup is made or joined, and none is recorded. */
	bool no_cgroups;
	/* --systemd-cgroup: the cgroup is a systemd unit's (cgroup_systemd.h). */
	bool systemd_cgroup;
	/* config.json as the caller already read it (container_read_config()), or NULL: run
	 * reads it before it blocks the signals it forwards, so that a config.json it cannot
	 * read never leaves it deaf to TERM. */
	const char *config_text;
	size_t config_len;
	/* The caller starts the container and waits for it (run in the foreground, tenant run): it
	 * lives on, so create does not wait for the init to stop dying with it (release_init()). */
	bool caller_waits;
	/* Start it at once (run): under the same lock, without reading the state back.  Taken
	 * only where nothing has to come in between: no terminal for the caller to take over, no
	 * poststart hooks (they wait for the exec: container_start()).  created_container.started
	 * says whether it was. */
	bool start;
	/* isorun trace: load this program instead of linux.seccomp, and hand its listener fd
	 * (which the callee then owns) to on_listener instead of listenerPath.  on_listener runs
	 * while the init waits for an answer to its next syscall: it must start answering. */
	const struct seccomp_program *seccomp_override;
	int (*on_listener)(void *arg, int listener_fd, pid_t pid, struct iso_error *err);
	void *on_listener_arg;
	/* isorun trace's in-kernel recorder: called once the init is cloned, before it is let
	 * past its first sync step, with its pid and its cgroup2 directory (-1: none). */
	int (*on_spawned)(void *arg, pid_t pid, int cgroup2_fd, struct iso_error *err);
	void *on_spawned_arg;
};

struct create_plan;

struct created_container {
	pid_t pid;
	int pidfd;     /* O_CLOEXEC; the caller closes it */
	bool terminal; /* process.terminal: the pty master went to the console socket */
	bool started;  /* create_options.start was taken */
	/* The config's own seccomp filter holds calls of the init's before its exec: it is loaded
	 * before the user changes (noNewPrivileges false: process_setup.h), or startContainer
	 * hooks run under it (init_filter.h).  isorun trace's profile then needs those calls. */
	bool filter_holds_init_calls;
	/* What the init reads until it execs: it runs in this process's memory (init_spawn.h). */
	struct create_plan *plan;
};

/* config_read() (config_load.h) for the callers of create: BUNDLE/config.json (bundle NULL:
 * the current directory), a regular file; errors name its absolute path. */
int container_read_config(const char *bundle, char **ret_text, size_t *ret_len,
			  struct iso_error *err);

/* Creates the container and leaves its init waiting for start.  On failure nothing is left:
 * no state directory, no process, no mount. */
int container_create(const struct create_options *o, struct created_container *ret,
		     struct iso_error *err);

/* Frees what the init of a created container read, once it has exec'd or died: after waiting
 * for the container, or deleting it (an init still alive keeps it).  A process that exits right
 * after create need not call it. */
void container_created_release(struct created_container *c);

int container_start(const char *root, const char *id, struct iso_error *err);

int container_kill(const char *root, const char *id, int sig, bool all, struct iso_error *err);

/* Deletes a stopped or created container; with force, kills a running one first.
 * force on an id that does not exist succeeds. */
int container_delete(const char *root, const char *id, bool force, struct iso_error *err);

/* Opens and locks ROOT/ID and reads the state with its live status; *ret_dirfd holds the lock
 * until closed. */
int container_open_locked(const char *root, const char *id, int *ret_dirfd,
			  struct container_state *st, struct iso_error *err);

/* Reads the state with its live status. */
int container_load_state(const char *root, const char *id, struct container_state *st,
			 struct iso_error *err);

/* The runtime's side of SYNC_SECCOMP_LISTENER, for the init and for exec: receives the notify
 * fd the process loaded its filter with and sends it, with the container's state, to
 * linux.seccomp.listenerPath, or hands it to o->on_listener (isorun trace) when o sets one. */
struct seccomp_program;
int container_forward_listener(int sock, const struct seccomp_program *prog,
			       const struct container_state *st, pid_t pid,
			       const struct create_options *o, struct iso_error *err);

/* The state, and the config the container was created with (a copy kept in the state dir:
 * the bundle may have changed since) with its seccomp program (config_load()). */
struct spec;
int container_load_with_config(const char *root, const char *id, struct container_state *st,
			       struct spec **ret_spec, struct seccomp_program *ret_seccomp,
			       struct iso_error *err);

#endif
