/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the pure helpers: errors, signals, ids, state JSON round trip, JSON spans. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "util/error.h"
#include "runtime/state.h"
#include "util/fs_type_name.h"
#include "util/fsutil.h"
#include "util/json_span.h"
#include "util/jsongen.h"
#include "util/signals.h"

static void test_errors(void)
{
	struct iso_error err = {0};
	char big[3000];
	int r;

	r = iso_error_set(&err, ENOENT, "config.json");
	UNIT_CHECK(r == -ENOENT, "iso_error_set returns -errno");
	UNIT_STREQ(err.msg, "config.json: No such file or directory", "strerror appended");
	r = iso_error_wrap(&err, "bundle %s", "/b");
	UNIT_CHECK(r == -ENOENT, "wrap keeps the errno");
	UNIT_STREQ(err.msg, "bundle /b: config.json: No such file or directory", "wrap prefixes");
	r = iso_error_invalid(&err, "line\nbreak");
	UNIT_CHECK(r == -EINVAL, "validation error is -EINVAL");
	UNIT_STREQ(err.msg, "line break", "messages stay on one line");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	iso_error_invalid(&err, "%s", big);
	iso_error_wrap(&err, "%s", big);
	UNIT_CHECK(strlen(err.msg) == ISO_ERROR_MSG_MAX - 1, "long messages are cut, not overrun");
}

static void test_fs_type_name(void)
{
	char buf[FS_TYPE_NAME_MAX];
	int fd;

	UNIT_STREQ(fs_type_name(0x858458f6, buf), "ramfs", "ramfs by its magic");
	UNIT_STREQ(fs_type_name(0x01021994, buf), "tmpfs", "tmpfs by its magic");
	UNIT_STREQ(fs_type_name(0x794c7630, buf), "overlay", "overlay by its magic");
	UNIT_STREQ(fs_type_name(0x12345678, buf), "0x12345678", "an unknown type is its number");
	UNIT_STREQ(fs_type_name(~0UL, buf), "0xffffffffffffffff", "the longest number fits");
	fd = open("/proc/self", O_PATH | O_CLOEXEC);
	UNIT_STREQ(fs_type_name_of_fd(fd, buf), "proc", "the type of an fd's file system");
	close(fd);
	UNIT_STREQ(fs_type_name_of_fd(-1, buf), "unknown", "a bad fd");
}

static void test_signals(void)
{
	UNIT_CHECK(signal_parse("TERM") == SIGTERM, "TERM");
	UNIT_CHECK(signal_parse("SIGKILL") == SIGKILL, "SIGKILL");
	UNIT_CHECK(signal_parse("sigusr1") == SIGUSR1, "lower case sigusr1");
	UNIT_CHECK(signal_parse("9") == 9, "number 9");
	UNIT_CHECK(signal_parse("RTMIN+2") == SIGRTMIN + 2, "RTMIN+2");
	UNIT_CHECK(signal_parse("RTMAX") == SIGRTMAX, "RTMAX");
	UNIT_CHECK(signal_parse("0") == 0, "0 (kill's liveness check, as in runc)");
	UNIT_CHECK(signal_parse("SIG0") == -EINVAL, "SIG0 refused, as by runc");
	UNIT_CHECK(signal_parse("65") == -EINVAL, "65 refused");
	UNIT_CHECK(signal_parse("FOO") == -EINVAL, "unknown name refused");
	UNIT_CHECK(signal_parse("9x") == -EINVAL, "trailing junk refused");
	UNIT_CHECK(signal_parse("") == -EINVAL, "empty refused");
	UNIT_STREQ(signal_name(SIGSEGV), "SIGSEGV", "name of 11");
	UNIT_CHECK(signal_name(40) == NULL, "no name for a realtime number");
}

