/* seccomp_test: calls socket(AF_INET6), which the package's allowlist does not allow: the
 * process must be killed by the filter before it can print "not killed". */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int fd;

	printf("calling socket(AF_INET6)\n");
	fflush(stdout);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	printf("not killed: socket returned %d\n", fd);
	return 1;
}
