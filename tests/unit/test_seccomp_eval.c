/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for seccomp_eval() (a filter's verdict worked out in user space), for
 * seccomp_optimize() (libseccomp's program with its dispatch rebuilt) and for where the init
 * loads its filter (init_filter_point()).
 *
 * The evaluator is checked instruction by instruction on hand-written programs, including every
 * program the kernel would refuse, and then against the kernel itself: filters compiled by
 * libseccomp are loaded in a child, which makes the calls; what the kernel did must be what
 * seccomp_eval() said it would do.  The optimized programs are then held to libseccomp's on
 * every architecture, on the first 1100 numbers plain and with the x32 bit, on the edges of the
 * number space, and with arguments that hit and miss every rule. */
#include "config.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "runtime/seccomp/init_filter.h"
#include "util/json_walk.h"
#include "runtime/seccomp/seccomp.h"
#include "runtime/seccomp/seccomp_build.h"
#include "runtime/spec/seccomp_config.h"
#include "runtime/seccomp/seccomp_eval.h"
#include "runtime/seccomp/seccomp_optimize.h"
#include "runtime/seccomp/seccomp_profile.h"
#include "util/cleanup.h"
#include "util/jsongen.h"

#define ARCH AUDIT_ARCH_X86_64

#define LD_ABS(k)      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, k)
#define RET_K(k)       BPF_STMT(BPF_RET | BPF_K, k)
#define RET_A	       BPF_STMT(BPF_RET | BPF_A, 0)
#define JEQ_K(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, t, f)

static const size_t OFF_NR = offsetof(struct seccomp_data, nr);
static const size_t OFF_ARCH = offsetof(struct seccomp_data, arch);
static const size_t OFF_IP = offsetof(struct seccomp_data, instruction_pointer);

static size_t off_arg(int i, bool high)
{
	return offsetof(struct seccomp_data, args) + 8 * (size_t)i + (high ? 4 : 0);
}

/* The verdict of prog on call, or the negative errno. */
static long eval(const struct sock_filter *prog, size_t n, const struct seccomp_call *call)
{
	uint32_t action = 0xdeadbeef;
	int r = seccomp_eval(prog, n, call, &action);

	return r < 0 ? r : (long)action;
}

#define EVAL(prog, call) eval(prog, ARRAY_SIZE(prog), call)

static void test_loads(void)
{
	const struct seccomp_call call = {
	    .nr = 39, .arch = ARCH, .args = {0x1122334455667788ull, 7}, .known_args = 1};
	const struct sock_filter nr[] = {LD_ABS(OFF_NR), RET_A};
	const struct sock_filter arch[] = {LD_ABS(OFF_ARCH), RET_A};
	const struct sock_filter lo[] = {LD_ABS(off_arg(0, false)), RET_A};
	const struct sock_filter hi[] = {LD_ABS(off_arg(0, true)), RET_A};
	const struct sock_filter open_arg[] = {LD_ABS(off_arg(1, false)), RET_A};
	const struct sock_filter ip[] = {LD_ABS(OFF_IP), RET_A};
	const struct sock_filter len[] = {BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), RET_A};
	const struct sock_filter ldx_len[] = {BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
					      BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A};
	const struct sock_filter misaligned[] = {LD_ABS(2), RET_A};
	const struct sock_filter beyond[] = {LD_ABS(sizeof(struct seccomp_data)), RET_A};
	const struct sock_filter half[] = {BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), RET_A};
	const struct sock_filter ldx_abs[] = {BPF_STMT(BPF_LDX | BPF_W | BPF_ABS, 0), RET_A};

	UNIT_CHECK(EVAL(nr, &call) == 39, "the syscall number");
	UNIT_CHECK(EVAL(arch, &call) == ARCH, "the architecture");
	UNIT_CHECK(EVAL(lo, &call) == 0x55667788, "an argument's low half");
	UNIT_CHECK(EVAL(hi, &call) == 0x11223344, "an argument's high half");
	UNIT_CHECK(EVAL(open_arg, &call) == -ENODATA, "an argument left open: no verdict");
	UNIT_CHECK(EVAL(ip, &call) == -ENODATA, "the instruction pointer: no verdict");
	UNIT_CHECK(EVAL(len, &call) == sizeof(struct seccomp_data) &&
		       EVAL(ldx_len, &call) == sizeof(struct seccomp_data),
		   "LEN loads the size of seccomp_data");
	UNIT_CHECK(EVAL(misaligned, &call) == -EINVAL && EVAL(beyond, &call) == -EINVAL &&
		       EVAL(half, &call) == -EINVAL && EVAL(ldx_abs, &call) == -EINVAL,
		   "misaligned, out of range, half-word and LDX ABS loads are refused");
}

