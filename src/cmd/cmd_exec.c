/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd_options.h"
#include "runtime/container_exec.h"
#include "runtime/foreground.h"
#include "runtime/process/listen_fds.h"
#include "util/cleanup.h"

enum {
	OPT_CONSOLE_SOCKET = 256,
	OPT_CWD,
	OPT_PID_FILE,
	OPT_PROCESS_LABEL,
	OPT_APPARMOR,
	OPT_NO_NEW_PRIVS,
	OPT_PRESERVE_FDS,
	OPT_CGROUP,
	OPT_IGNORE_PAUSED,
};

static const struct option exec_options_table[] = {
    {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
    {"cwd", required_argument, NULL, OPT_CWD},
    {"env", required_argument, NULL, 'e'},
    {"tty", no_argument, NULL, 't'},
    {"user", required_argument, NULL, 'u'},
    {"additional-gids", required_argument, NULL, 'g'},
    {"process", required_argument, NULL, 'p'},
    {"detach", no_argument, NULL, 'd'},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"process-label", required_argument, NULL, OPT_PROCESS_LABEL},
    {"apparmor", required_argument, NULL, OPT_APPARMOR},
    {"no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS},
    {"cap", required_argument, NULL, 'c'},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
    {"cgroup", required_argument, NULL, OPT_CGROUP},
    {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_exec_verb = {
    .name = "exec",
    .run = cmd_exec,
    .summary = "Run a new process in a running container.",
    .usage =
	"exec [--tty|-t] [--detach|-d] [--console-socket SOCKET] [--pid-file FILE]\n"
	"                   [--process|-p FILE] [--env|-e K=V]... [--cwd DIR]\n"
	"                   [--user|-u UID[:GID]] [--additional-gids|-g GID]... [--cap|-c CAP]...\n"
	"                   [--no-new-privs] [--apparmor PROFILE] [--process-label LABEL]\n"
	"                   [--preserve-fds N] [--ignore-paused]\n"
	"                   [--cgroup [CONTROLLER:]SUBPATH]... ID [COMMAND...]",
    .options = VERB_OPTIONS(exec_options_table),
};

struct exec_cli {
	struct exec_options o;
	bool detach;
	char **env; /* owned arrays of borrowed strings */
	char **caps;
	char **cgroups;
	gid_t *gids;
};

static void exec_cli_free(struct exec_cli *c)
{
	free(c->env);
	free(c->caps);
	free(c->cgroups);
	free(c->gids);
}

static int push(char ***v, char *s, struct iso_error *err)
{
	size_t n = 0;
	char **grown;

	while (*v && (*v)[n])
		n++;
	grown = realloc(*v, (n + 2) * sizeof(char *));
	if (!grown)
		return iso_error_set(err, ENOMEM, "exec");
	grown[n] = s;
	grown[n + 1] = NULL;
	*v = grown;
	return 0;
}

static int parse_id(const char *option, const char *s, uint32_t *ret, struct iso_error *err)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > UINT32_MAX - 1 || s[0] == '-')
		return iso_error_invalid(err, "%s %s: expected a numeric id", option, s);
	*ret = (uint32_t)v;
	return 0;
}

/* -u UID[:GID] (numbers: names would need the container's /etc/passwd, which runc reads; the
 * clients we serve send numbers). */
static int parse_user(struct exec_cli *c, const char *arg, struct iso_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *colon;
	int r;

	if (!copy)
		return iso_error_set(err, ENOMEM, "--user");
	colon = strchr(copy, ':');
	if (colon)
		*colon++ = '\0';
	c->o.has_user = true;
	if ((r = parse_id("--user", copy, &c->o.user.uid, err)) < 0)
		return r;
	c->o.user.gid = 0;
	return colon ? parse_id("--user", colon, &c->o.user.gid, err) : 0;
}

static int parse_gid(struct exec_cli *c, const char *arg, struct iso_error *err)
{
	uint32_t gid;
	gid_t *grown;
	int r = parse_id("--additional-gids", arg, &gid, err);

	if (r < 0)
		return r;
	grown = realloc(c->gids, (c->o.user.n_additional_gids + 1) * sizeof(gid_t));
	if (!grown)
		return iso_error_set(err, ENOMEM, "exec");
	c->gids = grown;
	c->gids[c->o.user.n_additional_gids++] = gid;
	return 0;
}

static int parse_exec_option(int opt, struct exec_cli *c, struct iso_error *err)
{
	switch (opt) {
	case OPT_CONSOLE_SOCKET:
		c->o.console_socket = optarg;
		return 0;
	case OPT_CWD:
		c->o.cwd = optarg;
		return 0;
	case 'e':
		return push(&c->env, optarg, err);
	case 't':
		c->o.tty = true;
		return 0;
	case 'u':
		return parse_user(c, optarg, err);
	case 'g':
		return parse_gid(c, optarg, err);
	case 'p':
		c->o.process_file = optarg;
		return 0;
	case 'd':
		c->detach = true;
		return 0;
	case OPT_PID_FILE:
		c->o.pid_file = optarg;
		return 0;
	case OPT_PROCESS_LABEL:
		c->o.process_label = optarg;
		return 0;
	case OPT_APPARMOR:
		c->o.apparmor_profile = optarg;
		return 0;
	case OPT_NO_NEW_PRIVS:
		c->o.no_new_privs = true;
		return 0;
	case 'c':
		return push(&c->caps, optarg, err);
	case OPT_PRESERVE_FDS:
		return cmd_parse_int("--preserve-fds", optarg, 0, 1000, &c->o.preserve_fds, err);
	case OPT_CGROUP:
		return push(&c->cgroups, optarg, err);
	case OPT_IGNORE_PAUSED:
		c->o.ignore_paused = true;
		return 0;
	default:
		return opt < 0 ? opt : iso_error_invalid(err, "exec: unexpected option");
	}
}

static int exec_foreground(struct exec_cli *c, struct iso_error *err)
{
	struct exec_result res;
	struct foreground f;
	int r, status;

	r = foreground_begin(&f, !c->o.console_socket && !c->detach, err);
	c->o.console_fd = f.console_fd;
	if (r == 0)
		r = container_exec(&c->o, &res, err);
	if (r == 0 && (r = foreground_take_terminal(&f, res.terminal, err)) < 0)
		close(res.pidfd);
	if (r < 0 || c->detach) {
		foreground_end(&f);
		if (r == 0)
			close(res.pidfd);
		return r;
	}
	status = foreground_wait(&f, res.pid, res.pidfd);
	foreground_end(&f);
	close(res.pidfd);
	return foreground_exit_code(status);
}

int cmd_exec(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct exec_cli c = {.o = {.root = g->root, .console_fd = -1}};
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("exec", argc, argv, "+e:tu:g:p:dc:h", exec_options_table, err)) !=
	       -1) {
		if (opt == OPT_HELP) {
			exec_cli_free(&c);
			return cmd_print_usage("exec");
		}
		if ((r = parse_exec_option(opt, &c, err)) < 0) {
			exec_cli_free(&c);
			return r;
		}
	}
	r = cmd_expect_args("exec", argc, argv, 1, argc, "a container id", err);
	if (r == 0) {
		c.o.id = argv[optind];
		c.o.listen_fds = listen_fds_from_env();
		c.o.preserve_fds += c.o.listen_fds;
		c.o.args = argv + optind + 1;
		c.o.env = c.env;
		c.o.caps = c.caps;
		c.o.cgroups = c.cgroups;
		c.o.user.additional_gids = c.gids;
		r = exec_foreground(&c, err);
	}
	exec_cli_free(&c);
	return r;
}
