#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd/cmd_options.h"
#include "runtime/spec.h"
#include "util/cleanup.h"

static const struct option spec_options_table[] = {
	{"bundle", required_argument, NULL, 'b'},
	{"rootless", no_argument, NULL, 'r'},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

int cmd_spec(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	const char *bundle = ".";
	_cleanup_free_ char *path = NULL;
	bool rootless = false;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("spec", argc, argv, "+b:h", spec_options_table, err)) != -1) {
		switch (opt) {
		case 'b': bundle = optarg; break;
		case 'r': rootless = true; break;
		case OPT_HELP: return cmd_print_usage("spec");
		default: return opt;
		}
	}
	if ((r = cmd_expect_args("spec", argc, argv, 0, 0, "no argument", err)) < 0)
		return r;
	if (asprintf(&path, "%s/config.json", bundle) < 0)
		return iso_error_set(err, ENOMEM, "spec");
	if (access(path, F_OK) == 0)
		return iso_error_set(err, EEXIST, "%s", path);
	return spec_write_default(path, rootless, err);
}