static long alu(uint16_t op, uint32_t a, uint32_t k)
{
	const struct seccomp_call call = {.arch = ARCH};
	const struct sock_filter prog[] = {
	    BPF_STMT(BPF_LD | BPF_IMM, a),
	    BPF_STMT(BPF_ALU | op | BPF_K, k),
	    RET_A,
	};

	return EVAL(prog, &call);
}

static long alu_x(uint16_t op, uint32_t a, uint32_t x)
{
	const struct seccomp_call call = {.arch = ARCH};
	const struct sock_filter prog[] = {
	    BPF_STMT(BPF_LDX | BPF_IMM, x),
	    BPF_STMT(BPF_LD | BPF_IMM, a),
	    BPF_STMT(BPF_ALU | op | BPF_X, 0),
	    RET_A,
	};

	return EVAL(prog, &call);
}

static void test_alu(void)
{
	UNIT_CHECK(alu(BPF_ADD, 0xfffffff0u, 0x20) == 0x10, "add wraps at 32 bits");
	UNIT_CHECK(alu(BPF_SUB, 1, 2) == 0xffffffffu, "sub wraps");
	UNIT_CHECK(alu(BPF_MUL, 0x10000, 0x10001) == 0x10000, "mul wraps");
	UNIT_CHECK(alu(BPF_DIV, 100, 7) == 14, "div");
	UNIT_CHECK(alu(BPF_AND, 0xf0f0, 0xff00) == 0xf000 && alu(BPF_OR, 0xf0, 0x0f) == 0xff &&
		       alu(BPF_XOR, 0xff, 0x0f) == 0xf0,
		   "and, or, xor");
	UNIT_CHECK(alu(BPF_LSH, 1, 31) == 0x80000000u && alu(BPF_RSH, 0x80000000u, 31) == 1,
		   "shifts");
	UNIT_CHECK(alu(BPF_NEG, 1, 0) == 0xffffffffu, "neg");
	UNIT_CHECK(alu(BPF_DIV, 1, 0) == -EINVAL, "division by a zero constant is refused");
	UNIT_CHECK(alu(BPF_LSH, 1, 32) == -EINVAL, "a constant shift of 32 is refused");
	UNIT_CHECK(alu(BPF_MOD, 7, 2) == -EINVAL, "modulo is not among seccomp's operations");
	UNIT_CHECK(alu_x(BPF_DIV, 100, 0) == 0, "division by a zero X ends the program with 0");
	UNIT_CHECK(alu_x(BPF_DIV, 100, 3) == 33 && alu_x(BPF_SUB, 5, 3) == 2, "X operands");
	UNIT_CHECK(alu_x(BPF_LSH, 1, 33) == -ENODATA, "a shift by 33 in X: no verdict");
}

static void test_memory_and_misc(void)
{
	const struct seccomp_call call = {.nr = 5, .arch = ARCH};
	const struct sock_filter stored[] = {
	    LD_ABS(OFF_NR),
	    BPF_STMT(BPF_ST, 15),
	    BPF_STMT(BPF_LD | BPF_IMM, 0),
	    BPF_STMT(BPF_LDX | BPF_MEM, 15),
	    BPF_STMT(BPF_MISC | BPF_TXA, 0),
	    BPF_STMT(BPF_MISC | BPF_TAX, 0),
	    BPF_STMT(BPF_STX, 3),
	    BPF_STMT(BPF_LD | BPF_MEM, 3),
	    RET_A,
	};
	const struct sock_filter unwritten[] = {BPF_STMT(BPF_LD | BPF_MEM, 2), RET_A};
	const struct sock_filter out_of_range[] = {BPF_STMT(BPF_ST, 16), RET_K(0)};
	const struct sock_filter bad_misc[] = {BPF_STMT(BPF_MISC | 0x10, 0), RET_K(0)};

	UNIT_CHECK(EVAL(stored, &call) == 5,
		   "ST, LDX MEM, TXA, TAX, STX and LD MEM carry the value");
	UNIT_CHECK(EVAL(unwritten, &call) == -EINVAL, "a read of unwritten memory is refused");
	UNIT_CHECK(EVAL(out_of_range, &call) == -EINVAL, "memory beyond 16 words is refused");
	UNIT_CHECK(EVAL(bad_misc, &call) == -EINVAL, "an unknown MISC operation is refused");
}

