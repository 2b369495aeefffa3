/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the systemd cgroup driver's pure parts (src/runtime/cgroup/systemd_props.c):
 * cgroupsPath parsing and slice expansion, resources as unit properties (shares -> weight,
 * quota/period -> CPUQuotaPerSecUSec, cpusets as bitmasks), v1 device rules as DevicePolicy and
 * DeviceAllow, and annotation values. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "runtime/cgroup/systemd_props.h"
#include "unit.h"

static struct iso_error err;

/* The value of property name in ps as "SIG:VALUE", or NULL. */
static const char *find(const struct systemd_props *ps, const char *name)
{
	static char buf[1024];

	for (size_t i = 0; i < ps->n; i++) {
		if (!strcmp(ps->p[i].name, name)) {
			snprintf(buf, sizeof(buf), "%s:%s", ps->p[i].sig, ps->p[i].value);
			return buf;
		}
	}
	return NULL;
}

static void check_unit(const char *path, const char *id, const char *slice, const char *name,
		       const char *cgroup)
{
	struct systemd_unit u = {0};
	int r = systemd_unit_parse(path, id, &u, &err);

	UNIT_CHECK(r == 0 && !strcmp(u.slice, slice) && !strcmp(u.name, name) &&
		       !strcmp(u.cgroup_path, cgroup),
		   "cgroupsPath \"%s\" -> %s in %s at %s (got %s %s %s; %s)",
		   path ? path : "(none)", name, slice, cgroup, u.name, u.slice, u.cgroup_path,
		   r < 0 ? err.msg : "");
	systemd_unit_clear(&u);
}

static void check_unit_refused(const char *path, const char *want)
{
	struct systemd_unit u = {0};
	int r = systemd_unit_parse(path, "c1", &u, &err);

	UNIT_CHECK(r < 0 && strstr(err.msg, "linux.cgroupsPath") && strstr(err.msg, want),
		   "cgroupsPath \"%s\" is refused naming the field (%s)", path, err.msg);
	systemd_unit_clear(&u);
}

static void test_units(void)
{
	check_unit(NULL, "c1", "system.slice", "isorun-c1.scope", "/system.slice/isorun-c1.scope");
	check_unit("", "c1", "system.slice", "isorun-c1.scope", "/system.slice/isorun-c1.scope");
	check_unit("machine.slice:libpod:abc", "x", "machine.slice", "libpod-abc.scope",
		   "/machine.slice/libpod-abc.scope");
	check_unit(":cri-containerd:abc", "x", "system.slice", "cri-containerd-abc.scope",
		   "/system.slice/cri-containerd-abc.scope");
	check_unit("user.slice::abc", "x", "user.slice", "abc.scope", "/user.slice/abc.scope");
	check_unit("a-b-c.slice:p:n", "x", "a-b-c.slice", "p-n.scope",
		   "/a.slice/a-b.slice/a-b-c.slice/p-n.scope");
	check_unit("-.slice:p:n", "x", "-.slice", "p-n.scope", "/p-n.scope");
	/* A name that is a slice makes that slice, placed by its own name. */
	check_unit("system.slice:p:k8s-pod1.slice", "x", "system.slice", "k8s-pod1.slice",
		   "/k8s.slice/k8s-pod1.slice");
	check_unit_refused("/isorun/c1", "slice:prefix:name");
	check_unit_refused("a:b", "slice:prefix:name");
	check_unit_refused("a.slice:b:c:d", "slice:prefix:name");
	check_unit_refused("system.slice:p:", "slice:prefix:name");
	check_unit_refused("system:p:n", "not a slice name");
	check_unit_refused("a--b.slice:p:n", "not a valid slice name");
	check_unit_refused("-a.slice:p:n", "not a valid slice name");
	check_unit_refused("a-.slice:p:n", "not a valid slice name");
	check_unit_refused("system.slice:p:a/b", "not a valid systemd unit name");
	check_unit_refused("system.slice:p:a b", "not a valid systemd unit name");
}

