/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp (JSON) into struct seccomp_config, through the table-driven walker, so that
 * every error names its JSON path.  Names are checked against fixed tables here; syscall names
 * are left to seccomp_build.c, which knows what this libseccomp can resolve. */
#include "config.h"
#include "runtime/spec/seccomp_config.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const char *const action_names[] = {
    [SECCOMP_ACTION_KILL] = "SCMP_ACT_KILL",
    [SECCOMP_ACTION_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [SECCOMP_ACTION_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [SECCOMP_ACTION_TRAP] = "SCMP_ACT_TRAP",
    [SECCOMP_ACTION_ERRNO] = "SCMP_ACT_ERRNO",
    [SECCOMP_ACTION_TRACE] = "SCMP_ACT_TRACE",
    [SECCOMP_ACTION_ALLOW] = "SCMP_ACT_ALLOW",
    [SECCOMP_ACTION_LOG] = "SCMP_ACT_LOG",
    [SECCOMP_ACTION_NOTIFY] = "SCMP_ACT_NOTIFY",
};

/* The spec's list (libseccomp 2.5); the second column is libseccomp's own name. */
static const char *const arch_names[][2] = {
    {"SCMP_ARCH_X86", "x86"},
    {"SCMP_ARCH_X86_64", "x86_64"},
    {"SCMP_ARCH_X32", "x32"},
    {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_AARCH64", "aarch64"},
    {"SCMP_ARCH_MIPS", "mips"},
    {"SCMP_ARCH_MIPS64", "mips64"},
    {"SCMP_ARCH_MIPS64N32", "mips64n32"},
    {"SCMP_ARCH_MIPSEL", "mipsel"},
    {"SCMP_ARCH_MIPSEL64", "mipsel64"},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
    {"SCMP_ARCH_PPC", "ppc"},
    {"SCMP_ARCH_PPC64", "ppc64"},
    {"SCMP_ARCH_PPC64LE", "ppc64le"},
    {"SCMP_ARCH_S390", "s390"},
    {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_PARISC", "parisc"},
    {"SCMP_ARCH_PARISC64", "parisc64"},
    {"SCMP_ARCH_RISCV64", "riscv64"},
};

static const struct {
	const char *name;
	unsigned int value;
} flag_table[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

static const struct {
	const char *name;
	int op;
} op_table[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

const char *seccomp_action_name(int action)
{
	return action >= 0 && (size_t)action < ARRAY_SIZE(action_names) ? action_names[action]
									: NULL;
}

const char *seccomp_arch_name(uint32_t index)
{
	return index < ARRAY_SIZE(arch_names) ? arch_names[index][0] : NULL;
}

const char *seccomp_arch_libname(uint32_t index)
{
	return index < ARRAY_SIZE(arch_names) ? arch_names[index][1] : NULL;
}

const char *seccomp_flag_name(uint32_t index)
{
	return index < ARRAY_SIZE(flag_table) ? flag_table[index].name : NULL;
}

unsigned int seccomp_flag_value(uint32_t index)
{
	return index < ARRAY_SIZE(flag_table) ? flag_table[index].value : 0;
}

const char *seccomp_op_name(int op)
{
	for (size_t i = 0; i < ARRAY_SIZE(op_table); i++)
		if (op_table[i].op == op)
			return op_table[i].name;
	return NULL;
}

int seccomp_action_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++)
		if (!strcmp(action_names[i], name))
			return (int)i;
	return -1;
}

int seccomp_arch_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (!strcmp(arch_names[i][0], name))
			return (int)i;
	return -1;
}

int seccomp_op_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(op_table); i++)
		if (!strcmp(op_table[i].name, name))
			return op_table[i].op;
	return -1;
}

static int flag_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_table); i++)
		if (!strcmp(flag_table[i].name, name))
			return (int)i;
	return -1;
}

