/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for linux.seccomp: SHA-256 (known vectors), the parser (every error with its JSON
 * path), the canonical form, the compiler (unknown names, several conditions on one argument),
 * the compiled-filter cache (hit, corruption, stale key) and the Docker profile converter
 * (includes/excludes by arch, caps and kernel; archMap; name vs names).
 *
 * JSON is written with single quotes; sq() turns them into double quotes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "unit.h"
#include "runtime/spec/cap_names.h"
#include "util/json_walk.h"
#include "runtime/seccomp/seccomp_build.h"
#include "runtime/seccomp/seccomp_cache.h"
#include "runtime/spec/seccomp_config.h"
#include "runtime/seccomp/seccomp_profile.h"
#include "runtime/trace/syscall_profile.h"
#include "runtime/trace/syscall_recorder.h"
#include "runtime/trace/syscall_recorder_bpf.h"
#include "util/cleanup.h"
#include "util/jsongen.h"
#include "util/sha256.h"

/* ---- SHA-256 ---- */

static void check_digest(const void *data, size_t len, const char *want, const char *what)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];

	sha256(data, len, d);
	sha256_hex(d, hex);
	UNIT_CHECK(strcmp(hex, want) == 0, "sha256(%s)", what);
}

/* The CPU's SHA instructions (where it has them) and the portable code agree on every length
 * around the block and padding boundaries, and on pseudo-random bytes. */
static void test_sha256_implementations(void)
{
	uint8_t data[1100], native[SHA256_DIGEST_SIZE], portable[SHA256_DIGEST_SIZE];
	uint32_t x = 2463534242u;
	size_t mismatches = 0;

	for (size_t i = 0; i < sizeof(data); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (uint8_t)x;
	}
	for (size_t len = 0; len <= sizeof(data); len += len < 200 ? 1 : 37) {
		sha256_use_portable(false);
		sha256(data, len, native);
		sha256_use_portable(true);
		sha256(data, len, portable);
		mismatches += memcmp(native, portable, sizeof(native)) != 0;
	}
	sha256_use_portable(false);
	UNIT_CHECK(mismatches == 0,
		   "sha256: the CPU's instructions agree with the portable code "
		   "(%zu lengths differ)",
		   mismatches);
}

static void test_sha256(void)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);
	uint8_t one[SHA256_DIGEST_SIZE], pieces[SHA256_DIGEST_SIZE];
	struct sha256 s;

	check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		     "empty");
	check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		     "abc");
	check_digest(two_blocks, strlen(two_blocks),
		     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		     "448-bit message");
	memset(million, 'a', 1000000);
	check_digest(million, 1000000,
		     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		     "one million 'a'");
	/* The same bytes fed in odd-sized pieces across block boundaries. */
	sha256(million, 1000, one);
	sha256_init(&s);
	for (size_t off = 0, step = 1; off < 1000; off += step, step = step * 3 % 97 + 1)
		sha256_update(&s, million + off, off + step > 1000 ? 1000 - off : step);
	sha256_final(&s, pieces);
	UNIT_CHECK(memcmp(one, pieces, sizeof(one)) == 0, "sha256: incremental == one-shot");
	free(million);
}

static void test_sha256_both(void)
{
	sha256_use_portable(true);
	test_sha256();
	sha256_use_portable(false);
	test_sha256();
	test_sha256_implementations();
}

/* ---- parser ---- */

static int parse_seccomp(const char *json_sq, struct seccomp_config *cfg, struct iso_error *err)
{
	_cleanup_free_ char *text = sq(json_sq);
	yajl_val tree = NULL;
	int r = json_parse_tree(text, strlen(text), "config.json", &tree, err);

	if (r == 0)
		r = seccomp_config_from_spec(tree, cfg, err);
	if (tree)
		yajl_tree_free(tree);
	return r;
}

static void expect_error(const char *json_sq, const char *msg)
{
	struct seccomp_config cfg = {0};
	struct iso_error err = {0};
	int r = parse_seccomp(json_sq, &cfg, &err);

	UNIT_CHECK(r == -EINVAL && strcmp(err.msg, msg) == 0, "refused: %s", msg);
	if (r != -EINVAL || strcmp(err.msg, msg))
		printf("#   got r=%d: %s\n", r, err.msg);
	seccomp_config_free(&cfg);
}