static void test_conversions(void)
{
	char *hex = NULL;

	UNIT_CHECK(systemd_quota_per_sec(50000, 100000) == 500000, "50 ms of 100 ms: 500 ms/s");
	UNIT_CHECK(systemd_quota_per_sec(1000, 100000) == 10000, "1%% stays 1%%");
	UNIT_CHECK(systemd_quota_per_sec(1234, 100000) == 20000,
		   "12.34 ms/s rounds up to a whole percent: 20 ms/s");
	UNIT_CHECK(systemd_quota_per_sec(-1, 100000) == UINT64_MAX, "quota -1: no limit");
	UNIT_CHECK(systemd_quota_per_sec(20000, 0) == 200000, "no period: the default 100 ms");
	UNIT_CHECK(systemd_cpuset_mask("0", &hex) == 0 && !strcmp(hex, "01"), "cpus 0 -> 01");
	free(hex);
	UNIT_CHECK(systemd_cpuset_mask("0-3,8,10-11", &hex) == 0 && !strcmp(hex, "0f0d"),
		   "cpus 0-3,8,10-11 -> 0f 0d (%s)", hex);
	free(hex);
	UNIT_CHECK(systemd_cpuset_mask("63", &hex) == 0 && !strcmp(hex, "0000000000000080"),
		   "cpu 63 -> the 8th byte's top bit (%s)", hex);
	free(hex);
	hex = NULL;
	UNIT_CHECK(systemd_cpuset_mask("3-1", &hex) == -EINVAL && !hex, "a backwards range");
	UNIT_CHECK(systemd_cpuset_mask("1,,2", &hex) == -EINVAL, "an empty element");
	UNIT_CHECK(systemd_cpuset_mask("x", &hex) == -EINVAL, "not a number");
	UNIT_CHECK(systemd_cpuset_mask("", &hex) == -EINVAL, "an empty list");
}

/* json written with single quotes (sq()). */
static int props_of(const char *single_quoted, bool v2, struct systemd_props *ps)
{
	struct cgroup_resources r = {0};
	char *json = sq(single_quoted);
	int ret = cgroup_resources_parse_text(json, strlen(json), "r.json", &r, &err);

	*ps = (struct systemd_props){0};
	if (ret == 0)
		ret = systemd_props_from_resources(&r, v2, ps, "update", &err);
	cgroup_resources_clear(&r);
	free(json);
	return ret;
}

static void test_resources(void)
{
	struct systemd_props ps;
	int r;

	r = props_of("{'memory':{'limit':67108864,'reservation':1048576,'swap':100663296},"
		     "'cpu':{'shares':1024,'quota':50000,'period':200000,'cpus':'0-1',"
		     "'mems':'0'},'pids':{'limit':32},'blockIO':{'weight':500}}",
		     true, &ps);
	UNIT_CHECK(r == 0, "resources convert (%s)", err.msg);
	UNIT_STREQ(find(&ps, "MemoryMax"), "t:67108864", "MemoryMax");
	UNIT_STREQ(find(&ps, "MemoryLow"), "t:1048576", "MemoryLow from the reservation");
	UNIT_STREQ(find(&ps, "MemorySwapMax"), "t:33554432", "MemorySwapMax: swap minus memory");
	UNIT_STREQ(find(&ps, "CPUWeight"), "t:39", "shares 1024 -> CPUWeight 39, as runc");
	UNIT_STREQ(find(&ps, "CPUQuotaPerSecUSec"), "t:250000", "quota/period -> 250 ms/s");
	UNIT_STREQ(find(&ps, "CPUQuotaPeriodUSec"), "t:200000", "CPUQuotaPeriodUSec");
	UNIT_STREQ(find(&ps, "AllowedCPUs"), "ay:03", "AllowedCPUs as a bitmask");
	UNIT_STREQ(find(&ps, "AllowedMemoryNodes"), "ay:01", "AllowedMemoryNodes");
	UNIT_STREQ(find(&ps, "TasksMax"), "t:32", "TasksMax");
	UNIT_STREQ(find(&ps, "IOWeight"), "t:4950", "blkio weight 500 -> IOWeight 4950");
	systemd_props_clear(&ps);

	r = props_of("{'memory':{'limit':-1,'swap':-1},'pids':{'limit':0},'cpu':{'quota':-1}}",
		     true, &ps);
	UNIT_CHECK(r == 0 && !strcmp(find(&ps, "MemoryMax"), "t:18446744073709551615") &&
		       !strcmp(find(&ps, "MemorySwapMax"), "t:18446744073709551615") &&
		       !strcmp(find(&ps, "TasksMax"), "t:18446744073709551615") &&
		       !strcmp(find(&ps, "CPUQuotaPerSecUSec"), "t:18446744073709551615"),
		   "-1 and a pids limit of 0 are infinity");
	systemd_props_clear(&ps);

	r = props_of("{'memory':{'limit':1024},'cpu':{'shares':512,'cpus':'0'},"
		     "'blockIO':{'weight':100}}",
		     false, &ps);
	UNIT_CHECK(r == 0 && !strcmp(find(&ps, "MemoryLimit"), "t:1024") &&
		       !strcmp(find(&ps, "CPUShares"), "t:512") &&
		       !strcmp(find(&ps, "BlockIOWeight"), "t:100") && !find(&ps, "MemoryMax") &&
		       !find(&ps, "AllowedCPUs"),
		   "on cgroup v1 the v1 properties, and no AllowedCPUs");
	systemd_props_clear(&ps);

	r = props_of("{'cpu':{'cpus':'0-'}}", true, &ps);
	UNIT_CHECK(r < 0 && strstr(err.msg, "update.cpu.cpus") && strstr(err.msg, "\"0-\""),
		   "a bad cpu list is an error naming the field (%s)", err.msg);
	systemd_props_clear(&ps);

	r = props_of("{}", true, &ps);
	UNIT_CHECK(r == 0 && ps.n == 0, "no resources: no property");
	systemd_props_clear(&ps);
}

