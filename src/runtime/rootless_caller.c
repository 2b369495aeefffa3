/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who the runtime is (rootless.h): apart from the rest of rootless.c, so that the cgroup code
 * and its unit tests may ask without the network's and the state's code. */
#include "config.h"
#include "runtime/rootless.h"

#include <stdio.h>
#include <unistd.h>

#include "util/cleanup.h"

/* The initial user namespace maps every id to itself. */
bool rootless_in_user_namespace(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count;

	if (!f || fscanf(f, "%lu %lu %lu", &inside, &outside, &count) != 3)
		return false;
	return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

bool rootless_unprivileged(void)
{
	return geteuid() != 0;
}

bool rootless_caller(void)
{
	return rootless_unprivileged() || rootless_in_user_namespace();
}
