/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for config.json parsing: spec.c, json_walk.c, mount_options.c, spec_default.c.
 *
 * JSON in this file is written with single quotes for readability; sq() turns them into double
 * quotes before parsing.  Every error case asserts the exact message, JSON path included. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "unit.h"
#include "runtime/spec/cap_names.h"
#include "runtime/config_load.h"
#include "runtime/spec/mount_options.h"
#include "runtime/spec/spec.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "spec_check.h"

#define DOC(...) "{'ociVersion': '1.2.0', " __VA_ARGS__ "}"

static bool has_cap(uint64_t mask, const char *name)
{
	int cap = caps_from_name(name);

	return cap >= 0 && (mask & (UINT64_C(1) << cap));
}

/* What podman 4 writes, with every field isorun reads filled in. */
static const char full_config[] =
    "{'ociVersion': '1.0.2-dev',"
    " 'process': {'terminal': true, 'consoleSize': {'height': 24, 'width': 80},"
    "  'user': {'uid': 1000, 'gid': 1001, 'umask': 18, 'additionalGids': [10, 4294967295]},"
    "  'args': ['/bin/sh', '-c', 'echo hi'],"
    "  'env': ['PATH=/usr/bin:/bin', 'TERM=xterm', 'container=podman'],"
    "  'cwd': '/work',"
    "  'capabilities': {'bounding': ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_KILL'],"
    "   'effective': ['CAP_CHOWN'], 'inheritable': [], 'permitted': ['CAP_CHOWN', 'CAP_KILL'],"
    "   'ambient': ['CAP_KILL']},"
    "  'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': 18446744073709551615},"
    "   {'type': 'RLIMIT_NPROC', 'soft': 4096, 'hard': 4096}],"
    "  'noNewPrivileges': true, 'oomScoreAdj': -999,"
    "  'apparmorProfile': 'containers-default', 'selinuxLabel': 'system_u:system_r:c1'},"
    " 'root': {'path': '/var/lib/containers/overlay/merged', 'readonly': true},"
    " 'hostname': 'web1', 'domainname': 'example.org',"
    " 'mounts': [{'destination': '/proc', 'type': 'proc', 'source': 'proc',"
    "   'options': ['nosuid', 'noexec', 'nodev']},"
    "  {'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs',"
    "   'options': ['nosuid', 'strictatime', 'mode=755', 'size=65536k']},"
    "  {'destination': '/etc/hosts', 'type': 'bind', 'source': '/run/c/hosts',"
    "   'options': ['bind', 'rprivate', 'ro']},"
    "  {'destination': '/run', 'type': 'tmpfs', 'source': 'tmpfs',"
    "   'options': ['rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup']},"
    "  {'destination': '/data', 'source': '/srv/data', 'options': ['rbind', 'rslave', 'rw']}],"
    " 'hooks': {'prestart': [{'path': '/usr/bin/netsetup', 'args': ['netsetup', 'up'],"
    "   'env': ['A=1'], 'timeout': 5}],"
    "  'poststop': [{'path': '/usr/bin/cleanup'}]},"
    " 'annotations': {'io.podman.annotations.autoremove': 'TRUE', 'org.opencontainers.x': ''},"
    " 'linux': {'namespaces': [{'type': 'pid'}, {'type': 'network', 'path': '/run/netns/n1'},"
    "   {'type': 'ipc'}, {'type': 'uts'}, {'type': 'mount'}, {'type': 'cgroup'},"
    "   {'type': 'user'}, {'type': 'time'}],"
    "  'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}],"
    "  'gidMappings': [{'containerID': 0, 'hostID': 200000, 'size': 65536}],"
    "  'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229,"
    "    'fileMode': 438, 'uid': 0, 'gid': 0},"
    "   {'path': '/dev/myfifo', 'type': 'p'}],"
    "  'sysctl': {'net.ipv4.ip_forward': '1', 'kernel.msgmax': '8192'},"
    "  'maskedPaths': ['/proc/acpi', '/proc/kcore'], 'readonlyPaths': ['/proc/sys'],"
    "  'rootfsPropagation': 'rslave', 'cgroupsPath': '/libpod_parent/libpod-abc',"
    "  'mountLabel': 'system_u:object_r:c1',"
    "  'resources': {'devices': [{'allow': false, 'access': 'rwm'}], 'pids': {'limit': 2048}},"
    "  'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38},"
    "  'timeOffsets': {'monotonic': {'secs': 1, 'nanosecs': 0}},"
    "  'intelRdt': {'closID': 'ignored'}},"
    " 'unknownTopLevel': {'ignored': [1, 2, 3]}}";

