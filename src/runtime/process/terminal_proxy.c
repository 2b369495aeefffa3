/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/terminal_proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define PROXY_BUF 8192

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			poll(&pfd, 1, -1);
			continue;
		}
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Returns bytes copied, 0 at the end of from, -1 on an error other than "nothing now". */
static ssize_t copy_once(int from, int to)
{
	char buf[PROXY_BUF];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) < 0 && errno == EINTR)
		;
	if (n < 0 && errno == EAGAIN)
		return -2;
	if (n <= 0)
		return n;
	return write_all(to, buf, (size_t)n) < 0 ? -1 : n;
}

void terminal_proxy_resize(const struct terminal_proxy *tp)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(tp->master, TIOCSWINSZ, &ws);
}

int terminal_proxy_begin(struct terminal_proxy *tp, int master, struct iso_error *err)
{
	*tp = (struct terminal_proxy){
	    .master = master, .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO};
	if (fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK) < 0)
		return iso_error_set(err, errno, "terminal: pty master");
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &tp->saved) == 0) {
		struct termios raw = tp->saved;

		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
			return iso_error_set(err, errno, "terminal: raw mode on stdin");
		tp->restore_tty = true;
		terminal_proxy_resize(tp);
	}
	return 0;
}

/* stdin ended (a pipe or file): the container reads an end of file too, as it would from a
 * terminal where the user typed the EOF character at the start of a line. */
static void forward_end_of_input(struct terminal_proxy *tp)
{
	struct termios t = {0};
	char eof = 4;

	if (tcgetattr(tp->master, &t) == 0)
		eof = (char)t.c_cc[VEOF];
	write_all(tp->master, &eof, 1);
	tp->in_fd = -1;
	tp->input_ended = true;
	tp->eof_lflag = t.c_lflag;
}

/* An EOF character that arrives before the program switches its terminal's mode (an
 * interactive shell goes raw for line editing) is lost in the switch, and the program would
 * wait forever for input that cannot come: after such a switch it is sent again. */
static void repeat_end_of_input(struct terminal_proxy *tp)
{
	struct termios t;

	if (tp->input_ended && tcgetattr(tp->master, &t) == 0 && t.c_lflag != tp->eof_lflag)
		forward_end_of_input(tp);
}

int terminal_proxy_pump(struct terminal_proxy *tp, short in_revents, short master_revents)
{
	if (tp->in_fd >= 0 && (in_revents & (POLLIN | POLLHUP | POLLERR))) {
		ssize_t n = copy_once(tp->in_fd, tp->master);

		if (n == 0 || n == -1)
			forward_end_of_input(tp);
	}
	if (master_revents & POLLIN) {
		ssize_t n = copy_once(tp->master, tp->out_fd);

		if (n == -2)
			return 0;
		if (n > 0)
			repeat_end_of_input(tp);
	}
	/* Linux reports a pty whose every slave is closed as POLLHUP, and read() as EIO. */
	return (master_revents & (POLLHUP | POLLERR)) && !(master_revents & POLLIN) ? 1 : 0;
}

void terminal_proxy_end(struct terminal_proxy *tp)
{
	while (copy_once(tp->master, tp->out_fd) > 0)
		;
	if (tp->restore_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &tp->saved);
	close(tp->master);
	tp->master = -1;
}
