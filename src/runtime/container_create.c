/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "net/network.h"
#include "runtime/container_parts.h"
#include "runtime/container_plan.h"
#include "runtime/fault_inject.h"
#include "runtime/id_maps.h"
#include "runtime/process.h"
#include "runtime/process/hooks.h"
#include "runtime/process/terminal.h"
#include "runtime/rootfs/mount_sources.h"
#include "runtime/rootless.h"
#include "runtime/seccomp/seccomp_notify.h"
#include "runtime/sync.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/timefmt.h"

static int fill_state(const struct create_plan *p, pid_t pid, struct container_state *st)
{
	char now[64];

	memset(st, 0, sizeof(*st));
	timefmt_rfc3339_now(now, sizeof(now));
	st->id = strdup(p->o->id);
	st->oci_version = strdup(p->spec->oci_version);
	st->bundle = strdup(p->bundle);
	st->rootfs = strdup(p->rootfs);
	st->created = strdup(now);
	st->status = STATUS_CREATING;
	st->pid = pid;
	st->owner = getuid();
	st->late_hooks = (p->spec->hooks[HOOK_POSTSTART].n_hooks ? STATE_HOOKS_POSTSTART : 0) |
			 (p->spec->hooks[HOOK_POSTSTOP].n_hooks ? STATE_HOOKS_POSTSTOP : 0);
	st->annotation_keys = calloc(p->spec->n_annotations + 1, sizeof(char *));
	st->annotation_values = calloc(p->spec->n_annotations + 1, sizeof(char *));
	if (!st->id || !st->oci_version || !st->bundle || !st->rootfs || !st->created ||
	    !st->annotation_keys || !st->annotation_values)
		return -ENOMEM;
	for (size_t i = 0; i < p->spec->n_annotations; i++) {
		st->annotation_keys[i] = strdup(p->spec->annotations[i].key);
		st->annotation_values[i] = strdup(p->spec->annotations[i].value);
		if (!st->annotation_keys[i] || !st->annotation_values[i])
			return -ENOMEM;
	}
	return 0;
}

int container_forward_listener(int sock, const struct seccomp_program *prog,
			       const struct container_state *st, pid_t pid,
			       const struct create_options *o, struct iso_error *err)
{
	_cleanup_free_ char *state_json = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	if ((r = sync_expect(sock, SYNC_SECCOMP_LISTENER, NULL, &fd, err)) < 0 ||
	    (r = state_to_json(st, false, &state_json, err)) < 0)
		return r;
	if (fd < 0)
		return iso_error_set(err, EPROTO, "sync: no seccomp notify fd");
	if (o && o->on_listener)
		return o->on_listener(o->on_listener_arg, steal_fd(fd), pid, err);
	return seccomp_notify_send(prog->listener_path, prog->listener_metadata, fd, pid,
				   state_json, err);
}

/* What delete needs to clean up after a create that dies half-way is recorded (status
 * creating, state_write_creating()) once, before the first thing it could not find otherwise:
 * the cgroups, before their directories are made (pending); without cgroups, the init, as soon
 * as it is cloned.  With cgroups the init needs no record of its own: until state.json says created
 * it dies with the runtime (PR_SET_PDEATHSIG, or EOF on the sync socket), and by then it is in its
 * cgroups, where delete kills it. */
struct creating_record {
	int dirfd;
	const struct container_state *st;
};

static int record_cgroups(void *arg, const struct state_cgroup *cg, size_t n, struct iso_error *err)
{
	const struct creating_record *rec = arg;
	struct container_state copy = *rec->st;

	copy.cgroups = (struct state_cgroup *)cg; /* state_write_creating() only reads them */
	copy.n_cgroups = n;
	return state_write_creating(rec->dirfd, &copy, err);
}

/* Moves the init into its cgroups, recorded first as no longer pending (delete may then kill
 * what is in them): under systemd once the unit has made its cgroup, under cgroupfs as soon
 * as the v1 directories exist. */
static int join_cgroups(struct create_plan *p, int dirfd, struct container_state *st,
			struct iso_error *err)
{
	struct creating_record rec = {dirfd, st};
	const struct cgroup_create_hook recorded = {record_cgroups, &rec};
	int r;

