#include "config.h"
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/network.h"
#include "runtime/annotations.h"
#include "runtime/process/apparmor.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_systemd.h"
#include "runtime/spec/config_load.h"
#include "runtime/container_init.h"
#include "runtime/process/exec_stub.h"
#include "runtime/fault_inject.h"
#include "runtime/process/hooks.h"
#include "runtime/id_maps.h"
#include "runtime/init_spawn.h"
#include "runtime/rootfs/mount_sources.h"
#include "runtime/namespaces.h"
#include "runtime/rootfs/overlay_root.h"
#include "runtime/process.h"
#include "runtime/rootless.h"
#include "runtime/process/selfexe.h"
#include "runtime/seccomp/seccomp.h"
#include "runtime/seccomp/seccomp_notify.h"
#include "runtime/process/selinux.h"
#include "runtime/spec/spec.h"
#include "runtime/sync.h"
#include "runtime/rootfs/sysctl.h"
#include "runtime/process/terminal.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/jsongen.h"
#include "util/log.h"
#include "util/timefmt.h"

#define FIFO_NAME	   "exec.fifo"
#define CONFIG_COPY	   "config.json"
#define CONFIG_MAX_SIZE	   (4 * 1024 * 1024)
#define ISORUN_OCI_VERSION "1.2.0"

/* Everything create needs, gathered before anything is made on the host. */
struct create_plan {
	const struct create_options *o;
	char *bundle;
	char *rootfs;
	char *config_text;
	size_t config_len;
	struct spec *spec;
	int stub_fd; /* exec_stub.h; -1 when the runtime's own image is protected */
	struct seccomp_program seccomp;
	struct net_config net;
	/* The init runs in this process's memory until it execs (init_spawn.h): what it reads
	 * lives here, in the heap, until the plan is freed after init_spawn_join(). */
	struct init_args init_args;
	int parent_sock; /* the runtime's end of the sync socketpair, which the init closes */
	int pidns_fd;	 /* linux.namespaces' pid path, opened, or -1 */
	unsigned long clone_flags;
	struct init_spawn spawn;
	struct systemd_unit unit; /* --systemd-cgroup: the container's unit */
};

static void create_plan_free(struct create_plan *p)
{
	init_spawn_join(&p->spawn);
	if (p->pidns_fd >= 0)
		close(p->pidns_fd);
	net_config_clear(&p->net);
	free(p->bundle);
	free(p->rootfs);
	free(p->config_text);
	if (p->spec)
		spec_free(p->spec);
	if (p->stub_fd >= 0)
		close(p->stub_fd);
	seccomp_program_free(&p->seccomp);
	systemd_unit_clear(&p->unit);
}

/* Frees a plan whose init, if it had one, is dead. */
static void create_plan_freep(struct create_plan **p)
{
	if (!*p)
		return;
	create_plan_free(*p);
	free(*p);
}

#define _cleanup_create_plan_ __attribute__((cleanup(create_plan_freep)))

static int resolve_rootfs(struct create_plan *p, struct iso_error *err)
{
	const char *root = p->spec->root_path;
	_cleanup_free_ char *joined = NULL;
	struct stat st;
	int n;

	if (root[0] == '/')
		n = asprintf(&joined, "%s", root);
	else
		n = asprintf(&joined, "%s/%s", p->bundle, root);
	if (n < 0)
		return iso_error_set(err, ENOMEM, "root.path");
	/* The host path of the root, with symlinks resolved once, here, on the host's side. */
	p->rootfs = realpath(joined, NULL);
	if (!p->rootfs)
		return iso_error_set(err, errno, "config.json: root.path: %s", joined);
	if (stat(p->rootfs, &st) < 0)
		return iso_error_set(err, errno, "config.json: root.path: %s", joined);
	if (!S_ISDIR(st.st_mode))
		return iso_error_set(err, ENOTDIR, "config.json: root.path: %s", joined);
	/* pivot_root into the root it is already in fails with a bare EBUSY, after the
	 * namespaces and the cgroup were made: refuse it first, by name. */
	if (!strcmp(p->rootfs, "/"))
		return iso_error_invalid(err,
					 "config.json: root.path: %s is the host's / (a container "
					 "needs a root file system of its own)",
					 joined);
	return 0;
}