unsigned int seccomp_config_kernel_flags(const struct seccomp_config *cfg)
{
	unsigned int flags = 0;

	for (size_t i = 0; i < cfg->flags.n; i++)
		flags |= seccomp_flag_value(cfg->flags.v[i]);
	return flags;
}

bool seccomp_config_uses_notify(const struct seccomp_config *cfg)
{
	for (size_t i = 0; i < cfg->n_rules; i++)
		if (cfg->rules[i].action == SECCOMP_ACTION_NOTIFY)
			return true;
	return false;
}

/* ---- custom fields ---- */

static int parse_action(struct json_walk *w, yajl_val v, void *dst)
{
	int a;

	if (!YAJL_IS_STRING(v))
		return json_walk_fail(w, "expected a string");
	a = seccomp_action_from_name(v->u.string);
	if (a < 0)
		return json_walk_fail(w, "unknown action \"%s\"", v->u.string);
	*(int *)dst = a;
	return 0;
}

static int parse_op(struct json_walk *w, yajl_val v, void *dst)
{
	int op;

	if (!YAJL_IS_STRING(v))
		return json_walk_fail(w, "expected a string");
	op = seccomp_op_from_name(v->u.string);
	if (op < 0)
		return json_walk_fail(w, "unknown operator \"%s\"", v->u.string);
	*(int *)dst = op;
	return 0;
}

/* An array of names, each looked up with `lookup` and stored as its table index. */
static int parse_index_list(struct json_walk *w, yajl_val v, struct seccomp_index_list *list,
			    int (*lookup)(const char *), const char *what)
{
	size_t n;

	if (!YAJL_IS_ARRAY(v))
		return json_walk_fail(w, "expected an array");
	n = v->u.array.len;
	free(list->v);
	list->n = 0;
	list->v = calloc(n ? n : 1, sizeof(*list->v));
	if (!list->v)
		return json_walk_oom(w);
	for (size_t i = 0; i < n; i++) {
		yajl_val item = v->u.array.values[i];
		size_t mark = json_walk_push_index(w, i);
		int index;

		if (!YAJL_IS_STRING(item))
			return json_walk_fail(w, "expected a string");
		index = lookup(item->u.string);
		if (index < 0)
			return json_walk_fail(w, "unknown %s \"%s\"", what, item->u.string);
		list->v[list->n++] = (uint32_t)index;
		json_walk_pop(w, mark);
	}
	return 0;
}

static int parse_archs(struct json_walk *w, yajl_val v, void *dst)
{
	return parse_index_list(w, v, dst, seccomp_arch_from_name, "architecture");
}

static int parse_flags(struct json_walk *w, yajl_val v, void *dst)
{
	return parse_index_list(w, v, dst, flag_from_name, "flag");
}

/* ---- checks ---- */

static bool takes_errno(int action)
{
	return action == SECCOMP_ACTION_ERRNO || action == SECCOMP_ACTION_TRACE;
}

/* The kernel clamps an errno to 4095; anything larger would be silently changed. */
#define ERRNO_RET_MAX 4095

static int check_rule(struct json_walk *w, yajl_val obj, void *elems, size_t index)
{
	struct seccomp_rule *rule = (struct seccomp_rule *)elems + index;

	if (!rule->names[0])
		return json_walk_fail_at(w, "names", "must name at least one syscall");
	if (rule->has_errno_ret && !takes_errno(rule->action))
		return json_walk_fail_at(w, "errnoRet",
					 "not allowed with %s (only with "
					 "SCMP_ACT_ERRNO and SCMP_ACT_TRACE)",
					 seccomp_action_name(rule->action));
	if (rule->has_errno_ret && rule->errno_ret > ERRNO_RET_MAX)
		return json_walk_fail_at(w, "errnoRet", "must be between 0 and %d", ERRNO_RET_MAX);
	return 0;
}

/* The init sends the listener fd to the runtime with sendmsg() right after the filter is
 * loaded: a notification on sendmsg would wait for a listener that never gets the fd. */
