/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: a container must never be able to overwrite the runtime binary through
 * /proc/self/exe or /proc/PID/exe of a runtime process that entered it. */
#ifndef ISORUN_SELFEXE_H
#define ISORUN_SELFEXE_H

#include <stddef.h>

#include "util/error.h"

/* Remembers the command line that selfexe_ensure_protected() re-runs (main()'s argv). */
void selfexe_set_argv(char **argv);

/* Makes sure the running image cannot be written from inside a container.  If the binary is
 * already safe (a sealed memfd, or a file on a read-only mount) it returns 0 at once; otherwise
 * it re-executes the saved argv from a sealed memfd copy and does not return on success. */
int selfexe_ensure_protected(struct iso_error *err);

/* The path of the isorun binary on disk, also when running from the sealed copy (malloc'd;
 * NULL when unknown). */
char *selfexe_original_path(void);

/* 1 when the running image cannot be written from a container, 0 when not, or -errno. */
int selfexe_is_protected(void);

#endif
