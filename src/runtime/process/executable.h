/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding and executing process.args[0] inside the container. */
#ifndef ISORUN_EXECUTABLE_H
#define ISORUN_EXECUTABLE_H

#include <limits.h>

#include "runtime/spec/spec.h"

struct executable {
	char path[PATH_MAX];
};

/* Resolves args[0] against the PATH of process.env (not the runtime's), after pivot_root.
 * Not found: exit_code 127 and "exec: "NAME": executable file not found in $PATH" (a NAME
 * with a slash, not searched for: "...: no such file or directory"); found but
 * not executable: exit_code 126 and "...: permission denied" (the words podman maps). */
int executable_find(const struct spec_process *p, struct executable *ret, struct iso_error *err);

/* execve()s, through the exec stub in stub_fd when it is >= 0 (handing it barrier_fd to close
 * at the final exec); returns only on failure, with the error set as executable_find()
 * would. */
int executable_exec(const struct executable *exe, const struct spec_process *p, int stub_fd,
		    int barrier_fd, struct iso_error *err);

#endif
