/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Processes by pidfd: cloning, signalling and waiting without pid-reuse races. */
#ifndef ISORUN_PROCESS_H
#define ISORUN_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* fork()-like clone3 with CLONE_NEWxxx flags; *ret_pidfd gets a pidfd in the parent.
 * Returns the pid in the parent, 0 in the child, -errno on failure. */
pid_t process_clone(unsigned long flags, int *ret_pidfd);

/* A pidfd for pid, checked to still be the process that started at start_time (0: unchecked).
 * -ESRCH when it is gone or was replaced. */
int process_pidfd_open(pid_t pid, uint64_t start_time);

/* Sends sig to the process, and with `all` to every process of its pid namespace when that
 * namespace is not the runtime's own, else to its descendants.  Nothing else is signalled. */
int process_signal(pid_t pid, uint64_t start_time, int sig, bool all, struct iso_error *err);

/* The pids of the processes process_signal() with `all` reaches, the init among them: for a
 * container without cgroups.  None when the init is gone. */
int process_members(pid_t pid, uint64_t start_time, pid_t **ret, size_t *ret_n,
		    struct iso_error *err);

/* Kills a child that never got to run (by pidfd when there is one) and reaps it. */
void process_kill_and_reap(pid_t pid, int pidfd);

/* --pid-file: the pid in decimal without a newline (containerd Atoi()s it), written atomically.
 * Nothing when path is NULL. */
int process_write_pid_file(const char *path, pid_t pid, struct iso_error *err);

/* Waits up to timeout_ms for a process (not necessarily a child) to exit. */
int process_wait_gone(pid_t pid, uint64_t start_time, int timeout_ms);

#endif
