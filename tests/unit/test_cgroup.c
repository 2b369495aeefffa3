/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the cgroup code's pure parts: linux.resources parsing, the v1 -> v2
 * conversions, cgroupsPath normalization, layout detection from mountinfo text, stat-file
 * parsing, the device BPF program's shape, and the v1 and v2 appliers and the v2 stats run
 * against a fake cgroupfs tree in a temporary directory (so the v2 code runs here, on a host
 * without v2). */
#include "config.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_apply.h"
#include "runtime/cgroup/cgroup_stats.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

static int parse(const char *json, struct cgroup_resources *res, struct iso_error *err)
{
	memset(err, 0, sizeof(*err));
	return cgroup_resources_parse_text(json, strlen(json), "r.json", res, err);
}

static void test_parse(void)
{
	struct cgroup_resources r;
	struct iso_error err;
	int ret;

	ret = parse(
	    "{\"memory\":{\"limit\":33554432,\"swap\":67108864,\"swappiness\":10},"
	    "\"cpu\":{\"shares\":512,\"quota\":20000,\"period\":100000,\"cpus\":\"0\"},"
	    "\"pids\":{\"limit\":10},\"blockIO\":{\"weight\":500,\"throttleReadBpsDevice\":"
	    "[{\"major\":8,\"minor\":0,\"rate\":1048576}]},"
	    "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0}],"
	    "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\","
	    "\"major\":10,\"minor\":229,\"access\":\"rw\"}],"
	    "\"unified\":{\"memory.high\":\"1000000\"}}",
	    &r, &err);
	UNIT_CHECK(ret == 0, "a full resources object parses (%s)", err.msg);
	UNIT_CHECK(r.memory.has_limit && r.memory.limit == 33554432, "memory.limit");
	UNIT_CHECK(r.memory.has_swap && r.memory.swap == 67108864, "memory.swap");
	UNIT_CHECK(r.cpu.has_shares && r.cpu.shares == 512 && r.cpu.quota == 20000, "cpu");
	UNIT_STREQ(r.cpu.cpus, "0", "cpu.cpus");
	UNIT_CHECK(r.pids.has_limit && r.pids.limit == 10, "pids.limit");
	UNIT_CHECK(r.block_io.throttle[THROTTLE_READ_BPS].n == 1 &&
		       r.block_io.throttle[THROTTLE_READ_BPS].devices[0].rate == 1048576,
		   "throttleReadBpsDevice");
	UNIT_CHECK(r.n_devices == 2 && r.devices[0].type == 'a' && r.devices[0].major == -1 &&
		       r.devices[0].access == 7,
		   "a device rule without type/major/minor is a wildcard");
	UNIT_CHECK(r.devices[1].type == 'c' && r.devices[1].major == 10 &&
		       r.devices[1].access == (CGROUP_DEV_READ | CGROUP_DEV_WRITE),
		   "a device rule with fields");
	UNIT_CHECK(r.n_unified == 1 && !strcmp(r.unified[0].key, "memory.high"), "unified");
	UNIT_CHECK((cgroup_resources_needs(&r) &
		    (CG_MEMORY | CG_CPU | CG_CPUSET | CG_PIDS | CG_BLKIO | CG_HUGETLB)) ==
		       (CG_MEMORY | CG_CPU | CG_CPUSET | CG_PIDS | CG_BLKIO | CG_HUGETLB),
		   "the controllers needed");
	cgroup_resources_clear(&r);

	ret = parse("{\"memory\":{\"limit\":\"big\"}}", &r, &err);
	UNIT_CHECK(ret < 0 && strstr(err.msg, "r.json: memory.limit:"),
		   "type error names the "
		   "field: %s",
		   err.msg);
	cgroup_resources_clear(&r);
	ret = parse("{\"memory\":{\"limit\":-2,\"swap\":1048576}}", &r, &err);
	UNIT_STREQ(err.msg, "r.json: memory.limit: must be at least -1",
		   "memory.limit -2 is blamed on the limit, not on swap");
	UNIT_CHECK(ret < 0, "memory.limit -2 refused");
	cgroup_resources_clear(&r);
	ret = parse("{\"memory\":{\"limit\":-1,\"swap\":-1}}", &r, &err);
	UNIT_CHECK(ret == 0 && r.memory.limit == -1, "memory.limit -1 (no limit) accepted");
	cgroup_resources_clear(&r);
	ret = parse("{\"memory\":{\"limit\":100,\"swap\":50}}", &r, &err);
	UNIT_CHECK(ret < 0 && strstr(err.msg, "memory.swap"), "swap below limit: %s", err.msg);
	cgroup_resources_clear(&r);
	ret = parse("{\"blockIO\":{\"weight\":5}}", &r, &err);
	UNIT_CHECK(ret < 0 && strstr(err.msg, "blockIO.weight"), "blkio weight range: %s", err.msg);
	cgroup_resources_clear(&r);
	ret = parse("{\"devices\":[{\"allow\":true,\"access\":\"rx\"}]}", &r, &err);
	UNIT_CHECK(ret < 0 && strstr(err.msg, "devices[0].access"), "device access: %s", err.msg);
	cgroup_resources_clear(&r);
	ret = parse("{\"devices\":[{\"allow\":true,\"access\":\"rwa\"},"
		    "{\"allow\":true,\"access\":\"ar\"}]}",
		    &r, &err);
	UNIT_CHECK(ret == 0 && r.devices[0].access == (CGROUP_DEV_READ | CGROUP_DEV_WRITE) &&
		       r.devices[1].access == CGROUP_DEV_READ,
		   "an a in an access is accepted and grants nothing (%s)", ret ? err.msg : "");
	cgroup_resources_clear(&r);
	ret = parse("{\"devices\":[{\"allow\":true,\"access\":\"a\"}]}", &r, &err);
	UNIT_CHECK(ret < 0 && strstr(err.msg, "devices[0].access") && strstr(err.msg, "rwm"),
		   "an access of a alone: %s", err.msg);
	cgroup_resources_clear(&r);
	ret = parse("{\"hugepageLimits\":[{\"pageSize\":\"../x\",\"limit\":1}]}", &r, &err);
	UNIT_CHECK(ret < 0 && strstr(err.msg, "pageSize"), "hugepage size: %s", err.msg);
	cgroup_resources_clear(&r);
	ret = parse("{\"unified\":{\"../memory.max\":\"1\"}}", &r, &err);
	UNIT_CHECK(ret < 0 && strstr(err.msg, "unified"), "unified key with '/': %s", err.msg);
	cgroup_resources_clear(&r);
	ret = parse("{\"unified\":{\"cgroup.procs\":\"1\"}}", &r, &err);
	UNIT_CHECK(ret < 0, "unified cgroup.* key refused");
	cgroup_resources_clear(&r);
}