static void test_jumps(void)
{
	const struct sock_filter prog[] = {
	    LD_ABS(OFF_NR),
	    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 100, 0, 2),
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 3),
	    RET_K(1), /* > 100, odd */
	    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 50, 0, 1),
	    RET_K(2), /* 50..100 */
	    BPF_STMT(BPF_JMP | BPF_JA, 1),
	    RET_K(99), /* never: jumped over */
	    RET_K(3),  /* < 50, or > 100 and even */
	};
	const struct sock_filter past_end[] = {JEQ_K(0, 5, 0), RET_K(0)};
	const struct sock_filter ja_past_end[] = {BPF_STMT(BPF_JMP | BPF_JA, 0xffffffffu),
						  RET_K(0)};
	const struct sock_filter no_ret[] = {LD_ABS(OFF_NR)};
	const struct sock_filter falls_off[] = {RET_K(0), LD_ABS(OFF_NR)};
	struct seccomp_call call = {.arch = ARCH};
	const uint32_t nrs[] = {101, 102, 100, 50, 49, 0};
	const long want[] = {1, 3, 2, 2, 3, 3};

	for (size_t i = 0; i < ARRAY_SIZE(nrs); i++) {
		call.nr = nrs[i];
		UNIT_CHECK(EVAL(prog, &call) == want[i], "JGT, JSET, JGE, JA: nr %u gives %ld",
			   nrs[i], want[i]);
	}
	UNIT_CHECK(EVAL(past_end, &call) == -EINVAL && EVAL(ja_past_end, &call) == -EINVAL,
		   "a jump past the end is refused");
	UNIT_CHECK(EVAL(no_ret, &call) == -EINVAL && EVAL(falls_off, &call) == -EINVAL,
		   "a program must end with a return");
	UNIT_CHECK(seccomp_eval(prog, 0, &call, &(uint32_t){0}) == -EINVAL, "an empty program");
}

/* ---- against the kernel ---- */

/* The program for a linux.seccomp written with single quotes: seccomp_build_bpf()'s, or
 * libseccomp's own when raw. */
static int build_as(const char *json_sq, bool raw, struct seccomp_bpf *bpf)
{
	_cleanup_free_ char *text = sq(json_sq);
	struct seccomp_config cfg = {0};
	struct iso_error err = {0};
	yajl_val tree = NULL;
	int r = json_parse_tree(text, strlen(text), "config.json", &tree, &err);

	if (r == 0)
		r = seccomp_config_from_spec(tree, &cfg, &err);
	if (r == 0)
		r = raw ? seccomp_build_bpf_libseccomp(&cfg, bpf, &err)
			: seccomp_build_bpf(&cfg, bpf, &err);
	if (r < 0)
		printf("#   %s\n", err.msg);
	seccomp_config_free(&cfg);
	if (tree)
		yajl_tree_free(tree);
	return r;
}

static int build(const char *json_sq, struct seccomp_bpf *bpf)
{
	return build_as(json_sq, false, bpf);
}

/* What the kernel does with call under bpf, in a child: the action it took, as
 * SECCOMP_RET_ERRNO|errno for a failed call, SECCOMP_RET_ALLOW for one that went through (the
 * calls are chosen so that none fails on its own), and SECCOMP_RET_KILL_PROCESS for a child
 * killed by SIGSYS. */
static long kernel_verdict(const struct seccomp_bpf *bpf, const struct seccomp_call *call)
{
	struct sock_fprog prog = {(unsigned short)bpf->n_insns, bpf->insns};
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		long r;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			_exit(255);
		r = syscall(call->nr, call->args[0], call->args[1], call->args[2], call->args[3],
			    call->args[4], call->args[5]);
		_exit(r < 0 ? (errno > 0 && errno < 255 ? errno : 254) : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGSYS ? (long)SECCOMP_RET_KILL_PROCESS : -EINTR;
	if (WEXITSTATUS(status) == 255)
		return -EPERM;
	return WEXITSTATUS(status) ? SECCOMP_RET_ERRNO | WEXITSTATUS(status) : SECCOMP_RET_ALLOW;
}

/* Each call made under bpf in a child: the kernel must do what seccomp_eval() says. */
static void check_kernel_agrees(const char *what, const struct seccomp_bpf *bpf,
				const struct seccomp_call *calls, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct seccomp_call c = calls[i];
		uint32_t want = 0;

		c.arch = ARCH;
		c.known_args = 0x3f;
		UNIT_CHECK(seccomp_eval(bpf->insns, bpf->n_insns, &c, &want) == 0 &&
			       kernel_verdict(bpf, &c) == (long)want,
			   "%s, call %zu (nr %u, arg0 %#llx): the kernel does what seccomp_eval() "
			   "says (%#x)",
			   what, i, c.nr, (unsigned long long)c.args[0], want);
	}
}

