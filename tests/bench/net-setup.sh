#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# net-setup.sh [-n N]: what a veth pair with addresses and a default route adds to `isorun run`.
#
# One busybox bundle running /bin/true, in a network namespace made for the benchmark; `run`
# is timed (tests/fixtures/timeit.c) N times for each of three configurations, interleaved:
#   lo     a new network namespace, nothing asked (lo up only)
#   veth   io.isorun.net.veth + address (IPv4 and IPv6) + host-address + gateway
#   bridge io.isorun.net.veth + address + bridge + gateway
# It prints the median of each (ms) and the difference to `lo`.  It asserts nothing about the
# timings; it exits non-zero only when a runtime command fails.
#
# Environment: ISORUN (default ./isorun of the source tree).  Needs root, jq, iproute2 and
# busybox-static.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
n=30
while getopts "n:" opt; do
	case $opt in
	n) n=$OPTARG ;;
	*) sed -n '3,/^set -euo/p' "$0" >&2; exit 2 ;;
	esac
done
ISORUN=${ISORUN:-$srcdir/isorun}

if [ -z "${NET_BENCH_INNER:-}" ]; then
	export NET_BENCH_INNER=1 ISORUN
	exec unshare --mount --uts --propagation private "$0" "$@"
fi

work=$(mktemp -d /tmp/isorun-netbench.XXXXXX)
ns="isorun-netbench-$$"
cleanup() {
	ip netns delete "$ns" 2>/dev/null || true
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/timeit" "$srcdir/tests/fixtures/timeit.c"
"$srcdir/bundles/make-rootfs.sh" "$work/rootfs" >/dev/null
ip netns add "$ns"
ip -n "$ns" link add br0 type bridge
ip -n "$ns" addr add 10.66.0.1/24 dev br0
ip -n "$ns" link set br0 up

mkbundle() { # NAME JQ-ANNOTATIONS
	mkdir -p "$work/$1"
	ln -s ../rootfs "$work/$1/rootfs"
	jq --argjson a "$2" '.process.args = ["/bin/true"] | .root.path = "rootfs"
		| .annotations = $a' "$srcdir/bundles/hello/config.json" >"$work/$1/config.json"
}
mkbundle lo '{}'
mkbundle veth '{"io.isorun.net.veth": "vbench0", "io.isorun.net.address": "10.77.0.2/24,fd77::2/64",
	"io.isorun.net.host-address": "10.77.0.1/24,fd77::1/64", "io.isorun.net.gateway": "10.77.0.1,fd77::1"}'
mkbundle bridge '{"io.isorun.net.veth": "vbench1", "io.isorun.net.address": "10.66.0.2/24",
	"io.isorun.net.bridge": "br0", "io.isorun.net.gateway": "10.66.0.1"}'

one() { # KIND: prints the elapsed ns of one `run`
	local out
	out=$(nsenter --net="/run/netns/$ns" "$work/timeit" "$ISORUN" --root "$work/root" run -b "$work/$1" "b-$1")
	set -- $out "$1"
	[ "$2" = 0 ] || { echo "run ($4) failed with status $2" >&2; exit 1; }
	echo "$1"
}

kinds=(lo veth bridge)
for k in "${kinds[@]}"; do one "$k" >/dev/null; done # warm up
for ((i = 0; i < n; i++)); do
	for k in "${kinds[@]}"; do one "$k" >>"$work/$k.ns"; done
done
base=$(bench_median "$work/lo.ns" 1e6)
echo "isorun run /bin/true, median of $n (ms), in a network namespace of the benchmark's own:"
for k in "${kinds[@]}"; do
	m=$(bench_median "$work/$k.ns" 1e6)
	awk -v k="$k" -v m="$m" -v b="$base" 'BEGIN { printf "  %-7s %7.2f ms  (%+.2f ms)\n", k, m, m - b }'
done