static void test_conversions(void)
{
	UNIT_CHECK(cgroup_shares_to_weight(2) == 1, "shares 2 -> weight 1");
	UNIT_CHECK(cgroup_shares_to_weight(1024) == 39, "shares 1024 -> weight 39 (%llu)",
		   (unsigned long long)cgroup_shares_to_weight(1024));
	UNIT_CHECK(cgroup_shares_to_weight(262144) == 10000, "shares max -> weight 10000");
	UNIT_CHECK(cgroup_blkio_weight_to_io_weight(10) == 1, "blkio 10 -> io 1");
	UNIT_CHECK(cgroup_blkio_weight_to_io_weight(1000) == 10000, "blkio 1000 -> io 10000");
	UNIT_CHECK(cgroup_blkio_weight_to_io_weight(500) == 1 + (490 * 9999) / 990, "blkio 500");
}

static void test_paths(void)
{
	struct iso_error err = {0};
	char *p = NULL;

	UNIT_CHECK(cgroup_path_normalize(NULL, "abc", &p, &err) == 0 && !strcmp(p, "/isorun/abc"),
		   "empty cgroupsPath -> /isorun/ID");
	free(p);
	UNIT_CHECK(cgroup_path_normalize("//a/./b//", "x", &p, &err) == 0 && !strcmp(p, "/a/b"),
		   "absolute path folded: %s", p);
	free(p);
	UNIT_CHECK(cgroup_path_normalize("a/b", "x", &p, &err) == 0 && !strcmp(p, "a/b"),
		   "relative path kept relative");
	free(p);
	UNIT_CHECK(cgroup_path_normalize("/a/../../etc", "x", &p, &err) < 0 &&
		       strstr(err.msg, "linux.cgroupsPath"),
		   "'..' refused: %s", err.msg);
	UNIT_CHECK(cgroup_path_normalize("..", "x", &p, &err) < 0, "bare '..' refused");
	UNIT_CHECK(cgroup_path_normalize("/", "x", &p, &err) < 0, "the root cgroup refused");
}