static void test_ids(void)
{
	struct iso_error err = {0};
	char *long_id = malloc(CONTAINER_ID_MAX + 2);

	UNIT_CHECK(state_validate_id("abc-1_2.3", &err) == 0, "plain id accepted");
	UNIT_CHECK(state_validate_id("../x", &err) < 0, "../x refused");
	UNIT_STREQ(err.msg, "invalid container id \"../x\"", "../x message");
	UNIT_CHECK(state_validate_id("a/b", &err) < 0, "slash refused");
	UNIT_CHECK(state_validate_id(".hidden", &err) < 0, "leading dot refused");
	UNIT_CHECK(state_validate_id("", &err) < 0, "empty refused");
	UNIT_CHECK(state_validate_id("a\nb", &err) < 0, "control character refused");
	memset(long_id, 'a', CONTAINER_ID_MAX + 1);
	long_id[CONTAINER_ID_MAX + 1] = '\0';
	UNIT_CHECK(state_validate_id(long_id, &err) < 0, "over-long id refused");
	long_id[CONTAINER_ID_MAX] = '\0';
	UNIT_CHECK(state_validate_id(long_id, &err) == 0, "id of the maximum length accepted");
	free(long_id);
	UNIT_CHECK(state_validate_id("caf\xc3\xa9", &err) == 0, "UTF-8 id accepted");
	UNIT_CHECK(state_validate_id("a\xff"
				     "b",
				     &err) < 0,
		   "id that is not UTF-8 refused");
	UNIT_STREQ(err.msg, "invalid container id: not UTF-8", "not UTF-8 message");
}

static void test_utf8(void)
{
	static const struct {
		const char *s;
		bool valid;
	} cases[] = {
	    {"", true},
	    {"plain ascii", true},
	    {"\xc3\xa9", true},		/* U+00E9 */
	    {"\xe2\x82\xac", true},	/* U+20AC */
	    {"\xf0\x9f\x98\x80", true}, /* U+1F600 */
	    {"\xf4\x8f\xbf\xbf", true}, /* U+10FFFF */
	    {"\xff", false},
	    {"\x80", false},		 /* continuation without a lead */
	    {"\xc3", false},		 /* truncated */
	    {"\xe2\x82", false},	 /* truncated */
	    {"\xc0\xaf", false},	 /* overlong '/' */
	    {"\xe0\x80\xaf", false},	 /* overlong '/' */
	    {"\xed\xa0\x80", false},	 /* surrogate U+D800 */
	    {"\xf4\x90\x80\x80", false}, /* U+110000 */
	    {"\xf5\x80\x80\x80", false},
	    {"a\xe2\x28\xa1", false}, /* bad continuation */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		UNIT_CHECK(jsongen_utf8_valid(cases[i].s) == cases[i].valid, "utf8 case %zu", i);
}

static void test_state_json(void)
{
	char *keys[] = {"k", NULL}, *values[] = {"v\"q", NULL};
	struct container_state st = {.id = "c1",
				     .oci_version = "1.2.0",
				     .status = STATUS_STOPPED,
				     .pid = 42,
				     .bundle = "/b",
				     .rootfs = "/b/rootfs",
				     .created = "2026-01-01T00:00:00Z",
				     .annotation_keys = keys,
				     .annotation_values = values};
	struct iso_error err = {0};
	char *json = NULL;

	UNIT_CHECK(state_to_json(&st, false, &json, &err) == 0, "state JSON generated");
	UNIT_CHECK(json && strstr(json, "\"status\":\"stopped\""), "status written");
	UNIT_CHECK(json && strstr(json, "\"pid\":0"), "a stopped container reports pid 0");
	UNIT_CHECK(json && strstr(json, "\"k\":\"v\\\"q\""), "annotations escaped");
	free(json);
}

/* A state.json nested 400,000 levels deep is refused as corrupt: yajl's recursive free of such
 * a tree overflowed the stack (found for tests/fuzz/fuzz_state). */
static void test_state_read_deep(void)
{
	enum { DEPTH = 400000 };
	char dir[] = "/tmp/isorun-unit.XXXXXX", *path = NULL, *text = malloc(2 * DEPTH + 64);
	struct container_state st = {0};
	struct iso_error err = {0};
	int dirfd = -1, n, r = 0;

	if (!text || !mkdtemp(dir) || asprintf(&path, "%s/state.json", dir) < 0) {
		UNIT_CHECK(0, "deep state.json: set-up");
		free(text);
		return;
	}
	n = sprintf(text, "{\"id\":\"x\",\"status\":\"stopped\",\"bundle\":\"/b\",\"a\":");
	memset(text + n, '[', DEPTH);
	memset(text + n + DEPTH, ']', DEPTH);
	strcpy(text + n + 2 * DEPTH, "}");
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd >= 0 &&
	    write_file_atomic_at(dirfd, "state.json", text, strlen(text), 0600, &err) == 0)
		r = state_read(dirfd, "x", &st, &err);
	UNIT_CHECK(r == -EINVAL && strstr(err.msg, "state.json is corrupt"),
		   "a state.json nested 400000 deep is refused: %s", err.msg);
	unlink(path);
	rmdir(dir);
	if (dirfd >= 0)
		close(dirfd);
	free(path);
	free(text);
	state_clear(&st);
}

