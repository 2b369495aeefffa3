/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/credentials.h"

#include "util/cleanup.h"
#include "util/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

int credentials_setresgid(gid_t gid)
{
	return (int)syscall(SYS_setresgid, gid, gid, gid);
}

int credentials_setresuid(uid_t uid)
{
	return (int)syscall(SYS_setresuid, uid, uid, uid);
}

static int apply_groups(const struct spec_user *user, bool setgroups_allowed, struct iso_error *err)
{
	if (!setgroups_allowed) {
		/* The user namespace's setgroups file says "deny": the supplementary groups stay
		 * what they are, which is fine unless the config asks for some. */
		if (user->n_additional_gids > 0)
			return iso_error_invalid(err,
						 "process.user.additionalGids: setgroups is denied "
						 "in this user namespace");
		return 0;
	}
	/* An empty list still clears the groups the runtime itself was started with. */
	if (syscall(SYS_setgroups, user->n_additional_gids, user->additional_gids) < 0)
		return iso_error_set(err, errno, "process.user.additionalGids: setgroups");
	return 0;
}

int credentials_apply(const struct spec_user *user, bool setgroups_allowed, struct iso_error *err)
{
	int r;

	/* Without KEEPCAPS the kernel clears the permitted set when the uid stops being 0; the
	 * permitted capabilities of the config must survive until caps_apply_sets(). */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return iso_error_set(err, errno, "process.user: prctl(PR_SET_KEEPCAPS)");
	r = apply_groups(user, setgroups_allowed, err);
	if (r < 0)
		return r;
	if (credentials_setresgid(user->gid) < 0)
		return iso_error_set(err, errno, "process.user.gid %" PRIu32 ": setresgid",
				     user->gid);
	if (credentials_setresuid(user->uid) < 0)
		return iso_error_set(err, errno, "process.user.uid %" PRIu32 ": setresuid",
				     user->uid);
	/* KEEPCAPS only matters at the uid change above (execve clears it as well): turning it
	 * off at once restores the kernel's default for anything later in the init. */
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return iso_error_set(err, errno, "process.user: prctl(PR_SET_KEEPCAPS)");
	if (user->has_umask)
		umask((mode_t)(user->umask & 0777));
	return 0;
}

static void format_limit(uint64_t v, char *buf, size_t len)
{
	if (v == (uint64_t)RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%" PRIu64, v);
}

/* "process.rlimits: RLIMIT_NOFILE (30000/30000): Operation not permitted (above the hard limit
 * 20000?)": raising a hard limit needs CAP_SYS_RESOURCE, and some hosts refuse it even to root,
 * so the current hard limit is the likely explanation worth giving. */
static int rlimit_error(const struct spec_rlimit *rl, int errnum, struct iso_error *err)
{
	char soft[32], hard[32], cur_hard[32], hint[64] = "";
	char fallback_name[32];
	const char *name = rl->type;
	struct rlimit cur;

	if (!name) {
		snprintf(fallback_name, sizeof(fallback_name), "rlimit %d", rl->resource);
		name = fallback_name;
	}
	format_limit(rl->soft, soft, sizeof(soft));
	format_limit(rl->hard, hard, sizeof(hard));
	if (errnum == EPERM && getrlimit(rl->resource, &cur) == 0 && rl->hard > cur.rlim_max) {
		format_limit(cur.rlim_max, cur_hard, sizeof(cur_hard));
		snprintf(hint, sizeof(hint), " (above the hard limit %s?)", cur_hard);
	} else if (errnum == EINVAL && rl->soft > rl->hard) {
		snprintf(hint, sizeof(hint), " (soft above hard)");
	}
	iso_error_invalid(err, "process.rlimits: %s (%s/%s): %s%s", name, soft, hard,
			  strerror(errnum), hint);
	err->errnum = errnum;
	return -errnum;
}

int rlimits_apply(const struct spec_rlimit *rlimits, size_t n, struct iso_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct spec_rlimit *rl = &rlimits[i];
		struct rlimit lim = {.rlim_cur = (rlim_t)rl->soft, .rlim_max = (rlim_t)rl->hard};

		if (setrlimit(rl->resource, &lim) < 0)
			return rlimit_error(rl, errno, err);
	}
	return 0;
}

int oom_score_adj_apply(int value, struct iso_error *err)
{
	_cleanup_close_ int fd = -1;
	struct statfs sfs;
	char buf[16];
	int r;

	if (value < -1000 || value > 1000)
		return iso_error_invalid(err, "process.oomScoreAdj %d: not in [-1000, 1000]",
					 value);
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return iso_error_set(err, errno, "process.oomScoreAdj: /proc/self/oom_score_adj");
	/* In the container /proc is whatever is mounted there: write only to the real procfs. */
	if (fstatfs(fd, &sfs) < 0)
		return iso_error_set(err, errno, "process.oomScoreAdj: /proc/self/oom_score_adj");
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return iso_error_invalid(err,
					 "process.oomScoreAdj: /proc/self/oom_score_adj is not on "
					 "procfs");
	snprintf(buf, sizeof(buf), "%d", value);
	r = write_all(fd, buf, strlen(buf));
	if (r < 0)
		return iso_error_set(err, -r, "process.oomScoreAdj: writing %d", value);
	return 0;
}
