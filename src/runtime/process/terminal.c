/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/terminal.h"

#include "util/cleanup.h"
#include "util/fds.h"
#include "util/fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* The payload sent with the master, as runc does: the name of the file the master came from. */
#define CONSOLE_PAYLOAD "/dev/ptmx"

/* The peer of master. TIOCGPTPEER (Linux 4.13) opens it from the master itself, so no path
 * in the container's /dev/pts (which the container could have replaced) is looked up; older
 * kernels fall back to the name. */
static int open_peer(int master)
{
	char name[64];
	int fd;

	fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && (errno == EINVAL || errno == ENOTTY)) {
		if (ptsname_r(master, name, sizeof(name)) != 0)
			return -errno;
		fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

static int set_window_size(int fd, uint32_t rows, uint32_t cols, struct iso_error *err)
{
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};

	if (rows > USHRT_MAX || cols > USHRT_MAX)
		return iso_error_invalid(err, "process.consoleSize %ux%u: too large", rows, cols);
	if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
		return iso_error_set(err, errno, "terminal: setting the window size");
	return 0;
}

/* Makes slave the controlling terminal of a new session and the caller's stdio. */
static int become_tty_owner(int slave, struct iso_error *err)
{
	if (setsid() < 0)
		return iso_error_set(err, errno, "terminal: setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return iso_error_set(err, errno,
				     "terminal: making the pty the controlling terminal");
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(slave, fd) < 0)
			return iso_error_set(err, errno, "terminal: dup2 to fd %d", fd);
	return 0;
}

/* The process must be able to use (and chmod, as mesg(1) does) its own terminal, which the
 * runtime's root made.  The kernel gave the slave the devpts mount's gid= group (the tty group)
 * when there is one, else the creator's group: only then does the process's group replace it.
 * EINVAL and EPERM (an id or the pty's owner not mapped in a user namespace) leave it as it is,
 * as runc does. */
static int give_to_user(int slave, const struct spec_user *user, struct iso_error *err)
{
	struct stat st;
	gid_t gid = (gid_t)-1;

	if (fstat(slave, &st) < 0)
		return iso_error_set(err, errno, "terminal: fstat of the pty");
	if (st.st_gid == getegid())
		gid = user->gid;
	if (fchown(slave, user->uid, gid) < 0 && errno != EINVAL && errno != EPERM)
		return iso_error_set(err, errno, "terminal: giving the pty to uid %u",
				     (unsigned int)user->uid);
	return 0;
}

int terminal_setup_in_container(const struct spec_process *proc, int *ret_master,
				struct iso_error *err)
{
	_cleanup_close_ int master = -1, slave = -1;
	int r;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	r = master < 0 ? -errno : fd_move_above_stdio(&master);
	if (r < 0)
		return iso_error_set(err, -r, "terminal: /dev/ptmx");
	if (unlockpt(master) < 0)
		return iso_error_set(err, errno, "terminal: unlockpt");
	slave = open_peer(master);
	r = slave < 0 ? slave : fd_move_above_stdio(&slave);
	if (r < 0)
		return iso_error_set(err, -r, "terminal: opening the pty peer");
	if (proc->has_console_size &&
	    (r = set_window_size(slave, proc->console_height, proc->console_width, err)) < 0)
		return r;
	if ((r = give_to_user(slave, &proc->user, err)) < 0)
		return r;
	r = become_tty_owner(slave, err);
	if (r < 0)
		return r;
	*ret_master = steal_fd(master);
	return 0;
}

/* sun_path holds 107 characters; a longer path is reached through its directory's fd. */
static int fill_sockaddr(const char *path, struct sockaddr_un *addr, int *ret_dirfd)
{
	_cleanup_free_ char *dir_copy = NULL, *base_copy = NULL;
	int dirfd, n;

	*ret_dirfd = -1;
	addr->sun_family = AF_UNIX;
	if (strlen(path) < sizeof(addr->sun_path)) {
		strcpy(addr->sun_path, path);
		return 0;
	}
	dir_copy = strdup(path);
	base_copy = strdup(path);
	if (!dir_copy || !base_copy)
		return -ENOMEM;
	dirfd = open(dirname(dir_copy), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	n = snprintf(addr->sun_path, sizeof(addr->sun_path), "/proc/self/fd/%d/%s", dirfd,
		     basename(base_copy));
	if (n < 0 || (size_t)n >= sizeof(addr->sun_path)) {
		close(dirfd);
		return -ENAMETOOLONG;
	}
	*ret_dirfd = dirfd;
	return 0;
}

int terminal_send_to_console_socket(const char *socket_path, int master, struct iso_error *err)
{
	_cleanup_close_ int sock = -1, dirfd = -1;
	struct sockaddr_un addr = {0};
	int r;

	r = fill_sockaddr(socket_path, &addr, &dirfd);
	if (r < 0)
		return iso_error_set(err, -r, "console socket %s", socket_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return iso_error_set(err, errno, "console socket %s: socket", socket_path);
	while ((r = connect(sock, (struct sockaddr *)&addr, sizeof(addr))) < 0 && errno == EINTR)
		;
	if (r < 0)
		return iso_error_set(err, errno, "console socket %s: connect", socket_path);
	r = fd_send(sock, master, CONSOLE_PAYLOAD, strlen(CONSOLE_PAYLOAD));
	if (r < 0)
		return iso_error_set(err, -r, "console socket %s: sending the pty master",
				     socket_path);
	return 0;
}

int terminal_hand_over(const char *console_socket, int console_fd, int master,
		       struct iso_error *err)
{
	int r;

	if (console_socket)
		return terminal_send_to_console_socket(console_socket, master, err);
	r = fd_send(console_fd, master, "console", 7);
	return r < 0 ? iso_error_set(err, -r, "sending the pty master") : 0;
}