static const char hybrid_mountinfo[] =
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "41 30 0:31 / /mnt/memory2 rw,relatime - cgroup cgroup rw,memory\n"
    "42 30 0:38 / /sys/fs/cgroup/perf_event rw,relatime - cgroup cgroup rw,perf_event\n"
    "43 30 0:39 / /run/other rw,relatime - cgroup cgroup rw,name=other\n"
    "44 30 0:36 / /mnt/systemd2 rw,relatime - cgroup cgroup rw,xattr,name=systemd\n";
static const char hybrid_self[] = "10:name=other:/o\n9:name=systemd:/sd\n8:perf_event:/pe\n"
				  "4:memory:/machine/abc\n2:cpuacct:/\n1:cpu:/\n0::/user.slice\n";

static void test_layout(void)
{
	struct cgroup_layout l = {0};
	struct iso_error err = {0};
	char *path = NULL;
	int r = cgroup_layout_parse(hybrid_mountinfo, hybrid_self, &l, &err);

	UNIT_CHECK(r == 0 && l.n == 5,
		   "hybrid: cpu, cpuacct, memory, name=systemd, unified (got %zu)", l.n);
	if (r < 0 || l.n != 5)
		return;
	UNIT_CHECK(!l.h[0].v2 && l.h[0].mask == CG_CPU && !strcmp(l.h[0].controllers, "cpu"),
		   "cpu hierarchy");
	UNIT_STREQ(l.h[2].own, "/machine/abc", "own memory cgroup");
	/* systemd in a container looks for its cgroup there; other named hierarchies and
	 * controllers isorun does not know are left alone */
	UNIT_CHECK(!l.h[3].v2 && l.h[3].mask == 0 &&
		       !strcmp(l.h[3].mount, "/sys/fs/cgroup/systemd"),
		   "the name=systemd hierarchy, once");
	UNIT_STREQ(l.h[3].controllers, "name=systemd", "name=systemd's controllers field");
	UNIT_STREQ(l.h[3].own, "/sd", "own name=systemd cgroup");
	UNIT_CHECK(l.h[4].v2 && !strcmp(l.h[4].mount, "/sys/fs/cgroup/unified") &&
		       !strcmp(l.h[4].own, "/user.slice"),
		   "the cgroup2 mount");
	cgroup_layout_clear(&l);

	r = cgroup_layout_parse("25 1 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n",
				"0::/init.scope\n", &l, &err);
	UNIT_CHECK(r == 0 && l.n == 1 && l.h[0].v2, "pure v2");
	cgroup_layout_clear(&l);
	r = cgroup_layout_parse("25 1 0:22 / /proc rw - proc proc rw\n", "", &l, &err);
	UNIT_CHECK(r < 0, "no cgroup mount is an error");
	(void)path;
	UNIT_CHECK(cgroup_controllers_parse("cpuset cpu io memory hugetlb pids", ' ') ==
		       (CG_CPUSET | CG_CPU | CG_BLKIO | CG_MEMORY | CG_HUGETLB | CG_PIDS),
		   "v2 cgroup.controllers");
	UNIT_CHECK(cgroup_controllers_parse("rw,cpu,cpuacct", ',') == (CG_CPU | CG_CPUACCT),
		   "v1 options");
}