static void test_full_process(const struct spec *s)
{
	const struct spec_process *p = &s->process;

	UNIT_CHECK(s->has_process && p->terminal, "process.terminal");
	UNIT_CHECK(p->has_console_size && p->console_height == 24 && p->console_width == 80,
		   "process.consoleSize");
	UNIT_CHECK(p->user.uid == 1000 && p->user.gid == 1001, "process.user uid and gid");
	UNIT_CHECK(p->user.has_umask && p->user.umask == 022, "process.user.umask");
	UNIT_CHECK(p->user.n_additional_gids == 2 && p->user.additional_gids[0] == 10 &&
		       p->user.additional_gids[1] == 4294967295u,
		   "process.user.additionalGids, up to 2^32-1");
	UNIT_CHECK(p->args && p->args[3] == NULL, "process.args has 3 entries");
	UNIT_STREQ(p->args[2], "echo hi", "process.args[2]");
	UNIT_STREQ(p->env[2], "container=podman", "process.env[2]");
	UNIT_STREQ(p->cwd, "/work", "process.cwd");
	UNIT_CHECK(p->has_capabilities && has_cap(p->capabilities.bounding, "CAP_SYS_ADMIN") &&
		       has_cap(p->capabilities.bounding, "CAP_CHOWN") &&
		       !has_cap(p->capabilities.bounding, "CAP_NET_RAW"),
		   "process.capabilities.bounding as a mask");
	UNIT_CHECK(p->capabilities.bounding ==
		       ((UINT64_C(1) << 0) | (UINT64_C(1) << 21) | (UINT64_C(1) << 5)),
		   "bounding mask is exactly CHOWN|KILL|SYS_ADMIN");
	UNIT_CHECK(p->capabilities.inheritable == 0 &&
		       p->capabilities.ambient == (UINT64_C(1) << 5),
		   "inheritable empty, ambient KILL");
	UNIT_CHECK(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_NOFILE &&
		       p->rlimits[0].soft == 1024 && p->rlimits[0].hard == UINT64_MAX,
		   "RLIMIT_NOFILE with hard 18446744073709551615");
	UNIT_STREQ(p->rlimits[1].type, "RLIMIT_NPROC", "rlimit type kept");
	UNIT_CHECK(p->rlimits[1].resource == RLIMIT_NPROC, "RLIMIT_NPROC resource");
	UNIT_CHECK(p->no_new_privileges && p->has_oom_score_adj && p->oom_score_adj == -999,
		   "noNewPrivileges and oomScoreAdj");
	UNIT_STREQ(p->apparmor_profile, "containers-default", "apparmorProfile");
	UNIT_STREQ(p->selinux_label, "system_u:system_r:c1", "selinuxLabel");
}

static void test_full_mounts(const struct spec *s)
{
	const struct spec_mount *m = s->mounts;

	UNIT_CHECK(s->n_mounts == 5, "five mounts");
	UNIT_CHECK(m[0].flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV) && !m[0].data,
		   "/proc flags, no data");
	UNIT_CHECK(m[1].flags == (MS_NOSUID | MS_STRICTATIME), "/dev flags");
	UNIT_STREQ(m[1].data, "mode=755,size=65536k", "/dev data");
	UNIT_CHECK(m[2].bind && !m[2].recursive && m[2].flags == MS_RDONLY &&
		       m[2].propagation == (MS_PRIVATE | MS_REC),
		   "bind mount of /etc/hosts: ro, rprivate");
	UNIT_CHECK(m[3].tmpcopyup && m[3].clear_flags == MS_RDONLY && !m[3].bind,
		   "/run tmpcopyup, rw clears MS_RDONLY");
	UNIT_CHECK(m[4].bind && m[4].recursive && m[4].propagation == (MS_SLAVE | MS_REC) &&
		       m[4].type == NULL,
		   "rbind without a type");
	UNIT_STREQ(m[4].source, "/srv/data", "mount source");
}

static void test_full_hooks_annotations(const struct spec *s)
{
	const struct spec_hook_list *pre = &s->hooks[HOOK_PRESTART];

	UNIT_CHECK(pre->n_hooks == 1 && pre->hooks[0].timeout == 5, "hooks.prestart timeout");
	UNIT_STREQ(pre->hooks[0].path, "/usr/bin/netsetup", "hooks.prestart path");
	UNIT_STREQ(pre->hooks[0].args[1], "up", "hooks.prestart args");
	UNIT_STREQ(pre->hooks[0].env[0], "A=1", "hooks.prestart env");
	UNIT_CHECK(s->hooks[HOOK_POSTSTOP].n_hooks == 1 &&
		       s->hooks[HOOK_POSTSTOP].hooks[0].timeout == 0 &&
		       s->hooks[HOOK_POSTSTOP].hooks[0].args == NULL,
		   "hooks.poststop without timeout or args");
	UNIT_CHECK(s->hooks[HOOK_CREATE_RUNTIME].n_hooks == 0, "no createRuntime hooks");
	UNIT_STREQ(spec_annotation(s, "io.podman.annotations.autoremove"), "TRUE", "annotation");
	UNIT_STREQ(spec_annotation(s, "org.opencontainers.x"), "", "empty annotation value");
	UNIT_CHECK(spec_annotation(s, "nope") == NULL, "absent annotation is NULL");
}

static void test_full_linux(const struct spec *s)
{
	const struct spec_linux *l = &s->linux_;
	const struct spec_namespace *net = spec_find_namespace(s, CLONE_NEWNET);

	UNIT_CHECK(s->has_linux && l->n_namespaces == 8, "eight namespaces");
	UNIT_CHECK(net && net->path && strcmp(net->path, "/run/netns/n1") == 0,
		   "network namespace joined by path");
	UNIT_CHECK(spec_find_namespace(s, CLONE_NEWTIME) && spec_find_namespace(s, CLONE_NEWUSER) &&
		       !spec_find_namespace(s, CLONE_NEWPID)->path,
		   "time, user and pid namespaces");
	UNIT_CHECK(l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 100000 &&
		       l->uid_mappings[0].size == 65536 && l->gid_mappings[0].host_id == 200000,
		   "uid and gid mappings");
	UNIT_CHECK(l->n_devices == 2 && l->devices[0].type == 'c' && l->devices[0].major == 10 &&
		       l->devices[0].minor == 229 && l->devices[0].has_file_mode &&
		       l->devices[0].file_mode == 0666 && l->devices[0].has_uid,
		   "character device /dev/fuse");
	UNIT_CHECK(l->devices[1].type == 'p' && !l->devices[1].has_file_mode, "fifo device");
	UNIT_CHECK(l->n_sysctl == 2, "two sysctls");
	UNIT_STREQ(l->sysctl[0].key, "net.ipv4.ip_forward", "sysctl key");
	UNIT_STREQ(l->sysctl[1].value, "8192", "sysctl value");
	UNIT_STREQ(l->masked_paths[1], "/proc/kcore", "maskedPaths");
	UNIT_CHECK(l->readonly_paths[1] == NULL, "readonlyPaths has one entry");
	UNIT_CHECK(l->rootfs_propagation == (MS_SLAVE | MS_REC), "rootfsPropagation rslave");
	UNIT_STREQ(l->cgroups_path, "/libpod_parent/libpod-abc", "cgroupsPath");
	UNIT_STREQ(l->mount_label, "system_u:object_r:c1", "mountLabel");
	UNIT_CHECK(l->resources.has_pids && l->resources.pids.limit == 2048 &&
		       l->resources.n_devices == 1 && !l->resources.devices[0].allow &&
		       l->resources.devices[0].type == 'a' && l->resources.devices[0].major == -1 &&
		       l->resources.devices[0].access == 7 && !l->resources.has_memory,
		   "resources parsed with the rest: pids limit, a device rule's wildcards");
	UNIT_CHECK(YAJL_IS_OBJECT(l->seccomp), "seccomp kept as a yajl object");
	UNIT_CHECK(l->time_monotonic.has && l->time_monotonic.secs == 1 &&
		       l->time_monotonic.nanosecs == 0 && !l->time_boottime.has,
		   "timeOffsets.monotonic parsed, boottime absent");
}

