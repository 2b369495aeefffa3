#include "config.h"
#include "runtime/process/caps.h"

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

const char *caps_name(int cap, char *buf, size_t len)
{
	char *name = cap_to_name((cap_value_t)cap);

	if (name && strncmp(name, "cap_", 4) == 0) {
		snprintf(buf, len, "CAP_%s", name + 4);
		for (char *p = buf; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	} else {
		snprintf(buf, len, "capability %d", cap);
	}
	cap_free(name);
	return buf;
}

int caps_from_name(const char *name)
{
	cap_value_t value;

	/* libcap's lookup is case-insensitive, takes numbers, and stops at the first character
	 * that is not a letter or '_' (so "CAP_CHOWN2" would be CAP_CHOWN): only the exact
	 * upper-case spelling that config.json uses is accepted. */
	if (!name || strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
		return -1;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || *p == '_'))
			return -1;
	if (cap_from_name(name, &value) < 0 || value < 0)
		return -1;
	return (int)value;
}

static int read_cap_last_cap(void)
{
	_cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	char buf[16];
	ssize_t n;
	char *end;
	long v;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || v < 0 || v > 1023)
		return -1;
	return (int)v;
}

int caps_last_cap(void)
{
	int last = read_cap_last_cap();

	/* /proc may not be mounted yet in the container: libcap probes the bounding set with
	 * prctl(PR_CAPBSET_READ) when it loads, which gives the same answer. */
	if (last < 0)
		last = (int)cap_max_bits() - 1;
	return last;
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
