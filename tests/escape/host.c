/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host's file system and kernel: another root through /proc, /proc/sys and /sys writes,
 * sysrq, kcore, kernel modules, kexec, open_by_handle_at, block devices and mknod. */
#define _GNU_SOURCE
#include "escape.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Any process whose root is not ours (the host's pid 1, a runtime helper) is a way out. */
static int proc_root(int argc, char **argv)
{
	char path[300], where[256];
	struct dirent *e;
	int seen = 0, denied = 0;
	DIR *d = opendir("/proc");

	(void)argc;
	(void)argv;
	if (!d)
		return probe_error("/proc: %s", strerror(errno));
	while ((e = readdir(d))) {
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		seen++;
		snprintf(path, sizeof(path), "/proc/%s/root/", e->d_name);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			denied++;
			continue;
		}
		if (!same_file(path, "/") || walks_out_of_root(fd, where, sizeof(where))) {
			closedir(d);
			return escaped("%s is a root that is not ours", path);
		}
		close(fd);
	}
	closedir(d);
	return refused("all %d processes in /proc share our root (%d denied); /proc/1 is the "
		       "container's own init",
		       seen, denied);
}

static int write_any(const char *technique_what, const char *const *paths)
{
	char msg[1024] = "";

	for (size_t i = 0; paths[i]; i++) {
		int r = rewrite_same(paths[i]);

		if (r > 0)
			return escaped("wrote %s (%s)", paths[i], technique_what);
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s%s: %s", i ? ", " : "",
			 paths[i], strerror(-r));
	}
	return refused("%s", msg);
}

static int proc_sys(int argc, char **argv)
{
	static const char *const paths[] = {
	    "/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe",
	    "/proc/sys/vm/panic_on_oom", "/proc/sys/fs/file-max", NULL};
	(void)argc;
	(void)argv;
	return write_any("a host-wide sysctl", paths);
}

static int sys_kernel(int argc, char **argv)
{
	static const char *const paths[] = {"/sys/kernel/uevent_helper", "/sys/kernel/profiling",
					    "/sys/kernel/mm/ksm/run", NULL};
	(void)argc;
	(void)argv;
	return write_any("sysfs", paths);
}

/* 'h' only prints the help to the kernel log: harmless if it gets through. */
static int sysrq(int argc, char **argv)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

	(void)argc;
	(void)argv;
	if (fd < 0)
		return refused("open /proc/sysrq-trigger for writing: %s", strerror(errno));
	if (write(fd, "h", 1) == 1)
		return escaped("wrote to /proc/sysrq-trigger");
	return refused("write /proc/sysrq-trigger: %s", strerror(errno));
}

static int kcore(int argc, char **argv)
{
	char buf[8];
	int fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	(void)argc;
	(void)argv;
	if (fd < 0)
		return refused("open /proc/kcore: %s", strerror(errno));
	n = read(fd, buf, 4);
	if (n == 4 && memcmp(buf, "\177ELF", 4) == 0)
		return escaped("read the kernel's memory image (ELF header) from /proc/kcore");
	return refused("/proc/kcore read %zd bytes, no ELF header (masked)%s%s", n,
		       n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
}

/* Nothing can be loaded from an empty image: what counts is getting past the permission check
 * (EPERM, or seccomp's error) to the module's contents (ENOEXEC, EINVAL, EFAULT...). */
static bool permission_error(int e)
{
	return e == EPERM || e == EACCES || e == ENOSYS;
}

static int kmod(int argc, char **argv)
{
	char image[64] = {0};
	int e1, e2, fd;

	(void)argc;
	(void)argv;
	syscall(SYS_init_module, image, sizeof(image), "");
	e1 = errno;
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	syscall(SYS_finit_module, fd, "", 0);
	e2 = errno;
	if (!permission_error(e1) || !permission_error(e2))
		return escaped(
		    "the module syscalls got past the permission check (init_module: %s, "
		    "finit_module: %s)",
		    strerror(e1), strerror(e2));
	return refused("init_module: %s, finit_module: %s", strerror(e1), strerror(e2));
}

static int kexec(int argc, char **argv)
{
	int e1, e2;

	(void)argc;
	(void)argv;
	/* an architecture that is not ours: EINVAL once the capability check passed */
	syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0xbad0000UL);
	e1 = errno;
	syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0xbad0UL);
	e2 = errno;
	if (!permission_error(e1) || !permission_error(e2))
		return escaped("kexec got past the permission check (kexec_load: %s, "
			       "kexec_file_load: %s)",
			       strerror(e1), strerror(e2));
	return refused("kexec_load: %s, kexec_file_load: %s", strerror(e1), strerror(e2));
}

