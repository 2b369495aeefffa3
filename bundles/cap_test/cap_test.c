/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cap_test: mount() and reboot() need CAP_SYS_ADMIN and CAP_SYS_BOOT, which a tenant does not
 * have: both must fail with EPERM.  Exit 0 when they do, 1 otherwise.
 *
 * reboot is called with invalid magic numbers: the kernel checks the capability first (EPERM)
 * and the magic after (EINVAL), so even where the capability is held nothing reboots. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report(const char *what, long r)
{
	int e = errno;

	if (r == 0) {
		printf("%s: succeeded\n", what);
		return 1;
	}
	printf("%s: %s\n", what, strerror(e));
	return e == EPERM ? 0 : 1;
}

int main(void)
{
	int bad = 0;

	mkdir("/tmp/cap_test", 0755);
	bad |= report("mount", mount("none", "/tmp/cap_test", "tmpfs", 0, NULL));
	bad |= report("reboot", syscall(SYS_reboot, 0L, 0L, 0L, NULL));
	printf(bad ? "cap_test: FAILED\n" : "cap_test: passed\n");
	return bad;
}
