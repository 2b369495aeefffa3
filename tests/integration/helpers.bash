# SPDX-License-Identifier: GPL-2.0-or-later
# Common setup for isorun's integration tests.  Load with `load helpers` from a .bats file.
#
# The runtime under test is $ISORUN (set by `make check`; default: ./isorun of the source tree).
# Every test gets:
#   ROOT     a private --root (state dir) of its own: never /run/isorun or /run/runc
#   BUNDLE   a fresh bundle: rootfs copied from a per-file cache (bundles/make-rootfs.sh) and
#            config.json copied from bundles/hello/config.json (edit it with update_config)
#   SHARED   an empty host dir; bind_shared mounts it at /shared in the container
#   CTR CTR2 CTR3   container ids unique to this test (they carry ID_TAG, which the leftover
#            check looks for in cgroup names)
# and, after the test, teardown deletes every container with `delete --force` and checks that
# nothing was left behind (see assert_no_leftovers).
#
# These helpers expect to run inside the mount+uts(+pid) namespace that run-in-ns.sh makes.
#
# Conventions: `iso_run CMD...` is the `run` of these tests.  It never lets a container that
# keeps the runtime's stdio open hang the test (stdio are files, not pipes), applies a timeout,
# and sets status, output (stdout only), lines, stderr, stderr_lines, run_out and run_err (the
# paths of the files, which a detached container keeps writing to).

