/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/sync.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fdpass.h"

struct sync_header {
	uint32_t step;
	int32_t errnum;
	int32_t exit_code;
	uint32_t len;
};

static const char *const step_names[] = {
    [SYNC_ID_MAPS_WRITTEN] = "id-maps-written",
    [SYNC_MOUNT_SOURCE] = "mount-source",
    [SYNC_CGROUP_JOINED] = "cgroup-joined",
    [SYNC_MOUNTS_DONE] = "mounts-done",
    [SYNC_RUNTIME_HOOKS_DONE] = "runtime-hooks-done",
    [SYNC_TERMINAL_MASTER] = "terminal-master",
    [SYNC_TERMINAL_SENT] = "terminal-sent",
    [SYNC_SECCOMP_LISTENER] = "seccomp-listener",
    [SYNC_READY] = "ready",
    [SYNC_CREATED] = "created",
    [SYNC_ERROR] = "error",
};

const char *sync_step_name(enum sync_step step)
{
	if ((size_t)step < ARRAY_SIZE(step_names) && step_names[step])
		return step_names[step];
	return "unknown";
}

/* On the stack when it is small, for the reason given at struct sync_message. */
static int send_raw(int sock, const struct sync_header *h, const void *payload, int fd)
{
	_cleanup_free_ char *big = NULL;
	char small[512], *buf = small;

	if (sizeof(*h) + h->len > sizeof(small) && !(buf = big = malloc(sizeof(*h) + h->len)))
		return -ENOMEM;
	memcpy(buf, h, sizeof(*h));
	if (h->len)
		memcpy(buf + sizeof(*h), payload, h->len);
	return fd_send(sock, fd, buf, sizeof(*h) + h->len);
}

int sync_send(int sock, enum sync_step step, const void *payload, size_t len, int fd,
	      struct iso_error *err)
{
	struct sync_header h = {.step = step, .len = (uint32_t)len};
	int r;

	if (len > SYNC_PAYLOAD_MAX)
		return iso_error_set(err, E2BIG, "sync %s: payload too large",
				     sync_step_name(step));
	r = send_raw(sock, &h, payload, fd);
	if (r < 0)
		return iso_error_set(err, -r, "sync %s", sync_step_name(step));
	return 0;
}

void sync_send_error(int sock, const struct iso_error *child_err)
{
	struct sync_header h = {
	    .step = SYNC_ERROR,
	    .errnum = child_err->errnum,
	    .exit_code = child_err->exit_code,
	    .len = (uint32_t)strlen(child_err->msg),
	};

	send_raw(sock, &h, child_err->msg, -1);
}

static int copy_peer_error(const struct sync_header *h, const char *payload, struct iso_error *err)
{
	size_t n = h->len < sizeof(err->msg) - 1 ? h->len : sizeof(err->msg) - 1;

	memcpy(err->msg, payload, n);
	err->msg[n] = '\0';
	err->errnum = h->errnum > 0 ? h->errnum : 0;
	err->exit_code = h->exit_code;
	return iso_error_code(err);
}

/* Most messages are a header, or a header with a state or an error of a few hundred bytes:
 * they are received on the stack.  A buffer for the largest possible one would come from mmap,
 * and in a freshly cloned init its mmap, first touch and munmap cost up to 0.3 ms a message on
 * the start-up's critical path (measured). */
#define SMALL_MESSAGE 4096

struct sync_message {
	char small[SMALL_MESSAGE];
	char *big; /* when the message does not fit in small */
	char *data;
	int fd;
};

static void sync_message_free(struct sync_message *m)
{
	free(m->big);
	if (m->fd >= 0)
		close(m->fd);
}
#define _cleanup_sync_message_ __attribute__((cleanup(sync_message_free)))

/* The whole length of the next message, without taking it; 0 at EOF, or -errno.  A peer that
 * exits with our message unread leaves ECONNRESET pending, and the kernel reports it (once)
 * before what the peer sent last: usually its error. */
static ssize_t peek_length(int sock)
{
	for (bool reset = false;;) {
		ssize_t n = recv(sock, NULL, 0, MSG_PEEK | MSG_TRUNC);

		if (n >= 0)
			return n;
		if (errno == ECONNRESET && !reset)
			reset = true;
		else if (errno != EINTR)
			return -errno;
	}
}

/* One message into m: its length, 0 at EOF, or -errno.  One longer than the protocol allows
 * is cut short, and take_header() refuses it. */
static ssize_t receive(int sock, struct sync_message *m)
{
	ssize_t len = peek_length(sock), n;

	m->fd = -1;
	if (len <= 0)
		return len;
	if ((size_t)len > sizeof(struct sync_header) + SYNC_PAYLOAD_MAX)
		len = sizeof(struct sync_header) + SYNC_PAYLOAD_MAX;
	m->data = m->small;
	if ((size_t)len > sizeof(m->small) && !(m->data = m->big = malloc((size_t)len)))
		return -ENOMEM;
	n = fd_recv(sock, m->data, (size_t)len, &m->fd);
	/* The peer may have exited between the peek and here: its ECONNRESET comes first. */
	if (n == -ECONNRESET)
		n = fd_recv(sock, m->data, (size_t)len, &m->fd);
	return n;
}

