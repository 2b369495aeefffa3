/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scratch files for the libFuzzer harnesses whose verb reads a file, not a buffer: the input is
 * written where the verb would find it, and the verb's own reader parses it. */
#ifndef ISORUN_FUZZ_HARNESS_DIR_H
#define ISORUN_FUZZ_HARNESS_DIR_H

#include <stddef.h>
#include <stdint.h>

/* A private directory (mkdtemp under $TMPDIR or /tmp), created on the first call and removed
 * with everything in it when the process exits.  Aborts when it cannot be made: a harness
 * that silently parses nothing would report a useless clean run. */
const char *harness_dir(void);

/* Creates DIR/SUB (and returns its path, owned by the caller), aborting on failure. */
char *harness_subdir(const char *sub);

/* Replaces dirfd/NAME with the data, aborting on failure. */
void harness_write(int dirfd, const char *name, const uint8_t *data, size_t size, int mode);

#endif
