/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Executable memfds sealed against writing: how isorun runs the programs it carries (the exec
 * stub, the netlink and systemd helpers) and its own re-executed copy, so that nothing that can
 * reach the fd later, a container included, can change what runs. */
#ifndef ISORUN_SEALED_MEMFD_H
#define ISORUN_SEALED_MEMFD_H

#include <stddef.h>

#include "util/error.h"

/* An empty memfd (O_CLOEXEC, sealing allowed) that the kernel will execute. */
int sealed_memfd_open(const char *name, struct iso_error *err);

/* Seals mfd against any change of its contents or size. */
int sealed_memfd_seal(int mfd, struct iso_error *err);

/* A sealed memfd named name, holding the size bytes of image. */
int sealed_memfd_from_bytes(const char *name, const void *image, size_t size,
			    struct iso_error *err);

#endif
