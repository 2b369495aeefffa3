#include "config.h"

#include <unistd.h>

#include "cmd/cmd_create_options.h"
#include "cmd/cmd_foreground.h"
#include "runtime/container.h"
#include "runtime/process/listen_fds.h"
#include "util/cleanup.h"
#include "util/log.h"

enum { OPT_KEEP = OPT_CREATE_END };

static const struct option run_options_table[] = {
    CREATE_LONG_OPTIONS,
    {"detach", no_argument, NULL, 'd'},
    {"keep", no_argument, NULL, OPT_KEEP},
    {NULL, 0, NULL, 0},
};

struct run_options {
	struct create_options create;
	bool detach;
	bool keep;
};

static int create_and_start(const struct global_options *g, struct run_options *o,
			    struct foreground *f, struct created_container *c,
			    struct iso_error *err)
{
	struct iso_error ignored;
	int r;

	o->create.console_fd = f->console_fd;
	o->create.caller_waits = !o->detach;
	o->create.start = true;
	r = container_create(&o->create, c, err);
	if (r < 0)
		return r;
	r = foreground_take_terminal(f, c->terminal, err);
	if (r == 0 && !c->started)
		r = container_start(g->root, o->create.id, err);
	if (r < 0) {
		container_delete(g->root, o->create.id, true, &ignored);
		close(c->pidfd);
		container_created_release(c);
	}
	return r;
}

static int run_container(const struct global_options *g, struct run_options *o,
			 struct iso_error *err)
{
	struct created_container c;
	struct foreground f;
	struct iso_error cleanup_err = {0};
	int r, status;

	/* A detached run has nobody left to hold the terminal, so it needs a console socket. */
	r = foreground_begin(&f, !o->create.console_socket && !o->detach, err);
	if (r == 0)
		r = create_and_start(g, o, &f, &c, err);
	if (r < 0 || o->detach) {
		foreground_end(&f);
		if (r == 0)
			close(c.pidfd);
		return r;
	}
	status = foreground_wait(&f, c.pid, c.pidfd);
	foreground_end(&f);
	close(c.pidfd);
	container_created_release(&c);
	if (!o->keep && container_delete(g->root, o->create.id, true, &cleanup_err) < 0)
		log_warning("%s", cleanup_err.msg);
	return status;
}

static int parse_run_option(int opt, struct run_options *o, struct iso_error *err)
{
	int r = cmd_parse_create_option("run", opt, &o->create, err);

	if (r <= 0)
		return r;
	switch (opt) {
	case 'd':
		o->detach = true;
		return 0;
	case OPT_KEEP:
		o->keep = true;
		return 0;
	default:
		return iso_error_invalid(err, "run: unexpected option");
	}
}

int cmd_run(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct run_options o = {
	    .create = {.root = g->root,
		       .console_fd = -1,
		       .no_cgroups = g->cgroup_manager == CGROUP_MANAGER_DISABLED,
		       .systemd_cgroup = g->cgroup_manager == CGROUP_MANAGER_SYSTEMD}};
	_cleanup_free_ char *config_text = NULL;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("run", argc, argv, "b:dh", run_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage("run");
		r = parse_run_option(opt, &o, err);
		if (r < 0)
			return r;
	}
	r = cmd_expect_args("run", argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	o.create.id = argv[optind];
	r = container_read_config(o.create.bundle, &config_text, &o.create.config_len, err);
	if (r < 0)
		return r;
	o.create.config_text = config_text;
	o.create.listen_fds = listen_fds_from_env();
	o.create.preserve_fds += o.create.listen_fds;
	return run_container(g, &o, err);
}