static void test_against_kernel(void)
{
	struct seccomp_bpf bpf = {0};
	const struct seccomp_call calls[] = {
	    {.nr = __NR_getpid},
	    {.nr = __NR_getppid, .args = {3}},
	    {.nr = __NR_getppid, .args = {6}},
	    {.nr = __NR_getppid, .args = {6, 1}},
	    {.nr = __NR_personality, .args = {8}},
	    {.nr = __NR_personality, .args = {0xffffffffu}},
	    {.nr = __NR_personality, .args = {0x12310}},
	    {.nr = __NR_getuid, .args = {0x100000000ull}},
	    {.nr = __NR_getuid, .args = {1}},
	    {.nr = __NR_getgid},
	    {.nr = __NR_getegid, .args = {0, 0, 0, 0, 0, 77}},
	};
	int r = build("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
		      "{'names': ['getpid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 201},"
		      "{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 202, "
		      " 'args': [{'index': 0, 'value': 5, 'op': 'SCMP_CMP_GT'}]},"
		      "{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 203, "
		      " 'args': [{'index': 0, 'value': 6, 'op': 'SCMP_CMP_EQ'},"
		      "          {'index': 1, 'value': 1, 'op': 'SCMP_CMP_EQ'}]},"
		      "{'names': ['personality'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 204, "
		      " 'args': [{'index': 0, 'value': 255, 'valueTwo': 16, 'op': "
		      "'SCMP_CMP_MASKED_EQ'}]},"
		      "{'names': ['personality'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 205, "
		      " 'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]},"
		      "{'names': ['getuid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 206, "
		      " 'args': [{'index': 0, 'value': 4294967295, 'op': 'SCMP_CMP_GT'}]},"
		      "{'names': ['getgid'], 'action': 'SCMP_ACT_KILL_PROCESS'},"
		      "{'names': ['getegid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 207, "
		      " 'args': [{'index': 5, 'value': 77, 'op': 'SCMP_CMP_NE'}]}]}",
		      &bpf);

	UNIT_CHECK(r == 0, "a filter with errnos, argument rules and a kill compiles");
	if (r < 0)
		return;
	check_kernel_agrees("errnos, argument rules, a kill", &bpf, calls, ARRAY_SIZE(calls));
	seccomp_bpf_free(&bpf);
}

/* ---- seccomp_optimize() ---- */

/* Every architecture the programs name and some they do not; numbers around 0, the x32 bit and
 * the top; arguments of zeros, ones, the rules' values and their neighbours.  Returns how many
 * calls got a different verdict. */
static size_t differences(const struct seccomp_bpf *a, const struct seccomp_bpf *b)
{
	static const uint32_t arches[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0,
					  0xffffffffu};
	static const uint64_t values[] = {
	    0, 1, 7, 8, 9, 10, 0x20000, 0x20008, 0x7e020000, 0xffffffffu, 0x100000000ull, ~0ull};
	static const uint32_t edges[] = {0x7fffffffu, 0x80000000u, 0xbfffffffu, 0xfffffffeu,
					 0xffffffffu};
	size_t bad = 0;

	for (size_t ai = 0; ai < ARRAY_SIZE(arches); ai++) {
		for (uint32_t i = 0; i < 2 * 1100 + ARRAY_SIZE(edges); i++) {
			struct seccomp_call c = {.arch = arches[ai], .known_args = 0x3f};

			c.nr = i < 1100 ? i : i < 2200 ? 0x40000000u + i - 1100 : edges[i - 2200];
			for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
				uint32_t x = 1, y = 2;
				int rx, ry;

				for (int k = 0; k < 6; k++)
					c.args[k] =
					    values[(v + (size_t)k * 5) % ARRAY_SIZE(values)];
				rx = seccomp_eval(a->insns, a->n_insns, &c, &x);
				ry = seccomp_eval(b->insns, b->n_insns, &c, &y);
				bad += rx != ry || x != y;
			}
		}
	}
	return bad;
}

static void check_optimized(const char *what, const char *json_sq, double at_most)
{
	struct seccomp_bpf raw = {0}, small = {0};

	if (build_as(json_sq, true, &raw) < 0 || build(json_sq, &small) < 0) {
		UNIT_CHECK(false, "%s: builds", what);
		return;
	}
	UNIT_CHECK(small.n_insns <= raw.n_insns * at_most, "%s: %zu instructions, libseccomp's %zu",
		   what, small.n_insns, raw.n_insns);
	UNIT_CHECK(differences(&raw, &small) == 0, "%s: the same verdict on every call tried",
		   what);
	seccomp_bpf_free(&raw);
	seccomp_bpf_free(&small);
}

