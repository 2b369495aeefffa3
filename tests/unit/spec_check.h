/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks of config.json parsing shared by the unit tests: documents are written with single
 * quotes (unit.h's sq()) and parsed as "config.json". */
#ifndef ISORUN_TEST_SPEC_CHECK_H
#define ISORUN_TEST_SPEC_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/spec/spec.h"
#include "unit.h"
#include "util/cleanup.h"

static inline int parse(const char *json_sq, struct spec **ret, struct iso_error *err)
{
	_cleanup_free_ char *text = sq(json_sq);

	return spec_parse(text, strlen(text), "config.json", ret, err);
}

/* Asserts that the document is refused with exactly `msg`. */
static inline void expect_error(const char *json_sq, const char *msg)
{
	struct iso_error err = {0};
	struct spec *spec = NULL;
	int r = parse(json_sq, &spec, &err);

	UNIT_CHECK(r == -EINVAL && spec == NULL && strcmp(err.msg, msg) == 0, "refused: %s", msg);
	if (r >= 0 || strcmp(err.msg, msg) != 0)
		printf("#   got r=%d: %s\n", r, err.msg);
	spec_free(spec);
}

static inline struct spec *expect_parse(const char *json_sq, const char *what)
{
	struct iso_error err = {0};
	struct spec *spec = NULL;
	int r = parse(json_sq, &spec, &err);

	UNIT_CHECK(r == 0 && spec, "parses: %s", what);
	if (r < 0)
		printf("#   %s\n", err.msg);
	return spec;
}

/* Parses, then asserts spec_validate_for_start's verdict. */
static inline void expect_start(const char *json_sq, const char *msg)
{
	struct iso_error err = {0};
	struct spec *s = NULL;
	int r = parse(json_sq, &s, &err);

	if (r < 0) {
		UNIT_CHECK(0, "parses for the start check: %s", err.msg);
		return;
	}
	r = spec_validate_for_start(s, &err);
	if (msg) {
		UNIT_CHECK(r == -EINVAL && strcmp(err.msg, msg) == 0, "not startable: %s", msg);
		if (r == 0 || strcmp(err.msg, msg) != 0)
			printf("#   got r=%d: %s\n", r, err.msg);
	} else {
		UNIT_CHECK(r == 0, "startable");
		if (r < 0)
			printf("#   %s\n", err.msg);
	}
	spec_free(s);
}

#endif