/* A create killed half-way: its creating.json reads back as an abandoned, stopped container;
 * state.json, once written, wins; a directory with neither "does not exist". */
static void test_state_creating(void)
{
	char *none[] = {NULL};
	struct container_state st = {.id = "c2",
				     .oci_version = "1.2.0",
				     .status = STATUS_CREATING,
				     .pid = 0,
				     .bundle = "/b",
				     .rootfs = "/b/rootfs",
				     .created = "2026-01-01T00:00:00Z",
				     .annotation_keys = none,
				     .annotation_values = none};
	struct container_state got = {0};
	struct iso_error err = {0};
	char dir[] = "/tmp/isorun-unit-XXXXXX";
	int dirfd;

	UNIT_CHECK(mkdtemp(dir) != NULL, "temporary state dir");
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	UNIT_CHECK(state_read(dirfd, "c2", &got, &err) == -ENOENT, "no state: ENOENT");
	UNIT_CHECK(strstr(err.msg, "does not exist") != NULL, "no state: does not exist (%s)",
		   err.msg);
	UNIT_CHECK(state_write_creating(dirfd, &st, &err) == 0, "creating.json written");
	UNIT_CHECK(state_read(dirfd, "c2", &got, &err) == 0 && got.status == STATUS_CREATING,
		   "creating.json read when there is no state.json");
	state_refresh(&got);
	UNIT_CHECK(got.status == STATUS_STOPPED && got.abandoned,
		   "a creating state read under the lock is an abandoned create: stopped");
	state_clear(&got);
	st.status = STATUS_CREATED;
	st.pid = getpid();
	UNIT_CHECK(state_write(dirfd, &st, &err) == 0, "state.json written");
	UNIT_CHECK(state_read(dirfd, "c2", &got, &err) == 0 && got.status == STATUS_CREATED,
		   "state.json wins over creating.json");
	state_refresh(&got);
	UNIT_CHECK(got.status == STATUS_CREATED && !got.abandoned, "created stays created");
	state_clear(&got);
	state_remove_creating(dirfd);
	UNIT_CHECK(faccessat(dirfd, "creating.json", F_OK, 0) < 0, "creating.json removed");
	unlinkat(dirfd, "state.json", 0);
	close(dirfd);
	rmdir(dir);
}

/* linux.seccomp's span in TEXT: 1 and the bytes, 0 absent, <0 cannot tell. */
static int seccomp_span(const char *text, char *out, size_t size)
{
	static const char *const path[] = {"linux", "seccomp"};
	struct json_span span = {0, 0};
	int r = json_member_span(text, strlen(text), path, 2, &span);

	out[0] = '\0';
	if (r > 0 && span.len < size) {
		memcpy(out, text + span.off, span.len);
		out[span.len] = '\0';
	}
	return r;
}

