#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# seccomp-load.sh [-n N]: what the default seccomp profile (contrib/seccomp/default.json, ~360
# syscalls, x86_64 only: its archMap lists no sub-architectures) costs `run` of /bin/true,
# with and without the compiled-filter cache, against runc with the same profile.
#
# Five variants, INTERLEAVED (the order rotates every round), each `run` timed with a nanosecond
# clock (tests/fixtures/timeit.c):
#   isorun-none      no linux.seccomp
#   isorun-cached    the profile, cache entry present (the usual case)
#   isorun-compile   the profile, cache directory removed before every run (libseccomp compiles)
#   runc-none        runc, no linux.seccomp
#   runc-profile     runc, the same profile
# Prints the medians (ms) and what the profile adds to each runtime.  Asserts nothing about
# timings; exits non-zero when a runtime command fails.
#
# Both runtimes keep their state (and isorun its filter cache) on a tmpfs, as under /run on a
# standard host (see run-vs-runc.sh).
#
# Environment: ISORUN (default ./isorun of the source tree), RUNC (default /usr/sbin/runc).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
n=30
while getopts "n:h" opt; do
	case $opt in
	n) n=$OPTARG ;;
	*) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "seccomp-load.sh: -n wants a positive number" >&2; exit 2; }
ISORUN=${ISORUN:-$srcdir/isorun}
RUNC=${RUNC:-/usr/sbin/runc}
[ "$(id -u)" = 0 ] || { echo "seccomp-load.sh: needs root" >&2; exit 1; }

if [ -z "${ISORUN_BENCH_IN_NS:-}" ]; then
	export ISORUN_BENCH_IN_NS=1 ISORUN RUNC
	exec unshare --mount --uts --propagation private "$0" -n "$n"
fi

work=$(mktemp -d /tmp/isorun-seccomp-bench.XXXXXX)
cleanup() {
	local rc=$?
	umount "$work/state" 2>/dev/null
	if awk -v d="$work/" 'index($5, d) == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		echo "seccomp-load.sh: something is still mounted under $work: not removing it" >&2
	else
		rm -rf --one-file-system "$work"
	fi
	exit $rc
}
trap cleanup EXIT

mkdir "$work/state"
mount -t tmpfs -o mode=0700,size=64m isorun-bench "$work/state"
"$srcdir/bundles/make-rootfs.sh" "$work/rootfs"
mkdir -p "$work/none" "$work/profile"
"$RUNC" spec --bundle "$work/none"
jq --arg r "$work/rootfs" '.root.path = $r | .process.terminal = false |
	.process.args = ["/bin/true"] | del(.process.capabilities.ambient)' \
	"$work/none/config.json" >"$work/none/c" && mv "$work/none/c" "$work/none/config.json"
profile=$("$ISORUN" seccomp convert "$srcdir/contrib/seccomp/default.json")
jq --argjson s "$profile" '.linux.seccomp = $s' "$work/none/config.json" >"$work/profile/config.json"
cc -O2 -o "$work/timeit" "$srcdir/tests/fixtures/timeit.c"

variants=(isorun-none isorun-cached isorun-compile runc-none runc-profile)
sample() {
	local v=$1 id=$2 ns st bin root bundle
	case $v in
	isorun-*) bin=$ISORUN root=$work/state/root-isorun ;;
	runc-*) bin=$RUNC root=$work/state/root-runc ;;
	esac
	case $v in
	*-none) bundle=$work/none ;;
	*) bundle=$work/profile ;;
	esac
	[ "$v" != isorun-compile ] || rm -rf "$work/state/root-isorun/.seccomp-cache"
	read -r ns st < <("$work/timeit" "$bin" --root "$root" run --bundle "$bundle" "$id" | awk '{ print $1, $2 }')
	[ "$st" = 0 ] || { echo "seccomp-load.sh: $v failed (status $st)" >&2; exit 1; }
	[ -z "${3:-}" ] || awk -v ns="$ns" 'BEGIN { printf "%.3f\n", ns / 1e6 }' >>"$work/$v"
}
bench_interleave 3 "$n" "${variants[@]}"

echo "run /bin/true, busybox bundle from \`runc spec\`, $n interleaved runs each, medians (ms):"
for v in "${variants[@]}"; do printf '  %-15s %8s\n' "$v" "$(bench_median "$work/$v")"; done
awk -v a="$(bench_median "$work/isorun-none")" -v b="$(bench_median "$work/isorun-cached")" \
	-v c="$(bench_median "$work/isorun-compile")" -v d="$(bench_median "$work/runc-none")" \
	-v e="$(bench_median "$work/runc-profile")" 'BEGIN {
	printf "profile adds: isorun cached %+.2f ms, isorun compiling %+.2f ms, runc %+.2f ms\n", b - a, c - a, e - d
	printf "isorun-cached / runc-profile = %.3f\n", b / e }'
