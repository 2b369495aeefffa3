#ifndef ISORUN_CONFIG_LOAD_H
#define ISORUN_CONFIG_LOAD_H

#include "runtime/seccomp.h"
#include "runtime/spec.h"
#include "util/error.h"

/* config.json's text to what create and exec need of it: the parsed spec and the seccomp
 * program (empty without linux.seccomp), ROOT's compiled-filter cache used.  Errors name
 * "config.json" and the JSON path. */
int config_load(const char *text, size_t len, const char *root, struct spec **ret_spec,
		struct seccomp_program *ret_seccomp, struct iso_error *err);

#endif