#define P "config.json: linux.seccomp."

static void test_parse_errors(void)
{
	expect_error("{}", P "defaultAction: required");
	expect_error("{'defaultAction': 5}", P "defaultAction: expected a string");
	expect_error("{'defaultAction': 'SCMP_ACT_FOO'}",
		     P "defaultAction: unknown action \"SCMP_ACT_FOO\"");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86', "
		     "'SCMP_ARCH_VAX']}",
		     P "architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_FOO']}",
		     P "flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FOO\"");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': {}}",
		     P "syscalls: expected an array");
	expect_error(
	    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
	    "'action': 'SCMP_ACT_ERRNO'}, {'names': ['write'], 'action': 'SCMP_ACT_NOPE'}]}",
	    P "syscalls[1].action: unknown action \"SCMP_ACT_NOPE\"");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		     "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1, 'op': "
		     "'SCMP_CMP_EQ'}, {'index': 1, 'value': 1, 'op': 'SCMP_CMP_ALMOST'}]}]}",
		     P "syscalls[0].args[1].op: unknown operator \"SCMP_CMP_ALMOST\"");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		     "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 6, 'value': 1, 'op': "
		     "'SCMP_CMP_EQ'}]}]}",
		     P "syscalls[0].args[0].index: must be between 0 and 5");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		     "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'op': 'SCMP_CMP_EQ'}]}]}",
		     P "syscalls[0].args[0].value: required");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		     "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': -1, 'op': "
		     "'SCMP_CMP_EQ'}]}]}",
		     P "syscalls[0].args[0].value: expected an unsigned 64-bit integer");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': [], "
		     "'action': 'SCMP_ACT_ERRNO'}]}",
		     P "syscalls[0].names: must name at least one syscall");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read', 7], "
		     "'action': 'SCMP_ACT_ERRNO'}]}",
		     P "syscalls[0].names[1]: expected a string");
	expect_error("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read'], "
		     "'action': 'SCMP_ACT_ALLOW', 'errnoRet': 1}]}",
		     P "syscalls[0].errnoRet: not allowed with SCMP_ACT_ALLOW (only with "
		       "SCMP_ACT_ERRNO and SCMP_ACT_TRACE)");
	expect_error("{'defaultAction': 'SCMP_ACT_KILL', 'defaultErrnoRet': 1}",
		     P "defaultErrnoRet: not allowed with defaultAction SCMP_ACT_KILL");
	expect_error("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 5000}",
		     P "defaultErrnoRet: must be between 0 and 4095");
	expect_error("{'defaultAction': 'SCMP_ACT_NOTIFY', 'listenerPath': '/x'}",
		     P "defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpgid'], "
		     "'action': 'SCMP_ACT_NOTIFY'}]}",
		     P "listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/l', 'syscalls': "
		     "[{'names': ['read'], 'action': 'SCMP_ACT_LOG'}, {'names': ['getpid', "
		     "'sendmsg'], 'action': 'SCMP_ACT_NOTIFY'}]}",
		     P "syscalls[1]: SCMP_ACT_NOTIFY cannot be used for sendmsg (the runtime needs "
		       "it to hand over the listener)");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerMetadata': 'x'}",
		     P "listenerMetadata: set without listenerPath");
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': 'rel', 'syscalls': "
		     "[{'names': ['getpid'], 'action': 'SCMP_ACT_NOTIFY'}]}",
		     P "listenerPath: must be an absolute path");
}

static char *canonical(const char *json_sq, bool for_key)
{
	struct seccomp_config cfg = {0};
	struct iso_error err = {0};
	char *text = NULL;
	yajl_gen g;

	if (parse_seccomp(json_sq, &cfg, &err) < 0) {
		printf("#   %s\n", err.msg);
		return strdup("(error)");
	}
	g = jsongen_new(false);
	seccomp_config_gen(g, &cfg, for_key);
	jsongen_finish(g, &text, NULL, &err);
	seccomp_config_free(&cfg);
	return text;
}

