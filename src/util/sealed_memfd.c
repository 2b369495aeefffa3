/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "util/sealed_memfd.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "util/cleanup.h"
#include "util/fsutil.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS_FOR_EXEC (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static int memfd_for_exec(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	/* MFD_EXEC is Linux 6.3: older kernels refuse the flag, and their memfds are executable
	 * anyway. Newer ones need it when vm.memfd_noexec=1 makes memfds non-executable. */
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	return fd < 0 ? -errno : fd;
}

int sealed_memfd_open(const char *name, struct iso_error *err)
{
	int mfd = memfd_for_exec(name);

	if (mfd == -EACCES)
		return iso_error_set(err, EACCES,
				     "memfd_create(MFD_EXEC) (refused when vm.memfd_noexec is 2)");
	if (mfd < 0)
		return iso_error_set(err, -mfd, "memfd_create");
	return mfd;
}

int sealed_memfd_seal(int mfd, struct iso_error *err)
{
	if (fcntl(mfd, F_ADD_SEALS, SEALS_FOR_EXEC) < 0)
		return iso_error_set(err, errno, "sealing a memfd");
	return 0;
}

int sealed_memfd_from_bytes(const char *name, const void *image, size_t size, struct iso_error *err)
{
	_cleanup_close_ int mfd = sealed_memfd_open(name, err);
	int r;

	if (mfd < 0)
		return mfd;
	if ((r = write_all(mfd, image, size)) < 0)
		return iso_error_set(err, -r, "writing a memfd");
	if ((r = sealed_memfd_seal(mfd, err)) < 0)
		return r;
	return steal_fd(mfd);
}
