/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the one directory copier (util/dir_copy.h) under the rules of its two users:
 * tmpcopyup (everything kept as it is) and a tenant package's progs/ (an untrusted source). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unit.h"
#include "util/cleanup.h"
#include "util/dir_copy.h"

static const struct dir_copy_rules keep_rules = {
    .src_label = "src/", .dst_label = "dst/", .keep_all = true};
static const struct dir_copy_rules strict_rules = {
    .src_label = "progs/", .dst_label = "home/", .confine_symlinks = true, .max_depth = 3};

static char top[] = "/tmp/isorun-dir-copy-XXXXXX";

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(path);
}

/* A fresh top/src and top/dst. */
static void fresh(void)
{
	char path[256];

	nftw(top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(top, 0700);
	snprintf(path, sizeof(path), "%s/src", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/dst", top);
	mkdir(path, 0755);
}

static void put(const char *rel, const char *content, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/src/%s", top, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, content, strlen(content)) < 0)
			perror("write");
		fchmod(fd, mode);
		close(fd);
	}
}

static void at(char *buf, const char *side, const char *rel)
{
	snprintf(buf, 256, "%s/%s/%s", top, side, rel);
}

static int copy(const struct dir_copy_rules *rules, struct iso_error *err)
{
	char path[256];
	_cleanup_close_ int s = -1, d = -1;

	at(path, "src", "");
	s = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	at(path, "dst", "");
	d = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dir_copy(s, d, rules, err);
}

static bool stat_dst(const char *rel, struct stat *st)
{
	char path[256];

	at(path, "dst", rel);
	return lstat(path, st) == 0;
}

static void read_dst(const char *rel, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	at(path, "dst", rel);
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

static void make_socket(const char *rel)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/src/%s", top, rel);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		perror("bind");
	if (fd >= 0)
		close(fd);
}

static void test_keep_all(void)
{
	struct iso_error err = {0};
	struct timespec old[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};
	char path[256], buf[64];
	struct stat st;
	bool root = geteuid() == 0;
	int r;

	fresh();
	put("suid", "set-id\n", 04755);
	at(path, "src", "sub");
	mkdir(path, 0750);
	put("sub/f", "in sub\n", 0640);
	if (root)
		lchown(path, 7, 8);
	utimensat(AT_FDCWD, path, old, 0);
	at(path, "src", "abs");
	symlink("/etc/passwd", path);
	at(path, "src", "fifo");
	mkfifo(path, 0600);
	chmod(path, 0620); /* past the umask */
	make_socket("sock");
	r = copy(&keep_rules, &err);
	UNIT_CHECK(r == 0, "keep_all: the tree is copied (%s)", err.msg);
	UNIT_CHECK(stat_dst("suid", &st) && (st.st_mode & 07777) == 04755, "set-id bit kept (%o)",
		   st.st_mode & 07777);
	read_dst("sub/f", buf, sizeof(buf));
	UNIT_CHECK(strcmp(buf, "in sub\n") == 0, "content of a nested file");
	UNIT_CHECK(stat_dst("sub", &st) && (st.st_mode & 07777) == 0750 &&
		       st.st_mtim.tv_sec == 1000000000,
		   "a directory's mode and mtime kept after it was filled");
	if (root)
		UNIT_CHECK(st.st_uid == 7 && st.st_gid == 8, "a directory's owner kept");
	UNIT_CHECK(stat_dst("abs", &st) && S_ISLNK(st.st_mode), "an absolute symlink is a symlink");
	at(path, "dst", "abs");
	r = (int)readlink(path, buf, sizeof(buf) - 1);
	buf[r > 0 ? r : 0] = '\0';
	UNIT_CHECK(strcmp(buf, "/etc/passwd") == 0, "its target unchanged, not followed");
	UNIT_CHECK(stat_dst("fifo", &st) && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0620,
		   "a fifo is made again with its mode");
	UNIT_CHECK(!stat_dst("sock", &st), "a socket is skipped");
}

static void test_strict(void)
{
	struct iso_error err = {0};
	char path[256], buf[64];
	struct stat st;
	int r;

	fresh();
	put("prog", "#!/bin/sh\n", 06755);
	at(path, "src", "inside");
	symlink("prog", path);
	r = copy(&strict_rules, &err);
	UNIT_CHECK(r == 0, "strict: files and an inside symlink are copied (%s)", err.msg);
	UNIT_CHECK(stat_dst("prog", &st) && (st.st_mode & 07777) == 0755 && st.st_uid == geteuid(),
		   "set-id bits dropped, the caller's owner (%o)", st.st_mode & 07777);
	read_dst("inside", buf, sizeof(buf));
	UNIT_CHECK(strcmp(buf, "#!/bin/sh\n") == 0, "the inside symlink leads to the copy");

	fresh();
	at(path, "src", "sub");
	mkdir(path, 0755);
	at(path, "src", "sub/up");
	symlink("../../dst", path);
	r = copy(&strict_rules, &err);
	UNIT_CHECK(r == -EINVAL && strstr(err.msg, "progs/sub/up: symlink to \"../../dst\" leads "
						   "outside progs/"),
		   "a relative symlink out is refused (%s)", err.msg);
	fresh();
	at(path, "src", "abs");
	symlink("/etc/passwd", path);
	r = copy(&strict_rules, &err);
	UNIT_CHECK(r == -EINVAL && strstr(err.msg, "leads outside progs/"),
		   "an absolute symlink out is refused (%s)", err.msg);
	fresh();
	at(path, "src", "fifo");
	mkfifo(path, 0600);
	r = copy(&strict_rules, &err);
	UNIT_CHECK(r == -EINVAL && strstr(err.msg, "progs/fifo: not a regular file, directory or "
						   "symlink"),
		   "a fifo is refused (%s)", err.msg);
	fresh();
	at(path, "src", "a");
	mkdir(path, 0755);
	at(path, "src", "a/b");
	mkdir(path, 0755);
	at(path, "src", "a/b/c");
	mkdir(path, 0755);
	r = copy(&strict_rules, &err);
	UNIT_CHECK(r == 0, "three levels are within max_depth 3 (%s)", err.msg);
	fresh();
	at(path, "src", "a");
	mkdir(path, 0755);
	at(path, "src", "a/b");
	mkdir(path, 0755);
	at(path, "src", "a/b/c");
	mkdir(path, 0755);
	at(path, "src", "a/b/c/d");
	mkdir(path, 0755);
	r = copy(&strict_rules, &err);
	UNIT_CHECK(r == -EINVAL && strstr(err.msg, "progs/a/b/c/d: nested too deep"),
		   "a fourth level is refused (%s)", err.msg);
}

int main(void)
{
	if (!mkdtemp(top)) {
		UNIT_CHECK(0, "mkdtemp");
		return unit_done();
	}
	test_keep_all();
	test_strict();
	nftw(top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return unit_done();
}
