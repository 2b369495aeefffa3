/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: compiled by the runtime before the init is cloned, loaded by the init.
 *
 * seccomp_prepare() runs in `create` before anything exists on the host: it parses
 * linux.seccomp (errors name the JSON path), then takes the BPF from the compiled-filter cache
 * (seccomp_cache.h) or compiles it with libseccomp and stores it there.  The cloned init inherits
 * the program and loads it with one seccomp(SECCOMP_SET_MODE_FILTER) call, with the spec's
 * flags, and with SECCOMP_FILTER_FLAG_NEW_LISTENER when a rule uses SCMP_ACT_NOTIFY: the kernel
 * returns the listener fd, which travels to the runtime (SYNC_SECCOMP_LISTENER) and on to
 * listenerPath (seccomp_notify.h).  Loading the BPF ourselves, not through seccomp_load(), is
 * what lets a notify filter be cached like any other, and lets flags this libseccomp does not
 * know (WAIT_KILLABLE_RECV needs libseccomp 2.6) reach the kernel. */
#ifndef ISORUN_SECCOMP_H
#define ISORUN_SECCOMP_H

#include <stdbool.h>

#include "runtime/seccomp/seccomp_build.h"
#include "runtime/spec/spec.h"
#include "util/json_span.h"

struct seccomp_program {
	struct seccomp_bpf bpf; /* n_insns == 0: no linux.seccomp, nothing to load */
	unsigned int flags;	/* SECCOMP_FILTER_FLAG_* to load with */
	bool needs_listener;	/* a rule uses SCMP_ACT_NOTIFY */
	char *listener_path;
	char *listener_metadata;
};

/* Parses and compiles (or finds in ROOT's cache) the filter of SECCOMP, the spec's
 * linux.seccomp object (NULL: none).  Unknown syscall names are warnings; every other problem is
 * an error naming the JSON path.  RAW, when not NULL, is where linux.seccomp lies in TEXT, the
 * config.json it was parsed from: its bytes are the cache key (seccomp_cache.h). */
int seccomp_prepare(yajl_val seccomp, const char *text, const struct json_span *raw,
		    const char *root, struct seccomp_program *ret, struct iso_error *err);

/* The fast path: the filter for the bytes at RAW in TEXT, straight from ROOT's cache, without
 * parsing them.  Returns 1 with *ret filled, or 0 when the profile has to be parsed
 * (seccomp_prepare()): no entry, a profile with a listener, flags this kernel now refuses. */
int seccomp_prepare_cached(const char *text, const struct json_span *raw, const char *root,
			   struct seccomp_program *ret);

static inline bool seccomp_program_present(const struct seccomp_program *p)
{
	return p && p->bpf.n_insns > 0;
}

/* Loads the program into the calling thread.  *ret_listener_fd gets the notify fd (O_CLOEXEC)
 * when the program needs a listener, else -1.  Without no_new_privs the caller must hold
 * CAP_SYS_ADMIN. */
int seccomp_program_load(const struct seccomp_program *p, int *ret_listener_fd,
			 struct iso_error *err);

/* A deep copy of src (isorun trace's recording program, used in place of linux.seccomp). */
int seccomp_program_copy(const struct seccomp_program *src, struct seccomp_program *ret,
			 struct iso_error *err);

void seccomp_program_free(struct seccomp_program *p);

#endif
