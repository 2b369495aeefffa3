/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISORUN_CREDENTIALS_H
#define ISORUN_CREDENTIALS_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/spec/spec.h"

/* The calling process's real, effective and saved ids, by the system calls themselves (0, or -1
 * with errno): in a process with more than one thread glibc's wrappers make every thread
 * change too, and the init shares its memory, so its idea of its threads, with the runtime
 * (init_spawn.h). */
int credentials_setresgid(gid_t gid);
int credentials_setresuid(uid_t uid);

/* setgroups (additionalGids, or none), setresgid, setresuid keeping the permitted capabilities
 * across the uid change (PR_SET_KEEPCAPS), and the umask when given.  `setgroups_allowed` is
 * false inside a user namespace whose setgroups file says "deny". */
int credentials_apply(const struct spec_user *user, bool setgroups_allowed, struct iso_error *err);

/* Applies process.rlimits; a limit above the current hard limit that the kernel refuses is an
 * error naming the rlimit ("process.rlimits: RLIMIT_NOFILE: ..."). */
int rlimits_apply(const struct spec_rlimit *rlimits, size_t n, struct iso_error *err);

/* Writes process.oomScoreAdj to /proc/self/oom_score_adj. */
int oom_score_adj_apply(int value, struct iso_error *err);

#endif
