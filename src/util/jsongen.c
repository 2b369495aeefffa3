/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "jsongen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

yajl_gen jsongen_new(bool pretty)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g && pretty) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "\t");
	}
	return g;
}

void jsongen_str(yajl_gen g, const char *value)
{
	if (value)
		yajl_gen_string(g, (const unsigned char *)value, strlen(value));
	else
		yajl_gen_null(g);
}

void jsongen_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void jsongen_kv_str(yajl_gen g, const char *key, const char *value)
{
	jsongen_key(g, key);
	jsongen_str(g, value);
}

void jsongen_kv_int(yajl_gen g, const char *key, long long value)
{
	jsongen_key(g, key);
	yajl_gen_integer(g, value);
}

void jsongen_kv_bool(yajl_gen g, const char *key, bool value)
{
	jsongen_key(g, key);
	yajl_gen_bool(g, value);
}

int jsongen_finish(yajl_gen g, char **ret_text, size_t *ret_len, struct iso_error *err)
{
	const unsigned char *buf;
	size_t len;
	char *copy;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return iso_error_set(err, EINVAL, "generating JSON");
	}
	copy = malloc(len + 1);
	if (!copy) {
		yajl_gen_free(g);
		return iso_error_set(err, ENOMEM, "generating JSON");
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	yajl_gen_free(g);
	*ret_text = copy;
	if (ret_len)
		*ret_len = len;
	return 0;
}

void jsongen_kv_strv(yajl_gen g, const char *key, const char *const *v)
{
	jsongen_key(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; v && v[i]; i++)
		jsongen_str(g, v[i]);
	yajl_gen_array_close(g);
}

void jsongen_value(yajl_gen g, yajl_val v)
{
	if (YAJL_IS_OBJECT(v)) {
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			jsongen_key(g, v->u.object.keys[i]);
			jsongen_value(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			jsongen_value(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_STRING(v)) {
		jsongen_str(g, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	} else {
		yajl_gen_null(g);
	}
}

/* The length of the sequence a lead byte starts (0: not a lead byte), and the range its second
 * byte must fall in, which rules out overlong forms, surrogates and > U+10FFFF (RFC 3629). */
static int utf8_sequence(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef) {
		*lo = c == 0xe0 ? 0xa0 : 0x80;
		*hi = c == 0xed ? 0x9f : 0xbf;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		*lo = c == 0xf0 ? 0x90 : 0x80;
		*hi = c == 0xf4 ? 0x8f : 0xbf;
		return 4;
	}
	return 0;
}

bool jsongen_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned char lo, hi;
		int n;

		if (*p < 0x80) {
			p++;
			continue;
		}
		n = utf8_sequence(*p, &lo, &hi);
		if (n == 0 || p[1] < lo || p[1] > hi)
			return false;
		for (int i = 2; i < n; i++)
			if (p[i] < 0x80 || p[i] > 0xbf)
				return false;
		p += n;
	}
	return true;
}
