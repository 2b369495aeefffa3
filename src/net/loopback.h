/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "util/error.h"

/* Brings up lo in the caller's network namespace. */
int net_loopback_up(struct iso_error *err);
