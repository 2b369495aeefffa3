/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: config.json (and exec's process.json) through the whole parser and the
 * checks create applies, as an untrusted bundle would feed them, and through the span scanner
 * and the masked parse of a seccomp cache hit.  Build and run with tests/fuzz/run.sh. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "runtime/spec/spec.h"
#include "util/json_span.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iso_error err = {0};
	struct spec *spec = NULL;
	struct spec_process proc;

	if (spec_parse((const char *)data, size, "config.json", &spec, &err) == 0) {
		spec_validate_for_start(spec, &err);
		spec_annotation(spec, "io.isorun.net.veth");
		spec_free(spec);
	}
	if (spec_parse_process((const char *)data, size, "process.json", &proc, &err) == 0)
		spec_process_clear(&proc);
	{
		static const char *const path[] = {"linux", "seccomp"};
		struct json_span span;

		/* A span must lie inside the text, and masking it must be as safe as parsing. */
		if (json_member_span((const char *)data, size, path, 2, &span) > 0) {
			if (span.len == 0 || span.off > size || span.len > size - span.off)
				__builtin_trap();
			if (spec_parse_masked((const char *)data, size, "config.json", &span, &spec,
					      &err) == 0)
				spec_free(spec);
		}
	}
	return 0;
}
