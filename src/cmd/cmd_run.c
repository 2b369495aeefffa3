#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd_create_options.h"
#include "runtime/container.h"
#include "runtime/terminal_proxy.h"
#include "util/fdpass.h"
#include "util/cleanup.h"
#include "util/log.h"

enum { OPT_KEEP = OPT_CREATE_END };

static const struct option run_options_table[] = {
    CREATE_LONG_OPTIONS,
    {"detach", no_argument, NULL, 'd'},
    {"keep", no_argument, NULL, OPT_KEEP},
    {NULL, 0, NULL, 0},
};

struct run_options {
	struct create_options create;
	bool detach;
	bool keep;
};

/* The signals `run` passes on to the container, as a foreground parent should. */
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

/* Forwards signals (and, with a terminal proxy, the terminal's traffic) until the init exits;
 * returns its exit status. */
static int wait_forwarding(const struct created_container *c, const sigset_t *set,
			   struct terminal_proxy *tp)
{
	_cleanup_close_ int sfd = signalfd(-1, set, SFD_CLOEXEC);
	struct pollfd pfd[4] = {{.fd = c->pidfd, .events = POLLIN},
				{.fd = sfd, .events = POLLIN},
				{.fd = tp ? tp->in_fd : -1, .events = POLLIN},
				{.fd = tp ? tp->master : -1, .events = POLLIN}};
	int status;

	for (;;) {
		struct signalfd_siginfo si;

		if (poll(pfd, ARRAY_SIZE(pfd), -1) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		if (sfd >= 0 && (pfd[1].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == sizeof(si)) {
			/* The pty signals the container's foreground group itself on a resize. */
			if (tp && si.ssi_signo == SIGWINCH)
				terminal_proxy_resize(tp);
			else
				kill(c->pid, (int)si.ssi_signo);
		}
		if (tp && terminal_proxy_pump(tp, pfd[2].revents, pfd[3].revents) == 1)
			pfd[3].fd = -1;
		if (tp)
			pfd[2].fd = tp->in_fd;
	}
	if (tp)
		terminal_proxy_end(tp);
	while (waitpid(c->pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return exit_status_of(status);
}

/* Without --console-socket, run keeps the pty master itself (process.terminal true). */
static int receive_terminal(int sock, struct terminal_proxy *tp, struct iso_error *err)
{
	char buf[16];
	int master = -1;
	ssize_t n = fd_recv(sock, buf, sizeof(buf), &master);

	if (n < 0 || master < 0)
		return iso_error_set(err, n < 0 ? (int)-n : EPROTO, "receiving the pty master");
	return terminal_proxy_begin(tp, master, err);
}

static int create_and_start(const struct global_options *g, struct run_options *o,
			    struct created_container *c, struct terminal_proxy *tp, bool *has_tp,
			    struct iso_error *err)
{
	_cleanup_close_ int own_end = -1;
	struct iso_error ignored;
	int sv[2] = {-1, -1}, r;

	/* A detached run has nobody left to hold the terminal, so it needs a console socket. */
	if (!o->create.console_socket && !o->detach) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return iso_error_set(err, errno, "socketpair");
		own_end = sv[0];
		o->create.console_fd = sv[1];
	}
	r = container_create(&o->create, c, err);
	if (sv[1] >= 0)
		close(sv[1]);
	if (r < 0)
		return r;
	if (own_end >= 0 && c->terminal) {
		r = receive_terminal(own_end, tp, err);
		*has_tp = r == 0;
	}
	if (r == 0)
		r = container_start(g->root, o->create.id, err);
	if (r < 0) {
		if (*has_tp)
			terminal_proxy_end(tp);
		*has_tp = false;
		container_delete(g->root, o->create.id, true, &ignored);
		close(c->pidfd);
	}
	return r;
}

static int run_container(const struct global_options *g, struct run_options *o,
			 struct iso_error *err)
{
	struct created_container c;
	struct terminal_proxy tp;
	struct iso_error cleanup_err = {0};
	bool has_tp = false;
	sigset_t set, old;
	int r, status;

	forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	r = create_and_start(g, o, &c, &tp, &has_tp, err);
	if (r < 0 || o->detach) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (r == 0)
			close(c.pidfd);
		return r;
	}
	status = wait_forwarding(&c, &set, has_tp ? &tp : NULL);
	close(c.pidfd);
	if (!o->keep && container_delete(g->root, o->create.id, true, &cleanup_err) < 0)
		log_warning("%s", cleanup_err.msg);
	return status;
}

static int parse_run_option(int opt, struct run_options *o, struct iso_error *err)
{
	int r = cmd_parse_create_option("run", opt, &o->create, err);

	if (r <= 0)
		return r;
	switch (opt) {
	case 'd':
		o->detach = true;
		return 0;
	case OPT_KEEP:
		o->keep = true;
		return 0;
	default:
		return iso_error_invalid(err, "run: unexpected option");
	}
}

int cmd_run(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct run_options o = {.create = {.root = g->root, .console_fd = -1}};
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("run", argc, argv, "+b:dh", run_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage("run");
		r = parse_run_option(opt, &o, err);
		if (r < 0)
			return r;
	}
	r = cmd_expect_args("run", argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	o.create.id = argv[optind];
	return run_container(g, &o, err);
}
