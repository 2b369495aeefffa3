/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A smaller program for the same filter: libseccomp's BPF with its syscall dispatch rebuilt.
 *
 * libseccomp tests a Docker-like profile's syscalls one number at a time: about 400
 * instructions for 360 allowed calls.  The kernel copies, converts and JIT-compiles every one
 * of them at each container start (0.1-0.2 ms on the machines this was measured on), and the
 * init waits for it.  Most of a profile is runs of neighbouring numbers with the same verdict,
 * so seccomp_optimize() works out, for each architecture the program knows, which ranges of
 * syscall numbers end in which return, and which reach a test of the arguments; it then emits a
 * balanced tree over those ranges, with the argument tests copied unchanged.  The default
 * profile goes from 405 to under 100 instructions.
 *
 * The result is exact, not a heuristic: every path of the original through the dispatch is
 * followed with the set of numbers that can take it, and the argument tests start where the
 * original reads an argument, with nothing carried over.  A program of any other shape (the
 * index register or scratch memory used, arithmetic on the number, an architecture compared
 * other than for equality) is left alone, and the new program is checked against the old on
 * every range boundary with seccomp_eval() before it is used. */
#ifndef ISORUN_SECCOMP_OPTIMIZE_H
#define ISORUN_SECCOMP_OPTIMIZE_H

#include <linux/filter.h>
#include <stddef.h>

/* 0 with a new program in *ret (malloc'd) of *ret_n instructions, or -ENOTSUP when prog is not
 * of a shape this understands or would not get smaller, -ENOMEM. */
int seccomp_optimize(const struct sock_filter *prog, size_t n, struct sock_filter **ret,
		     size_t *ret_n);

#endif