static void test_stat_parsing(void)
{
	const char *stat = "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_throttled 3\n";

	UNIT_CHECK(cgroup_stat_key(stat, "user_usec") == 1000, "flat key");
	UNIT_CHECK(cgroup_stat_key(stat, "usage") == 0, "no prefix match");
	UNIT_CHECK(cgroup_stat_key(stat, "nr_throttled") == 3, "last key");
	UNIT_CHECK(cgroup_stat_u64("max\n") == UINT64_MAX, "\"max\"");
	UNIT_CHECK(cgroup_stat_u64("4096\n") == 4096, "number");
}

static void test_bpf(void)
{
	struct cgroup_device_rule rules[] = {
	    {false, 'a', -1, -1, 7},
	    {true, 'c', 1, 3, 7},
	    {true, 'c', 136, -1, 3},
	};
	struct bpf_insn *p = NULL;
	size_t n = 0;

	UNIT_CHECK(cgroup_bpf_build(rules, 3, &p, &n) == 0, "program builds");
	/* prologue 6; deny-all 5 (mov,and,jeq,mov,exit); c 1:3 8; c 136:* 7; final 2 */
	UNIT_CHECK(n == 6 + 5 + 8 + 7 + 2, "instruction count %zu", n);
	UNIT_CHECK(p[n - 1].code == (BPF_JMP | BPF_EXIT) && p[n - 2].imm == 0,
		   "falls through to deny");
	/* The last rule comes first: its type test jumps past its 7 instructions. */
	UNIT_CHECK(p[6].code == (BPF_JMP | BPF_JNE | BPF_K) && p[6].imm == BPF_DEVCG_DEV_CHAR &&
		       p[6].off == 6,
		   "first test of the last rule skips its block (off %d)", p[6].off);
	free(p);
}

/* ---- the appliers against a fake tree ---- */

static void make_files(const char *dir, const char *const *files)
{
	for (; *files; files++) {
		char path[512];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, *files);
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			if (!strcmp(*files, "cpu.max"))
				(void)!write(fd, "max 100000\n", 11);
			close(fd);
		}
	}
}

static char *slurp(const char *dir, const char *file)
{
	char path[512], *text = NULL;
	struct iso_error err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_file_at(AT_FDCWD, path, 4096, &text, NULL, &err) < 0)
		return NULL;
	return text;
}