/* "Shocker": a file handle forged for inode 2 (the root directory of ext2/3/4 and others) of
 * the file system our root, /home or another mount lives on, opened with open_by_handle_at:
 * that is the host's root directory, whatever our mount namespace shows. */
static int shocker(int argc, char **argv)
{
	static const char *const where[] = {"/", "/home", "/tmp/tenant_ipc", "/escape", NULL};
	char msg[1024] = "";

	(void)argc;
	(void)argv;
	for (size_t i = 0; where[i]; i++) {
		struct {
			struct file_handle fh;
			unsigned char bytes[128];
		} h;
		int mount_id, dirfd, fd;

		memset(&h, 0, sizeof(h));
		h.fh.handle_bytes = sizeof(h.bytes);
		if (syscall(SYS_name_to_handle_at, AT_FDCWD, where[i], &h.fh, &mount_id, 0) < 0) {
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
				 "%s: name_to_handle_at: %s; ", where[i], strerror(errno));
			continue;
		}
		/* FILEID_INO32_GEN: inode 2, generation 0 */
		h.fh.handle_type = 1;
		h.fh.handle_bytes = 8;
		memset(h.bytes, 0, 8);
		h.bytes[0] = 2;
		dirfd = open(where[i], O_RDONLY | O_CLOEXEC);
		fd = (int)syscall(SYS_open_by_handle_at, dirfd, &h.fh, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return escaped("open_by_handle_at opened inode 2 of the file system of %s",
				       where[i]);
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
			 "%s: open_by_handle_at: %s; ", where[i], strerror(errno));
		close(dirfd);
	}
	return refused("%s", msg);
}

static bool read_sector(const char *path, char *why, size_t size)
{
	char buf[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, size, "open %s: %s", path, strerror(errno));
		return false;
	}
	if (read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		snprintf(why, size, "read %s: %s", path, strerror(errno));
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

static int blockdev(int argc, char **argv)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	char path[300], why[400] = "no block device in /dev";

	(void)argc;
	(void)argv;
	if (!d)
		return probe_error("/dev: %s", strerror(errno));
	while ((e = readdir(d))) {
		struct stat st;

		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
		    read_sector(path, why, sizeof(why))) {
			closedir(d);
			return escaped("read a sector of the block device %s", path);
		}
	}
	closedir(d);
	return refused("%s", why);
}

/* The host's disks by major:minor, from /sys/dev/block (or the usual numbers). */
static int mknod_disk(int argc, char **argv)
{
	static const char *const dirs[] = {"/dev", "/tmp", "/home", "/", NULL};
	unsigned majors[8] = {8, 259, 253, 254, 202, 7}, minors[8] = {0, 0, 0, 0, 0, 0};
	int n = 6, e = 0;
	char why[400] = "";
	DIR *d = opendir("/sys/dev/block");
	struct dirent *ent;

	(void)argc;
	(void)argv;
	while (d && (ent = readdir(d)) && n < 8)
		if (sscanf(ent->d_name, "%u:%u", &majors[n], &minors[n]) == 2)
			n++;
	if (d)
		closedir(d);
	for (size_t i = 0; dirs[i]; i++)
		for (int k = 0; k < n; k++) {
			char path[64];

			snprintf(path, sizeof(path), "%s/escape-disk-%d",
				 strcmp(dirs[i], "/") ? dirs[i] : "", k);
			if (mknod(path, S_IFBLK | 0600, makedev(majors[k], minors[k])) < 0) {
				e = errno;
				continue;
			}
			bool ok = read_sector(path, why, sizeof(why));
			unlink(path);
			if (ok)
				return escaped("mknod %u:%u at %s and read a sector", majors[k],
					       minors[k], path);
		}
	return refused("mknod: %s%s%s", strerror(e), why[0] ? "; " : "", why);
}

const struct technique host_techniques[] = {
    {"proc_root", "", proc_root}, {"proc_sys", "", proc_sys}, {"sys_kernel", "", sys_kernel},
    {"sysrq", "", sysrq},	  {"kcore", "", kcore},	      {"kmod", "", kmod},
    {"kexec", "", kexec},	  {"shocker", "", shocker},   {"blockdev", "", blockdev},
    {"mknod", "", mknod_disk},	  {NULL, NULL, NULL},
};
