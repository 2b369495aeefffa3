#include "config.h"
#include "runtime/process_setup.h"

#include <errno.h>
#include <limits.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/credentials.h"
#include "runtime/seccomp.h"

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

/* Drops to the container's identity: rlimits and oom score while still privileged, then the
 * bounding set, the user, the capability sets, no_new_privs, and the seccomp filter last. */
int process_setup_privileges(const struct spec *spec, struct iso_error *err)
{
	const struct spec_process *p = &spec->process;
	int r;

	if (p->has_oom_score_adj && (r = oom_score_adj_apply(p->oom_score_adj, err)) < 0)
		return r;
	if ((r = rlimits_apply(p->rlimits, p->n_rlimits, err)) < 0)
		return r;
	if ((r = enter_cwd(p, err)) < 0)
		return r;
	if (p->has_capabilities && (r = caps_drop_bounding(&p->capabilities, err)) < 0)
		return r;
	/* Without no_new_privs the kernel wants CAP_SYS_ADMIN to load a filter: load it while the
	 * runtime still holds it (the profile must then allow setresuid and capset). */
	if (!p->no_new_privileges && (r = seccomp_load_from_spec(spec, err)) < 0)
		return r;
	/* Our own user namespace's maps are written by a privileged parent, which leaves setgroups
	 * allowed. */
	if ((r = credentials_apply(&p->user, true, err)) < 0)
		return r;
	if (p->has_capabilities && (r = caps_apply_sets(&p->capabilities, err)) < 0)
		return r;
	if (!p->no_new_privileges)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return iso_error_set(err, errno, "process.noNewPrivileges");
	return seccomp_load_from_spec(spec, err);
}
