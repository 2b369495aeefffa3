/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/container_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/process/apparmor.h"
#include "runtime/spec/cap_names.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container.h"
#include "runtime/process/executable.h"
#include "runtime/process/listen_fds.h"
#include "runtime/process.h"
#include "runtime/process/process_setup.h"
#include "runtime/rootless.h"
#include "runtime/seccomp/seccomp.h"
#include "runtime/process/selfexe.h"
#include "runtime/process/selinux.h"
#include "runtime/sync.h"
#include "runtime/process/terminal.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/fsutil.h"
#include "util/log.h"

/* The exit status of an exec the container refuses, as runc's. */
#define EXEC_REFUSED_EXIT 255

/* config.json's limit (container.c): a process.json is a part of one. */
#define PROCESS_FILE_MAX (4 * 1024 * 1024)

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The namespaces a process can be in, by their /proc/PID/ns names. */
static const struct {
	const char *name;
	int flag;
} ns_kinds[] = {
    {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},    {"net", CLONE_NEWNET},
    {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},   {"cgroup", CLONE_NEWCGROUP},
    {"pid", CLONE_NEWPID},   {"time", CLONE_NEWTIME},
};

struct exec_plan {
	const struct exec_options *o;
	struct container_state st;
	struct spec *spec; /* the container's config, its process replaced by the exec'd one */
	struct seccomp_program seccomp; /* the container's linux.seccomp, compiled */
	int pidfd;			/* the container's init */
	int join_here;	/* namespaces entered by the runtime: they apply to its children */
	int join_child; /* namespaces the child enters itself */
	/* Its user namespace's setgroups file says "allow" (id_maps.h). */
	bool setgroups_allowed;
	/* A paused container's cgroup would freeze the child half-way: the runtime moves it there
	 * after SYNC_READY instead, and the child waits for that before it execs. */
	bool join_cgroup_late;
	/* What the process joins: the container's cgroups, or --cgroup's sub-cgroups of them. */
	struct state_cgroup *join;
	size_t n_join;
	/* Whether the --process file gave the labels (or they are the config's): messages name
	 * their source. */
	bool profile_in_file, label_in_file;
};

static void exec_plan_clear(struct exec_plan *p)
{
	state_clear(&p->st);
	seccomp_program_free(&p->seccomp);
	state_cgroups_free(p->join, p->n_join);
	if (p->spec)
		spec_free(p->spec);
	if (p->pidfd >= 0)
		close(p->pidfd);
}

static int check_status(const struct exec_plan *p, struct iso_error *err)
{
	const char *id = p->o->id;

	switch (p->st.status) {
	case STATUS_RUNNING:
		return 0;
	case STATUS_CREATED:
		/* Until start the init is isorun's own image, not dumpable: its namespaces are
		 * the host root's to open (container_init.c). */
		if (!rootless_unprivileged())
			return 0;
		return iso_error_invalid(err,
					 "cannot exec in container \"%s\": it is created, and "
					 "without root its init can be entered only once it has "
					 "started (start it first)",
					 id);
	case STATUS_PAUSED:
		if (p->o->ignore_paused)
			return 0;
		return iso_error_invalid(err,
					 "cannot exec in container \"%s\": it is paused "
					 "(resume it, or use --ignore-paused)",
					 id);
	default:
		return iso_error_invalid(err, "cannot exec in container \"%s\": it is %s", id,
					 state_status_name(p->st.status));
	}
}

/* True when *label is the file's own; otherwise it becomes the container's. */
static bool keep_label(char **label, char **container)
{
	if (*label && **label)
		return true;
	free(*label);
	*label = steal_ptr(*container);
	return false;
}

static int load_process_file(struct exec_plan *p, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	struct spec_process proc;
	size_t len;
	int r;

	r = read_file_at(AT_FDCWD, p->o->process_file, PROCESS_FILE_MAX, &text, &len, err);
	if (r < 0)
		return r;
	r = spec_parse_process(text, len, p->o->process_file, &proc, err);
	if (r < 0)
		return r;
	/* As runc: a process.json without labels (or with empty ones) keeps the container's, so
	 * that exec is no way out of its confinement. */
	p->profile_in_file = keep_label(&proc.apparmor_profile, &p->spec->process.apparmor_profile);
	p->label_in_file = keep_label(&proc.selinux_label, &p->spec->process.selinux_label);
	spec_process_clear(&p->spec->process);
	p->spec->process = proc;
	return 0;
}

