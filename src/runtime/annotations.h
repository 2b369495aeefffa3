/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isorun's own config annotations, the io.isorun.* namespace: every key in one table, with the
 * part of isorun that reads it and the check of its value.  `features`, the runtime's checks,
 * the network and overlay-root parsers and the tenant bundle writer all name keys from here.
 *
 * Keys of other namespaces are left alone, as runc leaves every annotation it does not know.  An
 * io.isorun.* key that is not in the table is refused: the namespace is isorun's, so an unknown
 * key there is a typing mistake ("io.isorun.rootfs.uper") or a feature this build lacks, and
 * running without what was asked for would be silent. */
#ifndef ISORUN_ANNOTATIONS_H
#define ISORUN_ANNOTATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/spec/annotation_keys.h"
#include "runtime/spec/spec.h"
#include "util/error.h"

enum annotation_owner {
	ANNOTATION_OWNER_NET,	 /* net/net_annotations.c: the veth, addresses and routes */
	ANNOTATION_OWNER_ROOTFS, /* runtime/rootfs/overlay_root.c: an overlay as the root */
	ANNOTATION_OWNER_TENANT, /* tenant/bundle.c writes them; a record, read by nothing */
};

/* Checks a value on its own, without system calls; errors name the annotation. */
typedef int (*annotation_check_fn)(const char *key, const char *value, struct iso_error *err);

struct annotation_def {
	const char *key;
	enum annotation_owner owner;
	/* NULL: the owner checks the value together with the others it owns (the overlay's
	 * three paths must exist, upper and work on one file system), or any text will do. */
	annotation_check_fn check;
	/* It changes what the runtime does: `features` lists it under
	 * potentiallyUnsafeConfigAnnotations. */
	bool changes_runtime;
	const char *summary;
};

extern const struct annotation_def annotation_defs[];
extern const size_t annotation_n_defs;

/* The table's entry for key, or NULL. */
const struct annotation_def *annotation_find(const char *key);

/* Refuses an io.isorun.* annotation not in the table and runs the check of each one that is:
 * config.json: annotations["io.isorun.KEY"]: ...  No system calls. */
int annotations_check(const struct spec *spec, struct iso_error *err);

#endif