static void test_full_config(void)
{
	struct iso_error err = {0};
	struct spec *s = expect_parse(full_config, "podman-like config with every field");

	if (!s)
		return;
	UNIT_STREQ(s->oci_version, "1.0.2-dev", "ociVersion");
	UNIT_STREQ(s->root_path, "/var/lib/containers/overlay/merged", "root.path");
	UNIT_CHECK(s->root_readonly, "root.readonly");
	UNIT_STREQ(s->hostname, "web1", "hostname");
	UNIT_STREQ(s->domainname, "example.org", "domainname");
	test_full_process(s);
	test_full_mounts(s);
	test_full_hooks_annotations(s);
	test_full_linux(s);
	UNIT_CHECK(spec_validate_for_start(s, &err) == 0, "full config is valid for start");
	spec_free(s);
}

static void test_minimal(void)
{
	struct spec *s = expect_parse("{'ociVersion': '1.2.0'}", "only ociVersion");

	if (!s)
		return;
	UNIT_CHECK(!s->has_process && !s->has_linux && !s->root_path && s->n_mounts == 0 &&
		       !s->hostname && spec_find_namespace(s, CLONE_NEWPID) == NULL,
		   "absent fields stay empty");
	spec_free(s);
	s = expect_parse(DOC("'hostname': null, 'process': {'user': {'uid': 4294967295, 'gid': 0},"
			     " 'oomScoreAdj': -1000}"),
			 "null is absent; 2^32-1 is a valid uid; -1000 is a valid oomScoreAdj");
	if (s)
		UNIT_CHECK(!s->hostname && s->process.user.uid == UINT32_MAX &&
			       s->process.oom_score_adj == -1000,
			   "values at the edges");
	spec_free(s);
	spec_free(NULL);
}

static void test_malformed(void)
{
	expect_error("{'ociVersion': '1.2.0', 'process': {'args': ['sh'",
		     "config.json: invalid JSON: parse error: premature EOF");
	expect_error("", "config.json: invalid JSON: parse error: premature EOF");
	expect_error("garbage",
		     "config.json: invalid JSON: lexical error: invalid char in json text.");
	expect_error(
	    "{'ociVersion': '1.2.0',}",
	    "config.json: invalid JSON: parse error: invalid object key (must be a string)");
	expect_error("{} {}", "config.json: invalid JSON: parse error: trailing garbage");
	expect_error("['ociVersion']", "config.json: expected a JSON object at the top level");
	expect_error("'just a string'", "config.json: expected a JSON object at the top level");
	expect_error(DOC("'hostname': 'a\\u0000b'"),
		     "config.json: hostname: \\u0000 in a string is not supported");
	/* An escaped backslash followed by u0000 is just text. */
	spec_free(expect_parse(DOC("'hostname': 'a\\\\u0000b'"), "escaped backslash before u0000"));
}

/* NUL and bytes that are not UTF-8 name the field (or the object whose key) holds them. */
static void test_bad_bytes_name_the_field(void)
{
	expect_error(DOC("'process': {'args': ['sh', 'a\xff"
			 "b']}"),
		     "config.json: process.args[1]: invalid UTF-8");
	expect_error(DOC("'process': {'cwd': '/', 'args': ['\xc3']}"),
		     "config.json: process.args[0]: invalid UTF-8");
	expect_error(DOC("'mounts': [{'destination': '/a'}, {'options': ['ro', '\xe2\x82']}]"),
		     "config.json: mounts[1].options[1]: invalid UTF-8");
	expect_error(DOC("'process': {'env': ['A=1'], 'k\xff': 1}"),
		     "config.json: a key in process: invalid UTF-8");
	expect_error(DOC("'k\xff': 1"), "config.json: a top-level key: invalid UTF-8");
	expect_error(DOC("'annotations': {'a': 'x', 'b': 'y\\u0000'}"),
		     "config.json: annotations.b: \\u0000 in a string is not supported");
	/* Valid UTF-8 (here, an escaped quote before it) passes. */
	spec_free(expect_parse(DOC("'hostname': '\\\"caf\xc3\xa9'"), "UTF-8 after an escape"));
}

