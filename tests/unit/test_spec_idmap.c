/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for idmapped mounts: the parsing of mounts[].uidMappings/gidMappings and of the
 * options "idmap"/"ridmap" (spec.c, mount_options.c), what spec_validate_for_start() refuses,
 * and, as root, the user namespace and the mount idmap_mount.c make (the direction of the map).
 *
 * JSON is written with single quotes (sq() in unit.h); every error asserts the exact message. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "runtime/rootfs/idmap_mount.h"
#include "runtime/spec/spec.h"
#include "util/cleanup.h"
#include "spec_check.h"

#define DOC(...)    "{'ociVersion': '1.2.0', " __VA_ARGS__ "}"
#define MOUNTS(...) DOC("'mounts': [{'destination': '/a', 'type': 'tmpfs'}, " __VA_ARGS__ "]")
#define MAP	    "[{'containerID': 1000, 'hostID': 2000, 'size': 10}]"
#define BIND(...)                                                                                  \
	"{'destination': '/data', 'source': '/src', 'type': 'bind', 'options': ['rbind'], "        \
	"'uidMappings': " MAP ", 'gidMappings': " MAP __VA_ARGS__ "}"

/* The idmap flags of mounts[1] of a document with one mount before it. */
static void expect_idmap(const char *mount_sq, bool idmap, bool recursive, const char *what)
{
	_cleanup_free_ char *doc = NULL;
	struct spec *s;

	if (asprintf(&doc, MOUNTS("%s"), mount_sq) < 0)
		abort();
	s = expect_parse(doc, what);
	if (!s)
		return;
	UNIT_CHECK(s->n_mounts == 2 && s->mounts[1].idmap == idmap &&
		       s->mounts[1].idmap_recursive == recursive && !s->mounts[0].idmap,
		   "%s: idmap %d, recursive %d", what, idmap, recursive);
	spec_free(s);
}

static void test_parse(void)
{
	struct spec *s = expect_parse(MOUNTS(BIND(", 'options': ['rbind', 'ridmap', 'ro']")),
				      "mappings and ridmap");
	const struct spec_mount *m;

	if (!s)
		return;
	m = &s->mounts[1];
	UNIT_CHECK(m->n_uid_mappings == 1 && m->uid_mappings[0].container_id == 1000 &&
		       m->uid_mappings[0].host_id == 2000 && m->uid_mappings[0].size == 10,
		   "uidMappings kept as written");
	UNIT_CHECK(m->n_gid_mappings == 1 && m->gid_mappings[0].host_id == 2000,
		   "gidMappings kept as written");
	UNIT_CHECK(m->bind && m->recursive && m->idmap && m->idmap_recursive && m->data == NULL,
		   "ridmap: recursive, and not passed to the file system");
	spec_free(s);

	expect_idmap(BIND(), true, false, "mappings alone mean idmap");
	expect_idmap("{'destination': '/d', 'source': '/s', 'options': ['rbind', 'idmap']}", true,
		     false, "idmap without mappings");
	expect_idmap("{'destination': '/d', 'source': '/s', 'type': 'bind', 'options': ['ridmap']}",
		     true, true, "ridmap on type bind");
	expect_idmap(
	    "{'destination': '/d', 'source': '/s', 'options': ['bind', 'idmap', 'ridmap']}", true,
	    true, "the last of idmap and ridmap wins (ridmap)");
	expect_idmap(
	    "{'destination': '/d', 'source': '/s', 'options': ['bind', 'ridmap', 'idmap']}", true,
	    false, "the last of idmap and ridmap wins (idmap)");
	expect_idmap("{'destination': '/d', 'source': '/s', 'options': ['rbind'], "
		     "'uidMappings': null, 'gidMappings': null}",
		     false, false, "null mappings are absent");
}

