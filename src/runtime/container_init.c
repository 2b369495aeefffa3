/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/container_init.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "net/loopback.h"
#include "runtime/process/credentials.h"
#include "runtime/process/executable.h"
#include "runtime/process/hooks.h"
#include "runtime/seccomp/init_filter.h"
#include "runtime/process/listen_fds.h"
#include "runtime/rootfs/mounts.h"
#include "runtime/namespaces.h"
#include "runtime/process/process_setup.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/sync.h"
#include "runtime/process/terminal.h"
#include "util/cleanup.h"
#include "util/signals.h"
#include "util/fdpass.h"
#include "util/fds.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Every fd inherited from the caller above the preserved ones (a shim's socket on fd 3, say)
 * is closed now, so nothing of the host survives into the container, not even as a cwd
 * target (CVE-2024-21626).  Only the init's own fds stay, close-on-exec. */
static int close_inherited_fds(const struct init_args *a, struct iso_error *err)
{
	int keep[] = {a->sync_fd, a->fifo_fd, a->log_fd, a->stub_fd};

	return fds_close_above(3 + (unsigned int)a->preserve_fds, keep, ARRAY_SIZE(keep), err);
}

/* The parent moves the init into the container's cgroup while the init mounts; a new cgroup
 * namespace is made only then, so that its root is the container's cgroup and not the
 * runtime's. */
static int wait_for_cgroup(void *arg, struct iso_error *err)
{
	const struct init_args *a = arg;
	const struct spec_namespace *cgns = spec_find_namespace(a->spec, CLONE_NEWCGROUP);
	int r = sync_expect(a->sync_fd, SYNC_CGROUP_JOINED, NULL, NULL, err);

	if (r < 0)
		return r;
	if (cgns && !cgns->path && unshare(CLONE_NEWCGROUP) < 0)
		return iso_error_set(err, errno, "linux.namespaces: cgroup");
	return 0;
}

/* The kernel clears the parent-death signal when the init's user or group changes: it is armed
 * again after each change.  A runtime that died in between is seen as EOF at the init's next
 * step on the sync socket. */
static int die_with_runtime(struct iso_error *err)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return iso_error_set(err, errno, "prctl");
	return 0;
}

/* Not dumpable, the init's /proc files belong to the host's root, and ptracing it or opening
 * its exe takes CAP_SYS_PTRACE in the host's user namespace (the one its memory, the runtime's,
 * was made in), which nothing in the container has.  The memory is the runtime's too
 * (init_spawn.h): the runtime is not dumpable from then on either. */
static int make_undumpable(struct iso_error *err)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return iso_error_set(err, errno, "prctl");
	return 0;
}

/* The bind sources the runtime opened come first (mount_sources.h).
 *
 * A runtime without root writes the id maps as the owner of the user namespace, through
 * /proc/PID/uid_map, gid_map and setgroups, or has newuidmap write them, which checks that
 * /proc/PID belongs to its caller: the init must stay dumpable until then, or those files belong
 * to root.  The window: from the clone to SYNC_ID_MAPS_WRITTEN the init runs only the runtime's
 * code, has mounted nothing and runs nothing of the container, and its ids are the caller's;
 * the only processes that could ptrace it then are the caller's own, which could ptrace the
 * runtime itself anyway.  It turns non-dumpable at once, before it becomes root in the
 * namespace and before anything of the container exists. */
static int become_root_in_userns(const struct init_args *a, struct mount_sources *sources,
				 struct iso_error *err)
{
	int r;

	if (!a->wait_for_id_maps)
		return 0;
	r = mount_sources_receive(a->sync_fd, a->spec->n_mounts, SYNC_ID_MAPS_WRITTEN, sources,
				  err);
	if (r < 0 || (a->maps_by_owner && (r = make_undumpable(err)) < 0))
		return r;
	if (credentials_setresgid(0) < 0 || credentials_setresuid(0) < 0)
		return iso_error_set(err, errno,
				     "linux.uidMappings: becoming root in the user "
				     "namespace (is container id 0 mapped?)");
	return die_with_runtime(err);
}

