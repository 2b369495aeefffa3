#include "config.h"
#include "runtime/seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "util/cleanup.h"

static inline void cleanup_seccomp_ctxp(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(cleanup_seccomp_ctxp)))

static yajl_val field(yajl_val obj, const char *name, yajl_type type)
{
	const char *path[] = {name, NULL};

	return obj ? yajl_tree_get(obj, path, type) : NULL;
}

static const char *string_field(yajl_val obj, const char *name)
{
	yajl_val v = field(obj, name, yajl_t_string);

	return v ? YAJL_GET_STRING(v) : NULL;
}

static int action_from_json(const char *name, yajl_val errno_ret, int default_errno,
			    uint32_t *ret)
{
	int e = errno_ret && YAJL_IS_INTEGER(errno_ret) ? (int)YAJL_GET_INTEGER(errno_ret)
							 : default_errno;

	if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*ret = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*ret = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*ret = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*ret = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*ret = SCMP_ACT_ERRNO((uint16_t)e);
	else if (!strcmp(name, "SCMP_ACT_TRACE"))
		*ret = SCMP_ACT_TRACE((uint16_t)e);
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*ret = SCMP_ACT_LOG;
	else
		return -EINVAL;
	return 0;
}

static int operator_from_name(const char *name, enum scmp_compare *ret)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
		{"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
		{"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
		{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
	};

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (!strcmp(name, ops[i].name)) {
			*ret = ops[i].op;
			return 0;
		}
	}
	return -EINVAL;
}

static uint64_t uint_field(yajl_val obj, const char *name)
{
	yajl_val v = field(obj, name, yajl_t_number);

	return v ? strtoull(YAJL_GET_NUMBER(v), NULL, 10) : 0;
}

static int parse_args(yajl_val args, const char *path, struct scmp_arg_cmp *out, unsigned *ret_n,
		      struct iso_error *err)
{
	size_t n = args && YAJL_IS_ARRAY(args) ? YAJL_GET_ARRAY(args)->len : 0;

	if (n > 6)
		return iso_error_invalid(err, "config.json: %s.args: more than 6 arguments", path);
	for (size_t i = 0; i < n; i++) {
		yajl_val a = YAJL_GET_ARRAY(args)->values[i];
		const char *op = string_field(a, "op");
		enum scmp_compare cmp;

		if (!op || operator_from_name(op, &cmp) < 0)
			return iso_error_invalid(err, "config.json: %s.args[%zu].op: unknown "
						      "operator \"%s\"", path, i, op ? op : "");
		out[i] = (struct scmp_arg_cmp){.arg = (unsigned)uint_field(a, "index"),
					       .op = cmp,
					       .datum_a = uint_field(a, "value"),
					       .datum_b = uint_field(a, "valueTwo")};
		if (out[i].arg > 5)
			return iso_error_invalid(err, "config.json: %s.args[%zu].index: must be 0-5",
						 path, i);
	}
	*ret_n = (unsigned)n;
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, yajl_val rule, const char *path, uint32_t def_action,
		    int def_errno, struct iso_error *err)
{
	yajl_val names = field(rule, "names", yajl_t_array);
	const char *act = string_field(rule, "action");
	struct scmp_arg_cmp args[6];
	uint32_t action;
	unsigned nargs = 0;
	int r;

	if (!act || action_from_json(act, field(rule, "errnoRet", yajl_t_number), def_errno,
				     &action) < 0)
		return iso_error_invalid(err, "config.json: %s.action: unknown action \"%s\"", path,
					 act ? act : "");
	if ((r = parse_args(field(rule, "args", yajl_t_array), path, args, &nargs, err)) < 0)
		return r;
	if (action == def_action)
		return 0; /* libseccomp refuses rules that repeat the default */
	for (size_t i = 0; names && i < YAJL_GET_ARRAY(names)->len; i++) {
		yajl_val v = YAJL_GET_ARRAY(names)->values[i];
		int nr = YAJL_IS_STRING(v) ? seccomp_syscall_resolve_name(YAJL_GET_STRING(v))
					   : __NR_SCMP_ERROR;

		if (nr == __NR_SCMP_ERROR)
			continue; /* unknown to this libseccomp: skipped, as runc does */
		r = seccomp_rule_add_array(ctx, action, nr, nargs, args);
		if (r < 0)
			return iso_error_set(err, -r, "config.json: %s.names[%zu] (%s)", path, i,
					     YAJL_GET_STRING(v));
	}
	return 0;
}

static int add_architectures(scmp_filter_ctx ctx, yajl_val archs, struct iso_error *err)
{
	for (size_t i = 0; archs && i < YAJL_GET_ARRAY(archs)->len; i++) {
		yajl_val v = YAJL_GET_ARRAY(archs)->values[i];
		const char *name = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "";
		char lower[32];
		uint32_t arch;
		size_t j;
		int r;

		if (!strncmp(name, "SCMP_ARCH_", 10))
			name += 10;
		for (j = 0; name[j] && j < sizeof(lower) - 1; j++)
			lower[j] = (char)tolower((unsigned char)name[j]);
		lower[j] = '\0';
		arch = seccomp_arch_resolve_name(lower);
		if (arch == 0)
			return iso_error_invalid(err, "config.json: linux.seccomp.architectures[%zu]: "
						      "unknown architecture", i);
		r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return iso_error_set(err, -r, "linux.seccomp.architectures[%zu]", i);
	}
	return 0;
}

static int build_filter(yajl_val sc, scmp_filter_ctx *ret, struct iso_error *err)
{
	const char *def = string_field(sc, "defaultAction");
	yajl_val def_errno = field(sc, "defaultErrnoRet", yajl_t_number);
	yajl_val syscalls = field(sc, "syscalls", yajl_t_array);
	int errno_ret = def_errno ? (int)YAJL_GET_INTEGER(def_errno) : EPERM;
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	uint32_t def_action;
	int r;

	if (!def || action_from_json(def, def_errno, EPERM, &def_action) < 0)
		return iso_error_invalid(err, "config.json: linux.seccomp.defaultAction: unknown "
					      "action \"%s\"", def ? def : "");
	ctx = seccomp_init(def_action);
	if (!ctx)
		return iso_error_set(err, ENOMEM, "seccomp_init");
	/* no_new_privs is process.noNewPrivileges' business, not libseccomp's. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if ((r = add_architectures(ctx, field(sc, "architectures", yajl_t_array), err)) < 0)
		return r;
	for (size_t i = 0; syscalls && i < YAJL_GET_ARRAY(syscalls)->len; i++) {
		char path[64];

		snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu]", i);
		r = add_rule(ctx, YAJL_GET_ARRAY(syscalls)->values[i], path, def_action, errno_ret,
			     err);
		if (r < 0)
			return r;
	}
	*ret = steal_ptr(ctx);
	return 0;
}

int seccomp_load_from_spec(const struct spec *spec, struct iso_error *err)
{
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	yajl_val sc = spec->linux_.seccomp;
	int r;

	if (!sc || !YAJL_IS_OBJECT(sc))
		return 0;
	r = build_filter(sc, &ctx, err);
	if (r < 0)
		return r;
	r = seccomp_load(ctx);
	if (r < 0)
		return iso_error_set(err, -r, "loading the seccomp filter");
	return 0;
}
