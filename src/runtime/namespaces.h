/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISORUN_NAMESPACES_H
#define ISORUN_NAMESPACES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/spec/spec.h"

/* The config.json name of a CLONE_NEW* type ("pid", "network", ...). */
const char *namespace_type_name(int type);

/* The index-th namespace name isorun knows, NULL past the end (for `isorun features`). */
const char *namespace_name_at(size_t index);

/* CLONE_NEW* flags for the namespaces the container creates at clone time.  A new time
 * namespace is not among them: the child unshares it so that linux.timeOffsets can be written
 * before any process enters it. */
unsigned long namespaces_clone_flags(const struct spec *spec);

/* Refuses configurations isorun will not run: no mount namespace (every mount would land on
 * the host). */
int namespaces_validate(const struct spec *spec, struct iso_error *err);

/* Parent side: a pid namespace given by path applies to the children of whoever joins it, so
 * the thread that clones the init joins it (init_spawn.h).  This opens it: *ret_fd is -1 when
 * the config names none. */
int namespaces_open_pid_path(const struct spec *spec, int *ret_fd, struct iso_error *err);

/* Child side: joins every namespace given by path except pid, the user namespace first and the
 * mount namespace last. */
int namespaces_join_paths(const struct spec *spec, struct iso_error *err);

/* Child side: a new time namespace with linux.timeOffsets, entered at exec. */
int namespaces_unshare_time(const struct spec *spec, struct iso_error *err);

#endif
