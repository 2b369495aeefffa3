/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/hooks.h"

#include "util/cleanup.h"
#include "util/fds.h"
#include "util/log.h"
#include "util/signals.h"
#include "util/timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const char *const kind_names[HOOK__COUNT] = {
    [HOOK_PRESTART] = "prestart",
    [HOOK_CREATE_RUNTIME] = "createRuntime",
    [HOOK_CREATE_CONTAINER] = "createContainer",
    [HOOK_START_CONTAINER] = "startContainer",
    [HOOK_POSTSTART] = "poststart",
    [HOOK_POSTSTOP] = "poststop",
};

const char *hooks_kind_name(enum spec_hook_kind kind)
{
	if ((unsigned)kind >= HOOK__COUNT)
		return "unknown";
	return kind_names[kind];
}

/* One running hook, as the parent sees it. */
struct hook_proc {
	pid_t pid;
	int pidfd;   /* becomes readable when the hook exits */
	int stdin_w; /* the state goes in here; -1 once all written or the hook stopped reading */
	int exec_r;  /* carries the child's errno when execve fails; EOF when it succeeds */
};

/* ---- the child: runs only async-signal-safe calls between fork() and execve() ---- */

static void child_close_fds(int keep)
{
	/* Marking the fds close-on-exec (instead of closing them) keeps the exec-error pipe open
	 * until execve succeeds, and closes everything from 3 up at that moment. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	for (long fd = 3, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
		if (fd != keep)
			close((int)fd);
}

static _Noreturn void child_exec(const char *path, char **argv, char **envp, int stdin_r,
				 int exec_w)
{
	int e;

	signals_reset_for_exec();
	/* The fds were moved above 2 by the parent, so dup2() never meets itself here and the
	 * copy on 0 is without O_CLOEXEC. */
	if (dup2(stdin_r, 0) < 0)
		goto fail;
	child_close_fds(exec_w);
	execve(path, argv, envp);
fail:
	e = errno;
	while (write(exec_w, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(127);
}

/* ---- the parent ---- */

static int make_pipe(int p[2])
{
	int r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	r = fd_move_above_stdio(&p[0]);
	if (r == 0)
		r = fd_move_above_stdio(&p[1]);
	if (r < 0) {
		close(p[0]);
		close(p[1]);
	}
	return r;
}

static int fork_hook(const struct spec_hook *hook, struct hook_proc *hp, struct iso_error *err)
{
	char *default_argv[] = {hook->path, NULL};
	char *empty_env[] = {NULL};
	char **argv = hook->args ? hook->args : default_argv;
	char **envp = hook->env ? hook->env : empty_env;
	_cleanup_close_ int in_r = -1, in_w = -1, ex_r = -1, ex_w = -1;
	int in[2], ex[2], r;
	sigset_t all, old;

	r = make_pipe(in);
	if (r < 0)
		return iso_error_set(err, -r, "pipe");
	in_r = in[0], in_w = in[1];
	r = make_pipe(ex);
	if (r < 0)
		return iso_error_set(err, -r, "pipe");
	ex_r = ex[0], ex_w = ex[1];
	/* No runtime signal handler may run in the child before it resets them. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	hp->pid = fork();
	if (hp->pid == 0)
		child_exec(hook->path, argv, envp, in_r, ex_w);
	r = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (hp->pid < 0)
		return iso_error_set(err, r, "fork");
	hp->stdin_w = steal_fd(in_w);
	hp->exec_r = steal_fd(ex_r);
	return 0;
}

/* Writes what the pipe takes without blocking; returns 1 when the state is all written or the
 * hook closed its stdin (EPIPE: a hook need not read the state), 0 to wait for more room. */
static int feed_stdin(int fd, const char **data, size_t *left)
{
	while (*left > 0) {
		ssize_t n = write(fd, *data, *left);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : 1;
		}
		*data += n;
		*left -= (size_t)n;
	}
	return 1;
}

/* Feeds the state to the hook and waits for it to exit, until deadline_ms (-1: no deadline).
 * The pipe is non-blocking so that a hook that neither reads nor exits still times out.
 * Returns 0 once the hook has exited, -ETIMEDOUT, or another -errno. */
static int feed_and_wait(struct hook_proc *hp, const char *state, long long deadline_ms)
{
	size_t left = strlen(state);

	if (fcntl(hp->stdin_w, F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	for (;;) {
		struct pollfd pfd[2] = {{.fd = hp->pidfd, .events = POLLIN},
					{.fd = hp->stdin_w, .events = POLLOUT}};
		long long timeout = -1;
		int n;

		if (hp->stdin_w >= 0 && feed_stdin(hp->stdin_w, &state, &left)) {
			close(hp->stdin_w); /* EOF for the hook */
			hp->stdin_w = -1;
			pfd[1].fd = -1;
		}
		if (deadline_ms >= 0) {
			timeout = deadline_ms - (timefmt_monotonic_us() / 1000);
			if (timeout <= 0)
				return -ETIMEDOUT;
		}
		n = poll(pfd, 2, timeout > INT_MAX ? INT_MAX : (int)timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0 && pfd[0].revents)
			return 0;
	}
}

/* EPIPE on the state pipe raises SIGPIPE, whose default would kill the runtime: it stays
 * blocked while the hook runs, and a SIGPIPE that this caused is taken off the pending set. */
static void sigpipe_block(sigset_t *old, bool *was_pending)
{
	sigset_t pipe_set, pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, old);
	sigpending(&pending);
	*was_pending = sigismember(&pending, SIGPIPE) == 1;
}

static void sigpipe_restore(const sigset_t *old, bool was_pending)
{
	static const struct timespec zero = {0, 0};
	sigset_t pipe_set, pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE) == 1)
		sigtimedwait(&pipe_set, NULL, &zero);
	sigprocmask(SIG_SETMASK, old, NULL);
}

static int reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* The errno the child sent when execve failed, or 0. The child is gone, so this never blocks. */
static int read_exec_errno(int fd)
{
	int e = 0;
	ssize_t n;

	do
		n = read(fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(e) ? e : 0;
}

static int describe_end(int status, int exec_errno, struct iso_error *err)
{
	if (exec_errno)
		return iso_error_set(err, exec_errno, "exec failed");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return iso_error_invalid(err, "exited with status %d", WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return iso_error_invalid(err, "killed by signal %d", WTERMSIG(status));
	return iso_error_invalid(err, "ended with wait status 0x%x", (unsigned)status);
}

/* Waits for the forked hook; kills and reaps it on a timeout or an error. */
static int wait_hook(struct hook_proc *hp, const struct spec_hook *hook, const char *state,
		     struct iso_error *err)
{
	long long deadline =
	    hook->timeout > 0 ? (timefmt_monotonic_us() / 1000) + hook->timeout * 1000LL : -1;
	int status = 0, r, rr;

	/* Unreaped, the pid cannot be reused, so pidfd_open() on it is race-free. */
	hp->pidfd = pidfd_open(hp->pid, 0);
	r = hp->pidfd < 0 ? -errno : feed_and_wait(hp, state, deadline);
	if (r < 0)
		kill(hp->pid, SIGKILL);
	rr = reap(hp->pid, &status);
	if (rr < 0 && r == 0)
		r = rr;
	if (r == -ETIMEDOUT)
		return iso_error_invalid(err, "timed out after %ds", hook->timeout);
	if (r < 0)
		return iso_error_set(err, -r, "waiting for the hook");
	return describe_end(status, read_exec_errno(hp->exec_r), err);
}

static int run_one(const struct spec_hook *hook, const char *state, struct iso_error *err)
{
	struct hook_proc hp = {.pid = -1, .pidfd = -1, .stdin_w = -1, .exec_r = -1};
	bool was_pending;
	sigset_t old;
	int r;

	sigpipe_block(&old, &was_pending);
	r = fork_hook(hook, &hp, err);
	if (r == 0)
		r = wait_hook(&hp, hook, state, err);
	sigpipe_restore(&old, was_pending);
	if (hp.pidfd >= 0)
		close(hp.pidfd);
	if (hp.stdin_w >= 0)
		close(hp.stdin_w);
	if (hp.exec_r >= 0)
		close(hp.exec_r);
	return r;
}

static int run_nth(const struct spec *spec, enum spec_hook_kind kind, size_t i,
		   const char *state_json, struct iso_error *err)
{
	const struct spec_hook *hook = &spec->hooks[kind].hooks[i];
	int r = run_one(hook, state_json ? state_json : "", err);

	return r < 0
		   ? iso_error_wrap(err, "hooks.%s[%zu] (%s)", hooks_kind_name(kind), i, hook->path)
		   : 0;
}

int hooks_run(const struct spec *spec, enum spec_hook_kind kind, const char *state_json,
	      struct iso_error *err)
{
	if ((unsigned)kind >= HOOK__COUNT)
		return iso_error_invalid(err, "hooks: unknown kind %d", (int)kind);
	for (size_t i = 0; i < spec->hooks[kind].n_hooks; i++) {
		int r = run_nth(spec, kind, i, state_json, err);

		if (r < 0)
			return r;
	}
	return 0;
}

size_t hooks_run_all(const struct spec *spec, enum spec_hook_kind kind, const char *state_json)
{
	size_t failed = 0;

	if ((unsigned)kind >= HOOK__COUNT)
		return 0;
	for (size_t i = 0; i < spec->hooks[kind].n_hooks; i++) {
		struct iso_error err = {0};

		if (run_nth(spec, kind, i, state_json, &err) < 0) {
			log_warning("%s", err.msg);
			failed++;
		}
	}
	return failed;
}
