/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/seccomp/seccomp_enosys.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define OFF_NR	 offsetof(struct seccomp_data, nr)
#define OFF_ARCH offsetof(struct seccomp_data, arch)

/* x32 calls come in as AUDIT_ARCH_X86_64 with this bit set in the number. */
#define X32_SYSCALL_BIT 0x40000000u

/* A limit no number is above: the ABI gets no ENOSYS check. */
#define NO_LIMIT UINT32_MAX

/* libseccomp's pseudo numbers of the socket and ipc calls (below -10000: a call the ABI lacks).
 * On an ABI with socketcall or ipc, it adds rules for those and for the calls' direct numbers,
 * which resolving the name does not say; elsewhere it adds none. */
#define PSEUDO_SOCKET_OR_IPC(nr) ((nr) < -1 && (nr) > -10000)

static bool multiplexes(uint32_t token)
{
	return seccomp_syscall_resolve_name_arch(token, "socketcall") >= 0 ||
	       seccomp_syscall_resolve_name_arch(token, "ipc") >= 0;
}

/* One kernel architecture, and the highest numbers to let through to libseccomp's program:
 * x86_64 carries two ABIs, its own below the x32 bit and x32's above it. */
struct enosys_arch {
	uint32_t audit;
	uint32_t limit;
	uint32_t x32_limit;
};

/* Room for every architecture libseccomp knows (x86_64 and x32 share one). */
#define MAX_ARCHS 24

struct enosys_plan {
	struct enosys_arch v[MAX_ARCHS];
	size_t n;
};

static bool wants_enosys(const struct seccomp_config *cfg)
{
	switch (cfg->default_action) {
	case SECCOMP_ACTION_ERRNO:
		return !(cfg->has_default_errno_ret && cfg->default_errno_ret == ENOSYS);
	case SECCOMP_ACTION_KILL:
	case SECCOMP_ACTION_KILL_PROCESS:
	case SECCOMP_ACTION_KILL_THREAD:
	case SECCOMP_ACTION_TRAP:
		return true;
	default:
		/* ALLOW and LOG let new calls through already; a tracer or a listener handles
		 * them itself, as runc leaves them. */
		return false;
	}
}

/* The highest number cfg names for the ABI token, or NO_LIMIT where that is unknown: no name
 * it has, or a multiplexed one whose direct numbers could be above the others. */
static uint32_t highest_named(const struct seccomp_config *cfg, uint32_t token)
{
	bool any = false, multiplexed = multiplexes(token);
	uint32_t max = 0;

	for (size_t i = 0; i < cfg->n_rules; i++)
		for (char **name = cfg->rules[i].names; *name; name++) {
			int nr = seccomp_syscall_resolve_name_arch(token, *name);

			if (multiplexed && PSEUDO_SOCKET_OR_IPC(nr))
				return NO_LIMIT;
			if (nr >= 0 && (!any || (uint32_t)nr > max)) {
				max = (uint32_t)nr;
				any = true;
			}
		}
	return any ? max : NO_LIMIT;
}

static struct enosys_arch *plan_arch(struct enosys_plan *p, uint32_t audit)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].audit == audit)
			return &p->v[i];
	if (p->n == MAX_ARCHS)
		return NULL;
	p->v[p->n] = (struct enosys_arch){audit, NO_LIMIT, NO_LIMIT};
	return &p->v[p->n++];
}

static int plan_token(const struct seccomp_config *cfg, uint32_t token, struct enosys_plan *p)
{
	bool x32 = token == SCMP_ARCH_X32;
	struct enosys_arch *a = plan_arch(p, x32 ? AUDIT_ARCH_X86_64 : token);

	if (!a)
		return -E2BIG;
	if (x32)
		a->x32_limit = highest_named(cfg, token);
	else
		a->limit = highest_named(cfg, token);
	return 0;
}

/* The native architecture and the profile's, as seccomp_build.c adds them to the filter. */
static int plan_archs(const struct seccomp_config *cfg, struct enosys_plan *p)
{
	int r = plan_token(cfg, seccomp_arch_native(), p);

	for (size_t i = 0; r == 0 && i < cfg->archs.n; i++) {
		uint32_t token = seccomp_arch_resolve_name(seccomp_arch_libname(cfg->archs.v[i]));

		if (token && token != seccomp_arch_native())
			r = plan_token(cfg, token, p);
	}
	return r;
}

static size_t block_len(const struct enosys_arch *a)
{
	if (a->audit == AUDIT_ARCH_X86_64)
		return a->limit == NO_LIMIT && a->x32_limit == NO_LIMIT ? 0 : 5;
	return a->limit == NO_LIMIT ? 0 : 3;
}

/* The jump offset from the instruction at pc to target. */
static uint8_t to(size_t pc, size_t target)
{
	return (uint8_t)(target - pc - 1);
}

/* One architecture's check: not this one, the next block; a number above the limit, ENOSYS;
 * else libseccomp's program at main. */
static size_t emit_block(struct sock_filter *out, size_t pc, const struct enosys_arch *a,
			 size_t enosys, size_t main)
{
	size_t len = block_len(a), start = pc;

	out[pc++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, a->audit, 0,
						 (uint8_t)(len - 1));
	out[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR);
	if (a->audit == AUDIT_ARCH_X86_64)
		out[pc++] =
		    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 1, 0);
	out[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, a->limit, to(pc, enosys),
					       to(pc, main));
	pc++;
	if (a->audit == AUDIT_ARCH_X86_64) {
		out[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, a->x32_limit,
						       to(pc, enosys), to(pc, main));
		pc++;
	}
	return pc - start;
}

/* The checks, then a jump over the ENOSYS return for the architectures they do not name. */
static size_t emit_stub(const struct enosys_plan *p, struct sock_filter *out, size_t n)
{
	size_t pc = 0, enosys = n - 1;

	out[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_ARCH);
	for (size_t i = 0; i < p->n; i++)
		if (block_len(&p->v[i]))
			pc += emit_block(out, pc, &p->v[i], enosys, n);
	out[pc++] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 1);
	out[pc++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	return pc;
}

int seccomp_enosys_prepend(const struct seccomp_config *cfg, struct seccomp_bpf *bpf,
			   struct iso_error *err)
{
	struct enosys_plan plan = {.n = 0};
	struct sock_filter *prog;
	size_t n = 3;

	if (!wants_enosys(cfg))
		return 0;
	if (plan_archs(cfg, &plan) < 0)
		return iso_error_set(err, E2BIG, "seccomp: too many architectures");
	for (size_t i = 0; i < plan.n; i++)
		n += block_len(&plan.v[i]);
	if (n == 3)
		return 0;
	/* Every jump of the stub reaches its end within a jump's 8-bit offset. */
	if (n > 255 || n + bpf->n_insns > BPF_MAXINSNS)
		return iso_error_set(err, E2BIG, "seccomp: the filter is too large");
	prog = malloc((n + bpf->n_insns) * sizeof(*prog));
	if (!prog)
		return iso_error_set(err, ENOMEM, "seccomp");
	emit_stub(&plan, prog, n);
	memcpy(prog + n, bpf->insns, bpf->n_insns * sizeof(*prog));
	free(bpf->insns);
	bpf->insns = prog;
	bpf->n_insns += n;
	return 0;
}
