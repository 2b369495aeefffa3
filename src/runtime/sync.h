/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parent/child synchronisation during create, over socketpair(AF_UNIX, SOCK_SEQPACKET).
 * Each step is numbered and named on both sides; the child reports failures as SYNC_ERROR with
 * its errno and message, so the parent prints one error and undoes what it made.  EOF before
 * the expected step means the child died. */
#ifndef ISORUN_SYNC_H
#define ISORUN_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum sync_step {
	SYNC_ID_MAPS_WRITTEN = 1, /* parent -> child: uid_map/gid_map are in place (first) */
	SYNC_MOUNT_SOURCE,	  /* parent -> child, before id-maps-written: payload = a mounts[]
				   * index, fd = its bind source (mount_sources.h) */
	SYNC_CGROUP_JOINED,	  /* parent -> child: the init is in its limited cgroup */
	SYNC_MOUNTS_DONE,	  /* child -> parent: rootfs mounted; run prestart/createRuntime */
	SYNC_RUNTIME_HOOKS_DONE,  /* parent -> child: payload = state JSON for container hooks */
	SYNC_TERMINAL_MASTER,	  /* child -> parent: fd = pty master for the console socket */
	SYNC_TERMINAL_SENT,	  /* parent -> child: the console socket has it */
	SYNC_SECCOMP_LISTENER,	  /* child -> parent: fd = seccomp notify fd for listenerPath */
	SYNC_READY,		  /* child -> parent: set up, waiting on the start barrier */
	SYNC_CREATED,		  /* parent -> child: recorded created; outlive the runtime */
	SYNC_ERROR,		  /* child -> parent: payload = message, errnum/exit_code set */
};

#define SYNC_PAYLOAD_MAX (128 * 1024)

const char *sync_step_name(enum sync_step step);

/* Sends one step with an optional payload and an optional fd (-1 for none). */
int sync_send(int sock, enum sync_step step, const void *payload, size_t len, int fd,
	      struct iso_error *err);

/* Reports an error to the parent (child side). Best effort: the child exits right after. */
void sync_send_error(int sock, const struct iso_error *child_err);

/* Waits for `expected`.  A SYNC_ERROR from the peer is copied into err.  *ret_payload (may be
 * NULL) receives a malloc'ed NUL-terminated payload, *ret_fd (may be NULL) the passed fd. */
int sync_expect(int sock, enum sync_step expected, char **ret_payload, int *ret_fd,
		struct iso_error *err);

/* sync_expect() for whichever of the n steps comes; *ret_step says which. */
int sync_expect_one_of(int sock, const enum sync_step *steps, size_t n, enum sync_step *ret_step,
		       char **ret_payload, int *ret_fd, struct iso_error *err);

/* Waits for the peer to close its end of the socket: 0 at EOF.  A SYNC_ERROR instead is copied
 * into err; any other step is a protocol error. */
int sync_expect_close(int sock, struct iso_error *err);

/* sync_expect() for a child under the user's seccomp filter, which may allow read(2) (the wait
 * for start needs it) but not recvmsg(2): no payload, no fd.  EOF, the parent gone, is an
 * error. */
int sync_expect_plain(int sock, enum sync_step expected, struct iso_error *err);

/* After a runtime-side step failed: if the init already reported an error of its own (and
 * died of it, which is often why the runtime's step failed), puts that one in err, the cause
 * rather than the symptom.  Never blocks. */
bool sync_take_peer_error(int sock, struct iso_error *err);

#endif
