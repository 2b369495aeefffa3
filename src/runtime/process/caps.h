/* Capabilities through libcap. The sequence in the container's init is:
 *   caps_drop_bounding();  credentials_apply() (keeps caps across setuid);  caps_apply_sets(). */
#ifndef ISORUN_CAPS_H
#define ISORUN_CAPS_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/spec/spec.h"

/* Capability name ("CAP_SYS_ADMIN") to number, or -1 when libcap does not know it. */
int caps_from_name(const char *name);

/* "CAP_SYS_ADMIN" into buf (returned), or "capability 45" for one libcap does not know. */
const char *caps_name(int cap, char *buf, size_t len);

/* The highest capability number the running kernel knows. */
int caps_last_cap(void);

/* Drops from the bounding set every capability not in caps->bounding. */
int caps_drop_bounding(const struct spec_capabilities *caps, struct iso_error *err);

/* Sets the effective, permitted and inheritable sets exactly, then raises the ambient set. */
int caps_apply_sets(const struct spec_capabilities *caps, struct iso_error *err);

#endif
