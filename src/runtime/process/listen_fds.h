/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd socket activation (sd_listen_fds(3)) through the runtime, as runc does it: when the
 * runtime itself was started with LISTEN_FDS=N and LISTEN_PID=its own pid, fds 3..3+N-1 are
 * listening sockets for the container.  They are passed on first (before the --preserve-fds
 * ones), and the container's process gets LISTEN_FDS=N and LISTEN_PID=its own pid (1 for an
 * init in its own pid namespace), so that it recognises them as meant for it. */
#ifndef ISORUN_LISTEN_FDS_H
#define ISORUN_LISTEN_FDS_H

#include <sys/types.h>

#include "runtime/spec/spec.h"

/* N from the runtime's environment, or 0 when the variables are absent, malformed, or meant for
 * another process. */
int listen_fds_from_env(void);

/* A copy of env (NULL-terminated) with LISTEN_FDS=n and LISTEN_PID=pid set (replacing any), or
 * NULL when out of memory.  The strings are the caller's to free with strv_free(). */
char **listen_fds_env(char *const *env, int n, pid_t pid);

#endif
