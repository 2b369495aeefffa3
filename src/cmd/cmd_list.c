/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cmd/cmd_options.h"
#include "runtime/container.h"
#include "util/cleanup.h"
#include "util/jsongen.h"

static const struct option list_options_table[] = {
    {"quiet", no_argument, NULL, 'q'},
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

const struct verb cmd_list_verb = {
    .name = "list",
    .run = cmd_list,
    .summary = "List the containers under --root.",
    .usage = "list [--quiet|-q] [--format|-f table|json]",
    .options = VERB_OPTIONS(list_options_table),
};

enum list_format { LIST_TABLE, LIST_JSON, LIST_QUIET };

static void print_row(const struct container_state *st, enum list_format fmt, yajl_gen g)
{
	if (fmt == LIST_QUIET) {
		printf("%s\n", st->id);
	} else if (fmt == LIST_TABLE) {
		printf("%-12s %-8d %-10s %-40s %-30s %u\n", st->id,
		       st->status == STATUS_STOPPED ? 0 : (int)st->pid,
		       state_status_name(st->status), st->bundle, st->created ? st->created : "",
		       (unsigned)st->owner);
	} else {
		yajl_gen_map_open(g);
		jsongen_kv_str(g, "ociVersion", st->oci_version);
		jsongen_kv_str(g, "id", st->id);
		jsongen_kv_int(g, "pid", st->status == STATUS_STOPPED ? 0 : st->pid);
		jsongen_kv_str(g, "status", state_status_name(st->status));
		jsongen_kv_str(g, "bundle", st->bundle);
		jsongen_kv_str(g, "rootfs", st->rootfs);
		jsongen_kv_str(g, "created", st->created);
		jsongen_kv_int(g, "owner", st->owner);
		yajl_gen_map_close(g);
	}
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids under root, sorted bytewise as runc's (Go's os.ReadDir) are: scripts and clients
 * compare the output of both. */
static int read_ids(const char *root, char ***ret, size_t *ret_n, struct iso_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	_cleanup_strv_ char **ids = NULL;
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return errno == ENOENT ? 0 : iso_error_set(err, errno, "state root %s", root);
	while ((de = readdir(d))) {
		char **grown;

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		grown = realloc(ids, (n + 2) * sizeof(*ids));
		if (!grown)
			return iso_error_set(err, ENOMEM, "list");
		ids = grown;
		ids[n + 1] = NULL;
		if (!(ids[n] = strdup(de->d_name)))
			return iso_error_set(err, ENOMEM, "list");
		n++;
	}
	if (n)
		qsort(ids, n, sizeof(*ids), compare_ids);
	*ret = steal_ptr(ids);
	*ret_n = n;
	return 0;
}

/* A container deleted while we list it (or an unfinished create's directory) reads as one that
 * does not exist and is skipped quietly; any other state that cannot be read is skipped with a
 * warning naming it, as runc does, so that one corrupt state.json hides neither itself nor the
 * others. */
static int list_containers(const char *root, enum list_format fmt, yajl_gen g,
			   struct iso_error *err)
{
	_cleanup_strv_ char **ids = NULL;
	size_t n = 0;
	int r;

	if ((r = read_ids(root, &ids, &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct container_state st = {0};
		struct iso_error e = {0};

		if (container_load_state(root, ids[i], &st, &e) < 0) {
			if (e.errnum != ENOENT)
				log_warning("list: skipped: %s", e.msg);
			continue;
		}
		print_row(&st, fmt, g);
		state_clear(&st);
	}
	return 0;
}

static int parse_format(const char *value, enum list_format *fmt, struct iso_error *err)
{
	if (!strcmp(value, "table"))
		*fmt = LIST_TABLE;
	else if (!strcmp(value, "json"))
		*fmt = LIST_JSON;
	else
		return iso_error_invalid(err, "list: --format must be table or json, not \"%s\"",
					 value);
	return 0;
}

int cmd_list(const struct global_options *g, int argc, char **argv, struct iso_error *err)
{
	enum list_format fmt = LIST_TABLE;
	bool quiet = false;
	_cleanup_yajl_gen_ yajl_gen gen = NULL;
	_cleanup_free_ char *json = NULL;
	int opt, r;

	cmd_getopt_reset();
	while ((opt = cmd_getopt("list", argc, argv, "qf:h", list_options_table, err)) != -1) {
		if (opt == 'q')
			quiet = true;
		else if (opt == 'f' && (r = parse_format(optarg, &fmt, err)) < 0)
			return r;
		else if (opt == OPT_HELP)
			return cmd_print_usage("list");
		else if (opt < 0)
			return opt;
	}
	if ((r = cmd_expect_args("list", argc, argv, 0, 0, "no argument", err)) < 0)
		return r;
	if (quiet)
		fmt = LIST_QUIET;
	if (fmt == LIST_TABLE)
		printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	if (fmt == LIST_JSON) {
		gen = jsongen_new(false);
		if (!gen)
			return iso_error_set(err, ENOMEM, "list");
		yajl_gen_array_open(gen);
	}
	if ((r = list_containers(g->root, fmt, gen, err)) < 0 || fmt != LIST_JSON)
		return r;
	yajl_gen_array_close(gen);
	if ((r = jsongen_finish(steal_ptr(gen), &json, NULL, err)) < 0)
		return r;
	printf("%s\n", json);
	return 0;
}
