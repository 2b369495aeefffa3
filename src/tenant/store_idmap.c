/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "tenant/store_idmap.h"
#include "runtime/rootfs/idmap_mount.h"
#include "util/cleanup.h"
#include "util/fs_type_name.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

static int refuse(const struct tenant_store *s, struct iso_error *err)
{
	_cleanup_close_ int fd = open(s->base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char fs[FS_TYPE_NAME_MAX];
	struct utsname u;

	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "?");
	return iso_error_invalid(err,
				 "tenant store %s: its file system (%s) cannot be idmapped by "
				 "Linux %s, which a tenant in a user namespace needs: put the "
				 "store on ext4, xfs or btrfs (tmpfs from Linux 6.3), or set "
				 "\"userns\": false in the package's config.json",
				 s->root, fd < 0 ? "unknown" : fs_type_name_of_fd(fd, fs),
				 u.release);
}

int store_check_idmap(const struct tenant_store *s, const struct tenant_package *pkg,
		      struct iso_error *err)
{
	int r;

	if (!package_userns_enabled(pkg))
		return 0;
	r = idmap_mount_supported(s->base, err);
	if (r < 0)
		return iso_error_wrap(err, "tenant store %s", s->root);
	return r ? 0 : refuse(s, err);
}
