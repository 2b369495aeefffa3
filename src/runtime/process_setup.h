/* What makes a process the container's process, once it is inside the container's namespaces
 * and root: shared by the init (create) and by exec. */
#ifndef ISORUN_PROCESS_SETUP_H
#define ISORUN_PROCESS_SETUP_H

#include "runtime/spec.h"

/* Applies spec->process: oom score and rlimits while still privileged, the working directory,
 * the bounding set, the user, the capability sets, no_new_privs, and linux.seccomp last. */
int process_setup_privileges(const struct spec *spec, struct iso_error *err);

#endif
