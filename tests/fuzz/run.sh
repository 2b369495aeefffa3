#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/run.sh [HARNESS...]: runs the libFuzzer harnesses (tests/fuzz/fuzz_*.c: config,
# package, seccomp_profile, state; built by clang with ASan, UBSan and LeakSanitizer), each
#   1. over every input in tests/fuzz/regressions/HARNESS/ (inputs that once crashed, leaked or
#      hit undefined behaviour), once each, as a plain regression check;
#   2. for FUZZ_SECONDS (default 30) of fuzzing, starting from a copy of the seed corpus
#      tests/fuzz/corpus/HARNESS/, with the dictionary tests/fuzz/dict/HARNESS.dict.
# Prints TAP (one result per harness, with libFuzzer's executions per second and coverage) and
# exits non-zero on any crash, leak, undefined behaviour, timeout or memory blow-up.
#
# Run from the build directory (where ./configure ran):
#   make fuzz                             builds the harnesses and runs this, 30 s each
#   FUZZ_SECONDS=3600 make fuzz           the longer run: an hour each
#   FUZZ_SECONDS=600 tests/fuzz/run.sh state
# `make check` runs it through tests/fuzz/check.sh (20 s each).
#
# Nothing is written into the source tree: the working corpus (seeds plus what libFuzzer
# found; kept between runs, so longer runs build on earlier ones), the log and any crashing
# input are in tests/fuzz/scratch-HARNESS/ of the build directory.  A crash-* or leak-* input
# there, once its bug is fixed, goes into tests/fuzz/regressions/HARNESS/.
set -u

src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-30}
[ $# -gt 0 ] || set -- config package seccomp_profile state

case $secs in '' | *[!0-9]*)
	echo "tests/fuzz/run.sh: FUZZ_SECONDS must be a number of seconds, not \"$secs\"" >&2
	exit 2 ;;
esac

# Every report is fatal; leaks are looked for at the end of each input (libFuzzer's default
# under ASan, made explicit here so that an inherited ASAN_OPTIONS cannot turn it off).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:symbolize=1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS

# The package and state harnesses write each input to a file, as their verbs read one: on
# tmpfs that is several times faster than on disk.  Their scratch directories go into one
# directory of this run, removed at the end even when a harness died without cleaning up.
shm=
[ -n "${TMPDIR:-}" ] || { [ -d /dev/shm ] && [ -w /dev/shm ] && shm=/dev/shm; }
TMPDIR=$(mktemp -d "${shm:-${TMPDIR:-/tmp}}/isorun-fuzz-run.XXXXXX") || exit 1
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
trap 'exit 1' HUP INT TERM

common_opts="-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048"

# "not ok" with the last lines of the log as TAP comments.
report_failure() { # N NAME WHAT LOG
	echo "not ok $1 - $2: $3 (log: $4)"
	tail -n 40 "$4" | sed 's/^/# /'
}

# A sanitizer or libFuzzer report in a log that exited 0 is a failure too.
log_is_clean() {
	! grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: ' "$1"
}

# "N runs, N exec/s, cov: N ft: N, corpus N" from libFuzzer's last status line and final stats.
summary() {
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$1" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$1" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$1" | tail -n 1 | sed -n 's/.*\(cov: [0-9]* ft: [0-9]*\) corp: \([0-9]*\).*/\1, corpus \2/p')
	echo "${runs:-?} runs, ${rate:-?} exec/s, ${cov:-no coverage line}"
}

n=0 failed=0
echo "1..$#"
for name in "$@"; do
	n=$((n + 1))
	bin=tests/fuzz/fuzz_$name
	scratch=tests/fuzz/scratch-$name
	if [ ! -x "$bin" ]; then
		echo "not ok $n - $name: $bin is not built (make fuzz)"
		failed=1
		continue
	fi
	mkdir -p "$scratch/corpus" "$scratch/artifacts" || exit 1
	cp "$src/tests/fuzz/corpus/$name"/* "$scratch/corpus/" || exit 1
	chmod -R u+w "$scratch/corpus" # copies of read-only sources (make distcheck)

	set --
	for f in "$src/tests/fuzz/regressions/$name"/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	replayed=$#
	if [ $# -gt 0 ]; then
		"$bin" $common_opts -artifact_prefix="$scratch/artifacts/" "$@" >"$scratch/replay.log" 2>&1
		if [ $? -ne 0 ] || ! log_is_clean "$scratch/replay.log"; then
			report_failure $n "$name" "a regression input fails again" "$scratch/replay.log"
			failed=1
			continue
		fi
	fi

	dict=
	[ -f "$src/tests/fuzz/dict/$name.dict" ] && dict=-dict=$src/tests/fuzz/dict/$name.dict
	echo "# $name: $replayed regression inputs replayed; fuzzing for $secs s" >&2
	"$bin" $common_opts -max_total_time="$secs" -print_final_stats=1 $dict \
		-artifact_prefix="$scratch/artifacts/" "$scratch/corpus" >"$scratch/fuzz.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || ! log_is_clean "$scratch/fuzz.log"; then
		report_failure $n "$name" "libFuzzer exited with status $rc; the input is in $scratch/artifacts/" "$scratch/fuzz.log"
		failed=1
		continue
	fi
	echo "ok $n - $name: $replayed regression inputs, $secs s fuzzing: $(summary "$scratch/fuzz.log")"
done
exit $failed
