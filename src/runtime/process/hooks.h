/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISORUN_HOOKS_H
#define ISORUN_HOOKS_H

#include "runtime/spec/spec.h"

/* The config.json name of a hook kind ("prestart", "createRuntime", ...). */
const char *hooks_kind_name(enum spec_hook_kind kind);

/* Runs the hooks of one kind in order, each with state_json on its stdin, its args and env,
 * stdout and stderr inherited, killed (SIGKILL) after its timeout.  Stops at the first failure:
 * "hooks.prestart[1] (/usr/bin/x): exited with status 3" / "...: timed out after 5s". */
int hooks_run(const struct spec *spec, enum spec_hook_kind kind, const char *state_json,
	      struct iso_error *err);

/* For poststart and poststop, whose failures the runtime spec makes warnings: runs every hook
 * of the kind even after one fails, logs a warning for each failure, and returns how many
 * failed. */
size_t hooks_run_all(const struct spec *spec, enum spec_hook_kind kind, const char *state_json);

#endif
