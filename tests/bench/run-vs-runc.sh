#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-vs-runc.sh [-n N] [-w W] [-k]: isorun against runc on the same busybox bundle.
#
# One bundle (a busybox rootfs from bundles/make-rootfs.sh and the config.json of `runc spec`,
# with terminal off, /bin/true as the program, no ambient capabilities) serves both runtimes.  Then:
#   1. `run` of /bin/true, N times each, INTERLEAVED (isorun, runc, runc, isorun, ...: the order
#      flips every round so neither always runs second), each timed with a nanosecond clock
#      (CLOCK_MONOTONIC around fork..wait4, tests/fixtures/timeit.c);
#   2. the same for create / start / delete separately (waiting, untimed, for the container
#      to stop between start and delete);
#   3. peak RSS of `run` with /usr/bin/time -f %M (Debian package `time`), 5 runs each.
# It prints the medians (ms), the ratio isorun/runc, and the peak RSS of each.  It never
# asserts anything about the timings: it exits non-zero only when a runtime command fails.
#
# Runs itself inside a private mount+uts namespace (unshare), with private --root dirs and a
# bundle under a temp dir it removes at the end.  The --root dirs of both runtimes are on a tmpfs
# mounted in that namespace, as /run (where runc, crun, containerd and isorun keep their state)
# is on a standard host; -d puts them on the work dir's own file system instead (on these VMs
# /run is the ext4 root disk, mounted with `discard`, where every unlink of a written file
# waits for the disk).
#
# Environment: ISORUN (default ./isorun of the source tree), RUNC (default /usr/sbin/runc).
# Validate the script itself with runc against runc:  ISORUN=/usr/sbin/runc tests/bench/run-vs-runc.sh
#
# Options: -n N runs of each (default 30), -w W warm-up runs of each, not counted (default 3),
#          -d state on the work dir's file system, not a tmpfs, -k keep the work dir.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
n=30
warm=3
keep=0
disk=0

usage() {
	sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-0}"
}

while getopts "n:w:dkh" opt; do
	case $opt in
	n) n=$OPTARG ;;
	w) warm=$OPTARG ;;
	d) disk=1 ;;
	k) keep=1 ;;
	h) usage 0 ;;
	*) usage 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ "$n" =~ ^[1-9][0-9]*$ ]] || {
	echo "run-vs-runc.sh: -n wants a positive number" >&2
	exit 2
}
[[ "$warm" =~ ^[0-9]+$ ]] || {
	echo "run-vs-runc.sh: -w wants a number" >&2
	exit 2
}

ISORUN=${ISORUN:-$srcdir/isorun}
RUNC=${RUNC:-/usr/sbin/runc}
for bin in "$ISORUN" "$RUNC"; do
	[ -x "$bin" ] || {
		echo "run-vs-runc.sh: $bin is not an executable (set ISORUN / RUNC)" >&2
		exit 1
	}
done
[ "$(id -u)" = 0 ] || {
	echo "run-vs-runc.sh: needs root" >&2
	exit 1
}
for tool in jq unshare; do
	command -v "$tool" >/dev/null || {
		echo "run-vs-runc.sh: $tool not found (Debian packages jq, util-linux)" >&2
		exit 1
	}
done

# A private mount and uts namespace for everything below.
if [ -z "${ISORUN_BENCH_IN_NS:-}" ]; then
	export ISORUN_BENCH_IN_NS=1 ISORUN RUNC
	args=(-n "$n" -w "$warm")
	[ $keep = 0 ] || args+=(-k)
	[ $disk = 0 ] || args+=(-d)
	exec unshare --mount --uts --propagation private "$0" "${args[@]}"
fi

work=$(mktemp -d /tmp/isorun-bench.XXXXXX)
bundle=$work/bundle
state=$work/state
root_i=$state/root-isorun
root_r=$state/root-runc
tag="bench$$"

cleanup() {
	local rc=$? d
	for d in "$root_i"/*/; do
		[ -d "$d" ] && "$ISORUN" --root "$root_i" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	for d in "$root_r"/*/; do
		[ -d "$d" ] && "$RUNC" --root "$root_r" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	[ $disk = 1 ] || umount "$state" 2>/dev/null
	if awk -v d="$work/" 'index($5, d) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
		echo "run-vs-runc.sh: something is still mounted under $work: not removing it" >&2
	elif [ $keep = 0 ]; then
		rm -rf --one-file-system "$work"
	else
		echo "work dir kept: $work" >&2
	fi
	exit $rc
}
trap cleanup EXIT

# --- the state dirs and the bundle ----------------------------------------------------------
mkdir -p "$state" "$bundle"
[ $disk = 1 ] || mount -t tmpfs -o mode=0700,size=64m isorun-bench "$state"
"$srcdir/bundles/make-rootfs.sh" "$bundle/rootfs"
"$RUNC" spec --bundle "$bundle"
# Ambient capabilities go too: runc's default lists them without the inheritable set, which
# runc ignores and isorun refuses; they have no measurable cost either way.
jq '.process.terminal = false | .process.args = ["/bin/true"] | del(.process.capabilities.ambient)' \
	"$bundle/config.json" >"$bundle/c.tmp"
mv "$bundle/c.tmp" "$bundle/config.json"

# --- the clock -----------------------------------------------------------------------------
timeit=""
if command -v cc >/dev/null && cc -O2 -o "$work/timeit" "$srcdir/tests/fixtures/timeit.c" 2>/dev/null; then
	timeit=$work/timeit
