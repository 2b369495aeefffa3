/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/seccomp/init_filter.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "runtime/seccomp/seccomp_eval.h"
#include "util/cleanup.h"

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* Only a plain allow: a logged, traced or notified call of the runtime's own has no place in
 * what the user sees of the container. */
static bool filter_allows(const struct seccomp_program *p, const struct seccomp_call *calls,
			  size_t n)
{
#ifdef NATIVE_AUDIT_ARCH
	for (size_t i = 0; i < n; i++) {
		struct seccomp_call c = calls[i];
		uint32_t action;

		c.arch = NATIVE_AUDIT_ARCH;
		if (seccomp_eval(p->bpf.insns, p->bpf.n_insns, &c, &action) < 0 ||
		    (action & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW)
			return false;
	}
	return true;
#else
	(void)p, (void)calls, (void)n;
	return false;
#endif
}

/* The calls of container_init.c between the points, as it makes them: the fds and the prctl()
 * arguments are known, the buffers and their sizes are left open. */
static bool allows_barrier_wait(const struct seccomp_program *p,
				const struct init_filter_context *c)
{
	const struct seccomp_call calls[] = {
	    {.nr = __NR_read, .args = {(uint64_t)c->fifo_fd}, .known_args = 1},
	};

	return filter_allows(p, calls, ARRAY_SIZE(calls));
}

static bool allows_release(const struct seccomp_program *p, const struct init_filter_context *c)
{
	const struct seccomp_call calls[] = {
	    {.nr = __NR_read, .args = {(uint64_t)c->sync_fd}, .known_args = 1},
	    {.nr = __NR_prctl, .args = {PR_SET_PDEATHSIG, 0, 0, 0, 0}, .known_args = 0x1f},
	    {.nr = __NR_close, .args = {(uint64_t)c->sync_fd}, .known_args = 1},
	};

	return filter_allows(p, calls, ARRAY_SIZE(calls));
}

enum init_filter_point init_filter_point(const struct seccomp_program *p,
					 const struct init_filter_context *c)
{
	if (c->loaded_in_setup || !seccomp_program_present(p))
		return INIT_FILTER_IN_SETUP;
	if (!allows_barrier_wait(p, c))
		return INIT_FILTER_AT_START;
	/* Ahead of SYNC_CREATED only for run: a plain create would wait for it itself. */
	if (c->start_follows && allows_release(p, c))
		return INIT_FILTER_AT_READY;
	return INIT_FILTER_AT_BARRIER;
}