static void test_canonical(void)
{
	_cleanup_free_ char *a = canonical(
	    "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, 'syscalls': [{'names': "
	    "['personality'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': "
	    "18446744073709551615, 'op': 'SCMP_CMP_MASKED_EQ', 'valueTwo': 8}]}], "
	    "'architectures': ['SCMP_ARCH_X86_64'], 'flags': ['SECCOMP_FILTER_FLAG_LOG']}",
	    true);
	_cleanup_free_ char *b = canonical(
	    "{ 'flags' : ['SECCOMP_FILTER_FLAG_LOG'], 'listenerPath': null, 'architectures': "
	    "['SCMP_ARCH_X86_64'], 'syscalls': [{'args': [{'op': 'SCMP_CMP_MASKED_EQ', "
	    "'valueTwo': 8, 'value': 18446744073709551615, 'index': 0}], 'action': "
	    "'SCMP_ACT_ALLOW', 'names': ['personality']}], 'defaultErrnoRet': 38, "
	    "'defaultAction': 'SCMP_ACT_ERRNO'}",
	    true);
	_cleanup_free_ char *c = canonical(
	    "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, 'syscalls': [{'names': "
	    "['personality'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': "
	    "18446744073709551614, 'op': 'SCMP_CMP_MASKED_EQ', 'valueTwo': 8}]}], "
	    "'architectures': ['SCMP_ARCH_X86_64'], 'flags': ['SECCOMP_FILTER_FLAG_LOG']}",
	    true);

	UNIT_STREQ(a, b, "canonical form ignores key order, whitespace and null fields");
	UNIT_CHECK(strcmp(a, c) != 0, "canonical form changes with a value");
	UNIT_CHECK(strstr(a, "\"value\":18446744073709551615") != NULL,
		   "uint64 values beyond INT64_MAX survive");
}

/* ---- compiler ---- */

static int build(const char *json_sq, struct seccomp_bpf *bpf, struct iso_error *err)
{
	struct seccomp_config cfg = {0};
	int r = parse_seccomp(json_sq, &cfg, err);

	if (r == 0)
		r = seccomp_build_bpf(&cfg, bpf, err);
	seccomp_config_free(&cfg);
	return r;
}

static void test_build(void)
{
	struct seccomp_bpf bpf = {0}, two = {0};
	struct iso_error err = {0};
	int r;

	r = build("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid', "
		  "'no_such_syscall', 'mkdir'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 13}]}",
		  &bpf, &err);
	UNIT_CHECK(r == 0 && bpf.n_insns > 0, "builds a filter (%zu instructions)", bpf.n_insns);
	UNIT_CHECK(bpf.skipped && bpf.skipped_len == sizeof("no_such_syscall") &&
		       !strcmp(bpf.skipped, "no_such_syscall"),
		   "an unknown syscall name is skipped and recorded");
	seccomp_bpf_free(&bpf);
	/* libseccomp refuses two comparisons of arg0 in one rule: one rule per condition. */
	r = build("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['personality'], "
		  "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 4, 'op': "
		  "'SCMP_CMP_GE'}, {'index': 0, 'value': 8, 'op': 'SCMP_CMP_LE'}, {'index': 1, "
		  "'value': 0, 'op': 'SCMP_CMP_EQ'}]}]}",
		  &two, &err);
	UNIT_CHECK(r == 0, "several conditions on one argument build (as separate rules)");
	if (r < 0)
		printf("#   %s\n", err.msg);
	seccomp_bpf_free(&two);
	r = build(
	    "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', "
	    "'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], 'syscalls': [{'names': ['socketcall', "
	    "'socket'], 'action': 'SCMP_ACT_KILL_PROCESS', 'args': [{'index': 0, 'value': 10, "
	    "'op': 'SCMP_CMP_EQ'}, {'index': 1, 'value': 255, 'valueTwo': 1, 'op': "
	    "'SCMP_CMP_MASKED_EQ'}]}]}",
	    &two, &err);
	UNIT_CHECK(r == 0, "three architectures, a syscall that only exists on x86, MASKED_EQ");
	if (r < 0)
		printf("#   %s\n", err.msg);
	seccomp_bpf_free(&two);
}