static char *default_profile_json(void)
{
	struct seccomp_profile_target t = {.bounding = ~0ull, .kernel_major = 6};
	struct seccomp_config cfg = {0};
	struct iso_error err = {0};
	_cleanup_free_ char *path = NULL;
	char *text = NULL;
	yajl_gen g;

	if (seccomp_profile_default_path(&path, &err) < 0 ||
	    seccomp_profile_convert_file(path, &t, &cfg, &err) < 0) {
		printf("#   %s\n", err.msg);
		return NULL;
	}
	g = jsongen_new(false);
	seccomp_config_gen(g, &cfg, false);
	if (jsongen_finish(g, &text, NULL, &err) < 0)
		text = NULL;
	seccomp_config_free(&cfg);
	/* build() turns single quotes into double ones: the profile has none. */
	return text;
}

static void test_optimize_profiles(void)
{
	_cleanup_free_ char *def = default_profile_json();

	UNIT_CHECK(def != NULL, "the default profile converts");
	if (def) {
		_cleanup_free_ char *three = NULL;
		const char *arch = strstr(def, "\"SCMP_ARCH_X86_64\"");

		check_optimized("the default profile", def, 0.35);
		/* The same with x86 and x32, whose numbers libseccomp tests apart. */
		if (arch &&
		    asprintf(&three,
			     "%.*s\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", "
			     "\"SCMP_ARCH_X32\"%s",
			     (int)(arch - def), def, arch + strlen("\"SCMP_ARCH_X86_64\"")) > 0)
			check_optimized("the default profile on three architectures", three, 0.5);
		else
			UNIT_CHECK(false, "the default profile names its architecture");
	}
	/* Small enough for libseccomp's own program to be as short: left alone, the same. */
	check_optimized(
	    "three architectures, arguments, every action",
	    "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, 'architectures': "
	    "['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], 'syscalls': ["
	    "{'names': ['read', 'write', 'close', 'exit', 'exit_group', 'mmap', 'brk', 'openat', "
	    "'fstat', 'getpid', 'getppid', 'uname', 'rt_sigaction', 'rt_sigreturn'], 'action': "
	    "'SCMP_ACT_ALLOW'},"
	    "{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 0, "
	    "'value': 8, 'op': 'SCMP_CMP_EQ'}]},"
	    "{'names': ['socket'], 'action': 'SCMP_ACT_KILL_PROCESS', 'args': [{'index': 0, "
	    "'value': 10, 'op': 'SCMP_CMP_EQ'}]},"
	    "{'names': ['clone'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': "
	    "2114060288, 'valueTwo': 0, 'op': 'SCMP_CMP_MASKED_EQ'}]},"
	    "{'names': ['mkdir'], 'action': 'SCMP_ACT_TRAP'},"
	    "{'names': ['rmdir'], 'action': 'SCMP_ACT_LOG'},"
	    "{'names': ['kill'], 'action': 'SCMP_ACT_TRACE', 'errnoRet': 3},"
	    "{'names': ['getuid'], 'action': 'SCMP_ACT_KILL_THREAD'},"
	    "{'names': ['getgid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 9, 'args': [{'index': "
	    "1, 'value': 7, 'op': 'SCMP_CMP_GE'}, {'index': 2, 'value': 9, 'op': "
	    "'SCMP_CMP_LT'}]}]}",
	    1.0);
	check_optimized("an allow-all profile with a few denials",
			"{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['keyctl', "
			"'add_key', 'request_key', 'ptrace', 'unshare', 'setns'], 'action': "
			"'SCMP_ACT_ERRNO'}, {'names': ['socket'], 'action': 'SCMP_ACT_ERRNO', "
			"'args': [{'index': 0, 'value': 16, 'op': 'SCMP_CMP_NE'}]}]}",
			1.0);
}

/* Pseudo-random profiles (a fixed seed: the same ones every run): random names, actions,
 * argument rules and architectures, each optimized program held to libseccomp's. */
static uint32_t next_random(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (*len + (size_t)n + 1 > *cap) {
		*cap = (*len + (size_t)n + 1) * 2;
		*buf = realloc(*buf, *cap);
	}
	va_start(ap, fmt);
	vsnprintf(*buf + *len, *cap - *len, fmt, ap);
	va_end(ap);
	*len += (size_t)n;
}