static char **strv_copy(char *const *v)
{
	size_t n = 0;
	char **copy;

	while (v && v[n])
		n++;
	copy = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; copy && i < n; i++)
		if (!(copy[i] = strdup(v[i]))) {
			strv_free(copy);
			return NULL;
		}
	return copy;
}

/* -e KEY=VALUE replaces KEY in the config's env or is appended to it. */
static int merge_env(struct spec_process *proc, char **add, struct iso_error *err)
{
	for (size_t i = 0; add && add[i]; i++) {
		const char *eq = strchr(add[i], '=');
		size_t n = 0, klen = eq ? (size_t)(eq - add[i]) : 0;
		char **env = proc->env, *copy;

		if (!eq || klen == 0)
			return iso_error_invalid(err, "--env %s: expected KEY=VALUE", add[i]);
		while (env && env[n] && !(strncmp(env[n], add[i], klen + 1) == 0))
			n++;
		if (!(copy = strdup(add[i])))
			return iso_error_set(err, ENOMEM, "--env");
		if (env && env[n]) {
			free(env[n]);
			env[n] = copy;
			continue;
		}
		env = realloc(env, (n + 2) * sizeof(char *));
		if (!env) {
			free(copy);
			return iso_error_set(err, ENOMEM, "--env");
		}
		env[n] = copy;
		env[n + 1] = NULL;
		proc->env = env;
	}
	return 0;
}

/* As runc: --cap goes into the bounding, effective and permitted sets, and into the ambient set
 * only when the process already has inheritable capabilities (ambient needs inheritable). */
static int add_caps(struct spec_process *proc, char **caps, struct iso_error *err)
{
	struct spec_capabilities *c = &proc->capabilities;

	for (size_t i = 0; caps && caps[i]; i++) {
		int n = caps_from_name(caps[i]);
		uint64_t bit;

		if (n < 0)
			return iso_error_invalid(err, "--cap %s: unknown capability", caps[i]);
		bit = UINT64_C(1) << n;
		c->bounding |= bit;
		c->effective |= bit;
		c->permitted |= bit;
		if (c->inheritable)
			c->ambient |= bit;
	}
	return 0;
}

static int apply_options(struct exec_plan *p, struct iso_error *err)
{
	const struct exec_options *o = p->o;
	struct spec_process *proc = &p->spec->process;
	int r;

	if (o->args && o->args[0]) {
		strv_free(proc->args);
		if (!(proc->args = strv_copy(o->args)))
			return iso_error_set(err, ENOMEM, "exec");
	} else if (!o->process_file) {
		return iso_error_invalid(err, "exec: expected a command after the container id "
					      "(or --process FILE)");
	}
	if (o->cwd) {
		free(proc->cwd);
		if (!(proc->cwd = strdup(o->cwd)))
			return iso_error_set(err, ENOMEM, "exec");
	}
	if (o->has_user) {
		proc->user.uid = o->user.uid;
		proc->user.gid = o->user.gid;
	}
	if (o->user.n_additional_gids) {
		size_t size = o->user.n_additional_gids * sizeof(gid_t);
		gid_t *gids = malloc(size);

		if (!gids)
			return iso_error_set(err, ENOMEM, "exec");
		memcpy(gids, o->user.additional_gids, size);
		free(proc->user.additional_gids);
		proc->user.additional_gids = gids;
		proc->user.n_additional_gids = o->user.n_additional_gids;
	}
	if ((r = merge_env(proc, o->env, err)) < 0 || (r = add_caps(proc, o->caps, err)) < 0)
		return r;
	/* As runc: the config's process.terminal is the init's; an exec'd process gets a
	 * terminal only when asked (-t, or a --process file that says so). */
	if (!o->process_file)
		proc->terminal = false;
	if (o->tty)
		proc->terminal = true;
	if (o->no_new_privs)
		proc->no_new_privileges = true;
	if (!proc->args || !proc->args[0])
		return iso_error_invalid(err, "%s: args: must be a non-empty array of strings",
					 o->process_file ? o->process_file : "exec");
	if (!proc->cwd || proc->cwd[0] != '/')
		return iso_error_invalid(err, "%s: cwd: must be an absolute path",
					 o->process_file ? o->process_file : "exec");
	return 0;
}