static void test_v2_apply(void)
{
	static const char *const files[] = {
	    "memory.max", "memory.low",	     "memory.swap.max", "cpu.weight", "cpu.max",
	    "cpu.idle",	  "cpuset.cpus",     "cpuset.mems",	"pids.max",   "io.weight",
	    "io.max",	  "hugetlb.2MB.max", "memory.high",	NULL};
	char dir[] = "/tmp/isorun-unit-cgv2-XXXXXX";
	struct cgroup_resources r;
	struct iso_error err = {0};
	struct cgroup_target t;
	int ret;

	if (!mkdtemp(dir)) {
		UNIT_CHECK(0, "mkdtemp");
		return;
	}
	make_files(dir, files);
	ret = parse("{\"memory\":{\"limit\":33554432,\"swap\":50331648,\"reservation\":1048576},"
		    "\"cpu\":{\"shares\":1024,\"quota\":20000,\"period\":50000,\"cpus\":\"0-1\","
		    "\"mems\":\"0\",\"idle\":1},\"pids\":{\"limit\":-1},"
		    "\"blockIO\":{\"weight\":1000,\"throttleWriteIOPSDevice\":[{\"major\":8,"
		    "\"minor\":16,\"rate\":300}]},\"hugepageLimits\":[{\"pageSize\":\"2MB\","
		    "\"limit\":4194304}],\"unified\":{\"memory.high\":\"30000000\"}}",
		    &r, &err);
	UNIT_CHECK(ret == 0, "parse (%s)", err.msg);
	t = (struct cgroup_target){.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
				   .dir = dir,
				   .where = "config.json: linux.resources"};
	ret = cgroup_v2_apply(&t, CG_MEMORY | CG_CPU | CG_CPUSET | CG_PIDS | CG_BLKIO | CG_HUGETLB,
			      &r, &err);
	UNIT_CHECK(ret == 0, "v2 apply (%s)", err.msg);
#define EXPECT(file, want)                                                                         \
	do {                                                                                       \
		_cleanup_free_ char *got_ = slurp(dir, file);                                      \
		UNIT_STREQ(got_, want, "v2 %s = %s (got %s)", file, want, got_ ? got_ : "(none)"); \
	} while (0)
	EXPECT("memory.max", "33554432");
	EXPECT("memory.swap.max", "16777216"); /* swap alone: 48 MiB - 32 MiB */
	EXPECT("memory.low", "1048576");
	EXPECT("cpu.weight", "39");
	EXPECT("cpu.max", "20000 50000");
	EXPECT("cpu.idle", "1");
	EXPECT("cpuset.cpus", "0-1");
	EXPECT("pids.max", "max");
	EXPECT("io.weight", "default 10000");
	EXPECT("io.max", "8:16 wiops=300");
	EXPECT("hugetlb.2MB.max", "4194304");
	EXPECT("memory.high", "30000000");
	cgroup_resources_clear(&r);

	/* A lone period keeps the quota in force. */
	ret = parse("{\"cpu\":{\"period\":250000}}", &r, &err);
	ret = ret ?: cgroup_v2_apply(&t, CG_CPU, &r, &err);
	UNIT_CHECK(ret == 0, "period only (%s)", err.msg);
	EXPECT("cpu.max", "20000 250000");
	cgroup_resources_clear(&r);

	/* A file the kernel does not offer is an error naming the field and the file. */
	ret = parse("{\"cpu\":{\"realtimeRuntime\":1000}}", &r, &err);
	ret = ret ?: cgroup_v2_apply(&t, CG_CPU, &r, &err);
	UNIT_CHECK(ret < 0 && strstr(err.msg, "cpu.realtimeRuntime"), "rt refused on v2: %s",
		   err.msg);
	cgroup_resources_clear(&r);
	ret = parse("{\"unified\":{\"memory.oom.group\":\"1\"}}", &r, &err);
	ret = ret ?: cgroup_v2_apply(&t, 0, &r, &err);
	UNIT_CHECK(ret < 0 && strstr(err.msg, "unified.memory.oom.group") &&
		       strstr(err.msg, "/memory.oom.group"),
		   "missing unified file: %s", err.msg);
	cgroup_resources_clear(&r);
	close(t.dirfd);
	remove_tree(dir, &err);
#undef EXPECT
}