static void test_mount_errors(void)
{
	expect_error(MOUNTS(BIND(", 'uidMappings': {}")),
		     "config.json: mounts[1].uidMappings: expected an array");
	expect_error(MOUNTS(BIND(", 'gidMappings': [{'containerID': 0, 'hostID': 0}]")),
		     "config.json: mounts[1].gidMappings[0].size: required");
	expect_error(MOUNTS(BIND(", 'uidMappings': [{'containerID': 0, 'hostID': 0, 'size': 0}]")),
		     "config.json: mounts[1].uidMappings[0].size: must be at least 1");
	expect_error(
	    MOUNTS(BIND(", 'uidMappings': [{'containerID': '0', 'hostID': 0, 'size': 1}]")),
	    "config.json: mounts[1].uidMappings[0].containerID: expected an unsigned 32-bit "
	    "integer");
	expect_error(
	    MOUNTS(BIND(", 'uidMappings': [{'containerID': 0, 'hostID': 4294967295, 'size': 2}]")),
	    "config.json: mounts[1].uidMappings[0].size: hostID + size exceeds 2^32");
	expect_error(MOUNTS(BIND(", 'gidMappings': []")),
		     "config.json: mounts[1].gidMappings: must not be empty");
	expect_error(MOUNTS("{'destination': '/d', 'source': '/s', 'options': ['bind'], "
			    "'uidMappings': " MAP "}"),
		     "config.json: mounts[1].gidMappings: required with uidMappings");
	expect_error(MOUNTS("{'destination': '/d', 'source': '/s', 'options': ['bind'], "
			    "'gidMappings': " MAP "}"),
		     "config.json: mounts[1].uidMappings: required with gidMappings");
	expect_error(MOUNTS(BIND(", 'type': 'tmpfs', 'options': []")),
		     "config.json: mounts[1].uidMappings: only a bind mount can be idmapped");
	expect_error(MOUNTS("{'destination': '/d', 'type': 'proc', 'options': ['idmap']}"),
		     "config.json: mounts[1].options: \"idmap\" needs a bind mount");
	expect_error(MOUNTS("{'destination': '/d', 'type': 'tmpfs', 'options': ['ridmap']}"),
		     "config.json: mounts[1].options: \"ridmap\" needs a bind mount");
}

#define LINUX(...) DOC("'linux': {" __VA_ARGS__ "}")

/* The check is the one of linux.uidMappings too: the kernel refuses both maps alike. */
static void test_overlaps(void)
{
	expect_error(MOUNTS(BIND(", 'uidMappings': [{'containerID': 0, 'hostID': 100, 'size': 10}, "
				 "{'containerID': 9, 'hostID': 200, 'size': 1}]")),
		     "config.json: mounts[1].uidMappings[1].containerID: range overlaps that of "
		     "element 0");
	expect_error(MOUNTS(BIND(", 'gidMappings': [{'containerID': 0, 'hostID': 100, 'size': 10}, "
				 "{'containerID': 50, 'hostID': 200, 'size': 1}, "
				 "{'containerID': 60, 'hostID': 95, 'size': 6}]")),
		     "config.json: mounts[1].gidMappings[2].hostID: range overlaps that of element "
		     "0");
	expect_error(
	    LINUX("'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}, "
		  "{'containerID': 65535, 'hostID': 0, 'size': 1}]"),
	    "config.json: linux.uidMappings[1].containerID: range overlaps that of element "
	    "0");
	/* Adjacent ranges do not overlap. */
	expect_idmap(BIND(", 'uidMappings': [{'containerID': 0, 'hostID': 100, 'size': 10}, "
			  "{'containerID': 10, 'hostID': 110, 'size': 4294967000}]"),
		     true, false, "adjacent ranges");
}

static void test_too_many_ranges(void)
{
	size_t cap = 64 + 341 * 64, len = 0;
	_cleanup_free_ char *maps = malloc(cap), *doc = NULL;

	for (int i = 0; i < 341; i++)
		len += (size_t)snprintf(maps + len, cap - len,
					"%s{'containerID': %d, 'hostID': %d, 'size': 1}",
					i ? ", " : "", i, i);
	if (asprintf(&doc, LINUX("'gidMappings': [%s]"), maps) < 0)
		abort();
	expect_error(doc, "config.json: linux.gidMappings[340]: more than 340 ranges (the kernel's "
			  "limit)");
}

#define PROC	   "'root': {'path': 'rootfs'}, 'process': {'user': {'uid': 0, 'gid': 0}, "
#define START(...) DOC(PROC "'args': ['sh'], 'cwd': '/'}, " __VA_ARGS__)
#define IDMAP_ONLY "'mounts': [{'destination': '/d', 'source': '/s', 'options': ['bind', 'idmap']}]"
#define OWN_MAPS   "'mounts': [" BIND() "]"
#define USERNS                                                                                     \
	"'linux': {'namespaces': [{'type': 'user'}, {'type': 'mount'}], "                          \
	"'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}], "                         \
	"'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}"
#define JOINED "'linux': {'namespaces': [{'type': 'user', 'path': '/proc/1/ns/user'}]}"

