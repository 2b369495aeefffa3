#include "config.h"
#include "runtime/cgroup_join.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fsutil.h"

/* Whether the comma-separated super options of a v1 cgroup mount hold every controller (or
 * name=) of the hierarchy named in /proc/PID/cgroup. */
static int options_hold(const char *super_opts, const char *controllers)
{
	_cleanup_free_ char *want = strdup(controllers);
	char *save = NULL;

	if (!want)
		return 0;
	for (char *c = strtok_r(want, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(c);
		const char *p = super_opts;
		int found = 0;

		while ((p = strstr(p, c))) {
			if ((p == super_opts || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
				found = 1;
				break;
			}
			p += n;
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* The mount point and the root inside the hierarchy of the mount that shows controllers
 * (empty for the v2 hierarchy), or -ENOENT when it is not mounted here. */
static int find_hierarchy(const char *controllers, char **ret_mnt, char **ret_root)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char root[4096], mnt[4096], fstype[64], super[1024];
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, super) != 2)
			continue;
		if (controllers[0]
			? strcmp(fstype, "cgroup") != 0 || !options_hold(super, controllers)
			: strcmp(fstype, "cgroup2") != 0)
			continue;
		*ret_mnt = strdup(mnt);
		*ret_root = strdup(root);
		if (!*ret_mnt || !*ret_root) {
			free(*ret_mnt);
			free(*ret_root);
			return -ENOMEM;
		}
		return 0;
	}
	return -ENOENT;
}

static int join_one(const char *controllers, const char *path, struct iso_error *err)
{
	_cleanup_free_ char *mnt = NULL, *root = NULL, *procs = NULL;
	size_t rlen;
	int r;

	r = find_hierarchy(controllers, &mnt, &root);
	if (r == -ENOENT)
		return 0; /* not mounted here: nothing to join, nothing that could limit us */
	if (r < 0)
		return iso_error_set(err, -r, "/proc/self/mountinfo");
	/* A mount of a sub-tree (its root is not "/") shows paths relative to that root. */
	rlen = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (rlen && strncmp(path, root, rlen) == 0)
		path += rlen;
	if (asprintf(&procs, "%s/%s/cgroup.procs", mnt, path) < 0)
		return iso_error_set(err, ENOMEM, "cgroup");
	r = write_file_string(procs, "0", err);
	return r < 0 ? iso_error_wrap(err, "joining the container's cgroup") : 0;
}

int cgroup_join_process_cgroups(pid_t target, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL, *proc_path = NULL;
	char *save = NULL;
	size_t len;
	int r;

	if (asprintf(&proc_path, "/proc/%d/cgroup", (int)target) < 0)
		return iso_error_set(err, ENOMEM, "cgroup");
	r = read_file_at(AT_FDCWD, proc_path, 1 << 16, &text, &len, err);
	if (r < 0)
		return r;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *controllers = strchr(line, ':'), *path;

		if (!controllers || !(path = strchr(controllers + 1, ':')))
			continue;
		*path++ = '\0';
		controllers++;
		if ((r = join_one(controllers, path, err)) < 0)
			return r;
	}
	return 0;
}
