/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/cgroup/systemd_props.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

#define WHERE_PATH "config.json: linux.cgroupsPath"

/* ---- units and slices ---- */

/* systemd's unit name characters (unit_name_is_valid()), and its length limit. */
static bool unit_chars_valid(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(":-_.\\@", *s))
			return false;
	return true;
}

int systemd_slice_path(const char *slice, char **ret, struct iso_error *err)
{
	size_t len = strlen(slice), base;
	_cleanup_free_ char *out = NULL;
	char *o;

	if (!strcmp(slice, "-.slice"))
		return (*ret = strdup("")) ? 0 : iso_error_set(err, ENOMEM, "slice");
	if (len <= 6 || strcmp(slice + len - 6, ".slice") || !unit_chars_valid(slice))
		return iso_error_invalid(err, WHERE_PATH ": \"%s\" is not a slice name", slice);
	base = len - 6;
	/* "-" separates the levels: none may be empty. */
	if (slice[0] == '-' || slice[base - 1] == '-' || memmem(slice, base, "--", 2))
		return iso_error_invalid(err, WHERE_PATH ": \"%s\" is not a valid slice name",
					 slice);
	/* Each level "/PREFIX.slice": at most len + 7 bytes per '-' plus the last. */
	out = o = malloc((len + 8) * (len + 1));
	if (!out)
		return iso_error_set(err, ENOMEM, "slice");
	for (size_t i = 0; i <= base; i++) {
		if (i == base || slice[i] == '-')
			o += sprintf(o, "/%.*s.slice", (int)i, slice);
	}
	*ret = steal_ptr(out);
	return 0;
}

void systemd_unit_clear(struct systemd_unit *u)
{
	free(u->slice);
	free(u->name);
	free(u->cgroup_path);
	*u = (struct systemd_unit){0};
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* The three fields of "slice:prefix:name", or the default for an empty path. */
static int split_path(const char *path, const char *id, char *parts[3], struct iso_error *err)
{
	const char *c1, *c2;

	if (!path || !*path) {
		parts[0] = strdup(SYSTEMD_DEFAULT_SLICE);
		parts[1] = strdup(SYSTEMD_DEFAULT_PREFIX);
		parts[2] = strdup(id);
	} else {
		c1 = strchr(path, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || strchr(c2 + 1, ':') || !c2[1])
			return iso_error_invalid(err,
						 WHERE_PATH ": \"%s\": the systemd cgroup driver "
							    "takes \"slice:prefix:name\"",
						 path);
		parts[0] = c1 == path ? strdup(SYSTEMD_DEFAULT_SLICE) : strndup(path, c1 - path);
		parts[1] = strndup(c1 + 1, c2 - c1 - 1);
		parts[2] = strdup(c2 + 1);
	}
	if (!parts[0] || !parts[1] || !parts[2])
		return iso_error_set(err, ENOMEM, "cgroupsPath");
	return 0;
}

static int unit_from_parts(char *parts[3], struct systemd_unit *u, struct iso_error *err)
{
	_cleanup_free_ char *slice_path = NULL;
	int r;

	if ((r = systemd_slice_path(parts[0], &slice_path, err)) < 0)
		return r;
	u->slice = steal_ptr(parts[0]);
	u->is_slice = ends_with(parts[2], ".slice");
	if (u->is_slice)
		u->name = steal_ptr(parts[2]);
	else if (asprintf(&u->name, "%s%s%s.scope", parts[1], *parts[1] ? "-" : "", parts[2]) < 0)
		u->name = NULL;
	if (!u->name)
		return iso_error_set(err, ENOMEM, "cgroupsPath");
	if (strlen(u->name) > 255 || !unit_chars_valid(u->name) || u->name[0] == '.')
		return iso_error_invalid(
		    err, WHERE_PATH ": \"%s\" is not a valid systemd unit name", u->name);
	/* A slice's place comes from its own name, whatever slice the path gives. */
	if (u->is_slice)
		return systemd_slice_path(u->name, &u->cgroup_path, err);
	if (asprintf(&u->cgroup_path, "%s/%s", slice_path, u->name) < 0)
		return iso_error_set(err, ENOMEM, "cgroupsPath");
	return 0;
}

int systemd_unit_parse(const char *cgroups_path, const char *id, struct systemd_unit *ret,
		       struct iso_error *err)
{
	char *parts[3] = {NULL, NULL, NULL};
	struct systemd_unit u = {0};
	int r = split_path(cgroups_path, id, parts, err);

	if (r == 0)
		r = unit_from_parts(parts, &u, err);
	for (size_t i = 0; i < 3; i++)
		free(parts[i]);
	if (r < 0) {
		systemd_unit_clear(&u);
		return r;
	}
	*ret = u;
	return 0;
}

/* ---- property lists ---- */

void systemd_props_clear(struct systemd_props *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->p[i].name);
		free(ps->p[i].value);
	}
	free(ps->p);
	*ps = (struct systemd_props){0};
}

