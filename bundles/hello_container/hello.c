/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hello_container's program: the seed's first tenant.  Prints what shows that it is isolated:
 * pid 1 of its own pid namespace, and the tenant id as its hostname. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	printf("hello from sandbox\n");
	printf("PID in sandbox: %d\n", (int)getpid());
	printf("hostname in sandbox: %s\n", host);
	return 0;
}
