/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/nl_helper_client.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/sealed_memfd.h"
#include "util/cleanup.h"
#include "util/signals.h"

#define HELPER_NAME "isorun-netlink"

/* ---- the child: only async-signal-safe calls between fork() and execveat() ---- */

/* The helper gets fds 0-2 (so that the dynamic loader can say why it failed), its socket on
 * NLH_SOCK_FD, no environment (no LD_PRELOAD or LD_LIBRARY_PATH of the caller's) and no other
 * fd.  It dies with the runtime: a helper that outlived a killed create would hold the
 * container's network namespace. */
static _Noreturn void child_exec(int image, int sock, pid_t parent)
{
	char *argv[] = {(char *)HELPER_NAME, NULL}, *envp[] = {NULL};

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		_exit(127);
	signals_reset_for_exec();
	/* Both were moved above NLH_SOCK_FD by the parent: dup2() meets neither. */
	if (dup2(sock, NLH_SOCK_FD) < 0 ||
	    close_range(NLH_SOCK_FD + 1, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		_exit(127);
	execveat(image, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

/* ---- the parent ---- */

static int move_above_helper_fds(int *fd)
{
	int nfd;

	if (*fd > NLH_SOCK_FD)
		return 0;
	nfd = fcntl(*fd, F_DUPFD_CLOEXEC, NLH_SOCK_FD + 1);
	if (nfd < 0)
		return -errno;
	close(*fd);
	*fd = nfd;
	return 0;
}

static int start(struct nl_helper *h, struct iso_error *err)
{
	_cleanup_close_ int image = -1, ours = -1, theirs = -1;
	sigset_t all, old;
	pid_t parent = getpid(), pid;
	int sv[2], r;

	image = sealed_memfd_from_bytes(HELPER_NAME, nl_helper_image, nl_helper_image_size, err);
	if (image < 0)
		return iso_error_wrap(err, "the netlink helper");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return iso_error_set(err, errno, "the netlink helper: socketpair");
	ours = sv[0];
	theirs = sv[1];
	if ((r = move_above_helper_fds(&image)) < 0 || (r = move_above_helper_fds(&theirs)) < 0)
		return iso_error_set(err, -r, "the netlink helper: fcntl");
	/* No signal handler of the runtime's may run in the child before it resets them. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_exec(image, theirs, parent);
	r = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return iso_error_set(err, r, "the netlink helper: fork");
	h->sock = steal_fd(ours);
	h->pid = pid;
	return 0;
}

/* Closes the socket and reaps the helper: its wait status, 0 when it was not running. */
static int stop(struct nl_helper *h)
{
	int status = 0;

	if (h->sock < 0)
		return 0;
	close(h->sock);
	h->sock = -1;
	while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
		;
	h->pid = -1;
	return status;
}

/* The helper is gone, or said something that is not an answer: it is stopped, and the error
 * says how it ended. */
static int helper_failed(struct nl_helper *h, int r, struct iso_error *err)
{
	int status = stop(h);

	if (r != 0 && r != -ECONNRESET && r != -EPIPE)
		return iso_error_set(err, -r, "the netlink helper");
	if (WIFSIGNALED(status))
		return iso_error_set(err, ECONNRESET, "the netlink helper was killed by signal %d",
				     WTERMSIG(status));
	return iso_error_set(err, ECONNRESET, "the netlink helper exited with status %d",
			     WEXITSTATUS(status));
}

int nl_helper_call(struct nl_helper *h, const struct nlh_request *req, int fd,
		   struct nlh_reply *rep, struct net_device_move *ret_devs, struct iso_error *err)
{
	bool with_devs = req->op == NLH_CHECK || req->op == NLH_ATTACH;
	int rfd, r;

	*rep = (struct nlh_reply){0};
	if (h->sock < 0)
		return iso_error_set(err, ECONNRESET, "the netlink helper is not running");
	r = nlh_send(h->sock, req, sizeof(*req), fd, with_devs ? req->cfg.devices : NULL,
		     with_devs ? req->cfg.n_devices : 0);
	if (r == 0)
		r = nlh_recv(h->sock, rep, sizeof(*rep), &rfd);
	if (r > 0 && rfd >= 0) {
		close(rfd);
		r = -EPROTO;
	}
	if (r > 0 && req->op == NLH_CHECK &&
	    (r = nlh_recv_devices(h->sock, ret_devs, req->cfg.n_devices)) == 0)
		r = 1;
	if (r <= 0)
		return helper_failed(h, r, err);
	if (rep->rc < 0) {
		*err = rep->err;
		return rep->rc;
	}
	return 0;
}

static struct nl_helper shared = {.sock = -1, .pid = -1};

static void stop_shared(void)
{
	stop(&shared);
}

struct nl_helper *nl_helper_get(struct iso_error *err)
{
	static bool stop_registered;

	if (shared.sock >= 0)
		return &shared;
	if (!stop_registered && atexit(stop_shared) != 0) {
		iso_error_set(err, ENOMEM, "the netlink helper: atexit");
		return NULL;
	}
	stop_registered = true;
	return start(&shared, err) < 0 ? NULL : &shared;
}
