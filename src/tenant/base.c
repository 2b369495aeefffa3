/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/base.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUSYBOX	    "/bin/busybox"
#define APPLETS_MAX (256 * 1024)
#define BASE_NEW    "base.new"

extern char **environ;

/* ---- helpers ---------------------------------------------------------------------------- */

/* Runs argv (found in PATH) with stdout to out_fd (-1: inherited) and waits for it. */
static int run_tool(char *const argv[], int out_fd, struct iso_error *err)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, r;

	posix_spawn_file_actions_init(&fa);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return iso_error_set(err, r, "running %s", argv[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return iso_error_set(err, errno, "waiting for %s", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return iso_error_invalid(err, "%s failed (status %d)", argv[0],
					 WIFEXITED(status) ? WEXITSTATUS(status)
							   : 128 + WTERMSIG(status));
	return 0;
}

/* A static binary has no program interpreter (PT_INTERP). */
static int check_static(const char *path, struct iso_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (fd < 0)
		return iso_error_set(err, errno, "%s (install the Debian package busybox-static)",
				     path);
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64)
		return iso_error_invalid(err, "%s: not a 64-bit ELF binary", path);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * eh.e_phentsize)) !=
		    sizeof(ph))
			return iso_error_invalid(err, "%s: truncated ELF header", path);
		if (ph.p_type == PT_INTERP)
			return iso_error_invalid(err,
						 "%s is dynamically linked: install the "
						 "Debian package busybox-static",
						 path);
	}
	return 0;
}

static int copy_file(const char *src, const char *dst, mode_t mode, struct iso_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = read_file_at(AT_FDCWD, src, 64 * 1024 * 1024, &data, &len, err);

	return r < 0 ? r : write_file_atomic(dst, data, len, mode, err);
}

/* ---- the sources ------------------------------------------------------------------------ */

static int busybox_links(const char *bin, struct iso_error *err)
{
	char tmpl[] = "/tmp/isorun-applets-XXXXXX";
	_cleanup_close_ int fd = mkostemp(tmpl, O_CLOEXEC);
	_cleanup_free_ char *list = NULL;
	char *argv[] = {(char *)BUSYBOX, (char *)"--list", NULL}, *save = NULL, *a;
	_cleanup_close_ int bindir = open(bin, O_PATH | O_DIRECTORY | O_CLOEXEC);
	size_t len;
	int r;

	if (fd < 0 || bindir < 0)
		return iso_error_set(err, errno, "busybox --list");
	unlink(tmpl);
	if ((r = run_tool(argv, fd, err)) < 0)
		return r;
	snprintf(tmpl, sizeof(tmpl), "/proc/self/fd/%d", fd);
	if ((r = read_file_at(AT_FDCWD, tmpl, APPLETS_MAX, &list, &len, err)) < 0)
		return r;
	for (a = strtok_r(list, "\n", &save); a; a = strtok_r(NULL, "\n", &save)) {
		/* `busybox --list` names busybox itself: a link there would replace the binary. */
		if (!*a || strchr(a, '/') || !strcmp(a, "busybox"))
			continue;
		if (symlinkat("busybox", bindir, a) < 0 && errno != EEXIST)
			return iso_error_set(err, errno, "bin/%s", a);
	}
	return 0;
}

static int from_busybox(const char *dir, struct iso_error *err)
{
	static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
				     "nobody:x:65534:65534:nobody:/home:/bin/false\n";
	static const char group[] = "root:x:0:\nnobody:x:65534:\n";
	_cleanup_free_ char *bin = NULL, *exe = NULL, *pw = NULL, *gr = NULL;
	int r;

	if ((r = check_static(BUSYBOX, err)) < 0)
		return r;
	if (asprintf(&bin, "%s/bin", dir) < 0 || asprintf(&exe, "%s/bin/busybox", dir) < 0 ||
	    asprintf(&pw, "%s/etc/passwd", dir) < 0 || asprintf(&gr, "%s/etc/group", dir) < 0)
		return iso_error_set(err, ENOMEM, "base");
	if ((r = mkdir_p(bin, 0755, err)) < 0 || (r = copy_file(BUSYBOX, exe, 0755, err)) < 0 ||
	    (r = busybox_links(bin, err)) < 0)
		return r;
	*strrchr(pw, '/') = '\0';
	if (mkdir(pw, 0755) < 0 && errno != EEXIST)
		return iso_error_set(err, errno, "%s", pw);
	pw[strlen(pw)] = '/';
	if ((r = write_file_atomic(pw, passwd, strlen(passwd), 0644, err)) < 0)
		return r;
	return write_file_atomic(gr, group, strlen(group), 0644, err);
}

