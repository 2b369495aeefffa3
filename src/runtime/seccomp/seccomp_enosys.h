/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ENOSYS for the system calls a profile is too old to know.
 *
 * A profile that denies by default (an errno, a kill, a trap) also denies the system calls
 * added to the kernel after it was written, and a program that probes one (glibc's clone3,
 * say) takes EPERM for a refusal where it would fall back on ENOSYS.  As runc and crun do, the
 * filter answers ENOSYS to any number above the highest one the profile names on that
 * architecture, before libseccomp's program sees it. */
#ifndef ISORUN_SECCOMP_ENOSYS_H
#define ISORUN_SECCOMP_ENOSYS_H

#include "runtime/seccomp/seccomp_build.h"
#include "runtime/spec/seccomp_config.h"
#include "util/error.h"

/* Puts the ENOSYS checks for cfg in front of bpf's program; leaves it as it is where cfg's
 * default action lets calls through (or is ENOSYS already). */
int seccomp_enosys_prepend(const struct seccomp_config *cfg, struct seccomp_bpf *bpf,
			   struct iso_error *err);

#endif
