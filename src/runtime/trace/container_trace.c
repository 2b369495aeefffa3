#include "config.h"
#include "runtime/trace/container_trace.h"

#include <errno.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/container.h"
#include "runtime/trace/syscall_recorder_bpf.h"
#include "util/cleanup.h"
#include "util/log.h"

/* pid 1 of a pid namespace ignores SIGTERM unless it handles it: do not wait long for it. */
#define STOP_GRACE_MS 500

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* Polls the pidfd and the signals; returns 1 when the init exited, 0 on timeout or signal. */
static int wait_exit(int pidfd, int sigfd, int timeout_ms)
{
	struct pollfd fds[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = sigfd, .events = POLLIN}};

	for (;;) {
		int n = poll(fds, sigfd >= 0 ? 2 : 1, timeout_ms);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		return (fds[0].revents & POLLIN) ? 1 : 0;
	}
}

static void stop_container(const struct trace_options *o, int pidfd)
{
	struct iso_error ignored = {0};

	if (container_kill(o->root, o->id, SIGTERM, true, &ignored) < 0)
		log_debug("trace: SIGTERM: %s", ignored.msg);
	if (wait_exit(pidfd, -1, STOP_GRACE_MS))
		return;
	iso_error_clear(&ignored);
	if (container_kill(o->root, o->id, SIGKILL, true, &ignored) < 0)
		log_debug("trace: SIGKILL: %s", ignored.msg);
}

static int run_recorded(const struct trace_options *o, const struct created_container *c, int sigfd,
			struct trace_result *ret, struct iso_error *err)
{
	int r = container_start(o->root, o->id, err);

	if (r < 0)
		return r;
	if (!wait_exit(c->pidfd, sigfd, o->duration_ms > 0 ? o->duration_ms : -1)) {
		ret->stopped = true;
		stop_container(o, c->pidfd);
	}
	ret->status = wait_status(c->pid);
	return 0;
}

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
		   struct syscall_recorder *rec, bool with_init_calls, struct trace_result *ret,
		   struct iso_error *err)
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
	if (with_init_calls)
		for (size_t i = 0; i < SYSCALL_SET_MAX / 64; i++)
			ret->seen.bits[i] |= rec->runtime_seen.bits[i];
	return 0;
}

int container_trace(const struct trace_options *o, struct trace_result *ret, struct iso_error *err)
{
	struct syscall_recorder rec = {.listener_fd = -1, .stop_fd = -1};
	struct syscall_recorder_bpf bpf = SYSCALL_RECORDER_BPF_INIT;
	struct create_options co = {
	    .root = o->root, .id = o->id, .bundle = o->bundle, .console_fd = -1};
	struct seccomp_program prog = {0};
	struct created_container c = {.pidfd = -1};
	struct iso_error ignored = {0}, why_not_bpf = {0};
	_cleanup_close_ int sigfd = -1;
	sigset_t stop_signals, saved;
	bool in_kernel;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = choose_recorder(&bpf, &in_kernel, &why_not_bpf, err);
	if (r == 0)
		r = prepare_recorder(in_kernel, &bpf, &rec, &co, &prog, err);
	if (r < 0) {
		iso_error_clear(&why_not_bpf);
		syscall_recorder_bpf_close(&bpf);
		return r;
	}
	co.seccomp_override = &prog;
	/* Blocked before the supervisor thread exists, so that it inherits the mask and the
	 * signals reach only the signalfd. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop_signals, &saved);
	sigfd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
	r = container_create(&co, &c, err);
	seccomp_program_free(&prog);
	/* Said once the bundle proved good: bad input gets its one error line, nothing else. */
	if (r == 0 && why_not_bpf.msg[0])
		log_warning("trace: %s: recording with seccomp user notification instead (one "
			    "round trip per syscall)",
			    why_not_bpf.msg);
	iso_error_clear(&why_not_bpf);
	if (r == 0) {
		r = run_recorded(o, &c, sigfd, ret, err);
		close(c.pidfd);
		if (container_delete(o->root, o->id, true, &ignored) < 0)
			log_warning("%s", ignored.msg);
		container_created_release(&c);
	}
	syscall_recorder_stop(&rec);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (r == 0)
		r = collect(in_kernel, &bpf, &rec, c.filter_holds_init_calls, ret, err);
	syscall_recorder_bpf_close(&bpf);
	return r;
}