static int from_source(const char *from, const char *dir, struct iso_error *err)
{
	struct stat st;

	if (!strcmp(from, "busybox"))
		return from_busybox(dir, err);
	if (!strncmp(from, "debootstrap:", 12)) {
		char *argv[] = {(char *)"debootstrap", (char *)"--variant=minbase",
				(char *)from + 12, (char *)dir, NULL};

		return run_tool(argv, -1, err);
	}
	if (stat(from, &st) < 0)
		return iso_error_set(err, errno, "--from %s", from);
	if (S_ISDIR(st.st_mode)) {
		_cleanup_free_ char *src = NULL;

		if (asprintf(&src, "%s/.", from) < 0)
			return iso_error_set(err, ENOMEM, "--from");
		char *argv[] = {(char *)"cp", (char *)"-a", (char *)"--", src, (char *)dir, NULL};

		return run_tool(argv, -1, err);
	}
	char *argv[] = {(char *)"tar", (char *)"-xpf", (char *)from,
			(char *)"-C",  (char *)dir,    (char *)"--numeric-owner",
			NULL};

	return run_tool(argv, -1, err);
}

/* Mount points of every tenant: they must exist in the lower layer. */
static int add_mount_points(const char *dir, struct iso_error *err)
{
	static const char *const dirs[] = {"proc", "sys", "dev", "tmp", "home", "etc", "root"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		_cleanup_free_ char *p = NULL;

		if (asprintf(&p, "%s/%s", dir, dirs[i]) < 0)
			return iso_error_set(err, ENOMEM, "base");
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return iso_error_set(err, errno, "%s", p);
	}
	return 0;
}

/* ---- base ------------------------------------------------------------------------------- */

static int check_not_in_use(const struct tenant_store *s, bool force, struct iso_error *err)
{
	struct tenant_registry reg;
	int r = registry_read(s, &reg, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < reg.n && r == 0; i++)
		if (store_tenant_busy(s, reg.entries[i].tid))
			r = iso_error_set(err, EBUSY, "the base is in use: tenant %s is running",
					  reg.entries[i].tid);
	if (r == 0 && reg.n > 0 && !force)
		r = iso_error_set(err, EBUSY,
				  "the base is in use by %zu tenant(s): delete them "
				  "first, or rebuild with --force",
				  reg.n);
	registry_free(&reg);
	return r;
}

int base_build(const struct tenant_store *s, const char *from, bool force, struct iso_error *err)
{
	_cleanup_free_ char *fresh = NULL;
	_cleanup_close_ int lock = registry_lock(s, err);
	struct iso_error ignored = {0};
	int r;

	if (lock < 0 || (r = check_not_in_use(s, force, err)) < 0)
		return iso_error_code(err);
	if (asprintf(&fresh, "%s/" BASE_NEW, s->root) < 0)
		return iso_error_set(err, ENOMEM, "base");
	/* Leftovers of an interrupted build. */
	remove_tree(fresh, &ignored);
	if (mkdir(fresh, 0755) < 0)
		return iso_error_set(err, errno, "%s", fresh);
	r = from_source(from, fresh, err);
	if (r == 0)
		r = add_mount_points(fresh, err);
	/* One atomic swap: the old base ends up in base.new, removed below. */
	if (r == 0 && renameat2(AT_FDCWD, fresh, AT_FDCWD, s->base, RENAME_EXCHANGE) < 0) {
		if (errno != ENOENT)
			r = iso_error_set(err, errno, "%s", s->base);
		else if (rename(fresh, s->base) < 0)
			r = iso_error_set(err, errno, "%s", s->base);
	}
	remove_tree(fresh, &ignored);
	return r < 0 ? iso_error_wrap(err, "tenant base --from %s", from) : 0;
}