static void test_v1_apply(void)
{
	static const char *const files[] = {"memory.limit_in_bytes",
					    "memory.memsw.limit_in_bytes",
					    "memory.swappiness",
					    "cpu.shares",
					    "cpu.cfs_quota_us",
					    "cpu.cfs_period_us",
					    "pids.max",
					    "blkio.bfq.weight",
					    "blkio.throttle.read_bps_device",
					    "devices.allow",
					    "devices.deny",
					    NULL};
	static const char *const net_files[] = {"net_cls.classid", "net_prio.ifpriomap", NULL};
	char dir[] = "/tmp/isorun-unit-cgv1-XXXXXX";
	struct cgroup_device_rule rules[] = {{false, 'a', -1, -1, 7}, {true, 'c', 10, 229, 3}};
	struct cgroup_resources r;
	struct iso_error err = {0};
	struct cgroup_target t;
	int ret;

	if (!mkdtemp(dir)) {
		UNIT_CHECK(0, "mkdtemp");
		return;
	}
	make_files(dir, files);
	ret =
	    parse("{\"memory\":{\"limit\":33554432,\"swap\":67108864,\"swappiness\":0},"
		  "\"cpu\":{\"shares\":512,\"quota\":-1},\"pids\":{\"limit\":0},"
		  "\"blockIO\":{\"weight\":300,\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,"
		  "\"rate\":1024}]}}",
		  &r, &err);
	t = (struct cgroup_target){.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
				   .dir = dir,
				   .where = "config.json: linux.resources"};
	ret = ret ?: cgroup_v1_apply(&t, CG_MEMORY | CG_CPU | CG_PIDS | CG_BLKIO, &r, &err);
	UNIT_CHECK(ret == 0, "v1 apply (%s)", err.msg);
#define EXPECT(file, want)                                                                         \
	do {                                                                                       \
		_cleanup_free_ char *got_ = slurp(dir, file);                                      \
		UNIT_STREQ(got_, want, "v1 %s = %s (got %s)", file, want, got_ ? got_ : "(none)"); \
	} while (0)
	EXPECT("memory.limit_in_bytes", "33554432");
	EXPECT("memory.memsw.limit_in_bytes", "67108864");
	EXPECT("memory.swappiness", "0");
	EXPECT("cpu.shares", "512");
	EXPECT("cpu.cfs_quota_us", "-1");
	EXPECT("pids.max", "max");
	EXPECT("blkio.bfq.weight", "300");
	EXPECT("blkio.throttle.read_bps_device", "8:0 1024");
	ret = cgroup_v1_apply_devices(&t, rules, 2, &err);
	UNIT_CHECK(ret == 0, "v1 devices");
	EXPECT("devices.deny", "a");
	EXPECT("devices.allow", "c 10:229 rw");
	cgroup_resources_clear(&r);

	/* A kernel without swap accounting: "no swap on top" has nothing to write; more swap
	 * than that cannot be enforced and stays an error. */
	unlinkat(t.dirfd, "memory.memsw.limit_in_bytes", 0);
	ret = parse("{\"memory\":{\"limit\":16777216,\"swap\":16777216}}", &r, &err);
	ret = ret ?: cgroup_v1_apply(&t, CG_MEMORY, &r, &err);
	UNIT_CHECK(ret == 0, "swap == limit without memsw: skipped (%s)", err.msg);
	EXPECT("memory.limit_in_bytes", "16777216");
	cgroup_resources_clear(&r);
	ret = parse("{\"memory\":{\"limit\":16777216,\"swap\":33554432}}", &r, &err);
	ret = ret ?: cgroup_v1_apply(&t, CG_MEMORY, &r, &err);
	UNIT_CHECK(ret < 0 && strstr(err.msg, "memory.swap") &&
		       strstr(err.msg, "memory.memsw.limit_in_bytes"),
		   "swap > limit without memsw: an error naming the field and file (%s)", err.msg);
	cgroup_resources_clear(&r);

	/* Each part is written where the directory enforces its controller: net_cls and net_prio
	 * (one hierarchy each here) get only their own file, and pids nothing. */
	make_files(dir, net_files);
	ret = parse("{\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\","
		    "\"priority\":5}]},\"pids\":{\"limit\":10}}",
		    &r, &err);
	ret = ret ?: cgroup_v1_apply(&t, CG_NET_CLS, &r, &err);
	UNIT_CHECK(ret == 0, "v1 apply to a net_cls directory (%s)", err.msg);
	EXPECT("net_cls.classid", "1048577");
	EXPECT("net_prio.ifpriomap", "");
	EXPECT("pids.max", "max");
	ret = cgroup_v1_apply(&t, CG_NET_PRIO, &r, &err);
	UNIT_CHECK(ret == 0, "v1 apply to a net_prio directory (%s)", err.msg);
	EXPECT("net_prio.ifpriomap", "eth0 5");
	cgroup_resources_clear(&r);
	close(t.dirfd);
	remove_tree(dir, &err);
#undef EXPECT
}

/* ---- events --stats against a fake v2 tree ---- */

static void write_file(const char *dir, const char *file, const char *text)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!write(fd, text, strlen(text));
		close(fd);
	}
}

