/* SPDX-License-Identifier: GPL-2.0-or-later */
/* persist_test: /home persists across runs.  The first run writes /home/persist.txt, the next
 * ones find it (and count the runs in it). */
#include <stdio.h>

#define FILE_PATH "/home/persist.txt"

int main(void)
{
	FILE *f = fopen(FILE_PATH, "r");
	int runs = 0;

	if (f) {
		if (fscanf(f, "runs: %d", &runs) != 1)
			runs = 0;
		fclose(f);
	}
	runs++;
	f = fopen(FILE_PATH, "w");
	if (!f || fprintf(f, "runs: %d\n", runs) < 0 || fclose(f) != 0) {
		perror("persist_test: " FILE_PATH);
		return 1;
	}
	if (runs == 1)
		printf("run 1: wrote " FILE_PATH "\n");
	else
		printf("run %d: found " FILE_PATH " from an earlier run\n", runs);
	return 0;
}
