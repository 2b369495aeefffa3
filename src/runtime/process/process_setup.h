/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What makes a process the container's process, once it is inside the container's namespaces
 * and root: shared by the init (create) and by exec. */
#ifndef ISORUN_PROCESS_SETUP_H
#define ISORUN_PROCESS_SETUP_H

#include <stdbool.h>

#include "runtime/seccomp/seccomp.h"
#include "runtime/spec/spec.h"

/* The seccomp filter of the process, compiled by the runtime, and where a notify listener fd
 * goes (the sync socket to the runtime). */
struct process_filter {
	const struct seccomp_program *program; /* NULL or empty: none */
	int sync_fd;
};

/* Applies p: oom score and rlimits while still privileged, the working directory, the
 * bounding set, the AppArmor profile and SELinux label of the next exec, the user, the
 * capability sets, no_new_privs, and the filter where the load order allows it (see
 * process_filter_at_exec()).  setgroups_allowed is false in a user namespace whose setgroups
 * file says "deny" (its maps were written without privilege, id_maps.h): the supplementary
 * groups then stay as they are. */
int process_setup_privileges(const struct spec_process *p, const struct process_filter *f,
			     bool setgroups_allowed, struct iso_error *err);

/* True when process_setup_privileges() left the filter for the caller to load with
 * process_filter_load() right before execve. */
bool process_filter_at_exec(const struct spec_process *p, const struct process_filter *f);

/* Loads the filter; a notify listener fd goes to f->sync_fd (SYNC_SECCOMP_LISTENER). */
int process_filter_load(const struct process_filter *f, struct iso_error *err);

#endif
