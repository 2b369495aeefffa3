/* SPDX-License-Identifier: GPL-2.0-or-later */
/* struct seccomp_config -> libseccomp filter -> BPF.
 *
 * Several conditions in one rule are ANDed by libseccomp, but it refuses (EINVAL) two
 * comparisons of the same argument in one rule: there is no way to say "arg0 >= 4 && arg0 <= 8"
 * in a single rule.  runc and crun answer a rule that compares one argument more than once by
 * adding one rule per condition, i.e. the conditions are ORed.  We do the same, so that a
 * profile means the same filter whichever runtime loads it; a rule whose conditions all compare
 * different arguments stays one ANDed rule. */
#include "config.h"
#include "runtime/seccomp/seccomp_build.h"

#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "runtime/seccomp/seccomp_enosys.h"
#include "runtime/seccomp/seccomp_optimize.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/log.h"

static inline void cleanup_seccomp_ctxp(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(cleanup_seccomp_ctxp)))

#define SECCOMP_PATH "config.json: linux.seccomp"

/* Without errnoRet, ERRNO and TRACE use EPERM (the spec's default). */
static uint32_t scmp_action(int action, bool has_ret, uint32_t ret)
{
	uint16_t code = has_ret ? (uint16_t)ret : EPERM;

	switch (action) {
	case SECCOMP_ACTION_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case SECCOMP_ACTION_TRAP:
		return SCMP_ACT_TRAP;
	case SECCOMP_ACTION_ERRNO:
		return SCMP_ACT_ERRNO(code);
	case SECCOMP_ACTION_TRACE:
		return SCMP_ACT_TRACE(code);
	case SECCOMP_ACTION_ALLOW:
		return SCMP_ACT_ALLOW;
	case SECCOMP_ACTION_LOG:
		return SCMP_ACT_LOG;
	case SECCOMP_ACTION_NOTIFY:
		return SCMP_ACT_NOTIFY;
	default:
		return SCMP_ACT_KILL_THREAD; /* KILL, KILL_THREAD */
	}
}

static int add_architectures(scmp_filter_ctx ctx, const struct seccomp_config *cfg,
			     struct iso_error *err)
{
	for (size_t i = 0; i < cfg->archs.n; i++) {
		uint32_t arch = seccomp_arch_resolve_name(seccomp_arch_libname(cfg->archs.v[i]));
		int r;

		if (arch == 0)
			return iso_error_invalid(err,
						 SECCOMP_PATH ".architectures[%zu]: %s is not "
							      "supported by this libseccomp",
						 i, seccomp_arch_name(cfg->archs.v[i]));
		r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return iso_error_set(err, -r, SECCOMP_PATH ".architectures[%zu]", i);
	}
	return 0;
}

static int append_skipped(struct seccomp_bpf *bpf, const char *name)
{
	size_t n = strlen(name) + 1;
	char *p = realloc(bpf->skipped, bpf->skipped_len + n);

	if (!p)
		return -ENOMEM;
	memcpy(p + bpf->skipped_len, name, n);
	bpf->skipped = p;
	bpf->skipped_len += n;
	return 0;
}

static bool compares_an_argument_twice(const struct seccomp_rule *rule)
{
	unsigned seen = 0;

	for (size_t i = 0; i < rule->n_args; i++) {
		if (seen & (1U << rule->args[i].index))
			return true;
		seen |= 1U << rule->args[i].index;
	}
	return false;
}

static int add_syscall(scmp_filter_ctx ctx, const struct seccomp_rule *rule, uint32_t action,
		       int nr)
{
	struct scmp_arg_cmp cmp[6];
	int r;

	if (rule->n_args > ARRAY_SIZE(cmp) || compares_an_argument_twice(rule)) {
		for (size_t i = 0; i < rule->n_args; i++) {
			const struct seccomp_arg *a = &rule->args[i];

			cmp[0] = (struct scmp_arg_cmp){a->index, a->op, a->value, a->value_two};
			if ((r = seccomp_rule_add_array(ctx, action, nr, 1, cmp)) < 0)
				return r;
		}
		return 0;
	}
	for (size_t i = 0; i < rule->n_args; i++) {
		const struct seccomp_arg *a = &rule->args[i];

		cmp[i] = (struct scmp_arg_cmp){a->index, a->op, a->value, a->value_two};
	}
	return seccomp_rule_add_array(ctx, action, nr, (unsigned)rule->n_args, cmp);
}

static int add_rule(scmp_filter_ctx ctx, const struct seccomp_rule *rule, size_t index,
		    uint32_t default_action, struct seccomp_bpf *bpf, struct iso_error *err)
{
	uint32_t action = scmp_action(rule->action, rule->has_errno_ret, rule->errno_ret);

	/* libseccomp refuses (EACCES) a rule that repeats the default action: it is a no-op. */
	if (action == default_action)
		return 0;
	for (size_t j = 0; rule->names[j]; j++) {
		int nr = seccomp_syscall_resolve_name(rule->names[j]), r;

		if (nr == __NR_SCMP_ERROR) {
			if (append_skipped(bpf, rule->names[j]) < 0)
				return iso_error_set(err, ENOMEM, SECCOMP_PATH);
			continue;
		}
		r = add_syscall(ctx, rule, action, nr);
		if (r < 0)
			return iso_error_set(err, -r, SECCOMP_PATH ".syscalls[%zu]: adding \"%s\"",
					     index, rule->names[j]);
	}
	return 0;
}

