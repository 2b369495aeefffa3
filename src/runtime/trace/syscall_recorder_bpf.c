/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/trace/syscall_recorder_bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util/bpf_insn.h"
#include "runtime/seccomp/seccomp_build.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#define PROG_NAME "isorun_trace"

enum phase { PHASE_WAITING, PHASE_INIT, PHASE_CONTAINER };

/* The one element of the state map, as the program sees it. */
struct recorder_state {
	uint32_t phase;
	/* The init's pid in its own pid namespace, and that namespace (the kernel tells a task's
	 * pid only in the namespace it lives in, and the runtime's may not be the host's). */
	uint32_t init_tgid;
	uint64_t pidns_dev; /* the kernel's encoding of the nsfs device */
	uint64_t pidns_ino;
	uint8_t container[SYSCALL_SET_MAX];
	uint8_t runtime[SYSCALL_SET_MAX];
};

/* Forward jumps to a label: each is emitted with offset 0 and patched when the label is
 * reached. */
struct labels {
	size_t at[4][8];
	size_t n[4];
};

enum label { L_OUT, L_INIT_PHASE, L_CONTAINER, L_RECORD };

static void jump_from(struct labels *l, enum label to, size_t insn)
{
	l->at[to][l->n[to]++] = insn;
}

static void place(struct labels *l, enum label here, struct bpf_insn *p, size_t n)
{
	for (size_t i = 0; i < l->n[here]; i++)
		p[l->at[here][i]].off = (int16_t)(n - l->at[here][i] - 1);
	l->n[here] = 0;
}

/* The program below has 44 instructions. */
#define PROG_MAX_INSNS 48
#define EMIT(insn)     (p[n++] = (insn))
#define EMIT_JUMP(insn, label)                                                                     \
	do {                                                                                       \
		jump_from(&l, (label), n);                                                         \
		EMIT(insn);                                                                        \
	} while (0)

/* r6 ctx (struct bpf_raw_tracepoint_args: args[0] the pt_regs, args[1] the syscall number),
 * r7 the state, r8 the number, r9 the phase. */
static size_t build_program(int state_map, int cgroup_map, struct bpf_insn *p)
{
	struct labels l = {0};
	size_t n = 0;

	EMIT(MOV_REG(R6, R1));
	/* Not a task of the container's cgroup (or a descendant): the common case, out first. */
	EMIT(LD_MAP_FD(R1, cgroup_map));
	EMIT(LD_IMM64_HIGH(0));
	EMIT(MOV_IMM(R2, 0));
	EMIT(CALL(BPF_FUNC_current_task_under_cgroup));
	EMIT_JUMP(JNE_IMM(R0, 1, 0), L_OUT);
	EMIT(ST_W(R10, -4, 0));
	EMIT(LD_MAP_FD(R1, state_map));
	EMIT(LD_IMM64_HIGH(0));
	EMIT(MOV_REG(R2, R10));
	EMIT(ADD_IMM(R2, -4));
	EMIT(CALL(BPF_FUNC_map_lookup_elem));
	EMIT_JUMP(JEQ_IMM(R0, 0, 0), L_OUT);
	EMIT(MOV_REG(R7, R0));
	EMIT(LDX_DW(R8, R6, 8));
	EMIT(LDX_W(R9, R7, offsetof(struct recorder_state, phase)));
	EMIT_JUMP(JEQ_IMM(R9, PHASE_CONTAINER, 0), L_CONTAINER);
	/* Phases 0 and 1 wait for a call of the init's: r0 = the caller's pid if it lives in the
	 * init's pid namespace (else 0), r1 = the init's. */
	EMIT(ST_W(R10, -16 + (int)offsetof(struct bpf_pidns_info, tgid), 0));
	EMIT(LDX_DW(R1, R7, offsetof(struct recorder_state, pidns_dev)));
	EMIT(LDX_DW(R2, R7, offsetof(struct recorder_state, pidns_ino)));
	EMIT(MOV_REG(R3, R10));
	EMIT(ADD_IMM(R3, -16));
	EMIT(MOV_IMM(R4, sizeof(struct bpf_pidns_info)));
	EMIT(CALL(BPF_FUNC_get_ns_current_pid_tgid));
	EMIT(LDX_W(R0, R10, -16 + (int)offsetof(struct bpf_pidns_info, tgid)));
	EMIT(LDX_W(R1, R7, offsetof(struct recorder_state, init_tgid)));
	EMIT_JUMP(JNE_IMM(R9, PHASE_WAITING, 0), L_INIT_PHASE);
	/* Phase 0: the init's seccomp() loads the recording filter; count from the next call. */
	EMIT_JUMP(JNE_IMM(R8, __NR_seccomp, 0), L_OUT);
	EMIT_JUMP(JNE_REG(R0, R1, 0), L_OUT);
	EMIT(ST_W(R7, offsetof(struct recorder_state, phase), PHASE_INIT));
	EMIT_JUMP(JA(0), L_OUT);
	/* Phase 1: the runtime's set, until the init's execve, which is the container's. */
	place(&l, L_INIT_PHASE, p, n);
	EMIT(MOV_IMM(R2, offsetof(struct recorder_state, runtime)));
	EMIT_JUMP(JNE_IMM(R8, __NR_execve, 0), L_RECORD);
	EMIT_JUMP(JNE_REG(R0, R1, 0), L_RECORD);
	EMIT(ST_W(R7, offsetof(struct recorder_state, phase), PHASE_CONTAINER));
	place(&l, L_CONTAINER, p, n);
	EMIT(MOV_IMM(R2, offsetof(struct recorder_state, container)));
	/* r7 = &set[nr], r2 the set's offset.  The bound drops -1 (no call) and x32's numbers. */
	place(&l, L_RECORD, p, n);
	EMIT_JUMP(JGT_IMM(R8, SYSCALL_SET_MAX - 1, 0), L_OUT);
	EMIT(ADD_REG(R7, R2));
	EMIT(ADD_REG(R7, R8));
	/* Written once: later calls only read, so threads on other CPUs share the cache line. */
	EMIT(LDX_B(R1, R7, 0));
	EMIT_JUMP(JNE_IMM(R1, 0, 0), L_OUT);
	EMIT(ST_B(R7, 0, 1));
	place(&l, L_OUT, p, n);
	EMIT(MOV_IMM(R0, 0));
	EMIT(EXIT());
	return n;
}

