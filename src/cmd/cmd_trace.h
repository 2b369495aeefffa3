/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What `trace` and `tenant allowlist` share when a recorded set becomes a profile. */
#ifndef ISORUN_CMD_TRACE_H
#define ISORUN_CMD_TRACE_H

#include "runtime/trace/syscall_recorder.h"

/* One warning line on stderr for each dangerous syscall in s (coloured on a terminal);
 * returns how many. */
int trace_warn_dangerous(const struct syscall_set *s);

#endif