int systemd_props_add(struct systemd_props *ps, const char *name, const char *sig,
		      const char *value)
{
	struct systemd_prop *grown = realloc(ps->p, (ps->n + 1) * sizeof(*grown));
	struct systemd_prop *p;

	if (!grown)
		return -ENOMEM;
	ps->p = grown;
	p = &ps->p[ps->n];
	p->name = strdup(name);
	p->value = strdup(value);
	snprintf(p->sig, sizeof(p->sig), "%s", sig);
	if (!p->name || !p->value) {
		free(p->name);
		free(p->value);
		return -ENOMEM;
	}
	ps->n++;
	return 0;
}

int systemd_props_add_u64(struct systemd_props *ps, const char *name, uint64_t value)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	return systemd_props_add(ps, name, "t", buf);
}

char *systemd_prop_format(const struct systemd_prop *p)
{
	char *s;

	return asprintf(&s, "%s=%s:%s", p->name, p->sig, p->value) < 0 ? NULL : s;
}

/* ---- conversions ---- */

uint64_t systemd_quota_per_sec(int64_t quota, uint64_t period)
{
	uint64_t per_sec;

	if (quota < 0)
		return UINT64_MAX;
	if (period == 0)
		period = 100000;
	per_sec = (uint64_t)quota * 1000000 / period;
	/* systemd keeps the quota in whole percent (10 ms per second): round up, so that the
	 * limit is never below the one asked for. */
	if (per_sec % 10000)
		per_sec = (per_sec / 10000 + 1) * 10000;
	return per_sec;
}

static int parse_cpu_range(const char **s, unsigned long *lo, unsigned long *hi)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return -EINVAL;
	*lo = *hi = strtoul(*s, &end, 10);
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			return -EINVAL;
		*hi = strtoul(end + 1, &end, 10);
	}
	*s = end;
	/* The kernel's limit on cpus (and nodes) is far below this. */
	return *lo > *hi || *hi >= 8192 ? -EINVAL : 0;
}

int systemd_cpuset_mask(const char *list, char **ret_hex)
{
	unsigned char bits[1024] = {0};
	size_t used = 0;
	const char *s = list;
	char *hex;

	while (*s) {
		unsigned long lo, hi;

		if (parse_cpu_range(&s, &lo, &hi) < 0)
			return -EINVAL;
		for (unsigned long c = lo; c <= hi; c++)
			bits[c / 8] |= (unsigned char)(1u << (c % 8));
		if (hi / 8 + 1 > used)
			used = hi / 8 + 1;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return -EINVAL;
	}
	if (!used)
		return -EINVAL;
	hex = malloc(used * 2 + 1);
	if (!hex)
		return -ENOMEM;
	for (size_t i = 0; i < used; i++)
		sprintf(hex + 2 * i, "%02x", bits[i]);
	*ret_hex = hex;
	return 0;
}

