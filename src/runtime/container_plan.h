/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What create gathers and checks before anything is made on the host: the config read and
 * parsed, the plan checked, the root resolved, the runtime's image protected, the namespaces
 * being made by the spawn helper (container_create.c then makes the container from it). */
#ifndef ISORUN_CONTAINER_PLAN_H
#define ISORUN_CONTAINER_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "net/net_config.h"
#include "runtime/cgroup/cgroup_systemd.h"
#include "runtime/container.h"
#include "runtime/container_init.h"
#include "runtime/init_spawn.h"
#include "runtime/seccomp/seccomp.h"
#include "runtime/spec/spec.h"
#include "util/error.h"

/* Everything create needs, gathered before anything is made on the host. */
struct create_plan {
	const struct create_options *o;
	char *bundle;
	char *rootfs;
	char *config_text;
	size_t config_len;
	struct spec *spec;
	int stub_fd; /* exec_stub.h; -1 when the runtime's own image is protected */
	struct seccomp_program seccomp;
	struct net_config net;
	/* The init runs in this process's memory until it execs (init_spawn.h): what it reads
	 * lives here, in the heap, until the plan is freed after init_spawn_join(). */
	struct init_args init_args;
	int parent_sock; /* the runtime's end of the sync socketpair, which the init closes */
	int pidns_fd;	 /* linux.namespaces' pid path, opened, or -1 */
	unsigned long clone_flags;
	struct init_spawn spawn;
	struct systemd_unit unit; /* --systemd-cgroup: the container's unit */
};

/* Fills p (zeroed, with stub_fd and pidns_fd -1) from o: every check that needs no host change
 * is made here. */
int create_plan_load(const struct create_options *o, struct create_plan *p, struct iso_error *err);

/* Joins the spawn helper and frees what p owns (not p itself). */
void create_plan_free(struct create_plan *p);

/* Frees a plan whose init, if it had one, is dead. */
static inline void create_plan_freep(struct create_plan **p)
{
	if (!*p)
		return;
	create_plan_free(*p);
	free(*p);
}

#define _cleanup_create_plan_ __attribute__((cleanup(create_plan_freep)))

#endif
