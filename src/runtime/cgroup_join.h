/* Moving the calling process into the cgroups of another process (exec joins the container's),
 * on v1, v2 and hybrid hosts alike: whatever /proc/PID/cgroup lists, in every hierarchy that is
 * mounted here. */
#ifndef ISORUN_CGROUP_JOIN_H
#define ISORUN_CGROUP_JOIN_H

#include <sys/types.h>

#include "util/error.h"

int cgroup_join_process_cgroups(pid_t target, struct iso_error *err);

#endif