/* ---- cache ---- */

static void corrupt_byte(int dirfd, const char *name, off_t off)
{
	int fd = openat(dirfd, name, O_RDWR | O_CLOEXEC);
	uint8_t b;

	if (fd < 0 || pread(fd, &b, 1, off) != 1)
		return;
	b ^= 0x40;
	if (pwrite(fd, &b, 1, off) != 1)
		b = 0;
	close(fd);
}

static void test_cache(void)
{
	char root[] = "/tmp/isorun-test-seccomp-XXXXXX", name[SHA256_HEX_SIZE];
	uint8_t key[SHA256_DIGEST_SIZE], other[SHA256_DIGEST_SIZE];
	struct seccomp_bpf bpf = {0}, got = {0};
	const struct seccomp_cache_meta meta = {.flags = 1, .needs_listener = false};
	struct seccomp_cache_meta got_meta = {0};
	struct iso_error err = {0};
	const char *why = NULL;
	int dirfd, r;

	if (!mkdtemp(root))
		return;
	build("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid', "
	      "'no_such_syscall'], 'action': 'SCMP_ACT_ERRNO'}]}",
	      &bpf, &err);
	seccomp_cache_key("{}", 2, key);
	seccomp_cache_key("{ }", 3, other);
	UNIT_CHECK(memcmp(key, other, sizeof(key)) != 0, "cache keys differ with the document");
	dirfd = seccomp_cache_open(root);
	UNIT_CHECK(dirfd >= 0, "cache dir created under the root");
	UNIT_CHECK(seccomp_cache_lookup(dirfd, key, &got, &got_meta, &why) == SECCOMP_CACHE_MISS,
		   "empty cache: miss");
	r = seccomp_cache_store(dirfd, key, &bpf, &meta);
	UNIT_CHECK(r == 0, "entry stored");
	r = seccomp_cache_lookup(dirfd, key, &got, &got_meta, &why);
	UNIT_CHECK(r == SECCOMP_CACHE_HIT && got.n_insns == bpf.n_insns &&
		       !memcmp(got.insns, bpf.insns, bpf.n_insns * sizeof(*bpf.insns)) &&
		       got.skipped_len == bpf.skipped_len &&
		       !strcmp(got.skipped, "no_such_syscall") && got_meta.flags == 1 &&
		       !got_meta.needs_listener,
		   "hit returns the same BPF, skipped names and load flags");
	seccomp_bpf_free(&got);
	sha256_hex(key, name);
	/* The load flags are covered by the checksum: magic, version, three sizes, then flags. */
	corrupt_byte(dirfd, name, (off_t)(8 + sizeof(uint32_t) * 4));
	r = seccomp_cache_lookup(dirfd, key, &got, &got_meta, &why);
	UNIT_CHECK(r == SECCOMP_CACHE_INVALID && why && !strcmp(why, "checksum mismatch"),
		   "a flipped load-flag bit is detected (%s)", why ? why : "?");
	seccomp_cache_store(dirfd, key, &bpf, &meta);
	sha256_hex(key, name);
	corrupt_byte(dirfd, name, (off_t)(sizeof(uint32_t) * 8 + 64 + 3)); /* inside the BPF */
	r = seccomp_cache_lookup(dirfd, key, &got, &got_meta, &why);
	UNIT_CHECK(r == SECCOMP_CACHE_INVALID && why && !strcmp(why, "checksum mismatch"),
		   "a flipped BPF byte is detected (%s)", why ? why : "?");
	seccomp_cache_store(dirfd, key, &bpf, &meta);
	UNIT_CHECK(seccomp_cache_lookup(dirfd, key, &got, &got_meta, &why) == SECCOMP_CACHE_HIT,
		   "rewritten entry hits again");
	seccomp_bpf_free(&got);
	/* An entry filed under another key (a renamed or stale file) is not loaded. */
	{
		char other_name[SHA256_HEX_SIZE];

		sha256_hex(other, other_name);
		renameat(dirfd, name, dirfd, other_name);
		r = seccomp_cache_lookup(dirfd, other, &got, &got_meta, &why);
		UNIT_CHECK(r == SECCOMP_CACHE_INVALID && !strcmp(why, "key mismatch"),
			   "an entry under the wrong key is rejected (%s)", why);
	}
	{
		char path[PATH_MAX], other_name[SHA256_HEX_SIZE];

		sha256_hex(other, other_name);
		snprintf(path, sizeof(path), "%s/" SECCOMP_CACHE_DIR "/%s", root, other_name);
		r = truncate(path, 50);
		r = seccomp_cache_lookup(dirfd, other, &got, &got_meta, &why);
		UNIT_CHECK(r == SECCOMP_CACHE_INVALID, "a truncated entry is rejected (%s)", why);
		unlink(path);
	}
	seccomp_bpf_free(&bpf);
	close(dirfd);
	{
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/" SECCOMP_CACHE_DIR, root);
		rmdir(path);
		rmdir(root);
	}
}

