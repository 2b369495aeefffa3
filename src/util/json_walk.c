/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "util/json_walk.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parsing the text ---- */

/* One open object or array on the way to a byte (describe_offset()). */
struct path_frame {
	bool array;
	bool at_key; /* an object between '{' or ',' and the ':' */
	size_t index;
	const char *key;
	size_t key_len;
};

static void append_frame(const struct path_frame *f, char *buf, size_t size, size_t *n)
{
	int k = 0;

	if (*n >= size)
		return;
	if (f->array)
		k = snprintf(buf + *n, size - *n, "[%zu]", f->index);
	else if (!f->at_key && f->key)
		k = snprintf(buf + *n, size - *n, "%s%.*s", *n ? "." : "", (int)f->key_len, f->key);
	if (k > 0)
		*n += (size_t)k;
}

/* The JSON path of the value that holds text[off] ("process.args[0]"), or of the object whose
 * key holds it (*in_key).  The scan is redone only for an error: the precheck stays a plain
 * loop over the bytes. */
static void describe_offset(const char *text, size_t off, char *buf, size_t size, bool *in_key)
{
	struct path_frame st[JSON_MAX_DEPTH + 1];
	size_t depth = 0, n = 0;
	bool in_string = false, string_is_key = false;
	const char *start = NULL;

	buf[0] = '\0';
	for (size_t i = 0; i < off; i++) {
		struct path_frame *top = depth ? &st[depth - 1] : NULL;
		char c = text[i];

		if (in_string) {
			if (c == '\\') {
				i++;
			} else if (c == '"') {
				in_string = false;
				if (string_is_key) {
					top->key = start;
					top->key_len = (size_t)(text + i - start);
				}
			}
			continue;
		}
		if (c == '"') {
			in_string = true;
			string_is_key = top && !top->array && top->at_key;
			start = text + i + 1;
		} else if ((c == '{' || c == '[') && depth < ARRAY_SIZE(st)) {
			st[depth++] = (struct path_frame){.array = c == '[', .at_key = c == '{'};
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		} else if (c == ':' && top && !top->array) {
			top->at_key = false;
		} else if (c == ',' && top) {
			top->index += top->array;
			top->at_key = !top->array;
		}
	}
	*in_key = in_string ? string_is_key : depth && !st[depth - 1].array && st[depth - 1].at_key;
	for (size_t k = 0; k < depth; k++)
		append_frame(&st[k], buf, size, &n);
}

/* "NAME: PATH: WHAT" for the bad byte at text[off]; outside every value "NAME: invalid JSON:
 * WHAT" as before. */
static int fail_at(const char *text, size_t off, const char *name, const char *what,
		   struct iso_error *err)
{
	char where[256];
	bool in_key;

	describe_offset(text, off, where, sizeof(where), &in_key);
	if (in_key)
		return iso_error_invalid(err, "%s: %s%s: %s", name,
					 where[0] ? "a key in " : "a top-level key", where, what);
	if (where[0])
		return iso_error_invalid(err, "%s: %s: %s", name, where, what);
	return iso_error_invalid(err, "%s: invalid JSON: %s", name, what);
}

/* The length of the UTF-8 sequence at s (at most len bytes), 0 when it is not one.  yajl's own
 * rule: the lead byte's length, then continuation bytes; nothing stricter, so that no config
 * yajl accepted is refused now. */
static size_t utf8_length(const unsigned char *s, size_t len)
{
	size_t n = (s[0] >> 5) == 0x6 ? 2 : (s[0] >> 4) == 0xe ? 3 : (s[0] >> 3) == 0x1e ? 4 : 0;

	if (n == 0 || n > len)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] >> 6) != 0x2)
			return 0;
	return n;
}

/* A string-aware scan for what yajl cannot be trusted with (see json_parse_tree()), and for
 * invalid UTF-8, which yajl finds without saying where. */
