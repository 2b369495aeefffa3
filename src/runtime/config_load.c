/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/config_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/json_walk.h"

#define CONFIG_NAME "config.json"

int config_read(const char *bundle, char **ret_text, size_t *ret_len, struct iso_error *err)
{
	_cleanup_free_ char *abs_bundle = NULL, *path = NULL;
	int r = make_absolute(bundle ? bundle : ".", &abs_bundle, err);

	if (r < 0)
		return r;
	if (asprintf(&path, "%s/" CONFIG_NAME, abs_bundle) < 0)
		return iso_error_set(err, ENOMEM, "bundle");
	return read_regular_file_at(AT_FDCWD, path, SPEC_MAX_SIZE, ret_text, ret_len, err);
}

/* A Docker-like seccomp profile is most of a config.json (14 of 15 KB with the default one),
 * and building its yajl tree and walking it cost more than the rest of the start-up's parsing.
 * The spec is parsed with the profile masked as {}, and the profile's own bytes are parsed only
 * when the filter compiled from them is not in the cache: the cache entry says all that loading
 * it takes. */
int config_load_spec(const char *text, size_t len, struct config_profile *ret_profile,
		     struct spec **ret_spec, struct iso_error *err)
{
	static const char *const path[] = {"linux", "seccomp"};
	struct config_profile p = {.text = text, .len = len};
	int found = json_member_span(text, len, path, 2, &p.span);
	int r;

	/* No object there (no profile, null, a wrong type, or a document the scan finds broken):
	 * yajl's full parse, and the spec's or yajl's message. */
	p.masked = found > 0 && text[p.span.off] == '{';
	r = p.masked ? spec_parse_masked(text, len, CONFIG_NAME, &p.span, ret_spec, err)
		     : spec_parse(text, len, CONFIG_NAME, ret_spec, err);
	if (r < 0)
		return r;
	*ret_profile = p;
	return 0;
}

/* The profile's bytes alone, on a cache miss.  Bytes the span's scan took but yajl does not get
 * the message of the whole document's parse, as without the mask. */
static int parse_profile(const struct config_profile *p, yajl_val *ret_tree, struct iso_error *err)
{
	struct spec *whole = NULL;
	int r = json_parse_tree(p->text + p->span.off, p->span.len, CONFIG_NAME, ret_tree, err);

	if (r == 0)
		return 0;
	if ((r = spec_parse(p->text, p->len, CONFIG_NAME, &whole, err)) < 0)
		return r;
	spec_free(whole);
	return iso_error_invalid(err, CONFIG_NAME ": linux.seccomp: invalid JSON");
}

int config_load_seccomp(const struct config_profile *p, const struct spec *spec, const char *root,
			struct seccomp_program *ret, struct iso_error *err)
{
	yajl_val tree = NULL;
	int r;

	if (!p->masked)
		return seccomp_prepare(spec->linux_.seccomp, p->text, NULL, root, ret, err);
	if (seccomp_prepare_cached(p->text, &p->span, root, ret) > 0)
		return 0;
	if ((r = parse_profile(p, &tree, err)) < 0)
		return r;
	r = seccomp_prepare(tree, p->text, &p->span, root, ret, err);
	yajl_tree_free(tree);
	return r;
}

int config_load(const char *text, size_t len, const char *root, struct spec **ret_spec,
		struct seccomp_program *ret_seccomp, struct iso_error *err)
{
	struct config_profile profile;
	struct spec *spec = NULL;
	int r = config_load_spec(text, len, &profile, &spec, err);

	if (r < 0)
		return r;
	r = config_load_seccomp(&profile, spec, root, ret_seccomp, err);
	if (r < 0) {
		spec_free(spec);
		return r;
	}
	*ret_spec = spec;
	return 0;
}