/* ---- Docker profiles ---- */

static int convert(const char *json_sq, uint64_t bounding, char **ret, struct iso_error *err)
{
	struct seccomp_profile_target t = {
	    .bounding = bounding, .kernel_major = 5, .kernel_minor = 10};
	_cleanup_free_ char *text = sq(json_sq);
	struct seccomp_config cfg = {0};
	yajl_gen g;
	int r = seccomp_profile_convert(text, strlen(text), "profile.json", &t, &cfg, err);

	if (r < 0)
		return r;
	g = jsongen_new(false);
	seccomp_config_gen(g, &cfg, false);
	r = jsongen_finish(g, ret, NULL, err);
	seccomp_config_free(&cfg);
	return r;
}

static const char docker_profile[] =
    "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,"
    " 'archMap': [{'architecture': 'SCMP_ARCH_AARCH64', 'subArchitectures': ['SCMP_ARCH_ARM']},"
    "  {'architecture': 'SCMP_ARCH_X86_64', 'subArchitectures': ['SCMP_ARCH_X86', "
    "'SCMP_ARCH_X32']}],"
    " 'syscalls': ["
    "  {'names': ['read', 'write'], 'action': 'SCMP_ACT_ALLOW', 'comment': 'always'},"
    "  {'name': 'mount', 'action': 'SCMP_ACT_ALLOW', 'includes': {'caps': ['CAP_SYS_ADMIN']}},"
    "  {'names': ['unshare'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'caps': "
    "['CAP_SYS_ADMIN', 'CAP_SYS_CHROOT']}},"
    "  {'names': ['clone3'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38, 'excludes': {'caps': "
    "['CAP_SYS_ADMIN']}},"
    "  {'names': ['arch_prctl'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'arches': ['amd64', "
    "'x32']}},"
    "  {'names': ['s390_pci_mmio_read'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'arches': "
    "['s390x']}},"
    "  {'names': ['sync_file_range2'], 'action': 'SCMP_ACT_ALLOW', 'excludes': {'arches': "
    "['amd64']}},"
    "  {'names': ['ptrace'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'minKernel': '4.8'}},"
    "  {'names': ['landlock_create_ruleset'], 'action': 'SCMP_ACT_ALLOW', 'includes': "
    "{'minKernel': '5.13'}},"
    "  {'names': ['personality'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': "
    "8, 'valueTwo': 0, 'op': 'SCMP_CMP_EQ'}]}"
    " ]}";

