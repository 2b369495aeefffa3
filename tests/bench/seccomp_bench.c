/* seccomp_bench: where the time of a seccomp profile goes at container start, measured in
 * process (a loaded 2-core VM makes whole `run` timings too noisy for sub-millisecond effects).
 *
 * usage: seccomp_bench CONFIG.json [N]      (make tests/bench/seccomp_bench)
 *
 * For N rounds (default 200) it times, with CLOCK_MONOTONIC:
 *   parse-none      spec_parse() of the config without linux.seccomp
 *   parse-profile   spec_parse() of the config as given (the profile makes the JSON bigger)
 *   prepare-cached  seccomp_prepare() with the entry in the cache: parse linux.seccomp, canonical
 *                   JSON, SHA-256, read and check the entry
 *   prepare-compile seccomp_prepare() without a cache: the same plus libseccomp's compilation
 *   load            the seccomp(SECCOMP_SET_MODE_FILTER) call itself, timed in a child
 * and prints the minimum and the median of each in microseconds. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/seccomp.h"
#include "runtime/spec.h"
#include "util/fsutil.h"

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
	printf("  %-16s min %9.1f us   median %9.1f us\n", name, v[0], v[n / 2]);
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

int main(int argc, char **argv)
{
	struct iso_error err = {0};
	struct seccomp_program prog = {0};
	struct spec *spec = NULL, *bare = NULL;
	char root[] = "/tmp/isorun-seccomp-bench-XXXXXX", *text = NULL, *bare_text = NULL;
	size_t len, bare_len;
	int n = argc > 2 ? atoi(argv[2]) : 200;
	double *t[5];

	if (argc < 2 || n < 1) {
		fprintf(stderr, "usage: seccomp_bench CONFIG.json [N]\n");
		return 2;
	}
	if (read_file_at(AT_FDCWD, argv[1], 4 << 20, &text, &len, &err) < 0 ||
	    spec_parse(text, len, "config.json", &spec, &err) < 0 || !mkdtemp(root)) {
		fprintf(stderr, "seccomp_bench: %s\n", err.msg);
		return 1;
	}
	/* The same config without linux.seccomp: cut the member out of the text is fiddly; use
	 * the default spec instead, whose size is what a config without a profile has. */
	bare_text = strdup(text);
	if (spec_write_default("/tmp/isorun-seccomp-bench.json", false, NULL, &err) < 0 ||
	    read_file_at(AT_FDCWD, "/tmp/isorun-seccomp-bench.json", 1 << 20, &bare_text, &bare_len,
			 &err) < 0)
		return 1;
	unlink("/tmp/isorun-seccomp-bench.json");
	for (int i = 0; i < 5; i++)
		t[i] = calloc((size_t)n, sizeof(double));
	if (seccomp_prepare(spec, root, &prog, &err) < 0) { /* fills the cache */
		fprintf(stderr, "seccomp_bench: %s\n", err.msg);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct seccomp_program p = {0};
		double t0;

		t0 = now_us();
		spec_parse(bare_text, bare_len, "config.json", &bare, &err);
		t[0][i] = now_us() - t0;
		spec_free(bare);
		t0 = now_us();
		spec_parse(text, len, "config.json", &bare, &err);
		t[1][i] = now_us() - t0;
		spec_free(bare);
		t0 = now_us();
		seccomp_prepare(spec, root, &p, &err);
		t[2][i] = now_us() - t0;
		seccomp_program_free(&p);
		t0 = now_us();
		seccomp_prepare(spec, NULL, &p, &err);
		t[3][i] = now_us() - t0;
		seccomp_program_free(&p);
	}
	/* Apart: a fork leaves the parent's pages copy-on-write, which would slow the next round.
	 */
	for (int i = 0; i < n; i++)
		t[4][i] = load_in_child(&prog);
	printf("%s: %zu BPF instructions, %d rounds\n", argv[1], prog.bpf.n_insns, n);
	report("parse-none", t[0], n);
	report("parse-profile", t[1], n);
	report("prepare-cached", t[2], n);
	report("prepare-compile", t[3], n);
	report("load", t[4], n);
	seccomp_program_free(&prog);
	spec_free(spec);
	return 0;
}