static int check_plan(struct create_plan *p, struct iso_error *err)
{
	const struct spec *spec = p->spec;
	const struct spec_namespace *uts = spec_find_namespace(spec, CLONE_NEWUTS);
	struct overlay_root overlay;
	int r;

	if ((r = spec_validate_for_start(spec, err)) < 0 ||
	    (r = namespaces_validate(spec, err)) < 0 || (r = sysctl_validate(spec, err)) < 0 ||
	    (r = apparmor_prepare(&p->spec->process.apparmor_profile,
				  "config.json: process.apparmorProfile", err)) < 0 ||
	    (r = annotations_check(spec, err)) < 0 || (r = rootless_check_spec(spec, err)) < 0 ||
	    (r = id_maps_check(spec, err)) < 0)
		return r;
	/* Checked here, before anything exists, so that a bad layer path leaves nothing. */
	if ((r = overlay_root_from_spec(spec, &overlay, err)) < 0)
		return r;
	if ((spec->hostname || spec->domainname) && (!uts || uts->path))
		return iso_error_invalid(err, "config.json: hostname: setting a hostname needs a "
					      "new uts namespace in linux.namespaces");
	if (spec->process.terminal && !p->o->console_socket && p->o->console_fd < 0)
		return iso_error_invalid(err, "config.json: process.terminal is true: "
					      "--console-socket is required");
	if (!spec->process.terminal && p->o->console_socket)
		return iso_error_invalid(err, "--console-socket given but process.terminal is "
					      "false in config.json");
	if (p->o->systemd_cgroup && (r = cgroup_systemd_check(spec, p->o->id, &p->unit, err)) < 0)
		return r;
	/* Last: it asks the kernel whether the bridge and the netDevices exist. */
	return net_prepare(spec, &p->net, err);
}

/* CVE-2019-5736: the init enters the container as a clone of this process.  Where the exec
 * stub suffices (exec_stub.h) it costs one tiny exec; otherwise the whole runtime re-executes
 * from a sealed memfd (not returning here) before anything exists on the host. */
static int protect_runtime_image(struct create_plan *p, struct iso_error *err)
{
	int r = selfexe_is_protected();

	if (r < 0)
		return iso_error_set(err, -r, "protecting the runtime binary: /proc/self/exe");
	if (r > 0)
		return 0;
	if (!exec_stub_protects(p->spec))
		return selfexe_ensure_protected(err);
	p->stub_fd = exec_stub_memfd(err);
	return p->stub_fd < 0 ? p->stub_fd : 0;
}

/* The helper thread makes the container's namespaces while create goes on (init_spawn.h):
 * all of them, unless a new user namespace must own them, which only the clone can make. */
static int prepare_spawn(struct create_plan *p, struct iso_error *err)
{
	unsigned long ns = namespaces_clone_flags(p->spec);
	bool new_userns = ns & CLONE_NEWUSER;
	int r;

	r = namespaces_open_pid_path(p->spec, &p->pidns_fd, err);
	if (r < 0)
		return r;
	p->clone_flags = new_userns ? ns : 0;
	r = init_spawn_prepare(&p->spawn, new_userns ? 0 : ns, p->pidns_fd);
	return r < 0 ? iso_error_set(err, -r, "starting the thread that clones the init") : 0;
}

static int read_config(const char *abs_bundle, char **ret_text, size_t *ret_len,
		       struct iso_error *err)
{
	_cleanup_free_ char *config_path = NULL;

	if (asprintf(&config_path, "%s/config.json", abs_bundle) < 0)
		return iso_error_set(err, ENOMEM, "bundle");
	return read_regular_file_at(AT_FDCWD, config_path, CONFIG_MAX_SIZE, ret_text, ret_len, err);
}

int container_read_config(const char *bundle, char **ret_text, size_t *ret_len,
			  struct iso_error *err)
{
	_cleanup_free_ char *abs_bundle = NULL;
	int r = make_absolute(bundle ? bundle : ".", &abs_bundle, err);

	return r < 0 ? r : read_config(abs_bundle, ret_text, ret_len, err);
}

static int copy_config(const struct create_options *o, struct create_plan *p, struct iso_error *err)
{
	p->config_text = malloc(o->config_len + 1);
	if (!p->config_text)
		return iso_error_set(err, ENOMEM, "config.json");
	memcpy(p->config_text, o->config_text, o->config_len);
	p->config_text[o->config_len] = '\0';
	p->config_len = o->config_len;
	return 0;
}

