/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Docker (moby) seccomp profiles -> linux.seccomp.
 *
 * A Docker profile is linux.seccomp plus what Docker resolves when it writes config.json:
 * "archMap" (the native architecture and its sub-architectures), a single "name" instead of
 * "names", and per-rule "includes"/"excludes" ({arches, caps, minKernel}) that keep or drop the
 * rule for the target's architecture, bounding capabilities and kernel.  "comment" is ignored. */
#ifndef ISORUN_SECCOMP_PROFILE_H
#define ISORUN_SECCOMP_PROFILE_H

#include <stdint.h>

#include "runtime/spec/seccomp_config.h"

struct seccomp_profile_target {
	uint64_t bounding;	   /* capability mask (bit N = capability N) */
	unsigned int kernel_major; /* for includes.minKernel */
	unsigned int kernel_minor;
};

/* The target this machine gives: the running kernel; bounding is the caller's. */
void seccomp_profile_target_host(struct seccomp_profile_target *t, uint64_t bounding);

/* Converts the profile text.  `name` prefixes errors ("profile.json: syscalls[2].includes.caps:
 * ..."). */
int seccomp_profile_convert(const char *text, size_t len, const char *name,
			    const struct seccomp_profile_target *t, struct seccomp_config *ret,
			    struct iso_error *err);

/* Reads and converts a profile file. */
int seccomp_profile_convert_file(const char *path, const struct seccomp_profile_target *t,
				 struct seccomp_config *ret, struct iso_error *err);

/* Where isorun's own default profile (contrib/seccomp/default.json) is found, in order:
 * $ISORUN_SECCOMP_PROFILE; next to the binary (a build tree: DIR/contrib/seccomp/default.json);
 * the installed copy (ISORUN_SECCOMP_PROFILE, $(pkgdatadir)/seccomp/default.json).  The build
 * tree comes before the installed copy so that tests of a build never read a stale install. */
int seccomp_profile_default_path(char **ret, struct iso_error *err);

#endif
