/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/seccomp/seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/seccomp/seccomp_cache.h"
#include "util/cleanup.h"
#include "util/jsongen.h"
#include "util/log.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

/* seccomp() with a NULL program fails with EFAULT once the kernel has accepted the flags, and
 * with EINVAL when it does not know one of them: a probe that loads nothing. */
static bool kernel_accepts_flags(unsigned int flags)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

static unsigned int load_flags(const struct seccomp_program *p)
{
	unsigned int flags = p->flags;

	if (p->needs_listener) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* The kernel refuses TSYNC with a listener unless told to report ESRCH. */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	return flags;
}

static int check_kernel_flags(const struct seccomp_config *cfg, const struct seccomp_program *p,
			      struct iso_error *err)
{
	for (size_t i = 0; i < cfg->flags.n; i++) {
		unsigned int flag = seccomp_flag_value(cfg->flags.v[i]);

		/* The kernel takes this one only with a listener. */
		if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
			if (!p->needs_listener)
				return iso_error_invalid(err,
							 "config.json: linux.seccomp.flags[%zu]: "
							 "%s needs a rule with SCMP_ACT_NOTIFY",
							 i, seccomp_flag_name(cfg->flags.v[i]));
			flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		}
		if (!kernel_accepts_flags(flag))
			return iso_error_invalid(err,
						 "config.json: linux.seccomp.flags[%zu]: %s is "
						 "not supported by this kernel",
						 i, seccomp_flag_name(cfg->flags.v[i]));
	}
	if (!kernel_accepts_flags(load_flags(p)))
		return iso_error_invalid(err,
					 "config.json: linux.seccomp: this kernel cannot load "
					 "the filter with these flags%s",
					 p->needs_listener ? " and a listener" : "");
	return 0;
}

/* Where config.json's own bytes of the profile are not at hand, isorun's canonical form of it
 * stands in for them. */
static int canonical_key(const struct seccomp_config *cfg, uint8_t key[SHA256_DIGEST_SIZE],
			 struct iso_error *err)
{
	yajl_gen g = jsongen_new(false);
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if (!g)
		return iso_error_set(err, ENOMEM, "seccomp");
	seccomp_config_gen(g, cfg, true);
	r = jsongen_finish(g, &text, &len, err);
	if (r < 0)
		return r;
	seccomp_cache_key(text, len, key);
	return 0;
}

/* ROOT's entry under KEY.  *ret_dirfd keeps the cache directory open for a store (negative
 * when there is none: then a miss). */
static enum seccomp_cache_result cache_find(const char *root, const uint8_t key[SHA256_DIGEST_SIZE],
					    int *ret_dirfd, struct seccomp_bpf *bpf,
					    struct seccomp_cache_meta *meta, const char **reason)
{
	*ret_dirfd = root ? seccomp_cache_open(root) : -ENOENT;
	*reason = "no cache directory";
	if (*ret_dirfd < 0)
		return SECCOMP_CACHE_MISS;
	return seccomp_cache_lookup(*ret_dirfd, key, bpf, meta, reason);
}

/* The cached BPF, or a fresh one (then stored).  A cache that cannot be used only costs time. */
static int bpf_from_cache_or_build(const struct seccomp_config *cfg, const struct json_span *raw,
				   const char *text, const char *root,
				   const struct seccomp_program *p, struct seccomp_bpf *bpf,
				   struct iso_error *err)
{
	const struct seccomp_cache_meta want = {p->flags, p->needs_listener};
	struct seccomp_cache_meta meta;
	uint8_t key[SHA256_DIGEST_SIZE];
	_cleanup_close_ int dirfd = -1;
	enum seccomp_cache_result res;
	const char *reason;
	int r;

	if (raw)
		seccomp_cache_key(text + raw->off, raw->len, key);
	else if ((r = canonical_key(cfg, key, err)) < 0)
		return r;
	res = cache_find(root, key, &dirfd, bpf, &meta, &reason);
	if (res == SECCOMP_CACHE_HIT &&
	    (meta.flags != want.flags || meta.needs_listener != want.needs_listener)) {
		seccomp_bpf_free(bpf);
		res = SECCOMP_CACHE_INVALID;
		reason = "load flags differ from the profile's";
	}
	if (res == SECCOMP_CACHE_HIT) {
		log_debug("seccomp: compiled filter cache hit (%zu instructions)", bpf->n_insns);
		return 0;
	}
	if (res == SECCOMP_CACHE_INVALID)
		log_warning("seccomp: compiled filter cache entry rejected (%s): rebuilding it",
			    reason);
	else
		log_debug("seccomp: compiled filter cache miss (%s)", reason);
	r = seccomp_build_bpf(cfg, bpf, err);
	if (r < 0)
		return r;
	if (dirfd >= 0 && (r = seccomp_cache_store(dirfd, key, bpf, &want)) < 0)
		log_debug("seccomp: cannot store the compiled filter: %s", strerror(-r));
	return 0;
}

