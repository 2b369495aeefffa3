/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/foreground.h"

#include <errno.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fdpass.h"

/* Signals about this process itself rather than about the container: its own faults and
 * resource limits, its children, writes to a closed pipe, and the terminal stopping it for
 * reading or writing in the background (blocked, they would turn into EIO for the proxy). */
static bool is_own_signal(int sig)
{
	static const int own[] = {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS,  SIGFPE,  SIGILL,	SIGTRAP,
				  SIGSYS,  SIGCHLD, SIGPIPE, SIGTTIN, SIGTTOU, SIGXCPU, SIGXFSZ};

	for (size_t i = 0; i < ARRAY_SIZE(own); i++)
		if (own[i] == sig)
			return true;
	return false;
}

static void forwarded_signals(sigset_t *set)
{
	sigemptyset(set);
	/* sigaddset refuses the real-time signals glibc keeps for itself: they stay out. */
	for (int sig = 1; sig <= SIGRTMAX; sig++)
		if (!is_own_signal(sig))
			sigaddset(set, sig);
}

int foreground_exit_code(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 1;
}

int foreground_begin(struct foreground *f, bool want_console, struct iso_error *err)
{
	int sv[2];

	*f = (struct foreground){.own_end = -1, .console_fd = -1};
	forwarded_signals(&f->forwarded);
	sigprocmask(SIG_BLOCK, &f->forwarded, &f->saved_mask);
	if (!want_console)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return iso_error_set(err, errno, "socketpair");
	f->own_end = sv[0];
	f->console_fd = sv[1];
	return 0;
}

int foreground_take_terminal(struct foreground *f, bool terminal, struct iso_error *err)
{
	char buf[16];
	int master = -1, r;
	ssize_t n;

	if (f->console_fd >= 0) {
		close(f->console_fd);
		f->console_fd = -1;
	}
	if (f->own_end < 0 || !terminal)
		return 0;
	n = fd_recv(f->own_end, buf, sizeof(buf), &master);
	if (n < 0 || master < 0)
		return iso_error_set(err, n < 0 ? (int)-n : EPROTO, "receiving the pty master");
	r = terminal_proxy_begin(&f->proxy, master, err);
	f->has_proxy = r == 0;
	return r;
}

static void stop_once(struct foreground *f)
{
	if (f->stopped || !f->stop)
		return;
	f->stopped = true;
	f->stop(f->stop_arg);
}

static bool is_interrupt(int sig)
{
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP;
}

static void forward_signal(struct foreground *f, int sfd, pid_t pid)
{
	struct signalfd_siginfo si;
	int sig;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return;
	sig = (int)si.ssi_signo;
	/* The pty signals the container's foreground group itself on a resize. */
	if (f->has_proxy && sig == SIGWINCH)
		terminal_proxy_resize(&f->proxy);
	else if (f->stop_on_interrupt && is_interrupt(sig))
		stop_once(f);
	else
		kill(pid, sig);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll()'s timeout until stop_after_ms runs out: -1 without one, or once stopped. */
static int poll_timeout(const struct foreground *f, long long deadline)
{
	long long left;

	if (f->stop_after_ms <= 0 || f->stopped)
		return -1;
	left = deadline - now_ms();
	return left > 0 ? (int)left : 0;
}

static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return W_EXITCODE(1, 0);
	return status;
}

int foreground_wait(struct foreground *f, pid_t pid, int pidfd)
{
	_cleanup_close_ int sfd = signalfd(-1, &f->forwarded, SFD_CLOEXEC);
	struct terminal_proxy *tp = f->has_proxy ? &f->proxy : NULL;
	struct pollfd pfd[4] = {{.fd = pidfd, .events = POLLIN},
				{.fd = sfd, .events = POLLIN},
				{.fd = tp ? tp->in_fd : -1, .events = POLLIN},
				{.fd = tp ? tp->master : -1, .events = POLLIN}};
	long long deadline = now_ms() + f->stop_after_ms;
	int n;

	for (;;) {
		n = poll(pfd, ARRAY_SIZE(pfd), poll_timeout(f, deadline));
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0)
			stop_once(f);
		if (n <= 0)
			continue;
		if (pfd[0].revents)
			break;
		if (sfd >= 0 && (pfd[1].revents & POLLIN))
			forward_signal(f, sfd, pid);
		if (tp && terminal_proxy_pump(tp, pfd[2].revents, pfd[3].revents) == 1)
			pfd[3].fd = -1;
		if (tp)
			pfd[2].fd = tp->in_fd;
	}
	if (tp) {
		terminal_proxy_end(tp);
		f->has_proxy = false;
	}
	return reap(pid);
}

void foreground_end(struct foreground *f)
{
	if (f->has_proxy)
		terminal_proxy_end(&f->proxy);
	f->has_proxy = false;
	if (f->own_end >= 0)
		close(f->own_end);
	if (f->console_fd >= 0)
		close(f->console_fd);
	f->own_end = f->console_fd = -1;
	sigprocmask(SIG_SETMASK, &f->saved_mask, NULL);
}