static int new_filter(const struct seccomp_config *cfg, uint32_t default_action,
		      scmp_filter_ctx *ret, struct iso_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(default_action);

	if (!ctx)
		return iso_error_set(err, EINVAL,
				     SECCOMP_PATH ".defaultAction: libseccomp refused "
						  "%s",
				     seccomp_action_name(cfg->default_action));
	/* A binary tree of syscall numbers instead of a list: a 360-rule profile costs a few
	 * comparisons per syscall, not hundreds.  (The filter is loaded by seccomp_load.c, so
	 * libseccomp's NNP attribute plays no part.) */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	*ret = ctx;
	return 0;
}

/* libseccomp 2.5 exports only to an fd: a memfd, read back. */
static int export_bpf(scmp_filter_ctx ctx, struct seccomp_bpf *bpf, struct iso_error *err)
{
	_cleanup_close_ int fd = memfd_create("isorun-seccomp", MFD_CLOEXEC);
	struct stat st;
	ssize_t n;
	int r;

	if (fd < 0)
		return iso_error_set(err, errno, "seccomp: memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return iso_error_set(err, -r, "seccomp: exporting the filter");
	if (fstat(fd, &st) < 0)
		return iso_error_set(err, errno, "seccomp: exporting the filter");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return iso_error_set(err, E2BIG, SECCOMP_PATH ": the filter has %lld bytes of BPF",
				     (long long)st.st_size);
	bpf->insns = malloc((size_t)st.st_size);
	if (!bpf->insns)
		return iso_error_set(err, ENOMEM, "seccomp");
	if (lseek(fd, 0, SEEK_SET) < 0)
		return iso_error_set(err, errno, "seccomp: exporting the filter");
	n = read_all(fd, bpf->insns, (size_t)st.st_size);
	if (n != st.st_size)
		return iso_error_set(err, n < 0 ? (int)-n : EIO, "seccomp: exporting the filter");
	bpf->n_insns = (size_t)st.st_size / sizeof(struct sock_filter);
	return 0;
}

/* libseccomp's program alone: what seccomp_optimize() understands. */
static int build_libseccomp(const struct seccomp_config *cfg, struct seccomp_bpf *ret,
			    struct iso_error *err)
{
	uint32_t default_action =
	    scmp_action(cfg->default_action, cfg->has_default_errno_ret, cfg->default_errno_ret);
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	struct seccomp_bpf bpf = {0};
	int r;

	r = new_filter(cfg, default_action, &ctx, err);
	if (r == 0)
		r = add_architectures(ctx, cfg, err);
	for (size_t i = 0; r == 0 && i < cfg->n_rules; i++)
		r = add_rule(ctx, &cfg->rules[i], i, default_action, &bpf, err);
	if (r == 0)
		r = export_bpf(ctx, &bpf, err);
	if (r < 0) {
		seccomp_bpf_free(&bpf);
		return r;
	}
	*ret = bpf;
	return 0;
}

/* The ENOSYS checks go in front of the finished program, so that seccomp_optimize() sees, and
 * is checked on, libseccomp's program as it exports it. */
static int finish(const struct seccomp_config *cfg, struct seccomp_bpf *bpf, struct iso_error *err)
{
	int r = seccomp_enosys_prepend(cfg, bpf, err);

	if (r < 0)
		seccomp_bpf_free(bpf);
	return r;
}

int seccomp_build_bpf_libseccomp(const struct seccomp_config *cfg, struct seccomp_bpf *ret,
				 struct iso_error *err)
{
	int r = build_libseccomp(cfg, ret, err);

	return r < 0 ? r : finish(cfg, ret, err);
}

void seccomp_bpf_free(struct seccomp_bpf *bpf)
{
	free(bpf->insns);
	free(bpf->skipped);
	*bpf = (struct seccomp_bpf){0};
}

int seccomp_build_bpf(const struct seccomp_config *cfg, struct seccomp_bpf *ret,
		      struct iso_error *err)
{
	struct sock_filter *small;
	size_t n;
	int r = build_libseccomp(cfg, ret, err);

	if (r < 0)
		return r;
	r = seccomp_optimize(ret->insns, ret->n_insns, &small, &n);
	if (r == -ENOMEM) {
		seccomp_bpf_free(ret);
		return iso_error_set(err, ENOMEM, "seccomp");
	}
	if (r == 0) {
		log_debug("seccomp: %zu instructions from libseccomp, %zu after seccomp_optimize()",
			  ret->n_insns, n);
		free(ret->insns);
		ret->insns = small;
		ret->n_insns = n;
	}
	return finish(cfg, ret, err);
}
