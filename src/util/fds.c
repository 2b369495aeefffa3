/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "util/fds.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

int fds_close_above(unsigned int from, const int *keep, size_t n_keep, struct iso_error *err)
{
	for (;;) {
		int next = INT_MAX;

		for (size_t i = 0; i < n_keep; i++)
			if (keep[i] >= (int)from && keep[i] < next)
				next = keep[i];
		if (next == INT_MAX)
			break;
		if (next > (int)from && syscall(SYS_close_range, from, next - 1, 0) < 0)
			return iso_error_set(err, errno, "close_range");
		from = (unsigned int)next + 1;
	}
	if (syscall(SYS_close_range, from, ~0U, 0) < 0)
		return iso_error_set(err, errno, "close_range");
	return 0;
}

int fds_check_preserved(int n, struct iso_error *err)
{
	for (int fd = 3; fd < 3 + n; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			return iso_error_set(err, errno, "--preserve-fds: fd %d", fd);
	return 0;
}

int fds_pass_preserved(int n, struct iso_error *err)
{
	for (int fd = 3; fd < 3 + n; fd++)
		if (fcntl(fd, F_SETFD, 0) < 0)
			return iso_error_set(err, errno, "--preserve-fds: fd %d", fd);
	return 0;
}

int fd_move_above_stdio(int *fd)
{
	int nfd;

	if (*fd > 2)
		return 0;
	nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return -errno;
	close(*fd);
	*fd = nfd;
	return 0;
}
