/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the config.json pieces (src/runtime/spec/spec_gen.c) that `isorun spec` and the
 * tenant bundles are both made of: each piece against the exact JSON it must write, so that a
 * change in either config shows here first. */
#include "config.h"
#include "runtime/spec/spec_gen.h"
#include "util/cleanup.h"
#include "util/jsongen.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

/* Closes what the test opened, and compares the text with want (single-quoted, see sq()). */
static void check_json(yajl_gen g, bool array, const char *want_sq, const char *what)
{
	_cleanup_free_ char *want = sq(want_sq), *text = NULL;
	struct iso_error err = {0};
	size_t len;
	int r;

	if (array)
		yajl_gen_array_close(g);
	else
		yajl_gen_map_close(g);
	r = jsongen_finish(g, &text, &len, &err);
	UNIT_CHECK(r == 0 && text && strcmp(text, want) == 0, "%s", what);
	if (r < 0)
		printf("#   %s\n", err.msg);
	else if (strcmp(text, want) != 0)
		printf("#   got  %s\n#   want %s\n", text, want);
}

static yajl_gen open_json(bool array)
{
	yajl_gen g = jsongen_new(false);

	if (!g)
		abort();
	if (array)
		yajl_gen_array_open(g);
	else
		yajl_gen_map_open(g);
	return g;
}

static void test_shared_mounts(void)
{
	yajl_gen g = open_json(true);

	spec_gen_mounts(g,
			(const struct spec_gen_mount *const[]){
			    &spec_gen_mount_dev, &spec_gen_mount_devpts, &spec_gen_mount_shm,
			    &spec_gen_mount_mqueue, &spec_gen_mount_sysfs, &spec_gen_mount_tmp,
			    NULL},
			false);
	check_json(
	    g, true,
	    "[{'destination':'/dev','type':'tmpfs','source':'tmpfs','options':['nosuid',"
	    "'strictatime','mode=755','size=65536k']},"
	    "{'destination':'/dev/pts','type':'devpts','source':'devpts','options':['nosuid',"
	    "'noexec','newinstance','ptmxmode=0666','mode=0620','gid=5']},"
	    "{'destination':'/dev/shm','type':'tmpfs','source':'shm','options':['nosuid',"
	    "'noexec','nodev','mode=1777','size=65536k']},"
	    "{'destination':'/dev/mqueue','type':'mqueue','source':'mqueue','options':["
	    "'nosuid','noexec','nodev']},"
	    "{'destination':'/sys','type':'sysfs','source':'sysfs','options':['nosuid',"
	    "'noexec','nodev','ro']},"
	    "{'destination':'/tmp','type':'tmpfs','source':'tmpfs','options':['nosuid',"
	    "'nodev','mode=1777','size=65536k']}]",
	    "the shared kernel file systems and the bounded /tmp, in list order");
}

static void test_mount(void)
{
	const struct spec_gen_mount uid_gid = {
	    "/x", "tmpfs", "tmpfs", (const char *const[]){"uid=7", "mode=1777", "gid=5", NULL}};
	yajl_gen g = open_json(true);

	spec_gen_mount(g, &(struct spec_gen_mount){"/proc", "proc", "proc", NULL}, false);
	spec_gen_mount(g, &(struct spec_gen_mount){"/e", "tmpfs", "tmpfs", (const char *[]){NULL}},
		       false);
	spec_gen_mount(g, &uid_gid, false);
	spec_gen_mount(g, &uid_gid, true);
	check_json(g, true,
		   "[{'destination':'/proc','type':'proc','source':'proc'},"
		   "{'destination':'/e','type':'tmpfs','source':'tmpfs','options':[]},"
		   "{'destination':'/x','type':'tmpfs','source':'tmpfs','options':['uid=7',"
		   "'mode=1777','gid=5']},"
		   "{'destination':'/x','type':'tmpfs','source':'tmpfs','options':['mode=1777']}]",
		   "a mount: no options key without a list, uid= and gid= dropped only when asked");
}

