/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a process may hold, read from the inside: capabilities that reach the host, no seccomp
 * filter, the host's cgroup namespace, a /sys that can be made writable.  Each is the
 * precondition of a whole family of escapes, so it is checked on its own as well. */
#define _GNU_SOURCE
#include "escape.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Capabilities that reach past a container (mounts, the kernel, other processes' memory, raw
 * devices and packets, the clock...).  Not AUDIT_WRITE: harmless outside the host's network
 * namespace, and Docker's defaults (so `isorun spec`'s) hold it. */
static const struct {
	int cap;
	const char *name;
} host_caps[] = {
    {2, "DAC_READ_SEARCH"},	{12, "NET_ADMIN"}, {13, "NET_RAW"},
    {16, "SYS_MODULE"},		{17, "SYS_RAWIO"}, {19, "SYS_PTRACE"},
    {21, "SYS_ADMIN"},		{22, "SYS_BOOT"},  {24, "SYS_RESOURCE"},
    {25, "SYS_TIME"},		{27, "MKNOD"},	   {30, "AUDIT_CONTROL"},
    {32, "MAC_OVERRIDE"},	{33, "MAC_ADMIN"}, {34, "SYSLOG"},
    {36, "BLOCK_SUSPEND"},	{38, "PERFMON"},   {39, "BPF"},
    {40, "CHECKPOINT_RESTORE"},
};

/* The value of a "Key:\t..." line of /proc/self/status (which never starts with one), or NULL. */
static const char *status_field(const char *status, const char *key, char *buf, size_t size)
{
	char needle[32];
	const char *v;

	snprintf(needle, sizeof(needle), "\n%s:", key);
	v = strstr(status, needle);
	if (!v)
		return NULL;
	v += strlen(needle);
	v += strspn(v, " \t");
	snprintf(buf, size, "%.*s", (int)strcspn(v, "\n"), v);
	return buf;
}

static int read_status(char *buf, size_t size)
{
	return read_small("/proc/self/status", buf, size);
}

/* CapEff and CapBnd: the bounding set too, since an exec could raise CapEff up to it. */
static int caps(int argc, char **argv)
{
	static const char *const sets[] = {"CapEff", "CapBnd"};
	char status[8192], val[64], found[512] = "";

	(void)argc;
	(void)argv;
	if (read_status(status, sizeof(status)) < 0)
		return probe_error("/proc/self/status: %s", strerror(errno));
	for (size_t s = 0; s < 2; s++) {
		uint64_t mask;

		if (!status_field(status, sets[s], val, sizeof(val)))
			return probe_error("no %s in /proc/self/status", sets[s]);
		mask = strtoull(val, NULL, 16);
		for (size_t i = 0; i < sizeof(host_caps) / sizeof(host_caps[0]); i++)
			if (mask & (UINT64_C(1) << host_caps[i].cap))
				snprintf(found + strlen(found), sizeof(found) - strlen(found),
					 " %s:CAP_%s", sets[s], host_caps[i].name);
	}
	if (found[0])
		return escaped("capabilities that reach the host:%s", found);
	if (!status_field(status, "CapEff", val, sizeof(val)))
		return probe_error("no CapEff");
	return refused("CapEff %s holds none of the host-reaching capabilities", val);
}

/* Mode 2 is a filter; NoNewPrivs keeps exec from raising anything past it. */
static int seccomp_mode(int argc, char **argv)
{
	char status[8192], mode[16], nnp[16];

	(void)argc;
	(void)argv;
	if (read_status(status, sizeof(status)) < 0)
		return probe_error("/proc/self/status: %s", strerror(errno));
	if (!status_field(status, "Seccomp", mode, sizeof(mode)) ||
	    !status_field(status, "NoNewPrivs", nnp, sizeof(nnp)))
		return probe_error("no Seccomp or NoNewPrivs in /proc/self/status");
	if (strcmp(mode, "2") != 0)
		return escaped("Seccomp: %s (no filter)", mode);
	return refused("Seccomp: 2 (a filter), NoNewPrivs: %s", nnp);
}

/* In a cgroup namespace of its own every line of /proc/self/cgroup ("ID:CONTROLLERS:PATH")
 * names "/"; in the host's they show where the container sits in the host's tree. */
static int cgroupns(int argc, char **argv)
{
	char buf[4096];

	(void)argc;
	(void)argv;
	if (read_small("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return probe_error("/proc/self/cgroup: %s", strerror(errno));
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		char *path = strchr(l, ':');

		path = path ? strchr(path + 1, ':') : NULL;
		if (!path)
			return probe_error("/proc/self/cgroup: \"%s\"", l);
		if (strcmp(path + 1, "/") != 0)
			return escaped("in the host's cgroup namespace: %s", l);
	}
	return refused("every line of /proc/self/cgroup names \"/\" (a cgroup namespace)");
}

/* /sys read-only, and it stays so: a remount read-write needs CAP_SYS_ADMIN. */
static int sys_rw(int argc, char **argv)
{
	struct statvfs sv;
	int e;

	(void)argc;
	(void)argv;
	if (statvfs("/sys", &sv) < 0)
		return probe_error("statvfs /sys: %s", strerror(errno));
	if (!(sv.f_flag & ST_RDONLY))
		return escaped("/sys is mounted read-write");
	if (mount(NULL, "/sys", NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) == 0)
		return escaped("remounted /sys read-write");
	e = errno;
	if (statvfs("/sys/fs/cgroup", &sv) == 0 && !(sv.f_flag & ST_RDONLY))
		return escaped("/sys/fs/cgroup is mounted read-write");
	return refused("/sys is read-only; remount: %s", strerror(e));
}

const struct technique confine_techniques[] = {
    {"caps", "", caps},		{"seccomp", "", seccomp_mode},
    {"cgroupns", "", cgroupns}, {"sys_rw", "", sys_rw},
    {NULL, NULL, NULL},
};
