/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the tenant package parser (src/tenant/package.c): what a package's
 * config.json may say, and the exact errors for what it may not. */
#include "config.h"
#include <errno.h>
#include <unistd.h>

#include <stdlib.h>
#include <string.h>

#include "tenant/id_range.h"
#include "tenant/package.h"
#include "tenant/tid.h"
#include "unit.h"

static struct tenant_package *parse_ok(const char *text)
{
	struct tenant_package *p = NULL;
	struct iso_error err = {0};
	int r = package_parse(text, "config.json", &p, &err);

	UNIT_CHECK(r == 0, "parses: %s%s%s", text, r ? " -> " : "", r ? err.msg : "");
	return p;
}

static void parse_fails(const char *text, const char *want)
{
	struct tenant_package *p = NULL;
	struct iso_error err = {0};
	int r = package_parse(text, "config.json", &p, &err);

	UNIT_CHECK(r < 0 && strstr(err.msg, want), "refuses %s with \"%s\" (got \"%s\")", text,
		   want, err.msg);
	UNIT_CHECK(p == NULL, "no package on failure");
}

static void test_seed_fields(void)
{
	struct tenant_package *p = parse_ok("{\"tid\": \"\", \"cname\": \"hello_container\", "
					    "\"dependencies\": \"/home/install_deps.sh\", "
					    "\"init\": \"/home/hello\"}");

	if (!p)
		return;
	UNIT_STREQ(p->cname, "hello_container", "cname");
	UNIT_STREQ(p->init, "hello", "init is made relative to progs/");
	UNIT_STREQ(p->dependencies, "install_deps.sh", "dependencies too");
	UNIT_CHECK(!p->has_seccomp && package_ipc_enabled(p), "defaults: seccomp absent, ipc on");
	UNIT_CHECK(package_userns_enabled(p), "default: a user namespace");
	package_free(p);
	p = parse_ok("{\"cname\": \"x\", \"init\": \"bin/run\", \"dependencies\": \"\"}");
	if (p) {
		UNIT_STREQ(p->init, "bin/run", "a relative init");
		UNIT_CHECK(p->dependencies == NULL, "empty dependencies mean none");
		package_free(p);
	}
}

static void test_our_fields(void)
{
	struct tenant_package *p = parse_ok(
	    "{\"cname\": \"x\", \"init\": \"x\", \"args\": [\"a\"], \"env\": [\"A=1\"], "
	    "\"resources\": {\"memory\": \"64M\", \"cpus\": 1.5, \"pids\": 10}, "
	    "\"network\": {\"mode\": \"veth\", \"address\": \"10.0.0.2/24\", \"mtu\": 1400}, "
	    "\"seccomp\": {\"mode\": \"profile\", \"profile\": \"sc/p.json\"}, "
	    "\"ipc\": {\"enabled\": false}}");

	if (!p)
		return;
	UNIT_CHECK(p->resources.has_memory && p->resources.memory == 64LL << 20, "memory 64M");
	UNIT_CHECK(p->resources.has_cpus && p->resources.cpus == 1.5, "cpus");
	UNIT_CHECK(p->resources.has_pids && p->resources.pids == 10, "pids");
	UNIT_CHECK(p->network.mode == PACKAGE_NET_VETH && p->network.mtu == 1400, "network");
	UNIT_CHECK(p->seccomp.mode == PACKAGE_SECCOMP_PROFILE, "seccomp mode");
	UNIT_STREQ(p->seccomp.profile, "sc/p.json", "seccomp profile");
	UNIT_CHECK(!package_ipc_enabled(p), "ipc off");
	package_free(p);
	p = parse_ok("{\"cname\": \"x\", \"init\": \"x\", \"userns\": false}");
	if (p) {
		UNIT_CHECK(!package_userns_enabled(p), "userns false opts out");
		package_free(p);
	}
	p = parse_ok("{\"cname\": \"x\", \"init\": \"x\", \"userns\": true}");
	if (p) {
		UNIT_CHECK(package_userns_enabled(p), "userns true");
		package_free(p);
	}
	p = parse_ok("{\"cname\": \"x\", \"init\": \"x\", \"resources\": {\"memory\": 8388608}}");
	if (p) {
		UNIT_CHECK(p->resources.memory == 8388608, "memory as a number of bytes");
		package_free(p);
	}
}