static const char *random_action(uint32_t *st)
{
	static const char *const actions[] = {
	    "'action': 'SCMP_ACT_ALLOW'",	 "'action': 'SCMP_ACT_ALLOW'",
	    "'action': 'SCMP_ACT_ERRNO'",	 "'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38",
	    "'action': 'SCMP_ACT_KILL_PROCESS'", "'action': 'SCMP_ACT_TRAP'",
	    "'action': 'SCMP_ACT_LOG'"};

	return actions[next_random(st) % ARRAY_SIZE(actions)];
}

/* Runs of neighbouring numbers with one rule each, as real profiles have them; a quarter of
 * the rules test an argument.  A number is named once: libseccomp refuses some repeats. */
static char *random_profile(uint32_t *st)
{
	static const char *const arches[] = {"", ", 'SCMP_ARCH_X86'", ", 'SCMP_ARCH_X32'",
					     ", 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'"};
	static const char *const ops[] = {"SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_GT",
					  "SCMP_CMP_LE", "SCMP_CMP_MASKED_EQ"};
	size_t len = 0, cap = 0, runs = 5 + next_random(st) % 25;
	bool used[460] = {false};
	char *buf = NULL;

	append(&buf, &len, &cap,
	       "{'defaultAction': '%s', 'architectures': ['SCMP_ARCH_X86_64'%s], 'syscalls': [",
	       next_random(st) % 2 ? "SCMP_ACT_ERRNO" : "SCMP_ACT_ALLOW",
	       arches[next_random(st) % ARRAY_SIZE(arches)]);
	for (size_t i = 0; i < runs; i++) {
		unsigned first = next_random(st) % 440, n = 1 + next_random(st) % 30, named = 0;

		append(&buf, &len, &cap, "%s{'names': [", i ? ", " : "");
		for (unsigned nr = first; nr < first + n && nr < ARRAY_SIZE(used); nr++) {
			char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)nr);

			if (name && !used[nr])
				append(&buf, &len, &cap, "%s'%s'", named++ ? ", " : "", name);
			used[nr] = true;
			free(name);
		}
		if (!named)
			append(&buf, &len, &cap, "'getpid'");
		append(&buf, &len, &cap, "], %s", random_action(st));
		if (next_random(st) % 4 == 0)
			append(&buf, &len, &cap,
			       ", 'args': [{'index': %u, 'value': %u, 'valueTwo': %u, 'op': '%s'}]",
			       next_random(st) % 6, next_random(st) % 12, next_random(st) % 12,
			       ops[next_random(st) % ARRAY_SIZE(ops)]);
		append(&buf, &len, &cap, "}");
	}
	append(&buf, &len, &cap, "]}");
	return buf;
}

static void test_optimize_random(void)
{
	uint32_t st = 20261206;
	size_t optimized = 0, same = 0;
	const int profiles = 12;

	for (int i = 0; i < profiles; i++) {
		_cleanup_free_ char *json = random_profile(&st);
		struct seccomp_bpf raw = {0}, small = {0};

		if (build_as(json, true, &raw) == 0 && build(json, &small) == 0) {
			optimized += small.n_insns < raw.n_insns;
			same += differences(&raw, &small) == 0;
		} else {
			printf("#   %s\n", json);
		}
		seccomp_bpf_free(&raw);
		seccomp_bpf_free(&small);
	}
	UNIT_CHECK(same == (size_t)profiles, "%zu of %d random profiles: the same verdicts", same,
		   profiles);
	UNIT_CHECK(optimized >= (size_t)profiles / 2, "%zu of %d random profiles made smaller",
		   optimized, profiles);
}

/* The kernel takes the optimized default profile and does what seccomp_eval() says. */
static void test_optimize_kernel(void)
{
	_cleanup_free_ char *def = default_profile_json();
	struct seccomp_bpf bpf = {0};
	const struct seccomp_call calls[] = {
	    {.nr = __NR_getpid},
	    {.nr = __NR_keyctl},
	    {.nr = __NR_personality, .args = {0xffffffffu}},
	    {.nr = __NR_personality, .args = {0x1234}},
	    {.nr = __NR_umask, .args = {022}},
	};

	if (!def || build(def, &bpf) < 0) {
		UNIT_CHECK(false, "the default profile builds");
		return;
	}
	check_kernel_agrees("the optimized default profile", &bpf, calls, ARRAY_SIZE(calls));
	seccomp_bpf_free(&bpf);
}

/* The verdict of bpf on the call nr of arch with no arguments, or the negative errno. */
static long verdict(const struct seccomp_bpf *bpf, uint32_t arch, uint32_t nr)
{
	const struct seccomp_call c = {.nr = nr, .arch = arch, .known_args = 0x3f};

	return eval(bpf->insns, bpf->n_insns, &c);
}

