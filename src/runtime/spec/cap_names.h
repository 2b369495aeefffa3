/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capability names as config.json spells them ("CAP_SYS_ADMIN"), and the kernel's highest
 * capability: what parsing a spec needs of capabilities, without applying any. */
#ifndef ISORUN_CAP_NAMES_H
#define ISORUN_CAP_NAMES_H

#include <stddef.h>

/* Capability name ("CAP_SYS_ADMIN") to number, or -1 when libcap does not know it. */
int caps_from_name(const char *name);

/* "CAP_SYS_ADMIN" into buf (returned), or "capability 45" for one libcap does not know. */
const char *caps_name(int cap, char *buf, size_t len);

/* The highest capability number the running kernel knows. */
int caps_last_cap(void);

#endif
