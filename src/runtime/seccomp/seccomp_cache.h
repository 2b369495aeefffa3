/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The compiled-filter cache: ROOT/.seccomp-cache/KEY, one file per filter.
 *
 * Compiling a Docker-like profile with libseccomp costs milliseconds (13-15 ms for three
 * architectures on the CI machines); loading the BPF costs microseconds.  The key is a SHA-256
 * of the linux.seccomp JSON as written, the libseccomp version and API level, and the native
 * architecture: anything that can change the BPF libseccomp makes.  Keyed by the bytes as
 * written, a hit needs no parse of the profile at all (a Docker-like one is most of a
 * config.json); the same profile written differently only costs a second entry.
 *
 * Why under --root: it is the runtime's own directory (0700, owned by whoever runs the runtime,
 * tmpfs by default so a reboot -- e.g. into a new kernel -- starts clean), every --root gets a
 * cache of its own (a rootless user's root never feeds root's containers), and the directory's
 * dot name can never be a container id.
 *
 * An entry is a header (magic, format version, the full key, the BPF length, the load flags, a
 * SHA-256 of the payload) then the BPF and the skipped-syscall names.  An entry whose header, key,
 * size or checksum does not match is never loaded: it is rebuilt and rewritten atomically.  The
 * checksum guards against corruption (a torn write, a disk error, an edited file), not against an
 * attacker who can already write root's own directory. */
#ifndef ISORUN_SECCOMP_CACHE_H
#define ISORUN_SECCOMP_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/seccomp/seccomp_build.h"
#include "util/sha256.h"

#define SECCOMP_CACHE_DIR ".seccomp-cache"

/* The key of a linux.seccomp document: the exact bytes of the member as config.json has them
 * (json_span.h), or isorun's canonical form of it where those cannot be found. */
void seccomp_cache_key(const char *doc, size_t len, uint8_t key[SHA256_DIGEST_SIZE]);

/* How to load an entry's filter, stored with it so that a hit needs nothing of the profile. */
struct seccomp_cache_meta {
	uint32_t flags;	     /* SECCOMP_FILTER_FLAG_* the profile asks for */
	bool needs_listener; /* a rule uses SCMP_ACT_NOTIFY (its listenerPath is in the profile) */
};

/* Opens (creating) ROOT/.seccomp-cache.  A directory that is not ours or that others may write
 * is refused (-EPERM): the cache is then not used. */
int seccomp_cache_open(const char *root);

enum seccomp_cache_result {
	SECCOMP_CACHE_HIT,
	SECCOMP_CACHE_MISS,    /* no entry */
	SECCOMP_CACHE_INVALID, /* an entry that failed a check: rebuild and overwrite it */
};

/* Looks the key up.  On a hit *ret holds the filter; never fails otherwise: any problem is a
 * miss or an invalid entry (why is written to reason, for a debug message). */
enum seccomp_cache_result seccomp_cache_lookup(int dirfd, const uint8_t key[SHA256_DIGEST_SIZE],
					       struct seccomp_bpf *ret,
					       struct seccomp_cache_meta *ret_meta,
					       const char **reason);

/* Writes the entry atomically (temporary file + rename).  Best effort: returns -errno. */
int seccomp_cache_store(int dirfd, const uint8_t key[SHA256_DIGEST_SIZE],
			const struct seccomp_bpf *bpf, const struct seccomp_cache_meta *meta);

#endif
