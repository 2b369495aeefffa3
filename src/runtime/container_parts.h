/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the lifecycle's files (container*.c, late_hooks.c) share, and no other caller needs. */
#ifndef ISORUN_CONTAINER_PARTS_H
#define ISORUN_CONTAINER_PARTS_H

#include <stdbool.h>

#include "runtime/spec/spec.h"
#include "runtime/state.h"
#include "util/error.h"

#define FIFO_NAME   "exec.fifo"
#define CONFIG_COPY "config.json"

/* Lets the init past its start barrier; st says running, not yet written. */
int container_release_start_barrier(int dirfd, int fifo, struct container_state *st,
				    struct iso_error *err);

/* Under either driver: what delete and a failed create remove. */
int container_destroy_cgroups(const struct container_state *st, bool quiet, struct iso_error *err);

/* The config the container was created with (the bundle may have changed since). */
int container_load_config_copy(int dirfd, struct spec **ret, struct iso_error *err);

#endif