static int json_precheck(const char *text, size_t len, const char *name, struct iso_error *err)
{
	const char *nul = memchr(text, '\0', len);
	bool in_string = false;
	unsigned depth = 0;

	if (nul)
		return fail_at(text, (size_t)(nul - text), name, "contains a NUL byte", err);
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_string) {
			if (c == '\\') {
				if (i + 5 < len && memcmp(text + i + 1, "u0000", 5) == 0)
					return fail_at(text, i, name,
						       "\\u0000 in a string is not supported", err);
				i++; /* the escaped character cannot end the string */
			} else if (c == '"') {
				in_string = false;
			} else if (c & 0x80) {
				size_t n = utf8_length((const unsigned char *)text + i, len - i);

				if (n == 0)
					return fail_at(text, i, name, "invalid UTF-8", err);
				i += n - 1;
			}
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > JSON_MAX_DEPTH)
				return iso_error_invalid(
				    err, "%s: invalid JSON: nested deeper than %d levels", name,
				    JSON_MAX_DEPTH);
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return 0;
}

/* yajl's message spans three lines (message, excerpt, caret): keep the first. */
static void first_line(char *s)
{
	size_t n = strcspn(s, "\r\n");

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	s[n] = '\0';
}

int json_parse_tree(const char *text, size_t len, const char *name, yajl_val *ret_tree,
		    struct iso_error *err)
{
	return json_parse_tree_masked(text, len, name, NULL, ret_tree, err);
}

int json_parse_tree_masked(const char *text, size_t len, const char *name,
			   const struct json_span *mask, yajl_val *ret_tree, struct iso_error *err)
{
	_cleanup_free_ char *copy = NULL;
	char errbuf[256] = "";
	size_t n = len;
	yajl_val tree;
	int r;

	if (mask && (mask->len < 2 || mask->off > len || mask->len > len - mask->off))
		return iso_error_set(err, EINVAL, "%s: a mask outside the document", name);
	/* yajl_tree_parse() wants a C string; the caller's buffer need not be one.  The masked
	 * member is left out of the copy, not blanked: nothing of it is scanned at all. */
	if (mask)
		n = len - mask->len + 2;
	copy = malloc(n + 1);
	if (!copy)
		return iso_error_set(err, ENOMEM, "%s", name);
	if (mask) {
		memcpy(copy, text, mask->off);
		memcpy(copy + mask->off, "{}", 2);
		memcpy(copy + mask->off + 2, text + mask->off + mask->len,
		       len - mask->off - mask->len);
	} else {
		memcpy(copy, text, len);
	}
	copy[n] = '\0';
	r = json_precheck(copy, n, name, err);
	if (r < 0)
		return r;
	tree = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
	if (!tree) {
		first_line(errbuf);
		return iso_error_invalid(err, "%s: invalid JSON: %s", name,
					 errbuf[0] ? errbuf : "malformed document");
	}
	*ret_tree = tree;
	return 0;
}

/* ---- the path and errors ---- */

void json_walk_init(struct json_walk *w, const char *name, struct iso_error *err)
{
	w->name = name;
	w->err = err;
	w->len = 0;
	w->path[0] = '\0';
}

