/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd_options.h"
#include "runtime/container_resources.h"
#include "util/cleanup.h"
#include "util/jsongen.h"

static const struct option ps_options_table[] = {
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_ps_verb = {
    .name = "ps",
    .run = cmd_ps,
    .summary = "List a container's processes (json: host pids).",
    .usage = "ps [--format|-f table|json] ID [PS-ARGS...]",
    .options = VERB_OPTIONS(ps_options_table),
};

/* What containerd parses: a JSON array of host pids. */
static int print_json(const pid_t *pids, size_t n, struct iso_error *err)
{
	_cleanup_free_ char *json = NULL;
	yajl_gen g = jsongen_new(false);
	int r;

	if (!g)
		return iso_error_set(err, ENOMEM, "ps");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		yajl_gen_integer(g, pids[i]);
	yajl_gen_array_close(g);
	r = jsongen_finish(g, &json, NULL, err);
	if (r < 0)
		return r;
	printf("%s\n", json);
	return 0;
}

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Which whitespace-separated column of ps's header is PID. */
static int pid_column(const char *header)
{
	int col = 0;

	for (const char *p = header + strspn(header, " "); *p; col++) {
		size_t n = strcspn(p, " \n");

		if (n == 3 && !strncmp(p, "PID", 3))
			return col;
		p += n;
		p += strspn(p, " \n");
	}
	return -1;
}

static long column_value(const char *line, int col)
{
	const char *p = line + strspn(line, " ");

	for (int i = 0; i < col && *p; i++) {
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return strtol(p, NULL, 10);
}

/* As runc: runs ps with the given arguments (default -ef) and keeps the header and the lines of
 * the container's processes. */
static int print_table(const pid_t *pids, size_t n, char **ps_args, int n_args,
		       struct iso_error *err)
{
	_cleanup_free_ char **argv = calloc((size_t)n_args + 2, sizeof(char *));
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int fds[2], col = -1, status;
	pid_t child;

	if (!argv || pipe2(fds, O_CLOEXEC) < 0)
		return iso_error_set(err, errno ? errno : ENOMEM, "ps");
	argv[0] = "ps";
	for (int i = 0; i < n_args; i++)
		argv[i + 1] = ps_args[i];
	if (n_args == 0)
		argv[1] = "-ef";
	child = fork();
	if (child == 0) {
		dup2(fds[1], 1);
		execvp("ps", argv);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (child < 0 || !f) {
		close(fds[0]);
		return iso_error_set(err, errno, "running ps");
	}
	for (bool first = true; getline(&line, &cap, f) > 0; first = false) {
		if (first)
			col = pid_column(line);
		if (first || (col >= 0 && has_pid(pids, n, column_value(line, col))))
			fputs(line, stdout);
	}
	fclose(f);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (col < 0)
		return iso_error_invalid(err, "ps: no PID column in the output of ps");
	return 0;
}

int cmd_ps(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	const char *format = "table";
	size_t n;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("ps", argc, argv, "+f:h", ps_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage("ps");
		if (opt != 'f')
			return opt;
		format = optarg;
	}
	if (strcmp(format, "table") && strcmp(format, "json"))
		return iso_error_invalid(err, "ps: --format must be table or json, not \"%s\"",
					 format);
	if (optind >= argc)
		return iso_error_invalid(err, "ps: expected a container id");
	r = container_pids(g->root, argv[optind], &pids, &n, err);
	if (r < 0)
		return r;
	if (!strcmp(format, "json"))
		return print_json(pids, n, err);
	return print_table(pids, n, argv + optind + 1, argc - optind - 1, err);
}