static void test_errors(void)
{
	parse_fails("{\"cname\": \"x\",", "config.json: invalid JSON");
	parse_fails("[]", "config.json: expected an object");
	parse_fails("{\"init\": \"x\"}", "config.json: cname: required");
	parse_fails("{\"cname\": \"x\"}", "config.json: init: required");
	parse_fails("{\"cname\": \"a/b\", \"init\": \"x\"}", "config.json: cname: \"a/b\"");
	parse_fails("{\"cname\": \"..\", \"init\": \"x\"}", "config.json: cname: \"..\"");
	parse_fails("{\"cname\": \".hidden\", \"init\": \"x\"}", "cname");
	parse_fails("{\"cname\": \"x\", \"init\": \"/home/../etc/passwd\"}",
		    "config.json: init: \"/home/../etc/passwd\": empty, \".\" or \"..\" component");
	parse_fails("{\"cname\": \"x\", \"init\": \"/bin/sh\"}",
		    "init: \"/bin/sh\" must lie under /home");
	parse_fails("{\"cname\": \"x\", \"init\": \"a//b\"}", "init");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"tid\": \"abc\"}",
		    "tid: assigned by isorun");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"bogus\": 1}",
		    "config.json: bogus: unknown field");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"resources\": {\"memroy\": 1}}",
		    "config.json: resources.memroy: unknown field");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"resources\": {\"memory\": \"1K\"}}",
		    "resources.memory: expected at least 4M");
	parse_fails(
	    "{\"cname\": \"x\", \"init\": \"x\", \"resources\": {\"memory\": \"9999999999G\"}}",
	    "resources.memory: too large");
	/* A negative count once reached a left shift (undefined behaviour; tests/fuzz). */
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"resources\": {\"memory\": \"-4M\"}}",
		    "resources.memory: \"-4M\" is not a size");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"resources\": {\"memory\": \" 64M\"}}",
		    "resources.memory: \" 64M\" is not a size");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"resources\": {\"memory\": -4194304}}",
		    "resources.memory: expected at least 4M");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"resources\": {\"cpus\": 0}}",
		    "resources.cpus");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"resources\": {\"pids\": 0}}",
		    "resources.pids");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"env\": [\"NOEQUALS\"]}",
		    "env: \"NOEQUALS\"");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"network\": {}}",
		    "network.mode: required");
	parse_fails(
	    "{\"cname\": \"x\", \"init\": \"x\", \"network\": {\"mode\": \"none\", \"mtu\": 1500}}",
	    "network.mode: \"none\" takes no");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"network\": {\"mode\": \"veth\"}}",
		    "network.address: required");
	parse_fails(
	    "{\"cname\": \"x\", \"init\": \"x\", \"network\": {\"mode\": \"veth\", \"address\": "
	    "\"1\", \"bridge\": \"b\"}}",
	    "network.bridge: only with mode \"bridge\"");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"userns\": \"no\"}",
		    "config.json: userns: expected a boolean");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"userns\": 0}",
		    "config.json: userns: expected a boolean");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"seccomp\": {\"mode\": \"strict\"}}",
		    "seccomp.mode: \"strict\" is not one of");
	parse_fails(
	    "{\"cname\": \"x\", \"init\": \"x\", \"seccomp\": {\"mode\": \"none\", \"profile\": "
	    "\"p\"}}",
	    "seccomp.profile: only with mode \"profile\"");
	parse_fails("{\"cname\": \"x\", \"init\": \"x\", \"seccomp\": {\"mode\": \"profile\", "
		    "\"profile\": \"/etc/p.json\"}}",
		    "seccomp.profile: \"/etc/p.json\" must be a path inside the package");
}

static void test_tids(void)
{
	char a[TID_LEN + 1], b[TID_LEN + 1];
	struct iso_error err = {0};

	UNIT_CHECK(store_new_tid(a, &err) == 0 && store_new_tid(b, &err) == 0, "tids made");
	UNIT_CHECK(strlen(a) == TID_LEN && strcmp(a, b) != 0, "32 characters, different");
	UNIT_CHECK(store_validate_tid(a, &err) == 0, "a new tid is valid");
	UNIT_CHECK(store_validate_tid("../../etc", &err) < 0, "a path is not a tid");
	UNIT_CHECK(store_validate_tid("0123456789ABCDEF0123456789abcdef", &err) < 0,
		   "upper case is not a tid");
}

