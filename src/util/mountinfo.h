/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One line of /proc/PID/mountinfo (proc(5)), split in place. */
#ifndef ISORUN_MOUNTINFO_H
#define ISORUN_MOUNTINFO_H

#include <stdbool.h>

struct mountinfo_entry {
	char *root;	   /* the root of the mount within its file system (field 4) */
	char *mount_point; /* field 5 */
	char *fstype;	   /* after the "-" separator */
	char *super_opts;
};

/* Splits line in place (root and mount point unescaped from \ooo); false when it is not a
 * mountinfo line. */
bool mountinfo_parse_line(char *line, struct mountinfo_entry *e);

#endif
