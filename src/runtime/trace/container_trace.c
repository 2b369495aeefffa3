/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/trace/container_trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/container_run.h"
#include "runtime/foreground.h"
#include "runtime/spec/spec.h"
#include "runtime/trace/syscall_recorder_bpf.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/log.h"

/* Whether a cgroup2 hierarchy is mounted: then the container gets a directory in it
 * (cgroup.h), which tells its processes apart for the in-kernel recorder. */
static bool cgroup2_mounted(void)
{
	struct cgroup_layout l = {0};
	struct iso_error ignored = {0};
	bool v2 = false;

	if (cgroup_layout_detect(&l, &ignored) < 0)
		return false;
	for (size_t i = 0; i < l.n; i++)
		v2 = v2 || l.h[i].v2;
	cgroup_layout_clear(&l);
	return v2;
}

/* The in-kernel recorder where it can work, else the notify recorder; *why then says why not
 * (empty when TRACE_RECORDER_ENV asked for it).  TRACE_RECORDER_ENV: "notify" forces the notify
 * recorder, "ebpf" makes its absence an error. */
static int choose_recorder(struct syscall_recorder_bpf *bpf, bool *ret_in_kernel,
			   struct iso_error *why, struct iso_error *err)
{
	const char *want = getenv(TRACE_RECORDER_ENV);
	bool must = want && !strcmp(want, "ebpf");

	*ret_in_kernel = false;
	if (want && *want && !must && strcmp(want, "notify"))
		return iso_error_invalid(err, "trace: %s: \"%s\" is not ebpf or notify",
					 TRACE_RECORDER_ENV, want);
	if (want && !strcmp(want, "notify"))
		return 0;
	if (!cgroup2_mounted())
		iso_error_invalid(why, "no cgroup2 hierarchy to tell the container's processes by");
	else if (syscall_recorder_bpf_open(bpf, why) == 0)
		return *ret_in_kernel = true, 0;
	if (must)
		return iso_error_invalid(err, "trace: %s=ebpf: %s", TRACE_RECORDER_ENV, why->msg);
	return 0;
}

/* The recording filter, and who learns what about the init, for either recorder. */
static int prepare_recorder(bool in_kernel, struct syscall_recorder_bpf *bpf,
			    struct syscall_recorder *rec, struct create_options *co,
			    struct seccomp_program *prog, struct iso_error *err)
{
	if (in_kernel) {
		co->on_spawned = syscall_recorder_bpf_watch;
		co->on_spawned_arg = bpf;
		return syscall_recorder_bpf_program(prog, err);
	}
	co->on_listener = syscall_recorder_start;
	co->on_listener_arg = rec;
	return syscall_recorder_program(prog, err);
}

/* Everything recorded, once every process of the container is gone. */
static int collect(bool in_kernel, const struct syscall_recorder_bpf *bpf,
		   struct syscall_recorder *rec, bool filter_held_init_calls,
		   struct trace_result *ret, struct iso_error *err)
{
	int r = 0;

	if (in_kernel)
		r = syscall_recorder_bpf_read(bpf, &rec->seen, &rec->runtime_seen, &rec->exec_seen,
					      err);
	if (r < 0)
		return r;
	ret->seen = rec->seen;
	ret->notified = rec->notified;
	ret->recorder = in_kernel ? "ebpf" : "seccomp-notify";
	log_debug("trace: recorded with %s: %lu round trips through the runtime%s", ret->recorder,
		  ret->notified,
		  rec->exec_seen ? "" : " (the container's program was never executed)");
	/* The init's own calls before its exec ran under the container's filter: loaded before
	 * the user changes (noNewPrivileges false: process_setup.h), or with startContainer
	 * hooks, which run under it (init_filter.h). */
	if (filter_held_init_calls)
		for (size_t i = 0; i < SYSCALL_SET_MAX / 64; i++)
			ret->seen.bits[i] |= rec->runtime_seen.bits[i];
	return 0;
}

/* Said once the bundle proved good: bad input gets its one error line, nothing else. */
static void warn_not_in_kernel(void *arg)
{
	const struct iso_error *why_not_bpf = arg;

	if (why_not_bpf->msg[0])
		log_warning("trace: %s: recording with seccomp user notification instead (one "
			    "round trip per syscall)",
			    why_not_bpf->msg);
}

/* The container runs under the recording filter until it exits or is stopped. */
static int run_recorded(const struct trace_options *o, struct container_run_options *ro,
			struct trace_result *ret, bool *ret_filter_held, struct iso_error *err)
{
	struct container_run_result res;
	int r;

	ro->create.root = o->root;
	ro->create.id = o->id;
	ro->create.bundle = o->bundle;
	ro->create.console_fd = -1;
	ro->stop_after_ms = o->duration_ms;
	ro->stop_on_interrupt = true;
	r = container_run(ro, &res, err);
	if (r < 0)
		return r;
	ret->stopped = res.stopped;
	*ret_filter_held = res.filter_holds_init_calls;
	ret->status = foreground_exit_code(res.wait_status);
	return 0;
}

int container_trace(const struct trace_options *o, struct trace_result *ret, struct iso_error *err)
{
	struct syscall_recorder rec = {.listener_fd = -1, .stop_fd = -1};
	struct syscall_recorder_bpf bpf = SYSCALL_RECORDER_BPF_INIT;
	struct iso_error why_not_bpf = {0};
	struct container_run_options ro = {.on_created = warn_not_in_kernel,
					   .on_created_arg = &why_not_bpf};
	struct seccomp_program prog = {0};
	bool in_kernel, filter_held = false;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = choose_recorder(&bpf, &in_kernel, &why_not_bpf, err);
	if (r == 0)
		r = prepare_recorder(in_kernel, &bpf, &rec, &ro.create, &prog, err);
	if (r == 0) {
		ro.create.seccomp_override = &prog;
		/* The runner blocks the signals it forwards before the notify recorder's
		 * supervisor thread exists: the thread inherits the mask, and the signals reach
		 * only the runner. */
		r = run_recorded(o, &ro, ret, &filter_held, err);
	}
	seccomp_program_free(&prog);
	iso_error_clear(&why_not_bpf);
	syscall_recorder_stop(&rec);
	if (r == 0)
		r = collect(in_kernel, &bpf, &rec, filter_held, ret, err);
	syscall_recorder_bpf_close(&bpf);
	return r;
}
