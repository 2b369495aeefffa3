/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The name of a file system type as statfs(2) gives it (f_type), for messages that must say
 * which file system refused something: the magic number alone tells a user nothing. */
#ifndef ISORUN_FS_TYPE_NAME_H
#define ISORUN_FS_TYPE_NAME_H

#include <stddef.h>

/* "0x" and 16 hex digits, the longest a number can be. */
#define FS_TYPE_NAME_MAX 20

/* The type's name ("tmpfs", "ramfs", "9p", "overlay", "ext4", ...), or its number in hex
 * ("0x12345678") written into buf when this list does not know it. */
const char *fs_type_name(unsigned long f_type, char buf[FS_TYPE_NAME_MAX]);

/* fs_type_name() of the file system fd is on; "unknown" when fstatfs(2) fails. */
const char *fs_type_name_of_fd(int fd, char buf[FS_TYPE_NAME_MAX]);

#endif
