/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/container_run.h"

#include <signal.h>
#include <poll.h>
#include <unistd.h>

#include "runtime/foreground.h"
#include "util/log.h"

/* pid 1 of a pid namespace ignores SIGTERM unless it handles it: do not wait long for it. */
#define STOP_GRACE_MS 500

struct stopping {
	const struct create_options *co;
	int pidfd;
};

static void stop_container(void *arg)
{
	const struct stopping *s = arg;
	struct pollfd exited = {.fd = s->pidfd, .events = POLLIN};
	struct iso_error ignored = {0};

	if (container_kill(s->co->root, s->co->id, SIGTERM, true, &ignored) < 0)
		log_debug("stopping %s: SIGTERM: %s", s->co->id, ignored.msg);
	if (poll(&exited, 1, STOP_GRACE_MS) > 0)
		return;
	iso_error_clear(&ignored);
	if (container_kill(s->co->root, s->co->id, SIGKILL, true, &ignored) < 0)
		log_debug("stopping %s: SIGKILL: %s", s->co->id, ignored.msg);
}

/* Creates and starts the container; on failure nothing is left of it. */
static int create_and_start(struct container_run_options *o, struct foreground *f,
			    struct created_container *c, struct iso_error *err)
{
	struct iso_error ignored = {0};
	int r;

	o->create.console_fd = f->console_fd;
	o->create.caller_waits = !o->detach;
	o->create.start = true;
	r = container_create(&o->create, c, err);
	if (r < 0)
		return r;
	if (o->on_created)
		o->on_created(o->on_created_arg);
	r = foreground_take_terminal(f, c->terminal, err);
	if (r == 0 && !c->started)
		r = container_start(o->create.root, o->create.id, err);
	if (r < 0) {
		container_delete(o->create.root, o->create.id, true, &ignored);
		close(c->pidfd);
		container_created_release(c);
	}
	return r;
}

static void wait_and_delete(struct container_run_options *o, struct foreground *f,
			    struct created_container *c, struct container_run_result *ret)
{
	struct stopping s = {.co = &o->create, .pidfd = c->pidfd};
	struct iso_error cleanup_err = {0};

	f->stop_after_ms = o->stop_after_ms;
	f->stop_on_interrupt = o->stop_on_interrupt;
	f->stop = stop_container;
	f->stop_arg = &s;
	ret->wait_status = foreground_wait(f, c->pid, c->pidfd);
	ret->stopped = f->stopped;
	ret->filter_holds_init_calls = c->filter_holds_init_calls;
	close(c->pidfd);
	container_created_release(c);
	if (!o->keep && container_delete(o->create.root, o->create.id, true, &cleanup_err) < 0)
		log_warning("%s", cleanup_err.msg);
}

int container_run(struct container_run_options *o, struct container_run_result *ret,
		  struct iso_error *err)
{
	struct created_container c;
	struct foreground f;
	int r;

	*ret = (struct container_run_result){0};
	/* A detached run has nobody left to hold the terminal, so it needs a console socket. */
	r = foreground_begin(&f, !o->create.console_socket && !o->detach, err);
	if (r == 0)
		r = create_and_start(o, &f, &c, err);
	if (r == 0 && o->detach)
		close(c.pidfd);
	else if (r == 0)
		wait_and_delete(o, &f, &c, ret);
	foreground_end(&f);
	return r;
}
