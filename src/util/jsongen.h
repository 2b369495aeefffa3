/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Thin helpers over yajl_gen: JSON out is always generated, never printed with format strings. */
#ifndef ISORUN_JSONGEN_H
#define ISORUN_JSONGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "error.h"

yajl_gen jsongen_new(bool pretty);
void jsongen_key(yajl_gen g, const char *key);
void jsongen_str(yajl_gen g, const char *value); /* NULL is written as null */
void jsongen_kv_str(yajl_gen g, const char *key, const char *value);
void jsongen_kv_int(yajl_gen g, const char *key, long long value);
void jsongen_kv_bool(yajl_gen g, const char *key, bool value);
/* "key": [strings of the NULL-terminated v] (v NULL: an empty array). */
void jsongen_kv_strv(yajl_gen g, const char *key, const char *const *v);

/* Re-emits a parsed JSON value as it is (numbers keep their text). */
void jsongen_value(yajl_gen g, yajl_val v);

/* Whether s is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF):
 * what a JSON string may carry.  Text from outside JSON (paths, ids) is checked with it before
 * it is written into a state file that must read back. */
bool jsongen_utf8_valid(const char *s);

/* Copies the generated text out (NUL-terminated) and frees g. */
int jsongen_finish(yajl_gen g, char **ret_text, size_t *ret_len, struct iso_error *err);

static inline void cleanup_yajl_genp(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}
#define _cleanup_yajl_gen_ __attribute__((cleanup(cleanup_yajl_genp)))

#endif
