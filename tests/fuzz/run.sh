#!/bin/sh
# run.sh [SECONDS]: build the libFuzzer harnesses (`make fuzz`: clang with ASan, UBSan and
# LeakSanitizer) and run each for SECONDS (default 30) over its committed seed corpus in
# tests/fuzz/corpus/NAME.  New inputs go to a scratch corpus under the build dir, never into the
# source tree.  Exits non-zero on the first crash, leak or undefined behaviour; libFuzzer leaves
# the input that did it (crash-*, leak-*) in the current directory: once fixed, copy it into
# tests/fuzz/corpus/NAME/ as a regression input.
#
# Run from the build directory (where ./configure ran).  A longer run: tests/fuzz/run.sh 3600
set -eu

secs=${1:-30}
src=$(cd "$(dirname "$0")/../.." && pwd)
make -s fuzz
for harness in tests/fuzz/fuzz_*; do
	[ -x "$harness" ] || continue
	name=${harness##*/fuzz_}
	scratch=tests/fuzz/scratch-$name
	mkdir -p "$scratch"
	echo "fuzz_$name: $secs s over $src/tests/fuzz/corpus/$name" >&2
	"$harness" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
		"$scratch" "$src/tests/fuzz/corpus/$name"
done
