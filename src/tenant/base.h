/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shared lower layer of every tenant's root (tenant-root/base).
 *
 *   busybox           Debian's busybox-static (/bin/busybox, statically linked: no network and
 *                     no libc needed), one symlink per applet, the usual empty directories
 *   DIR               a copy of a directory tree (cp -a)
 *   FILE.tar[.gz|.xz] an unpacked root file system tarball (tar -x)
 *   debootstrap:SUITE a Debian SUITE made by debootstrap --variant=minbase (needs a mirror)
 *
 * The new base is built next to the old one and swapped in with one rename; a base is not
 * rebuilt while a tenant runs, nor while tenants use it unless force. */
#ifndef ISORUN_TENANT_BASE_H
#define ISORUN_TENANT_BASE_H

#include <stdbool.h>

#include "tenant/store.h"

int base_build(const struct tenant_store *s, const char *from, bool force, struct iso_error *err);

#endif