static void test_process(void)
{
	yajl_gen g = open_json(false);

	spec_gen_process_open(g, true);
	jsongen_kv_str(g, "cwd", "/");
	spec_gen_capabilities(g, (const char *const[]){"CAP_KILL", "CAP_CHOWN", NULL});
	spec_gen_rlimits(
	    g,
	    (const struct spec_gen_rlimit[]){{"RLIMIT_NOFILE", 1024, 512}, {"RLIMIT_CORE", 0, 0}},
	    2);
	spec_gen_process_close(g);
	check_json(g, false,
		   "{'process':{'terminal':true,'user':{'uid':0,'gid':0},'cwd':'/',"
		   "'capabilities':{'bounding':['CAP_KILL','CAP_CHOWN'],'effective':['CAP_KILL',"
		   "'CAP_CHOWN'],'permitted':['CAP_KILL','CAP_CHOWN']},"
		   "'rlimits':[{'type':'RLIMIT_NOFILE','hard':1024,'soft':512},"
		   "{'type':'RLIMIT_CORE','hard':0,'soft':0}],'noNewPrivileges':true}}",
		   "process: root, the terminal flag, the three capability sets, rlimits, and "
		   "noNewPrivileges on close");
	g = open_json(false);
	spec_gen_process_open(g, false);
	spec_gen_process_close(g);
	check_json(g, false,
		   "{'process':{'terminal':false,'user':{'uid':0,'gid':0},'noNewPrivileges':true}}",
		   "process without a terminal");
}

static void test_caps_mask(void)
{
	/* CAP_CHOWN 0, CAP_KILL 5, CAP_NET_BIND_SERVICE 10, CAP_AUDIT_WRITE 29 */
	uint64_t mask = spec_gen_caps_mask(
	    (const char *const[]){"CAP_KILL", "CAP_NO_SUCH", "CAP_NET_BIND_SERVICE",
				  "CAP_AUDIT_WRITE", "CAP_CHOWN", NULL});

	UNIT_CHECK(mask == ((UINT64_C(1) << 0) | (UINT64_C(1) << 5) | (UINT64_C(1) << 10) |
			    (UINT64_C(1) << 29)),
		   "capability mask of a list, an unknown name adding nothing (got %#llx)",
		   (unsigned long long)mask);
	UNIT_CHECK(spec_gen_caps_mask((const char *const[]){NULL}) == 0, "empty list: mask 0");
}

static void test_linux_pieces(void)
{
	yajl_gen g = open_json(false);

	spec_gen_namespaces(g, (const char *const[]){"pid", "network", NULL}, false);
	check_json(g, false, "{'namespaces':[{'type':'pid'},{'type':'network'}]}",
		   "namespaces of the list");
	g = open_json(false);
	spec_gen_namespaces(g, (const char *const[]){"pid", "mount", NULL}, true);
	check_json(g, false, "{'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'user'}]}",
		   "namespaces with user appended");
	g = open_json(false);
	spec_gen_id_mappings(g, 1048576, 2000000, 65536);
	check_json(g, false,
		   "{'uidMappings':[{'containerID':0,'hostID':1048576,'size':65536}],"
		   "'gidMappings':[{'containerID':0,'hostID':2000000,'size':65536}]}",
		   "uid and gid mappings from their own host starts");
	g = open_json(false);
	spec_gen_task_limits(g, 64 * 1024 * 1024, 64);
	check_json(g, false, "{'memory':{'limit':67108864,'swap':67108864},'pids':{'limit':64}}",
		   "task limits: swap equal to memory (no swap on top), pids");
	g = open_json(false);
	spec_gen_masked_paths(g);
	check_json(g, false,
		   "{'maskedPaths':['/proc/acpi','/proc/asound','/proc/kcore','/proc/keys',"
		   "'/proc/latency_stats','/proc/timer_list','/proc/timer_stats',"
		   "'/proc/sched_debug','/sys/firmware','/proc/scsi',"
		   "'/sys/devices/virtual/powercap'],"
		   "'readonlyPaths':['/proc/bus','/proc/fs','/proc/irq','/proc/sys',"
		   "'/proc/sysrq-trigger']}",
		   "masked and read-only paths (runc's)");
}

static void test_top_level(void)
{
	yajl_gen g = open_json(false);

	spec_gen_oci_version(g);
	spec_gen_root(g, "/store/tenants/t/rootfs", false);
	check_json(
	    g, false,
	    "{'ociVersion':'1.2.0','root':{'path':'/store/tenants/t/rootfs','readonly':false}}",
	    "ociVersion and a writable root");
	g = open_json(false);
	spec_gen_root(g, "rootfs", true);
	check_json(g, false, "{'root':{'path':'rootfs','readonly':true}}", "a read-only root");
}

int main(void)
{
	test_shared_mounts();
	test_mount();
	test_process();
	test_caps_mask();
	test_linux_pieces();
	test_top_level();
	return unit_done();
}