	if (st->systemd_unit)
		return cgroup_systemd_join(p->spec, p->o->id, &p->unit, st->cgroups, st->n_cgroups,
					   st->pid, &recorded, err);
	if ((r = cgroup_create_v1(p->spec, st->cgroups, st->n_cgroups, err)) < 0)
		return r;
	fault_inject_point(FAULT_CGROUP_V1_MADE);
	if ((r = state_write_creating(dirfd, st, err)) < 0)
		return r;
	return cgroup_enter(st->cgroups, st->n_cgroups, st->pid, err);
}

/* First: the init needs its ids mapped to mount anything.  Without root the runtime may open
 * no bind source the init could not (their ids are the same), and may not enter the init's
 * mount namespace from outside its user namespace anyway.  The sources go out from a helper
 * that runs on while the runtime joins the cgroups; the helper ends with SYNC_ID_MAPS_WRITTEN. */
static int map_ids(struct create_plan *p, int sock, const struct container_state *st,
		   struct mount_sources_helper *helper, struct iso_error *err)
{
	const struct spec_namespace *user = spec_find_namespace(p->spec, CLONE_NEWUSER);
	int r;

	if (!user || user->path)
		return 0;
	if ((r = id_maps_write(st->pid, p->spec, err)) < 0)
		return r;
	if (!rootless_unprivileged() &&
	    (r = mount_sources_start(p->spec, p->bundle, st->pid, sock, SYNC_ID_MAPS_WRITTEN,
				     helper, err)) != 0)
		return r < 0 ? r : 0;
	return sync_send(sock, SYNC_ID_MAPS_WRITTEN, NULL, 0, -1, err);
}

/* The runtime's steps that run while the init mounts its file system: the cgroup work costs
 * the start-up nothing where it overlaps with the init's mounts (or the helper's).  The init
 * waits for SYNC_CGROUP_JOINED before its first cgroup mount (its cgroup namespace must be
 * rooted at the container's cgroup), so the runtime moves it in first and sets the limits and
 * device rules after, as runc does; the init runs none of the container's code before
 * SYNC_RUNTIME_HOOKS_DONE, which comes after both. */
static int prepare_init(struct create_plan *p, int dirfd, int sock, struct container_state *st,
			struct net_attached *net, struct iso_error *err)
{
	_cleanup_mount_sources_helper_ struct mount_sources_helper helper = {.job = NULL};
	int r;

	if ((r = map_ids(p, sock, st, &helper, err)) < 0 ||
	    (r = join_cgroups(p, dirfd, st, err)) < 0 ||
	    (r = mount_sources_finish(&helper, err)) < 0 ||
	    (r = sync_send(sock, SYNC_CGROUP_JOINED, NULL, 0, -1, err)) < 0)
		return r;
	fault_inject_point(FAULT_CGROUP_JOINED);
	if ((r = cgroup_apply_config(p->spec, st->cgroups, st->n_cgroups, err)) < 0)
		return r;
	/* Recorded at once: delete removes the host-side veth of a create killed from here on. */
	if ((r = net_attach(&p->net, st->pid, net, err)) < 0 ||
	    (r = net_record_write(dirfd, net, err)) < 0)
		return r;
	fault_inject_point(FAULT_NETWORK);
	return 0;
}

/* The prestart and createRuntime hooks run between the init's mounts and its createContainer
 * hooks, with the state on stdin; the init waits for SYNC_RUNTIME_HOOKS_DONE, which carries
 * that state for its own hooks.  Without runtime hooks nothing has to happen in between: the
 * message goes out before the init's SYNC_MOUNTS_DONE comes in, and the init reads it at once
 * instead of waiting a round trip for it.  The init may then run ahead to SYNC_READY while
 * the runtime is still at its 'mounts' step; that is safe because it keeps its parent-death
 * signal until SYNC_CREATED (release_init()).  The state is the same either way: nothing
 * between the two points changes it. */
static int runtime_hooks(const struct spec *spec, int sock, const struct container_state *st,
			 bool ahead, struct iso_error *err)
{
	_cleanup_free_ char *state_json = NULL;
	bool wanted =
	    spec->hooks[HOOK_PRESTART].n_hooks > 0 || spec->hooks[HOOK_CREATE_RUNTIME].n_hooks > 0;
	int r;

	if (wanted == ahead)
		return 0;
	if ((r = state_to_json(st, false, &state_json, err)) < 0 ||
	    (r = hooks_run(spec, HOOK_PRESTART, state_json, err)) < 0 ||
	    (r = hooks_run(spec, HOOK_CREATE_RUNTIME, state_json, err)) < 0)
		return r;
	return sync_send(sock, SYNC_RUNTIME_HOOKS_DONE, state_json, strlen(state_json), -1, err);
}