/* An empty flag is no flag, as in runc. */
static int replace_string(char **s, const char *with, struct iso_error *err)
{
	char *copy;

	if (!with || !*with)
		return 0;
	if (!(copy = strdup(with)))
		return iso_error_set(err, ENOMEM, "exec");
	free(*s);
	*s = copy;
	return 0;
}

/* Where a label of the exec'd process came from, for messages: the flag, the --process file,
 * or the container's config. */
static void label_source(char *buf, size_t size, const char *flag, const char *file,
			 const char *field)
{
	if (flag)
		snprintf(buf, size, "%s", flag);
	else if (file)
		snprintf(buf, size, "%s: %s", file, field);
	else
		snprintf(buf, size, "config.json: process.%s", field);
}

/* --apparmor and --process-label win over the process's own labels, as in runc. */
static int prepare_labels(struct exec_plan *p, struct iso_error *err)
{
	struct spec_process *proc = &p->spec->process;
	const struct exec_options *o = p->o;
	bool aa_flag = o->apparmor_profile && *o->apparmor_profile;
	bool se_flag = o->process_label && *o->process_label;
	char where[PATH_MAX + 32];
	int r;

	if ((r = replace_string(&proc->apparmor_profile, o->apparmor_profile, err)) < 0 ||
	    (r = replace_string(&proc->selinux_label, o->process_label, err)) < 0)
		return r;
	label_source(where, sizeof(where), aa_flag ? "--apparmor" : NULL,
		     p->profile_in_file ? o->process_file : NULL, "apparmorProfile");
	if ((r = apparmor_prepare(&proc->apparmor_profile, where, err)) < 0)
		return r;
	label_source(where, sizeof(where), se_flag ? "--process-label" : NULL,
		     p->label_in_file ? o->process_file : NULL, "selinuxLabel");
	selinux_prepare_process(&proc->selinux_label, where);
	return 0;
}

static int check_terminal(const struct exec_plan *p, struct iso_error *err)
{
	bool tty = p->spec->process.terminal;

	if (tty && !p->o->console_socket && p->o->console_fd < 0)
		return iso_error_invalid(err, "exec: a terminal was asked for: --console-socket is "
					      "required with --detach");
	if (!tty && p->o->console_socket)
		return iso_error_invalid(err, "exec: --console-socket given without --tty");
	return 0;
}

/* Which of the init's namespaces differ from ours.  pid and time apply to children only, so
 * the runtime enters those itself before cloning; the child enters the rest. */
/* Read on the host's side, from the init's /proc: the container's own /proc could say
 * anything, and a "deny" believed would leave the process the runtime's groups. */
static int plan_setgroups(struct exec_plan *p, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)p->st.pid);
	r = read_file_at(AT_FDCWD, path, 64, &text, NULL, err);
	if (r == -ENOENT)
		iso_error_clear(err);
	else if (r < 0)
		return r;
	p->setgroups_allowed = !text || strncmp(text, "deny", 4) != 0;
	return 0;
}

static int plan_namespaces(struct exec_plan *p, struct iso_error *err)
{
	int r = plan_setgroups(p, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(ns_kinds) / sizeof(ns_kinds[0]); i++) {
		char theirs[64], ours[64];
		struct stat a, b;

		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)p->st.pid,
			 ns_kinds[i].name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns_kinds[i].name);
		if (stat(theirs, &a) < 0) {
			if (errno == ENOENT)
				continue; /* a kernel without this kind */
			return iso_error_set(err, errno, "%s", theirs);
		}
		if (stat(ours, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			continue;
		if (ns_kinds[i].flag == CLONE_NEWPID || ns_kinds[i].flag == CLONE_NEWTIME)
			p->join_here |= ns_kinds[i].flag;
		else
			p->join_child |= ns_kinds[i].flag;
	}
	/* Without root, joining the pid or time namespace takes CAP_SYS_ADMIN in the one that
	 * owns it, the container's user namespace: the runtime (single-threaded here) joins that
	 * first, with the same setns().  It keeps its own ids and gains nothing on the host. */
	if (rootless_unprivileged() && p->join_here && (p->join_child & CLONE_NEWUSER)) {
		p->join_here |= CLONE_NEWUSER;
		p->join_child &= ~CLONE_NEWUSER;
	}
	return 0;
}