#define RWM (CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD)
#define DENY_ALL                                                                                   \
	{                                                                                          \
		false, 'a', -1, -1, RWM                                                            \
	}
#define N_RULES(a) (sizeof(a) / sizeof((a)[0]))

/* DevicePolicy and DeviceAllow of rules ("s:strict", "a(ss):..."; NULL for none), and the
 * return value. */
static void check_devices(const struct cgroup_device_rule *rules, size_t n, int want_r,
			  const char *policy, const char *allow, const char *what)
{
	struct systemd_props ps = {0};
	int r = systemd_props_from_devices(rules, n, &ps);
	const char *got_policy = find(&ps, "DevicePolicy");
	char got_policy_copy[64];
	const char *got_allow;

	snprintf(got_policy_copy, sizeof(got_policy_copy), "%s", got_policy ? got_policy : "-");
	got_allow = find(&ps, "DeviceAllow");
	UNIT_CHECK(r == want_r && !strcmp(got_policy_copy, policy) &&
		       (allow ? got_allow && !strcmp(got_allow, allow) : !got_allow),
		   "%s: DevicePolicy %s, DeviceAllow %s, %d (got %s, %s, %d)", what, policy,
		   allow ? allow : "-", want_r, got_policy_copy, got_allow ? got_allow : "-", r);
	systemd_props_clear(&ps);
}

static void test_devices(void)
{
	/* The shape of isorun's own list (cgroup_device_rules()): deny all, then allows. */
	static const struct cgroup_device_rule defaults[] = {
	    DENY_ALL,
	    {true, 'c', -1, -1, CGROUP_DEV_MKNOD},
	    {true, 'b', -1, -1, CGROUP_DEV_MKNOD},
	    {true, 'c', 1, 3, RWM},
	    {true, 'c', 5, 2, RWM},
	    {true, 'c', 136, -1, RWM},
	    {true, 'b', 8, -1, CGROUP_DEV_READ},
	};
	/* v1 merges access per device and takes it away only from exactly that device. */
	static const struct cgroup_device_rule merged[] = {
	    DENY_ALL,
	    {true, 'c', 1, 3, CGROUP_DEV_READ},
	    {true, 'c', 1, 3, CGROUP_DEV_WRITE},
	    {true, 'b', 8, 0, RWM},
	    {false, 'b', 8, 0, RWM},
	    {false, 'c', 1, 3, CGROUP_DEV_READ},
	    {true, 'c', 1, 5, RWM},
	    {false, 'c', -1, -1, RWM},
	    {true, 'c', 1, 9, 0},
	};
	static const struct cgroup_device_rule partial_a[] = {
	    DENY_ALL,
	    {true, 'a', -1, -1, CGROUP_DEV_MKNOD},
	};
	static const struct cgroup_device_rule allow_all[] = {
	    DENY_ALL,
	    {true, 'c', 1, 3, RWM},
	    {true, 'a', -1, -1, RWM},
	    {true, 'c', 1, 5, RWM},
	};
	static const struct cgroup_device_rule deny_list[] = {
	    {true, 'a', -1, -1, RWM},
	    {false, 'b', 8, 0, RWM},
	};
	static const struct cgroup_device_rule any_major[] = {
	    DENY_ALL,
	    {true, 'c', -1, 3, RWM},
	    {true, 'c', 1, 3, RWM},
	    {true, 'c', 5000, 1, RWM},
	};
	struct systemd_prop p = {"DeviceAllow", "a(ss)", "char-* m,/dev/char/1:3 rwm"};
	char *text = systemd_prop_format(&p);

	check_devices(defaults, N_RULES(defaults), 0, "s:strict",
		      "a(ss):char-* m,block-* m,/dev/char/1:3 rwm,/dev/char/5:2 rwm,char-136 rwm,"
		      "block-8 r",
		      "isorun's default rules");
	check_devices(merged, N_RULES(merged), 0, "s:strict",
		      "a(ss):/dev/char/1:3 w,/dev/char/1:5 rwm", "merged and removed access");
	check_devices(partial_a, N_RULES(partial_a), 0, "s:strict", "a(ss):char-* m,block-* m",
		      "a partial \"a\" is char-* and block-*");
	check_devices(allow_all, N_RULES(allow_all), 0, "s:auto", NULL,
		      "every device allowed: systemd's own \"a\"");
	check_devices(deny_list, N_RULES(deny_list), 1, "s:strict",
		      "a(ss):", "a deny list: strict and empty, said");
	check_devices(any_major, N_RULES(any_major), 1, "s:strict", "a(ss):/dev/char/1:3 rwm",
		      "*:3 and major 5000 have no DeviceAllow form: left out, said");
	UNIT_STREQ(text, "DeviceAllow=a(ss):char-* m,/dev/char/1:3 rwm",
		   "an a(ss) property on the helper's command line (%s)", text);
	free(text);
}