static void test_embedded_nul_and_depth(void)
{
	static const char nul_in_args[] = "{\"process\": {\"args\": [\"a\0b\"]}}";
	static const char nul_doc[] = "{\"ociVersion\": \"1.2.0\"}\0 garbage";
	struct iso_error err = {0};
	struct spec *spec = NULL;
	char deep[2 * 200 + 1];
	int r;

	r = spec_parse(nul_doc, sizeof(nul_doc) - 1, "config.json", &spec, &err);
	UNIT_CHECK(r == -EINVAL && !spec, "a NUL byte inside the input is refused");
	UNIT_STREQ(err.msg, "config.json: invalid JSON: contains a NUL byte", "NUL byte message");
	r = spec_parse(nul_in_args, sizeof(nul_in_args) - 1, "config.json", &spec, &err);
	UNIT_CHECK(r == -EINVAL && !spec, "a NUL byte in a string is refused");
	UNIT_STREQ(err.msg, "config.json: process.args[0]: contains a NUL byte",
		   "a NUL byte in a string names the field");
	/* The length, not a NUL, ends the text. */
	r = spec_parse("{\"ociVersion\": \"1\"}xyz", 19, "config.json", &spec, &err);
	UNIT_CHECK(r == 0 && spec, "text without a terminating NUL parses");
	spec_free(spec);
	spec = NULL;
	memset(deep, '[', 200);
	memset(deep + 200, ']', 200);
	deep[400] = '\0';
	r = spec_parse(deep, 400, "config.json", &spec, &err);
	UNIT_STREQ(err.msg, "config.json: invalid JSON: nested deeper than 64 levels",
		   "deep nesting refused before yajl");
}

static void test_type_errors(void)
{
	expect_error("{'process': {}}", "config.json: ociVersion: required");
	expect_error("{'ociVersion': 1}", "config.json: ociVersion: expected a string");
	expect_error(DOC("'root': 'rootfs'"), "config.json: root: expected an object");
	expect_error(DOC("'root': {'readonly': true}"), "config.json: root.path: required");
	expect_error(DOC("'root': {'path': 'r', 'readonly': 'yes'}"),
		     "config.json: root.readonly: expected a boolean");
	expect_error(DOC("'process': []"), "config.json: process: expected an object");
	expect_error(DOC("'process': {'terminal': 1}"),
		     "config.json: process.terminal: expected a boolean");
	expect_error(DOC("'process': {'consoleSize': {'height': 1}}"),
		     "config.json: process.consoleSize.width: required");
	expect_error(DOC("'process': {'args': 'sh'}"),
		     "config.json: process.args: expected an array");
	expect_error(DOC("'process': {'args': ['sh', '-c', 3]}"),
		     "config.json: process.args[2]: expected a string");
	expect_error(DOC("'process': {'env': [null]}"),
		     "config.json: process.env[0]: expected a string");
	expect_error(DOC("'process': {'cwd': ['/']}"),
		     "config.json: process.cwd: expected a string");
	expect_error(DOC("'hostname': true"), "config.json: hostname: expected a string");
	expect_error(DOC("'linux': []"), "config.json: linux: expected an object");
	expect_error(DOC("'linux': {'resources': []}"),
		     "config.json: linux.resources: expected an object");
	expect_error(DOC("'linux': {'maskedPaths': [1]}"),
		     "config.json: linux.maskedPaths[0]: expected a string");
	expect_error(DOC("'annotations': {'a': 1}"),
		     "config.json: annotations.a: expected a string");
	expect_error(DOC("'annotations': {'io.podman.x': null}"),
		     "config.json: annotations[\"io.podman.x\"]: expected a string");
	expect_error(DOC("'annotations': []"), "config.json: annotations: expected an object");
}

#define USER(...) DOC("'process': {'user': {" __VA_ARGS__ "}}")

static void test_integers(void)
{
	const char *u32 = "config.json: process.user.uid: expected an unsigned 32-bit integer";

	expect_error(USER("'uid': -1, 'gid': 0"), u32);
	expect_error(USER("'uid': 4294967296, 'gid': 0"), u32);
	expect_error(USER("'uid': 99999999999999999999999, 'gid': 0"), u32);
	expect_error(USER("'uid': 1.5, 'gid': 0"), u32);
	expect_error(USER("'uid': 1e3, 'gid': 0"), u32);
	expect_error(USER("'uid': '0', 'gid': 0"), u32);
	expect_error(USER("'uid': true, 'gid': 0"), u32);
	expect_error(USER("'uid': 0"), "config.json: process.user.gid: required");
	expect_error(USER("'uid': 0, 'gid': 0, 'umask': 512"),
		     "config.json: process.user.umask: must be between 0 and 0777");
	expect_error(USER("'uid': 0, 'gid': 0, 'additionalGids': [1, -2]"),
		     "config.json: process.user.additionalGids[1]: expected an unsigned 32-bit "
		     "integer");
	expect_error(DOC("'process': {'oomScoreAdj': 1001}"),
		     "config.json: process.oomScoreAdj: must be between -1000 and 1000");
	expect_error(DOC("'process': {'oomScoreAdj': 2147483648}"),
		     "config.json: process.oomScoreAdj: expected a 32-bit integer");
	expect_error(DOC("'process': {'rlimits': [{'type': 'RLIMIT_CORE', 'soft': 0,"
			 " 'hard': 18446744073709551616}]}"),
		     "config.json: process.rlimits[0].hard: expected an unsigned 64-bit integer");
	expect_error(
	    DOC("'process': {'rlimits': [{'type': 'RLIMIT_CORE', 'soft': -1, 'hard': 0}]}"),
	    "config.json: process.rlimits[0].soft: expected an unsigned 64-bit integer");
}

#define RLIMITS(...) DOC("'process': {'rlimits': [" __VA_ARGS__ "]}")
#define CAPS(...)    DOC("'process': {'capabilities': {" __VA_ARGS__ "}}")

