/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISORUN_CONFIG_LOAD_H
#define ISORUN_CONFIG_LOAD_H

#include <stdbool.h>

#include "runtime/seccomp/seccomp.h"
#include "runtime/spec/spec.h"
#include "util/error.h"
#include "util/json_span.h"

/* The one way to a bundle's config.json: config_read() reads BUNDLE/config.json, config_load()
 * (or its two steps) parses it and validates all of it, linux.resources and linux.seccomp
 * included, before the caller makes anything on the host. */

/* Reads BUNDLE/config.json (bundle NULL: the current directory), which must be a regular file
 * of at most SPEC_MAX_SIZE bytes; errors name its absolute path. */
int config_read(const char *bundle, char **ret_text, size_t *ret_len, struct iso_error *err);

/* config.json's text to what create and exec need of it: the parsed spec and the seccomp
 * program (empty without linux.seccomp), ROOT's compiled-filter cache used.  Errors name
 * "config.json" and the JSON path. */
int config_load(const char *text, size_t len, const char *root, struct spec **ret_spec,
		struct seccomp_program *ret_seccomp, struct iso_error *err);

/* The same in two steps, for create: what needs only the spec (the helper thread's namespaces,
 * init_spawn.h) starts between them, and the profile's hashing, cache lookup or compiling
 * overlaps with it.  text must outlive both steps. */
struct config_profile {
	const char *text;
	size_t len;
	struct json_span span; /* where linux.seccomp lies in text */
	bool masked;	       /* the spec was parsed without it: config_load_seccomp() reads it */
};

int config_load_spec(const char *text, size_t len, struct config_profile *ret_profile,
		     struct spec **ret_spec, struct iso_error *err);
int config_load_seccomp(const struct config_profile *profile, const struct spec *spec,
			const char *root, struct seccomp_program *ret, struct iso_error *err);

#endif
