#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cgroup-cost.sh [-n N] [-w W]: what cgroups cost `isorun run`, next to runc.
#
# Two bundles on one busybox rootfs, config.json from `runc spec` (terminal off, /bin/true, no
# ambient caps): "limits" with memory (256 MiB), pids (100) and cpu (shares, quota, period) set,
# and "plain" with no linux.resources at all (both runtimes still make a cgroup for it, with
# the default device rules).  Variants, INTERLEAVED (the order rotates every round), each timed
# with a nanosecond clock (tests/fixtures/timeit.c):
#   isorun-limits  isorun-plain  runc-limits  runc-plain     `run` of /bin/true
#   isorun-debug   `isorun --debug run` of "limits", untimed: its step timings (made in
#                  the runtime with CLOCK_MONOTONIC) give what the cgroup steps themselves
#                  take: the checks and the cgroup2 directory (before the clone), the v1
#                  directories, the limits and device rules and moving the init in (while the
#                  init mounts the container's file system), removing them (after the exit).
# Prints the medians (ms), limits - plain for each runtime, and the medians of the cgroup steps,
# of their sum, and of the two that are not overlapped with the init's work.  Asserts nothing about timings; exits non-zero when a command fails.
#
# Environment: ISORUN (default ./isorun of the source tree), RUNC (default /usr/sbin/runc).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
n=30 warm=3
while getopts "n:w:h" opt; do
	case $opt in
	n) n=$OPTARG ;;
	w) warm=$OPTARG ;;
	*) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "cgroup-cost.sh: -n wants a positive number" >&2; exit 2; }
[[ "$warm" =~ ^[0-9]+$ ]] || { echo "cgroup-cost.sh: -w wants a number" >&2; exit 2; }
ISORUN=${ISORUN:-$srcdir/isorun}
RUNC=${RUNC:-/usr/sbin/runc}
for bin in "$ISORUN" "$RUNC"; do
	[ -x "$bin" ] || { echo "cgroup-cost.sh: $bin is not an executable (set ISORUN / RUNC)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "cgroup-cost.sh: needs root" >&2; exit 1; }

if [ -z "${ISORUN_BENCH_IN_NS:-}" ]; then
	export ISORUN_BENCH_IN_NS=1 ISORUN RUNC
	exec unshare --mount --uts --propagation private "$0" -n "$n" -w "$warm"
fi

work=$(mktemp -d /tmp/isorun-cgbench.XXXXXX)
cleanup() {
	local rc=$? d
	for d in "$work"/root-isorun/*/; do
		[ -d "$d" ] && "$ISORUN" --root "$work/root-isorun" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	for d in "$work"/root-runc/*/; do
		[ -d "$d" ] && "$RUNC" --root "$work/root-runc" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	rm -rf --one-file-system "$work"
	exit $rc
}
trap cleanup EXIT

"$srcdir/bundles/make-rootfs.sh" "$work/rootfs"
for b in plain limits; do
	mkdir -p "$work/$b"
	"$RUNC" spec --bundle "$work/$b"
done
jq --arg root "$work/rootfs" '.root.path = $root | .process.terminal = false | .process.args = ["/bin/true"] | del(.process.capabilities.ambient)
	| del(.linux.resources)' "$work/plain/config.json" >"$work/c.tmp"
mv "$work/c.tmp" "$work/plain/config.json"
jq '.linux.resources.memory = {"limit": 268435456} | .linux.resources.pids = {"limit": 100}
	| .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}' \
	"$work/plain/config.json" >"$work/limits/config.json"
cc -O2 -o "$work/timeit" "$srcdir/tests/fixtures/timeit.c"
res=$work/results
mkdir -p "$res"

# sample VARIANT TAG [record]
sample() {
	local v=$1 id="cg$$-$2" rt=${1%%-*} b=${1#*-} ns st
	if [ "$v" = isorun-debug ]; then
		"$ISORUN" --root "$work/root-isorun" --debug run --bundle "$work/limits" "$id" \
			</dev/null >/dev/null 2>"$work/debug.log" || {
			echo "cgroup-cost.sh: isorun --debug run failed:" >&2
			cat "$work/debug.log" >&2
			exit 1
		}
		[ -z "${3:-}" ] || awk '/cgroup: cgroup2 directory made/ { m2 = $(NF - 1) }
			/cgroup: .* v1 directories made/ { m1 = $(NF - 1) }
			/cgroup: limits and device rules applied/ { a = $(NF - 1) }
			/cgroup: pid .* moved/ { e = $(NF - 1) }
			/cgroup: .* directories removed/ { d = $(NF - 1) }
			END { if (m2 == "" || m1 == "" || a == "" || e == "" || d == "") exit 1
			      print m2 >> (r "/make2"); print m1 >> (r "/make1")
			      print a >> (r "/apply"); print e >> (r "/enter")
			      print d >> (r "/remove"); print m2 + m1 + a + e + d >> (r "/steps")
			      print m2 + d >> (r "/serial") }' r="$res" "$work/debug.log" || {
			echo "cgroup-cost.sh: no cgroup step timings in isorun --debug output" >&2
			exit 1
		}
		return
	fi
	local bin=$ISORUN
	[ "$rt" = runc ] && bin=$RUNC
	read -r ns st < <("$work/timeit" "$bin" --root "$work/root-$rt" run --bundle "$work/$b" "$id" |
		awk '{ print $1, $2 }')
	[ "$st" = 0 ] || { echo "cgroup-cost.sh: $v run failed (status $st)" >&2; exit 1; }
	[ -z "${3:-}" ] || awk -v ns="$ns" 'BEGIN { printf "%.3f\n", ns / 1e6 }' >>"$res/$v"
}

echo "isorun: $ISORUN"
echo "runc:   $RUNC ($("$RUNC" --version | head -n1))"
echo "runs:   $n rounds, interleaved, after $warm warm-up rounds; load: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_interleave "$warm" "$n" isorun-limits isorun-plain runc-limits runc-plain isorun-debug

m() { bench_median "$res/$1"; }
echo
printf "%-14s %10s %10s %14s\n" runtime limits plain "limits - plain"
for rt in isorun runc; do
	printf "%-14s %10s %10s %14s\n" "$rt" "$(m "$rt-limits")" "$(m "$rt-plain")" \
		"$(awk -v a="$(m "$rt-limits")" -v b="$(m "$rt-plain")" 'BEGIN { printf "%.2f", a - b }')"
done
echo "ratio isorun/runc (limits): $(awk -v a="$(m isorun-limits)" -v b="$(m runc-limits)" \
	'BEGIN { printf "%.2f", a / b }')"
echo
echo "isorun's cgroup steps for \"limits\" (medians, ms, from --debug):"
printf "  before the clone: checks and the cgroup2 directory %s\n" "$(bench_median "$res/make2" 1 3)"
printf "  while the init mounts: v1 directories %s, limits and device rules %s, moving the init in %s\n" \
	"$(bench_median "$res/make1" 1 3)" "$(bench_median "$res/apply" 1 3)" \
	"$(bench_median "$res/enter" 1 3)"
printf "  after the exit: removing them %s\n" "$(bench_median "$res/remove" 1 3)"
printf "  sum %s; on the critical path (before the clone + removal) %s\n" \
	"$(bench_median "$res/steps" 1 3)" "$(bench_median "$res/serial" 1 3)"