/* The header of a message of n > 0 bytes; a SYNC_ERROR is copied into err. */
static int take_header(const char *buf, ssize_t n, struct sync_header *h, struct iso_error *err)
{
	if ((size_t)n < sizeof(*h))
		return iso_error_set(err, EPROTO, "sync: malformed message");
	memcpy(h, buf, sizeof(*h));
	if (h->len != (size_t)n - sizeof(*h))
		return iso_error_set(err, EPROTO, "sync: malformed message");
	if (h->step == SYNC_ERROR)
		return copy_peer_error(h, buf + sizeof(*h), err);
	return 0;
}

static bool step_in(uint32_t step, const enum sync_step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (step == (uint32_t)steps[i])
			return true;
	return false;
}

int sync_expect(int sock, enum sync_step expected, char **ret_payload, int *ret_fd,
		struct iso_error *err)
{
	enum sync_step got;

	return sync_expect_one_of(sock, &expected, 1, &got, ret_payload, ret_fd, err);
}

/* The messages name the last of steps: the one a wait for several is waiting for in the end. */
int sync_expect_one_of(int sock, const enum sync_step *steps, size_t n_steps,
		       enum sync_step *ret_step, char **ret_payload, int *ret_fd,
		       struct iso_error *err)
{
	_cleanup_sync_message_ struct sync_message m = {.fd = -1};
	enum sync_step expected = steps[n_steps - 1];
	struct sync_header h;
	ssize_t n;
	int r;

	n = receive(sock, &m);
	if (n < 0)
		return iso_error_set(err, (int)-n, "waiting for %s", sync_step_name(expected));
	if (n == 0)
		return iso_error_set(err, 0, "container init exited before %s",
				     sync_step_name(expected));
	if ((r = take_header(m.data, n, &h, err)) < 0)
		return r;
	if (!step_in(h.step, steps, n_steps))
		return iso_error_set(err, EPROTO, "sync: expected %s, got %s",
				     sync_step_name(expected), sync_step_name(h.step));
	*ret_step = (enum sync_step)h.step;
	if (ret_payload) {
		char *p = malloc(h.len + 1);

		if (!p)
			return iso_error_set(err, ENOMEM, "sync");
		memcpy(p, m.data + sizeof(h), h.len);
		p[h.len] = '\0';
		*ret_payload = p;
	}
	if (ret_fd)
		*ret_fd = steal_fd(m.fd);
	return 0;
}

int sync_expect_close(int sock, struct iso_error *err)
{
	_cleanup_sync_message_ struct sync_message m = {.fd = -1};
	struct sync_header h;
	ssize_t n;
	int r;

	n = receive(sock, &m);
	if (n == 0)
		return 0;
	if (n < 0)
		return iso_error_set(err, (int)-n, "waiting for the container init to let go");
	if ((r = take_header(m.data, n, &h, err)) < 0)
		return r;
	return iso_error_set(err, EPROTO, "sync: expected the container init to close, got %s",
			     sync_step_name(h.step));
}

int sync_expect_plain(int sock, enum sync_step expected, struct iso_error *err)
{
	struct sync_header h;
	ssize_t n;

	do
		n = read(sock, &h, sizeof(h));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return iso_error_set(err, errno, "waiting for %s", sync_step_name(expected));
	if (n == 0)
		return iso_error_set(err, 0, "the runtime exited before %s",
				     sync_step_name(expected));
	if ((size_t)n != sizeof(h) || h.len != 0)
		return iso_error_set(err, EPROTO, "sync: malformed message");
	if (h.step != expected)
		return iso_error_set(err, EPROTO, "sync: expected %s, got %s",
				     sync_step_name(expected), sync_step_name(h.step));
	return 0;
}

bool sync_take_peer_error(int sock, struct iso_error *err)
{
	_cleanup_free_ char *buf = malloc(sizeof(struct sync_header) + SYNC_PAYLOAD_MAX);
	struct sync_header h;
	ssize_t n;

	if (!buf)
		return false;
	/* Fds riding on skipped messages are closed by the kernel: recv() takes no control data. */
	for (int reset = 0;;) {
		n = recv(sock, buf, sizeof(h) + SYNC_PAYLOAD_MAX, MSG_DONTWAIT);
		if (n < 0 && errno == ECONNRESET && !reset++)
			continue; /* reported before the queued messages: see receive() */
		if (n <= 0)
			break;
		if ((size_t)n < sizeof(h))
			continue;
		memcpy(&h, buf, sizeof(h));
		if (h.step == SYNC_ERROR && h.len == (size_t)n - sizeof(h)) {
			copy_peer_error(&h, buf + sizeof(h), err);
			return true;
		}
	}
	return false;
}
