/* SPDX-License-Identifier: GPL-2.0-or-later */
/* simple_test: a container can be spawned and print. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello from simple_test");
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return 0;
}
