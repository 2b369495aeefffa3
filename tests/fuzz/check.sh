#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The fuzz run of `make check` (and so of CI): tests/fuzz/run.sh with 20 s per harness
# (FUZZ_SECONDS overrides), one TAP result per harness.  Without clang the harnesses are not
# built (configure: CLANG): the test skips, except where ISORUN_REQUIRE_FUZZ=1 (.ci/run, which
# installs clang), where that is a failure.
for name in config package seccomp_profile state; do
	[ -x "tests/fuzz/fuzz_$name" ] && continue
	why="tests/fuzz/fuzz_$name is not built: configure found no clang that links -fsanitize=fuzzer (Debian package clang)"
	if [ "${ISORUN_REQUIRE_FUZZ:-0}" = 1 ]; then
		echo "1..1"
		echo "not ok 1 - $why"
		exit 1
	fi
	echo "1..0 # SKIP $why"
	exit 0
done
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
export FUZZ_SECONDS
exec "${SHELL:-/bin/sh}" "$(dirname "$0")/run.sh"
