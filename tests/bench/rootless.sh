#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# rootless.sh [-n N] [-w W] [-m] [-k]: rootless isorun against rootless runc, same bundle.
#
# Started as root, it makes a throw-away user in an overlay over /etc inside a private mount
# namespace of its own (the host's /etc never changes; with subordinate ids from useradd), and
# times, as that user, with its own XDG_RUNTIME_DIR:
#   1. `run` of /bin/true, N times each, INTERLEAVED (the order flips every round), each timed
#      with CLOCK_MONOTONIC around fork..wait4 (tests/fixtures/timeit.c, run as the user);
#   2. the same with -m: uid and gid maps of the user and 65536 subordinate ids, which both
#      runtimes write through newuidmap/newgidmap (the default maps only the user's own ids,
#      which both write themselves).
# The bundle is a busybox rootfs with the config.json of `runc spec --rootless` written as the
# user (its own ids mapped), terminal off, /bin/true, no ambient capabilities: the same file
# for both runtimes.  It prints medians (ms) and the ratio isorun/runc; it asserts nothing about
# the times and exits non-zero only when a runtime command fails.
#
# Environment: ISORUN (default ./isorun of the source tree), RUNC (default /usr/sbin/runc).
# Options: -n N runs of each (default 30), -w W warm-up runs of each (default 3), -m also the
#          newuidmap mapping, -k keep the work dir.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
n=30
warm=3
keep=0
subids=0

usage() {
	sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-0}"
}

while getopts "n:w:mkh" opt; do
	case $opt in
	n) n=$OPTARG ;;
	w) warm=$OPTARG ;;
	m) subids=1 ;;
	k) keep=1 ;;
	h) usage 0 ;;
	*) usage 2 ;;
	esac
done
[[ "$n" =~ ^[1-9][0-9]*$ ]] && [[ "$warm" =~ ^[0-9]+$ ]] || {
	echo "rootless.sh: -n wants a positive number, -w a number" >&2
	exit 2
}

ISORUN=${ISORUN:-$srcdir/isorun}
RUNC=${RUNC:-/usr/sbin/runc}
for bin in "$ISORUN" "$RUNC"; do
	[ -x "$bin" ] || {
		echo "rootless.sh: $bin is not an executable (set ISORUN / RUNC)" >&2
		exit 1
	}
done
[ "$(id -u)" = 0 ] || {
	echo "rootless.sh: needs root (to make the throw-away user)" >&2
	exit 1
}
for tool in jq unshare setpriv useradd newuidmap cc; do
	command -v "$tool" >/dev/null || {
		echo "rootless.sh: $tool not found (Debian packages jq util-linux passwd uidmap gcc)" >&2
		exit 1
	}
done

if [ -z "${ISORUN_BENCH_IN_NS:-}" ]; then
	export ISORUN_BENCH_IN_NS=1 ISORUN RUNC
	args=(-n "$n" -w "$warm")
	[ $keep = 0 ] || args+=(-k)
	[ $subids = 0 ] || args+=(-m)
	exec unshare --mount --uts --propagation private "$0" "${args[@]}"
fi

work=$(mktemp -d /tmp/isorun-bench-rootless.XXXXXX)
chmod 0755 "$work"
user="isobench$$"
home=$work/home
xdg=$work/xdg

cleanup() {
	local rc=$? d
	for d in "$xdg"/isorun/*/; do
		[ -d "$d" ] && "$ISORUN" --root "$xdg/isorun" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	for d in "$xdg"/runc/*/; do
		[ -d "$d" ] && "$RUNC" --root "$xdg/runc" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	umount /etc 2>/dev/null || true
	if [ $keep = 0 ]; then
		rm -rf --one-file-system "$work"
	else
		echo "work dir kept: $work" >&2
	fi
	exit $rc
}
trap cleanup EXIT