static void test_convert(void)
{
	uint64_t admin = UINT64_C(1) << caps_from_name("CAP_SYS_ADMIN");
	_cleanup_free_ char *plain = NULL, *with_admin = NULL, *both = NULL;
	struct iso_error err = {0};
	char *bad = NULL;
	int r;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
		UNIT_CHECK(1, "# SKIP converter golden tests are written for x86_64");
		return;
	}
	r = convert(docker_profile, 0, &plain, &err);
	UNIT_CHECK(r == 0, "converts a Docker profile");
	if (r < 0)
		printf("#   %s\n", err.msg);
	UNIT_STREQ(plain,
		   "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"architectures\":["
		   "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":[{"
		   "\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":["
		   "\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},{\"names\":["
		   "\"arch_prctl\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"ptrace\"],"
		   "\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"personality\"],\"action\":"
		   "\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":8,\"valueTwo\":0,\"op\":"
		   "\"SCMP_CMP_EQ\"}]}]}",
		   "golden: no caps, x86_64, kernel 5.10 (archMap, includes/excludes, minKernel)");
	r = convert(docker_profile, admin, &with_admin, &err);
	UNIT_CHECK(r == 0 && strstr(with_admin, "\"mount\"") && !strstr(with_admin, "clone3") &&
		       !strstr(with_admin, "unshare"),
		   "CAP_SYS_ADMIN: includes.caps keeps mount, excludes.caps drops clone3, unshare "
		   "needs both caps");
	r = convert(docker_profile, admin | UINT64_C(1) << caps_from_name("CAP_SYS_CHROOT"), &both,
		    &err);
	UNIT_CHECK(r == 0 && strstr(both, "\"unshare\""), "all of includes.caps: unshare kept");
	r = convert("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'name': 'read', 'names': "
		    "['write'], 'action': 'SCMP_ACT_ALLOW'}]}",
		    0, &bad, &err);
	UNIT_CHECK(r == -EINVAL && !strcmp(err.msg, "profile.json: syscalls[0].name: give either "
						    "name or names, not both"),
		   "name and names together refused: %s", err.msg);
	r = convert("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read'], "
		    "'action': 'SCMP_ACT_ALLOW', 'includes': {'minKernel': 'four'}}]}",
		    0, &bad, &err);
	UNIT_CHECK(r == -EINVAL && !strcmp(err.msg, "profile.json: syscalls[0].includes.minKernel: "
						    "expected a kernel version such as \"4.8\""),
		   "bad minKernel refused: %s", err.msg);
	r = convert("{'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': ['SCMP_ARCH_X86_64'], "
		    "'archMap': []}",
		    0, &bad, &err);
	UNIT_CHECK(r == -EINVAL && !strcmp(err.msg, "profile.json: archMap: give either "
						    "architectures or archMap, not both"),
		   "architectures and archMap together refused: %s", err.msg);
	r = convert("{'defaultAction': 'SCMP_ACT_ERRNO', 'archMap': [{'architecture': "
		    "'SCMP_ARCH_X86_64', 'subArchitectures': ['SCMP_ARCH_Z80']}]}",
		    0, &bad, &err);
	UNIT_CHECK(r == -EINVAL && !strcmp(err.msg, "profile.json: archMap[0].subArchitectures[0]: "
						    "unknown architecture \"SCMP_ARCH_Z80\""),
		   "unknown sub-architecture refused: %s", err.msg);
	r = convert("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read'], "
		    "'action': 'SCMP_ACT_BOGUS', 'includes': {'arches': ['amd64']}}]}",
		    0, &bad, &err);
	UNIT_CHECK(r == -EINVAL && !strcmp(err.msg, "profile.json: syscalls[0].action: unknown "
						    "action \"SCMP_ACT_BOGUS\""),
		   "unknown action in a profile names its path: %s", err.msg);
	free(bad);
}

/* isorun trace: the recording program, and a recorded set written as a profile and merged. */
static void test_recorded_profile(void)
{
	struct seccomp_program prog = {0};
	struct syscall_set set = {0}, merged = {0};
	struct iso_error err = {0};
	char path[] = "/tmp/isorun-unit-merge-XXXXXX";
	char *text = NULL;
	size_t len;
	int fd, r;

	r = syscall_recorder_program(&prog, &err);
	UNIT_CHECK(r == 0 && prog.bpf.n_insns > 0 && prog.needs_listener,
		   "the recording program builds and needs a listener: %s", err.msg);
	seccomp_program_free(&prog);

	syscall_set_add(&set, __NR_write);
	syscall_set_add(&set, __NR_read);
	syscall_set_add(&set, __NR_unshare);
	UNIT_CHECK(syscall_set_has(&set, __NR_read) && !syscall_set_has(&set, __NR_close),
		   "the set holds what was added, only that");
	UNIT_CHECK(syscall_is_dangerous("unshare") && syscall_is_dangerous("bpf") &&
		       !syscall_is_dangerous("write"),
		   "dangerous syscalls are told apart");
	r = syscall_profile_json(&set, false, &text, &len, &err);
	UNIT_CHECK(r == 0 && strstr(text, "\"SCMP_ACT_KILL_PROCESS\"") &&
		       !strstr(text, "defaultErrnoRet") && strstr(text, "\"read\"") &&
		       strstr(text, "\"read\"") < strstr(text, "\"unshare\"") &&
		       strstr(text, "\"unshare\"") < strstr(text, "\"write\""),
		   "kill-process profile with sorted names: %s", text);
	free(text);
	text = NULL;
	r = syscall_profile_json(&set, true, &text, &len, &err);
	UNIT_CHECK(r == 0 && strstr(text, "\"SCMP_ACT_ERRNO\"") && strstr(text, "defaultErrnoRet"),
		   "errno profile: %s", text);

	/* The profile written merges back to the same set. */
	fd = mkstemp(path);
	UNIT_CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len, "temporary profile");
	close(fd);
	r = syscall_profile_merge_file(&merged, path, &err);
	UNIT_CHECK(r == 0 && !memcmp(&merged, &set, sizeof(set)), "merge gives the set back: %s",
		   err.msg);
	free(text);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	text = "{\"defaultAction\": \"SCMP_ACT_KILL\", \"syscalls\": [{\"names\": [\"nope\"], "
	       "\"action\": \"SCMP_ACT_ALLOW\"}]}";
	UNIT_CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text), "rewrite");
	close(fd);
	r = syscall_profile_merge_file(&merged, path, &err);
	UNIT_CHECK(r == -EINVAL && strstr(err.msg, "syscalls[0]: unknown syscall \"nope\""),
		   "unknown name in --merge refused with its path: %s", err.msg);
	unlink(path);
}