#undef EMIT
#undef EMIT_JUMP

static int map_create(uint32_t type, uint32_t value_size, const char *name)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = sizeof(uint32_t);
	attr.value_size = value_size;
	attr.max_entries = 1;
	strncpy(attr.map_name, name, sizeof(attr.map_name) - 1);
	return (int)bpf_call(BPF_MAP_CREATE, &attr);
}

static int map_update(int map, const void *value)
{
	uint32_t key = 0;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)map;
	attr.key = (uint64_t)(uintptr_t)&key;
	attr.value = (uint64_t)(uintptr_t)value;
	attr.flags = BPF_ANY;
	return bpf_call(BPF_MAP_UPDATE_ELEM, &attr) < 0 ? -errno : 0;
}

static int prog_load(const struct bpf_insn *insns, size_t n, char *log, size_t log_len)
{
	return bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, PROG_NAME, insns, n, log, log_len);
}

/* The verifier's last complaint, for the error message. */
static void verifier_reason(const struct bpf_insn *insns, size_t n, char *buf, size_t len)
{
	char log[4096] = "";
	int fd = prog_load(insns, n, log, sizeof(log));
	char *last, *end;

	if (fd >= 0)
		close(fd);
	end = log + strlen(log);
	while (end > log && end[-1] == '\n')
		*--end = '\0';
	last = strrchr(log, '\n');
	snprintf(buf, len, "%s", last ? last + 1 : log);
}

static int load_and_attach(struct syscall_recorder_bpf *r, struct iso_error *err)
{
	struct bpf_insn insns[PROG_MAX_INSNS];
	size_t n = build_program(r->state_map_fd, r->cgroup_map_fd, insns);
	union bpf_attr attr;

	r->prog_fd = prog_load(insns, n, NULL, 0);
	if (r->prog_fd < 0) {
		int e = errno;
		char why[256];

		verifier_reason(insns, n, why, sizeof(why));
		return iso_error_set(err, e, "loading the eBPF syscall recorder%s%s%s",
				     why[0] ? " (" : "", why, why[0] ? ")" : "");
	}
	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = (uint64_t)(uintptr_t) "sys_enter";
	attr.raw_tracepoint.prog_fd = (uint32_t)r->prog_fd;
	r->link_fd = (int)bpf_call(BPF_RAW_TRACEPOINT_OPEN, &attr);
	if (r->link_fd < 0)
		return iso_error_set(err, errno,
				     "attaching the eBPF syscall recorder to sys_enter");
	return 0;
}

int syscall_recorder_bpf_open(struct syscall_recorder_bpf *r, struct iso_error *err)
{
	int ret;

	*r = SYSCALL_RECORDER_BPF_INIT;
	r->state_map_fd = map_create(BPF_MAP_TYPE_ARRAY, sizeof(struct recorder_state), PROG_NAME);
	if (r->state_map_fd < 0)
		ret = iso_error_set(err, errno, "bpf: creating the recorder's map");
	else if ((r->cgroup_map_fd =
		      map_create(BPF_MAP_TYPE_CGROUP_ARRAY, sizeof(uint32_t), PROG_NAME)) < 0)
		ret = iso_error_set(err, errno, "bpf: creating the recorder's cgroup map");
	else
		ret = load_and_attach(r, err);
	if (ret < 0)
		syscall_recorder_bpf_close(r);
	return ret;
}

