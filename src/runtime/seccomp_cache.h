/* The compiled-filter cache: ROOT/.seccomp-cache/KEY, one file per filter.
 *
 * Compiling a Docker-like profile with libseccomp costs milliseconds (13-15 ms for three
 * architectures on the CI machines); loading the BPF costs microseconds.  The key is a SHA-256
 * of the canonical linux.seccomp JSON, the libseccomp version and API level, and the native
 * architecture: anything that can change the BPF libseccomp makes.
 *
 * Why under --root: it is the runtime's own directory (0700, owned by whoever runs the runtime,
 * tmpfs by default so a reboot -- e.g. into a new kernel -- starts clean), every --root gets a
 * cache of its own (a rootless user's root never feeds root's containers), and the directory's
 * dot name can never be a container id.
 *
 * An entry is a header (magic, format version, the full key, the BPF length, a SHA-256 of the
 * payload) then the BPF and the skipped-syscall names.  An entry whose header, key, size or
 * checksum does not match is never loaded: it is rebuilt and rewritten atomically.  The checksum
 * guards against corruption (a torn write, a disk error, an edited file), not against an
 * attacker who can already write root's own directory. */
#ifndef ISORUN_SECCOMP_CACHE_H
#define ISORUN_SECCOMP_CACHE_H

#include <stdint.h>

#include "runtime/seccomp_build.h"
#include "util/sha256.h"

#define SECCOMP_CACHE_DIR ".seccomp-cache"

/* The key of a canonical linux.seccomp document. */
void seccomp_cache_key(const char *canonical, size_t len, uint8_t key[SHA256_DIGEST_SIZE]);

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
					       struct seccomp_bpf *ret, const char **reason);

/* Writes the entry atomically (temporary file + rename).  Best effort: returns -errno. */
int seccomp_cache_store(int dirfd, const uint8_t key[SHA256_DIGEST_SIZE],
			const struct seccomp_bpf *bpf);

#endif
