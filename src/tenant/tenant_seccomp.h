/* The seccomp filter a tenant's package asks for, as the text of an OCI linux.seccomp object:
 *   default   isorun's default profile, contrib/seccomp/default.json (installed as
 *             PKGDATADIR/seccomp/default.json), or the file given with --default-seccomp;
 *   profile   the file `profile` of the package (an OCI linux.seccomp object);
 *   none      no filter;
 *   recorded  an allowlist recorded from the tenant's own runs: needs the recorder of issue 7,
 *             refused until then. */
#ifndef ISORUN_TENANT_SECCOMP_H
#define ISORUN_TENANT_SECCOMP_H

#include "tenant/package.h"

/* *ret_json is NULL for mode none.  Errors name the package field (seccomp.mode, seccomp.profile).
 */
int tenant_seccomp_resolve(const struct tenant_package *pkg, const char *default_path,
			   char **ret_json, struct iso_error *err);

/* Where the default profile is looked for, in order (NULL-terminated). */
extern const char *const tenant_seccomp_default_paths[];

#endif
