#include "config.h"
#include "cmd/cmd_foreground.h"

#include <errno.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fdpass.h"

/* The signals a foreground parent passes on to the container. */
static void forwarded_signals(sigset_t *set)
{
	static const int sigs[] = {SIGHUP,  SIGINT,   SIGQUIT, SIGTERM, SIGUSR1,
				   SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP, SIGALRM};

	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(set, sigs[i]);
}

static int exit_status_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
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

/* One round of the wait loop's work after poll(). */
static void forward_signal(struct foreground *f, int sfd, pid_t pid)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return;
	/* The pty signals the container's foreground group itself on a resize. */
	if (f->has_proxy && si.ssi_signo == SIGWINCH)
		terminal_proxy_resize(&f->proxy);
	else
		kill(pid, (int)si.ssi_signo);
}

int foreground_wait(struct foreground *f, pid_t pid, int pidfd)
{
	_cleanup_close_ int sfd = signalfd(-1, &f->forwarded, SFD_CLOEXEC);
	struct terminal_proxy *tp = f->has_proxy ? &f->proxy : NULL;
	struct pollfd pfd[4] = {{.fd = pidfd, .events = POLLIN},
				{.fd = sfd, .events = POLLIN},
				{.fd = tp ? tp->in_fd : -1, .events = POLLIN},
				{.fd = tp ? tp->master : -1, .events = POLLIN}};
	int status;

	for (;;) {
		if (poll(pfd, ARRAY_SIZE(pfd), -1) < 0 && errno != EINTR)
			break;
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
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return exit_status_of(status);
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
