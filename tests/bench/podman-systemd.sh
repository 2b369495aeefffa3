#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# podman-systemd.sh [-n N] [-w W]: `podman run --rm IMAGE true` with podman's defaults on a host
# whose PID 1 is systemd (cgroup_manager systemd: the runtime gets --systemd-cgroup and makes the
# container's scope through D-Bus), on isorun versus on runc.
#
# W unrecorded rounds, then N recorded ones, the two runtimes interleaved (the order turns every
# round: tests/bench/lib.sh).  Each `podman run` is timed with tests/fixtures/timeit.c; the
# script prints the median of each runtime (ms) and the ratio isorun/runc.  It asserts nothing
# about the timings; it exits non-zero when a command fails, or when a run did not go through
# systemd (a libpod-ID.scope).
#
# podman runs with its defaults but for --runtime, its storage (vfs, in a temp dir) and
# --network none.  Both runtimes' state dirs (/run/isorun and /run/runc: conmon passes no --root)
# are bind mounts from the temp dir in a mount namespace of the benchmark's own; it keeps the
# host's pid namespace, since podman and runc hand systemd process ids.
#
# In the test VM (tests/vm/run-vm.sh; ISORUN_BENCH_N and ISORUN_BENCH_WARM choose -n and -w):
#   ISORUN_TEST_PIDNS=0 tests/vm/run-vm.sh systemd tests/bench/podman-systemd.bats
#
# Environment: ISORUN (default ./isorun of the source tree), RUNC (default /usr/sbin/runc).
# Needs root, systemd as PID 1, and the Debian packages podman, conmon, runc, gcc.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
n=20
warm=2
while getopts "n:w:h" opt; do
	case $opt in
	n) n=$OPTARG ;;
	w) warm=$OPTARG ;;
	*)
		sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
		exit 2
		;;
	esac
done
[[ "$n" =~ ^[1-9][0-9]*$ ]] && [[ "$warm" =~ ^[0-9]+$ ]] || {
	echo "podman-systemd.sh: -n wants a positive number, -w a number" >&2
	exit 2
}
ISORUN=${ISORUN:-$srcdir/isorun}
RUNC=${RUNC:-/usr/sbin/runc}
for bin in "$ISORUN" "$RUNC"; do
	[ -x "$bin" ] || {
		echo "podman-systemd.sh: $bin is not an executable (set ISORUN / RUNC)" >&2
		exit 1
	}
done
[ "$(id -u)" = 0 ] || {
	echo "podman-systemd.sh: needs root" >&2
	exit 1
}
[ "$(cat /proc/1/comm)" = systemd ] || {
	echo "podman-systemd.sh: systemd is not PID 1 here (or this is a pid namespace of its own)" >&2
	exit 1
}

if [ -z "${ISORUN_BENCH_IN_NS:-}" ]; then
	export ISORUN_BENCH_IN_NS=1 ISORUN RUNC
	exec unshare --mount --propagation private "$0" -n "$n" -w "$warm"
fi

work=$(mktemp -d /tmp/isorun-pmsdbench.XXXXXX)
image=localhost/isorun-bench:1
cleanup() {
	local rc=$?
	[ ! -x "$work/pm" ] || "$work/pm" rm -af -t 0 >/dev/null 2>&1 || true
	umount /run/isorun /run/runc 2>/dev/null || true
	rm -rf --one-file-system "$work"
	exit $rc
}
trap cleanup EXIT

mkdir -p "$work/isorun-state" "$work/runc-state" /run/isorun /run/runc "$work/res"
mount --bind "$work/isorun-state" /run/isorun
mount --bind "$work/runc-state" /run/runc

cc -O2 -o "$work/timeit" "$srcdir/tests/fixtures/timeit.c"
"$srcdir/bundles/make-rootfs.sh" "$work/rootfs" >/dev/null
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
sed -e "s|^  \"/usr/local/bin/isorun\",|  \"$ISORUN\",|" "$srcdir/contrib/podman/isorun.conf" \
	>"$work/containers.conf"
cat >"$work/pm" <<EOF
#!/bin/sh
cd $work || exit 1
exec env CONTAINERS_CONF=$work/containers.conf podman --root $work/podman/root \\
	--runroot $work/podman/run --tmpdir $work/podman/tmp --storage-driver vfs "\$@"
EOF
chmod +x "$work/pm"
"$work/pm" import --quiet --change 'ENV PATH=/bin' "$work/rootfs.tar" "$image" >/dev/null
[ "$("$work/pm" info --format '{{.Host.CgroupManager}}')" = systemd ] || {
	echo "podman-systemd.sh: podman's cgroup manager is not systemd here" >&2
	exit 1
}

declare -A bin=([isorun]="$ISORUN" [runc]="$RUNC")
for k in isorun runc; do
	# where the container runs: a scope of systemd's, as podman's defaults have it
	cg=$("$work/pm" --runtime "${bin[$k]}" run --rm --network none --cgroupns host "$image" \
		cat /proc/self/cgroup)
	[[ "$cg" =~ ^0::/machine.slice/libpod-[0-9a-f]{64}.scope$ ]] || {
		echo "podman-systemd.sh: on $k the container ran in '$cg', not in a libpod scope" >&2
		exit 1
	}
done

# sample RUNTIME TAG [record]: one timed `podman run --rm`
sample() {
	local ns st
	read -r ns st _ < <("$work/timeit" "$work/pm" --runtime "${bin[$1]}" run --rm --network none \
		"$image" true)
	[ "$st" = 0 ] || {
		echo "podman-systemd.sh: podman run --rm on $1 failed (status $st); again, with its stderr:" >&2
		"$work/pm" --runtime "${bin[$1]}" run --rm --network none "$image" true >&2 || true
		exit 1
	}
	[ -z "${3:-}" ] || echo "$ns" >>"$work/res/$1.ns"
}

bench_interleave "$warm" "$n" isorun runc

echo "isorun: $ISORUN ($("$ISORUN" --version 2>/dev/null | head -n1 || echo '?'))"
echo "runc:   $RUNC ($("$RUNC" --version 2>/dev/null | head -n1 || echo '?'))"
echo "podman $(podman --version | awk '{ print $3 }') defaults (cgroup manager systemd, $(systemctl --version | head -n1)), --network none, vfs storage"
i=$(bench_median "$work/res/isorun.ns" 1e6 1)
r=$(bench_median "$work/res/runc.ns" 1e6 1)
awk -v n="$n" -v w="$warm" -v i="$i" -v r="$r" 'BEGIN {
	printf "podman run --rm true, median of %d (after %d warm-up rounds), interleaved:\n", n, w
	printf "  isorun %8.1f ms   runc %8.1f ms   isorun/runc %.2f\n", i, r, i / r }'
