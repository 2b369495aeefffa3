/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A table-driven walker from yajl trees into C structs.
 *
 * Each JSON object is described by one table of struct json_field (terminated by an entry with a
 * NULL name); json_walk_object() walks a yajl object against its table and writes each field at
 * base + offset.  The walker carries the JSON path of the value it is looking at, so that every
 * error is formatted in one place and reads
 *
 *	NAME: PATH: what is wrong	("config.json: process.user.uid: expected an unsigned
 *					 32-bit integer")
 *
 * Fields a table does not name are ignored, and null is the same as absent (as Go's
 * encoding/json, which runc uses, treats it).  On failure whatever was already stored stays in
 * the struct, always consistent (pointer and count are set together, arrays are zero-filled), so
 * that the owner's destructor frees it. */
#ifndef ISORUN_JSON_WALK_H
#define ISORUN_JSON_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "util/error.h"
#include "util/json_span.h"

#define JSON_PATH_MAX 512

/* Deeper documents are refused before yajl sees them: yajl_tree_free() recurses and overflows the
 * stack on deeply nested input.  No OCI document comes close. */
#define JSON_MAX_DEPTH 64

enum json_kind {
	JSON_STRING,	   /* char *, copied */
	JSON_BOOL,	   /* bool */
	JSON_UINT32,	   /* uint32_t */
	JSON_INT32,	   /* int32_t (int) */
	JSON_UINT64,	   /* uint64_t; the full range, parsed from the number's text */
	JSON_INT64,	   /* int64_t */
	JSON_STRING_ARRAY, /* char **, NULL-terminated */
	JSON_UINT32_ARRAY, /* uint32_t * at offset, its size_t count at count_offset */
	JSON_STRING_MAP,   /* object of strings: struct json_string_pair * at offset, count at
			      count_offset; the element type must have that layout */
	JSON_OBJECT,	   /* nested table `fields`, walked with base + offset as its base */
	JSON_OBJECT_ARRAY, /* array of objects: elements of elem_size at offset (a pointer), count
			      at count_offset, each walked with `fields` */
	JSON_RAW_OBJECT,   /* yajl_val borrowed from the tree; must be an object */
	JSON_CUSTOM,	   /* parse(w, value, base + offset) */
};

enum json_field_flags {
	JSON_REQUIRED = 1 << 0, /* absent or null: "PATH: required" */
	JSON_HAS = 1 << 1,	/* present: sets the bool at base + has_offset */
	JSON_RANGE = 1 << 2,	/* integer kinds: must lie in min..max */
	JSON_OCTAL = 1 << 3,	/* range errors print the bounds in octal (file modes) */
};

struct json_walk {
	const char *name;      /* the document's name, first in every message */
	struct iso_error *err; /* where json_walk_fail() writes */
	size_t len;	       /* strlen(path) */
	char path[JSON_PATH_MAX];
};

/* Called with the walker's path at the field; dst is base + offset. */
typedef int (*json_parse_fn)(struct json_walk *w, yajl_val value, void *dst);

/* Called after an object was walked, with the walker's path at the object: for
 * JSON_OBJECT_ARRAY after each element (elems is the array, index the element just walked, so
 * that duplicates of earlier elements can be refused), for JSON_OBJECT with the object's base and
 * index 0.  obj is the yajl object, to tell absent fields from zero ones. */
typedef int (*json_check_fn)(struct json_walk *w, yajl_val obj, void *elems, size_t index);

struct json_field {
	const char *name;
	enum json_kind kind;
	unsigned flags;
	size_t offset;
	size_t has_offset;		 /* JSON_HAS */
	size_t count_offset;		 /* JSON_UINT32_ARRAY, JSON_STRING_MAP, JSON_OBJECT_ARRAY */
	size_t elem_size;		 /* JSON_STRING_MAP, JSON_OBJECT_ARRAY */
	const struct json_field *fields; /* JSON_OBJECT, JSON_OBJECT_ARRAY */
	json_parse_fn parse;		 /* JSON_CUSTOM */
	json_check_fn check;		 /* JSON_OBJECT, JSON_OBJECT_ARRAY; may be NULL */
	long long min, max;		 /* JSON_RANGE */
};

/* A table entry for member `member` of `type`; further designated initializers may follow. */
#define JSON_FIELD(json_name, json_kind, type, member, ...)                                        \
	{                                                                                          \
		.name = (json_name), .kind = (json_kind), .offset = offsetof(type, member),        \
		__VA_ARGS__                                                                        \
	}

/* The element layout JSON_STRING_MAP writes. */
struct json_string_pair {
	char *key;
	char *value;
};

/* Parses text (len bytes, need not be NUL-terminated) into a yajl tree.  Refuses what yajl would
 * mishandle: NUL bytes, "\u0000" escapes (yajl's strings are C strings: the rest would be
 * silently cut off) and nesting deeper than JSON_MAX_DEPTH.  Errors read
 * "NAME: invalid JSON: <yajl's message>"; a NUL, a "\u0000" or invalid UTF-8 inside a value
 * names its path instead: "NAME: process.args[0]: invalid UTF-8". */
int json_parse_tree(const char *text, size_t len, const char *name, yajl_val *ret_tree,
		    struct iso_error *err);

/* The same with the value at MASK parsed as {}: for a caller that has what that member says
 * from elsewhere (json_span.h) and must not pay for its tree. */
int json_parse_tree_masked(const char *text, size_t len, const char *name,
			   const struct json_span *mask, yajl_val *ret_tree, struct iso_error *err);

void json_walk_init(struct json_walk *w, const char *name, struct iso_error *err);

/* Path handling: push returns a mark to pop back to. */
size_t json_walk_push_key(struct json_walk *w, const char *key);
size_t json_walk_push_index(struct json_walk *w, size_t index);
void json_walk_pop(struct json_walk *w, size_t mark);

/* "PATH", empty at the top level. */
const char *json_walk_path(const struct json_walk *w);

/* Records "NAME: PATH: message" (or "NAME: message" at the top level); returns -EINVAL. */
int json_walk_fail(struct json_walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same for the member `key` of the current object: "NAME: PATH.key: message". */
int json_walk_fail_at(struct json_walk *w, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records "NAME: PATH: Cannot allocate memory"; returns -ENOMEM. */
int json_walk_oom(struct json_walk *w);

/* Walks obj (which must be an object: "PATH: expected an object") against fields. */
int json_walk_object(struct json_walk *w, yajl_val obj, const struct json_field *fields,
		     void *base);

/* A JSON array of strings into a new NULL-terminated array, stored in *dst as soon as it is
 * allocated (so a partial one is freed by the owner); for JSON_CUSTOM parsers too. */
int json_walk_string_array(struct json_walk *w, yajl_val value, char ***dst);

/* The member `key` of an object, or NULL when absent or null.  Go's encoding/json takes the last
 * of duplicate keys; so does this. */
yajl_val json_object_get(yajl_val obj, const char *key);

#endif
