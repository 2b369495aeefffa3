#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tenant-userns.sh [-n N] [PACKAGE]: what a tenant's user namespace costs its start.
#
# Two tenants of one package (default bundles/simple_test) in a fresh private store: one as
# the package is (a user namespace mapping its ids onto its range, the base seen through an
# idmapped lower layer), one with "userns": false added to the package (host root, the overlay
# mounted by the init as before).  `isorun tenant run TID` of each runs its stored bundle (the
# package's init, to its exit), INTERLEAVED (the order rotates every round), N rounds (default
# 30) after 3 unrecorded ones, each timed with a nanosecond clock (tests/fixtures/timeit.c).
# Prints the medians (ms) and the difference userns - no-userns (the target: <= 1 ms).  Asserts
# nothing about timings; exits non-zero when a command fails.  Run as root, from a built tree;
# everything happens in a private mount namespace and a temporary directory, removed at the end.
#
# Environment: ISORUN (default ./isorun of the source tree).
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
shift $((OPTIND - 1))
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "tenant-userns.sh: -n wants a positive number" >&2; exit 2; }
pkg=${1:-$srcdir/bundles/simple_test}
ISORUN=${ISORUN:-$srcdir/isorun}
[ "$(id -u)" = 0 ] || { echo "tenant-userns.sh: needs root" >&2; exit 1; }
[ -f "$pkg/config.json" ] || { echo "tenant-userns.sh: $pkg is not a package" >&2; exit 1; }

if [ -z "${ISORUN_BENCH_IN_NS:-}" ]; then
	export ISORUN_BENCH_IN_NS=1 ISORUN
	exec unshare --mount --uts --propagation private "$0" -n "$n" "$pkg"
fi

work=$(mktemp -d /tmp/isorun-tenant-userns.XXXXXX)
cleanup() {
	local rc=$?
	if awk -v d="$work/" 'index($5, d) == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		echo "tenant-userns.sh: something is still mounted under $work: not removing it" >&2
	else
		rm -rf --one-file-system "$work"
	fi
	exit $rc
}
trap cleanup EXIT
# A tenant's init walks to its bundle as its range's root: mktemp's 0700 would stop it.
chmod 711 "$work"

tenant() { "$ISORUN" --root "$work/root" tenant --tenant-root "$work/store" "$@"; }
add() { tenant add "$1" | sed -n 's/^tid: //p'; }

cp -a "$pkg" "$work/pkg-userns"
cp -a "$pkg" "$work/pkg-no-userns"
jq '.userns = false' "$pkg/config.json" >"$work/pkg-no-userns/config.json"
cc -O2 -o "$work/timeit" "$srcdir/tests/fixtures/timeit.c"
tenant base >/dev/null
declare -A tid
tid[userns]=$(add "$work/pkg-userns")
tid[no-userns]=$(add "$work/pkg-no-userns")

variants=(userns no-userns)
sample() {
	local v=$1 ns st
	read -r ns st < <("$work/timeit" "$ISORUN" --root "$work/root" tenant --tenant-root \
		"$work/store" run "${tid[$v]}" 2>>"$work/stderr" | awk '{ print $1, $2 }')
	[ "$st" = 0 ] || { echo "tenant-userns.sh: $v failed (status $st)" >&2; tail -3 "$work/stderr" >&2; exit 1; }
	[ -z "${3:-}" ] || awk -v ns="$ns" 'BEGIN { printf "%.3f\n", ns / 1e6 }' >>"$work/$v"
}
bench_interleave 3 "$n" "${variants[@]}"

echo "tenant run of $(jq -r .cname "$pkg/config.json") (its init to its exit), $n interleaved runs each, medians (ms):"
for v in "${variants[@]}"; do printf '  %-10s %8s\n' "$v" "$(bench_median "$work/$v" 1 3)"; done
awk -v a="$(bench_median "$work/userns" 1 3)" -v b="$(bench_median "$work/no-userns" 1 3)" \
	'BEGIN { printf "userns - no-userns = %+.3f ms (target <= 1 ms)\n", a - b }'