static int check_notify_rule(struct json_walk *w, const struct seccomp_rule *rule, size_t index)
{
	size_t mark = json_walk_push_key(w, "syscalls");

	json_walk_push_index(w, index);
	for (size_t j = 0; rule->names[j]; j++)
		if (!strcmp(rule->names[j], "sendmsg"))
			return json_walk_fail(w, "SCMP_ACT_NOTIFY cannot be used for sendmsg (the "
						 "runtime needs it to hand over the listener)");
	json_walk_pop(w, mark);
	return 0;
}

static int check_config(struct json_walk *w, const struct seccomp_config *cfg)
{
	bool notify = seccomp_config_uses_notify(cfg);
	int r;

	if (cfg->has_default_errno_ret && !takes_errno(cfg->default_action))
		return json_walk_fail_at(w, "defaultErrnoRet", "not allowed with defaultAction %s",
					 seccomp_action_name(cfg->default_action));
	if (cfg->has_default_errno_ret && cfg->default_errno_ret > ERRNO_RET_MAX)
		return json_walk_fail_at(w, "defaultErrnoRet", "must be between 0 and %d",
					 ERRNO_RET_MAX);
	if (cfg->default_action == SECCOMP_ACTION_NOTIFY)
		return json_walk_fail_at(w, "defaultAction",
					 "SCMP_ACT_NOTIFY cannot be the "
					 "default action");
	if (cfg->listener_metadata && !cfg->listener_path)
		return json_walk_fail_at(w, "listenerMetadata", "set without listenerPath");
	if (notify && !cfg->listener_path)
		return json_walk_fail_at(w, "listenerPath",
					 "required when a rule uses "
					 "SCMP_ACT_NOTIFY");
	if (cfg->listener_path && cfg->listener_path[0] != '/')
		return json_walk_fail_at(w, "listenerPath", "must be an absolute path");
	for (size_t i = 0; notify && i < cfg->n_rules; i++)
		if (cfg->rules[i].action == SECCOMP_ACTION_NOTIFY &&
		    (r = check_notify_rule(w, &cfg->rules[i], i)) < 0)
			return r;
	return 0;
}

/* ---- tables ---- */

static const struct json_field arg_fields[] = {
    JSON_FIELD("index", JSON_UINT32, struct seccomp_arg, index, .flags = JSON_REQUIRED | JSON_RANGE,
	       .min = 0, .max = 5),
    JSON_FIELD("value", JSON_UINT64, struct seccomp_arg, value, .flags = JSON_REQUIRED),
    JSON_FIELD("valueTwo", JSON_UINT64, struct seccomp_arg, value_two),
    JSON_FIELD("op", JSON_CUSTOM, struct seccomp_arg, op, .flags = JSON_REQUIRED,
	       .parse = parse_op),
    {0},
};

#define RULE_FIELDS_AFTER_NAMES                                                                    \
	JSON_FIELD("action", JSON_CUSTOM, struct seccomp_rule, action, .flags = JSON_REQUIRED,     \
		   .parse = parse_action),                                                         \
	    JSON_FIELD("errnoRet", JSON_UINT32, struct seccomp_rule, errno_ret, .flags = JSON_HAS, \
		       .has_offset = offsetof(struct seccomp_rule, has_errno_ret)),                \
	    JSON_FIELD("args", JSON_OBJECT_ARRAY, struct seccomp_rule, args,                       \
		       .count_offset = offsetof(struct seccomp_rule, n_args),                      \
		       .elem_size = sizeof(struct seccomp_arg), .fields = arg_fields)

static const struct json_field rule_fields[] = {
    JSON_FIELD("names", JSON_STRING_ARRAY, struct seccomp_rule, names, .flags = JSON_REQUIRED),
    RULE_FIELDS_AFTER_NAMES,
    {0},
};