/* The runtime's side of the sync protocol, from clone to SYNC_READY. */
static int drive_init(struct create_plan *p, int dirfd, int sock, struct container_state *st,
		      struct net_attached *net, struct iso_error *err)
{
	const struct spec *spec = p->spec;
	_cleanup_close_ int master = -1;
	int r;

	/* An init that failed its mounts exits, and the runtime then fails to enter its network
	 * namespace, or to send it SYNC_RUNTIME_HOOKS_DONE: the init's own error is the one worth
	 * printing.  One that fails after that message went out is reported by the sync_expect()
	 * that waits for SYNC_MOUNTS_DONE. */
	if ((r = prepare_init(p, dirfd, sock, st, net, err)) < 0 ||
	    (r = runtime_hooks(spec, sock, st, true, err)) < 0) {
		if (sync_take_peer_error(sock, err))
			r = iso_error_code(err);
		return r;
	}
	if ((r = sync_expect(sock, SYNC_MOUNTS_DONE, NULL, NULL, err)) < 0)
		return r;
	fault_inject_point(FAULT_MOUNTS);
	if ((r = runtime_hooks(spec, sock, st, false, err)) < 0)
		return r;
	fault_inject_point(FAULT_HOOKS);
	if (spec->process.terminal) {
		if ((r = sync_expect(sock, SYNC_TERMINAL_MASTER, NULL, &master, err)) < 0 ||
		    (r = terminal_hand_over(p->o->console_socket, p->o->console_fd, master, err)) <
			0 ||
		    (r = sync_send(sock, SYNC_TERMINAL_SENT, NULL, 0, -1, err)) < 0)
			return r;
	}
	if (p->seccomp.needs_listener &&
	    (r = container_forward_listener(sock, &p->seccomp, st, st->pid, p->o, err)) < 0)
		return r;
	return sync_expect(sock, SYNC_READY, NULL, NULL, err);
}

/* The init keeps its parent-death signal past SYNC_READY, until state.json says created: a
 * runtime killed before that takes it along, so no init lives on that the state does not show
 * created.  SYNC_CREATED tells it to let go, and it closes its end once it has: `create` must
 * not exit before, or the signal still armed would kill the container it just reported
 * created.  A caller that waits for the container anyway (run) does not wait for that: the
 * round trip costs it 0.7 ms, and the only difference is that a run killed in the next moment
 * also takes the container along. */
static int release_init(const struct create_options *o, int sock, struct iso_error *err)
{
	int r = sync_send(sock, SYNC_CREATED, NULL, 0, -1, err);

	return r < 0 || o->caller_waits ? r : sync_expect_close(sock, err);
}

static bool can_start_now(const struct create_plan *p)
{
	return p->o->start && !p->spec->process.terminal &&
	       p->spec->hooks[HOOK_POSTSTART].n_hooks == 0;
}

static void init_args_fill(const struct create_plan *p, int sock, int fifo, struct init_args *a)
{
	const struct spec_namespace *user = spec_find_namespace(p->spec, CLONE_NEWUSER);

	*a = (struct init_args){
	    .spec = p->spec,
	    .bundle = p->bundle,
	    .rootfs = p->rootfs,
	    .sync_fd = sock,
	    .fifo_fd = fifo,
	    .log_fd = log_fd(),
	    .stub_fd = p->stub_fd,
	    .seccomp = &p->seccomp,
	    .preserve_fds = p->o->preserve_fds,
	    .listen_fds = p->o->listen_fds,
	    .new_session_keyring = !p->o->no_new_keyring,
	    .no_pivot = p->o->no_pivot,
	    .wait_for_id_maps = user && !user->path,
	    .maps_by_owner = user && !user->path && rootless_unprivileged(),
	    .setgroups_denied = user && !user->path && id_maps_deny_setgroups(p->spec),
	    .start_follows = can_start_now(p),
	};
}

static int init_entry(void *arg)
{
	struct create_plan *p = arg;

	close(p->parent_sock);
	container_init_main(&p->init_args);
}

