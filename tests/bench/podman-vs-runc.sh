#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# podman-vs-runc.sh [-n N] [-N]: podman (conmon) on isorun versus on runc.
#
#   run    `podman run --rm IMAGE true`, N times per runtime, interleaved
#   exec   `podman exec CTR true` into a running container of each runtime, N times, interleaved
#
# Each command is timed with tests/fixtures/timeit.c; the script prints the median of each (ms)
# and the ratio isorun/runc.  -N runs the containers with --network none (the default is
# podman's bridge through netavark, which costs both runtimes the same).  It asserts nothing
# about the timings; it exits non-zero only when a command fails.
#
# Everything is private: podman's --root/--runroot/--tmpdir in a temp dir, a network namespace
# of the benchmark's own (entered with nsenter, not `ip netns exec`, which remounts /sys), and
# /run/isorun and /run/runc (the runtimes' state dirs, as conmon passes no --root) bind-mounted
# from the temp dir in a mount namespace of the benchmark's own.
#
# Environment: ISORUN (default ./isorun of the source tree), RUNC (default: runc in PATH).
# Needs root and the Debian packages podman, runc, netavark, busybox-static, gcc.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
n=20
network=()
while getopts "n:N" opt; do
	case $opt in
	n) n=$OPTARG ;;
	N) network=(--network none) ;;
	*) sed -n '3,/^set -euo/p' "$0" >&2; exit 2 ;;
	esac
done
ISORUN=${ISORUN:-$srcdir/isorun}
RUNC=${RUNC:-$(command -v runc)}

if [ -z "${PODMAN_BENCH_INNER:-}" ]; then
	export PODMAN_BENCH_INNER=1 ISORUN RUNC
	exec unshare --mount --uts --propagation private "$0" "$@"
fi

work=$(mktemp -d /tmp/isorun-podmanbench.XXXXXX)
ns="isorun-pmbench-$$"
image=localhost/isorun-bench:1
cleanup() {
	[ ! -x "$work/pm" ] || "$work/pm" rm -af -t 0 >/dev/null 2>&1 || true
	ip netns delete "$ns" 2>/dev/null || true
	umount /run/isorun /run/runc 2>/dev/null || true
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

mkdir -p "$work/isorun-state" "$work/runc-state" /run/isorun /run/runc
mount --bind "$work/isorun-state" /run/isorun
mount --bind "$work/runc-state" /run/runc
ip netns add "$ns"
nsenter --net="/run/netns/$ns" ip link set lo up

cc -O2 -o "$work/timeit" "$srcdir/tests/fixtures/timeit.c"
"$srcdir/bundles/make-rootfs.sh" "$work/rootfs" >/dev/null
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .

sed -e "s|^  \"/usr/local/bin/isorun\",|  \"$ISORUN\",|" "$srcdir/contrib/podman/isorun.conf" \
	>"$work/containers.conf"
cat >>"$work/containers.conf" <<EOF

[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
EOF
cat >"$work/pm" <<EOF
#!/bin/sh
cd $work || exit 1
exec nsenter --net=/run/netns/$ns env CONTAINERS_CONF=$work/containers.conf \\
	podman --root $work/podman/root --runroot $work/podman/run --tmpdir $work/podman/tmp \\
	--storage-driver vfs --cgroup-manager cgroupfs --events-backend file "\$@"
EOF
chmod +x "$work/pm"
"$work/pm" import --quiet --change 'ENV PATH=/bin' "$work/rootfs.tar" "$image" >/dev/null

declare -A runtime=([isorun]=isorun [runc]="$RUNC")
kinds=(isorun runc)

timed() { # OUTFILE CMD...: appends the elapsed ns of CMD, which must succeed
	local out file=$1
	shift
	out=$("$work/timeit" "$@")
	set -- $out "$*"
	[ "$2" = 0 ] || { echo "failed with status $2: $4" >&2; exit 1; }
	echo "$1" >>"$file"
}

run_once() { # KIND OUTFILE
	timed "$2" "$work/pm" --runtime "${runtime[$1]}" run --rm "${network[@]}" "$image" true
}

exec_once() { # KIND OUTFILE
	timed "$2" "$work/pm" exec "bench-$1" true
}

for k in "${kinds[@]}"; do run_once "$k" /dev/null; done # warm up (image, network, caches)
for ((i = 0; i < n; i++)); do
	for k in "${kinds[@]}"; do run_once "$k" "$work/run-$k.ns"; done
done
for k in "${kinds[@]}"; do
	"$work/pm" --runtime "${runtime[$k]}" run -d --name "bench-$k" "${network[@]}" "$image" \
		sleep 100000 >/dev/null
	exec_once "$k" /dev/null
done
for ((i = 0; i < n; i++)); do
	for k in "${kinds[@]}"; do exec_once "$k" "$work/exec-$k.ns"; done
done

echo "podman 4 + conmon, median of $n (ms), interleaved; network: ${network[*]:-bridge (netavark)}"
for what in run exec; do
	i=$(bench_median "$work/$what-isorun.ns" 1e6 1)
	r=$(bench_median "$work/$what-runc.ns" 1e6 1)
	awk -v w="$what" -v i="$i" -v r="$r" \
		'BEGIN { printf "  %-5s isorun %7.1f ms   runc %7.1f ms   isorun/runc %.2f\n", w, i, r, i / r }'
done
