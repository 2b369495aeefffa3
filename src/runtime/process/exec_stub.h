/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The init's protection against CVE-2019-5736 without re-executing the runtime: the final exec
 * goes through a tiny sealed stub (src/stub/exec_stub.c explains the attack).  The stub is
 * enough only when nothing in the container can open /proc/PID/exe of the init while it is
 * still a clone of the runtime: see exec_stub_protects(). */
#ifndef ISORUN_EXEC_STUB_H
#define ISORUN_EXEC_STUB_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/spec/spec.h"

/* The stub's image, generated at build time (absent where HAVE_EXEC_STUB is undefined). */
extern const unsigned char exec_stub_image[];
extern const size_t exec_stub_image_size;

/* True when the init may run as a plain clone of the runtime and exec through the stub. */
bool exec_stub_protects(const struct spec *spec);

/* A sealed, executable memfd holding the stub (O_CLOEXEC). */
int exec_stub_memfd(struct iso_error *err);

/* Executes path with argv and envp through the stub in stub_fd, handing it barrier_fd to
 * close at the final exec (-1: none).  Returns only on failure, with -errno. */
int exec_stub_exec(int stub_fd, int barrier_fd, const char *path, char *const argv[],
		   char *const envp[]);

#endif
