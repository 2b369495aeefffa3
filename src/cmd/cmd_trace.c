/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "cmd/cmd_trace.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd_options.h"
#include "runtime/trace/container_trace.h"
#include "runtime/trace/syscall_profile.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

enum {
	OPT_OUTPUT = 'o',
	OPT_DURATION = 256,
	OPT_MERGE,
	OPT_DEFAULT_ACTION,
	OPT_STRICT,
	OPT_RECORDED_ONLY,
};

static const struct option trace_options_table[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"merge", required_argument, NULL, OPT_MERGE},
    {"default-action", required_argument, NULL, OPT_DEFAULT_ACTION},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"recorded-only", no_argument, NULL, OPT_RECORDED_ONLY},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_trace_verb = {
    .name = "trace",
    .run = cmd_trace,
    .summary = "Run a bundle once and write the seccomp allowlist it needs.",
    .usage =
	"trace [--output|-o FILE] [--duration SECONDS] [--merge FILE]\n"
	"                    [--default-action KILL_PROCESS|ERRNO] [--strict] [--recorded-only]\n"
	"                    [--bundle|-b DIR] ID",
    .options = VERB_OPTIONS(trace_options_table),
    .spawns_container = true,
};

struct trace_cmd {
	struct trace_options run;
	const char *output; /* NULL: stdout */
	const char *merge;
	bool errno_default;
	bool strict;
	bool recorded_only; /* leave out the always-allowed set: to see what the run did */
};

int trace_warn_dangerous(const struct syscall_set *s)
{
	bool tty = isatty(STDERR_FILENO);
	int n = 0;

	for (int nr = 0; nr < SYSCALL_SET_MAX; nr++) {
		const char *name = syscall_set_has(s, nr) ? syscall_name(nr) : NULL;

		if (!name || !syscall_is_dangerous(name))
			continue;
		fprintf(stderr, "%sisorun: warning: dangerous syscall in the profile: %s%s\n",
			tty ? "\033[1;33m" : "", name, tty ? "\033[0m" : "");
		n++;
	}
	return n;
}

static int parse_option(int opt, struct trace_cmd *t, struct iso_error *err)
{
	int seconds, r;

	switch (opt) {
	case 'b':
		t->run.bundle = optarg;
		return 0;
	case OPT_OUTPUT:
		t->output = optarg;
		return 0;
	case OPT_DURATION:
		r = cmd_parse_int("--duration", optarg, 1, 86400, &seconds, err);
		t->run.duration_ms = seconds * 1000;
		return r;
	case OPT_MERGE:
		t->merge = optarg;
		return 0;
	case OPT_DEFAULT_ACTION:
		if (strcmp(optarg, "KILL_PROCESS") && strcmp(optarg, "ERRNO") &&
		    strcmp(optarg, "SCMP_ACT_KILL_PROCESS") && strcmp(optarg, "SCMP_ACT_ERRNO"))
			return iso_error_invalid(err,
						 "trace: --default-action: \"%s\" is not "
						 "KILL_PROCESS or ERRNO",
						 optarg);
		t->errno_default = strstr(optarg, "ERRNO") != NULL;
		return 0;
	case OPT_STRICT:
		t->strict = true;
		return 0;
	case OPT_RECORDED_ONLY:
		t->recorded_only = true;
		return 0;
	default:
		return opt < 0 ? opt : iso_error_invalid(err, "trace: unexpected option");
	}
}

static int write_profile(const struct trace_cmd *t, const struct syscall_set *s,
			 struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = syscall_profile_json(s, t->errno_default, &text, &len, err);
	if (r < 0)
		return r;
	if (t->output)
		return write_file_atomic(t->output, text, len, 0644, err) < 0
			   ? iso_error_wrap(err, "--output")
			   : 0;
	if (write_all(STDOUT_FILENO, text, len) < 0)
		return iso_error_set(err, EIO, "trace: writing the profile to stdout");
	return 0;
}

static int trace_and_write(struct trace_cmd *t, struct iso_error *err)
{
	struct syscall_set merged = {0};
	struct trace_result res;
	int r;

	/* Read before anything runs: a bad file must leave nothing behind. */
	if (t->merge && (r = syscall_profile_merge_file(&merged, t->merge, err)) < 0)
		return r;
	r = container_trace(&t->run, &res, err);
	if (r < 0)
		return r;
	if (!res.stopped && res.status != 0)
		fprintf(stderr,
			"isorun: trace: the container exited with status %d: the profile "
			"covers what it did until then\n",
			res.status);
	for (size_t i = 0; i < SYSCALL_SET_MAX / 64; i++)
		res.seen.bits[i] |= merged.bits[i];
	if (!t->recorded_only)
		syscall_profile_add_always(&res.seen);
	if (trace_warn_dangerous(&res.seen) > 0 && t->strict)
		return iso_error_invalid(err, "trace: --strict: the recorded profile contains "
					      "dangerous syscalls: not written");
	return write_profile(t, &res.seen, err);
}

int cmd_trace(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct trace_cmd t = {.run = {.root = g->root}};
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("trace", argc, argv, "+b:o:h", trace_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage("trace");
		r = parse_option(opt, &t, err);
		if (r < 0)
			return r;
	}
	r = cmd_expect_args("trace", argc, argv, 1, 1, "a container id", err);
	if (r < 0)
		return r;
	t.run.id = argv[optind];
	return trace_and_write(&t, err);
}
