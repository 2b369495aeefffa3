/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/seccomp/seccomp_optimize.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/seccomp/seccomp_eval.h"
#include "util/cleanup.h"

#define OFF_NR	   offsetof(struct seccomp_data, nr)
#define OFF_ARCH   offsetof(struct seccomp_data, arch)
#define MAX_ARCHES 16
/* Paths followed in all: libseccomp's dispatch of a large profile takes a few thousand. */
#define WALK_BUDGET 1000000

/* ---- the original's dispatch, as ranges of syscall numbers ---- */

/* Where a range of numbers ends up: a return, or the original's instruction at pc, which loads
 * an argument (or the instruction pointer) and starts a test the new program copies. */
struct outcome {
	bool tail;
	uint32_t v; /* the return value, or pc */
};

struct range {
	uint32_t lo, hi;
	struct outcome out;
};

struct dispatch {
	uint32_t arch;
	bool other; /* for every architecture the program does not name */
	struct range *v;
	size_t n, cap;
};

enum accumulator { ACC_NONE, ACC_NR, ACC_ARCH };

/* A path through the original: where it is, what the accumulator holds, and the numbers that
 * can be on it. */
struct path {
	uint32_t pc;
	enum accumulator a;
	uint32_t lo, hi;
};

struct analysis {
	const struct sock_filter *prog;
	size_t n;
	uint32_t arches[MAX_ARCHES]; /* the values the architecture is compared with */
	size_t n_arches;
	struct dispatch d[MAX_ARCHES + 1]; /* d[0]: every other architecture */
	size_t n_d;
	struct path *stack;
	size_t n_stack, cap_stack;
	size_t budget;
};

static void *grow(void *v, size_t *cap, size_t need, size_t size)
{
	size_t cap2 = *cap ? *cap * 2 : 64;
	void *p;

	if (need <= *cap)
		return v;
	while (cap2 < need)
		cap2 *= 2;
	p = realloc(v, cap2 * size);
	if (p)
		*cap = cap2;
	return p;
}

