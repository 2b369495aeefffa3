/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal TAP producer for the C unit tests (read by automake's tap-driver). */
#ifndef ISORUN_UNIT_H
#define ISORUN_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_count;
static int unit_failed;

#define UNIT_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		int unit_ok_ = !!(cond);                                                           \
		unit_count++;                                                                      \
		if (unit_ok_) {                                                                    \
			printf("ok %d - ", unit_count);                                            \
		} else {                                                                           \
			unit_failed++;                                                             \
			printf("not ok %d - ", unit_count);                                        \
		}                                                                                  \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		if (!unit_ok_)                                                                     \
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
	} while (0)

#define UNIT_STREQ(a, b, ...) UNIT_CHECK((a) && (b) && strcmp((a), (b)) == 0, __VA_ARGS__)

/* JSON written with single quotes, for readability in C strings: a copy with double ones. */
static inline char *sq(const char *s)
{
	char *copy = strdup(s);

	for (char *p = copy; p && *p; p++)
		if (*p == '\'')
			*p = '"';
	return copy;
}

static inline int unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_failed ? 1 : 0;
}

#endif
