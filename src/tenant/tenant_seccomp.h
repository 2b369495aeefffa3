/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp filter a tenant's package asks for, as the text of an OCI linux.seccomp object:
 *   default   isorun's default profile (found as `isorun spec --seccomp` finds it:
 *             seccomp_profile_default_path()) or the Docker-format file given with
 *             --default-seccomp, converted for the capabilities a tenant keeps;
 *   profile   the file `profile` of the package (an OCI linux.seccomp object);
 *   none      no filter;
 *   recorded  an allowlist recorded from the tenant's own run (tenant_allowlist.h): none here,
 *             `tenant add` records it after the dependencies are installed. */
#ifndef ISORUN_TENANT_SECCOMP_H
#define ISORUN_TENANT_SECCOMP_H

#include "tenant/package.h"

/* *ret_json is NULL for modes none and recorded.  Errors name the package field (seccomp.mode,
 * seccomp.profile).
 */
int tenant_seccomp_resolve(const struct tenant_package *pkg, const char *default_path,
			   char **ret_json, struct iso_error *err);

/* Configure mode's filter, whatever the package's seccomp.mode: the default profile (or the
 * Docker-format file default_path) converted for configure mode's capabilities. */
int tenant_seccomp_configure(const char *default_path, char **ret_json, struct iso_error *err);

#endif
