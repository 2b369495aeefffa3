/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault injection, for the crash-safety tests (tests/integration/crash.bats): with
 * ISORUN_FAULT_INJECT=STEP in its environment, `create` (and so `run` and `tenant run`) SIGKILLs
 * itself at STEP, one of the steps of fault_inject.c's table (also listed by `isorun --help`),
 * so that a test can check that `delete --force` removes what a runtime killed there left.
 *
 * Compiled in only with `./configure --enable-fault-injection` (what CI and `make check`
 * builds use).  A release build has neither the kill points nor the variable: no environment
 * can make a production runtime abandon a container half-made.  The cleanup the tests prove
 * (delete, state) is the same code in both builds; only the kill points differ. */
#ifndef ISORUN_FAULT_INJECT_H
#define ISORUN_FAULT_INJECT_H

#include <stddef.h>

#include "util/error.h"

#define FAULT_INJECT_ENV "ISORUN_FAULT_INJECT"

/* The steps of create, in the order it passes them. */
enum fault_step {
	FAULT_STATE_DIR,
	FAULT_CGROUP_MADE,
	FAULT_CGROUP,
	FAULT_CLONE,
	FAULT_SYSTEMD_UNIT,
	FAULT_CGROUP_V1_MADE,
	FAULT_CGROUP_JOINED,
	FAULT_NETWORK,
	FAULT_MOUNTS,
	FAULT_HOOKS,
	FAULT_READY,
	FAULT_STATE_WRITTEN,
	FAULT_STEP_COUNT,
};

#ifdef ISORUN_FAULT_INJECTION

/* Reads FAULT_INJECT_ENV: unset or empty arms nothing; an unknown step name is an error that
 * lists the known ones.  Called by create before it makes anything. */
int fault_inject_arm(struct iso_error *err);

/* SIGKILLs the calling process if the armed step is `step` (after saying so on stderr). */
void fault_inject_point(enum fault_step step);

/* The name and description of step i, NULL past the last one (for --help). */
const char *fault_step_name(size_t i);
const char *fault_step_description(size_t i);

#else

static inline int fault_inject_arm(struct iso_error *err)
{
	(void)err;
	return 0;
}

static inline void fault_inject_point(enum fault_step step)
{
	(void)step;
}

static inline const char *fault_step_name(size_t i)
{
	(void)i;
	return NULL;
}

static inline const char *fault_step_description(size_t i)
{
	(void)i;
	return NULL;
}

#endif

#endif
