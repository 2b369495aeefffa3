/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A recorded syscall set as an OCI linux.seccomp allowlist (isorun trace). */
#ifndef ISORUN_SYSCALL_PROFILE_H
#define ISORUN_SYSCALL_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/trace/syscall_recorder.h"

/* Adds the syscalls every recorded profile allows whatever the run did:
 * - execve, execveat, fcntl: with noNewPrivileges the filter is loaded right before the
 *   init's final exec, which goes through the exec stub (runtime/process/exec_stub.h): the init
 *   clears close-on-exec on the start barrier (fcntl) and execveat()s the stub, which sets it
 *   again (fcntl) and execve()s the program.  The recorder does not count these (they come
 *   before the program's execve), so they are added here;
 * - exit, exit_group: a program that never got to exit during the recording must still be
 *   able to;
 * - sendmsg: the recording filter lets it through unrecorded (the listener hand-over);
 * - the start-up of a static or dynamic glibc/musl program (brk, arch_prctl, mmap, mprotect,
 *   munmap, set_tid_address, set_robust_list, rseq, prlimit64, readlink(at), getrandom,
 *   (new)fstat(at), openat, read, close, pread64, access, uname, futex): which of them a libc
 *   makes depends on its version and on the machine (rseq, getrandom for malloc's tcache),
 *   so a profile recorded with one libc would kill the same program started elsewhere before
 *   main().  Names this machine's libseccomp does not know for the native architecture are
 *   left out. */
void syscall_profile_add_always(struct syscall_set *s);

/* Adds the names of the SCMP_ACT_ALLOW rules of an earlier profile (a linux.seccomp object,
 * or a config.json with one).  Errors name the file and JSON path. */
int syscall_profile_merge_file(struct syscall_set *s, const char *path, struct iso_error *err);

/* True for the syscalls Docker's default profile refuses (or allows only with a capability a
 * container should not have). */
bool syscall_is_dangerous(const char *name);

/* The native name of nr, or NULL. */
const char *syscall_name(int nr);

/* The linux.seccomp object: defaultAction SCMP_ACT_KILL_PROCESS, or with errno_default
 * SCMP_ACT_ERRNO with defaultErrnoRet 1 (EPERM); one ALLOW rule with the sorted names. */
int syscall_profile_json(const struct syscall_set *s, bool errno_default, char **ret,
			 size_t *ret_len, struct iso_error *err);

#endif