/* A number above every one the profile names gets ENOSYS where the default denies; one it
 * names, or one below, keeps the default's errno; x32 calls, which the profile does not allow,
 * still meet libseccomp's bad-architecture kill. */
static void test_enosys(void)
{
	_cleanup_free_ char *def = default_profile_json();
	struct seccomp_bpf bpf = {0}, other = {0};
	const struct seccomp_call calls[] = {
	    {.nr = 1000}, {.nr = __NR_keyctl}, {.nr = __NR_getpid}};
	const uint32_t ENOSYS_RET = SECCOMP_RET_ERRNO | ENOSYS,
		       EPERM_RET = SECCOMP_RET_ERRNO | EPERM;

	if (build("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
		  "{'names': ['getpid', 'getppid'], 'action': 'SCMP_ACT_ALLOW'}]}",
		  &bpf) == 0) {
		UNIT_CHECK(verdict(&bpf, ARCH, 1000) == ENOSYS_RET &&
			       verdict(&bpf, ARCH, __NR_getppid + 1) == ENOSYS_RET,
			   "ERRNO default: numbers above getppid get ENOSYS");
		UNIT_CHECK(verdict(&bpf, ARCH, __NR_getppid) == SECCOMP_RET_ALLOW &&
			       verdict(&bpf, ARCH, __NR_getppid - 1) == EPERM_RET,
			   "ERRNO default: getppid is allowed, the number below it EPERM");
		UNIT_CHECK(verdict(&bpf, ARCH, 0x40000000u + 1000) == SECCOMP_RET_KILL_THREAD &&
			       verdict(&bpf, AUDIT_ARCH_I386, 1000) == SECCOMP_RET_KILL_THREAD,
			   "ERRNO default: x32 and i386, not in the filter, are still killed");
	}
	UNIT_CHECK(bpf.insns != NULL, "an ERRNO profile builds");
	seccomp_bpf_free(&bpf);
	if (build("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, 'syscalls': ["
		  "{'names': ['getpid'], 'action': 'SCMP_ACT_ALLOW'}]}",
		  &bpf) == 0 &&
	    build("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 37, 'syscalls': ["
		  "{'names': ['getpid'], 'action': 'SCMP_ACT_ALLOW'}]}",
		  &other) == 0)
		UNIT_CHECK(bpf.n_insns < other.n_insns,
			   "an ENOSYS default gets no checks in front (%zu instructions, %zu)",
			   bpf.n_insns, other.n_insns);
	seccomp_bpf_free(&bpf);
	seccomp_bpf_free(&other);
	if (build("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
		  "{'names': ['getpid'], 'action': 'SCMP_ACT_KILL'}]}",
		  &bpf) == 0)
		UNIT_CHECK(verdict(&bpf, ARCH, 1000) == SECCOMP_RET_ALLOW,
			   "ALLOW default: 1000 goes through to the kernel");
	seccomp_bpf_free(&bpf);
	if (!def || build(def, &bpf) < 0) {
		UNIT_CHECK(false, "the default profile builds");
		return;
	}
	UNIT_CHECK(verdict(&bpf, ARCH, 1000) == ENOSYS_RET &&
		       verdict(&bpf, ARCH, __NR_keyctl) == EPERM_RET,
		   "the default profile: 1000 ENOSYS, keyctl EPERM");
	check_kernel_agrees("the default profile's ENOSYS", &bpf, calls, ARRAY_SIZE(calls));
	seccomp_bpf_free(&bpf);
}

static void test_optimize_refuses(void)
{
	const struct sock_filter uses_x[] = {LD_ABS(OFF_NR), BPF_STMT(BPF_MISC | BPF_TAX, 0),
					     JEQ_K(1, 0, 1), RET_K(0), RET_K(1)};
	const struct sock_filter arch_range[] = {
	    LD_ABS(OFF_ARCH), BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 5, 0, 1),
	    RET_K(0),	      LD_ABS(OFF_NR),
	    JEQ_K(1, 0, 1),   RET_K(0),
	    RET_K(1)};
	const struct sock_filter nothing_loaded[] = {JEQ_K(1, 0, 1), RET_K(0), RET_K(1)};
	const struct sock_filter minimal[] = {LD_ABS(OFF_NR), JEQ_K(1, 0, 1), RET_K(0), RET_K(1)};
	struct sock_filter *out = NULL;
	size_t n = 0;

	UNIT_CHECK(seccomp_optimize(uses_x, ARRAY_SIZE(uses_x), &out, &n) == -ENOTSUP,
		   "the index register: left alone");
	UNIT_CHECK(seccomp_optimize(arch_range, ARRAY_SIZE(arch_range), &out, &n) == -ENOTSUP,
		   "an architecture compared but for equality: left alone");
	UNIT_CHECK(seccomp_optimize(nothing_loaded, ARRAY_SIZE(nothing_loaded), &out, &n) ==
		       -ENOTSUP,
		   "a comparison of nothing loaded: left alone");
	UNIT_CHECK(seccomp_optimize(minimal, ARRAY_SIZE(minimal), &out, &n) == -ENOTSUP,
		   "a program it cannot make smaller: left alone");
	UNIT_CHECK(out == NULL, "nothing returned");
}

