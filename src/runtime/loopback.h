#ifndef ISORUN_LOOPBACK_H
#define ISORUN_LOOPBACK_H

#include "util/error.h"

/* Brings `lo` up in the calling process's network namespace, over rtnetlink (libmnl). */
int loopback_up(struct iso_error *err);

#endif