static uint64_t limit_or_infinity(int64_t v)
{
	return v < 0 ? UINT64_MAX : (uint64_t)v;
}

static int memory_props(const struct cgroup_memory *m, bool v2, struct systemd_props *ps)
{
	int r = 0;

	if (m->has_limit)
		r = systemd_props_add_u64(ps, v2 ? "MemoryMax" : "MemoryLimit",
					  limit_or_infinity(m->limit));
	if (r == 0 && m->has_reservation && v2)
		r = systemd_props_add_u64(ps, "MemoryLow", limit_or_infinity(m->reservation));
	/* v1's swap is memory + swap; the v2 property is the swap alone. */
	if (r == 0 && m->has_swap && v2 && (m->swap < 0 || m->has_limit))
		r = systemd_props_add_u64(
		    ps, "MemorySwapMax",
		    m->swap < 0 || m->limit < 0
			? UINT64_MAX
			: (uint64_t)(m->swap > m->limit ? m->swap - m->limit : 0));
	return r;
}

static int cpuset_prop(struct systemd_props *ps, const char *name, const char *list,
		       const char *where, const char *field, struct iso_error *err)
{
	_cleanup_free_ char *hex = NULL;
	int r = systemd_cpuset_mask(list, &hex);

	if (r == -ENOMEM)
		return iso_error_set(err, ENOMEM, "%s", name);
	if (r < 0)
		return iso_error_invalid(err,
					 "%s.cpu.%s: \"%s\" is not a list of numbers and ranges",
					 where, field, list);
	return systemd_props_add(ps, name, "ay", hex) < 0 ? iso_error_set(err, ENOMEM, "%s", name)
							  : 0;
}

static int cpu_props(const struct cgroup_cpu *c, bool v2, struct systemd_props *ps,
		     const char *where, struct iso_error *err)
{
	int r = 0;

	if (c->has_shares && c->shares)
		r = v2 ? systemd_props_add_u64(ps, "CPUWeight", cgroup_shares_to_weight(c->shares))
		       : systemd_props_add_u64(ps, "CPUShares", c->shares);
	if (r == 0 && c->has_quota)
		r = systemd_props_add_u64(ps, "CPUQuotaPerSecUSec",
					  systemd_quota_per_sec(c->quota, c->period));
	if (r == 0 && c->has_period && c->period)
		r = systemd_props_add_u64(ps, "CPUQuotaPeriodUSec", c->period);
	if (r < 0)
		return iso_error_set(err, ENOMEM, "cpu");
	/* systemd has AllowedCPUs only on cgroup v2. */
	if (v2 && c->cpus && *c->cpus &&
	    (r = cpuset_prop(ps, "AllowedCPUs", c->cpus, where, "cpus", err)) < 0)
		return r;
	if (v2 && c->mems && *c->mems &&
	    (r = cpuset_prop(ps, "AllowedMemoryNodes", c->mems, where, "mems", err)) < 0)
		return r;
	return 0;
}

int systemd_props_from_resources(const struct cgroup_resources *r, bool v2,
				 struct systemd_props *ps, const char *where, struct iso_error *err)
{
	int ret = 0;

	if (r->has_memory && memory_props(&r->memory, v2, ps) < 0)
		return iso_error_set(err, ENOMEM, "memory");
	if (r->has_cpu && (ret = cpu_props(&r->cpu, v2, ps, where, err)) < 0)
		return ret;
	if (r->has_pids && r->pids.has_limit)
		ret = systemd_props_add_u64(
		    ps, "TasksMax", r->pids.limit <= 0 ? UINT64_MAX : (uint64_t)r->pids.limit);
	if (ret == 0 && r->has_block_io && r->block_io.has_weight)
		ret = v2 ? systemd_props_add_u64(
			       ps, "IOWeight", cgroup_blkio_weight_to_io_weight(r->block_io.weight))
			 : systemd_props_add_u64(ps, "BlockIOWeight", r->block_io.weight);
	return ret < 0 ? iso_error_set(err, ENOMEM, "resources") : 0;
}

