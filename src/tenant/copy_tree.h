/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Copying a package's progs/ into a tenant's home.  The package is untrusted: only regular
 * files, directories and symlinks that resolve inside progs/ are copied (modes kept, setuid and
 * setgid bits dropped, owner root); anything else is an error naming the entry. */
#ifndef ISORUN_TENANT_COPY_TREE_H
#define ISORUN_TENANT_COPY_TREE_H

#include "util/error.h"

/* Copies the contents of the directory src into the existing directory dst. */
int copy_progs(const char *src, const char *dst, struct iso_error *err);

#endif
