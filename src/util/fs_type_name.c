/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "util/fs_type_name.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <sys/vfs.h>

/* linux/magic.h's numbers, spelled out: older headers lack some (erofs, zfs is out of tree),
 * and ext2, ext3 and ext4 share one. */
static const struct {
	unsigned long magic;
	const char *name;
} fs_types[] = {
    {0x01021994, "tmpfs"},    {0x858458f6, "ramfs"},	 {0x01021997, "9p"},
    {0x794c7630, "overlay"},  {0x6969, "nfs"},		 {0x65735546, "fuse"},
    {0xef53, "ext4"},	      {0x58465342, "xfs"},	 {0x9123683e, "btrfs"},
    {0xf2f52010, "f2fs"},     {0x2fc12fc1, "zfs"},	 {0xe0f5e1e2, "erofs"},
    {0x73717368, "squashfs"}, {0x28cd3d45, "cramfs"},	 {0x9660, "iso9660"},
    {0x4d44, "vfat"},	      {0x2011bab0, "exfat"},	 {0x5346544e, "ntfs"},
    {0xff534d42, "cifs"},     {0xfe534d42, "smb2"},	 {0x00c36400, "ceph"},
    {0x7461636f, "ocfs2"},    {0x01161970, "gfs2"},	 {0x6b414653, "afs"},
    {0xf15f, "ecryptfs"},     {0x958458f6, "hugetlbfs"}, {0x9fa0, "proc"},
    {0x62656572, "sysfs"},    {0x63677270, "cgroup2"},	 {0x27e0eb, "cgroup"},
    {0x1cd1, "devpts"},	      {0x6e736673, "nsfs"},	 {0xcafe4a11, "bpf"},
    {0x64626720, "debugfs"},  {0x74726163, "tracefs"},	 {0x73636673, "securityfs"},
    {0x52654973, "reiserfs"}, {0x3434, "nilfs2"},	 {0x00c0ffee, "hostfs"},
};

const char *fs_type_name(unsigned long f_type, char buf[FS_TYPE_NAME_MAX])
{
	for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
		if (fs_types[i].magic == f_type)
			return fs_types[i].name;
	snprintf(buf, FS_TYPE_NAME_MAX, "0x%lx", f_type);
	return buf;
}

const char *fs_type_name_of_fd(int fd, char buf[FS_TYPE_NAME_MAX])
{
	struct statfs st;

	if (fstatfs(fd, &st) < 0)
		return "unknown";
	return fs_type_name((unsigned long)st.f_type, buf);
}