static int spawn_error(const struct create_plan *p, int errnum, struct iso_error *err)
{
	switch (p->spawn.failed_step) {
	case INIT_SPAWN_SETNS:
		return iso_error_set(err, errnum, "linux.namespaces: joining pid namespace %s",
				     spec_find_namespace(p->spec, CLONE_NEWPID)->path);
	case INIT_SPAWN_UNSHARE:
		return iso_error_set(err, errnum, "linux.namespaces: creating the namespaces");
	default:
		return iso_error_set(err, errnum, "cloning the container's init");
	}
}

/* Has the init cloned in the namespaces prepare_spawn() made, sharing this process's memory
 * until it execs (init_spawn.h); spawn_init_wait() takes its pid.  In between, the runtime makes
 * the cgroups: with a new user namespace the clone makes every namespace itself, and that is
 * the dearest part of it. */
static void spawn_init_begin(struct create_plan *p, int fifo, int sock, int init_sock)
{
	p->parent_sock = sock;
	init_args_fill(p, init_sock, fifo, &p->init_args);
	init_spawn_begin(&p->spawn, p->clone_flags, init_entry, p);
}

static int spawn_init_wait(struct create_plan *p, pid_t *ret_pid, int *ret_pidfd,
			   struct iso_error *err)
{
	int r = 0;
	pid_t pid = init_spawn_wait(&p->spawn);

	if (pid < 0)
		return spawn_error(p, (int)-pid, err);
	*ret_pid = pid;
	/* The init is our unreaped child: its pid cannot be reused under the pidfd. */
	*ret_pidfd = process_pidfd_open(pid, 0);
	if (*ret_pidfd < 0) {
		r = iso_error_set(err, -*ret_pidfd, "pidfd_open of the container's init");
		*ret_pidfd = -1;
	}
	return r;
}

/* container_start() for run, under the lock create holds and with the state it has in memory:
 * no reopening, no reading back.  Our O_RDWR end keeps a reader on the fifo, so the write
 * cannot fail with ENXIO as start's does for a dead init; the init is alive, it just said so. */
static int start_now(int dirfd, int fifo, struct container_state *st, struct iso_error *err)
{
	int r = container_release_start_barrier(dirfd, fifo, st, err);

	return r < 0 ? r : state_write(dirfd, st, err);
}

static int record_init(int dirfd, struct container_state *st, pid_t pid, struct iso_error *err)
{
	bool zombie;

	st->pid = pid;
	st->pid_start_time = state_process_start_time(pid, &zombie);
	return st->n_cgroups ? 0 : state_write_creating(dirfd, st, err);
}

/* The container's cgroups (the systemd driver's are only planned here: the unit is started
 * with the init's pid), each recorded in creating.json as it is made.  Without cgroups,
 * check_plan() has refused every limit already. */
static int make_cgroups(struct create_plan *p, int dirfd, struct container_state *st,
			struct iso_error *err)
{
	struct creating_record rec = {dirfd, st};
	const struct cgroup_create_hook hook = {record_cgroups, &rec};

	if (p->o->systemd_cgroup)
		return cgroup_plan_systemd(p->spec, p->unit.cgroup_path, &hook, &st->cgroups,
					   &st->n_cgroups, err);
	return cgroup_create(p->spec, p->o->id, &hook, &st->cgroups, &st->n_cgroups, err);
}

static int launch(struct create_plan *p, int dirfd, struct created_container *ret,
		  struct iso_error *err)
{
	_cleanup_close_ int fifo = -1, pidfd = -1, cgroup_fd = -1, sock = -1, init_sock = -1;
	_cleanup_net_attached_ struct net_attached net = {.netns_fd = -1};
	_cleanup_state_ struct container_state st = {0};
	int sv[2], r, r2;
	struct iso_error ignored;
	bool started = can_start_now(p), no_cgroups;
	pid_t pid = -1;