/* isorun trace's in-kernel recorder: its seccomp filter, and its eBPF program, which the
 * verifier must accept (as root: loading it needs CAP_BPF and CAP_PERFMON). */
static void test_bpf_recorder(void)
{
	struct syscall_recorder_bpf b = SYSCALL_RECORDER_BPF_INIT;
	struct syscall_set seen = {0}, runtime_seen = {0}, none = {0};
	struct seccomp_program prog = {0};
	struct iso_error err = {0};
	bool exec_seen = true;
	int r;

	r = syscall_recorder_bpf_program(&prog, &err);
	UNIT_CHECK(r == 0 && prog.bpf.n_insns > 0 && !prog.needs_listener,
		   "the in-kernel recorder's filter builds, without a listener: %s", err.msg);
	seccomp_program_free(&prog);
	if (geteuid() != 0)
		return;
	r = syscall_recorder_bpf_open(&b, &err);
	UNIT_CHECK(r == 0 && b.prog_fd >= 0 && b.link_fd >= 0 && b.state_map_fd >= 0 &&
		       b.cgroup_map_fd >= 0,
		   "the recorder's program loads and attaches to sys_enter: %s", err.msg);
	r = syscall_recorder_bpf_watch(&b, getpid(), -1, &err);
	UNIT_CHECK(r == -ENOENT && strstr(err.msg, "no cgroup2 directory"),
		   "watching without a cgroup2 directory is an error: %s", err.msg);
	iso_error_clear(&err);
	/* Told no cgroup, it records nothing, whatever this process does. */
	r = syscall_recorder_bpf_read(&b, &seen, &runtime_seen, &exec_seen, &err);
	UNIT_CHECK(r == 0 && !exec_seen && !memcmp(&seen, &none, sizeof(none)) &&
		       !memcmp(&runtime_seen, &none, sizeof(none)),
		   "nothing recorded outside the container: %s", err.msg);
	syscall_recorder_bpf_close(&b);
	UNIT_CHECK(b.prog_fd < 0 && b.link_fd < 0 && b.state_map_fd < 0 && b.cgroup_map_fd < 0,
		   "closed");
	syscall_recorder_bpf_close(&b);
}

int main(void)
{
	test_sha256_both();
	test_parse_errors();
	test_canonical();
	test_build();
	test_cache();
	test_convert();
	test_recorded_profile();
	test_bpf_recorder();
	return unit_done();
}