# --- the user (in the overlay), its dirs, the bundle ------------------------------------------
mkdir -p "$work/etc/upper" "$work/etc/work"
mount -t overlay -o "lowerdir=/etc,upperdir=$work/etc/upper,workdir=$work/etc/work" overlay /etc
useradd -M -d "$home" -s /bin/sh "$user"
grep -q "^$user:" /etc/subuid || usermod --add-subuids 400000-465535 --add-subgids 400000-465535 "$user"
uid=$(id -u "$user")
gid=$(id -g "$user")
subuid=$(awk -F: -v u="$user" '$1 == u { print $2; exit }' /etc/subuid)
subgid=$(awk -F: -v u="$user" '$1 == u { print $2; exit }' /etc/subgid)
mkdir -m 0700 "$home" "$xdg"
chown "$uid:$gid" "$home" "$xdg"

# as_user CMD...: CMD as the user, a clean environment
as_user() {
	setpriv --reuid="$uid" --regid="$gid" --init-groups env -i HOME="$home" USER="$user" \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="$xdg" "$@"
}

bundle=$home/bundle
as_user mkdir "$bundle"
as_user "$srcdir/bundles/make-rootfs.sh" "$bundle/rootfs" >/dev/null
as_user "$RUNC" spec --rootless --bundle "$bundle"
filter='.process.terminal = false | .process.args = ["/bin/true"] | del(.process.capabilities.ambient)'
if [ $subids = 1 ]; then
	filter+=" | .linux.uidMappings = [{containerID: 0, hostID: $uid, size: 1}, {containerID: 1, hostID: $subuid, size: 65536}]"
	filter+=" | .linux.gidMappings = [{containerID: 0, hostID: $gid, size: 1}, {containerID: 1, hostID: $subgid, size: 65536}]"
fi
jq "$filter" "$bundle/config.json" >"$work/config.json"
as_user cp "$work/config.json" "$bundle/config.json"
cc -O2 -o "$work/timeit" "$srcdir/tests/fixtures/timeit.c"

# sample NAME TAG [record]: time one `run` of the runtime NAME as the user
sample() {
	local name=$1 id="b$$-$2" bin ns st
	bin=$([ "$name" = isorun ] && echo "$ISORUN" || echo "$RUNC")
	read -r ns st < <(as_user "$work/timeit" "$bin" --root "$xdg/$name" run --bundle "$bundle" "$id" |
		awk '{ print $1, $2 }')
	if [ "$st" != 0 ]; then
		echo "rootless.sh: '$name run' failed (status $st); its error:" >&2
		as_user "$bin" --root "$xdg/$name" run --bundle "$bundle" "$id-again" </dev/null >/dev/null || true
		exit 1
	fi
	[ -z "${3:-}" ] || awk -v ns="$ns" 'BEGIN { printf "%.3f\n", ns / 1e6 }' >>"$work/run.$name"
}

echo "isorun: $ISORUN ($("$ISORUN" --version 2>/dev/null | head -n1 || echo '?'))"
echo "runc:   $RUNC ($("$RUNC" --version 2>/dev/null | head -n1 || echo '?'))"
echo "user:   $user (uid $uid), XDG_RUNTIME_DIR and --root dirs under $work"
if [ $subids = 1 ]; then
	echo "maps:   0 -> $uid and 1..65536 -> $subuid.. (newuidmap/newgidmap)"
else
	echo "maps:   0 -> $uid only (written by the runtime itself)"
fi
echo "bundle: busybox rootfs, \`runc spec --rootless\`, terminal off, args [\"/bin/true\"], no ambient caps"
echo "runs:   $n of each, interleaved, after $warm warm-up runs of each"
echo

bench_interleave "$warm" "$n" isorun runc

a=$(bench_median "$work/run.isorun")
b=$(bench_median "$work/run.runc")
printf '%-24s %12s %12s %12s\n' "" isorun runc isorun/runc
printf '%-24s %12s %12s %12s\n' "run (median ms)" "$a" "$b" \
	"$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
echo
echo "(medians of $n; noisy machine: compare ratios within one run, not absolute times)"
