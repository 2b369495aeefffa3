/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runtime's side of the netlink helper (nl_helper_proto.h): starting it, asking it, and
 * reaping it.  A process has at most one: an exec of it costs 4-6 ms here (it is dynamically
 * linked), so `run` and `tenant run` delete with the helper that created. */
#ifndef ISORUN_NET_NL_HELPER_CLIENT_H
#define ISORUN_NET_NL_HELPER_CLIENT_H

#include <stddef.h>
#include <sys/types.h>

#include "net/nl_helper_proto.h"
#include "util/error.h"

/* The helper's image, generated at build time from src/net/isorun-netlink. */
extern const unsigned char nl_helper_image[];
extern const size_t nl_helper_image_size;

struct nl_helper {
	int sock; /* -1: not started */
	pid_t pid;
};

/* The process's helper, started from a sealed memfd on first use (or again after it failed).
 * It dies with the calling thread (PR_SET_PDEATHSIG), and is stopped when the process exits
 * (atexit) or when a call finds it gone. */
struct nl_helper *nl_helper_get(struct iso_error *err);

/* Sends req (with fd attached when fd >= 0, and req->cfg.devices for NLH_CHECK and
 * NLH_ATTACH) and waits for the reply; for NLH_CHECK the devices come back into ret_devs.
 * Returns the helper's result, with its error in err. */
int nl_helper_call(struct nl_helper *h, const struct nlh_request *req, int fd,
		   struct nlh_reply *rep, struct net_device_move *ret_devs, struct iso_error *err);

#endif
