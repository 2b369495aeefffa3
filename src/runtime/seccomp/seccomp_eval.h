/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A seccomp filter's verdict on one system call, worked out in user space.
 *
 * The init loads the container's filter before the last few system calls of its own (reading
 * the start barrier, clearing its parent-death signal): it may do so only where the filter
 * lets exactly those calls through.  seccomp_eval() answers that by running the classic BPF as
 * the kernel does, on the call's number, architecture and whichever arguments are fixed.  A
 * program whose verdict depends on anything else (the instruction pointer, an argument left
 * open) gets no verdict, never a guess. */
#ifndef ISORUN_SECCOMP_EVAL_H
#define ISORUN_SECCOMP_EVAL_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

struct seccomp_call {
	uint32_t nr;
	uint32_t arch; /* AUDIT_ARCH_* */
	uint64_t args[6];
	unsigned known_args; /* bit i: args[i] is what the call passes; the others are open */
};

/* 0 with *ret_action, the filter's return value (SECCOMP_RET_* with its data).  -ENODATA when
 * the verdict reads what the call leaves open, -EINVAL for a program the kernel would refuse
 * (a bad instruction or jump, a read of unwritten scratch memory, no return at the end). */
int seccomp_eval(const struct sock_filter *insns, size_t n, const struct seccomp_call *call,
		 uint32_t *ret_action);

#endif