/* A Docker profile may give one "name" instead of "names". */
static const struct json_field docker_rule_fields[] = {
    JSON_FIELD("names", JSON_STRING_ARRAY, struct seccomp_rule, names),
    RULE_FIELDS_AFTER_NAMES,
    {0},
};

const struct json_field seccomp_header_fields[] = {
    JSON_FIELD("defaultAction", JSON_CUSTOM, struct seccomp_config, default_action,
	       .flags = JSON_REQUIRED, .parse = parse_action),
    JSON_FIELD("defaultErrnoRet", JSON_UINT32, struct seccomp_config, default_errno_ret,
	       .flags = JSON_HAS,
	       .has_offset = offsetof(struct seccomp_config, has_default_errno_ret)),
    JSON_FIELD("architectures", JSON_CUSTOM, struct seccomp_config, archs, .parse = parse_archs),
    JSON_FIELD("flags", JSON_CUSTOM, struct seccomp_config, flags, .parse = parse_flags),
    JSON_FIELD("listenerPath", JSON_STRING, struct seccomp_config, listener_path),
    JSON_FIELD("listenerMetadata", JSON_STRING, struct seccomp_config, listener_metadata),
    {0},
};

static const struct json_field syscalls_field[] = {
    JSON_FIELD("syscalls", JSON_OBJECT_ARRAY, struct seccomp_config, rules,
	       .count_offset = offsetof(struct seccomp_config, n_rules),
	       .elem_size = sizeof(struct seccomp_rule), .fields = rule_fields,
	       .check = check_rule),
    {0},
};

int seccomp_config_parse(struct json_walk *w, yajl_val obj, struct seccomp_config *cfg)
{
	int r = json_walk_object(w, obj, seccomp_header_fields, cfg);

	if (r == 0)
		r = json_walk_object(w, obj, syscalls_field, cfg);
	return r < 0 ? r : check_config(w, cfg);
}

int seccomp_config_check(struct json_walk *w, const struct seccomp_config *cfg)
{
	return check_config(w, cfg);
}

static int docker_name(struct json_walk *w, yajl_val obj, struct seccomp_rule *rule)
{
	yajl_val name = json_object_get(obj, "name");

	if (!name)
		return json_object_get(obj, "names") ? 0
						     : json_walk_fail_at(w, "names", "required");
	if (json_object_get(obj, "names"))
		return json_walk_fail_at(w, "name", "give either name or names, not both");
	if (!YAJL_IS_STRING(name))
		return json_walk_fail_at(w, "name", "expected a string");
	rule->names = calloc(2, sizeof(char *));
	if (!rule->names || !(rule->names[0] = strdup(name->u.string)))
		return json_walk_oom(w);
	return 0;
}

int seccomp_rule_parse(struct json_walk *w, yajl_val obj, struct seccomp_rule *rule, bool docker)
{
	int r;

	if (!YAJL_IS_OBJECT(obj))
		return json_walk_fail(w, "expected an object");
	if (docker && (r = docker_name(w, obj, rule)) < 0)
		return r;
	r = json_walk_object(w, obj, docker ? docker_rule_fields : rule_fields, rule);
	return r < 0 ? r : check_rule(w, obj, rule, 0);
}

int seccomp_config_from_spec(yajl_val obj, struct seccomp_config *cfg, struct iso_error *err)
{
	struct json_walk w;

	json_walk_init(&w, "config.json", err);
	json_walk_push_key(&w, "linux");
	json_walk_push_key(&w, "seccomp");
	return seccomp_config_parse(&w, obj, cfg);
}

void seccomp_config_free(struct seccomp_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; cfg->rules && i < cfg->n_rules; i++) {
		strv_free(cfg->rules[i].names);
		free(cfg->rules[i].args);
	}
	free(cfg->rules);
	free(cfg->archs.v);
	free(cfg->flags.v);
	free(cfg->listener_path);
	free(cfg->listener_metadata);
	*cfg = (struct seccomp_config){0};
}