/* ---- device rules ---- */

#define DEV_ALL_ACCESS (CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD)
/* systemd's limits on the numbers in a DeviceAllow= entry; it ignores an entry beyond them. */
#define SD_MAJOR_MAX 0xfffLL
#define SD_MINOR_MAX 0xfffffLL

/* What the kernel's v1 devices controller keeps of the writes (security/device_cgroup.c): a
 * default, and exceptions to it, one per (type, major, minor) with its access bits, in the
 * order they were first made.  `allow` is unused in the exceptions. */
struct v1_devices {
	bool allow_all;
	struct cgroup_device_rule *ex;
	size_t n;
};

static struct cgroup_device_rule *v1_find(struct v1_devices *s, const struct cgroup_device_rule *d)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->ex[i].type == d->type && s->ex[i].major == d->major &&
		    s->ex[i].minor == d->minor)
			return &s->ex[i];
	return NULL;
}

/* A c or b rule against the default adds its access to the exception for that device; one
 * along with the default takes its access from the exception for exactly that device, never
 * from a wider or a narrower one. */
static void v1_write(struct v1_devices *s, const struct cgroup_device_rule *d)
{
	struct cgroup_device_rule *e = v1_find(s, d);

	if (d->allow != s->allow_all) {
		if (e)
			e->access |= d->access;
		else
			s->ex[s->n++] = *d;
		return;
	}
	if (!e || (e->access &= ~d->access))
		return;
	memmove(e, e + 1, (size_t)(s->ex + s->n - e - 1) * sizeof(*e));
	s->n--;
}

/* The writes cgroup_v1_apply_devices() makes of the rules: "a" with every access resets the
 * default, a partial "a" is c *:* and b *:*. */
static void v1_apply(struct v1_devices *s, const struct cgroup_device_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct cgroup_device_rule d = rules[i];

		if (!d.access)
			continue;
		if (d.type == 'a' && d.access == DEV_ALL_ACCESS) {
			s->allow_all = d.allow;
			s->n = 0;
			continue;
		}
		if (d.type == 'a') {
			d.type = 'c';
			d.major = d.minor = -1;
			v1_write(s, &d);
			d.type = 'b';
		}
		v1_write(s, &d);
	}
}

/* systemd's name for one exception: "/dev/char/1:3" (which it parses, not stats), "char-136"
 * (a numeric major, systemd 240 on) or "char-*".  False where it has none: a "*:N" rule, or a
 * number beyond systemd's limits. */
static bool device_allow_path(const struct cgroup_device_rule *e, char *buf, size_t len)
{
	const char *kind = e->type == 'b' ? "block" : "char";

	if ((e->major < 0 && e->minor >= 0) || e->major > SD_MAJOR_MAX || e->minor > SD_MINOR_MAX)
		return false;
	if (e->major < 0)
		snprintf(buf, len, "%s-*", kind);
	else if (e->minor < 0)
		snprintf(buf, len, "%s-%" PRId64, kind, e->major);
	else
		snprintf(buf, len, "/dev/%s/%" PRId64 ":%" PRId64, kind, e->major, e->minor);
	return true;
}

/* The a(ss) text of the exceptions; *dropped says whether one had no DeviceAllow= form. */
static char *device_allow_list(const struct v1_devices *s, bool *dropped)
{
	char *list = malloc(s->n * 64 + 1), *o = list;

	if (!list)
		return NULL;
	*o = '\0';
	for (size_t i = 0; i < s->n; i++) {
		char path[48], access[4];

		if (!device_allow_path(&s->ex[i], path, sizeof(path))) {
			*dropped = true;
			continue;
		}
		cgroup_device_access_format(s->ex[i].access, access);
		o += sprintf(o, "%s%s %s", o == list ? "" : ",", path, access);
	}
	return list;
}