static int plan_cgroups(struct exec_plan *p, struct iso_error *err)
{
	int r;

	if (!p->o->cgroups || !p->o->cgroups[0])
		return 0;
	r = cgroup_sub_resolve(p->st.cgroups, p->st.n_cgroups, p->o->cgroups, &p->join, err);
	if (r == 0)
		p->n_join = p->st.n_cgroups;
	return r;
}

/* The cgroups the process joins. */
static int enter_cgroups(const struct exec_plan *p, pid_t pid, struct iso_error *err)
{
	if (p->join)
		return cgroup_enter(p->join, p->n_join, pid, err);
	return cgroup_enter(p->st.cgroups, p->st.n_cgroups, pid, err);
}

static int load_exec_plan(const struct exec_options *o, struct exec_plan *p, struct iso_error *err)
{
	int r;

	p->o = o;
	r = container_load_with_config(o->root, o->id, &p->st, &p->spec, &p->seccomp, err);
	if (r == 0)
		r = check_status(p, err);
	/* A missing, paused or stopped container: runc exits 255 here, and clients tell this
	 * from a failure of the command (its own status) by that code. */
	if (r < 0) {
		err->exit_code = EXEC_REFUSED_EXIT;
		return r;
	}
	/* The process enters the container as a clone of the runtime and is visible there until
	 * it execs: run from a sealed copy (the exec stub's conditions cannot be known here: any
	 * earlier exec may have added CAP_SYS_PTRACE).  This re-executes the runtime, which reads
	 * the --process file again: it must come first, as a pipe gives its bytes only once. */
	if ((r = selfexe_ensure_protected(err)) < 0)
		return r;
	if (o->process_file && (r = load_process_file(p, err)) < 0)
		return r;
	if ((r = apply_options(p, err)) < 0 || (r = check_terminal(p, err)) < 0 ||
	    (r = prepare_labels(p, err)) < 0)
		return r;
	p->join_cgroup_late = p->st.status == STATUS_PAUSED;
	if ((r = plan_cgroups(p, err)) < 0)
		return r;
	p->pidfd = process_pidfd_open(p->st.pid, p->st.pid_start_time);
	if (p->pidfd < 0) {
		iso_error_invalid(err, "cannot exec in container \"%s\": its init is gone", o->id);
		err->exit_code = EXEC_REFUSED_EXIT;
		return -EINVAL;
	}
	return plan_namespaces(p, err);
}

/* ---- the child ---- */

static int child_enter(const struct exec_plan *p, int sock, struct iso_error *err)
{
	int keep[] = {sock, p->pidfd, log_fd()};
	int r;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return iso_error_set(err, errno, "prctl");
	if ((r = fds_check_preserved(p->o->preserve_fds, err)) < 0 ||
	    (r = fds_close_above(3 + (unsigned int)p->o->preserve_fds, keep, 3, err)) < 0)
		return r;
	/* Still in the host's mount namespace, where the cgroup hierarchies are. */
	if (!p->join_cgroup_late && (r = enter_cgroups(p, getpid(), err)) < 0)
		return r;
	if (p->join_child && setns(p->pidfd, p->join_child) < 0)
		return iso_error_set(err, errno, "joining the container's namespaces");
	return 0;
}

static int child_terminal(const struct spec_process *proc, int sock, struct iso_error *err)
{
	_cleanup_close_ int master = -1;
	int r;

	if (!proc->terminal)
		return 0;
	r = terminal_setup_in_container(proc, &master, err);
	if (r < 0 || (r = sync_send(sock, SYNC_TERMINAL_MASTER, "pty", 3, master, err)) < 0)
		return r;
	return sync_expect(sock, SYNC_TERMINAL_SENT, NULL, NULL, err);
}

/* From here the process outlives a detached exec.  This must come before SYNC_READY: once the
 * runtime has that it writes the pid file and may exit at once, and a parent-death signal still
 * armed then killed the process it had just started (seen as exit 137 under containerd).  A
 * runtime that dies earlier closes the socket: the send of SYNC_READY, or the read that waits to
 * be released, fails and the process exits. */
static int outlive_runtime(struct iso_error *err)
{
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return iso_error_set(err, errno, "prctl");
	return 0;
}

