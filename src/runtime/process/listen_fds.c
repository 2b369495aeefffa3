/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/listen_fds.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

/* Far more than any socket unit passes; above it the value is taken as malformed. */
#define LISTEN_FDS_MAX 512

static int parse_positive(const char *s, long max)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > max)
		return -1;
	return (int)v;
}

int listen_fds_from_env(void)
{
	int n = parse_positive(getenv("LISTEN_FDS"), LISTEN_FDS_MAX);
	int pid = parse_positive(getenv("LISTEN_PID"), 0x7fffffff);

	return n > 0 && pid == (int)getpid() ? n : 0;
}

static bool is_listen_var(const char *s)
{
	return strncmp(s, "LISTEN_FDS=", 11) == 0 || strncmp(s, "LISTEN_PID=", 11) == 0;
}

char **listen_fds_env(char *const *env, int n, pid_t pid)
{
	size_t count = 0, j = 0;
	char **out, *fds, *lpid;

	while (env && env[count])
		count++;
	out = calloc(count + 3, sizeof(char *));
	if (!out)
		return NULL;
	for (size_t i = 0; i < count; i++)
		if (!is_listen_var(env[i]) && !(out[j++] = strdup(env[i])))
			goto oom;
	if (asprintf(&fds, "LISTEN_FDS=%d", n) < 0)
		goto oom;
	out[j++] = fds;
	if (asprintf(&lpid, "LISTEN_PID=%d", (int)pid) < 0)
		goto oom;
	out[j] = lpid;
	return out;
oom:
	strv_free(out);
	return NULL;
}