static int set_identity(const struct spec *spec, struct iso_error *err)
{
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return iso_error_set(err, errno, "hostname \"%s\"", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return iso_error_set(err, errno, "domainname \"%s\"", spec->domainname);
	return 0;
}

static int join_session_keyring(const struct init_args *a, struct iso_error *err)
{
	/* A private session keyring keeps the container's keys apart from the host's. */
	if (a->new_session_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
	    errno != ENOSYS)
		return iso_error_set(err, errno, "creating a session keyring");
	return 0;
}

/* Setup that happens while the host is still visible: namespaces, mounts, then the runtime's
 * prestart/createRuntime hooks (in the parent) and createContainer hooks (here). */
static int setup_before_pivot(const struct init_args *a, char **state_json, struct iso_error *err)
{
	const struct spec *spec = a->spec;
	const struct rootfs_cgroup_barrier barrier = {wait_for_cgroup, (void *)a};
	const struct spec_namespace *net = spec_find_namespace(spec, CLONE_NEWNET);
	_cleanup_mount_sources_ struct mount_sources sources = {0};
	int r;

	if ((r = become_root_in_userns(a, &sources, err)) < 0 ||
	    (r = namespaces_join_paths(spec, err)) < 0 || (r = join_session_keyring(a, err)) < 0 ||
	    (r = set_identity(spec, err)) < 0)
		return r;
	if (net && !net->path && (r = net_loopback_up(err)) < 0)
		return r;
	if (chdir(a->bundle) < 0)
		return iso_error_set(err, errno, "bundle %s", a->bundle);
	if ((r = rootfs_mount_all(spec, a->rootfs, &barrier, &sources, err)) < 0 ||
	    (r = namespaces_unshare_time(spec, err)) < 0)
		return r;
	r = sync_send(a->sync_fd, SYNC_MOUNTS_DONE, NULL, 0, -1, err);
	if (r < 0)
		return r;
	r = sync_expect(a->sync_fd, SYNC_RUNTIME_HOOKS_DONE, state_json, NULL, err);
	if (r < 0)
		return r;
	return hooks_run(spec, HOOK_CREATE_CONTAINER, *state_json, err);
}

/* OCI: with a terminal, /dev/console is the pty's slave, bind-mounted (the slave is fd 0 by
 * now).  A /dev/console that is a symlink is refused: the move onto it fails. */
static int bind_console(struct iso_error *err)
{
	_cleanup_close_ int target = -1, tree = -1;
	int r;

	target = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0 && errno == ENOENT) {
		int fd = open("/dev/console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
			      0600);

		if (fd < 0)
			return iso_error_set(err, errno, "/dev/console");
		close(fd);
		target = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (target < 0)
		return iso_error_set(err, errno, "/dev/console");
	tree = r = mount_clone_tree(0, "", false, err);
	if (r < 0)
		return iso_error_wrap(err, "/dev/console");
	r = mount_attach(tree, target, err);
	return r < 0 ? iso_error_wrap(err, "/dev/console") : 0;
}

static int setup_terminal(const struct init_args *a, struct iso_error *err)
{
	const struct spec_process *p = &a->spec->process;
	_cleanup_close_ int master = -1;
	int r;

	if (!p->terminal)
		return 0;
	r = terminal_setup_in_container(p, &master, err);
	if (r < 0 || (r = bind_console(err)) < 0)
		return r;
	r = sync_send(a->sync_fd, SYNC_TERMINAL_MASTER, "pty", 3, master, err);
	if (r < 0)
		return r;
	return sync_expect(a->sync_fd, SYNC_TERMINAL_SENT, NULL, NULL, err);
}

static int setup_after_pivot(const struct init_args *a, struct executable *exe,
			     struct iso_error *err)
{
	const struct process_filter filter = {.program = a->seccomp, .sync_fd = a->sync_fd};
	const struct spec *spec = a->spec;
	const bool setgroups = !a->setgroups_denied;
	int r;

	/* rootfs_pivot_and_finish() applies linux.sysctl itself, before /proc/sys goes
	 * read-only. */
	if ((r = rootfs_pivot_and_finish(spec, a->rootfs, a->no_pivot, err)) < 0 ||
	    (r = setup_terminal(a, err)) < 0 || (r = rootfs_make_dev_readonly(spec, err)) < 0)
		return r;
	/* Looked up before waiting for start, so `create` reports a missing program. */
	if ((r = executable_find(&spec->process, exe, err)) < 0)
		return r;
	if ((r = process_setup_privileges(&spec->process, &filter, setgroups, err)) < 0 ||
	    (r = die_with_runtime(err)) < 0)
		return r;
	return fds_pass_preserved(a->preserve_fds, err);
}

/* Blocks until `start` writes to the barrier. */
static int wait_for_start(const struct init_args *a, struct iso_error *err)
{
	char byte;
	ssize_t n;

	do
		n = read(a->fifo_fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return iso_error_set(err, n < 0 ? errno : EPIPE, "waiting for start");
	return 0;
}

/* Until the runtime has written state.json with status created and says so (SYNC_CREATED),
 * the init dies with it: a `create` killed earlier leaves no init that its state does not show.
 * The runtime waits for the close of the socket that follows before it exits, lest the signal
 * hit a created init.  A plain read: the user's filter may be loaded already (noNewPrivileges
 * false, a listener, or INIT_FILTER_AT_READY), and needs only allow read, not recvmsg. */
static int outlive_runtime(const struct init_args *a, struct iso_error *err)
{
	int r = sync_expect_plain(a->sync_fd, SYNC_CREATED, err);

	if (r < 0)
		return r;
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return iso_error_set(err, errno, "prctl");
	return 0;
}

/* Up to SYNC_READY: the container is set up, its program found, its user and capabilities
 * set. */
static int init_sequence(const struct init_args *a, struct executable *exe, char **state_json,
			 struct iso_error *err)
{
	int r;

	/* The runtime may block or ignore signals (run forwards them); the container starts
	 * clean. */
	signals_reset_for_exec();
	if ((r = die_with_runtime(err)) < 0 ||
	    (!a->maps_by_owner && (r = make_undumpable(err)) < 0))
		return r;
	if ((r = fds_check_preserved(a->preserve_fds, err)) < 0 ||
	    (r = close_inherited_fds(a, err)) < 0 ||
	    (r = setup_before_pivot(a, state_json, err)) < 0 ||
	    (r = setup_after_pivot(a, exe, err)) < 0)
		return r;
	return sync_send(a->sync_fd, SYNC_READY, NULL, 0, -1, err);
}

/* Where a filter left for the exec goes: init_filter.h. */
static enum init_filter_point filter_point(const struct init_args *a,
					   const struct process_filter *f)
{
	const struct init_filter_context c = {
	    .sync_fd = a->sync_fd,
	    .fifo_fd = a->fifo_fd,
	    .start_follows = a->start_follows,
	    .loaded_in_setup = !process_filter_at_exec(&a->spec->process, f),
	};

	return init_filter_point(f->program, &c);
}

static int filter_load_at(const struct process_filter *f, enum init_filter_point point,
			  enum init_filter_point here, struct iso_error *err)
{
	return point == here ? process_filter_load(f, err) : 0;
}

/* From SYNC_READY on, the runtime reads no more errors from the socket, and `create` may be
 * gone by the time one happens: they go to the container's stderr. */
__attribute__((noreturn)) static void fail_after_ready(const struct iso_error *err)
{
	fprintf(stderr, "isorun: %s\n", err->msg);
	_exit(1);
}

/* The user's program, with the socket-activation variables set for its own pid when the
 * runtime was socket-activated. */
static void exec_process(const struct init_args *a, const struct executable *exe,
			 struct iso_error *err)
{
	struct spec_process proc = a->spec->process;

	if (a->listen_fds > 0 && !(proc.env = listen_fds_env(proc.env, a->listen_fds, getpid()))) {
		iso_error_set(err, ENOMEM, "exec");
		return;
	}
	executable_exec(exe, &proc, a->stub_fd, a->fifo_fd, err);
}

void container_init_main(const struct init_args *a)
{
	const struct process_filter filter = {.program = a->seccomp, .sync_fd = a->sync_fd};
	enum init_filter_point point = filter_point(a, &filter);
	struct iso_error err = {0};
	struct executable exe = {0};
	char *state_json = NULL;

	if (init_sequence(a, &exe, &state_json, &err) < 0) {
		sync_send_error(a->sync_fd, &err);
		_exit(err.exit_code ? err.exit_code : 1);
	}
	if (filter_load_at(&filter, point, INIT_FILTER_AT_READY, &err) < 0)
		fail_after_ready(&err);
	if (outlive_runtime(a, &err) < 0) {
		sync_send_error(a->sync_fd, &err);
		_exit(err.exit_code ? err.exit_code : 1);
	}
	/* `create` waits for this close (release_init()) before it exits. */
	close(a->sync_fd);
	/* The startContainer hooks run under the filter: they are the container's, not ours. */
	if (filter_load_at(&filter, point, INIT_FILTER_AT_BARRIER, &err) < 0 ||
	    wait_for_start(a, &err) < 0 ||
	    filter_load_at(&filter, point, INIT_FILTER_AT_START, &err) < 0 ||
	    hooks_run(a->spec, HOOK_START_CONTAINER, state_json ? state_json : "{}", &err) < 0)
		fail_after_ready(&err);
	exec_process(a, &exe, &err);
	fprintf(stderr, "isorun: %s\n", err.msg);
	_exit(err.exit_code ? err.exit_code : 127);
}
