/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd_options.h"
#include "runtime/container_resources.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

enum {
	OPT_MEMORY = 256,
	OPT_MEMORY_RESERVATION,
	OPT_MEMORY_SWAP,
	OPT_CPU_QUOTA,
	OPT_CPU_PERIOD,
	OPT_CPU_SHARES,
	OPT_PIDS_LIMIT,
	OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS
};

static const struct option update_options_table[] = {
    {"resources", required_argument, NULL, 'r'},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
    {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
    {"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
    {"cpu-share", required_argument, NULL, OPT_CPU_SHARES},
    {"cpu-shares", required_argument, NULL, OPT_CPU_SHARES},
    {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
    {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
    {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_update_verb = {
    .name = "update",
    .run = cmd_update,
    .summary = "Change the resource limits of a running container.",
    .usage = "update [-r|--resources FILE|-] [--memory N] [--memory-reservation N]\n"
	     "                     [--memory-swap N] [--cpu-quota N] [--cpu-period N]\n"
	     "                     [--cpu-shares|--cpu-share N] [--pids-limit N]\n"
	     "                     [--cpuset-cpus LIST] [--cpuset-mems LIST] ID",
    .options = VERB_OPTIONS(update_options_table),
};

/* runc's sizes: "-1", or a number with an optional binary unit (k, m, g, t; "b" optional). */
static int parse_size(const char *opt, const char *s, int64_t *ret, struct iso_error *err)
{
	char *end;
	long long v;
	int shift = 0;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s)
		goto bad;
	if (v == -1 && !*end) {
		*ret = -1;
		return 0;
	}
	switch (tolower((unsigned char)*end)) {
	case 'k':
		shift = 10;
		end++;
		break;
	case 'm':
		shift = 20;
		end++;
		break;
	case 'g':
		shift = 30;
		end++;
		break;
	case 't':
		shift = 40;
		end++;
		break;
	default:
		break;
	}
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end || v < 0 || (shift && v > (INT64_MAX >> shift)))
		goto bad;
	*ret = (int64_t)v << shift;
	return 0;
bad:
	return iso_error_invalid(err, "update: --%s: \"%s\" is not a size (like 64m, or -1)", opt,
				 s);
}

static int parse_i64(const char *opt, const char *s, int64_t min, int64_t *ret,
		     struct iso_error *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min)
		return iso_error_invalid(err,
					 "update: --%s: \"%s\" is not a number of at least %lld",
					 opt, s, (long long)min);
	*ret = v;
	return 0;
}

static int read_resources_file(const char *path, struct cgroup_resources *res,
			       struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = read_file_at(AT_FDCWD, strcmp(path, "-") ? path : "/dev/stdin", 1 << 20, &text, &len,
			 err);
	if (r < 0)
		return r;
	cgroup_resources_clear(res);
	return cgroup_resources_parse_text(text, len, strcmp(path, "-") ? path : "stdin", res, err);
}

static int set_string(char **dst, const char *s, struct iso_error *err)
{
	free(*dst);
	*dst = strdup(s);
	return *dst ? 0 : iso_error_set(err, ENOMEM, "update");
}

static int apply_option(int opt, struct cgroup_resources *r, struct iso_error *err)
{
	struct cgroup_memory *m = &r->memory;
	struct cgroup_cpu *c = &r->cpu;
	int64_t v;
	int ret;

	switch (opt) {
	case OPT_MEMORY:
		r->has_memory = m->has_limit = true;
		return parse_size("memory", optarg, &m->limit, err);
	case OPT_MEMORY_RESERVATION:
		r->has_memory = m->has_reservation = true;
		return parse_size("memory-reservation", optarg, &m->reservation, err);
	case OPT_MEMORY_SWAP:
		r->has_memory = m->has_swap = true;
		return parse_size("memory-swap", optarg, &m->swap, err);
	case OPT_CPU_QUOTA:
		r->has_cpu = c->has_quota = true;
		return parse_i64("cpu-quota", optarg, -1, &c->quota, err);
	case OPT_CPU_PERIOD:
		r->has_cpu = c->has_period = true;
		ret = parse_i64("cpu-period", optarg, 1, &v, err);
		c->period = (uint64_t)v;
		return ret;
	case OPT_CPU_SHARES:
		r->has_cpu = c->has_shares = true;
		ret = parse_i64("cpu-share", optarg, 0, &v, err);
		c->shares = (uint64_t)v;
		return ret;
	case OPT_PIDS_LIMIT:
		r->has_pids = r->pids.has_limit = true;
		return parse_i64("pids-limit", optarg, -1, &r->pids.limit, err);
	case OPT_CPUSET_CPUS:
		r->has_cpu = true;
		return set_string(&c->cpus, optarg, err);
	case OPT_CPUSET_MEMS:
		r->has_cpu = true;
		return set_string(&c->mems, optarg, err);
	default:
		return opt < 0 ? opt : iso_error_invalid(err, "update: bad option");
	}
}

static int parse_update(int argc, char **argv, struct cgroup_resources *res, struct iso_error *err)
{
	const char *file = NULL;
	int opt, r;

	/* -r first: the flags refine the file's values, as in runc. */
	cmd_getopt_reset();
	while ((opt = cmd_getopt("update", argc, argv, "r:h", update_options_table, err)) != -1) {
		if (opt == OPT_HELP)
			return cmd_print_usage("update") == 0 ? 1 : -1;
		if (opt < 0)
			return opt;
		if (opt == 'r')
			file = optarg;
	}
	if (file && (r = read_resources_file(file, res, err)) < 0)
		return r;
	cmd_getopt_reset();
	while ((opt = cmd_getopt("update", argc, argv, "r:h", update_options_table, err)) != -1)
		if (opt != 'r' && (r = apply_option(opt, res, err)) < 0)
			return r;
	if (res->has_memory && res->memory.has_swap && res->memory.has_limit &&
	    res->memory.swap >= 0 && res->memory.limit >= 0 && res->memory.swap < res->memory.limit)
		return iso_error_invalid(err,
					 "update: --memory-swap must not be less than --memory "
					 "(it is the limit of memory plus swap)");
	return cmd_expect_args("update", argc, argv, 1, 1, "a container id", err);
}

int cmd_update(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	struct cgroup_resources res = {0};
	int r;

	r = parse_update(argc, argv, &res, err);
	if (r == 0)
		r = container_update(g->root, argv[optind], &res, err);
	else if (r == 1)
		r = 0;
	cgroup_resources_clear(&res);
	return r;
}
