/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/spec/cap_names.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "util/cleanup.h"

const char *caps_name(int cap, char *buf, size_t len)
{
	char *name = cap_to_name((cap_value_t)cap);

	if (name && strncmp(name, "cap_", 4) == 0) {
		snprintf(buf, len, "CAP_%s", name + 4);
		for (char *p = buf; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	} else {
		snprintf(buf, len, "capability %d", cap);
	}
	cap_free(name);
	return buf;
}

int caps_from_name(const char *name)
{
	cap_value_t value;

	/* libcap's lookup is case-insensitive, takes numbers, and stops at the first character
	 * that is not a letter or '_' (so "CAP_CHOWN2" would be CAP_CHOWN): only the exact
	 * upper-case spelling that config.json uses is accepted. */
	if (!name || strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
		return -1;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || *p == '_'))
			return -1;
	if (cap_from_name(name, &value) < 0 || value < 0)
		return -1;
	return (int)value;
}

static int read_cap_last_cap(void)
{
	_cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	char buf[16];
	ssize_t n;
	char *end;
	long v;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || v < 0 || v > 1023)
		return -1;
	return (int)v;
}

int caps_last_cap(void)
{
	int last = read_cap_last_cap();

	/* /proc may not be mounted yet in the container: libcap probes the bounding set with
	 * prctl(PR_CAPBSET_READ) when it loads, which gives the same answer. */
	if (last < 0)
		last = (int)cap_max_bits() - 1;
	return last;
}
