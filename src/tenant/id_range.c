/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/id_range.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

static int append(struct id_range **ranges, size_t *n, struct id_range r)
{
	struct id_range *grown = realloc(*ranges, (*n + 1) * sizeof(**ranges));

	if (!grown)
		return -ENOMEM;
	grown[(*n)++] = r;
	*ranges = grown;
	return 0;
}

/* "NAME:START:COUNT" with decimal numbers, the range within 32 bits. */
static int parse_subid_line(char *line, struct id_range *ret)
{
	char *start = strchr(line, ':'), *count, *end;
	unsigned long long s, c;

	if (!start || start == line)
		return -EINVAL;
	count = strchr(++start, ':');
	if (!count)
		return -EINVAL;
	*count++ = '\0';
	count[strcspn(count, "\n")] = '\0';
	errno = 0;
	s = strtoull(start, &end, 10);
	if (errno || end == start || *end || *start == '-' || s > UINT32_MAX)
		return -EINVAL;
	c = strtoull(count, &end, 10);
	if (errno || end == count || *end || *count == '-' || c == 0 || s + c - 1 > UINT32_MAX)
		return -EINVAL;
	*ret = (struct id_range){.start = (uint32_t)s, .size = (uint32_t)c};
	return 0;
}

int id_ranges_read_subid(const char *path, struct id_range **ranges, size_t *n,
			 struct iso_error *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;

	if (!f)
		return errno == ENOENT ? 0 : iso_error_set(err, errno, "%s", path);
	while (getline(&line, &cap, f) >= 0) {
		const char *p = line + strspn(line, " \t");
		struct id_range r;

		lineno++;
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		if (parse_subid_line(line, &r) < 0)
			return iso_error_invalid(err, "%s:%u: not NAME:START:COUNT", path, lineno);
		if (append(ranges, n, r) < 0)
			return iso_error_set(err, ENOMEM, "%s", path);
	}
	return ferror(f) ? iso_error_set(err, EIO, "%s", path) : 0;
}

static uint64_t align_up(uint64_t v)
{
	return (v + ID_RANGE_ALIGN - 1) / ID_RANGE_ALIGN * ID_RANGE_ALIGN;
}

int id_range_allocate(const struct id_range *used, size_t n, uint64_t floor, uint32_t size,
		      uint32_t *ret_start)
{
	uint64_t cand = align_up(floor);
	size_t i = 0;

	if (size == 0)
		return -EINVAL;
	/* Each clash moves the candidate past the range it met, so it only ever grows: after a
	 * full pass with no clash it is free. */
	while (i < n) {
		const struct id_range *u = &used[i];

		if (cand + size - 1 > ID_RANGE_MAX_ID)
			return -ENOSPC;
		if (id_range_overlaps((struct id_range){(uint32_t)cand, size}, *u)) {
			cand = align_up((uint64_t)u->start + u->size);
			i = 0;
			continue;
		}
		i++;
	}
	if (cand + size - 1 > ID_RANGE_MAX_ID)
		return -ENOSPC;
	*ret_start = (uint32_t)cand;
	return 0;
}

int id_range_format(struct id_range r, char *buf, size_t len)
{
	int w = snprintf(buf, len, "%" PRIu32 " %" PRIu32 "\n", r.start, r.size);

	return w < 0 || (size_t)w >= len ? -ENOSPC : w;
}

int id_range_parse(const char *text, struct id_range *ret)
{
	unsigned long long s, c;
	char *end;

	errno = 0;
	s = strtoull(text, &end, 10);
	if (errno || end == text || *end != ' ' || *text == '-' || s > UINT32_MAX)
		return -EINVAL;
	text = end + 1;
	c = strtoull(text, &end, 10);
	if (errno || end == text || (*end && strcmp(end, "\n")) || *text == '-' || c == 0 ||
	    s + c - 1 > ID_RANGE_MAX_ID)
		return -EINVAL;
	*ret = (struct id_range){.start = (uint32_t)s, .size = (uint32_t)c};
	return 0;
}
