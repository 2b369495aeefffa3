/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/process_setup.h"

#include <errno.h>
#include <limits.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime/process/apparmor.h"
#include "runtime/process/caps.h"
#include "runtime/process/credentials.h"
#include "runtime/process/selinux.h"
#include "runtime/sync.h"
#include "util/cleanup.h"

/* The working directory must end up inside the container's root: a cwd reached through an fd
 * or a path that escapes shows up as "(unreachable)" or fails here. */
static int enter_cwd(const struct spec_process *p, struct iso_error *err)
{
	char buf[PATH_MAX];

	if (chdir(p->cwd) < 0)
		return iso_error_set(err, errno, "process.cwd %s", p->cwd);
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return iso_error_set(err, EPERM, "process.cwd %s: outside the container's root",
				     p->cwd);
	return 0;
}

int process_filter_load(const struct process_filter *f, struct iso_error *err)
{
	_cleanup_close_ int listener = -1;
	int r;

	if (!seccomp_program_present(f->program))
		return 0;
	r = seccomp_program_load(f->program, &listener, err);
	if (r < 0 || listener < 0)
		return r;
	return sync_send(f->sync_fd, SYNC_SECCOMP_LISTENER, NULL, 0, listener, err);
}

/* The filter is loaded as late as it can be, so that the runtime's own setup is not filtered:
 * - without no_new_privs the kernel wants CAP_SYS_ADMIN, so before the user and capabilities
 *   change (the profile must then allow setgroups, setres[ug]id and capset, as Docker's does);
 * - with a listener, before the process reports ready: the runtime that passes the fd on
 *   exits after that;
 * - otherwise right before execve (for the init, after the start barrier but before the
 *   startContainer hooks, which it must hold as in runc: init_filter.h). */
bool process_filter_at_exec(const struct spec_process *p, const struct process_filter *f)
{
	return p->no_new_privileges && !(f->program && f->program->needs_listener);
}

int process_setup_privileges(const struct spec_process *p, const struct process_filter *f,
			     bool setgroups_allowed, struct iso_error *err)
{
	int r;

	if (p->has_oom_score_adj && (r = oom_score_adj_apply(p->oom_score_adj, err)) < 0)
		return r;
	if ((r = rlimits_apply(p->rlimits, p->n_rlimits, err)) < 0)
		return r;
	if ((r = enter_cwd(p, err)) < 0)
		return r;
	if (p->has_capabilities && (r = caps_drop_bounding(&p->capabilities, err)) < 0)
		return r;
	/* Before the filter, which need not allow the write, and before no_new_privs, under
	 * which a confined runtime could no longer change to the profile.  They take effect at
	 * the exec (for the init, that of the exec stub: the stub's own exec then runs under the
	 * profile). */
	if ((r = apparmor_exec_profile(p->apparmor_profile, err)) < 0 ||
	    (r = selinux_exec_label(p->selinux_label, err)) < 0)
		return r;
	if (!p->no_new_privileges && (r = process_filter_load(f, err)) < 0)
		return r;
	if ((r = credentials_apply(&p->user, setgroups_allowed, err)) < 0)
		return r;
	if (p->has_capabilities && (r = caps_apply_sets(&p->capabilities, err)) < 0)
		return r;
	if (!p->no_new_privileges)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return iso_error_set(err, errno, "process.noNewPrivileges");
	return process_filter_at_exec(p, f) ? 0 : process_filter_load(f, err);
}
