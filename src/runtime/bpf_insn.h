/* eBPF instructions written by hand (struct bpf_insn), for the programs isorun assembles itself
 * and loads with bpf(2): the cgroup device filter (cgroup_bpf.c) and the syscall recorder
 * (syscall_recorder_bpf.c).  No libbpf, no compiler: each program is a few dozen instructions.
 *
 * Jump offsets count instructions from the one after the jump. */
#ifndef ISORUN_BPF_INSN_H
#define ISORUN_BPF_INSN_H

#include <linux/bpf.h>
#include <stdint.h>
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

#endif
