/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/caps.h"
#include "runtime/spec/cap_names.h"

#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

/* The masks in struct spec_capabilities have 64 bits; a kernel that knows more capabilities
 * than that cannot have them asked for, so they are simply never in a mask. */
#define CAPS_MASK_BITS 64

static bool mask_has(uint64_t mask, int cap)
{
	return cap < CAPS_MASK_BITS && (mask & (UINT64_C(1) << cap)) != 0;
}

int caps_drop_bounding(const struct spec_capabilities *caps, struct iso_error *err)
{
	int last = caps_last_cap();
	char name[64];

	for (int cap = 0; cap <= last; cap++) {
		if (mask_has(caps->bounding, cap))
			continue;
		if (cap_drop_bound((cap_value_t)cap) < 0)
			return iso_error_set(err, errno,
					     "process.capabilities.bounding: dropping %s",
					     caps_name(cap, name, sizeof(name)));
	}
	return 0;
}

static int set_flag_from_mask(cap_t c, cap_flag_t flag, uint64_t mask, int last)
{
	for (int cap = 0; cap <= last; cap++) {
		cap_value_t v = (cap_value_t)cap;

		if (mask_has(mask, cap) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
			return -errno;
	}
	return 0;
}

static int set_proc_sets(const struct spec_capabilities *caps, int last, struct iso_error *err)
{
	cap_t c = cap_init(); /* all three sets empty */
	int r = 0;

	if (!c)
		return iso_error_set(err, errno, "process.capabilities: cap_init");
	r = set_flag_from_mask(c, CAP_EFFECTIVE, caps->effective, last);
	if (r == 0)
		r = set_flag_from_mask(c, CAP_PERMITTED, caps->permitted, last);
	if (r == 0)
		r = set_flag_from_mask(c, CAP_INHERITABLE, caps->inheritable, last);
	if (r < 0)
		r = iso_error_set(err, -r, "process.capabilities: cap_set_flag");
	else if (cap_set_proc(c) < 0)
		r = iso_error_set(err, errno,
				  "process.capabilities: setting the effective, permitted and "
				  "inheritable sets");
	cap_free(c);
	return r;
}

static int raise_ambient(const struct spec_capabilities *caps, int last, struct iso_error *err)
{
	char name[64];

	/* Kernels without ambient capabilities (before 4.3) fail the reset with EINVAL: that
	 * only matters when some are asked for. */
	if (cap_reset_ambient() < 0 && (errno != EINVAL || caps->ambient != 0))
		return iso_error_set(err, errno, "process.capabilities.ambient: clearing");
	for (int cap = 0; cap <= last; cap++) {
		/* The kernel refuses an ambient capability that is not both permitted and
		 * inheritable.  `runc spec` writes exactly such configs (ambient caps, no
		 * inheritable set) and runc skips them: so do we, which only ever grants less. */
		if (!mask_has(caps->ambient, cap) || !mask_has(caps->permitted, cap) ||
		    !mask_has(caps->inheritable, cap))
			continue;
		if (cap_set_ambient((cap_value_t)cap, CAP_SET) < 0)
			return iso_error_set(err, errno, "process.capabilities.ambient: raising %s",
					     caps_name(cap, name, sizeof(name)));
	}
	return 0;
}

int caps_apply_sets(const struct spec_capabilities *caps, struct iso_error *err)
{
	int last = caps_last_cap();
	int r;

	r = set_proc_sets(caps, last, err);
	if (r < 0)
		return r;
	return raise_ambient(caps, last, err);
}