__attribute__((noreturn)) static void exec_child_main(const struct exec_plan *p, int sock)
{
	const struct spec_process *proc = &p->spec->process;
	const struct process_filter filter = {.program = &p->seccomp, .sync_fd = sock};
	struct iso_error err = {0};
	struct executable exe = {0};
	int r;

	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((r = child_enter(p, sock, &err)) < 0 || (r = child_terminal(proc, sock, &err)) < 0 ||
	    (r = executable_find(proc, &exe, &err)) < 0 ||
	    (r = process_setup_privileges(proc, &filter, p->setgroups_allowed, &err)) < 0 ||
	    (r = fds_pass_preserved(p->o->preserve_fds, &err)) < 0 ||
	    (r = outlive_runtime(&err)) < 0 ||
	    (r = sync_send(sock, SYNC_READY, NULL, 0, -1, &err)) < 0) {
		sync_send_error(sock, &err);
		_exit(err.exit_code ? err.exit_code : 1);
	}
	/* A plain read: a filter already loaded (noNewPrivileges false) may not allow recvmsg. */
	if (p->join_cgroup_late && read(sock, &(char){0}, 1) != 1)
		_exit(1);
	if (process_filter_at_exec(proc, &filter) && process_filter_load(&filter, &err) < 0) {
		fprintf(stderr, "isorun: %s\n", err.msg);
		_exit(1);
	}
	if (p->o->listen_fds > 0) {
		struct spec_process with_listen = *proc;

		with_listen.env = listen_fds_env(proc->env, p->o->listen_fds, getpid());
		if (with_listen.env)
			executable_exec(&exe, &with_listen, -1, -1, &err);
		else
			iso_error_set(&err, ENOMEM, "exec");
	} else {
		executable_exec(&exe, proc, -1, -1, &err);
	}
	fprintf(stderr, "isorun: %s\n", err.msg);
	_exit(err.exit_code ? err.exit_code : 127);
}

/* ---- the runtime's side ---- */

static int drive_child(const struct exec_plan *p, int sock, pid_t pid, struct iso_error *err)
{
	_cleanup_close_ int master = -1;
	int r;

	if (p->spec->process.terminal) {
		if ((r = sync_expect(sock, SYNC_TERMINAL_MASTER, NULL, &master, err)) < 0 ||
		    (r = terminal_hand_over(p->o->console_socket, p->o->console_fd, master, err)) <
			0 ||
		    (r = sync_send(sock, SYNC_TERMINAL_SENT, NULL, 0, -1, err)) < 0)
			return r;
	}
	if (p->seccomp.needs_listener &&
	    (r = container_forward_listener(sock, &p->seccomp, &p->st, pid, NULL, err)) < 0)
		return r;
	return sync_expect(sock, SYNC_READY, NULL, NULL, err);
}

static int spawn(const struct exec_plan *p, struct exec_result *ret, struct iso_error *err)
{
	_cleanup_close_ int pidfd = -1;
	int sv[2], r;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return iso_error_set(err, errno, "socketpair");
	if (p->join_here && setns(p->pidfd, p->join_here) < 0) {
		r = iso_error_set(err, errno, "joining the container's pid namespace");
		goto out;
	}
	pid = process_clone(0, &pidfd);
	if (pid == 0) {
		close(sv[0]);
		exec_child_main(p, sv[1]);
	}
	if (pid < 0) {
		r = iso_error_set(err, (int)-pid, "cloning the exec'd process");
		goto out;
	}
	close(sv[1]);
	sv[1] = -1;
	r = drive_child(p, sv[0], pid, err);
	if (r == 0 && p->join_cgroup_late && (r = enter_cgroups(p, pid, err)) == 0 &&
	    write(sv[0], "g", 1) != 1)
		r = iso_error_set(err, errno, "exec: releasing the process");
	if (r == 0)
		r = process_write_pid_file(p->o->pid_file, pid, err);
	if (r < 0) {
		process_kill_and_reap(pid, pidfd);
		goto out;
	}
	ret->pid = pid;
	ret->pidfd = steal_fd(pidfd);
	ret->terminal = p->spec->process.terminal;
out:
	close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	return r;
}

int container_exec(const struct exec_options *o, struct exec_result *ret, struct iso_error *err)
{
	struct exec_plan plan = {.pidfd = -1};
	int r;

	r = load_exec_plan(o, &plan, err);
	if (r == 0)
		r = spawn(&plan, ret, err);
	exec_plan_clear(&plan);
	return r;
}
