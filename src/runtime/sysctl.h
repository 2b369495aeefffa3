#ifndef ISORUN_SYSCTL_H
#define ISORUN_SYSCTL_H

#include "runtime/spec.h"

/* Writes linux.sysctl through the container's own /proc/sys (after pivot_root), checking that
 * the file opened is on procfs and that the key cannot walk out of /proc/sys. */
int sysctl_apply(const struct spec *spec, struct iso_error *err);

#endif
