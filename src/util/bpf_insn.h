/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eBPF instructions written by hand (struct bpf_insn), for the programs isorun assembles itself
 * and loads with bpf(2): the cgroup device filter (cgroup_bpf.c) and the syscall recorder
 * (syscall_recorder_bpf.c).  No libbpf, no compiler: each program is a few dozen instructions.
 *
 * Jump offsets count instructions from the one after the jump. */
#ifndef ISORUN_BPF_INSN_H
#define ISORUN_BPF_INSN_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_B(dst, src, off)  INSN(BPF_LDX | BPF_MEM | BPF_B, dst, src, off, 0)
#define LDX_W(dst, src, off)  INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define LDX_DW(dst, src, off) INSN(BPF_LDX | BPF_MEM | BPF_DW, dst, src, off, 0)
#define ST_B(dst, off, imm)   INSN(BPF_ST | BPF_MEM | BPF_B, dst, 0, off, imm)
#define ST_W(dst, off, imm)   INSN(BPF_ST | BPF_MEM | BPF_W, dst, 0, off, imm)
#define MOV_REG(dst, src)     INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm)     INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define ADD_REG(dst, src)     INSN(BPF_ALU64 | BPF_ADD | BPF_X, dst, src, 0, 0)
#define ADD_IMM(dst, imm)     INSN(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm)     INSN(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm)     INSN(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JA(o)		      INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define JNE_IMM(dst, imm, o)  INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, o, imm)
#define JEQ_IMM(dst, imm, o)  INSN(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, o, imm)
#define JGT_IMM(dst, imm, o)  INSN(BPF_JMP | BPF_JGT | BPF_K, dst, 0, o, imm)
#define JNE_REG(dst, src, o)  INSN(BPF_JMP | BPF_JNE | BPF_X, dst, src, o, 0)
#define CALL(helper)	      INSN(BPF_JMP | BPF_CALL, 0, 0, 0, helper)
#define EXIT()		      INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* dst = the map behind fd (the kernel swaps the fd for the map): a 16-byte instruction, whose
 * second half is LD_IMM64_HIGH(0). */
#define LD_MAP_FD(dst, fd) INSN(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd)
#define LD_IMM64_HIGH(imm) INSN(0, 0, 0, 0, imm)

/* BPF_REG_0 .. BPF_REG_10 under shorter names. */
enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };

static inline long bpf_call(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* Loads a GPL program of n instructions; with log (log_len bytes) the verifier explains a
 * refusal there.  name may be NULL.  Returns the program fd, or -1 with errno. */
static inline int bpf_prog_load(enum bpf_prog_type type, const char *name,
				const struct bpf_insn *insns, size_t n, char *log, size_t log_len)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = (uint32_t)log_len;
	attr.log_level = log ? 1 : 0;
	if (name)
		strncpy(attr.prog_name, name, sizeof(attr.prog_name) - 1);
	return (int)bpf_call(BPF_PROG_LOAD, &attr);
}

#endif
