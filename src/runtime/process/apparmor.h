/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AppArmor: process.apparmorProfile (and `exec --apparmor`), applied at the process's exec
 * through the kernel's attr interface ("exec PROFILE"), as libapparmor's aa_change_onexec
 * does, so that no library is needed.
 *
 * A profile asked for on a host without AppArmor is refused before anything is created: the
 * process would otherwise run unconfined while its config says it is confined.  The one
 * exception is "unconfined", which asks for nothing such a host does not already give. */
#ifndef ISORUN_APPARMOR_H
#define ISORUN_APPARMOR_H

#include <stdbool.h>

#include "util/error.h"

/* As runc decides it: securityfs shows apparmor and the module says "Y". */
bool apparmor_enabled(void);

/* On the host side, before anything exists.  *profile (malloc'd, may be NULL) is dropped when
 * it asks for nothing ("" or, without AppArmor, "unconfined"); any other profile without
 * AppArmor is an error that names `where` ("config.json: process.apparmorProfile"). */
int apparmor_prepare(char **profile, const char *where, struct iso_error *err);

/* In the container, after the pivot and before seccomp and no_new_privs: the profile the
 * process enters at its next exec.  Nothing to do for NULL. */
int apparmor_exec_profile(const char *profile, struct iso_error *err);

#endif
