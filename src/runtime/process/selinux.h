/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SELinux: process.selinuxLabel (and `exec --process-label`) becomes the process's context at
 * its exec, through /proc/thread-self/attr/exec; linux.mountLabel becomes a context= option of
 * the mounts that runc gives it to.
 *
 * On a host without SELinux the labels are dropped with one warning line per field: a label
 * means nothing there, and podman or CRI configs carry them from hosts that have it.  Where
 * SELinux is enabled, a label that cannot be applied is an error. */
#ifndef ISORUN_SELINUX_H
#define ISORUN_SELINUX_H

#include <stdbool.h>

#include "runtime/spec/spec.h"
#include "util/error.h"

/* As go-selinux decides it: selinuxfs is mounted read-write on /sys/fs/selinux and this
 * process has a context other than "kernel". */
bool selinux_enabled(void);

/* On the host side, once per command, before the init is cloned: without SELinux, warns about
 * and drops process.selinuxLabel and linux.mountLabel; with it, adds the mount label to the
 * mounts.  `name` is the config's file name for messages. */
int selinux_prepare(struct spec *spec, const char *name, struct iso_error *err);

/* The same for an exec'd process's label alone; `where` names its source. */
void selinux_prepare_process(char **label, const char *where);

/* In the container, before seccomp and no_new_privs: the context the process gets at its
 * next exec.  Nothing to do for NULL. */
int selinux_exec_label(const char *label, struct iso_error *err);

#endif