static void warn_skipped(const struct seccomp_bpf *bpf)
{
	for (size_t off = 0; off < bpf->skipped_len; off += strlen(bpf->skipped + off) + 1)
		log_warning("config.json: linux.seccomp: unknown syscall \"%s\" skipped (not known "
			    "to this libseccomp)",
			    bpf->skipped + off);
}

static int copy_listener(const struct seccomp_config *cfg, struct seccomp_program *p)
{
	p->needs_listener = seccomp_config_uses_notify(cfg);
	if (!p->needs_listener)
		return 0;
	p->listener_path = strdup(cfg->listener_path);
	if (cfg->listener_metadata)
		p->listener_metadata = strdup(cfg->listener_metadata);
	if (!p->listener_path || (cfg->listener_metadata && !p->listener_metadata))
		return -ENOMEM;
	return 0;
}

int seccomp_prepare_cached(const char *text, const struct json_span *raw, const char *root,
			   struct seccomp_program *ret)
{
	struct seccomp_program p = {0};
	struct seccomp_cache_meta meta;
	uint8_t key[SHA256_DIGEST_SIZE];
	_cleanup_close_ int dirfd = -1;
	const char *reason;

	seccomp_cache_key(text + raw->off, raw->len, key);
	if (cache_find(root, key, &dirfd, &p.bpf, &meta, &reason) != SECCOMP_CACHE_HIT)
		return 0;
	p.flags = meta.flags;
	/* The listener's address is in the profile, and a kernel that now refuses the flags
	 * deserves check_kernel_flags()'s message: both are for the full path.  No flags need
	 * no probe: every kernel with filters takes none. */
	if (meta.needs_listener || (p.flags && !kernel_accepts_flags(load_flags(&p)))) {
		seccomp_program_free(&p);
		return 0;
	}
	log_debug("seccomp: compiled filter cache hit (%zu instructions), profile not parsed",
		  p.bpf.n_insns);
	warn_skipped(&p.bpf);
	*ret = p;
	return 1;
}

int seccomp_prepare(yajl_val seccomp, const char *text, const struct json_span *raw,
		    const char *root, struct seccomp_program *ret, struct iso_error *err)
{
	struct seccomp_config cfg = {0};
	struct seccomp_program p = {0};
	int r;

	if (!seccomp)
		return 0;
	r = seccomp_config_from_spec(seccomp, &cfg, err);
	if (r == 0) {
		p.flags = seccomp_config_kernel_flags(&cfg);
		r = copy_listener(&cfg, &p) < 0 ? iso_error_set(err, ENOMEM, "seccomp") : 0;
	}
	if (r == 0)
		r = check_kernel_flags(&cfg, &p, err);
	if (r == 0)
		r = bpf_from_cache_or_build(&cfg, raw, text, root, &p, &p.bpf, err);
	seccomp_config_free(&cfg);
	if (r < 0) {
		seccomp_program_free(&p);
		return r;
	}
	warn_skipped(&p.bpf);
	*ret = p;
	return 0;
}

int seccomp_program_load(const struct seccomp_program *p, int *ret_listener_fd,
			 struct iso_error *err)
{
	struct sock_fprog prog = {.len = (unsigned short)p->bpf.n_insns, .filter = p->bpf.insns};
	long r;

	*ret_listener_fd = -1;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, load_flags(p), &prog);
	if (r < 0)
		return iso_error_set(err, errno, "loading the seccomp filter");
	if (p->needs_listener)
		*ret_listener_fd = (int)r;
	return 0;
}

void seccomp_program_free(struct seccomp_program *p)
{
	seccomp_bpf_free(&p->bpf);
	free(p->listener_path);
	free(p->listener_metadata);
	*p = (struct seccomp_program){0};
}

int seccomp_program_copy(const struct seccomp_program *src, struct seccomp_program *ret,
			 struct iso_error *err)
{
	struct seccomp_program p = {.flags = src->flags, .needs_listener = src->needs_listener};
	size_t size = src->bpf.n_insns * sizeof(*src->bpf.insns);

	p.bpf.insns = malloc(size ? size : 1);
	p.listener_path = src->listener_path ? strdup(src->listener_path) : NULL;
	p.listener_metadata = src->listener_metadata ? strdup(src->listener_metadata) : NULL;
	if (!p.bpf.insns || (src->listener_path && !p.listener_path) ||
	    (src->listener_metadata && !p.listener_metadata)) {
		seccomp_program_free(&p);
		return iso_error_set(err, ENOMEM, "seccomp");
	}
	memcpy(p.bpf.insns, src->bpf.insns, size);
	p.bpf.n_insns = src->bpf.n_insns;
	*ret = p;
	return 0;
}
