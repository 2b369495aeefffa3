/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISORUN_TIMEFMT_H
#define ISORUN_TIMEFMT_H

#include <stddef.h>

/* The current time in RFC 3339 UTC with nanoseconds ("2026-11-23T09:24:01.123456789Z"), as
 * containerd parses it.  Formatted by hand: strftime() would load the time zone database on
 * every start. */
void timefmt_rfc3339_now(char *buf, size_t len);

/* CLOCK_MONOTONIC in microseconds: timeouts, and the step timings of --debug. */
long long timefmt_monotonic_us(void);

#endif
