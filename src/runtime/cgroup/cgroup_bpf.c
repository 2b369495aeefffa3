/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device access on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program, assembled here and loaded
 * with bpf(2) (the kernel's only interface for it), attached to the container's cgroup2
 * directory.  It also enforces in the hybrid layout: the kernel runs it for every device access
 * by a task of that cgroup2 directory, before the v1 devices controller is asked.
 *
 * The program reads struct bpf_cgroup_dev_ctx {access_type, major, minor}; access_type is
 * (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_*.  Rules are tested from the last to the first; the
 * first that matches decides (so the last rule wins, as with v1's lists); none matching denies. */
#include "config.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/bpf_insn.h"
#include "runtime/cgroup/cgroup_apply.h"
#include "util/cleanup.h"

static unsigned access_to_bpf(unsigned access)
{
	return ((access & CGROUP_DEV_READ) ? BPF_DEVCG_ACC_READ : 0) |
	       ((access & CGROUP_DEV_WRITE) ? BPF_DEVCG_ACC_WRITE : 0) |
	       ((access & CGROUP_DEV_MKNOD) ? BPF_DEVCG_ACC_MKNOD : 0);
}

/* Registers after the prologue: r2 device type, r3 access, r4 major, r5 minor.
 * One rule: a run of tests that jump past the block on mismatch, then "return allow". */
static size_t emit_rule(const struct cgroup_device_rule *d, struct bpf_insn *out)
{
	unsigned acc = access_to_bpf(d->access);
	size_t n = 0, jumps[4], nj = 0;

	if (d->type != 'a') {
		jumps[nj++] = n;
		out[n++] =
		    JNE_IMM(R2, d->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, 0);
	}
	if (d->major >= 0) {
		jumps[nj++] = n;
		out[n++] = JNE_IMM(R4, (int32_t)d->major, 0);
	}
	if (d->minor >= 0) {
		jumps[nj++] = n;
		out[n++] = JNE_IMM(R5, (int32_t)d->minor, 0);
	}
	out[n++] = MOV_REG(R1, R3);
	jumps[nj++] = n;
	if (d->allow) {
		/* Allowed when every access asked for is in the rule. */
		out[n++] = AND_IMM(R1, (int32_t)~acc);
		out[n] = JNE_IMM(R1, 0, 0);
	} else {
		/* Denied when any access asked for is in the rule. */
		out[n++] = AND_IMM(R1, (int32_t)acc);
		out[n] = JEQ_IMM(R1, 0, 0);
	}
	jumps[nj - 1] = n++;
	out[n++] = MOV_IMM(R0, d->allow ? 1 : 0);
	out[n++] = EXIT();
	for (size_t j = 0; j < nj; j++)
		out[jumps[j]].off = (int16_t)(n - jumps[j] - 1);
	return n;
}

#define RULE_MAX_INSNS 9

int cgroup_bpf_build(const struct cgroup_device_rule *rules, size_t n, struct bpf_insn **ret,
		     size_t *ret_n)
{
	struct bpf_insn *p = calloc(6 + n * RULE_MAX_INSNS + 2, sizeof(*p));
	size_t len = 0;

	if (!p)
		return -ENOMEM;
	p[len++] = LDX_W(R2, R1, 0);
	p[len++] = AND_IMM(R2, 0xffff);
	p[len++] = LDX_W(R3, R1, 0);
	p[len++] = RSH_IMM(R3, 16);
	p[len++] = LDX_W(R4, R1, 4);
	p[len++] = LDX_W(R5, R1, 8);
	for (size_t i = n; i-- > 0;)
		if (rules[i].access)
			len += emit_rule(&rules[i], p + len);
	p[len++] = MOV_IMM(R0, 0);
	p[len++] = EXIT();
	*ret = p;
	*ret_n = len;
	return 0;
}

static int bpf_load(const struct bpf_insn *insns, size_t n, char *log, size_t log_len)
{
	return bpf_prog_load(BPF_PROG_TYPE_CGROUP_DEVICE, NULL, insns, n, log, log_len);
}

int cgroup_bpf_attach_devices(const struct cgroup_target *t, const struct cgroup_device_rule *rules,
			      size_t n, struct iso_error *err)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	_cleanup_close_ int prog = -1;
	union bpf_attr attr;
	char log[512] = "";
	size_t len;

	if (cgroup_bpf_build(rules, n, &insns, &len) < 0)
		return iso_error_set(err, ENOMEM, "%s.devices", t->where);
	prog = bpf_load(insns, len, NULL, 0);
	if (prog < 0) {
		int e = errno;

		bpf_load(insns, len, log, sizeof(log));
		log[strcspn(log, "\n")] = '\0';
		return iso_error_set(err, e, "%s.devices: loading the device filter for %s (%s)",
				     t->where, t->dir, log);
	}
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)t->dirfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	/* The cgroup keeps the program; our fd may go. */
	if (bpf_call(BPF_PROG_ATTACH, &attr) < 0)
		return iso_error_set(err, errno, "%s.devices: attaching the device filter to %s",
				     t->where, t->dir);
	return 0;
}