static void test_validate_for_start(void)
{
	expect_start(START(OWN_MAPS), NULL);
	expect_start(START(IDMAP_ONLY), "config.json: mounts[0].options: \"idmap\" without "
					"uidMappings needs a user namespace in linux.namespaces");
	expect_start(START(IDMAP_ONLY ", " USERNS), NULL);
	expect_start(START(OWN_MAPS ", " USERNS), NULL);
	expect_start(START(OWN_MAPS ", " JOINED),
		     "config.json: mounts[0]: an idmapped mount is not "
		     "supported in a user namespace joined by path");
	expect_start(START(IDMAP_ONLY ", " JOINED), "config.json: mounts[0]: an idmapped mount is "
						    "not supported in a user namespace joined "
						    "by path");
}

static void test_uses_container_maps(void)
{
	struct spec *s = expect_parse(
	    START(OWN_MAPS ", 'linux': {'uidMappings': " MAP ", 'gidMappings': " MAP "}"),
	    "the container's maps");
	struct spec_mount *m;

	if (!s)
		return;
	m = &s->mounts[0];
	UNIT_CHECK(idmap_uses_container_maps(s, m), "the same maps: the container's namespace");
	m->uid_mappings[0].size = 9;
	UNIT_CHECK(!idmap_uses_container_maps(s, m), "another size: a namespace of its own");
	m->uid_mappings[0].size = 10;
	m->gid_mappings[0].host_id = 2001;
	UNIT_CHECK(!idmap_uses_container_maps(s, m), "another gid map: a namespace of its own");
	m->n_uid_mappings = m->n_gid_mappings = 0;
	UNIT_CHECK(idmap_uses_container_maps(s, m), "no maps of its own: the container's");
	spec_free(s);
}

/* As root: the map of the namespace made for a mount, read through a mapped clone of a
 * directory (fstatat works on a detached mount), and no child left. */
static void test_mapped_clone(void)
{
	const struct spec_id_mapping maps[] = {{1000, 2000, 1}, {3000, 0, 1}};
	struct spec_mount m = {.source = "(test)", .bind = true, .idmap = true};
	char dir[] = "/tmp/isorun-idmap-unit.XXXXXX";
	struct iso_error err = {0};
	_cleanup_close_ int ns = -1, tree = -1;
	struct stat st = {0};
	int dfd;

	if (geteuid() != 0 || !mkdtemp(dir)) {
		printf("ok %d # SKIP not root\n", ++unit_count);
		return;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || mknodat(dfd, "f", S_IFREG | 0644, 0) < 0 ||
	    fchownat(dfd, "f", 1000, 1000, 0) < 0 || fchown(dfd, 3000, 3000) < 0)
		UNIT_CHECK(0, "test directory %s", dir);
	ns = idmap_userns_open(maps, 2, maps, 2, &err);
	UNIT_CHECK(ns >= 0 && ioctl(ns, NS_GET_NSTYPE) == CLONE_NEWUSER,
		   "a user namespace for the map: %s", ns < 0 ? err.msg : "ok");
	UNIT_CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
		   "its holder is reaped: no child left");
	if (ns >= 0)
		tree = idmap_mount_clone(dfd, "", &m, ns, &err);
	UNIT_CHECK(tree >= 0 && fstatat(tree, "f", &st, 0) == 0 && st.st_uid == 2000 &&
		       st.st_gid == 2000,
		   "stored 1000 shows as 2000 (got %u:%u)", st.st_uid, st.st_gid);
	UNIT_CHECK(tree >= 0 && fstat(tree, &st) == 0 && st.st_uid == 0,
		   "stored 3000 shows as 0 (got %u)", st.st_uid);
	if (tree >= 0) {
		int again = idmap_mount_clone(tree, "", &m, ns, &err);

		UNIT_CHECK(again == -EPERM && strstr(err.msg, "idmapped mount of (test): Operation "
							      "not permitted (not allowed: the "
							      "source is already idmapped"),
			   "mapping an idmapped mount again is refused in words: %s", err.msg);
		if (again >= 0)
			close(again);
		close(steal_fd(tree));
	}
	unlinkat(dfd, "f", 0);
	close(dfd);
	rmdir(dir);
}

int main(void)
{
	test_parse();
	test_mount_errors();
	test_overlaps();
	test_too_many_ranges();
	test_validate_for_start();
	test_uses_container_maps();
	test_mapped_clone();
	return unit_done();
}
