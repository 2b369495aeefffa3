/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tenant ids: 32 random lowercase hex characters, as in the seed (uuid1().hex there). */
#ifndef ISORUN_TENANT_TID_H
#define ISORUN_TENANT_TID_H

#include "util/error.h"

#define TID_LEN 32

/* 32 random lowercase hex characters (getrandom). */
int store_new_tid(char tid[TID_LEN + 1], struct iso_error *err);

/* Exactly TID_LEN of [0-9a-f]: a tid is also a file name and a container id. */
int store_validate_tid(const char *tid, struct iso_error *err);

#endif
