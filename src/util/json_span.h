/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a member's value lies in a JSON text, found without building a tree.
 *
 * For fast paths that must not parse a large member (the seccomp profile in config.json) when
 * its exact bytes are enough (a cache key).  The scan is exact for well-formed JSON; it answers
 * "cannot tell" rather than guess wherever yajl could see the document differently: a key
 * written with escapes, a key that appears twice, a document nested too deep. */
#ifndef ISORUN_JSON_SPAN_H
#define ISORUN_JSON_SPAN_H

#include <stddef.h>

struct json_span {
	size_t off; /* the value's first byte */
	size_t len; /* up to and including its last byte */
};

/* Follows PATH (DEPTH object keys from the top-level object) to a value.  Returns 1 and
 * *ret_span when found, 0 when absent (a key missing, or a step that is not an object), -EINVAL
 * when the text cannot be told apart from one where it would be found elsewhere. */
int json_member_span(const char *text, size_t len, const char *const *path, size_t depth,
		     struct json_span *ret_span);

#endif
