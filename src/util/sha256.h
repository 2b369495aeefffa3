/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 (FIPS 180-4), for content-addressed caches.  None of the libraries isorun links
 * (libseccomp, libcap, yajl, libmnl) offers a hash, and the cache key must be collision-resistant:
 * a key collision would load one tenant's filter for another's profile. */
#ifndef ISORUN_SHA256_H
#define ISORUN_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_HEX_SIZE	   (2 * SHA256_DIGEST_SIZE + 1)

struct sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	uint8_t block[64];
	size_t fill; /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_DIGEST_SIZE]);

/* One-shot digest of a buffer. */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

/* With true, the portable code even where the CPU has SHA instructions (tests compare the two);
 * false goes back to choosing by the CPU. */
void sha256_use_portable(bool portable);

/* Lower-case hex, NUL-terminated. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char hex[SHA256_HEX_SIZE]);

#endif
