/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/trace/syscall_recorder.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/seccomp/seccomp_build.h"
#include "util/cleanup.h"
#include "util/log.h"

/* Linux 6.6 (not in every uapi header yet). */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

int syscall_recorder_program(struct seccomp_program *ret, struct iso_error *err)
{
	/* The init's sync_send() of the listener fd: nobody holds the listener yet to answer a
	 * notification for it. */
	char *allowed[] = {(char *)"sendmsg", NULL};
	struct seccomp_rule rule = {.names = allowed, .action = SECCOMP_ACTION_ALLOW};
	struct seccomp_config cfg = {
	    .default_action = SECCOMP_ACTION_NOTIFY, .rules = &rule, .n_rules = 1};
	struct seccomp_program p = {.needs_listener = true};
	int r;

	r = seccomp_build_bpf(&cfg, &p.bpf, err);
	if (r < 0)
		return iso_error_wrap(err, "the recording filter");
	*ret = p;
	return 0;
}

/* Everything before the init's execve of the program is the runtime's own work: the init's, and
 * that of the startContainer hooks it runs, which run under the filter too. */
static void record(struct syscall_recorder *r, const struct seccomp_notif *n)
{
	if (n->data.arch != seccomp_arch_native())
		return;
	if (!r->exec_seen) {
		if ((pid_t)n->pid != r->init_pid || n->data.nr != __NR_execve) {
			syscall_set_add(&r->runtime_seen, n->data.nr);
			return;
		}
		r->exec_seen = true;
	}
	syscall_set_add(&r->seen, n->data.nr);
}

/* The kernel's structures may be larger than this build's: ask it for their sizes. */
static int notif_buffers(struct seccomp_notif **req, size_t *req_size,
			 struct seccomp_notif_resp **resp, size_t *resp_size)
{
	struct seccomp_notif_sizes sizes;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return -errno;
	*req_size = sizes.seccomp_notif > sizeof(**req) ? sizes.seccomp_notif : sizeof(**req);
	*resp_size =
	    sizes.seccomp_notif_resp > sizeof(**resp) ? sizes.seccomp_notif_resp : sizeof(**resp);
	*req = calloc(1, *req_size);
	*resp = calloc(1, *resp_size);
	return *req && *resp ? 0 : -ENOMEM;
}

/* One notification: note it, let the syscall run.  False when the listener is finished. */
static bool answer_one(struct syscall_recorder *r, struct seccomp_notif *req, size_t req_size,
		       struct seccomp_notif_resp *resp, size_t resp_size)
{
	memset(req, 0, req_size);
	if (ioctl(r->listener_fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		/* ENOENT: the caller died (a signal) before we read it. */
		return errno == EINTR || errno == ENOENT;
	record(r, req);
	memset(resp, 0, resp_size);
	resp->id = req->id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT again: the caller is gone, nothing to answer. */
	if (ioctl(r->listener_fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
		return false;
	r->notified++;
	return true;
}

static void *supervise(void *arg)
{
	struct syscall_recorder *r = arg;
	_cleanup_free_ struct seccomp_notif *req = NULL;
	_cleanup_free_ struct seccomp_notif_resp *resp = NULL;
	size_t req_size = 0, resp_size = 0;

	if (notif_buffers(&req, &req_size, &resp, &resp_size) < 0)
		return NULL;
	for (;;) {
		struct pollfd fds[2] = {{.fd = r->listener_fd, .events = POLLIN},
					{.fd = r->stop_fd, .events = POLLIN}};

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents & POLLIN) {
			if (!answer_one(r, req, req_size, resp, resp_size))
				break;
			continue;
		}
		/* POLLHUP: every process under the filter is gone. */
		if (fds[0].revents || fds[1].revents)
			break;
	}
	return NULL;
}

int syscall_recorder_start(void *recorder, int listener_fd, pid_t init_pid, struct iso_error *err)
{
	struct syscall_recorder *r = recorder;
	int e;

	r->listener_fd = listener_fd;
	r->init_pid = init_pid;
	/* The caller sleeps while the supervisor answers: synchronous wake-ups (Linux 6.6) let
	 * the kernel switch straight between the two.  (On the 2-CPU test machine this made no
	 * measurable difference; older kernels refuse it and take the ordinary path.) */
	if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP,
		  0) < 0)
		log_debug("trace: synchronous wake-ups unavailable: %s", strerror(errno));
	r->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (r->stop_fd < 0)
		return iso_error_set(err, errno, "recording syscalls: eventfd");
	e = pthread_create(&r->thread, NULL, supervise, r);
	if (e)
		return iso_error_set(err, e, "recording syscalls: starting the supervisor thread");
	r->running = true;
	return 0;
}

void syscall_recorder_stop(struct syscall_recorder *r)
{
	uint64_t one = 1;

	if (r->running) {
		if (write(r->stop_fd, &one, sizeof(one)) < 0) {
			/* An eventfd write of 1 cannot fail short of a bug: the listener's hangup
			 * ends the thread anyway. */
		}
		pthread_join(r->thread, NULL);
		r->running = false;
	}
	if (r->stop_fd >= 0)
		close(r->stop_fd);
	if (r->listener_fd >= 0)
		close(r->listener_fd);
	r->stop_fd = r->listener_fd = -1;
}
