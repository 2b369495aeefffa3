/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: a tenant package's config.json through package_load(), the function
 * `isorun tenant add PKGDIR` calls, so that the file reading, the NUL check, the parser, the
 * field checks and the progs/ checks all run as for a hostile package.  The package directory
 * is made once; progs/ holds what the seed corpus names (executable files), and the cases the
 * checks must refuse: a file that is not executable, a directory, a symlink leading out of
 * progs/ and one staying inside.  Build and run with tests/fuzz/run.sh. */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness_dir.h"
#include "tenant/package.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const programs[] = {
    "hello",	"install_deps.sh", "simple_test",  "seccomp_test",
    "cap_test", "ipc_test",	   "persist_test", "init"};

static void make_package(char **ret_dir, int *ret_fd)
{
	char *pkg = harness_subdir("pkg");
	int fd = open(pkg, O_RDONLY | O_DIRECTORY | O_CLOEXEC), progs;

	if (fd < 0 || mkdirat(fd, "progs", 0755) < 0 ||
	    (progs = openat(fd, "progs", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		perror("fuzz_package: package directory");
		abort();
	}
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		harness_write(progs, programs[i], (const uint8_t *)"#!/bin/sh\n", 10, 0755);
	harness_write(progs, "noexec", (const uint8_t *)"", 0, 0644);
	if (mkdirat(progs, "dir", 0755) < 0 || symlinkat("../..", progs, "escape") < 0 ||
	    symlinkat("hello", progs, "link") < 0) {
		perror("fuzz_package: progs/");
		abort();
	}
	close(progs);
	*ret_dir = pkg;
	*ret_fd = fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *pkg;
	static int pkgfd = -1;
	struct tenant_package *p = NULL;
	struct iso_error err = {0};

	if (!pkg)
		make_package(&pkg, &pkgfd);
	harness_write(pkgfd, "config.json", data, size, 0644);
	if (package_load(pkg, &p, &err) == 0) {
		package_ipc_enabled(p);
		package_free(p);
	}
	return 0;
}