else
	echo "note: no C compiler: timing with date +%s%N (adds a fork to every sample)" >&2
fi

# timed CMD...: print "ELAPSED_NS STATUS"
timed() {
	if [ -n "$timeit" ]; then
		"$timeit" "$@" | awk '{ print $1, $2 }'
	else
		local t0 t1 st=0
		t0=$(date +%s%N)
		"$@" </dev/null >/dev/null 2>&1 || st=$?
		t1=$(date +%s%N)
		echo "$((t1 - t0)) $st"
	fi
}

# rt NAME ARGS...: the runtime NAME (isorun|runc) with its own --root
rt() {
	local name=$1
	shift
	case $name in
	isorun) "$ISORUN" --root "$root_i" "$@" ;;
	runc) "$RUNC" --root "$root_r" "$@" ;;
	esac
}
rt_bin() { [ "$1" = isorun ] && echo "$ISORUN" || echo "$RUNC"; }
rt_root() { [ "$1" = isorun ] && echo "$root_i" || echo "$root_r"; }

# sample FILE NAME VERB ARGS...: time one runtime command, append ms to FILE, abort on failure
sample() {
	local file=$1 name=$2 ns st
	shift 2
	read -r ns st < <(timed "$(rt_bin "$name")" --root "$(rt_root "$name")" "$@")
	if [ "$st" != 0 ]; then
		echo "run-vs-runc.sh: '$name $*' failed (status $st); its error:" >&2
		rt "$name" "$@" </dev/null >/dev/null || true
		exit 1
	fi
	[ -z "$file" ] || awk -v ns="$ns" 'BEGIN { printf "%.3f\n", ns / 1e6 }' >>"$file"
}

# order I: the two runtimes in the order of round I (flipped every round)
order() { if (($1 % 2)); then echo "runc isorun"; else echo "isorun runc"; fi; }

wait_stopped() {
	local name=$1 id=$2 i
	for ((i = 0; i < 2000; i++)); do
		[ "$(rt "$name" state "$id" 2>/dev/null | jq -r .status)" = stopped ] && return 0
		sleep 0.005
	done
	echo "run-vs-runc.sh: $name container $id did not stop" >&2
	exit 1
}

cd "$bundle"
res=$work/results
mkdir -p "$res"

echo "isorun: $ISORUN ($("$ISORUN" --version 2>/dev/null | head -n1 || echo '?'))"
echo "runc:   $RUNC ($("$RUNC" --version 2>/dev/null | head -n1 || echo '?'))"
echo "bundle: busybox rootfs, config.json from \`runc spec\`, terminal off, args [\"/bin/true\"], no ambient caps"
if [ -n "$timeit" ]; then
	echo "clock:  CLOCK_MONOTONIC around fork..wait4 (tests/fixtures/timeit.c)"
else
	echo "clock:  date +%s%N"
fi
if [ $disk = 1 ]; then
	echo "state:  --root of both on $(findmnt -n -o FSTYPE -T "$state") (the work dir's file system)"
else
	echo "state:  --root of both on a tmpfs (as /run on a standard host; -d: on the disk)"
fi
echo "runs:   $n of each, interleaved, after $warm warm-up runs of each"
echo

# 1. run
for ((i = 0; i < warm; i++)); do
	for name in $(order "$i"); do sample "" "$name" run --bundle "$bundle" "$tag-w$i"; done
done
for ((i = 0; i < n; i++)); do
	for name in $(order "$i"); do sample "$res/run.$name" "$name" run --bundle "$bundle" "$tag-r$i"; done
done

# 2. create / start / delete
for ((i = 0; i < n; i++)); do
	for name in $(order "$i"); do
		id="$tag-c$i"
		sample "$res/create.$name" "$name" create --bundle "$bundle" "$id"
		sample "$res/start.$name" "$name" start "$id"
		wait_stopped "$name" "$id"
		sample "$res/delete.$name" "$name" delete "$id"
	done
done

# 3. peak RSS
rss_runs=5
if [ -x /usr/bin/time ]; then
	for ((i = 0; i < rss_runs; i++)); do
		for name in $(order "$i"); do
			/usr/bin/time -f %M -o "$work/rss.tmp" "$(rt_bin "$name")" --root "$(rt_root "$name")" \
				run --bundle "$bundle" "$tag-m$i" </dev/null >/dev/null 2>&1 || {
				echo "run-vs-runc.sh: $name run failed under /usr/bin/time" >&2
				exit 1
			}
			tail -n1 "$work/rss.tmp" >>"$res/rss.$name"
		done
	done
else
	echo "note: /usr/bin/time not found (Debian package time): no peak RSS" >&2
fi

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2f", a / b }'
}

printf '%-24s %12s %12s %12s\n' "" isorun runc isorun/runc
for what in run create start delete; do
	a=$(bench_median "$res/$what.isorun")
	b=$(bench_median "$res/$what.runc")
	printf '%-24s %12s %12s %12s\n' "$what (median ms)" "$a" "$b" "$(ratio "$a" "$b")"
done
if [ -s "$res/rss.isorun" ]; then
	a=$(bench_median "$res/rss.isorun")
	b=$(bench_median "$res/rss.runc")
	printf '%-24s %12s %12s %12s\n' "peak RSS of run (KB)" "${a%.*}" "${b%.*}" "$(ratio "$a" "$b")"
fi
echo
echo "(medians of $n; noisy machine: compare ratios within one run, not absolute times)"
