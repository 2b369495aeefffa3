/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: a Docker (moby) seccomp profile through seccomp_profile_convert(), what
 * `isorun seccomp convert PROFILE` and the tenant layer's default profile go through, with the
 * verb's target (this machine's architecture and kernel, the bounding set of `isorun spec`),
 * then written out as the verb prints it.  Build and run with tests/fuzz/run.sh. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "runtime/seccomp/seccomp_profile.h"
#include "runtime/spec/spec.h"
#include "util/jsongen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seccomp_profile_target target;
	static int have_target;
	struct seccomp_config cfg = {0};
	struct iso_error err = {0};
	char *text = NULL;
	yajl_gen g;

	if (!have_target) {
		seccomp_profile_target_host(&target, spec_default_bounding());
		have_target = 1;
	}
	if (seccomp_profile_convert((const char *)data, size, "profile.json", &target, &cfg, &err) <
	    0)
		return 0;
	g = jsongen_new(true);
	if (g) {
		seccomp_config_gen(g, &cfg, false);
		if (jsongen_finish(g, &text, NULL, &err) == 0)
			free(text);
	}
	seccomp_config_free(&cfg);
	return 0;
}
