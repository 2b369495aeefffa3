#include "config.h"
#include "tenant/tenant_run.h"
#include "tenant/tenant_owner.h"
#include "runtime/container.h"
#include "tenant/bundle.h"
#include "tenant/tenant_seccomp.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define PACKAGE_COPY_MAX (1024 * 1024)
#define SECCOMP_MAX	 (4 * 1024 * 1024)

int tenant_load_package(const struct tenant_store *s, const char *tid,
			struct tenant_package **ret_pkg, char **ret_seccomp, struct iso_error *err)
{
	_cleanup_free_ char *pkg_path = store_tenant_path(s, tid, "package.json");
	_cleanup_free_ char *sc_path = store_tenant_path(s, tid, "seccomp.json");
	_cleanup_free_ char *text = NULL, *seccomp = NULL;
	size_t len;
	int r;

	if (!pkg_path || !sc_path)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	if ((r = read_file_at(AT_FDCWD, pkg_path, PACKAGE_COPY_MAX, &text, &len, err)) < 0 ||
	    (r = package_parse(text, pkg_path, ret_pkg, err)) < 0)
		return iso_error_wrap(err, "tenant %s", tid);
	r = read_file_at(AT_FDCWD, sc_path, SECCOMP_MAX, &seccomp, &len, err);
	if (r < 0 && r != -ENOENT) {
		package_free(*ret_pkg);
		*ret_pkg = NULL;
		return iso_error_wrap(err, "tenant %s", tid);
	}
	iso_error_clear(err);
	*ret_seccomp = steal_ptr(seccomp);
	return 0;
}

void tenant_describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		snprintf(buf, len, "successful");
	} else if (WIFEXITED(status)) {
		snprintf(buf, len, "exit code %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		const char *name = signal_name(WTERMSIG(status));

		if (name)
			snprintf(buf, len, "killed by %s", name);
		else
			snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	} else {
		snprintf(buf, len, "unknown status 0x%x", status);
	}
}

int tenant_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static void forwarded_signals(sigset_t *set)
{
	static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};

	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(set, sigs[i]);
}

/* Forwards signals to the init until it exits; returns its wait status. */
static int wait_forwarding(const struct created_container *c, const sigset_t *set)
{
	_cleanup_close_ int sfd = signalfd(-1, set, SFD_CLOEXEC);
	struct pollfd pfd[2] = {{.fd = c->pidfd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
	int status = 0;

	for (;;) {
		struct signalfd_siginfo si;

		if (poll(pfd, sfd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		if (sfd >= 0 && (pfd[1].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == sizeof(si))
			kill(c->pid, (int)si.ssi_signo);
	}
	while (waitpid(c->pid, &status, 0) < 0)
		if (errno != EINTR)
			return W_EXITCODE(1, 0);
	return status;
}

static int run_bundle(const char *state_root, const char *tid, const char *bundle, int *ret_status,
		      struct iso_error *err)
{
	struct create_options co = {
	    .root = state_root, .id = tid, .bundle = bundle, .caller_waits = true, .start = true};
	struct created_container c;
	struct iso_error cleanup_err = {0};
	sigset_t set, old;
	int r;

	forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	r = container_create(&co, &c, err);
	if (r == 0) {
		r = c.started ? 0 : container_start(state_root, tid, err);
		if (r < 0) {
			container_delete(state_root, tid, true, &cleanup_err);
			close(c.pidfd);
			container_created_release(&c);
		}
	}
	if (r == 0) {
		*ret_status = wait_forwarding(&c, &set);
		close(c.pidfd);
		container_created_release(&c);
		if (container_delete(state_root, tid, true, &cleanup_err) < 0)
			log_warning("%s", cleanup_err.msg);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

int tenant_run_locked(const struct tenant_store *s, const char *tid,
		      const struct tenant_run_options *o, int *ret_status, struct iso_error *err)
{
	_cleanup_free_ char *bundle = NULL, *seccomp = NULL;
	_cleanup_package_ struct tenant_package *pkg = NULL;
	struct iso_error ignored = {0};
	struct bundle_params bp;
	int r;

	if (!o->configure && !o->args) {
		bundle = store_tenant_path(s, tid, "bundle");
		if (!bundle)
			return iso_error_set(err, ENOMEM, "tenant %s", tid);
		if ((r = tenant_owner_check(s, tid, err)) < 0)
			return r;
		return run_bundle(o->state_root, tid, bundle, ret_status, err);
	}
	if ((r = tenant_load_package(s, tid, &pkg, &seccomp, err)) < 0)
		return r;
	/* The package's own profile is for its init; configure mode runs a shell or its
	 * dependencies script, under isorun's default profile. */
	if (o->configure) {
		free(seccomp);
		seccomp = NULL;
		if ((r = tenant_seccomp_configure(o->default_seccomp, &seccomp, err)) < 0)
			return iso_error_wrap(err, "tenant %s", tid);
	}
	bundle = store_tenant_path(s, tid, "run-bundle");
	if (!bundle)
		return iso_error_set(err, ENOMEM, "tenant %s", tid);
	bp = (struct bundle_params){.store = s,
				    .tid = tid,
				    .pkg = pkg,
				    .configure = o->configure,
				    .args = o->args,
				    .seccomp_json = seccomp};
	r = bundle_write(&bp, bundle, err);
	if (r == 0)
		r = run_bundle(o->state_root, tid, bundle, ret_status, err);
	remove_tree(bundle, &ignored);
	return r;
}