static size_t path_append(struct json_walk *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static size_t path_append(struct json_walk *w, const char *fmt, ...)
{
	size_t mark = w->len, room = sizeof(w->path) - w->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(w->path + w->len, room, fmt, ap);
	va_end(ap);
	/* A path too long for the buffer is cut, never overrun. */
	if (n > 0)
		w->len += (size_t)n < room ? (size_t)n : room - 1;
	return mark;
}

static bool is_plain_key(const char *key)
{
	if (!*key)
		return false;
	for (const char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

size_t json_walk_push_key(struct json_walk *w, const char *key)
{
	/* Map keys such as sysctl names contain dots: quote them so the path stays unambiguous. */
	if (!is_plain_key(key))
		return path_append(w, "[\"%s\"]", key);
	return path_append(w, "%s%s", w->len ? "." : "", key);
}

size_t json_walk_push_index(struct json_walk *w, size_t index)
{
	return path_append(w, "[%zu]", index);
}

void json_walk_pop(struct json_walk *w, size_t mark)
{
	w->len = mark;
	w->path[mark] = '\0';
}

const char *json_walk_path(const struct json_walk *w)
{
	return w->path;
}

static int walk_vfail(struct json_walk *w, const char *fmt, va_list ap)
{
	char msg[ISO_ERROR_MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (w->len == 0)
		return iso_error_invalid(w->err, "%s: %s", w->name, msg);
	return iso_error_invalid(w->err, "%s: %s: %s", w->name, w->path, msg);
}

int json_walk_fail(struct json_walk *w, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = walk_vfail(w, fmt, ap);
	va_end(ap);
	return r;
}

int json_walk_fail_at(struct json_walk *w, const char *key, const char *fmt, ...)
{
	size_t mark = json_walk_push_key(w, key);
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = walk_vfail(w, fmt, ap);
	va_end(ap);
	json_walk_pop(w, mark);
	return r;
}

int json_walk_oom(struct json_walk *w)
{
	if (w->len == 0)
		return iso_error_set(w->err, ENOMEM, "%s", w->name);
	return iso_error_set(w->err, ENOMEM, "%s: %s", w->name, w->path);
}

yajl_val json_object_get(yajl_val obj, const char *key)
{
	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	for (size_t i = obj->u.object.len; i-- > 0;) {
		if (strcmp(obj->u.object.keys[i], key) == 0) {
			yajl_val v = obj->u.object.values[i];

			return YAJL_IS_NULL(v) ? NULL : v;
		}
	}
	return NULL;
}

/* ---- integers ---- */

/* From the number's text, not yajl's long long: uint64 values above LLONG_MAX (rlimits use
 * 18446744073709551615) are not "integers" to yajl.  Fractions and exponents are refused. */
static bool digits_only(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool number_to_u64(yajl_val v, uint64_t max, uint64_t *ret)
{
	const char *text = YAJL_IS_NUMBER(v) ? YAJL_GET_NUMBER(v) : NULL;
	unsigned long long u;

	if (!text || !digits_only(text))
		return false;
	errno = 0;
	u = strtoull(text, NULL, 10);
	if (errno != 0 || u > max)
		return false;
	*ret = u;
	return true;
}

static bool number_to_s64(yajl_val v, int64_t min, int64_t max, int64_t *ret)
{
	const char *text = YAJL_IS_NUMBER(v) ? YAJL_GET_NUMBER(v) : NULL;
	long long s;

	if (!text || !digits_only(text[0] == '-' ? text + 1 : text))
		return false;
	errno = 0;
	s = strtoll(text, NULL, 10);
	if (errno != 0 || s < min || s > max)
		return false;
	*ret = s;
	return true;
}

static const char *integer_expected(enum json_kind kind)
{
	switch (kind) {
	case JSON_UINT32:
		return "an unsigned 32-bit integer";
	case JSON_INT32:
		return "a 32-bit integer";
	case JSON_UINT64:
		return "an unsigned 64-bit integer";
	default:
		return "a 64-bit integer";
	}
}

static long long integer_max(enum json_kind kind)
{
	switch (kind) {
	case JSON_UINT32:
		return UINT32_MAX;
	case JSON_INT32:
		return INT32_MAX;
	default:
		return LLONG_MAX;
	}
}

static int range_error(struct json_walk *w, const struct json_field *f)
{
	if (f->max == integer_max(f->kind))
		return json_walk_fail(w, "must be at least %lld", f->min);
	if (f->flags & JSON_OCTAL)
		return json_walk_fail(w, "must be between %#llo and %#llo", f->min, f->max);
	return json_walk_fail(w, "must be between %lld and %lld", f->min, f->max);
}

static int walk_unsigned(struct json_walk *w, const struct json_field *f, yajl_val v, void *dst)
{
	uint64_t max = f->kind == JSON_UINT32 ? UINT32_MAX : UINT64_MAX;
	uint64_t u;

	if (!number_to_u64(v, max, &u))
		return json_walk_fail(w, "expected %s", integer_expected(f->kind));
	if ((f->flags & JSON_RANGE) &&
	    ((f->min > 0 && u < (uint64_t)f->min) || f->max < 0 || u > (uint64_t)f->max))
		return range_error(w, f);
	if (f->kind == JSON_UINT32)
		*(uint32_t *)dst = (uint32_t)u;
	else
		*(uint64_t *)dst = u;
	return 0;
}

static int walk_signed(struct json_walk *w, const struct json_field *f, yajl_val v, void *dst)
{
	bool is32 = f->kind == JSON_INT32;
	int64_t s;

	if (!number_to_s64(v, is32 ? INT32_MIN : INT64_MIN, is32 ? INT32_MAX : INT64_MAX, &s))
		return json_walk_fail(w, "expected %s", integer_expected(f->kind));
	if ((f->flags & JSON_RANGE) && (s < f->min || s > f->max))
		return range_error(w, f);
	if (is32)
		*(int32_t *)dst = (int32_t)s;
	else
		*(int64_t *)dst = s;
	return 0;
}

/* ---- strings, arrays, maps ---- */

static int walk_string(struct json_walk *w, yajl_val v, char **dst)
{
	char *copy;

	if (!YAJL_IS_STRING(v))
		return json_walk_fail(w, "expected a string");
	copy = strdup(v->u.string);
	if (!copy)
		return json_walk_oom(w);
	free(*dst);
	*dst = copy;
	return 0;
}

int json_walk_string_array(struct json_walk *w, yajl_val value, char ***dst)
{
	size_t n;
	char **v;

	if (!YAJL_IS_ARRAY(value))
		return json_walk_fail(w, "expected an array");
	n = value->u.array.len;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return json_walk_oom(w);
	strv_free(*dst);
	*dst = v;
	for (size_t i = 0; i < n; i++) {
		size_t mark = json_walk_push_index(w, i);
		int r = walk_string(w, value->u.array.values[i], &v[i]);

		if (r < 0)
			return r;
		json_walk_pop(w, mark);
	}
	return 0;
}

/* Allocates n zeroed elements and stores pointer and count together. */
static void *alloc_array(const struct json_field *f, void *base, size_t n, size_t elem_size)
{
	void *elems = calloc(n ? n : 1, elem_size);

	if (!elems)
		return NULL;
	/* The member is a pointer to the element type: store it by bytes, not through void **. */
	memcpy((char *)base + f->offset, &elems, sizeof(elems));
	*(size_t *)((char *)base + f->count_offset) = n;
	return elems;
}

static int walk_uint32_array(struct json_walk *w, const struct json_field *f, yajl_val v,
			     void *base)
{
	uint32_t *elems;
	size_t n;

	if (!YAJL_IS_ARRAY(v))
		return json_walk_fail(w, "expected an array");
	n = v->u.array.len;
	elems = alloc_array(f, base, n, sizeof(*elems));
	if (!elems)
		return json_walk_oom(w);
	for (size_t i = 0; i < n; i++) {
		size_t mark = json_walk_push_index(w, i);
		uint64_t u;

		if (!number_to_u64(v->u.array.values[i], UINT32_MAX, &u))
			return json_walk_fail(w, "expected %s", integer_expected(JSON_UINT32));
		elems[i] = (uint32_t)u;
		json_walk_pop(w, mark);
	}
	return 0;
}

static int walk_string_map(struct json_walk *w, const struct json_field *f, yajl_val v, void *base)
{
	struct json_string_pair *pairs;
	size_t n;

	if (!YAJL_IS_OBJECT(v))
		return json_walk_fail(w, "expected an object");
	n = v->u.object.len;
	pairs = alloc_array(f, base, n, sizeof(*pairs));
	if (!pairs)
		return json_walk_oom(w);
	for (size_t i = 0; i < n; i++) {
		size_t mark = json_walk_push_key(w, v->u.object.keys[i]);
		int r = walk_string(w, v->u.object.values[i], &pairs[i].value);

		if (r < 0)
			return r;
		pairs[i].key = strdup(v->u.object.keys[i]);
		if (!pairs[i].key)
			return json_walk_oom(w);
		json_walk_pop(w, mark);
	}
	return 0;
}

/* ---- objects ---- */

static int walk_object_array(struct json_walk *w, const struct json_field *f, yajl_val v,
			     void *base)
{
	char *elems;
	size_t n;

	if (!YAJL_IS_ARRAY(v))
		return json_walk_fail(w, "expected an array");
	n = v->u.array.len;
	elems = alloc_array(f, base, n, f->elem_size);
	if (!elems)
		return json_walk_oom(w);
	for (size_t i = 0; i < n; i++) {
		yajl_val obj = v->u.array.values[i];
		size_t mark = json_walk_push_index(w, i);
		int r = json_walk_object(w, obj, f->fields, elems + i * f->elem_size);

		if (r == 0 && f->check)
			r = f->check(w, obj, elems, i);
		if (r < 0)
			return r;
		json_walk_pop(w, mark);
	}
	return 0;
}

static int walk_field(struct json_walk *w, const struct json_field *f, yajl_val v, void *base)
{
	void *dst = (char *)base + f->offset;
	int r;

	switch (f->kind) {
	case JSON_STRING:
		return walk_string(w, v, dst);
	case JSON_BOOL:
		if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
			return json_walk_fail(w, "expected a boolean");
		*(bool *)dst = YAJL_IS_TRUE(v);
		return 0;
	case JSON_UINT32:
	case JSON_UINT64:
		return walk_unsigned(w, f, v, dst);
	case JSON_INT32:
	case JSON_INT64:
		return walk_signed(w, f, v, dst);
	case JSON_STRING_ARRAY:
		return json_walk_string_array(w, v, dst);
	case JSON_UINT32_ARRAY:
		return walk_uint32_array(w, f, v, base);
	case JSON_STRING_MAP:
		return walk_string_map(w, f, v, base);
	case JSON_OBJECT:
		r = json_walk_object(w, v, f->fields, dst);
		return r < 0 || !f->check ? r : f->check(w, v, dst, 0);
	case JSON_OBJECT_ARRAY:
		return walk_object_array(w, f, v, base);
	case JSON_RAW_OBJECT:
		if (!YAJL_IS_OBJECT(v))
			return json_walk_fail(w, "expected an object");
		*(yajl_val *)dst = v;
		return 0;
	case JSON_CUSTOM:
		return f->parse(w, v, dst);
	}
	return json_walk_fail(w, "internal error: unknown field kind %d", (int)f->kind);
}

int json_walk_object(struct json_walk *w, yajl_val obj, const struct json_field *fields, void *base)
{
	if (!YAJL_IS_OBJECT(obj))
		return json_walk_fail(w, "expected an object");
	for (const struct json_field *f = fields; f->name; f++) {
		yajl_val v = json_object_get(obj, f->name);
		size_t mark;
		int r;

		if (!v) {
			if (f->flags & JSON_REQUIRED)
				return json_walk_fail_at(w, f->name, "required");
			continue;
		}
		if (f->flags & JSON_HAS)
			*(bool *)((char *)base + f->has_offset) = true;
		mark = json_walk_push_key(w, f->name);
		r = walk_field(w, f, v, base);
		if (r < 0)
			return r;
		json_walk_pop(w, mark);
	}
	return 0;
}
