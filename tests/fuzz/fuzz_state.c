/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: ROOT/ID/state.json through state_read(), what `isorun state` and `isorun
 * list` read (container_load_state: read, then the live status), then what they print.  A state
 * that reads back must also survive being written and read again (pause, resume and start
 * rewrite it): a round trip that fails is reported as a crash.  Build and run with
 * tests/fuzz/run.sh. */
#include "config.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness_dir.h"
#include "runtime/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int open_subdir(const char *name)
{
	char *path = harness_subdir(name);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		perror("fuzz_state: state directory");
		abort();
	}
	free(path);
	return fd;
}

static void round_trip(const struct container_state *st, int dirfd)
{
	struct container_state again = {0};
	struct iso_error err = {0};

	if (state_write(dirfd, st, &err) < 0 || state_read(dirfd, "fuzz", &again, &err) < 0) {
		fprintf(stderr, "fuzz_state: a state read back fails to round-trip: %s\n", err.msg);
		abort();
	}
	state_clear(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int in = -1, out = -1;
	struct container_state st = {0};
	struct iso_error err = {0};
	char *json = NULL;

	if (in < 0) {
		in = open_subdir("in");
		out = open_subdir("out");
	}
	harness_write(in, "state.json", data, size, 0600);
	if (state_read(in, "fuzz", &st, &err) < 0)
		return 0;
	round_trip(&st, out);
	state_refresh(&st);
	if (state_to_json(&st, true, &json, &err) == 0)
		free(json);
	state_clear(&st);
	return 0;
}
