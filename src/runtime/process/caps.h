/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capabilities through libcap. The sequence in the container's init is:
 *   caps_drop_bounding();  credentials_apply() (keeps caps across setuid);  caps_apply_sets(). */
#ifndef ISORUN_CAPS_H
#define ISORUN_CAPS_H

#include <stdint.h>

#include "runtime/spec/spec.h"

/* Drops from the bounding set every capability not in caps->bounding. */
int caps_drop_bounding(const struct spec_capabilities *caps, struct iso_error *err);

/* Sets the effective, permitted and inheritable sets exactly, then raises the ambient set. */
int caps_apply_sets(const struct spec_capabilities *caps, struct iso_error *err);

#endif