/* systemd keeps allow lists only.  Where the rules end as a deny list (allow all but some), the
 * unit gets DevicePolicy=strict and no entry, as runc does: systemd applying the unit again then
 * denies every device, which breaks the container but never hands it a device its rules deny.
 * An exception with no DeviceAllow= form is left out for the same reason. */
int systemd_props_from_devices(const struct cgroup_device_rule *rules, size_t n,
			       struct systemd_props *ps)
{
	_cleanup_free_ struct cgroup_device_rule *ex = calloc(2 * n + 1, sizeof(*ex));
	_cleanup_free_ char *list = NULL;
	struct v1_devices s = {.allow_all = true, .ex = ex};
	bool dropped = false;

	if (!ex)
		return -ENOMEM;
	v1_apply(&s, rules, n);
	if (s.allow_all && s.n == 0)
		return systemd_props_add(ps, "DevicePolicy", "s", "auto");
	if (s.allow_all)
		dropped = true;
	else if (!(list = device_allow_list(&s, &dropped)))
		return -ENOMEM;
	if (systemd_props_add(ps, "DevicePolicy", "s", "strict") < 0 ||
	    systemd_props_add(ps, "DeviceAllow", "a(ss)", list ? list : "") < 0)
		return -ENOMEM;
	return dropped;
}

/* ---- annotations ---- */

/* isorun sets these itself: an annotation may not change what the driver relies on. */
static const char *const reserved_props[] = {"PIDs", "Delegate", "Slice", "Description"};

static bool prop_name_valid(const char *name)
{
	if (!isupper((unsigned char)name[0]))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p))
			return false;
	return true;
}

struct typed_number {
	const char *keyword; /* GVariant's type keyword */
	const char *at;	     /* "@t" */
	char sig;
	bool is_signed;
	int bits;
};

static const struct typed_number typed_numbers[] = {
    {"byte", "@y", 'y', false, 8},    {"int16", "@n", 'n', true, 16},
    {"uint16", "@q", 'q', false, 16}, {"int32", "@i", 'i', true, 32},
    {"uint32", "@u", 'u', false, 32}, {"int64", "@x", 'x', true, 64},
    {"uint64", "@t", 't', false, 64},
};

/* A decimal integer of the type's range, as text in buf. */
static int parse_integer(const char *s, const struct typed_number *t, char *buf, size_t size)
{
	char *end;

	errno = 0;
	if (t->is_signed) {
		long long v = strtoll(s, &end, 10);
		long long lim = t->bits == 64 ? INT64_MAX : (1LL << (t->bits - 1)) - 1;

		if (errno || end == s || *end || v > lim || v < -lim - 1)
			return -EINVAL;
		snprintf(buf, size, "%lld", v);
	} else {
		unsigned long long v;

		if (*s == '-')
			return -EINVAL;
		v = strtoull(s, &end, 10);
		if (errno || end == s || *end || (t->bits < 64 && v > (1ULL << t->bits) - 1))
			return -EINVAL;
		snprintf(buf, size, "%llu", v);
	}
	return 0;
}

/* "uint32 5" or "@u 5": the number's type and the rest. */
static const struct typed_number *typed_prefix(const char *value, const char **ret_rest)
{
	for (size_t i = 0; i < sizeof(typed_numbers) / sizeof(typed_numbers[0]); i++) {
		const struct typed_number *t = &typed_numbers[i];
		size_t kl = strlen(t->keyword);

		if (!strncmp(value, t->keyword, kl) && value[kl] == ' ') {
			*ret_rest = value + kl + 1;
			return t;
		}
		if (!strncmp(value, t->at, 2) && value[2] == ' ') {
			*ret_rest = value + 3;
			return t;
		}
	}
	return NULL;
}