static void test_json_span(void)
{
	char got[256];

	UNIT_CHECK(seccomp_span("{\"linux\": {\"seccomp\": {\"a\": [1, {\"b\": \"}\"}]}}}", got,
				sizeof(got)) == 1 &&
		       !strcmp(got, "{\"a\": [1, {\"b\": \"}\"}]}"),
		   "span of a nested object, a brace inside a string skipped (%s)", got);
	UNIT_CHECK(seccomp_span(" {\"ociVersion\":\"1\",\"linux\":{\"x\":[],\"seccomp\" : "
				"{\"q\":\"\\\"}{\"} , \"y\": null} }\n",
				got, sizeof(got)) == 1 &&
		       !strcmp(got, "{\"q\":\"\\\"}{\"}"),
		   "escaped quote inside a string, whitespace around (%s)", got);
	UNIT_CHECK(seccomp_span("{\"linux\": {\"seccomp\": 5}}", got, sizeof(got)) == 1 &&
		       !strcmp(got, "5"),
		   "a scalar value is a span too (%s)", got);
	UNIT_CHECK(seccomp_span("{\"linux\": {\"namespaces\": []}}", got, sizeof(got)) == 0,
		   "absent member: 0");
	UNIT_CHECK(seccomp_span("{\"linux\": 3, \"seccomp\": {}}", got, sizeof(got)) == 0,
		   "linux not an object, a top-level seccomp: 0");
	UNIT_CHECK(seccomp_span("{\"process\": {\"seccomp\": {}}}", got, sizeof(got)) == 0,
		   "seccomp under another key: 0");
	UNIT_CHECK(
	    seccomp_span("{\"linux\": {\"seccomp\": {}, \"seccomp\": {}}}", got, sizeof(got)) < 0,
	    "a duplicate key: cannot tell");
	UNIT_CHECK(seccomp_span("{\"linux\": {}, \"linux\": {\"seccomp\": {}}}", got, sizeof(got)) <
		       0,
		   "a duplicate parent key: cannot tell");
	UNIT_CHECK(seccomp_span("{\"linux\": {\"sec\\u0063omp\": {}}}", got, sizeof(got)) < 0,
		   "an escaped key (it may decode to the one sought): cannot tell");
	UNIT_CHECK(seccomp_span("{\"linux\": {\"seccomp\": {}}} x", got, sizeof(got)) < 0,
		   "trailing garbage: cannot tell");
	UNIT_CHECK(seccomp_span("{\"linux\": {\"seccomp\": {\"a\": \"unterminated}}}", got,
				sizeof(got)) < 0,
		   "an unterminated string: cannot tell");
	/* Inside a value only the depth is followed: yajl finds what is wrong there when the
	 * profile is parsed, and a span that was never parsed is never a cache key. */
	UNIT_CHECK(seccomp_span("{\"linux\": {\"seccomp\": {]}}", got, sizeof(got)) == 1 &&
		       !strcmp(got, "{]"),
		   "mismatched brackets inside the value: delimited by depth (%s)", got);
	UNIT_CHECK(seccomp_span("{\"linux\": {\"seccomp\": {\"a\": 1}", got, sizeof(got)) < 0,
		   "the document ends inside the value: cannot tell");
	UNIT_CHECK(seccomp_span("[1]", got, sizeof(got)) < 0, "top level not an object");
	UNIT_CHECK(seccomp_span("{\"linux\": {\"seccomp\": {\"a\": \"x\ty\"}}}", got, sizeof(got)) <
		       0,
		   "a raw control character inside a string: cannot tell");
	UNIT_CHECK(seccomp_span("{\"linux\": {\"seccomp\": {\"a\": #}}}", got, sizeof(got)) < 0 &&
		       seccomp_span("{\"linux\": {\"seccomp\": [1, 2\u00a0]}}", got, sizeof(got)) <
			   0,
		   "a byte that is no JSON outside a string: cannot tell");
	UNIT_CHECK(seccomp_span("{\"linux\": {\"seccomp\":\r\n\t[true,false,null,-1.5E+3,\"\\\\\"]"
				"\n}}",
				got, sizeof(got)) == 1 &&
		       !strcmp(got, "[true,false,null,-1.5E+3,\"\\\\\"]"),
		   "every scalar character, each whitespace, an escaped backslash before a quote "
		   "(%s)",
		   got);
	{
		char deep[400] = "{\"linux\": {\"seccomp\": ";
		size_t n = strlen(deep);

		for (int i = 0; i < 100; i++)
			deep[n++] = '[';
		for (int i = 0; i < 100; i++)
			deep[n++] = ']';
		strcpy(deep + n, "}}");
		UNIT_CHECK(seccomp_span(deep, got, sizeof(got)) < 0,
			   "nested deeper than the walker allows: cannot tell");
	}
}

int main(void)
{
	test_errors();
	test_ids();
	test_utf8();
	test_state_json();
	test_state_read_deep();
	test_state_creating();
	test_signals();
	test_fs_type_name();
	test_json_span();
	return unit_done();
}
