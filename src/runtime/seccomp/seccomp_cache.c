/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/seccomp/seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

#define CACHE_MAGIC   "isoBPF\r\n" /* the \r\n catches text-mode mangling */
#define CACHE_VERSION 2
#define KEY_DOMAIN    "isorun seccomp cache v5"

struct cache_header {
	char magic[8];
	uint32_t version;
	uint32_t n_insns;
	uint32_t skipped_len;
	uint32_t header_size;
	uint32_t flags;
	uint32_t needs_listener;
	uint8_t key[SHA256_DIGEST_SIZE];
	uint8_t checksum[SHA256_DIGEST_SIZE]; /* of the BPF and the skipped names */
};

/* Entries larger than this are not ours. */
#define ENTRY_MAX (sizeof(struct cache_header) + BPF_MAXINSNS * sizeof(struct sock_filter) + 65536)

void seccomp_cache_key(const char *doc, size_t len, uint8_t key[SHA256_DIGEST_SIZE])
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	char env[sizeof(u.release) + sizeof(u.version) + 128];
	struct sha256 s;
	int n;

	/* What besides the document decides the BPF: libseccomp's version, the architecture it
	 * compiles for natively, and the kernel, whose features decide what libseccomp accepts.
	 * The kernel is named by its release and build, not by seccomp_api_get(): that probes
	 * the kernel with nine seccomp() calls, which cost a cache hit more than the rest of it
	 * (70 of 140 us at a cold start here). */
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	n = snprintf(env, sizeof(env), "%s\nlibseccomp %u.%u.%u arch %#x\nkernel %s %s\n",
		     KEY_DOMAIN, v->major, v->minor, v->micro, seccomp_arch_native(), u.release,
		     u.version);
	sha256_init(&s);
	sha256_update(&s, env, (size_t)n);
	sha256_update(&s, doc, len);
	sha256_final(&s, key);
}

/* The first use under a root makes the directories; every later one only opens. */
static int cache_dir_make(const char *root)
{
	_cleanup_close_ int rootfd = -1;

	if (mkdir(root, STATE_ROOT_MODE) < 0 && errno != EEXIST)
		return -errno;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	if (mkdirat(rootfd, SECCOMP_CACHE_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int seccomp_cache_open(const char *root)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (asprintf(&path, "%s/" SECCOMP_CACHE_DIR, root) < 0)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if ((r = cache_dir_make(root)) < 0)
			return r;
		fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return -EPERM;
	return steal_fd(fd);
}

static void key_name(const uint8_t key[SHA256_DIGEST_SIZE], char name[SHA256_HEX_SIZE])
{
	sha256_hex(key, name);
}

/* Over the load flags too: a flipped bit there would load the filter differently. */
static void payload_checksum(const struct seccomp_bpf *bpf, const struct cache_header *h,
			     uint8_t sum[SHA256_DIGEST_SIZE])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, &h->flags, sizeof(h->flags));
	sha256_update(&s, &h->needs_listener, sizeof(h->needs_listener));
	sha256_update(&s, bpf->insns, bpf->n_insns * sizeof(struct sock_filter));
	if (bpf->skipped_len)
		sha256_update(&s, bpf->skipped, bpf->skipped_len);
	sha256_final(&s, sum);
}

/* The checks of an entry already read: header, key, sizes, checksum. */
static const char *check_entry(const uint8_t *buf, size_t len, const uint8_t *key,
			       struct seccomp_bpf *bpf, struct seccomp_cache_meta *meta)
{
	struct cache_header h;
	uint8_t sum[SHA256_DIGEST_SIZE];
	size_t bpf_len;

