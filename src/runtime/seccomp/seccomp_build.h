/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compiling a struct seccomp_config into classic BPF with libseccomp. */
#ifndef ISORUN_SECCOMP_BUILD_H
#define ISORUN_SECCOMP_BUILD_H

#include <linux/filter.h>
#include <stddef.h>

#include "runtime/spec/seccomp_config.h"

/* A compiled filter, ready for seccomp(SECCOMP_SET_MODE_FILTER). */
struct seccomp_bpf {
	struct sock_filter *insns;
	size_t n_insns;
	/* The syscall names this libseccomp does not know, skipped (as runc does) and warned
	 * about: NUL-terminated names back to back, skipped_len bytes in all. */
	char *skipped;
	size_t skipped_len;
};

/* Compiles cfg for its architectures (the native one always included), libseccomp's program
 * made smaller by seccomp_optimize() where it can be, behind the ENOSYS checks of
 * seccomp_enosys.h.  Errors name the JSON path under linux.seccomp. */
int seccomp_build_bpf(const struct seccomp_config *cfg, struct seccomp_bpf *ret,
		      struct iso_error *err);

/* libseccomp's program as it exports it, behind the same ENOSYS checks (what
 * seccomp_optimize()'s tests compare with). */
int seccomp_build_bpf_libseccomp(const struct seccomp_config *cfg, struct seccomp_bpf *ret,
				 struct iso_error *err);

void seccomp_bpf_free(struct seccomp_bpf *bpf);

#endif