static int push_path(struct analysis *an, struct path p)
{
	struct path *s = grow(an->stack, &an->cap_stack, an->n_stack + 1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	an->stack = s;
	an->stack[an->n_stack++] = p;
	return 0;
}

static int add_range(struct dispatch *d, const struct path *p, struct outcome out)
{
	struct range *v = grow(d->v, &d->cap, d->n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	d->v = v;
	d->v[d->n++] = (struct range){p->lo, p->hi, out};
	return 0;
}

static bool named(const struct analysis *an, uint32_t arch)
{
	for (size_t i = 0; i < an->n_arches; i++)
		if (an->arches[i] == arch)
			return true;
	return false;
}

static int note_arch(struct analysis *an, uint32_t arch)
{
	if (named(an, arch))
		return 0;
	if (an->n_arches == MAX_ARCHES)
		return -ENOTSUP;
	an->arches[an->n_arches++] = arch;
	return 0;
}

/* The parts of p's numbers that take the jump and that do not; each one pushed as a path. */
static int split_on_nr(struct analysis *an, const struct path *p, const struct sock_filter *f,
		       uint32_t taken, uint32_t not_taken)
{
	uint32_t k = f->k, lo = p->lo, hi = p->hi;
	int r = 0;

	switch (BPF_OP(f->code)) {
	case BPF_JEQ:
		if (k < lo || k > hi)
			return push_path(an, (struct path){not_taken, ACC_NR, lo, hi});
		r = push_path(an, (struct path){taken, ACC_NR, k, k});
		if (r == 0 && lo < k)
			r = push_path(an, (struct path){not_taken, ACC_NR, lo, k - 1});
		if (r == 0 && k < hi)
			r = push_path(an, (struct path){not_taken, ACC_NR, k + 1, hi});
		return r;
	case BPF_JGT:
		if (k >= hi)
			return push_path(an, (struct path){not_taken, ACC_NR, lo, hi});
		if (k < lo)
			return push_path(an, (struct path){taken, ACC_NR, lo, hi});
		r = push_path(an, (struct path){taken, ACC_NR, k + 1, hi});
		return r ? r : push_path(an, (struct path){not_taken, ACC_NR, lo, k});
	case BPF_JGE:
		if (k <= lo)
			return push_path(an, (struct path){taken, ACC_NR, lo, hi});
		if (k > hi)
			return push_path(an, (struct path){not_taken, ACC_NR, lo, hi});
		r = push_path(an, (struct path){taken, ACC_NR, k, hi});
		return r ? r : push_path(an, (struct path){not_taken, ACC_NR, lo, k - 1});
	case BPF_JSET:
		/* Bits of a range are no range: only a single number. */
		if (lo != hi)
			return -ENOTSUP;
		return push_path(an, (struct path){lo & k ? taken : not_taken, ACC_NR, lo, hi});
	default:
		return -ENOTSUP;
	}
}

/* A jump on path p: 1 when p goes on (p->pc updated), 0 when it was split into new paths. */
static int follow_jump(struct analysis *an, const struct dispatch *d, struct path *p,
		       const struct sock_filter *f)
{
	uint64_t taken = (uint64_t)p->pc + 1 + f->jt, not_taken = (uint64_t)p->pc + 1 + f->jf;
	int r;

	if (BPF_OP(f->code) == BPF_JA) {
		if ((uint64_t)p->pc + 1 + f->k >= an->n)
			return -ENOTSUP;
		p->pc += 1 + f->k;
		return 1;
	}
	if (BPF_SRC(f->code) != BPF_K || taken >= an->n || not_taken >= an->n)
		return -ENOTSUP;
	if (p->a == ACC_ARCH) {
		/* Equality alone keeps every unnamed architecture on one path. */
		if (BPF_OP(f->code) != BPF_JEQ || note_arch(an, f->k) < 0)
			return -ENOTSUP;
		p->pc = (uint32_t)(!d->other && d->arch == f->k ? taken : not_taken);
		return 1;
	}
	if (p->a != ACC_NR)
		return -ENOTSUP;
	r = split_on_nr(an, p, f, (uint32_t)taken, (uint32_t)not_taken);
	return r < 0 ? r : 0;
}

/* One path to its end: a return, an argument's load, or a split. */
static int follow(struct analysis *an, struct dispatch *d, struct path p)
{
	for (;;) {
		const struct sock_filter *f;
		int r;

		if (an->budget-- == 0 || p.pc >= an->n)
			return -ENOTSUP;
		f = &an->prog[p.pc];
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code != (BPF_LD | BPF_W | BPF_ABS))
				return -ENOTSUP;
			if (f->k != OFF_NR && f->k != OFF_ARCH)
				return add_range(d, &p, (struct outcome){true, p.pc});
			p.a = f->k == OFF_NR ? ACC_NR : ACC_ARCH;
			p.pc++;
			break;
		case BPF_RET:
			if (BPF_RVAL(f->code) != BPF_K)
				return -ENOTSUP;
			return add_range(d, &p, (struct outcome){false, f->k});
		case BPF_JMP:
			if ((r = follow_jump(an, d, &p, f)) <= 0)
				return r;
			break;
		default:
			return -ENOTSUP;
		}
	}
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static bool same_outcome(struct outcome a, struct outcome b)
{
	return a.tail == b.tail && a.v == b.v;
}

/* The ranges must cover every number exactly once; neighbours with one outcome merge. */
static int normalize(struct dispatch *d)
{
	size_t out = 0;

	qsort(d->v, d->n, sizeof(*d->v), cmp_range);
	if (d->n == 0 || d->v[0].lo != 0 || d->v[d->n - 1].hi != UINT32_MAX)
		return -ENOTSUP;
	for (size_t i = 1; i < d->n; i++) {
		if (d->v[i].lo != d->v[out].hi + 1)
			return -ENOTSUP;
		if (same_outcome(d->v[i].out, d->v[out].out))
			d->v[out].hi = d->v[i].hi;
		else
			d->v[++out] = d->v[i];
	}
	d->n = out + 1;
	return 0;
}

static int walk_dispatch(struct analysis *an, struct dispatch *d)
{
	int r = push_path(an, (struct path){0, ACC_NONE, 0, UINT32_MAX});

	while (r == 0 && an->n_stack > 0)
		r = follow(an, d, an->stack[--an->n_stack]);
	return r < 0 ? r : normalize(d);
}

/* Every other architecture first, which names the ones the program knows; then each of those,
 * which may name more. */
static int analyze(struct analysis *an)
{
	int r;

	an->d[0].other = true;
	an->n_d = 1;
	if ((r = walk_dispatch(an, &an->d[0])) < 0)
		return r;
	for (size_t i = 0; i < an->n_arches; i++) {
		struct dispatch *d = &an->d[an->n_d++];

		d->arch = an->arches[i];
		if ((r = walk_dispatch(an, d)) < 0)
			return r;
	}
	return 0;
}

static void analysis_free(struct analysis *an)
{
	for (size_t i = 0; i < an->n_d; i++)
		free(an->d[i].v);
	free(an->stack);
}

/* ---- the new program, with labels, laid out at the end ---- */

struct item {
	struct sock_filter f; /* jt, jf, and k of a JA, are set at layout */
	int t, e;	      /* labels: the jump's targets (a JA's is t) */
	bool wide;	      /* a target beyond 255: jcond, ja t, ja e */
};

struct code {
	struct item *v;
	size_t n, cap;
	size_t *label_at; /* label -> index of the item it stands before */
	size_t n_labels, cap_labels;
	int *tail_label; /* original pc -> label, -1 */
	int ret_label[64];
	uint32_t ret_value[64];
	size_t n_rets;
};

static int new_label(struct code *c)
{
	size_t *v = grow(c->label_at, &c->cap_labels, c->n_labels + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	c->label_at = v;
	c->label_at[c->n_labels] = SIZE_MAX;
	return (int)c->n_labels++;
}

static void place(struct code *c, int label)
{
	c->label_at[label] = c->n;
}

static int emit(struct code *c, struct sock_filter f, int t, int e)
{
	struct item *v = grow(c->v, &c->cap, c->n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	c->v = v;
	c->v[c->n] = (struct item){f, t, e, false};
	return (int)c->n++;
}

static int label_of_ret(struct code *c, uint32_t value)
{
	int l;

	for (size_t i = 0; i < c->n_rets; i++)
		if (c->ret_value[i] == value)
			return c->ret_label[i];
	if (c->n_rets == ARRAY_SIZE(c->ret_label))
		return -ENOTSUP;
	if ((l = new_label(c)) < 0)
		return l;
	c->ret_value[c->n_rets] = value;
	c->ret_label[c->n_rets++] = l;
	return l;
}

static int label_of_pc(struct code *c, uint32_t pc)
{
	if (c->tail_label[pc] < 0)
		c->tail_label[pc] = new_label(c);
	return c->tail_label[pc];
}

static int label_of(struct code *c, struct outcome out)
{
	return out.tail ? label_of_pc(c, out.v) : label_of_ret(c, out.v);
}

/* A balanced tree over ranges [i, j]; returns the label where it starts.  A single range is
 * its outcome's label: the parent jumps straight there. */
static int emit_tree(struct code *c, const struct range *v, size_t i, size_t j)
{
	size_t mid = i + (j - i + 1) / 2;
	int l, at, left, right;

	if (i == j)
		return label_of(c, v[i].out);
	if ((l = new_label(c)) < 0)
		return l;
	place(c, l);
	at = emit(c, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, v[mid].lo, 0, 0), -1,
		  -1);
	if (at < 0)
		return at;
	if ((left = emit_tree(c, v, i, mid - 1)) < 0)
		return left;
	if ((right = emit_tree(c, v, mid, j)) < 0)
		return right;
	c->v[at].t = right;
	c->v[at].e = left;
	return l;
}

static int emit_dispatch(struct code *c, const struct dispatch *d)
{
	int l, r;

	if (d->n == 1)
		return label_of(c, d->v[0].out);
	if ((l = new_label(c)) < 0)
		return l;
	place(c, l);
	if (emit(c, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR), -1, -1) < 0)
		return -ENOMEM;
	return (r = emit_tree(c, d->v, 0, d->n - 1)) < 0 ? r : l;
}

/* ld arch; one jeq per named architecture; then each dispatch, every other architecture's
 * first, where the last jeq falls through (a jump to its outcome when it has just one). */
static int emit_dispatches(struct code *c, const struct analysis *an)
{
	int jeq[MAX_ARCHES], other, l;

	if (emit(c, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_ARCH), -1, -1) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < an->n_arches; i++) {
		int next = new_label(c);

		jeq[i] = emit(
		    c, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, an->arches[i], 0, 0),
		    -1, next);
		if (next < 0 || jeq[i] < 0)
			return -ENOMEM;
		place(c, next);
	}
	if ((other = emit_dispatch(c, &an->d[0])) < 0)
		return other;
	if (an->d[0].n == 1 &&
	    emit(c, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 0), other, -1) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < an->n_arches; i++) {
		if ((l = emit_dispatch(c, &an->d[i + 1])) < 0)
			return l;
		c->v[jeq[i]].t = l;
	}
	return 0;
}

