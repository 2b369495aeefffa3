#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd_options.h"
#include "runtime/container.h"
#include "util/cleanup.h"
#include "util/log.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE_SOCKET, OPT_PRESERVE_FDS, OPT_NO_PIVOT, OPT_NO_NEW_KEYRING,
       OPT_KEEP };

static const struct option run_options_table[] = {
	{"bundle", required_argument, NULL, 'b'},
	{"detach", no_argument, NULL, 'd'},
	{"pid-file", required_argument, NULL, OPT_PID_FILE},
	{"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
	{"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
	{"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
	{"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},
	{"keep", no_argument, NULL, OPT_KEEP},
	{"help", no_argument, NULL, OPT_HELP},
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
	static const int sigs[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGUSR1,
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

/* Forwards signals until the init exits; returns its exit status. */
static int wait_forwarding(const struct created_container *c, const sigset_t *set)
{
	_cleanup_close_ int sfd = signalfd(-1, set, SFD_CLOEXEC);
	struct pollfd pfd[2] = {{.fd = c->pidfd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
	int status;

	for (;;) {
		struct signalfd_siginfo si;

		if (poll(pfd, sfd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		if (sfd >= 0 && (pfd[1].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si))
			kill(c->pid, (int)si.ssi_signo);
	}
	while (waitpid(c->pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return exit_status_of(status);
}

static int run_container(const struct global_options *g, struct run_options *o,
			 struct iso_error *err)
{
	struct created_container c;
	struct iso_error cleanup_err = {0};
	sigset_t set, old;
	int r, status;

	forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	r = container_create(&o->create, &c, err);
	if (r == 0) {
		r = container_start(g->root, o->create.id, err);
		if (r < 0)
			container_delete(g->root, o->create.id, true, &cleanup_err);
	}
	if (r < 0 || o->detach) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (r == 0)
			close(c.pidfd);
		return r;
	}
	status = wait_forwarding(&c, &set);
	close(c.pidfd);
	if (!o->keep && container_delete(g->root, o->create.id, true, &cleanup_err) < 0)
		log_warning("%s", cleanup_err.msg);
	return status;
}

static int parse_run_option(int opt, struct run_options *o, struct iso_error *err)
{
	switch (opt) {
	case 'b': o->create.bundle = optarg; return 0;
	case 'd': o->detach = true; return 0;
	case OPT_PID_FILE: o->create.pid_file = optarg; return 0;
	case OPT_CONSOLE_SOCKET: o->create.console_socket = optarg; return 0;
	case OPT_PRESERVE_FDS:
		return cmd_parse_int("--preserve-fds", optarg, 0, 1000, &o->create.preserve_fds, err);
	case OPT_NO_PIVOT:
		return iso_error_invalid(err, "run: --no-pivot is refused: isorun always uses "
					      "pivot_root");
	case OPT_NO_NEW_KEYRING: o->create.no_new_keyring = true; return 0;
	case OPT_KEEP: o->keep = true; return 0;
	default: return opt < 0 ? opt : iso_error_invalid(err, "run: bad option");
	}
}

int cmd_run(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct run_options o = {.create = {.root = g->root}};
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
