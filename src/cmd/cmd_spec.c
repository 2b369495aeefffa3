/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd/cmd_options.h"
#include "runtime/seccomp/seccomp_profile.h"
#include "runtime/spec/spec.h"
#include "util/cleanup.h"

static const struct option spec_options_table[] = {
    {"bundle", required_argument, NULL, 'b'}, {"rootless", no_argument, NULL, 'r'},
    {"seccomp", no_argument, NULL, 's'},      {"no-seccomp", no_argument, NULL, 'n'},
    {"help", no_argument, NULL, OPT_HELP},    {NULL, 0, NULL, 0},
};

const struct verb cmd_spec_verb = {
    .name = "spec",
    .run = cmd_spec,
    .summary =
	"Write a default config.json for a busybox-like rootfs, hardened: the default seccomp\n"
	"profile, pids.limit 2048, memory 1 GiB (no swap), a 64 MiB tmpfs /tmp (no limits with\n"
	"--rootless; --no-seccomp leaves the profile out; --seccomp is accepted, a no-op).",
    .usage = "spec [--bundle|-b DIR] [--rootless] [--no-seccomp]",
    .options = VERB_OPTIONS(spec_options_table),
};

/* isorun's default profile (contrib/seccomp/default.json) for the default config's caps. */
static int default_seccomp(struct seccomp_config *cfg, struct iso_error *err)
{
	struct seccomp_profile_target target;
	_cleanup_free_ char *profile = NULL;
	int r;

	r = seccomp_profile_default_path(&profile, err);
	if (r < 0)
		return r;
	seccomp_profile_target_host(&target, spec_default_bounding());
	return seccomp_profile_convert_file(profile, &target, cfg, err);
}

int cmd_spec(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	const char *bundle = ".";
	_cleanup_free_ char *path = NULL;
	struct seccomp_config seccomp = {0};
	/* Hardened by default: isorun is for hostile tenants (--seccomp is kept as a no-op). */
	bool rootless = false, with_seccomp = true;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("spec", argc, argv, "b:h", spec_options_table, err)) != -1) {
		switch (opt) {
		case 'b':
			bundle = optarg;
			break;
		case 'r':
			rootless = true;
			break;
		case 's':
			break;
		case 'n':
			with_seccomp = false;
			break;
		case OPT_HELP:
			return cmd_print_usage("spec");
		default:
			return opt;
		}
	}
	if ((r = cmd_expect_args("spec", argc, argv, 0, 0, "no argument", err)) < 0)
		return r;
	if (asprintf(&path, "%s/config.json", bundle) < 0)
		return iso_error_set(err, ENOMEM, "spec");
	if (access(path, F_OK) == 0)
		return iso_error_set(err, EEXIST, "%s", path);
	if (with_seccomp && (r = default_seccomp(&seccomp, err)) < 0)
		return r;
	r = spec_write_default(path, rootless, with_seccomp ? &seccomp : NULL, err);
	seccomp_config_free(&seccomp);
	return r;
}
