/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's init: what runs in the cloned child, from clone to the execve of the user's
 * program.  The whole sequence is container_init_main(), read top to bottom. */
#ifndef ISORUN_CONTAINER_INIT_H
#define ISORUN_CONTAINER_INIT_H

#include <stdbool.h>

#include "runtime/seccomp/seccomp.h"
#include "runtime/spec/spec.h"

struct init_args {
	const struct spec *spec;
	const struct seccomp_program *seccomp; /* compiled by the runtime; may be empty */
	const char *bundle;		       /* absolute; cwd for relative mount sources */
	const char *rootfs;		       /* absolute host path */
	int sync_fd;			       /* child end of the sync socketpair */
	int fifo_fd;			       /* the start barrier, opened O_RDWR */
	int log_fd;			       /* the --log file, or -1 */
	int stub_fd;		  /* the exec stub's sealed memfd, or -1 (exec_stub.h) */
	int preserve_fds;	  /* fds 3 .. 3+N-1 pass to the container */
	int listen_fds;		  /* the first ones are socket-activation fds (listen_fds.h) */
	bool new_session_keyring; /* false with --no-new-keyring */
	bool no_pivot;		  /* --no-pivot */
	bool wait_for_id_maps;	  /* a new user namespace: the parent writes the maps */
	bool maps_by_owner;	  /* ... without privilege: the init stays dumpable until then */
	bool setgroups_denied;	  /* ... and setgroups is "deny" in it (id_maps.h) */
	bool start_follows;	  /* run: the runtime starts the container once created */
};

/* Never returns: execs the container's program or _exit()s after reporting the error. */
__attribute__((noreturn)) void container_init_main(const struct init_args *args);

#endif
