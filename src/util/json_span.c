/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "util/json_span.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* As deep as json_walk's limit: deeper documents are refused there anyway. */
#define SPAN_MAX_DEPTH 64

struct scan {
	const char *s;
	size_t n, i;
};

static bool is_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* What a byte is to the scan, looked up rather than compared: a Docker-like profile is 15 KB
 * of names, and this scan runs on every create before anything else can start. */
enum byte_class {
	B_BAD = 0, /* not JSON outside a string */
	B_SCALAR,  /* of numbers, true, false and null */
	B_SEP,	   /* whitespace, ',' and ':' */
	B_QUOTE,
	B_OPEN,
	B_CLOSE,
};

static const unsigned char byte_class[256] = {
    ['0' ... '9'] = B_SCALAR, ['a' ... 'z'] = B_SCALAR, ['-'] = B_SCALAR, ['+'] = B_SCALAR,
    ['.'] = B_SCALAR,	      ['E'] = B_SCALAR,		[' '] = B_SEP,	  ['\t'] = B_SEP,
    ['\r'] = B_SEP,	      ['\n'] = B_SEP,		[','] = B_SEP,	  [':'] = B_SEP,
    ['"'] = B_QUOTE,	      ['{'] = B_OPEN,		['['] = B_OPEN,	  ['}'] = B_CLOSE,
    [']'] = B_CLOSE,
};

/* Bytes that end a plain run inside a string: the quote, the backslash, control characters. */
static const bool string_stop[256] = {
    [0 ... 0x1f] = true,
    ['"'] = true,
    ['\\'] = true,
};

static unsigned char class_at(const struct scan *c)
{
	return byte_class[(unsigned char)c->s[c->i]];
}

static void skip_ws(struct scan *c)
{
	while (c->i < c->n && is_ws(c->s[c->i]))
		c->i++;
}

static bool at(const struct scan *c, char ch)
{
	return c->i < c->n && c->s[c->i] == ch;
}

/* At a '"': past the closing one.  *escaped says whether a backslash appeared. */
static int skip_string(struct scan *c, bool *escaped)
{
	*escaped = false;
	for (c->i++; c->i < c->n; c->i++) {
		unsigned char ch = (unsigned char)c->s[c->i];

		if (!string_stop[ch])
			continue;
		if (ch == '"') {
			c->i++;
			return 0;
		}
		if (ch < 0x20)
			return -EINVAL;
		*escaped = true;
		c->i++;
	}
	return -EINVAL;
}

/* A scalar on its own ends where its characters do. */
static int skip_scalar(struct scan *c)
{
	if (class_at(c) != B_SCALAR)
		return -EINVAL;
	while (c->i < c->n && class_at(c) == B_SCALAR)
		c->i++;
	return 0;
}

/* One value, whatever it is, at its first byte: past its last one.  Containers are followed
 * by depth alone; yajl checks what is inside them whenever that matters. */
static int skip_value(struct scan *c)
{
	unsigned depth = 0;
	bool escaped;

	if (c->i < c->n && class_at(c) == B_SCALAR)
		return skip_scalar(c);
	do {
		if (c->i >= c->n)
			return -EINVAL;
		switch (class_at(c)) {
		case B_OPEN:
			if (++depth > SPAN_MAX_DEPTH)
				return -EINVAL;
			c->i++;
			break;
		case B_CLOSE:
			if (depth == 0)
				return -EINVAL;
			depth--;
			c->i++;
			break;
		case B_QUOTE:
			if (skip_string(c, &escaped) < 0)
				return -EINVAL;
			break;
		case B_SCALAR:
		case B_SEP:
			if (depth == 0)
				return -EINVAL;
			do
				c->i++;
			while (c->i < c->n && (class_at(c) == B_SCALAR || class_at(c) == B_SEP));
			break;
		default:
			return -EINVAL;
		}
	} while (depth > 0);
	return 0;
}

static int find_in_object(struct scan *c, const char *const *path, size_t depth,
			  struct json_span *span);

/* The member's value at c->i: the span itself at the end of the path, else a step further in. */
static int member_value(struct scan *c, const char *const *path, size_t depth,
			struct json_span *span)
{
	size_t start = c->i;
	int r;

	if (depth == 1) {
		if ((r = skip_value(c)) < 0)
			return r;
		*span = (struct json_span){start, c->i - start};
		return 1;
	}
	if (!at(c, '{'))
		return skip_value(c) < 0 ? -EINVAL : 0;
	return find_in_object(c, path + 1, depth - 1, span);
}

/* At a '{': scans the whole object (a second match is as bad as an escaped key). */
static int find_in_object(struct scan *c, const char *const *path, size_t depth,
			  struct json_span *span)
{
	size_t want = strlen(path[0]);
	int found = 0, r;

	c->i++;
	skip_ws(c);
	if (at(c, '}')) {
		c->i++;
		return 0;
	}
	for (;;) {
		size_t key = c->i + 1;
		bool escaped, match;

		if (!at(c, '"') || skip_string(c, &escaped) < 0 || escaped)
			return -EINVAL;
		match = c->i - 1 - key == want && !memcmp(c->s + key, path[0], want);
		skip_ws(c);
		if (!at(c, ':'))
			return -EINVAL;
		c->i++;
		skip_ws(c);
		if (match) {
			if (found)
				return -EINVAL;
			r = member_value(c, path, depth, span);
			if (r < 0)
				return r;
			found = r > 0 ? 1 : -1; /* -1: the key, but not the value sought */
		} else if (skip_value(c) < 0) {
			return -EINVAL;
		}
		skip_ws(c);
		if (at(c, '}')) {
			c->i++;
			return found > 0;
		}
		if (!at(c, ','))
			return -EINVAL;
		c->i++;
		skip_ws(c);
	}
}

int json_member_span(const char *text, size_t len, const char *const *path, size_t depth,
		     struct json_span *ret_span)
{
	struct scan c = {text, len, 0};
	struct json_span span = {0, 0};
	int r;

	if (depth == 0)
		return -EINVAL;
	skip_ws(&c);
	if (!at(&c, '{'))
		return -EINVAL;
	r = find_in_object(&c, path, depth, &span);
	if (r < 0)
		return r;
	skip_ws(&c);
	if (c.i != c.n)
		return -EINVAL;
	if (r > 0)
		*ret_span = span;
	return r;
}
