/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One error convention for all of isorun.
 *
 * A function that can fail takes `struct iso_error *err` as its last argument and returns a
 * negative errno on failure (0 or a positive value on success).  The message is written once,
 * where the failure is detected, and each caller on the way up may prefix context with
 * iso_error_wrap().  Only the verb (the entry point) prints it.  Library code never prints. */
#ifndef ISORUN_ERROR_H
#define ISORUN_ERROR_H

#include <stdarg.h>

#define ISO_ERROR_MSG_MAX 1024

struct iso_error {
	int errnum;		     /* positive errno, 0 when no system error is involved */
	char msg[ISO_ERROR_MSG_MAX]; /* one line, no trailing newline */
	int exit_code; /* the exit status the verb should use; 0 means the default (1) */
};

/* Records a failure.  errnum is appended as ": strerror(errnum)" when non-zero.
 * Returns -errnum, or -EINVAL when errnum is 0, so callers can `return iso_error_set(...)`. */
int iso_error_set(struct iso_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same as iso_error_set() without a system error: a validation failure. */
#define iso_error_invalid(err, ...) iso_error_set((err), 0, __VA_ARGS__)

/* Prefixes the existing message with "context: ".  Returns -err->errnum (or -EINVAL). */
int iso_error_wrap(struct iso_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records errnum (positive) for a message that already says it all ("container "x" does not
 * exist"): no strerror is appended.  Returns -errnum. */
int iso_error_errno(struct iso_error *err, int errnum);

/* The return value that matches the recorded error. */
int iso_error_code(const struct iso_error *err);

void iso_error_clear(struct iso_error *err);

#endif
