/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int iso_error_code(const struct iso_error *err)
{
	return err->errnum ? -err->errnum : -EINVAL;
}

int iso_error_errno(struct iso_error *err, int errnum)
{
	err->errnum = errnum < 0 ? -errnum : errnum;
	return iso_error_code(err);
}

void iso_error_clear(struct iso_error *err)
{
	err->errnum = 0;
	err->exit_code = 0;
	err->msg[0] = '\0';
}

static void strip_newlines(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

int iso_error_set(struct iso_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (errnum < 0)
		errnum = -errnum;
	err->errnum = errnum;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (errnum && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	strip_newlines(err->msg);
	return iso_error_code(err);
}

int iso_error_wrap(struct iso_error *err, const char *fmt, ...)
{
	char prefix[ISO_ERROR_MSG_MAX];
	size_t plen, mlen;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	plen = strlen(prefix);
	mlen = strlen(err->msg);
	/* "prefix: message", cut at the buffer's end. */
	if (plen + 2 >= sizeof(err->msg))
		plen = sizeof(err->msg) - 3;
	if (plen + 2 + mlen >= sizeof(err->msg))
		mlen = sizeof(err->msg) - plen - 3;
	memmove(err->msg + plen + 2, err->msg, mlen);
	err->msg[plen + 2 + mlen] = '\0';
	memcpy(err->msg, prefix, plen);
	err->msg[plen] = ':';
	err->msg[plen + 1] = ' ';
	strip_newlines(err->msg);
	return iso_error_code(err);
}
