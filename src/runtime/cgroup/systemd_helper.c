/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/cgroup/systemd_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/rootless.h"
#include "util/sealed_memfd.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/signals.h"

#define HELPER_NAME "isorun-systemd"
/* Above the helper's own limits (25 s a call, 30 s a job): it answers first. */
#define ANSWER_TIMEOUT_MS 70000

#ifdef HAVE_SYSTEMD

/* ---- the child: only async-signal-safe calls between fork() and execveat() ---- */

/* fds 0 (the hold pipe), 1 (the answer pipe) and 2 (isorun's stderr, for the dynamic loader),
 * no environment, no other fd.  It dies with the runtime. */
static _Noreturn void child_exec(int image, int hold, int answer, char **argv, pid_t parent)
{
	char *envp[] = {NULL};

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		_exit(127);
	signals_reset_for_exec();
	/* All three were moved above fd 2 by the parent: dup2() meets none of them. */
	if (dup2(hold, 0) < 0 || dup2(answer, 1) < 0 ||
	    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		_exit(127);
	execveat(image, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

/* ---- the parent ---- */

/* A rootless caller's manager is its own (systemd --user), at the addresses systemctl --user
 * uses: $XDG_RUNTIME_DIR/systemd/private, then the user bus. */
static int user_bus_args(char *ret[3], struct iso_error *err)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR"), *bus = getenv("DBUS_SESSION_BUS_ADDRESS");

	if (!xdg || xdg[0] != '/')
		return iso_error_invalid(err,
					 "the systemd user manager: XDG_RUNTIME_DIR is %s (set "
					 "it to your /run/user/UID, where systemd --user has "
					 "its sockets)",
					 xdg ? "not an absolute path" : "not set");
	ret[0] = strdup("--user");
	if (asprintf(&ret[1], "unix:path=%s/systemd/private", xdg) < 0)
		ret[1] = NULL;
	if (bus && *bus)
		ret[2] = strdup(bus);
	else if (asprintf(&ret[2], "unix:path=%s/bus", xdg) < 0)
		ret[2] = NULL;
	if (!ret[0] || !ret[1] || !ret[2])
		return iso_error_set(err, ENOMEM, "the systemd helper");
	return 0;
}

/* argv[0], the user manager's addresses when rootless, op, unit, then args. */
static int helper_argv(const char *op, const char *unit, char *const *args, size_t n, char ***ret,
		       struct iso_error *err)
{
	_cleanup_strv_ char **argv = calloc(n + 7, sizeof(*argv));
	size_t k = 1;
	int r;

	if (!argv || !(argv[0] = strdup(HELPER_NAME)))
		return iso_error_set(err, ENOMEM, "the systemd helper");
	if (rootless_caller()) {
		if ((r = user_bus_args(argv + 1, err)) < 0)
			return r;
		k = 4;
	}
	argv[k] = strdup(op);
	argv[k + 1] = strdup(unit);
	for (size_t i = 0; i < n; i++)
		argv[k + 2 + i] = strdup(args[i]);
	for (size_t i = k; i < k + 2 + n; i++)
		if (!argv[i])
			return iso_error_set(err, ENOMEM, "the systemd helper");
	*ret = steal_ptr(argv);
	return 0;
}

static char **props_args(const struct systemd_props *ps)
{
	size_t n = ps ? ps->n : 0;
	char **args = calloc(n + 1, sizeof(*args));

	for (size_t i = 0; args && i < n; i++) {
		if (!(args[i] = systemd_prop_format(&ps->p[i]))) {
			strv_free(args);
			return NULL;
		}
	}
	return args;
}

static void close_if_open(int fd)
{
	if (fd >= 0)
		close(fd);
}

struct spawned {
	pid_t pid;
	int hold;   /* our end of fd 0 */
	int answer; /* our end of fd 1 */
};

static int spawn(char **argv, struct spawned *s, struct iso_error *err)
{
	_cleanup_close_ int image = -1;
	int hold[2] = {-1, -1}, answer[2] = {-1, -1}, r = 0;
	sigset_t all, old;
	pid_t parent = getpid(), pid = -1;

	image = sealed_memfd_from_bytes(HELPER_NAME, sd_helper_image, sd_helper_image_size, err);
	if (image < 0)
		return iso_error_wrap(err, "the systemd helper");
	if (pipe2(hold, O_CLOEXEC) < 0 || pipe2(answer, O_CLOEXEC) < 0)
		r = -errno;
	if (r == 0 && (r = fd_move_above_stdio(&image)) == 0 &&
	    (r = fd_move_above_stdio(&hold[0])) == 0)
		r = fd_move_above_stdio(&answer[1]);
	if (r == 0) {
		/* No signal handler of the runtime's may run in the child before it resets them. */
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, &old);
		pid = fork();
		if (pid == 0)
			child_exec(image, hold[0], answer[1], argv, parent);
		r = pid < 0 ? -errno : 0;
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	/* The child's ends are the child's; ours go too if there is no child. */
	close_if_open(hold[0]);
	close_if_open(answer[1]);
	if (r < 0) {
		close_if_open(hold[1]);
		close_if_open(answer[0]);
	}
	if (r < 0)
		return iso_error_set(err, -r, "the systemd helper");
	*s = (struct spawned){pid, hold[1], answer[0]};
	return 0;
}

static int reap(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* The helper's one line: 0 for "ok" (what follows "ok " in value, when asked for), else its
 * error in err. */
static int read_answer(const struct spawned *s, char **value, struct iso_error *err)
{
	struct pollfd pfd = {.fd = s->answer, .events = POLLIN};
	char buf[ISO_ERROR_MSG_MAX];
	size_t len = 0;

	while (len < sizeof(buf) - 1 && !memchr(buf, '\n', len)) {
		ssize_t n;
		int r = poll(&pfd, 1, ANSWER_TIMEOUT_MS);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			kill(s->pid, SIGKILL);
			return iso_error_set(err, ETIMEDOUT, "systemd: no answer from the helper");
		}
		n = read(s->answer, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!strcmp(buf, "ok") && !value)
		return 0;
	if (!strncmp(buf, "ok ", 3) && value)
		return (*value = strdup(buf + 3)) ? 0 : iso_error_set(err, ENOMEM, "systemd");
	if (!strncmp(buf, "error: ", 7))
		return iso_error_invalid(err, "%s", buf + 7);
	return iso_error_set(err, EPROTO, "systemd: the helper ended without an answer");
}

static int run_op(const char *op, const char *unit, char *const *args, size_t n,
		  struct systemd_hold *h, char **value, struct iso_error *err)
{
	_cleanup_strv_ char **argv = NULL;
	struct spawned s;
	int r;

	if ((r = helper_argv(op, unit, args, n, &argv, err)) < 0 || (r = spawn(argv, &s, err)) < 0)
		return r;
	r = read_answer(&s, value, err);
	close(s.answer);
	if (r == 0 && h) {
		h->pid = s.pid;
		h->hold_fd = s.hold;
		return 0;
	}
	close(s.hold);
	reap(s.pid);
	return r;
}

static int run_props_op(const char *op, const char *unit, const struct systemd_props *ps,
			struct systemd_hold *h, struct iso_error *err)
{
	_cleanup_strv_ char **args = props_args(ps);

	if (!args)
		return iso_error_set(err, ENOMEM, "the systemd helper");
	return run_op(op, unit, args, ps ? ps->n : 0, h, NULL, err);
}

int systemd_helper_start(const char *unit, const struct systemd_props *ps, struct systemd_hold *h,
			 struct iso_error *err)
{
	return run_props_op("start", unit, ps, h, err);
}

void systemd_helper_release(struct systemd_hold *h)
{
	if (h->pid < 0)
		return;
	close(h->hold_fd);
	reap(h->pid);
	h->pid = h->hold_fd = -1;
}

int systemd_helper_stop(const char *unit, struct iso_error *err)
{
	return run_op("stop", unit, NULL, 0, NULL, NULL, err);
}

int systemd_helper_set(const char *unit, const struct systemd_props *ps, struct iso_error *err)
{
	return run_props_op("set", unit, ps, NULL, err);
}

int systemd_helper_manager_cgroup(char **ret, struct iso_error *err)
{
	return run_op("manager-cgroup", "-", NULL, 0, NULL, ret, err);
}

int systemd_helper_attach(const char *unit, pid_t pid, const struct systemd_hold *h,
			  struct iso_error *err)
{
	char a[2][24];
	char *args[2] = {a[0], a[1]};

	snprintf(a[0], sizeof(a[0]), "%d", (int)pid);
	snprintf(a[1], sizeof(a[1]), "%d", (int)h->pid);
	return run_op("attach", unit, args, 2, NULL, NULL, err);
}

#else /* !HAVE_SYSTEMD */

static int without(struct iso_error *err)
{
	return iso_error_invalid(err, "the systemd cgroup driver: isorun was built without it "
				      "(configure --without-systemd)");
}

int systemd_helper_start(const char *unit, const struct systemd_props *ps, struct systemd_hold *h,
			 struct iso_error *err)
{
	(void)unit, (void)ps, (void)h;
	return without(err);
}

void systemd_helper_release(struct systemd_hold *h)
{
	(void)h;
}

int systemd_helper_stop(const char *unit, struct iso_error *err)
{
	(void)unit;
	return without(err);
}

int systemd_helper_set(const char *unit, const struct systemd_props *ps, struct iso_error *err)
{
	(void)unit, (void)ps;
	return without(err);
}

int systemd_helper_manager_cgroup(char **ret, struct iso_error *err)
{
	(void)ret;
	return without(err);
}

int systemd_helper_attach(const char *unit, pid_t pid, const struct systemd_hold *h,
			  struct iso_error *err)
{
	(void)unit, (void)pid, (void)h;
	return without(err);
}

#endif