#define R(s, n) ((struct id_range){(s), (n)})

static void test_id_range_allocate(void)
{
	const struct id_range used[] = {R(1048576, 65536), R(1179648, 1), R(1310720, 131072)};
	uint32_t start = 0;

	UNIT_CHECK(id_range_allocate(NULL, 0, 1048576, 65536, &start) == 0 && start == 1048576,
		   "nothing used: the floor itself");
	UNIT_CHECK(id_range_allocate(NULL, 0, 1000000, 65536, &start) == 0 && start == 1048576,
		   "the floor is rounded up to a 65536 boundary");
	/* 1048576 taken, 1114112 free, 1179648 taken by one id, 1245184 free. */
	UNIT_CHECK(id_range_allocate(used, 3, 1048576, 65536, &start) == 0 && start == 1114112,
		   "the first free aligned gap");
	UNIT_CHECK(id_range_allocate(used, 3, 1048576, 131072, &start) == 0 && start == 1441792,
		   "a range that fits no gap goes past every clash, whatever the order of used");
	UNIT_CHECK(id_range_allocate(used + 1, 2, 1179648, 65536, &start) == 0 && start == 1245184,
		   "a single used id blocks its whole aligned block");
	UNIT_CHECK(id_range_allocate(NULL, 0, ID_RANGE_MAX_ID - 65535, 65536, &start) == -ENOSPC,
		   "no room below the highest id");
	UNIT_CHECK(id_range_allocate(NULL, 0, 2147352576 - 65536, 65536, &start) == 0 &&
		       start + 65535 <= ID_RANGE_MAX_ID,
		   "the last whole block below the highest id");
	UNIT_CHECK(id_range_allocate(NULL, 0, 0, 0, &start) == -EINVAL, "size 0 is refused");
	UNIT_CHECK(
	    id_range_overlaps(R(10, 5), R(14, 1)) && !id_range_overlaps(R(10, 5), R(15, 1)) &&
		!id_range_overlaps(R(10, 5), R(0, 10)) && !id_range_overlaps(R(10, 0), R(10, 1)),
	    "overlap: inclusive ends, and an empty range overlaps nothing");
}

static void test_id_range_subid(void)
{
	char path[] = "/tmp/isorun-subid-XXXXXX";
	struct iso_error err = {0};
	struct id_range *r = NULL;
	size_t n = 0;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs("# comment\n\nalice:100000:65536\nbob:165536:65536\n", f);
	fclose(f);
	UNIT_CHECK(id_ranges_read_subid(path, &r, &n, &err) == 0 && n == 2 &&
		       r[1].start == 165536 && r[1].size == 65536,
		   "subuid lines read, comments and blank lines skipped");
	f = fopen(path, "a");
	fputs("carol:4294967295:2\n", f);
	fclose(f);
	UNIT_CHECK(id_ranges_read_subid(path, &r, &n, &err) == -EINVAL &&
		       strstr(err.msg, ":5: not NAME:START:COUNT"),
		   "a range past 2^32 names its line: %s", err.msg);
	UNIT_CHECK(id_ranges_read_subid("/nonexistent/subuid", &r, &n, &err) == 0,
		   "a missing file adds nothing");
	unlink(path);
	free(r);
}

static void test_id_range_text(void)
{
	struct id_range r;
	char buf[64];

	UNIT_CHECK(id_range_format(R(1114112, 65536), buf, sizeof(buf)) > 0 &&
		       !strcmp(buf, "1114112 65536\n"),
		   "format");
	UNIT_CHECK(id_range_parse("1114112 65536\n", &r) == 0 && r.start == 1114112 &&
		       r.size == 65536,
		   "parse");
	UNIT_CHECK(id_range_parse("1 0\n", &r) < 0 && id_range_parse("-1 5", &r) < 0 &&
		       id_range_parse("1 5x", &r) < 0 && id_range_parse("2147483647 2", &r) < 0,
		   "bad reservations are refused");
}

int main(void)
{
	test_seed_fields();
	test_our_fields();
	test_errors();
	test_tids();
	test_id_range_allocate();
	test_id_range_subid();
	test_id_range_text();
	return unit_done();
}