/* 'text' or "text" with backslash escapes of the quote and the backslash. */
static int parse_quoted(const char *value, char **ret)
{
	size_t len = strlen(value);
	char q = value[0], *out, *o;

	if (len < 2 || (q != '\'' && q != '"') || value[len - 1] != q)
		return -EINVAL;
	out = o = malloc(len);
	if (!out)
		return -ENOMEM;
	for (size_t i = 1; i < len - 1; i++) {
		if (value[i] == '\\' && i + 1 < len - 1)
			i++;
		else if (value[i] == q) {
			free(out);
			return -EINVAL;
		}
		*o++ = value[i];
	}
	*o = '\0';
	*ret = out;
	return 0;
}

/* NAMESec = seconds (an integer or a decimal): runc passes it as NAMEUSec. */
static int seconds_to_usec(const char *s, char *buf, size_t size)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isdigit((unsigned char)s[0]) || v > 1.8e13)
		return -EINVAL;
	snprintf(buf, size, "%llu", (unsigned long long)(v * 1000000 + 0.5));
	return 0;
}

static int annotation_value(const char *name, const char *value, struct systemd_props *ps)
{
	const struct typed_number *t;
	static const struct typed_number u64 = {"", "", 't', false, 64};
	static const struct typed_number i64 = {"", "", 'x', true, 64};
	_cleanup_free_ char *str = NULL, *usec_name = NULL;
	const char *rest;
	char buf[32], sig[2] = {0};
	size_t nl = strlen(name);

	if (!strcmp(value, "true") || !strcmp(value, "false"))
		return systemd_props_add(ps, name, "b", value[0] == 't' ? "1" : "0");
	if (value[0] == '\'' || value[0] == '"') {
		int r = parse_quoted(value, &str);

		return r < 0 ? r : systemd_props_add(ps, name, "s", str);
	}
	if ((t = typed_prefix(value, &rest))) {
		if (parse_integer(rest, t, buf, sizeof(buf)) < 0)
			return -EINVAL;
		sig[0] = t->sig;
		return systemd_props_add(ps, name, sig, buf);
	}
	if (nl > 3 && !strcmp(name + nl - 3, "Sec") && (nl < 4 || name[nl - 4] != 'U')) {
		if (seconds_to_usec(value, buf, sizeof(buf)) < 0 ||
		    asprintf(&usec_name, "%.*sUSec", (int)(nl - 3), name) < 0)
			return -EINVAL;
		return systemd_props_add(ps, usec_name, "t", buf);
	}
	t = value[0] == '-' ? &i64 : &u64;
	if (parse_integer(value, t, buf, sizeof(buf)) < 0)
		return -EINVAL;
	return systemd_props_add(ps, name, t->sig == 't' ? "t" : "x", buf);
}

int systemd_prop_from_annotation(const char *key, const char *value, struct systemd_props *ps,
				 struct iso_error *err)
{
	const char *name = key + strlen(SYSTEMD_ANNOTATION);
	int r;

	if (strncmp(key, SYSTEMD_ANNOTATION, strlen(SYSTEMD_ANNOTATION)) || !prop_name_valid(name))
		return iso_error_invalid(err,
					 "config.json: annotations.%s: not a systemd property "
					 "name (" SYSTEMD_ANNOTATION "Name)",
					 key);
	for (size_t i = 0; i < sizeof(reserved_props) / sizeof(reserved_props[0]); i++)
		if (!strcmp(name, reserved_props[i]))
			return iso_error_invalid(err,
						 "config.json: annotations.%s: isorun sets %s "
						 "itself",
						 key, name);
	r = annotation_value(name, value, ps);
	if (r == -ENOMEM)
		return iso_error_set(err, ENOMEM, "annotations.%s", key);
	if (r < 0)
		return iso_error_invalid(err,
					 "config.json: annotations.%s: \"%s\" is not a value "
					 "isorun can pass to systemd (true, false, 'string', a "
					 "number, or \"uint32 5\" etc.)",
					 key, value);
	return 0;
}