ISORUN_SRCDIR=${ISORUN_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
ISORUN=${ISORUN:-$ISORUN_SRCDIR/isorun}
# The tenant packages with their programs built: under the build directory (make check sets
# ISORUN_BUILDDIR; the same as the sources in an in-tree build).
ISO_PACKAGES=${ISORUN_BUILDDIR:-$ISORUN_SRCDIR}/bundles
export ISORUN ISORUN_SRCDIR ISO_PACKAGES

# Seconds any single runtime command may take before the test gives up on it.
ISO_CMD_TIMEOUT=${ISO_CMD_TIMEOUT:-60}
# Entries of --root that are not per-container state and may survive a delete (a global lock,
# the compiled seccomp filter cache).
ISO_ROOT_IGNORE=${ISO_ROOT_IGNORE:-'^(\.?[a-z]*\.?lock|\.seccomp-cache)$'}

# ---------------------------------------------------------------------------------------------
# setup / teardown.  A .bats file that needs more defines its own setup() and calls iso_setup.

iso_setup_file() {
	if [ ! -x "$ISORUN" ]; then
		echo "ISORUN=$ISORUN is not an executable: build isorun first (make), or point ISORUN" \
			"at a runtime binary" >&2
		return 1
	fi
	command -v jq >/dev/null || {
		echo "jq not found: install the Debian package jq" >&2
		return 1
	}
	# A tag unique to this run of this file: concurrent files and earlier runs never collide.
	ISO_FILE_TAG="it$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
	ISO_ROOTFS_CACHE="$BATS_FILE_TMPDIR/rootfs"
	"$ISORUN_SRCDIR/bundles/make-rootfs.sh" "$ISO_ROOTFS_CACHE"
	export ISO_FILE_TAG ISO_ROOTFS_CACHE
}

iso_setup() {
	ROOT="$BATS_TEST_TMPDIR/root"
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	SHARED="$BATS_TEST_TMPDIR/shared"
	ID_TAG="${ISO_FILE_TAG:?iso_setup_file did not run}-$BATS_TEST_NUMBER"
	CTR="$ID_TAG-a"
	CTR2="$ID_TAG-b"
	CTR3="$ID_TAG-c"
	ISO_RUN_N=0
	mkdir -p "$BUNDLE" "$SHARED"
	cp -a "$ISO_ROOTFS_CACHE" "$BUNDLE/rootfs"
	cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
	snapshot_host_state
}

iso_teardown() {
	local rc=0 id ids=
	# Every container this test may have made: each has a directory in --root from the
	# create's first step on (what `list` reads too), and `delete --force` of an id without one
	# does nothing, so only those are deleted (in the VM, under TCG, each runtime call costs a
	# tenth of a second, and most tests leave nothing).
	if [ -d "$ROOT" ]; then
		ids=$(cd "$ROOT" && ls -A 2>/dev/null | grep -vE "$ISO_ROOT_IGNORE" | tr '\n' ' ')
	fi
	for id in $ids; do
		timeout --kill-after=5 30 "$ISORUN" --root "$ROOT" delete --force "$id" \
			</dev/null >/dev/null 2>&1 3>&- || true
	done
	assert_no_leftovers || rc=1
	# Never remove a bundle with something still mounted under it: unmount (and fail) first.
	unmount_leaks "$BATS_TEST_TMPDIR" || rc=1
	if [ $rc -eq 0 ] && [ -d "$BUNDLE" ]; then
		rm -rf --one-file-system "$BUNDLE"
	fi
	return $rc
}

setup_file() { iso_setup_file; }
setup() { iso_setup; }
teardown() { iso_teardown; }

# ---------------------------------------------------------------------------------------------
# Running the runtime.

# isorun ARGS...: the runtime under test with this test's private --root.  fd 3 (bats' own
# output channel) is closed so that a container left running cannot hold bats open.
isorun() {
	"$ISORUN" --root "$ROOT" "$@" 3>&-
}

# iso_run [--in FILE] [--timeout S] CMD ARGS...: see the header.  CMD `isorun` means the runtime
# under test with --root "$ROOT".
iso_run() {
	local in=/dev/null t=$ISO_CMD_TIMEOUT
	while [ $# -gt 0 ]; do
		case "$1" in
		--in) in=$2; shift 2 ;;
		--timeout) t=$2; shift 2 ;;
		*) break ;;
		esac
	done
	local -a cmd=("$@")
	if [ "$1" = isorun ]; then
		cmd=("$ISORUN" --root "$ROOT" "${@:2}")
	fi
	ISO_RUN_N=$((ISO_RUN_N + 1))
	run_out="$BATS_TEST_TMPDIR/run.$ISO_RUN_N.out"
	run_err="$BATS_TEST_TMPDIR/run.$ISO_RUN_N.err"
	timeout --kill-after=5 "$t" "${cmd[@]}" <"$in" >"$run_out" 2>"$run_err" 3>&- && status=0 || status=$?
	output=$(cat "$run_out")
	stderr=$(cat "$run_err")
	mapfile -t lines <"$run_out"
	mapfile -t stderr_lines <"$run_err"
	# Shown by bats only when the test fails.
	{
		echo "\$ ${cmd[*]}"
		echo "  -> status $status"
		[ -z "$output" ] || sed 's/^/  stdout: /' "$run_out"
		[ -z "$stderr" ] || sed 's/^/  stderr: /' "$run_err"
	} >&2
	return 0
}

# ---------------------------------------------------------------------------------------------
# Assertions (bats 1.8 in Debian comes without bats-assert).

fail() {
	echo "FAIL: $*" >&2
	return 1
}

assert_success() {
	[ "$status" -eq 0 ] || fail "expected success, got status $status"
}

