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
