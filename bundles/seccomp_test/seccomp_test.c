/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp_test: calls socket(AF_INET6), which the package's allowlist does not allow: the
 * process must be killed by the filter before it can print "not killed".
 * With the argument "skip-socket" it stops right before the call (isorun trace records a run
 * that does not take the socket() path, then the enforced profile must kill the one that does). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	printf("calling socket(AF_INET6)\n");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "skip-socket"))
		return 0;
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	printf("not killed: socket returned %d\n", fd);
	return 1;
}
