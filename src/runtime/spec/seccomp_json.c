/* SPDX-License-Identifier: GPL-2.0-or-later */
/* struct seccomp_config back to OCI JSON.  The field order is fixed and every name is written as
 * parsed, so two documents that mean the same filter (whitespace, key order, null fields) give
 * the same bytes: the cache key is a hash of this output. */
#include "config.h"
#include "runtime/spec/seccomp_config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/jsongen.h"

/* uint64 values above LLONG_MAX do not fit yajl_gen_integer(). */
static void gen_u64(yajl_gen g, const char *key, uint64_t value)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, value);

	jsongen_key(g, key);
	yajl_gen_number(g, buf, (size_t)n);
}

static void gen_index_list(yajl_gen g, const char *key, const struct seccomp_index_list *list,
			   const char *(*name)(uint32_t))
{
	jsongen_key(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < list->n; i++)
		jsongen_str(g, name(list->v[i]));
	yajl_gen_array_close(g);
}

static void gen_arg(yajl_gen g, const struct seccomp_arg *a)
{
	yajl_gen_map_open(g);
	gen_u64(g, "index", a->index);
	gen_u64(g, "value", a->value);
	gen_u64(g, "valueTwo", a->value_two);
	jsongen_kv_str(g, "op", seccomp_op_name(a->op));
	yajl_gen_map_close(g);
}

static void gen_rule(yajl_gen g, const struct seccomp_rule *rule)
{
	yajl_gen_map_open(g);
	jsongen_key(g, "names");
	yajl_gen_array_open(g);
	for (char **n = rule->names; n && *n; n++)
		jsongen_str(g, *n);
	yajl_gen_array_close(g);
	jsongen_kv_str(g, "action", seccomp_action_name(rule->action));
	if (rule->has_errno_ret)
		gen_u64(g, "errnoRet", rule->errno_ret);
	if (rule->n_args) {
		jsongen_key(g, "args");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < rule->n_args; i++)
			gen_arg(g, &rule->args[i]);
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

void seccomp_config_gen(yajl_gen g, const struct seccomp_config *cfg, bool for_key)
{
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "defaultAction", seccomp_action_name(cfg->default_action));
	if (cfg->has_default_errno_ret)
		gen_u64(g, "defaultErrnoRet", cfg->default_errno_ret);
	if (cfg->archs.n)
		gen_index_list(g, "architectures", &cfg->archs, seccomp_arch_name);
	if (cfg->flags.n)
		gen_index_list(g, "flags", &cfg->flags, seccomp_flag_name);
	if (!for_key && cfg->listener_path)
		jsongen_kv_str(g, "listenerPath", cfg->listener_path);
	if (!for_key && cfg->listener_metadata)
		jsongen_kv_str(g, "listenerMetadata", cfg->listener_metadata);
	jsongen_key(g, "syscalls");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < cfg->n_rules; i++)
		gen_rule(g, &cfg->rules[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}
