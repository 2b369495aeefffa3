/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp_bench: where the time of a seccomp profile goes at container start, measured in
 * process (a loaded 2-core VM makes whole `run` timings too noisy for sub-millisecond effects).
 *
 * usage: seccomp_bench CONFIG.json [N]      (make tests/bench/seccomp_bench)
 *
 * For N rounds (default 200) it times, with CLOCK_MONOTONIC, config_load() (what create does
 * with a config.json: the spec and the compiled filter):
 *   load-none       of the default spec, without linux.seccomp
 *   load-cached     of the config as given, its filter in the cache: the profile's bytes
 *                   located, hashed (SHA-256), the entry read and checked, the rest parsed
 *   load-compile    of the config as given, without a cache: the profile parsed, compiled
 *                   by libseccomp and made smaller (seccomp_optimize.h)
 *   sha256          the cache key alone: SHA-256 of the profile's bytes
 *   seccomp         the seccomp(SECCOMP_SET_MODE_FILTER) call itself, timed in a child, with
 *                   the program isorun loads
 *   seccomp-libseccomp  the same with libseccomp's program as it exports it (the two loads
 *                   alternate, round by round)
 * and prints the minimum and the median of each in microseconds. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/config_load.h"
#include "util/json_walk.h"
#include "runtime/seccomp/seccomp.h"
#include "runtime/spec/seccomp_config.h"
#include "runtime/spec/spec.h"
#include "util/fsutil.h"
#include "util/json_span.h"
#include "util/sha256.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("  %-19s min %9.1f us   median %9.1f us\n", name, v[0], v[n / 2]);
}

/* The seccomp() call alone, timed inside a child (a filter cannot be unloaded). */
static double load_in_child(const struct seccomp_program *p)
{
	int pipefd[2];
	double dt = -1;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct iso_error err;
		double t0;
		int fd;

		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		t0 = now_us();
		if (seccomp_program_load(p, &fd, &err) < 0)
			_exit(1);
		dt = now_us() - t0;
		if (write(pipefd[1], &dt, sizeof(dt)) != sizeof(dt))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &dt, sizeof(dt)) != sizeof(dt))
		dt = -1;
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	return dt;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st, (void)type, (void)f;
	return remove(path);
}

/* libseccomp's own program for the profile in text (config.json). */
static int build_libseccomp(const char *text, size_t len, struct seccomp_program *ret)
{
	static const char *const path[] = {"linux", "seccomp"};
	struct seccomp_config cfg = {0};
	struct iso_error err = {0};
	struct json_span span;
	yajl_val tree = NULL;
	int r;

	if (json_member_span(text, len, path, 2, &span) <= 0)
		return -1;
	r = json_parse_tree(text + span.off, span.len, "config.json", &tree, &err);
	if (r == 0)
		r = seccomp_config_from_spec(tree, &cfg, &err);
	if (r == 0)
		r = seccomp_build_bpf_libseccomp(&cfg, &ret->bpf, &err);
	if (r < 0)
		fprintf(stderr, "seccomp_bench: %s\n", err.msg);
	seccomp_config_free(&cfg);
	if (tree)
		yajl_tree_free(tree);
	return r;
}

/* One config_load() of text, timed; what it made is freed. */
static double time_config_load(const char *text, size_t len, const char *root)
{
	struct seccomp_program p = {0};
	struct iso_error err = {0};
	struct spec *spec = NULL;
	double t0 = now_us(), dt;

	if (config_load(text, len, root, &spec, &p, &err) < 0) {
		fprintf(stderr, "seccomp_bench: %s\n", err.msg);
		exit(1);
	}
	dt = now_us() - t0;
	seccomp_program_free(&p);
	spec_free(spec);
	return dt;
}

static double time_key(const char *text, size_t len)
{
	static const char *const path[] = {"linux", "seccomp"};
	uint8_t key[SHA256_DIGEST_SIZE];
	struct json_span span;
	struct sha256 s;
	double t0;

	if (json_member_span(text, len, path, 2, &span) <= 0)
		return -1;
	t0 = now_us();
	sha256_init(&s);
	sha256_update(&s, text + span.off, span.len);
	sha256_final(&s, key);
	return now_us() - t0;
}

int main(int argc, char **argv)
{
	struct iso_error err = {0};
	struct seccomp_program prog = {0};
	struct spec *spec = NULL;
	char root[] = "/tmp/isorun-seccomp-bench-XXXXXX", *text = NULL, *bare_text = NULL;
	size_t len, bare_len;
	int n = argc > 2 ? atoi(argv[2]) : 200;
	struct seccomp_program raw = {0};
	double *t[6];

	if (argc < 2 || n < 1) {
		fprintf(stderr, "usage: seccomp_bench CONFIG.json [N]\n");
		return 2;
	}
	if (read_file_at(AT_FDCWD, argv[1], 4 << 20, &text, &len, &err) < 0 || !mkdtemp(root)) {
		fprintf(stderr, "seccomp_bench: %s\n", err.msg[0] ? err.msg : "mkdtemp");
		return 1;
	}
	if (spec_write_default("/tmp/isorun-seccomp-bench.json", false, NULL, &err) < 0 ||
	    read_file_at(AT_FDCWD, "/tmp/isorun-seccomp-bench.json", 1 << 20, &bare_text, &bare_len,
			 &err) < 0)
		return 1;
	unlink("/tmp/isorun-seccomp-bench.json");
	for (int i = 0; i < 6; i++)
		t[i] = calloc((size_t)n, sizeof(double));
	/* Fills the cache, and keeps the program for the seccomp() timing. */
	if (config_load(text, len, root, &spec, &prog, &err) < 0) {
		fprintf(stderr, "seccomp_bench: %s\n", err.msg);
		return 1;
	}
	if (build_libseccomp(text, len, &raw) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		t[0][i] = time_config_load(bare_text, bare_len, root);
		t[1][i] = time_config_load(text, len, root);
		t[2][i] = time_config_load(text, len, NULL);
		t[3][i] = time_key(text, len);
	}
	/* Apart: a fork leaves the parent's pages copy-on-write, which would slow the next round.
	 */
	for (int i = 0; i < n; i++) {
		t[4][i] = load_in_child(&prog);
		t[5][i] = load_in_child(&raw);
	}
	printf("%s: %zu BPF instructions (libseccomp's: %zu), %d rounds\n", argv[1],
	       prog.bpf.n_insns, raw.bpf.n_insns, n);
	report("load-none", t[0], n);
	report("load-cached", t[1], n);
	report("load-compile", t[2], n);
	report("sha256", t[3], n);
	report("seccomp", t[4], n);
	report("seccomp-libseccomp", t[5], n);
	seccomp_program_free(&prog);
	seccomp_program_free(&raw);
	spec_free(spec);
	/* The cache it filled. */
	nftw(root, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}