	if (len < sizeof(h))
		return "truncated header";
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, CACHE_MAGIC, sizeof(h.magic)) || h.version != CACHE_VERSION ||
	    h.header_size != sizeof(h))
		return "not an entry of this format";
	if (memcmp(h.key, key, SHA256_DIGEST_SIZE))
		return "key mismatch";
	if (h.n_insns == 0 || h.n_insns > BPF_MAXINSNS)
		return "bad instruction count";
	if (h.needs_listener > 1)
		return "bad listener flag";
	bpf_len = (size_t)h.n_insns * sizeof(struct sock_filter);
	if (len != sizeof(h) + bpf_len + h.skipped_len)
		return "size mismatch";
	if (h.skipped_len && buf[len - 1] != '\0')
		return "bad skipped-name list";
	bpf->insns = malloc(bpf_len);
	bpf->skipped = h.skipped_len ? malloc(h.skipped_len) : NULL;
	if (!bpf->insns || (h.skipped_len && !bpf->skipped))
		return "out of memory";
	memcpy(bpf->insns, buf + sizeof(h), bpf_len);
	if (h.skipped_len)
		memcpy(bpf->skipped, buf + sizeof(h) + bpf_len, h.skipped_len);
	bpf->n_insns = h.n_insns;
	bpf->skipped_len = h.skipped_len;
	payload_checksum(bpf, &h, sum);
	if (memcmp(sum, h.checksum, sizeof(sum)))
		return "checksum mismatch";
	*meta = (struct seccomp_cache_meta){h.flags, h.needs_listener};
	return NULL;
}

enum seccomp_cache_result seccomp_cache_lookup(int dirfd, const uint8_t key[SHA256_DIGEST_SIZE],
					       struct seccomp_bpf *ret,
					       struct seccomp_cache_meta *ret_meta,
					       const char **reason)
{
	char name[SHA256_HEX_SIZE];
	_cleanup_close_ int fd = -1;
	_cleanup_free_ uint8_t *buf = NULL;
	struct seccomp_bpf bpf = {0};
	struct stat st;
	ssize_t n;

	key_name(key, name);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*reason = errno == ENOENT ? "no entry" : "cannot open the entry";
		return errno == ENOENT ? SECCOMP_CACHE_MISS : SECCOMP_CACHE_INVALID;
	}
	*reason = "not a regular file of ours";
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022))
		return SECCOMP_CACHE_INVALID;
	*reason = "bad size";
	if ((size_t)st.st_size < sizeof(struct cache_header) || (size_t)st.st_size > ENTRY_MAX)
		return SECCOMP_CACHE_INVALID;
	buf = malloc((size_t)st.st_size);
	*reason = "read failed";
	if (!buf)
		return SECCOMP_CACHE_INVALID;
	n = read_all(fd, buf, (size_t)st.st_size);
	if (n != st.st_size)
		return SECCOMP_CACHE_INVALID;
	*reason = check_entry(buf, (size_t)n, key, &bpf, ret_meta);
	if (*reason) {
		seccomp_bpf_free(&bpf);
		return SECCOMP_CACHE_INVALID;
	}
	*ret = bpf;
	return SECCOMP_CACHE_HIT;
}

int seccomp_cache_store(int dirfd, const uint8_t key[SHA256_DIGEST_SIZE],
			const struct seccomp_bpf *bpf, const struct seccomp_cache_meta *meta)
{
	size_t bpf_len = bpf->n_insns * sizeof(struct sock_filter);
	size_t len = sizeof(struct cache_header) + bpf_len + bpf->skipped_len;
	_cleanup_free_ uint8_t *buf = malloc(len);
	struct cache_header h = {.version = CACHE_VERSION,
				 .n_insns = (uint32_t)bpf->n_insns,
				 .skipped_len = (uint32_t)bpf->skipped_len,
				 .header_size = sizeof(h),
				 .flags = meta->flags,
				 .needs_listener = meta->needs_listener};
	char name[SHA256_HEX_SIZE];
	struct iso_error ignored;

	if (!buf)
		return -ENOMEM;
	memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
	memcpy(h.key, key, SHA256_DIGEST_SIZE);
	payload_checksum(bpf, &h, h.checksum);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), bpf->insns, bpf_len);
	if (bpf->skipped_len)
		memcpy(buf + sizeof(h) + bpf_len, bpf->skipped, bpf->skipped_len);
	key_name(key, name);
	return write_file_atomic_at(dirfd, name, buf, len, 0600, &ignored);
}
