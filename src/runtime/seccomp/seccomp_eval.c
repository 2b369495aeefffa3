/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/seccomp/seccomp_eval.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>

/* The machine: the accumulator, the index register and the 16 words of scratch memory, as
 * classic BPF has them (all 32 bits wide). */
struct machine {
	const struct seccomp_call *call;
	uint32_t a, x;
	uint32_t mem[BPF_MEMWORDS];
	uint32_t written; /* bit i: mem[i] has been stored to */
};

/* A 32-bit word of struct seccomp_data at offset k, as the kernel lays it out (little-endian
 * halves of the 64-bit instruction pointer and arguments). */
static int load_data_word(const struct machine *m, uint32_t k, uint32_t *ret)
{
	const struct seccomp_call *c = m->call;
	size_t arg;

	if (k % 4 || k >= sizeof(struct seccomp_data))
		return -EINVAL;
	if (k == offsetof(struct seccomp_data, nr)) {
		*ret = c->nr;
		return 0;
	}
	if (k == offsetof(struct seccomp_data, arch)) {
		*ret = c->arch;
		return 0;
	}
	if (k < offsetof(struct seccomp_data, args))
		return -ENODATA; /* the instruction pointer */
	arg = (k - offsetof(struct seccomp_data, args)) / 8;
	if (!(c->known_args & (1u << arg)))
		return -ENODATA;
	*ret = (uint32_t)(c->args[arg] >> (k % 8 ? 32 : 0));
	return 0;
}

static int step_load(struct machine *m, const struct sock_filter *f)
{
	uint32_t *reg = BPF_CLASS(f->code) == BPF_LD ? &m->a : &m->x;

	if (BPF_SIZE(f->code) != BPF_W)
		return -EINVAL;
	switch (BPF_MODE(f->code)) {
	case BPF_ABS:
		return BPF_CLASS(f->code) == BPF_LD ? load_data_word(m, f->k, reg) : -EINVAL;
	case BPF_LEN:
		*reg = sizeof(struct seccomp_data);
		return 0;
	case BPF_IMM:
		*reg = f->k;
		return 0;
	case BPF_MEM:
		if (f->k >= BPF_MEMWORDS || !(m->written & (1u << f->k)))
			return -EINVAL;
		*reg = m->mem[f->k];
		return 0;
	default:
		return -EINVAL;
	}
}

static int step_store(struct machine *m, const struct sock_filter *f)
{
	if (f->k >= BPF_MEMWORDS)
		return -EINVAL;
	m->mem[f->k] = BPF_CLASS(f->code) == BPF_ST ? m->a : m->x;
	m->written |= 1u << f->k;
	return 0;
}

/* The operations seccomp admits (no modulo); 32-bit arithmetic.  Division by a zero index
 * register ends the program with 0, as in the kernel: step_alu() returns 1 for that. */
static int step_alu(struct machine *m, const struct sock_filter *f)
{
	uint32_t v = BPF_SRC(f->code) == BPF_X ? m->x : f->k;

	switch (BPF_OP(f->code)) {
	case BPF_ADD:
		m->a += v;
		return 0;
	case BPF_SUB:
		m->a -= v;
		return 0;
	case BPF_MUL:
		m->a *= v;
		return 0;
	case BPF_AND:
		m->a &= v;
		return 0;
	case BPF_OR:
		m->a |= v;
		return 0;
	case BPF_XOR:
		m->a ^= v;
		return 0;
	case BPF_NEG:
		m->a = -m->a;
		return 0;
	case BPF_DIV:
		if (v == 0)
			return BPF_SRC(f->code) == BPF_X ? 1 : -EINVAL;
		m->a /= v;
		return 0;
	case BPF_LSH:
	case BPF_RSH:
		/* A constant shift of 32 or more is refused; by the index register it is what the
		 * JIT makes of it: no verdict. */
		if (v >= 32)
			return BPF_SRC(f->code) == BPF_X ? -ENODATA : -EINVAL;
		m->a = BPF_OP(f->code) == BPF_LSH ? m->a << v : m->a >> v;
		return 0;
	default:
		return -EINVAL;
	}
}

static int jump_taken(const struct machine *m, const struct sock_filter *f, bool *ret)
{
	uint32_t v = BPF_SRC(f->code) == BPF_X ? m->x : f->k;

	switch (BPF_OP(f->code)) {
	case BPF_JEQ:
		*ret = m->a == v;
		return 0;
	case BPF_JGT:
		*ret = m->a > v;
		return 0;
	case BPF_JGE:
		*ret = m->a >= v;
		return 0;
	case BPF_JSET:
		*ret = (m->a & v) != 0;
		return 0;
	default:
		return -EINVAL;
	}
}

/* The index of the next instruction after the jump at pc, or -EINVAL past the end. */
static long step_jump(const struct machine *m, const struct sock_filter *f, size_t pc, size_t n)
{
	uint64_t next;
	bool taken;

	if (BPF_OP(f->code) == BPF_JA) {
		next = (uint64_t)pc + 1 + f->k;
	} else {
		int r = jump_taken(m, f, &taken);

		if (r < 0)
			return r;
		next = pc + 1 + (taken ? f->jt : f->jf);
	}
	return next < n ? (long)next : -EINVAL;
}

static int step_misc(struct machine *m, const struct sock_filter *f)
{
	switch (BPF_MISCOP(f->code)) {
	case BPF_TAX:
		m->x = m->a;
		return 0;
	case BPF_TXA:
		m->a = m->x;
		return 0;
	default:
		return -EINVAL;
	}
}

int seccomp_eval(const struct sock_filter *insns, size_t n, const struct seccomp_call *call,
		 uint32_t *ret_action)
{
	struct machine m = {.call = call};
	size_t pc = 0;
	long next;
	int r;

	if (n == 0 || n > BPF_MAXINSNS || BPF_CLASS(insns[n - 1].code) != BPF_RET)
		return -EINVAL;
	/* Every jump goes forward: the loop ends within n steps. */
	for (;;) {
		const struct sock_filter *f = &insns[pc];

		switch (BPF_CLASS(f->code)) {
		case BPF_RET:
			if (BPF_RVAL(f->code) != BPF_K && BPF_RVAL(f->code) != BPF_A)
				return -EINVAL;
			*ret_action = BPF_RVAL(f->code) == BPF_K ? f->k : m.a;
			return 0;
		case BPF_JMP:
			if ((next = step_jump(&m, f, pc, n)) < 0)
				return (int)next;
			pc = (size_t)next;
			continue;
		case BPF_LD:
		case BPF_LDX:
			r = step_load(&m, f);
			break;
		case BPF_ST:
		case BPF_STX:
			r = step_store(&m, f);
			break;
		case BPF_ALU:
			r = step_alu(&m, f);
			break;
		case BPF_MISC:
			r = step_misc(&m, f);
			break;
		default:
			r = -EINVAL;
			break;
		}
		if (r < 0)
			return r;
		if (r > 0) { /* division by zero */
			*ret_action = 0;
			return 0;
		}
		if (++pc >= n)
			return -EINVAL;
	}
}