/* memory.swap's usage and limit in the stats of the v2 cgroup in dir; -1 when absent. */
static void v2_swap_stats(char *dir, long long *ret_usage, long long *ret_limit)
{
	static const char *usage_path[] = {"memory", "swap", "usage", NULL};
	static const char *limit_path[] = {"memory", "swap", "limit", NULL};
	struct state_cgroup cg = {.mount = dir, .path = "", .controllers = ""};
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	struct iso_error err = {0};
	yajl_val tree = NULL, v;
	size_t len;
	char text[8192];

	*ret_usage = *ret_limit = -1;
	if (!g || cgroup_stats_gen(&cg, 1, g, &err) < 0 ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok || len >= sizeof(text))
		goto out;
	memcpy(text, buf, len);
	text[len] = '\0';
	tree = yajl_tree_parse(text, NULL, 0);
	if ((v = yajl_tree_get(tree, usage_path, yajl_t_number)))
		*ret_usage = YAJL_GET_INTEGER(v);
	if ((v = yajl_tree_get(tree, limit_path, yajl_t_number)))
		*ret_limit = YAJL_GET_INTEGER(v);
out:
	yajl_tree_free(tree);
	if (g)
		yajl_gen_free(g);
}

/* runc's "swap" is memory plus swap (v1's memsw); v2 keeps swap apart, so it is added up. */
static void test_v2_stats(void)
{
	char dir[] = "/tmp/isorun-unit-cgstats-XXXXXX";
	struct iso_error err;
	long long usage, limit;

	if (!mkdtemp(dir)) {
		UNIT_CHECK(0, "mkdtemp");
		return;
	}
	write_file(dir, "cgroup.controllers", "memory\n");
	write_file(dir, "memory.current", "1000\n");
	write_file(dir, "memory.max", "4096\n");
	write_file(dir, "memory.swap.current", "500\n");
	write_file(dir, "memory.swap.max", "8192\n");
	v2_swap_stats(dir, &usage, &limit);
	UNIT_CHECK(usage == 1500 && limit == 12288,
		   "swap: memory plus swap (usage %lld, limit %lld)", usage, limit);
	write_file(dir, "memory.swap.max", "max\n");
	v2_swap_stats(dir, &usage, &limit);
	UNIT_CHECK(limit == INT64_MAX, "unlimited swap stays unlimited (limit %lld)", limit);
	write_file(dir, "memory.swap.max", "0\n");
	write_file(dir, "memory.max", "max\n");
	v2_swap_stats(dir, &usage, &limit);
	UNIT_CHECK(limit == INT64_MAX, "unlimited memory: no sum past max (limit %lld)", limit);
	remove_tree(dir, &err);
}

/* A scope systemd removed as its last process died (kill --all after the init was killed):
 * its entries read as empty, not as an error. */
static void test_vanished_cgroup(void)
{
	char dir[] = "/tmp/isorun-unit-cggone-XXXXXX";
	struct state_cgroup cg[2] = {
	    {.path = "/gone.scope", .controllers = "memory", .created = 1},
	    {.path = "/here.scope", .controllers = "", .created = 1},
	};
	_cleanup_free_ char *here = NULL;
	struct iso_error err = {0};
	pid_t *pids = NULL;
	size_t n = 99;
	int r;

	if (!mkdtemp(dir)) {
		UNIT_CHECK(0, "mkdtemp");
		return;
	}
	cg[0].mount = cg[1].mount = dir;
	if (asprintf(&here, "%s/here.scope", dir) < 0 || mkdir(here, 0755) < 0) {
		UNIT_CHECK(0, "mkdir here.scope");
		remove_tree(dir, &err);
		return;
	}
	write_file(here, "cgroup.procs", "");
	r = cgroup_pids(cg, 2, &pids, &n, &err);
	UNIT_CHECK(r == 0 && n == 0, "ps: a removed cgroup holds no process (r %d: %s)", r,
		   err.msg);
	free(pids);
	r = cgroup_signal_all(cg, 2, 0, &err);
	UNIT_CHECK(r == 0, "kill --all: a removed cgroup is not an error (r %d: %s)", r, err.msg);
	remove_tree(dir, &err);
}

int main(void)
{
	test_parse();
	test_conversions();
	test_paths();
	test_layout();
	test_stat_parsing();
	test_bpf();
	test_v2_apply();
	test_v1_apply();
	test_v2_stats();
	test_vanished_cgroup();
	return unit_done();
}