static int load_plan(const struct create_options *o, struct create_plan *p, struct iso_error *err)
{
	struct config_profile profile;
	int r;

	p->o = o;
	if ((r = state_validate_id(o->id, err)) < 0 ||
	    (r = make_absolute(o->bundle ? o->bundle : ".", &p->bundle, err)) < 0)
		return r;
	/* The bundle path goes into state.json: a container whose state cannot be read back could
	 * not be deleted. */
	if (!jsongen_utf8_valid(p->bundle))
		return iso_error_invalid(err, "bundle %s: the path is not valid UTF-8", p->bundle);
	r = o->config_text ? copy_config(o, p, err)
			   : read_config(p->bundle, &p->config_text, &p->config_len, err);
	if (r < 0)
		return r;
	if ((r = config_load_spec(p->config_text, p->config_len, &profile, &p->spec, err)) < 0)
		return r;
	/* As soon as the namespaces are known; a plan found bad below only wastes them.  The
	 * profile's cache lookup (or compiling) then overlaps with the helper's unsharing, which
	 * takes longer than all that create does before the clone.  A trace replaces the config's
	 * filter with its recorder. */
	if ((r = prepare_spawn(p, err)) < 0)
		return r;
	r = o->seccomp_override ? seccomp_program_copy(o->seccomp_override, &p->seccomp, err)
				: config_load_seccomp(&profile, p->spec, o->root, &p->seccomp, err);
	if (r < 0 || (r = check_plan(p, err)) < 0 || (r = resolve_rootfs(p, err)) < 0)
		return r;
	if (!jsongen_utf8_valid(p->rootfs))
		return iso_error_invalid(err, "config.json: root.path: %s is not valid UTF-8",
					 p->rootfs);
	if ((r = protect_runtime_image(p, err)) < 0)
		return r;
	/* After the re-execution that protect_runtime_image() may do, so that its warnings are
	 * printed once. */
	return selinux_prepare(p->spec, "config.json", err);
}

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