# assert_failure [STATUS]: non-zero status (and not a timeout), or exactly STATUS.
assert_failure() {
	if [ $# -gt 0 ]; then
		[ "$status" -eq "$1" ] || fail "expected status $1, got $status"
		return
	fi
	[ "$status" -ne 0 ] || fail "expected failure, got status 0"
	[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "command timed out (status $status)"
}

assert_status() {
	[ "$status" -eq "$1" ] || fail "expected status $1, got $status"
}

assert_output_contains() {
	[[ "$output" == *"$1"* ]] || fail "stdout does not contain '$1'"
}

assert_output_not_contains() {
	[[ "$output" != *"$1"* ]] || fail "stdout contains '$1'"
}

assert_stderr_contains() {
	[[ "$stderr" == *"$1"* ]] || fail "stderr does not contain '$1'"
}

# assert_error SUBSTRING: the contract for errors: non-zero status, and the message on stderr
# (one line is what isorun prints; runc may print more).
assert_error() {
	assert_failure
	[ -n "$stderr" ] || fail "no error message on stderr"
	assert_stderr_contains "$1"
}

# assert_one_line_error SUBSTRING: as assert_error, and the message is exactly one line.
assert_one_line_error() {
	assert_error "$1"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "expected one line on stderr, got ${#stderr_lines[@]}"
}

assert_equal() {
	[ "$1" = "$2" ] || fail "expected '$2', got '$1'"
}

# ---------------------------------------------------------------------------------------------
# Bundles.

# update_config [JQ-OPTION...] FILTER: rewrite $BUNDLE/config.json through jq.
# Example: update_config --arg d "$dir" '.mounts += [{destination: "/x", source: $d, type: "bind", options: ["bind"]}]'
update_config() {
	local cfg="${ISO_CONFIG:-$BUNDLE/config.json}"
	# config.json on stdin: a FILTER may end with --args, which makes every later word positional.
	jq "$@" <"$cfg" >"$cfg.tmp" && mv -f "$cfg.tmp" "$cfg"
}

# set_cmd 'SHELL SCRIPT': the container runs /bin/sh -c 'SHELL SCRIPT'.
set_cmd() {
	update_config --arg s "$1" '.process.args = ["/bin/sh", "-c", $s]'
}

# set_args ARG...: process.args exactly as given.
set_args() {
	update_config '.process.args = $ARGS.positional' --args "$@"
}

# add_mount DESTINATION TYPE SOURCE [OPTION...]
add_mount() {
	local dest=$1 type=$2 src=$3
	shift 3
	update_config --arg d "$dest" --arg t "$type" --arg s "$src" \
		'.mounts += [{destination: $d, type: $t, source: $s, options: $ARGS.positional}]' --args "$@"
}

# bind_shared [DEST]: bind $SHARED (read-write) into the container at DEST (default /shared).
bind_shared() {
	add_mount "${1:-/shared}" bind "$SHARED" rbind rw
}

# ---------------------------------------------------------------------------------------------
# Waiting.

# retry TRIES DELAY CMD...: run CMD until it succeeds, at most TRIES times.
retry() {
	local tries=$1 delay=$2 i
	shift 2
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep "$delay"
	done
	return 1
}

# ctr_status ID: the status field of `isorun state ID` (empty if state fails).
ctr_status() {
	timeout 10 "$ISORUN" --root "$ROOT" state "$1" </dev/null 2>/dev/null 3>&- | jq -r .status 2>/dev/null
}

# ctr_pid ID
ctr_pid() {
	timeout 10 "$ISORUN" --root "$ROOT" state "$1" </dev/null 2>/dev/null 3>&- | jq -r .pid 2>/dev/null
}

# wait_for_status ID STATUS [SECONDS]
wait_for_status() {
	local id=$1 want=$2 secs=${3:-10} i got
	for ((i = 0; i < secs * 20; i++)); do
		got=$(ctr_status "$id")
		[ "$got" = "$want" ] && return 0
		sleep 0.05
	done
	fail "container $id: status '$got' after ${secs}s, expected '$want'"
}

# wait_for_file PATH [SECONDS]
wait_for_file() {
	local f=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		[ -e "$f" ] && return 0
		sleep 0.05
	done
	fail "$f did not appear within ${secs}s"
}

# searchable_to PATH: every directory above PATH searchable by others (bats makes its
# temporary directories 0700).  A tenant's init, already its range's root when it enters its
# bundle and root, must walk there like any host user.
searchable_to() {
	local d
	d=$(dirname "$1")
	while [ "$d" != / ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

# tenant_store_dir DIR: makes DIR, the root of a tenant store.  Tenants run in user namespaces
# over an idmapped base, which the kernel allows on tmpfs only from Linux 6.3, and never on 9p
# or an overlay: where DIR's file system is one of those on an older kernel (Debian 12's 6.1 in
# the test VM), an ext4 image is mounted on DIR.  tenant_store_release DIR undoes it.
tenant_store_dir() {
	local dir=$1 fs major minor
	mkdir -p "$dir"
	fs=$(stat -f -c %T "$dir")
	IFS=. read -r major minor _ <<<"$(uname -r)"
	case $fs in
	ext2/ext3 | xfs | btrfs) return 0 ;;
	tmpfs) ((major > 6 || (major == 6 && minor >= 3))) && return 0 ;;
	esac
	truncate -s 1G "$dir.img"
	mkfs.ext4 -q -F "$dir.img"
	mount -o loop "$dir.img" "$dir"
}

tenant_store_release() {
	local dir=$1
	if mountpoint -q "$dir"; then
		umount "$dir"
	fi
	rm -f "$dir.img"
}

# wait_for_content PATH STRING [SECONDS]: PATH exists and contains STRING.
wait_for_content() {
	local f=$1 s=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		[ -e "$f" ] && grep -qF -- "$s" "$f" && return 0
		sleep 0.05
	done
	fail "$f does not contain '$s' after ${secs}s"
}

# ---------------------------------------------------------------------------------------------
# Leftover accounting.  snapshot_host_state [NAME] records what the host looks like;
# assert_no_leftovers [NAME] fails (and says what) when anything is new since then:
#   mounts     lines of /proc/self/mountinfo (mount point, options, type, source) of the mounts
#              at or under this run's own directory ($BATS_RUN_TMPDIR: bundles, rootfs, --root,
#              tenant stores): other programs mount and unmount elsewhere meanwhile
#   cgroups    directories under /sys/fs/cgroup whose name carries this test's ID_TAG
#   root       entries of this test's --root (but $ISO_ROOT_IGNORE, a global lock file)
#   processes  new, live (non-zombie) processes that run in another mount or pid namespace
#              than the test (a container's, or a runtime helper's), or whose command line
#              names this test's directory (a runtime, a hook, a helper the test forgot), or
#              isorun's netlink helper

_snap_mounts() {
	# $5 mount point, $6 per-mount options, then after " - ": type, source, super options.
	awk -v d="${BATS_RUN_TMPDIR:?}" '
		{ mp = $5; gsub(/\\040/, " ", mp) }
		mp != d && index(mp, d "/") != 1 { next }
		{ n = 0; for (i = 7; i <= NF; i++) if ($i == "-") { n = i; break }
		  print $5, $6, $(n + 1), $(n + 2), $(n + 3) }' /proc/self/mountinfo | sort
}

_snap_cgroups() {
	find /sys/fs/cgroup -maxdepth 7 -type d -name "*${ID_TAG}*" 2>/dev/null | sort
}

_snap_root() {
	[ -d "$ROOT" ] || return 0
	(cd "$ROOT" && ls -A) | grep -vE "$ISO_ROOT_IGNORE" | sort || true
}

_snap_pids() {
	local p
	for p in /proc/[0-9]*; do
		echo "${p#/proc/}"
	done | sort
}

snapshot_host_state() {
	local d="$BATS_TEST_TMPDIR/.snap${1:+-$1}"
	mkdir -p "$d"
	_snap_mounts >"$d/mounts"
	_snap_cgroups >"$d/cgroups"
	_snap_root >"$d/root"
	_snap_pids >"$d/pids"
}

# _leftover_pids SNAPDIR: print "PID: why: cmdline" for each leftover process.
_leftover_pids() {
	local snap=$1 p st comm why cmd
	local -a argv f
	local -A old=()
	while read -r p; do old[$p]=1; done <"$snap/pids"
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ -z "${old[$p]:-}" ] || continue
		[ "$p" != "$$" ] && [ "$p" != "$BASHPID" ] || continue
		{ read -r st <"/proc/$p/stat"; } 2>/dev/null || continue
		st=${st##*) }
		[ "${st:0:1}" != Z ] && [ "${st:0:1}" != X ] || continue
		# kernel threads (kthreadd, pid 2, and its children): seen when the tests run without a
		# pid namespace of their own (ISORUN_TEST_PIDNS=0)
		read -ra f <<<"$st"
		[ "$p" != 2 ] && [ "${f[1]}" != 2 ] || continue
		mapfile -d '' argv 2>/dev/null <"/proc/$p/cmdline" || continue
		cmd="${argv[*]}"
		why=""
		{ read -r comm <"/proc/$p/comm"; } 2>/dev/null || comm=?
		# (test -ef compares the namespace files' inodes without starting a process)
		if ! [ "/proc/$p/ns/mnt" -ef /proc/self/ns/mnt ] || ! [ "/proc/$p/ns/pid" -ef /proc/self/ns/pid ]; then
			why="runs in another namespace"
		elif [[ "$cmd" == *"$BATS_TEST_TMPDIR"* ]]; then
			why="names the test dir"
		elif [ "$comm" = isorun-netlink ]; then
			why="a netlink helper that outlived its runtime"
		fi
		[ -n "$why" ] && [ -e "/proc/$p/ns" ] || continue
		echo "pid $p ($comm): $why: $cmd"
	done
}

assert_no_leftovers() {
	local snap="$BATS_TEST_TMPDIR/.snap${1:+-$1}" rc=0 i d
	[ -d "$snap" ] || fail "assert_no_leftovers: no snapshot ${1:-} taken"
	# Processes and cgroups may take a moment to go away after the runtime returns.
	for ((i = 0; i < 60; i++)); do
		[ -z "$(_leftover_pids "$snap")" ] && [ -z "$(_snap_cgroups | comm -13 "$snap/cgroups" -)" ] && break
		sleep 0.05
	done
	d=$(_snap_mounts | diff "$snap/mounts" -) || {
		echo "leftover: mounts changed (mountinfo diff, < before > after):" >&2
		echo "$d" >&2
		rc=1
	}
	d=$(_snap_cgroups | comm -13 "$snap/cgroups" -)
	[ -z "$d" ] || {
		echo "leftover: cgroups:" >&2
		echo "$d" >&2
		rc=1
	}
	d=$(_snap_root | comm -13 "$snap/root" -)
	[ -z "$d" ] || {
		echo "leftover: entries in --root $ROOT:" >&2
		echo "$d" >&2
		rc=1
	}
	d=$(_leftover_pids "$snap")
	[ -z "$d" ] || {
		echo "leftover: processes:" >&2
		echo "$d" >&2
		rc=1
	}
	return $rc
}

# unmount_leaks DIR: lazily unmount whatever is still mounted at or under DIR (deepest first)
# in this namespace; fails if there was anything.
unmount_leaks() {
	local dir=$1 m rc=0
	while read -r m; do
		[ -n "$m" ] || continue
		echo "leftover mount under $dir: $m (unmounting)" >&2
		umount -l "$m" || true
		rc=1
	done < <(awk -v d="$dir" '{ mp = $5; gsub(/\\040/, " ", mp)
		if (mp == d || index(mp, d "/") == 1) print mp }' /proc/self/mountinfo | sort -r)
	return $rc
}

# ---------------------------------------------------------------------------------------------
# Misc.

# host_pid_alive PID: a process with that pid exists (zombies count as gone).
host_pid_alive() {
	local st
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
	st=${st##*) }
	[ "${st:0:1}" != Z ] && [ "${st:0:1}" != X ]
}

# Print a config.json capability mask as /proc/PID/status prints it: 16 hex digits.
# cap_mask CAP_NAME...
cap_mask() {
	local n mask=0 c
	declare -A num=([CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3
		[CAP_FSETID]=4 [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8
		[CAP_LINUX_IMMUTABLE]=9 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11
		[CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13 [CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15
		[CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17 [CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19
		[CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21 [CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23
		[CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25 [CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27
		[CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29 [CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31)
	for c in "$@"; do
		n=${num[$c]:?unknown capability $c}
		mask=$((mask | (1 << n)))
	done
	printf '%016x\n' "$mask"
}
