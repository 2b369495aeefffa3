/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/tid.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

int store_new_tid(char tid[TID_LEN + 1], struct iso_error *err)
{
	unsigned char bytes[TID_LEN / 2];
	size_t got = 0;

	while (got < sizeof(bytes)) {
		ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return iso_error_set(err, errno, "getrandom");
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(bytes); i++)
		snprintf(tid + 2 * i, 3, "%02x", bytes[i]);
	return 0;
}

int store_validate_tid(const char *tid, struct iso_error *err)
{
	if (strlen(tid) != TID_LEN || strspn(tid, "0123456789abcdef") != TID_LEN)
		return iso_error_invalid(err,
					 "\"%s\" is not a tenant id (32 lowercase hex "
					 "characters)",
					 tid);
	return 0;
}