static void test_process_errors(void)
{
	expect_error(RLIMITS("{'type': 'RLIMIT_FOO', 'soft': 1, 'hard': 1}"),
		     "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
	expect_error(RLIMITS("{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1},"
			     "{'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': 2}"),
		     "config.json: process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"");
	expect_error(RLIMITS("{'type': 'RLIMIT_NOFILE', 'soft': 2048, 'hard': 1024}"),
		     "config.json: process.rlimits[0]: soft limit 2048 is greater than hard limit "
		     "1024");
	expect_error(RLIMITS("{'type': 'RLIMIT_NOFILE', 'hard': 1024}"),
		     "config.json: process.rlimits[0].soft: required");
	expect_error(RLIMITS("'RLIMIT_NOFILE'"),
		     "config.json: process.rlimits[0]: expected an object");
	expect_error(CAPS("'bounding': ['CAP_CHOWN', 'CAP_KILL', 'CAP_SETUID', 'CAP_FOO']"),
		     "config.json: process.capabilities.bounding[3]: unknown capability "
		     "\"CAP_FOO\"");
	expect_error(CAPS("'ambient': ['cap_chown']"),
		     "config.json: process.capabilities.ambient[0]: unknown capability "
		     "\"cap_chown\"");
	expect_error(CAPS("'effective': [7]"),
		     "config.json: process.capabilities.effective[0]: expected a string");
	expect_error(CAPS("'permitted': 'CAP_CHOWN'"),
		     "config.json: process.capabilities.permitted: expected an array");
}

#define MOUNTS(...) DOC("'mounts': [" __VA_ARGS__ "]")
#define HOOKS(...)  DOC("'hooks': {" __VA_ARGS__ "}")

static void test_mount_hook_errors(void)
{
	expect_error(MOUNTS("{'destination': '/proc', 'type': 'proc'},"
			    "{'destination': 'dev', 'type': 'tmpfs'}"),
		     "config.json: mounts[1].destination: must be an absolute path");
	expect_error(MOUNTS("{'type': 'tmpfs'}"), "config.json: mounts[0].destination: required");
	expect_error(MOUNTS("{'destination': '/x', 'options': ['ro', 1]}"),
		     "config.json: mounts[0].options[1]: expected a string");
	expect_error(DOC("'mounts': {}"), "config.json: mounts: expected an array");
	expect_error(MOUNTS("'/proc'"), "config.json: mounts[0]: expected an object");
	expect_error(HOOKS("'prestart': [{'path': 'bin/hook'}]"),
		     "config.json: hooks.prestart[0].path: must be an absolute path");
	expect_error(HOOKS("'createRuntime': [{'args': ['x']}]"),
		     "config.json: hooks.createRuntime[0].path: required");
	expect_error(HOOKS("'poststop': [{'path': '/a'}, {'path': '/b', 'timeout': 0}]"),
		     "config.json: hooks.poststop[1].timeout: must be at least 1");
	expect_error(HOOKS("'startContainer': [{'path': '/a', 'env': 'A=1'}]"),
		     "config.json: hooks.startContainer[0].env: expected an array");
}

#define LINUX(...) DOC("'linux': {" __VA_ARGS__ "}")

static void test_linux_errors(void)
{
	expect_error(LINUX("'namespaces': [{'type': 'pid'}, {'type': 'mount'}, {'type': 'pid'}]"),
		     "config.json: linux.namespaces[2].type: duplicate namespace type \"pid\"");
	expect_error(LINUX("'namespaces': [{'type': 'foo'}]"),
		     "config.json: linux.namespaces[0].type: unknown namespace type \"foo\"");
	expect_error(LINUX("'namespaces': [{'path': '/run/netns/x'}]"),
		     "config.json: linux.namespaces[0].type: required");
	expect_error(LINUX("'namespaces': [{'type': 'network', 'path': 'netns/x'}]"),
		     "config.json: linux.namespaces[0].path: must be an absolute path");
	expect_error(LINUX("'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 0}]"),
		     "config.json: linux.uidMappings[0].size: must be at least 1");
	expect_error(LINUX("'gidMappings': [{'containerID': 0, 'hostID': 1000}]"),
		     "config.json: linux.gidMappings[0].size: required");
	expect_error(LINUX("'uidMappings': [{'containerID': 4294967295, 'hostID': 0, 'size': 2}]"),
		     "config.json: linux.uidMappings[0].size: containerID + size exceeds 2^32");
	expect_error(
	    LINUX("'devices': [{'path': '/dev/x', 'type': 'x'}]"),
	    "config.json: linux.devices[0].type: must be one of \"c\", \"b\", \"u\", \"p\"");
	expect_error(LINUX("'devices': [{'path': '/dev/x', 'type': 'c', 'minor': 1}]"),
		     "config.json: linux.devices[0].major: required for a \"c\" device");
	expect_error(LINUX("'devices': [{'path': '/dev/x', 'type': 'b', 'major': 8, 'minor': -1}]"),
		     "config.json: linux.devices[0].minor: must be between 0 and 1048575");
	expect_error(LINUX("'devices': [{'path': 'dev/x', 'type': 'p'}]"),
		     "config.json: linux.devices[0].path: must be an absolute path");
	expect_error(LINUX("'devices': [{'path': '/dev/x', 'type': 'p', 'fileMode': 65536}]"),
		     "config.json: linux.devices[0].fileMode: must be between 0 and 0177777");
	/* 8630 = 020666, a character device's st_mode. */
	expect_error(LINUX("'devices': [{'path': '/dev/x', 'type': 'b', 'major': 8, 'minor': 0, "
			   "'fileMode': 8630}]"),
		     "config.json: linux.devices[0].fileMode: file type bits 020000 contradict "
		     "type \"b\"");
	expect_error(LINUX("'devices': [{'path': '/dev/x', 'type': 'c', 'major': 1, 'minor': 3, "
			   "'fileMode': 33188}]"),
		     "config.json: linux.devices[0].fileMode: file type bits 0100000 contradict "
		     "type \"c\"");
	expect_error(LINUX("'sysctl': {'net.ipv4.ip_forward': 1}"),
		     "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string");
	expect_error(LINUX("'rootfsPropagation': 'bogus'"),
		     "config.json: linux.rootfsPropagation: unknown propagation \"bogus\"");
	expect_error(LINUX("'timeOffsets': {'monotonic': {'secs': 'x'}}"),
		     "config.json: linux.timeOffsets.monotonic.secs: expected a 64-bit integer");
	expect_error(LINUX("'timeOffsets': {'boottime': {'secs': 1, 'nanosecs': 1000000000}}"),
		     "config.json: linux.timeOffsets.boottime.nanosecs: must be between 0 and "
		     "999999999");
	expect_error(LINUX("'timeOffsets': {'realtime': {'secs': 1}}"),
		     "config.json: linux.timeOffsets.realtime: unknown clock (monotonic or "
		     "boottime)");
	expect_error(LINUX("'timeOffsets': {'monotonic': 5}"),
		     "config.json: linux.timeOffsets.monotonic: expected an object");
}

#define RESOURCES(...) LINUX("'resources': {" __VA_ARGS__ "}")

/* linux.resources is parsed with the rest of the document: each error names its path below
 * linux.resources, as every other field's does. */
static void test_resources_errors(void)
{
	expect_error(RESOURCES("'memory': {'limit': 'x'}"),
		     "config.json: linux.resources.memory.limit: expected a 64-bit integer");
	expect_error(RESOURCES("'memory': {'limit': -2}"),
		     "config.json: linux.resources.memory.limit: must be at least -1");
	expect_error(RESOURCES("'memory': {'limit': 2000000, 'swap': 1000000}"),
		     "config.json: linux.resources.memory.swap: 1000000 is less than memory.limit "
		     "2000000 (swap is the limit of memory plus swap)");
	expect_error(RESOURCES("'memory': {'swappiness': 101}"),
		     "config.json: linux.resources.memory.swappiness: must be between 0 and 100");
	expect_error(RESOURCES("'cpu': {'shares': -1}"),
		     "config.json: linux.resources.cpu.shares: expected an unsigned 64-bit "
		     "integer");
	expect_error(RESOURCES("'cpu': {'cpus': 3}"),
		     "config.json: linux.resources.cpu.cpus: expected a string");
	expect_error(RESOURCES("'pids': {}"), "config.json: linux.resources.pids.limit: required");
	expect_error(RESOURCES("'pids': {'limit': true}"),
		     "config.json: linux.resources.pids.limit: expected a 64-bit integer");
	expect_error(RESOURCES("'blockIO': {'weight': 5}"),
		     "config.json: linux.resources.blockIO.weight: must be between 10 and 1000");
	expect_error(RESOURCES("'blockIO': {'throttleReadBpsDevice': [{'major': 8, 'minor': -1, "
			       "'rate': 1}]}"),
		     "config.json: linux.resources.blockIO.throttleReadBpsDevice[0].minor: must be "
		     "between 0 and 1048575");
	expect_error(RESOURCES("'hugepageLimits': [{'pageSize': '2M/x', 'limit': 1}]"),
		     "config.json: linux.resources.hugepageLimits[0].pageSize: \"2M/x\" is not a "
		     "page size like 2MB or 1GB");
	expect_error(RESOURCES("'network': {'priorities': [{'name': 'a b', 'priority': 1}]}"),
		     "config.json: linux.resources.network.priorities[0].name: \"a b\" is not an "
		     "interface name");
	expect_error(RESOURCES("'devices': [{'allow': true, 'access': 'rwx'}]"),
		     "config.json: linux.resources.devices[0].access: expected a combination of r, "
		     "w and m (an a is ignored)");
	expect_error(RESOURCES("'devices': {}"),
		     "config.json: linux.resources.devices: expected an array");
	expect_error(RESOURCES("'unified': {'cgroup.procs': '1'}"),
		     "config.json: linux.resources.unified: \"cgroup.procs\" is not a controller "
		     "file");
	expect_error(RESOURCES("'unified': {'memory.high': 5}"),
		     "config.json: linux.resources.unified[\"memory.high\"]: expected a string");
}

/* podman writes fileMode as the host node's st_mode: 8630 = 020666, 25008 = 060660,
 * 4480 = 010600. */
static void test_device_file_type_bits(void)
{
	struct spec *s = expect_parse(
	    LINUX("'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229,"
		  " 'fileMode': 8630}, {'path': '/dev/u', 'type': 'u', 'major': 1, 'minor': 3,"
		  " 'fileMode': 8630}, {'path': '/dev/sda', 'type': 'b', 'major': 8, 'minor': 0,"
		  " 'fileMode': 25008}, {'path': '/dev/f', 'type': 'p', 'fileMode': 4480}]"),
	    "fileMode with the file type bits of its type");
	const struct spec_device *d = s ? s->linux_.devices : NULL;

	UNIT_CHECK(d && d[0].file_mode == 0666 && d[1].file_mode == 0666 &&
		       d[2].file_mode == 0660 && d[3].file_mode == 0600,
		   "file type bits dropped, permission bits kept");
	spec_free(s);
}

static void test_mount_options(void)
{
	char *opts[] = {"nosuid",      "noexec", "nodev",    "ro",	  "mode=755", "",
			"size=65536k", "rbind",	 "rprivate", "tmpcopyup", NULL};
	char *flip[] = {"ro", "rw", "noatime", "atime", "nosuid", NULL};
	char *rec[] = {"rbind", "rro", "rnosuid", "rsuid", "rnosymfollow", "rnoexec", "ro", NULL};
	struct spec_mount m = {.destination = "/x", .type = "tmpfs", .options = opts};
	struct iso_error err = {0};
	unsigned long prop = 0;
	char *big[3] = {NULL, NULL, NULL};
	int r;

	r = mount_options_parse(&m, "config.json: mounts[0]", &err);
	UNIT_CHECK(r == 0 && m.flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY) &&
		       m.clear_flags == 0,
		   "flags from nosuid noexec nodev ro");
	UNIT_CHECK(m.bind && m.recursive && m.tmpcopyup && m.propagation == (MS_PRIVATE | MS_REC),
		   "rbind, rprivate, tmpcopyup");
	UNIT_STREQ(m.data, "mode=755,size=65536k", "the rest goes to data, empty options dropped");
	m.options = flip;
	m.type = "bind";
	r = mount_options_parse(&m, "config.json: mounts[0]", &err);
	UNIT_CHECK(r == 0 && m.flags == MS_NOSUID && m.clear_flags == (MS_RDONLY | MS_NOATIME) &&
		       m.bind && !m.recursive && !m.tmpcopyup && m.data == NULL,
		   "later options win; type bind implies a non-recursive bind");
	m.options = rec;
	r = mount_options_parse(&m, "config.json: mounts[0]", &err);
	UNIT_CHECK(r == 0 && m.rec_flags == (MS_RDONLY | MS_NOSYMFOLLOW | MS_NOEXEC) &&
		       m.rec_clear_flags == MS_NOSUID && m.flags == MS_RDONLY && m.data == NULL,
		   "recursive options are flags of their own, never filesystem data");
	big[0] = malloc(5000);
	memset(big[0], 'x', 4999);
	big[0][4999] = '\0';
	m.options = big;
	r = mount_options_parse(&m, "config.json: mounts[4]", &err);
	UNIT_STREQ(err.msg,
		   "config.json: mounts[4].options: filesystem options longer than 4095 bytes",
		   "data longer than a page is refused");
	free(big[0]);
	free(m.data);
	UNIT_CHECK(mount_propagation_from_name("rshared", &prop) == 0 &&
		       prop == (MS_SHARED | MS_REC),
		   "rshared");
	UNIT_CHECK(mount_propagation_from_name("unbindable", &prop) == 0 && prop == MS_UNBINDABLE,
		   "unbindable");
	UNIT_CHECK(mount_propagation_from_name("bogus", &prop) == -EINVAL, "unknown propagation");
}

#define PROC	   "'root': {'path': 'rootfs'}, 'process': {'user': {'uid': 0, 'gid': 0}, "
#define START(...) DOC(PROC "'args': ['sh'], 'cwd': '/'}, " __VA_ARGS__)
#define USERNS	   "'linux': {'namespaces': [{'type': 'user'}, {'type': 'mount'}]"
#define UIDMAP	   "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]"
#define GIDMAP	   "'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]"

static void test_validate_for_start(void)
{
	expect_start(START("'hostname': 'h'"), NULL);
	expect_start(DOC("'root': {'path': 'rootfs'}"), "config.json: process: required");
	expect_start(DOC(PROC "'args': [], 'cwd': '/'}"),
		     "config.json: process.args: must be a non-empty array of strings");
	expect_start(DOC(PROC "'cwd': '/'}"),
		     "config.json: process.args: must be a non-empty array of strings");
	expect_start(DOC(PROC "'args': ['sh']}"), "config.json: process.cwd: required");
	expect_start(DOC(PROC "'args': ['sh'], 'cwd': 'home'}"),
		     "config.json: process.cwd: must be an absolute path");
	expect_start(DOC("'root': {'path': 'r'}, 'process': {'args': ['sh'], 'cwd': '/'}"),
		     "config.json: process.user: required");
	expect_start(DOC("'process': {'user': {'uid': 0, 'gid': 0}, 'args': ['sh'], 'cwd': '/'}"),
		     "config.json: root.path: required");
	expect_start(DOC("'root': {'path': ''}, 'process': {'user': {'uid': 0, 'gid': 0}, "
			 "'args': ['sh'], 'cwd': '/'}"),
		     "config.json: root.path: must not be empty");
	expect_start(START(USERNS "}"),
		     "config.json: linux.uidMappings: required when creating a user namespace");
	expect_start(START(USERNS ", " UIDMAP "}"),
		     "config.json: linux.gidMappings: required when creating a user namespace");
	expect_start(START(USERNS ", " UIDMAP ", " GIDMAP "}"), NULL);
	expect_start(
	    START("'linux': {'namespaces': [{'type': 'user', 'path': '/proc/1/ns/user'}]}"), NULL);
	expect_start(START("'linux': {" UIDMAP ", " GIDMAP "}"),
		     "config.json: linux.uidMappings: needs a user namespace in linux.namespaces");
}

/* BUNDLE/config.json the way create reads it (config_load.h). */
static int load_bundle(const char *dir, struct spec **ret, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = config_read(dir, &text, &len, err);

	return r < 0 ? r : spec_parse(text, len, "config.json", ret, err);
}

static void check_default(const char *dir, bool rootless)
{
	_cleanup_free_ char *path = NULL;
	struct iso_error err = {0};
	struct spec *s = NULL;
	const struct spec_mount *pts;
	int r;

	if (asprintf(&path, "%s/config.json", dir) < 0)
		return;
	r = spec_write_default(path, rootless, NULL, &err);
	UNIT_CHECK(r == 0, "spec_write_default (rootless=%d)", rootless);
	r = load_bundle(dir, &s, &err);
	UNIT_CHECK(r == 0 && s, "default config re-parses (rootless=%d)", rootless);
	if (!s) {
		printf("#   %s\n", err.msg);
		return;
	}
	r = spec_validate_for_start(s, &err);
	UNIT_CHECK(r == 0, "default config is startable (rootless=%d)", rootless);
	if (r < 0)
		printf("#   %s\n", err.msg);
	UNIT_CHECK(s->process.terminal && strcmp(s->process.args[0], "sh") == 0 &&
		       !s->process.args[1] && strcmp(s->process.cwd, "/") == 0 &&
		       s->process.no_new_privileges,
		   "default process: sh on a terminal in /, noNewPrivileges (runc's)");
	UNIT_CHECK(has_cap(s->process.capabilities.permitted, "CAP_NET_BIND_SERVICE") &&
		       s->process.capabilities.inheritable == 0 && s->n_mounts == 8 &&
		       s->process.n_rlimits == 1 && s->process.rlimits[0].hard == 1024,
		   "default capabilities, mounts and rlimit");
	UNIT_CHECK(strcmp(s->mounts[7].destination, "/tmp") == 0 &&
		       strcmp(s->mounts[7].type, "tmpfs") == 0 && s->mounts[7].data &&
		       strstr(s->mounts[7].data, "size=65536k"),
		   "default /tmp: a tmpfs of bounded size");
	UNIT_CHECK(s->root_readonly && strcmp(s->root_path, "rootfs") == 0 &&
		       strcmp(s->hostname, "isorun") == 0 && strcmp(s->oci_version, "1.2.0") == 0,
		   "default root, hostname, ociVersion");
	pts = &s->mounts[2];
	if (!rootless) {
		UNIT_CHECK(spec_find_namespace(s, CLONE_NEWNET) &&
			       !spec_find_namespace(s, CLONE_NEWUSER) &&
			       s->linux_.resources.has_pids &&
			       s->linux_.resources.pids.limit == SPEC_DEFAULT_PIDS_LIMIT &&
			       s->linux_.resources.memory.limit == SPEC_DEFAULT_MEMORY_LIMIT,
			   "default: network namespace, no user namespace, pids and memory limits");
		UNIT_STREQ(pts->data, "newinstance,ptmxmode=0666,mode=0620,gid=5", "devpts data");
	} else {
		UNIT_CHECK(!spec_find_namespace(s, CLONE_NEWNET) &&
			       spec_find_namespace(s, CLONE_NEWUSER) &&
			       s->linux_.uid_mappings[0].host_id == geteuid() &&
			       s->linux_.gid_mappings[0].host_id == getegid() &&
			       s->linux_.uid_mappings[0].size == 1 &&
			       !s->linux_.resources.has_pids && !s->linux_.resources.has_memory,
			   "rootless: user namespace mapping the caller to root, no network ns");
		UNIT_STREQ(pts->data, "newinstance,ptmxmode=0666,mode=0620",
			   "rootless devpts: no gid=5");
		UNIT_CHECK(s->mounts[5].bind && s->mounts[5].recursive,
			   "rootless /sys is an rbind");
	}
	spec_free(s);
	unlink(path);
}

/* One limit for every reader of config.json: it must be smaller than SPEC_MAX_SIZE bytes. */
static void check_size_limit(const char *dir)
{
	_cleanup_free_ char *path = NULL, *text = NULL, *expected = NULL;
	struct iso_error err = {0};
	size_t len;
	FILE *f;
	int r;

	if (asprintf(&path, "%s/config.json", dir) < 0 ||
	    asprintf(&expected, "%s: larger than %u bytes: File too large", path, SPEC_MAX_SIZE) <
		0 ||
	    !(f = fopen(path, "we")))
		return;
	r = ftruncate(fileno(f), SPEC_MAX_SIZE - 1);
	fclose(f);
	UNIT_CHECK(r == 0 && config_read(dir, &text, &len, &err) == 0 && len == SPEC_MAX_SIZE - 1,
		   "config_read takes a config.json of SPEC_MAX_SIZE - 1 bytes");
	free(text);
	text = NULL;
	r = truncate(path, SPEC_MAX_SIZE);
	UNIT_CHECK(r == 0 && config_read(dir, &text, &len, &err) == -EFBIG && !text,
		   "config_read refuses one byte more");
	UNIT_STREQ(err.msg, expected, "the error names the file and the limit");
	if (strcmp(err.msg, expected))
		printf("#   got: %s\n", err.msg);
	unlink(path);
}

static void test_default_and_load(void)
{
	char dir[] = "/tmp/isorun-test-spec-XXXXXX";
	struct iso_error err = {0};
	_cleanup_free_ char *expected = NULL;
	struct spec *s = NULL;
	int r;

	if (!mkdtemp(dir)) {
		UNIT_CHECK(0, "mkdtemp");
		return;
	}
	r = load_bundle(dir, &s, &err);
	if (asprintf(&expected, "%s/config.json: No such file or directory", dir) < 0)
		return;
	UNIT_CHECK(r == -ENOENT && !s, "config_read without config.json fails with ENOENT");
	UNIT_STREQ(err.msg, expected, "missing config.json names the path");
	check_default(dir, false);
	check_default(dir, true);
	check_size_limit(dir);
	rmdir(dir);
}

int main(void)
{
	test_full_config();
	test_minimal();
	test_malformed();
	test_bad_bytes_name_the_field();
	test_embedded_nul_and_depth();
	test_type_errors();
	test_integers();
	test_process_errors();
	test_mount_hook_errors();
	test_linux_errors();
	test_resources_errors();
	test_device_file_type_bits();
	test_mount_options();
	test_validate_for_start();
	test_default_and_load();
	return unit_done();
}
