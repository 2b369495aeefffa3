/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Recording the syscalls a container makes (isorun trace) with seccomp user notification: the
 * fallback where the in-kernel recorder (syscall_recorder_bpf.h) cannot work (no cgroup2
 * hierarchy, bpf() refused), or when ISORUN_TRACE_RECORDER=notify asks for it.
 *
 * The recording filter returns SCMP_ACT_NOTIFY for every syscall but sendmsg (which the init
 * needs to hand the listener fd over before anybody can answer it).  A supervisor thread in the
 * runtime holds the listener, notes each notified syscall number and lets the call go on
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE): the container runs as it would unfiltered.  A filter
 * cannot be changed once loaded, nothing can add one to another process, and stacking does not
 * help (the kernel applies the most restrictive result of all filters, and NOTIFY outranks
 * ALLOW): so every call costs one round trip through the supervisor, not only the first of
 * each number (tests/bench/trace-overhead.sh measures it: 25-45 us a call here).
 *
 * What the init itself does between loading the filter and executing the container's program
 * (sync messages, the start barrier, the startContainer hooks, the exec stub) is the runtime's,
 * not the container's: the recorder keeps it apart (runtime_seen) until the init's own execve
 * of the program. */
#ifndef ISORUN_SYSCALL_RECORDER_H
#define ISORUN_SYSCALL_RECORDER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/seccomp/seccomp.h"
#include "util/error.h"

/* Native syscall numbers; larger numbers (none on x86_64 or aarch64) are not recorded. */
#define SYSCALL_SET_MAX 1024

struct syscall_set {
	uint64_t bits[SYSCALL_SET_MAX / 64];
};

static inline void syscall_set_add(struct syscall_set *s, int nr)
{
	if (nr >= 0 && nr < SYSCALL_SET_MAX)
		s->bits[nr / 64] |= UINT64_C(1) << (nr % 64);
}

static inline bool syscall_set_has(const struct syscall_set *s, int nr)
{
	return nr >= 0 && nr < SYSCALL_SET_MAX && (s->bits[nr / 64] >> (nr % 64)) & 1;
}

struct syscall_recorder {
	int listener_fd;
	int stop_fd; /* an eventfd: the supervisor thread ends when it is written */
	pid_t init_pid;
	bool running;
	bool exec_seen;		/* the init has executed the container's program */
	unsigned long notified; /* round trips answered */
	pthread_t thread;
	/* Read only after syscall_recorder_stop(): the container's syscalls, and the runtime's
	 * (the init's and its hooks') before the init's execve of the program. */
	struct syscall_set seen;
	struct syscall_set runtime_seen;
};

/* The recording program, for create_options.seccomp_override. */
int syscall_recorder_program(struct seccomp_program *ret, struct iso_error *err);

/* create_options.on_listener: takes listener_fd and starts the supervisor thread. */
int syscall_recorder_start(void *recorder, int listener_fd, pid_t init_pid, struct iso_error *err);

/* Ends the supervisor thread (once every process of the container is gone, nothing is lost)
 * and closes the listener.  Safe on a recorder that never started. */
void syscall_recorder_stop(struct syscall_recorder *r);

#endif