static int emit_rets(struct code *c)
{
	for (size_t i = 0; i < c->n_rets; i++) {
		place(c, c->ret_label[i]);
		if (emit(c, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, c->ret_value[i]), -1,
			 -1) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The argument tests: every instruction of the original reachable from where a range reads an
 * argument, in the original's order, with jumps to labels.  They start with that load, so the
 * accumulator carries nothing in; the index register and scratch memory are refused. */
static int mark_reachable(const struct analysis *an, const struct code *c, bool *reach)
{
	for (size_t pc = 0; pc < an->n; pc++) {
		const struct sock_filter *f = &an->prog[pc];
		uint16_t cls = BPF_CLASS(f->code);

		if (c->tail_label[pc] >= 0)
			reach[pc] = true;
		if (!reach[pc] || cls == BPF_RET)
			continue;
		if (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX || cls == BPF_MISC ||
		    (cls == BPF_LD && BPF_MODE(f->code) == BPF_MEM) ||
		    ((cls == BPF_ALU || cls == BPF_JMP) && BPF_SRC(f->code) == BPF_X))
			return -ENOTSUP;
		if (cls != BPF_JMP) {
			if (pc + 1 >= an->n)
				return -ENOTSUP;
			reach[pc + 1] = true;
		} else if (BPF_OP(f->code) == BPF_JA) {
			if ((uint64_t)pc + 1 + f->k >= an->n)
				return -ENOTSUP;
			reach[pc + 1 + f->k] = true;
		} else {
			if (pc + 1 + f->jt >= an->n || pc + 1 + f->jf >= an->n)
				return -ENOTSUP;
			reach[pc + 1 + f->jt] = reach[pc + 1 + f->jf] = true;
		}
	}
	return 0;
}

static int emit_tails(struct code *c, const struct analysis *an)
{
	_cleanup_free_ bool *reach = calloc(an->n, sizeof(*reach));
	int r;

	if (!reach)
		return -ENOMEM;
	if ((r = mark_reachable(an, c, reach)) < 0)
		return r;
	for (uint32_t pc = 0; pc < an->n; pc++) {
		struct sock_filter f = an->prog[pc];
		int t = -1, e = -1, l;

		if (!reach[pc])
			continue;
		if ((l = label_of_pc(c, pc)) < 0)
			return l;
		place(c, l);
		if (BPF_CLASS(f.code) == BPF_JMP && BPF_OP(f.code) == BPF_JA) {
			if ((t = label_of_pc(c, pc + 1 + f.k)) < 0)
				return t;
		} else if (BPF_CLASS(f.code) == BPF_JMP) {
			if ((t = label_of_pc(c, pc + 1 + f.jt)) < 0 ||
			    (e = label_of_pc(c, pc + 1 + f.jf)) < 0)
				return -ENOMEM;
		}
		if (emit(c, f, t, e) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Offsets from labels.  A conditional jump reaches 255 instructions: one that must go further
 * becomes jcond/ja/ja, and the layout is redone until nothing changes (it only grows). */
static void positions(const struct code *c, size_t *pos)
{
	size_t p = 0;

	for (size_t i = 0; i < c->n; i++) {
		pos[i] = p;
		p += c->v[i].wide ? 3 : 1;
	}
	pos[c->n] = p;
}

static bool is_conditional(const struct item *it)
{
	return BPF_CLASS(it->f.code) == BPF_JMP && BPF_OP(it->f.code) != BPF_JA;
}

static int layout(struct code *c, size_t *pos)
{
	bool changed = true;

	for (size_t l = 0; l < c->n_labels; l++)
		if (c->label_at[l] == SIZE_MAX)
			return -ENOTSUP; /* a label never placed: a bug, not a program */
	for (size_t i = 0; i < c->n; i++)
		if (BPF_CLASS(c->v[i].f.code) == BPF_JMP &&
		    (c->v[i].t < 0 || (is_conditional(&c->v[i]) && c->v[i].e < 0)))
			return -ENOTSUP;
	while (changed) {
		changed = false;
		positions(c, pos);
		for (size_t i = 0; i < c->n; i++) {
			struct item *it = &c->v[i];

			if (!is_conditional(it) || it->wide)
				continue;
			if (pos[c->label_at[it->t]] - pos[i] - 1 > 255 ||
			    pos[c->label_at[it->e]] - pos[i] - 1 > 255)
				it->wide = changed = true;
		}
	}
	for (size_t i = 0; i < c->n; i++)
		if (BPF_CLASS(c->v[i].f.code) == BPF_JMP &&
		    (pos[c->label_at[c->v[i].t]] <= pos[i] ||
		     (is_conditional(&c->v[i]) && pos[c->label_at[c->v[i].e]] <= pos[i])))
			return -ENOTSUP; /* backwards: never */
	return pos[c->n] <= BPF_MAXINSNS ? 0 : -ENOTSUP;
}

static void materialize(const struct code *c, const size_t *pos, struct sock_filter *out)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct item *it = &c->v[i];
		size_t p = pos[i], t = it->t >= 0 ? pos[c->label_at[it->t]] : 0,
		       e = it->e >= 0 ? pos[c->label_at[it->e]] : 0;
		struct sock_filter f = it->f;

		if (BPF_CLASS(f.code) == BPF_JMP && BPF_OP(f.code) == BPF_JA) {
			f.k = (uint32_t)(t - p - 1);
		} else if (it->wide) {
			f.jt = 0, f.jf = 1;
			out[p + 1] =
			    (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(t - p - 2));
			out[p + 2] =
			    (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(e - p - 3));
		} else if (is_conditional(it)) {
			f.jt = (uint8_t)(t - p - 1), f.jf = (uint8_t)(e - p - 1);
		}
		out[p] = f;
	}
}

static void code_free(struct code *c)
{
	free(c->v);
	free(c->label_at);
	free(c->tail_label);
}

/* ---- the check ---- */

static bool same_verdict(const struct sock_filter *a, size_t na, const struct sock_filter *b,
			 size_t nb, const struct seccomp_call *call)
{
	uint32_t va = 0, vb = 0;
	int ra = seccomp_eval(a, na, call, &va), rb = seccomp_eval(b, nb, call, &vb);

	return ra == rb && va == vb;
}

/* Both programs on the edges and the middle of every range, for every architecture, with
 * arguments of all zeros and all ones. */
static bool equivalent(const struct analysis *an, const struct sock_filter *out, size_t n_out)
{
	uint32_t other = 0;

	while (named(an, other))
		other++;
	for (size_t i = 0; i < an->n_d; i++) {
		const struct dispatch *d = &an->d[i];

		for (size_t j = 0; j < d->n; j++) {
			const struct range *r = &d->v[j];
			const uint32_t nrs[] = {r->lo, r->hi, r->lo + (r->hi - r->lo) / 2};

			for (size_t k = 0; k < ARRAY_SIZE(nrs) * 2; k++) {
				struct seccomp_call call = {.nr = nrs[k / 2],
							    .arch = d->other ? other : d->arch,
							    .known_args = 0x3f};

				if (k % 2)
					memset(call.args, 0xff, sizeof(call.args));
				if (!same_verdict(an->prog, an->n, out, n_out, &call))
					return false;
			}
		}
	}
	return true;
}

int seccomp_optimize(const struct sock_filter *prog, size_t n, struct sock_filter **ret,
		     size_t *ret_n)
{
	struct analysis an = {.prog = prog, .n = n, .budget = WALK_BUDGET};
	struct code c = {0};
	_cleanup_free_ size_t *pos = NULL;
	struct sock_filter *out = NULL;
	int r;

	if (n == 0 || n > BPF_MAXINSNS)
		return -ENOTSUP;
	c.tail_label = malloc(n * sizeof(*c.tail_label));
	r = c.tail_label ? analyze(&an) : -ENOMEM;
	if (r == 0) {
		memset(c.tail_label, 0xff, n * sizeof(*c.tail_label));
		r = emit_dispatches(&c, &an);
	}
	if (r == 0 && (r = emit_rets(&c)) == 0 && (r = emit_tails(&c, &an)) == 0)
		r = (pos = malloc((c.n + 1) * sizeof(*pos))) ? layout(&c, pos) : -ENOMEM;
	if (r == 0 && pos[c.n] >= n)
		r = -ENOTSUP;
	if (r == 0 && !(out = malloc(pos[c.n] * sizeof(*out))))
		r = -ENOMEM;
	if (r == 0) {
		materialize(&c, pos, out);
		if (!equivalent(&an, out, pos[c.n]))
			r = -ENOTSUP;
	}
	if (r == 0) {
		*ret = out;
		*ret_n = pos[c.n];
	} else {
		free(out);
	}
	code_free(&c);
	analysis_free(&an);
	return r;
}
