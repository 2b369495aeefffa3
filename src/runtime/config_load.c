#include "config.h"
#include "runtime/config_load.h"

#include "util/json_span.h"

#define CONFIG_NAME "config.json"

/* A Docker-like seccomp profile is most of a config.json (14 of 15 KB with the default one),
 * and building its yajl tree and walking it cost more than the rest of the start-up's parsing.
 * When the filter compiled from the profile's exact bytes is cached, the profile is parsed as
 * {} and never looked at: the cache entry says all that loading it takes. */
int config_load(const char *text, size_t len, const char *root, struct spec **ret_spec,
		struct seccomp_program *ret_seccomp, struct iso_error *err)
{
	static const char *const path[] = {"linux", "seccomp"};
	struct seccomp_program prog = {0};
	struct spec *spec = NULL;
	struct json_span span;
	int found, r;

	found = json_member_span(text, len, path, 2, &span);
	if (found > 0 && seccomp_prepare_cached(text, &span, root, &prog) > 0) {
		r = spec_parse_masked(text, len, CONFIG_NAME, &span, &spec, err);
		if (r < 0) {
			seccomp_program_free(&prog);
			return r;
		}
	} else {
		r = spec_parse(text, len, CONFIG_NAME, &spec, err);
		if (r < 0)
			return r;
		r = seccomp_prepare(spec, text, found > 0 ? &span : NULL, root, &prog, err);
		if (r < 0) {
			spec_free(spec);
			return r;
		}
	}
	*ret_spec = spec;
	*ret_seccomp = prog;
	return 0;
}