int syscall_recorder_bpf_program(struct seccomp_program *ret, struct iso_error *err)
{
	struct seccomp_config cfg = {.default_action = SECCOMP_ACTION_ALLOW};
	struct seccomp_program p = {0};
	int r;

	/* libseccomp kills a call of another architecture (its "bad arch" action) before any
	 * rule: with no rule, that is the whole filter. */
	r = seccomp_build_bpf(&cfg, &p.bpf, err);
	if (r < 0)
		return iso_error_wrap(err, "the recording filter");
	*ret = p;
	return 0;
}

/* The init's pid namespace (a new one or the runtime's) and the init's pid in it: the last
 * NSpid of its status. */
static int init_pid_namespace(pid_t pid, struct recorder_state *s, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	char path[64];
	struct stat ns;
	const char *line, *last;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	if (stat(path, &ns) < 0)
		return iso_error_set(err, errno, "trace: %s", path);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	r = read_file_at(AT_FDCWD, path, 64 * 1024, &text, &len, err);
	if (r < 0)
		return iso_error_wrap(err, "trace");
	line = strstr(text, "\nNSpid:");
	if (!line)
		return iso_error_set(err, ENOTSUP, "trace: %s: no NSpid line", path);
	line += strlen("\nNSpid:");
	last = line + strcspn(line, "\n");
	while (last > line && last[-1] >= '0' && last[-1] <= '9')
		last--;
	s->init_tgid = (uint32_t)strtoul(last, NULL, 10);
	/* The kernel's dev_t: 12 bits of major above 20 of minor. */
	s->pidns_dev = ((uint64_t)major(ns.st_dev) << 20) | minor(ns.st_dev);
	s->pidns_ino = ns.st_ino;
	return s->init_tgid ? 0 : iso_error_set(err, EPROTO, "trace: %s: bad NSpid line", path);
}

int syscall_recorder_bpf_watch(void *recorder, pid_t init_pid, int cgroup2_fd,
			       struct iso_error *err)
{
	struct syscall_recorder_bpf *r = recorder;
	_cleanup_free_ struct recorder_state *state = calloc(1, sizeof(*state));
	uint32_t fd = (uint32_t)cgroup2_fd;
	int e;

	if (!state)
		return iso_error_set(err, ENOMEM, "trace");
	if (cgroup2_fd < 0)
		return iso_error_set(err, ENOENT,
				     "trace: the container has no cgroup2 directory to record in");
	if ((e = init_pid_namespace(init_pid, state, err)) < 0)
		return e;
	state->phase = PHASE_WAITING;
	/* The state first: the program looks at it only once the cgroup is set. */
	if ((e = map_update(r->state_map_fd, state)) < 0 ||
	    (e = map_update(r->cgroup_map_fd, &fd)) < 0)
		return iso_error_set(err, -e,
				     "trace: telling the eBPF recorder the container's cgroup");
	return 0;
}

static void set_from_bytes(struct syscall_set *s, const uint8_t *bytes)
{
	for (int nr = 0; nr < SYSCALL_SET_MAX; nr++)
		if (bytes[nr])
			syscall_set_add(s, nr);
}

int syscall_recorder_bpf_read(const struct syscall_recorder_bpf *r, struct syscall_set *seen,
			      struct syscall_set *runtime_seen, bool *exec_seen,
			      struct iso_error *err)
{
	_cleanup_free_ struct recorder_state *state = calloc(1, sizeof(*state));
	uint32_t key = 0;
	union bpf_attr attr;

	if (!state)
		return iso_error_set(err, ENOMEM, "trace");
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)r->state_map_fd;
	attr.key = (uint64_t)(uintptr_t)&key;
	attr.value = (uint64_t)(uintptr_t)state;
	if (bpf_call(BPF_MAP_LOOKUP_ELEM, &attr) < 0)
		return iso_error_set(err, errno, "trace: reading the eBPF recorder's map");
	set_from_bytes(seen, state->container);
	set_from_bytes(runtime_seen, state->runtime);
	*exec_seen = state->phase == PHASE_CONTAINER;
	return 0;
}

void syscall_recorder_bpf_close(struct syscall_recorder_bpf *r)
{
	/* The link first: once it is closed the program no longer runs. */
	int *fds[] = {&r->link_fd, &r->prog_fd, &r->cgroup_map_fd, &r->state_map_fd};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}