static void check_annotation(const char *name, const char *value, const char *want_name,
			     const char *want)
{
	struct systemd_props ps = {0};
	char key[128];
	int r;

	snprintf(key, sizeof(key), SYSTEMD_ANNOTATION "%s", name);
	r = systemd_prop_from_annotation(key, value, &ps, &err);
	UNIT_CHECK(r == 0 && ps.n == 1 && find(&ps, want_name) &&
		       !strcmp(find(&ps, want_name), want),
		   "%s=%s -> %s %s (got %s)", name, value, want_name, want,
		   r < 0 ? err.msg : find(&ps, want_name));
	systemd_props_clear(&ps);
}

static void check_annotation_refused(const char *name, const char *value, const char *want)
{
	struct systemd_props ps = {0};
	char key[128];
	int r;

	snprintf(key, sizeof(key), SYSTEMD_ANNOTATION "%s", name);
	r = systemd_prop_from_annotation(key, value, &ps, &err);
	UNIT_CHECK(r < 0 && ps.n == 0 && strstr(err.msg, key) && strstr(err.msg, want),
		   "%s=%s is refused naming the annotation (%s)", name, value, err.msg);
	systemd_props_clear(&ps);
}

static void test_annotations(void)
{
	check_annotation("DefaultDependencies", "true", "DefaultDependencies", "b:1");
	check_annotation("IgnoreOnIsolate", "false", "IgnoreOnIsolate", "b:0");
	check_annotation("CollectMode", "'inactive-or-failed'", "CollectMode",
			 "s:inactive-or-failed");
	check_annotation("CollectMode", "\"inactive\"", "CollectMode", "s:inactive");
	check_annotation("CPUWeight", "100", "CPUWeight", "t:100");
	check_annotation("OOMScoreAdjust", "int32 -500", "OOMScoreAdjust", "i:-500");
	check_annotation("Nice", "@i -5", "Nice", "i:-5");
	check_annotation("TimeoutStopUSec", "uint64 123456789", "TimeoutStopUSec", "t:123456789");
	check_annotation("TimeoutStopSec", "30", "TimeoutStopUSec", "t:30000000");
	check_annotation("RuntimeMaxSec", "1.5", "RuntimeMaxUSec", "t:1500000");
	check_annotation("ManagedOOMMemoryPressureLimit", "uint32 4000",
			 "ManagedOOMMemoryPressureLimit", "u:4000");
	check_annotation_refused("CPUWeight", "lots", "\"lots\" is not a value");
	check_annotation_refused("CPUWeight", "uint8 3", "is not a value");
	check_annotation_refused("Nice", "int16 40000", "is not a value");
	check_annotation_refused("CPUWeight", "uint32 -1", "is not a value");
	check_annotation_refused("CollectMode", "'unterminated", "is not a value");
	check_annotation_refused("TimeoutStopSec", "-1", "is not a value");
	check_annotation_refused("lowercase", "true", "not a systemd property name");
	check_annotation_refused("With-Dash", "true", "not a systemd property name");
	check_annotation_refused("PIDs", "uint32 1", "isorun sets PIDs itself");
	check_annotation_refused("Delegate", "false", "isorun sets Delegate itself");
}

int main(void)
{
	test_units();
	test_conversions();
	test_resources();
	test_devices();
	test_annotations();
	return unit_done();
}