/* Under either driver: what delete and a failed create remove. */
static int destroy_cgroups(const struct container_state *st, bool quiet, struct iso_error *err)
{
	if (st->systemd_unit)
		return cgroup_systemd_destroy(st->systemd_unit, st->cgroups, st->n_cgroups, quiet,
					      err);
	return cgroup_destroy(st->cgroups, st->n_cgroups, err);
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

/* The runtime's steps that run while the init mounts its file system: the cgroup work costs
 * the start-up nothing where it overlaps with the init's mounts.  The init waits for
 * SYNC_CGROUP_JOINED before its first cgroup mount (its cgroup namespace must be rooted at the
 * container's cgroup), so the runtime moves it in first and sets the limits and device rules
 * after, as runc does; the init runs none of the container's code before
 * SYNC_RUNTIME_HOOKS_DONE, which comes after both. */
static int prepare_init(struct create_plan *p, int dirfd, int sock, struct container_state *st,
			struct net_attached *net, struct iso_error *err)
{
	const struct spec_namespace *user = spec_find_namespace(p->spec, CLONE_NEWUSER);
	int r;

	/* First: the init needs its ids mapped to mount anything.  Without root the runtime may
	 * open no bind source the init could not (their ids are the same), and may not enter the
	 * init's mount namespace from outside its user namespace anyway. */
	if (user && !user->path) {
		if ((r = id_maps_write(st->pid, p->spec, err)) < 0 ||
		    (!rootless_unprivileged() &&
		     (r = mount_sources_send(p->spec, p->bundle, st->pid, sock, err)) < 0) ||
		    (r = sync_send(sock, SYNC_ID_MAPS_WRITTEN, NULL, 0, -1, err)) < 0)
			return r;
	}
	if ((r = join_cgroups(p, dirfd, st, err)) < 0 ||
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

/* Clones the init in the namespaces prepare_spawn() made, sharing this process's memory until
 * it execs (init_spawn.h). */
static int spawn_init(struct create_plan *p, int fifo, int sock, int init_sock, pid_t *ret_pid,
		      int *ret_pidfd, struct iso_error *err)
{
	int r = 0;
	pid_t pid;

	p->parent_sock = sock;
	init_args_fill(p, init_sock, fifo, &p->init_args);
	pid = init_spawn_start(&p->spawn, p->clone_flags, init_entry, p);
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

/* Lets the init past its start barrier; st says running, not yet written. */
static int release_start_barrier(int dirfd, int fifo, struct container_state *st,
				 struct iso_error *err)
{
	if (write(fifo, "0", 1) != 1)
		return iso_error_set(err, errno, "cannot start container \"%s\"", st->id);
	unlinkat(dirfd, FIFO_NAME, 0);
	st->status = STATUS_RUNNING;
	return 0;
}

/* container_start() for run, under the lock create holds and with the state it has in memory:
 * no reopening, no reading back.  Our O_RDWR end keeps a reader on the fifo, so the write
 * cannot fail with ENXIO as start's does for a dead init; the init is alive, it just said so. */
static int start_now(int dirfd, int fifo, struct container_state *st, struct iso_error *err)
{
	int r = release_start_barrier(dirfd, fifo, st, err);

	return r < 0 ? r : state_write(dirfd, st, err);
}

static int record_init(int dirfd, struct container_state *st, pid_t pid, struct iso_error *err)
{
	bool zombie;

	st->pid = pid;
	st->pid_start_time = state_process_start_time(pid, &zombie);
	return st->n_cgroups ? 0 : state_write_creating(dirfd, st, err);
}

static int launch(struct create_plan *p, int dirfd, struct created_container *ret,
		  struct iso_error *err)
{
	_cleanup_close_ int fifo = -1, pidfd = -1, cgroup_fd = -1, sock = -1, init_sock = -1;
	_cleanup_net_attached_ struct net_attached net = {.netns_fd = -1};
	_cleanup_state_ struct container_state st = {0};
	struct creating_record rec = {dirfd, &st};
	const struct cgroup_create_hook hook = {record_cgroups, &rec};
	int sv[2], r;
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
	no_cgroups = rootless_skip_cgroups(p->o->no_cgroups);
	if (no_cgroups)
		r = cgroup_check_none(p->spec, err);
	else if (p->o->systemd_cgroup)
		r = cgroup_plan_systemd(p->spec, p->unit.cgroup_path, &hook, &st.cgroups,
					&st.n_cgroups, err);
	else
		r = cgroup_create(p->spec, p->o->id, &hook, &st.cgroups, &st.n_cgroups, err);
	if (r < 0 && no_cgroups && !p->o->no_cgroups)
		iso_error_wrap(err, "running rootless, without cgroups");
	if (r < 0)
		return r;
	fault_inject_point(FAULT_CGROUP);
	r = spawn_init(p, fifo, sock, init_sock, &pid, &pidfd, err);
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
		destroy_cgroups(&st, true, &ignored);
		return r;
	}
	/* Once it worked: a config refused gets its one line of error alone. */
	if (no_cgroups && !p->o->no_cgroups)
		rootless_warn_no_cgroups();
	ret->pid = pid;
	ret->pidfd = steal_fd(pidfd);
	ret->terminal = p->spec->process.terminal;
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
	if ((r = fault_inject_arm(err)) < 0 || (r = load_plan(o, plan, err)) < 0)
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

/* Opens (and locks) the state directory and reads the state with its live status. */
int container_open_locked(const char *root, const char *id, int *ret_dirfd,
			  struct container_state *st, struct iso_error *err)
{
	_cleanup_close_ int dirfd = -1;
	int r;

	if ((r = state_validate_id(id, err)) < 0)
		return r;
	dirfd = r = state_dir_open(root, id, err);
	if (r < 0)
		return r;
	if ((r = state_read(dirfd, id, st, err)) < 0)
		return r;
	state_refresh(st);
	*ret_dirfd = steal_fd(dirfd);
	return 0;
}

int container_load_state(const char *root, const char *id, struct container_state *st,
			 struct iso_error *err)
{
	_cleanup_close_ int dirfd = -1;

	return container_open_locked(root, id, &dirfd, st, err);
}

/* The config the container was created with (the bundle may have changed since). */
static int load_config_copy(int dirfd, struct spec **ret, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = read_file_at(dirfd, CONFIG_COPY, CONFIG_MAX_SIZE, &text, &len, err);
	if (r < 0)
		return r;
	return spec_parse(text, len, "config.json", ret, err);
}

int container_load_with_config(const char *root, const char *id, struct container_state *st,
			       struct spec **ret_spec, struct seccomp_program *ret_seccomp,
			       struct iso_error *err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = container_open_locked(root, id, &dirfd, st, err);
	if (r < 0)
		return r;
	r = read_file_at(dirfd, CONFIG_COPY, CONFIG_MAX_SIZE, &text, &len, err);
	if (r == 0)
		r = config_load(text, len, root, ret_spec, ret_seccomp, err);
	if (r < 0)
		state_clear(st);
	return r;
}

/* Poststart and poststop hooks: the spec makes their failures warnings, not errors.  They are
 * prepared (config copy and state read) apart from being run, because poststop runs after the
 * state directory that holds the config is gone. */
struct late_hooks {
	bool wanted; /* the config may have hooks of the kind */
	struct spec *spec;
	char *state_json;
	struct iso_error err;
};

/* Leaves h empty (nothing to run) when the state says the config has no hook of the kind:
 * the config copy, which may hold a large seccomp profile, is then not parsed at all. */
static void late_hooks_prepare(int dirfd, const struct container_state *st, int kind_bit,
			       struct late_hooks *h)
{
	*h = (struct late_hooks){0};
	if (st->late_hooks != STATE_HOOKS_UNKNOWN && !(st->late_hooks & kind_bit))
		return;
	h->wanted = true;
	if (load_config_copy(dirfd, &h->spec, &h->err) == 0)
		state_to_json(st, false, &h->state_json, &h->err);
}

static void late_hooks_clear(struct late_hooks *h)
{
	if (h->spec)
		spec_free(h->spec);
	free(h->state_json);
	*h = (struct late_hooks){0};
}

static void late_hooks_run(struct late_hooks *h, enum spec_hook_kind kind)
{
	if (!h->wanted)
		return;
	if (!h->state_json)
		log_warning("%s", h->err.msg);
	else
		hooks_run_all(h->spec, kind, h->state_json);
	late_hooks_clear(h);
}

/* The init holds the barrier open close-on-exec: when it has run the startContainer hooks and
 * exec'd the user's program (or died), the fifo has no reader left and our end reports
 * POLLERR.  Waiting for that keeps poststart after the program started, as the spec orders;
 * without poststart hooks start need not wait (runc does not): the exec takes milliseconds
 * here, which `start` would otherwise spend idle. */
static void wait_for_exec(int fifo)
{
	struct pollfd pfd = {.fd = fifo, .events = 0};

	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
}

int container_start(const char *root, const char *id, struct iso_error *err)
{
	_cleanup_state_ struct container_state st = {0};
	struct late_hooks hooks;
	_cleanup_close_ int dirfd = -1, fifo = -1;
	int r;

	r = container_open_locked(root, id, &dirfd, &st, err);
	if (r < 0)
		return r;
	if (st.status != STATUS_CREATED)
		return iso_error_invalid(err,
					 "cannot start container \"%s\": it is %s, not created", id,
					 state_status_name(st.status));
	fifo = openat(dirfd, FIFO_NAME, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return iso_error_set(err, errno == ENXIO ? 0 : errno,
				     "cannot start container \"%s\": its init is gone", id);
	if ((r = release_start_barrier(dirfd, fifo, &st, err)) < 0)
		return r;
	late_hooks_prepare(dirfd, &st, STATE_HOOKS_POSTSTART, &hooks);
	if (hooks.wanted && (!hooks.spec || hooks.spec->hooks[HOOK_POSTSTART].n_hooks > 0))
		wait_for_exec(fifo);
	r = state_write(dirfd, &st, err);
	if (r < 0) {
		late_hooks_clear(&hooks);
		return r;
	}
	late_hooks_run(&hooks, HOOK_POSTSTART);
	return 0;
}

/* A created container's init is still isorun's: it handles no signal, and as the init of a pid
 * namespace it would not even be sent one left at its default action.  A signal whose default
 * action ends a process ends the init, as it ends runc's (whose Go runtime exits on it). */
static int signal_for_created(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGCONT:
	case SIGURG:
	case SIGWINCH:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return sig;
	default:
		return SIGKILL;
	}
}

int container_kill(const char *root, const char *id, int sig, bool all, struct iso_error *err)
{
	_cleanup_state_ struct container_state st = {0};
	_cleanup_close_ int dirfd = -1;
	int r;

	r = container_open_locked(root, id, &dirfd, &st, err);
	if (r < 0)
		return r;
	if (st.status == STATUS_STOPPED)
		return iso_error_invalid(err, "cannot kill container \"%s\": container not running",
					 id);
	if (st.status == STATUS_CREATED && sig > 0)
		sig = signal_for_created(sig);
	r = process_signal(st.pid, st.pid_start_time, sig, all, err);
	if (r == -ESRCH)
		return iso_error_invalid(err, "cannot kill container \"%s\": container not running",
					 id);
	if (r == 0 && all)
		r = cgroup_signal_all(st.cgroups, st.n_cgroups, sig, err);
	/* A frozen process does not die until it is thawed (runc thaws after SIGKILL too). */
	if (r == 0 && sig == SIGKILL && st.status == STATUS_PAUSED) {
		r = cgroup_freeze(st.cgroups, st.n_cgroups, false, err);
		st.status = STATUS_RUNNING;
		if (r == 0)
			r = state_write(dirfd, &st, err);
	}
	return r;
}

static int stop_for_delete(const struct container_state *st, struct iso_error *err)
{
	int r;

	/* An abandoned create's init dies with the runtime, but may not be gone yet when delete
	 * gets the lock (released as the runtime exits); a pid of 0 is one not cloned yet. */
	if ((st->status == STATUS_STOPPED && !st->abandoned) || st->pid <= 0)
		return 0;
	r = process_signal(st->pid, st->pid_start_time, SIGKILL, true, err);
	if (r < 0 && r != -ESRCH)
		return r;
	r = process_wait_gone(st->pid, st->pid_start_time, 10000);
	if (r < 0)
		return iso_error_set(err, -r, "waiting for container \"%s\" to exit", st->id);
	return 0;
}

/* Opens and locks the state directory for delete; 0 and *ret_dirfd -1 when there is nothing to
 * delete (a missing id with force), or when it held no state (the directory of a create killed
 * before its first state write, which is removed here). */
static int open_for_delete(const char *root, const char *id, bool force, int *ret_dirfd,
			   struct container_state *st, struct iso_error *err)
{
	_cleanup_close_ int dirfd = -1;
	int r;

	*ret_dirfd = -1;
	if ((r = state_validate_id(id, err)) < 0)
		return r;
	dirfd = r = state_dir_open(root, id, err);
	if (r == -ENOENT && force)
		return 0;
	if (r < 0)
		return r;
	r = state_read(dirfd, id, st, err);
	if (r == -ENOENT)
		return state_dir_remove(root, id, err);
	if (r < 0)
		return r;
	state_refresh(st);
	*ret_dirfd = steal_fd(dirfd);
	return 0;
}

int container_delete(const char *root, const char *id, bool force, struct iso_error *err)
{
	_cleanup_state_ struct container_state st = {0};
	_cleanup_close_ int dirfd = -1;
	struct iso_error net_err;
	struct late_hooks hooks;
	int r;

	r = open_for_delete(root, id, force, &dirfd, &st, err);
	if (r < 0 || dirfd < 0)
		return r;
	if ((st.status == STATUS_RUNNING || st.status == STATUS_PAUSED) && !force)
		return iso_error_invalid(err,
					 "cannot delete container \"%s\" that is not stopped "
					 "(status: %s): use --force",
					 id, state_status_name(st.status));
	if (st.status == STATUS_PAUSED &&
	    (r = cgroup_freeze(st.cgroups, st.n_cgroups, false, err)) < 0)
		return r;
	r = stop_for_delete(&st, err);
	if (r < 0 || (r = destroy_cgroups(&st, false, err)) < 0)
		return r;
	if (net_record_teardown(dirfd, &net_err) < 0)
		log_warning("%s", net_err.msg);
	st.status = STATUS_STOPPED;
	/* The spec runs poststop after the container is deleted. */
	late_hooks_prepare(dirfd, &st, STATE_HOOKS_POSTSTOP, &hooks);
	if ((r = state_dir_remove(root, id, err)) < 0) {
		late_hooks_clear(&hooks);
		return r;
	}
	late_hooks_run(&hooks, HOOK_POSTSTOP);
	return 0;
}
