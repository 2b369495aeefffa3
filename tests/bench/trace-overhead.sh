#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# trace-overhead.sh [-n N] [-c CALLS]: what recording costs a syscall-heavy program.
#
# tests/fixtures/trace_getpid (static, built by make) makes CALLS (default 100000) getpid calls
# by number.  Four variants, INTERLEAVED (the order rotates every round), each timed with a
# nanosecond clock (tests/fixtures/timeit.c), the whole command from start to exit:
#   run-plain      `isorun run`, no linux.seccomp
#   trace          `isorun trace` as it records by default: in the kernel, an eBPF program on
#                  sys_enter (nothing paid per call but a few instructions after the first of
#                  each number)
#   trace-notify   `isorun trace` with ISORUN_TRACE_RECORDER=notify: the fallback recorder,
#                  seccomp user notification (every syscall one round trip through the
#                  supervisor thread)
#   run-enforced   `isorun run` under the profile the recording wrote
# Prints the medians (ms), trace / run-plain and trace-notify / run-plain, and the cost per
# recorded syscall of each.  Asserts nothing about timings; exits non-zero when a command fails.
#
# Environment: ISORUN (default ./isorun of the source tree).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
n=15 calls=100000
while getopts "n:c:h" opt; do
	case $opt in
	n) n=$OPTARG ;;
	c) calls=$OPTARG ;;
	*) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "trace-overhead.sh: -n wants a positive number" >&2; exit 2; }
[[ "$calls" =~ ^[0-9]+$ ]] || { echo "trace-overhead.sh: -c wants a number" >&2; exit 2; }
ISORUN=${ISORUN:-$srcdir/isorun}
prog=${ISORUN_BUILDDIR:-$srcdir}/tests/fixtures/trace_getpid
[ "$(id -u)" = 0 ] || { echo "trace-overhead.sh: needs root" >&2; exit 1; }
[ -x "$prog" ] || { echo "trace-overhead.sh: $prog not found: run make" >&2; exit 1; }

if [ -z "${ISORUN_BENCH_IN_NS:-}" ]; then
	export ISORUN_BENCH_IN_NS=1 ISORUN
	exec unshare --mount --uts --propagation private "$0" -n "$n" -c "$calls"
fi

work=$(mktemp -d /tmp/isorun-trace-bench.XXXXXX)
cleanup() {
	local rc=$?
	if awk -v d="$work/" 'index($5, d) == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		echo "trace-overhead.sh: something is still mounted under $work: not removing it" >&2
	else
		rm -rf --one-file-system "$work"
	fi
	exit $rc
}
trap cleanup EXIT

"$srcdir/bundles/make-rootfs.sh" "$work/rootfs" >/dev/null
cp "$prog" "$work/rootfs/bin/trace_getpid"
mkdir -p "$work/plain" "$work/enforced"
jq --arg r "$work/rootfs" --arg c "$calls" '.root.path = $r |
	.process.args = ["/bin/trace_getpid", $c]' \
	"$srcdir/bundles/hello/config.json" >"$work/plain/config.json"
cc -O2 -o "$work/timeit" "$srcdir/tests/fixtures/timeit.c"
"$ISORUN" --root "$work/root" trace -o "$work/profile.json" -b "$work/plain" bench-profile
jq --slurpfile s "$work/profile.json" '.linux.seccomp = $s[0]' "$work/plain/config.json" \
	>"$work/enforced/config.json"

variants=(run-plain trace trace-notify run-enforced)
sample() {
	local v=$1 id=$2 ns st recorder=
	local -a cmd
	case $v in
	run-plain) cmd=(run --bundle "$work/plain" "$id") ;;
	trace) cmd=(trace -o "$work/out-$id.json" --bundle "$work/plain" "$id") ;;
	trace-notify)
		recorder=notify
		cmd=(trace -o "$work/out-$id.json" --bundle "$work/plain" "$id")
		;;
	run-enforced) cmd=(run --bundle "$work/enforced" "$id") ;;
	esac
	read -r ns st < <(ISORUN_TRACE_RECORDER=$recorder "$work/timeit" "$ISORUN" --root "$work/root" \
		"${cmd[@]}" | awk '{ print $1, $2 }')
	[ "$st" = 0 ] || { echo "trace-overhead.sh: $v failed (status $st)" >&2; exit 1; }
	[ -z "${3:-}" ] || awk -v ns="$ns" 'BEGIN { printf "%.3f\n", ns / 1e6 }' >>"$work/$v"
}
bench_interleave 2 "$n" "${variants[@]}"

echo "trace_getpid $calls (getpid by number), busybox bundle, $n interleaved runs each, medians (ms):"
for v in "${variants[@]}"; do printf '  %-13s %8s\n' "$v" "$(bench_median "$work/$v")"; done
awk -v a="$(bench_median "$work/run-plain")" -v b="$(bench_median "$work/trace")" \
	-v c="$(bench_median "$work/run-enforced")" -v d="$(bench_median "$work/trace-notify")" \
	-v n="$calls" 'BEGIN {
	printf "trace / run-plain = %.2f; trace-notify / run-plain = %.2f; ", b / a, d / a
	printf "run-enforced / run-plain = %.2f\n", c / a
	if (n > 0) printf "recording costs %.3f us per syscall in the kernel, %.2f us with notify\n",
		(b - a) * 1000 / n, (d - a) * 1000 / n }'
