/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Poststart and poststop hooks, for start and delete. */
#ifndef ISORUN_LATE_HOOKS_H
#define ISORUN_LATE_HOOKS_H

#include <stdbool.h>

#include "runtime/spec/spec.h"
#include "runtime/state.h"
#include "util/error.h"

/* Poststart and poststop hooks: the spec makes their failures warnings, not errors.  They are
 * prepared (config copy and state read) apart from being run, because poststop runs after the
 * state directory that holds the config is gone. */
struct late_hooks {
	bool wanted; /* the config may have hooks of the kind */
	struct spec *spec;
	char *state_json;
	struct iso_error err;
};

void late_hooks_prepare(int dirfd, const struct container_state *st, int kind_bit,
			struct late_hooks *h);

void late_hooks_clear(struct late_hooks *h);

/* Runs them (a failure is a warning), then clears h. */
void late_hooks_run(struct late_hooks *h, enum spec_hook_kind kind);

#endif
