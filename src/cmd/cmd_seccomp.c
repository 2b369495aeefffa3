/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isorun seccomp convert PROFILE.json [--config config.json]: a Docker-format profile as an OCI
 * linux.seccomp object on stdout, resolved for the config's bounding capabilities (default: those
 * of `isorun spec`), this machine's architecture and its kernel. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd_options.h"
#include "runtime/seccomp/seccomp_profile.h"
#include "runtime/spec/spec.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/jsongen.h"

static const struct option convert_options_table[] = {
    {"config", required_argument, NULL, 'c'},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_seccomp_verb = {
    .name = "seccomp",
    .run = cmd_seccomp,
    .summary = "Convert a Docker seccomp profile to linux.seccomp (stdout).",
    .usage = "seccomp convert [--config|-c CONFIG.json] PROFILE.json",
    .options = VERB_OPTIONS(convert_options_table),
};

static int config_bounding(const char *path, uint64_t *ret, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_spec_ struct spec *spec = NULL;
	size_t len;
	int r;

	if (!path) {
		*ret = spec_default_bounding();
		return 0;
	}
	r = read_file_at(AT_FDCWD, path, SPEC_MAX_SIZE, &text, &len, err);
	if (r < 0 || (r = spec_parse(text, len, path, &spec, err)) < 0)
		return r;
	*ret = spec->process.has_capabilities ? spec->process.capabilities.bounding : 0;
	return 0;
}

static int print_config(const struct seccomp_config *cfg, struct iso_error *err)
{
	yajl_gen g = jsongen_new(true);
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if (!g)
		return iso_error_set(err, ENOMEM, "seccomp convert");
	seccomp_config_gen(g, cfg, false);
	r = jsongen_finish(g, &text, &len, err);
	if (r < 0)
		return r;
	if (fwrite(text, 1, len, stdout) != len || fputc('\n', stdout) == EOF || fflush(stdout))
		return iso_error_set(err, errno, "seccomp convert: writing to stdout");
	return 0;
}

static int seccomp_convert(int argc, char **argv, struct iso_error *err)
{
	struct seccomp_profile_target target;
	struct seccomp_config cfg = {0};
	const char *config = NULL;
	uint64_t bounding;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("seccomp convert", argc, argv, "c:h", convert_options_table,
				 err)) != -1) {
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		case OPT_HELP:
			return cmd_print_usage("seccomp");
		default:
			return opt;
		}
	}
	r = cmd_expect_args("seccomp convert", argc, argv, 1, 1, "a profile file", err);
	if (r < 0 || (r = config_bounding(config, &bounding, err)) < 0)
		return r;
	seccomp_profile_target_host(&target, bounding);
	r = seccomp_profile_convert_file(argv[optind], &target, &cfg, err);
	if (r == 0)
		r = print_config(&cfg, err);
	seccomp_config_free(&cfg);
	return r;
}

int cmd_seccomp(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cmd_print_usage("seccomp");
	if (argc < 2)
		return iso_error_invalid(err, "seccomp: expected a command (convert)");
	if (!strcmp(argv[1], "convert"))
		return seccomp_convert(argc - 1, argv + 1, err);
	return iso_error_invalid(err, "seccomp: unknown command \"%s\" (convert)", argv[1]);
}
