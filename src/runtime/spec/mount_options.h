/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json mount options ("nosuid", "rbind", "size=65536k"...) to mount(2) arguments. */
#ifndef ISORUN_MOUNT_OPTIONS_H
#define ISORUN_MOUNT_OPTIONS_H

#include "runtime/spec/spec.h"

/* Fills m->flags, clear_flags, rec_flags, rec_clear_flags, propagation, bind, recursive,
 * tmpcopyup and data from m->options and m->type.  Later options override earlier ones ("ro" then
 * "rw" is read-write).
 *
 * flags holds only per-mount attributes (MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC,
 * MS_SYNCHRONOUS, MS_DIRSYNC, MS_REMOUNT, MS_MANDLOCK, MS_NOATIME, MS_NODIRATIME, MS_RELATIME,
 * MS_STRICTATIME, MS_LAZYTIME): never MS_BIND, MS_REC or a propagation flag, which are in
 * bind/recursive and propagation, because the caller needs separate mount(2) calls for them.
 * rec_flags and rec_clear_flags are the same MS_* bits (and MS_NOSYMFOLLOW) for the recursive
 * options ("rro", "rnosuid"...), which apply to every mount under the mount too.
 * Type "bind" implies bind (not recursive unless "rbind" is given too, as runc does).
 * "idmap" and "ridmap" set idmap (and idmap_recursive for "ridmap"); either on a mount that is
 * not a bind is refused.
 * Every option that is none of those is passed to the filesystem: data is those options joined
 * with commas in their order ("mode=755,size=65536k"), or NULL.
 *
 * json_path prefixes error messages ("config.json: mounts[2]" gives
 * "config.json: mounts[2].options: ..."). */
int mount_options_parse(struct spec_mount *m, const char *json_path, struct iso_error *err);

/* "shared", "slave", "private", "unbindable" -> MS_SHARED ...; the "r" forms ("rprivate") add
 * MS_REC.  Returns -EINVAL for any other name. */
int mount_propagation_from_name(const char *name, unsigned long *ret);

/* The options mount_options_parse() recognises itself (flags, recursive flags, propagation,
 * bind, rbind, tmpcopyup, idmap, ridmap), for `isorun features`: the index-th name, NULL past the
 * end.  Filesystem options
 * ("mode=", "size=") are passed through and not listed. */
const char *mount_option_name(size_t index);

#endif
