#include "config.h"
#include "runtime/container_trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/container.h"
#include "runtime/spec.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/log.h"

/* pid 1 of a pid namespace ignores SIGTERM unless it handles it: do not wait long for it. */
#define STOP_GRACE_MS	500
#define CONFIG_MAX_SIZE (4 * 1024 * 1024)

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

/* Whether the bundle's filter would be loaded before the init's exec (noNewPrivileges
 * false: process_setup.h).  Errors are left to container_create, which reads it again. */
static bool filter_loaded_early(const char *bundle)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	struct iso_error ignored = {0};
	struct spec *spec = NULL;
	bool early;
	size_t len;

	if (asprintf(&path, "%s/config.json", bundle ? bundle : ".") < 0 ||
	    read_file_at(AT_FDCWD, path, CONFIG_MAX_SIZE, &text, &len, &ignored) < 0 ||
	    spec_parse(text, len, "config.json", &spec, &ignored) < 0)
		return false;
	early = !spec->process.no_new_privileges;
	spec_free(spec);
	return early;
}

int container_trace(const struct trace_options *o, struct trace_result *ret, struct iso_error *err)
{
	struct syscall_recorder rec = {.listener_fd = -1, .stop_fd = -1};
	struct create_options co = {.root = o->root,
				    .id = o->id,
				    .bundle = o->bundle,
				    .console_fd = -1,
				    .on_listener = syscall_recorder_start,
				    .on_listener_arg = &rec};
	struct seccomp_program prog = {0};
	struct created_container c = {.pidfd = -1};
	struct iso_error ignored = {0};
	_cleanup_close_ int sigfd = -1;
	sigset_t stop_signals, saved;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = syscall_recorder_program(&prog, err);
	if (r < 0)
		return r;
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
	if (r == 0) {
		r = run_recorded(o, &c, sigfd, ret, err);
		close(c.pidfd);
		if (container_delete(o->root, o->id, true, &ignored) < 0)
			log_warning("%s", ignored.msg);
	}
	syscall_recorder_stop(&rec);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	ret->seen = rec.seen;
	ret->notified = rec.notified;
	if (r == 0 && filter_loaded_early(o->bundle))
		for (size_t i = 0; i < SYSCALL_SET_MAX / 64; i++)
			ret->seen.bits[i] |= rec.runtime_seen.bits[i];
	return r;
}