	if (fill_state(p, 0, &st) < 0 ||
	    (p->o->systemd_cgroup && !(st.systemd_unit = strdup(p->unit.name))))
		return iso_error_set(err, ENOMEM, "state");
	if (mkfifoat(dirfd, FIFO_NAME, 0600) < 0)
		return iso_error_set(err, errno, "creating the start barrier");
	/* O_RDWR never blocks on a fifo, and keeps a reader so that start can tell a live init
	 * (write succeeds) from a dead one (ENXIO). */
	fifo = openat(dirfd, FIFO_NAME, O_RDWR | O_CLOEXEC);
	if (fifo < 0)
		return iso_error_set(err, errno, "opening the start barrier");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return iso_error_set(err, errno, "socketpair");
	sock = sv[0];
	init_sock = sv[1];
	spawn_init_begin(p, fifo, sock, init_sock);
	no_cgroups = rootless_skip_cgroups(p->o->no_cgroups, p->o->systemd_cgroup);
	r = no_cgroups ? 0 : make_cgroups(p, dirfd, &st, err);
	if (r == 0)
		fault_inject_point(FAULT_CGROUP);
	/* Waited for either way: on an error the init is killed below like any other. */
	r2 = spawn_init_wait(p, &pid, &pidfd, r < 0 ? &ignored : err);
	if (r == 0)
		r = r2;
	close_now(&init_sock); /* the init's copy is all it needs */
	if (r == 0 && p->o->on_spawned) {
		cgroup_fd = cgroup_open_v2(st.cgroups, st.n_cgroups);
		r = p->o->on_spawned(p->o->on_spawned_arg, pid, cgroup_fd, err);
	}
	if (r == 0) {
		fault_inject_point(FAULT_CLONE);
		r = record_init(dirfd, &st, pid, err);
	}
	if (r == 0)
		r = drive_init(p, dirfd, sock, &st, &net, err);
	if (r == 0) {
		fault_inject_point(FAULT_READY);
		st.status = STATUS_CREATED;
		r = state_write(dirfd, &st, err);
	}
	/* The init waits for SYNC_CREATED: the stale creating.json goes after (state.json, read
	 * first, says created already). */
	if (r == 0) {
		r = release_init(p->o, sock, err);
		state_remove_creating(dirfd);
	}
	close_now(&sock);
	if (r == 0) {
		fault_inject_point(FAULT_STATE_WRITTEN);
		r = process_write_pid_file(p->o->pid_file, pid, err);
	}
	if (r == 0 && started)
		r = start_now(dirfd, fifo, &st, err);
	if (r < 0) {
		net_detach(&net); /* first: it may need the init's network namespace */
		if (pid > 0)
			process_kill_and_reap(pid, pidfd);
		container_destroy_cgroups(&st, true, &ignored);
		return r;
	}
	/* Once it worked: a config refused gets its one line of error alone. */
	if (no_cgroups && !p->o->no_cgroups)
		rootless_warn_no_cgroups();
	ret->pid = pid;
	ret->pidfd = steal_fd(pidfd);
	ret->terminal = p->spec->process.terminal;
	ret->filter_holds_init_calls =
	    !p->spec->process.no_new_privileges || p->spec->hooks[HOOK_START_CONTAINER].n_hooks > 0;
	ret->started = started;
	return 0;
}

int container_create(const struct create_options *o, struct created_container *ret,
		     struct iso_error *err)
{
	/* Declared first, closed last: the lock is held until the plan is freed. */
	_cleanup_close_ int dirfd = -1;
	_cleanup_create_plan_ struct create_plan *plan = calloc(1, sizeof(*plan));
	struct iso_error ignored;
	int r;

	if (!plan)
		return iso_error_set(err, ENOMEM, "create");
	plan->stub_fd = -1;
	plan->pidns_fd = -1;
	if ((r = fault_inject_arm(err)) < 0 || (r = create_plan_load(o, plan, err)) < 0)
		return r;
	dirfd = r = state_dir_create(o->root, o->id, err);
	if (r < 0)
		return r;
	r = write_file_atomic_at(dirfd, CONFIG_COPY, plan->config_text, plan->config_len, 0600,
				 err);
	if (r == 0) {
		fault_inject_point(FAULT_STATE_DIR);
		r = launch(plan, dirfd, ret, err);
	}
	if (r < 0) {
		state_dir_remove(o->root, o->id, &ignored);
		return r;
	}
	ret->plan = steal_ptr(plan); /* the init may still read it: container_created_release() */
	return 0;
}

void container_created_release(struct created_container *c)
{
	/* An init that has not exec'd yet (one delete failed to kill) keeps what it reads. */
	if (!c->plan || !init_spawn_try_join(&c->plan->spawn))
		return;
	create_plan_free(c->plan);
	free(c->plan);
	c->plan = NULL;
}
