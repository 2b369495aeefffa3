/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Recording the syscalls a container makes (isorun trace) in the kernel: after the first call
 * of each number, a recorded call costs a few loads and compares, no round trip.
 *
 * An eBPF program (BPF_PROG_TYPE_RAW_TRACEPOINT, assembled in syscall_recorder_bpf.c) runs at
 * the sys_enter tracepoint, which every syscall of every task passes once a program is attached
 * there.  It skips every task outside the container's cgroup2 directory (and its descendants:
 * bpf_current_task_under_cgroup()), and marks byte nr of a map value for the others.  Closing
 * the link fd detaches it; the program and its maps go with the last fd.
 *
 * What counts as the container's, exactly as the notify recorder (syscall_recorder.h) counts it:
 * - phase 0: nothing is recorded until the init's own seccomp() call, which loads the
 *   recording filter (syscall_recorder_bpf_program()) where an enforced filter would be loaded:
 *   early without noNewPrivileges, right before the exec with it;
 * - phase 1: the init's own work after that (and the startContainer hooks it runs, which run
 *   under an early-loaded filter too) goes to the runtime's set;
 * - phase 2, from the init's execve of the program on: every task of the cgroup, every thread
 *   and child, goes to the container's set.
 *
 * The recording filter lets every native syscall through and kills calls of another ABI (i386
 * int 0x80, x32), as the native-only profile the recording becomes would.  seccomp runs before
 * the sys_enter tracepoint, so those never reach the program: a 32-bit call number is never
 * taken for the native call with the same number.  (x32 numbers, bit 30 set, would fail the
 * program's bounds check anyway.) */
#ifndef ISORUN_SYSCALL_RECORDER_BPF_H
#define ISORUN_SYSCALL_RECORDER_BPF_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/seccomp/seccomp.h"
#include "runtime/trace/syscall_recorder.h"
#include "util/error.h"

struct syscall_recorder_bpf {
	int prog_fd;
	int link_fd;	   /* the attachment to sys_enter */
	int state_map_fd;  /* the phase, the init's pid and the two sets: one array element */
	int cgroup_map_fd; /* the container's cgroup2 directory: a one-slot cgroup array */
};

#define SYSCALL_RECORDER_BPF_INIT                                                                  \
	((struct syscall_recorder_bpf){                                                            \
	    .prog_fd = -1, .link_fd = -1, .state_map_fd = -1, .cgroup_map_fd = -1})

/* Loads the program and attaches it to sys_enter.  It records nothing until
 * syscall_recorder_bpf_watch() names the container.  Fails (nothing left open) where the kernel
 * refuses: no CAP_BPF and CAP_PERFMON, no raw tracepoints, a helper it does not offer. */
int syscall_recorder_bpf_open(struct syscall_recorder_bpf *r, struct iso_error *err);

/* The recording seccomp filter, for create_options.seccomp_override: every native syscall
 * allowed, another ABI killed; no listener.  Its load is what starts phase 1. */
int syscall_recorder_bpf_program(struct seccomp_program *ret, struct iso_error *err);

/* create_options.on_spawned: the init (host pid) and the cgroup2 directory it was cloned into
 * (-1: none, an error).  Called before the init is let past its first sync step. */
int syscall_recorder_bpf_watch(void *recorder, pid_t init_pid, int cgroup2_fd,
			       struct iso_error *err);

/* After the run: the container's set, the runtime's set, and whether the init's execve of the
 * program was seen (phase 2). */
int syscall_recorder_bpf_read(const struct syscall_recorder_bpf *r, struct syscall_set *seen,
			      struct syscall_set *runtime_seen, bool *exec_seen,
			      struct iso_error *err);

/* Detaches the program and closes everything; safe on SYSCALL_RECORDER_BPF_INIT. */
void syscall_recorder_bpf_close(struct syscall_recorder_bpf *r);

#endif
