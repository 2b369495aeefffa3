#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tenant-scale.sh [-n N] [PACKAGE]: add N tenants (default 100) from one package (default
# bundles/hello_container) to a fresh private tenant store, and report
#   - the time of each `tenant add` (median, min, max; dependencies included when the package
#     has some: hello_container's install_deps.sh runs once per add, in configure mode),
#   - the disk used per tenant (du of tenants/TID, and of its home/ and upper/), next to the
#     shared base and the package's progs/,
#   - the time of one `tenant run` of the last tenant.
# It measures; it asserts nothing.  Run as root, from a built tree (make).  Everything happens in
# a private mount namespace and a temporary directory, removed at the end.
set -eu

n=100
while getopts n: o; do
	case $o in
	n) n=$OPTARG ;;
	*) echo "usage: $0 [-n N] [PACKAGE]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
src=$(cd "$(dirname "$0")/../.." && pwd)
pkg=${1:-$src/bundles/hello_container}
isorun=${ISORUN:-$src/isorun}

if [ "${TENANT_SCALE_IN_NS:-}" != 1 ]; then
	exec env TENANT_SCALE_IN_NS=1 unshare --mount --propagation private "$0" -n "$n" "$pkg"
fi

work=$(mktemp -d /tmp/isorun-tenant-scale.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
# A tenant's init walks to its bundle as its range's root: mktemp's 0700 would stop it.
chmod 711 "$work"
T=("$isorun" --root "$work/state" tenant --tenant-root "$work/store")

now_ns() { date +%s%N; }

ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }

# add_n PACKAGE: N adds; prints "median min max" in microseconds; leaves the last tid in $work/last-add
add_n() {
	local i t0 t1 times=() sorted
	for ((i = 0; i < n; i++)); do
		t0=$(now_ns)
		"${T[@]}" add "$1" >"$work/last-add"
		t1=$(now_ns)
		times+=($(((t1 - t0) / 1000)))
	done
	sorted=$(printf '%s\n' "${times[@]}" | sort -n)
	echo "$(sed -n "$(((n + 1) / 2))p" <<<"$sorted") $(head -1 <<<"$sorted") $(tail -1 <<<"$sorted")"
}

"${T[@]}" base >/dev/null
# The same package without dependencies: what adding costs without running install_deps.sh.
cp -a "$pkg" "$work/nodeps"
jq 'del(.dependencies)' "$pkg/config.json" >"$work/nodeps/config.json"
read -r nd_med nd_min nd_max < <(add_n "$work/nodeps")
read -r med min max < <(add_n "$pkg")
tid=$(sed -n 's/^tid: //p' "$work/last-add")
t0=$(now_ns)
"${T[@]}" run "$tid" >/dev/null 2>&1
t1=$(now_ns)
run_us=$(((t1 - t0) / 1000))

kib() { du -sk "$@" | awk '{ s += $1 } END { print s }'; }
total=$(kib "$work/store/tenants")
one=$(kib "$work/store/tenants/$tid")
home=$(kib "$work/store/tenants/$tid/home")
upper=$(kib "$work/store/tenants/$tid/upper")
progs=$(kib "$pkg/progs")
base=$(kib "$work/store/base")

printf 'package            %s\n' "$pkg"
printf 'tenants added      %d without dependencies, %d with (registry: %d entries)\n' "$n" "$n" \
	"$(jq '.tenants | length' "$work/store/tenants.json")"
printf 'tenant add         without dependencies: median %s ms, min %s, max %s\n' \
	"$(ms "$nd_med")" "$(ms "$nd_min")" "$(ms "$nd_max")"
printf 'tenant add         with install_deps.sh (one configure-mode run): median %s ms, min %s, max %s\n' \
	"$(ms "$med")" "$(ms "$min")" "$(ms "$max")"
printf 'tenant run (once)  %s ms\n' "$(ms "$run_us")"
printf 'disk, shared base  %d KiB (once)\n' "$base"
printf 'disk, progs/       %d KiB (the package)\n' "$progs"
printf 'disk per tenant    %d KiB (du tenants/TID: home %d KiB, upper %d KiB)\n' "$one" "$home" "$upper"
printf 'disk, all tenants  %d KiB for %d tenants\n' "$total" $((2 * n))