/* ---- where the init loads it ---- */

static enum init_filter_point point_for(const char *json_sq, struct init_filter_context c)
{
	struct seccomp_program p = {0};
	enum init_filter_point point;

	if (build(json_sq, &p.bpf) < 0)
		return (enum init_filter_point) - 1;
	point = init_filter_point(&p, &c);
	seccomp_bpf_free(&p.bpf);
	return point;
}

static void test_filter_point(void)
{
	const struct init_filter_context run = {.sync_fd = 5, .fifo_fd = 4, .start_follows = true};
	struct init_filter_context c = run;
	const char *deny_keyctl = "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
				  "['keyctl'], 'action': 'SCMP_ACT_ERRNO'}]}";
	struct seccomp_program none = {0};

	UNIT_CHECK(point_for(deny_keyctl, run) == INIT_FILTER_AT_READY,
		   "run, a filter that allows the init's calls: at SYNC_READY");
	c.start_follows = false;
	UNIT_CHECK(point_for(deny_keyctl, c) == INIT_FILTER_AT_BARRIER,
		   "create: at the barrier, not before SYNC_CREATED");
	c = run;
	c.loaded_in_setup = true;
	UNIT_CHECK(point_for(deny_keyctl, c) == INIT_FILTER_IN_SETUP &&
		       init_filter_point(&none, &run) == INIT_FILTER_IN_SETUP,
		   "loaded in setup, or no filter: nothing for the init to do");
	UNIT_CHECK(point_for("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
			     "['prctl'], 'action': 'SCMP_ACT_ERRNO'}]}",
			     run) == INIT_FILTER_AT_BARRIER,
		   "prctl denied: after SYNC_CREATED's prctl(), at the barrier");
	UNIT_CHECK(
	    point_for("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
		      "['prctl'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': "
		      "1, 'op': 'SCMP_CMP_EQ'}]}]}",
		      run) == INIT_FILTER_AT_BARRIER,
	    "prctl(PR_SET_PDEATHSIG) denied, by its argument: at the barrier");
	UNIT_CHECK(
	    point_for("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
		      "['prctl'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': "
		      "2, 'op': 'SCMP_CMP_EQ'}]}]}",
		      run) == INIT_FILTER_AT_READY,
	    "another prctl() option denied: at SYNC_READY");
	UNIT_CHECK(point_for("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
			     "['close'], 'action': 'SCMP_ACT_LOG'}]}",
			     run) == INIT_FILTER_AT_BARRIER,
		   "close logged, not plainly allowed: at the barrier");
	UNIT_CHECK(point_for("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
			     "['read'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': "
			     "4, 'op': 'SCMP_CMP_EQ'}]}]}",
			     run) == INIT_FILTER_AT_START,
		   "read of the barrier's fd denied: once start is given");
	UNIT_CHECK(point_for("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
			     "['read'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': "
			     "5, 'op': 'SCMP_CMP_EQ'}]}]}",
			     run) == INIT_FILTER_AT_BARRIER,
		   "read of the sync socket denied: at the barrier");
	UNIT_CHECK(point_for("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
			     "['read'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 2, 'value': "
			     "1, 'op': 'SCMP_CMP_EQ'}]}]}",
			     run) == INIT_FILTER_AT_START,
		   "a verdict on read's size, which is left open: once start is given");
	UNIT_CHECK(point_for("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': "
			     "['read', 'prctl', 'close', 'execve'], 'action': 'SCMP_ACT_ALLOW'}]}",
			     run) == INIT_FILTER_AT_READY,
		   "an allowlist with the init's calls: at SYNC_READY");
}

int main(void)
{
	test_loads();
	test_alu();
	test_memory_and_misc();
	test_jumps();
	test_against_kernel();
	test_optimize_profiles();
	test_optimize_random();
	test_optimize_kernel();
	test_enosys();
	test_optimize_refuses();
	test_filter_point();
	return unit_done();
}
