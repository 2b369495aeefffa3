/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The LSM attribute files of the calling thread (/proc/thread-self/attr/...), through which
 * AppArmor (apparmor.h) and SELinux (selinux.h) are told what the next exec becomes.
 *
 * Called in the container after the pivot, where /proc is whatever the config and the image
 * put there: only a file of the procfs mounted on /proc itself is written, reached without
 * crossing a mount or following a magic link. */
#ifndef ISORUN_PROC_ATTR_H
#define ISORUN_PROC_ATTR_H

#include "util/error.h"

/* Opens /proc/thread-self/attr/NAME ("exec", "apparmor/exec") for writing.  Returns the fd
 * (O_CLOEXEC) or a negative errno with "/proc/thread-self/attr/NAME: ..." in err; -ENOENT when
 * the kernel has no such attribute. */
int proc_attr_open(const char *name, struct iso_error *err);

/* Writes value with one write(2), as the LSMs want a command whole.  -errno with err set. */
int proc_attr_write(int fd, const char *name, const char *value, struct iso_error *err);

#endif
