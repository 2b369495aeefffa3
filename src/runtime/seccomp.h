/* linux.seccomp through libseccomp. */
#ifndef ISORUN_SECCOMP_H
#define ISORUN_SECCOMP_H

#include "runtime/spec.h"

/* Builds the filter described by linux.seccomp and loads it into the calling process.
 * No-op without linux.seccomp.  Errors name the JSON path ("linux.seccomp.syscalls[2].action"). */
int seccomp_load_from_spec(const struct spec *spec, struct iso_error *err);

#endif
