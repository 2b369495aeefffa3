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

# bats' DEBUG trap records a stack trace before every command, in helpers too, so that a failure
# can say where it was.  In the test VM (TCG) that took a third of the suite's time (a cgroups.bats
# sample: 17.7 s with it, 13.0 s without).  Only the test file's own commands need it: a failure
# in a helper is then reported at the test's line that called it (`assert_success' failed),
# which is the line to look at.  With bats --trace (-x), every command is still traced.
iso_trace_test_lines_only() {
	[ "${BATS_TRACE_LEVEL:-0}" -eq 0 ] || return 0
	# shellcheck disable=SC2016 # expanded when the trap runs
	trap '[[ $BASH_SOURCE != "$BATS_TEST_SOURCE" ]] || bats_debug_trap "$BASH_SOURCE"' DEBUG
}

iso_trace_all_lines() {
	# shellcheck disable=SC2016
	trap 'bats_debug_trap "$BASH_SOURCE"' DEBUG
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
	# (and the snapshot's directory: one mkdir less in the VM, where each costs 45 ms)
	mkdir -p "$BUNDLE" "$SHARED" "$BATS_TEST_TMPDIR/.snap"
	cp -a "$ISO_ROOTFS_CACHE" "$BUNDLE/rootfs"
	cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
	snapshot_host_state
	# (last: a failure above is named where it was)
	iso_trace_test_lines_only
}

iso_teardown() {
	local rc=0 id ids
	# Every container this test may have made: each has a directory in --root from the
	# create's first step on (what `list` reads too), and `delete --force` of an id without one
	# does nothing, so only those are deleted (in the VM, under TCG, each runtime call costs a
	# tenth of a second, and most tests leave nothing).
	ids=$(_snap_root)
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
	# a failure here is the teardown's: bats then names this line, not the test's last one
	[ $rc -eq 0 ] || iso_trace_all_lines
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

# _state_field ID FIELD: a top-level string or number of `isorun state ID` (empty if state
# fails).  Not jq: a jq start costs 0.4 s in the test VM (TCG), and wait_for_status polls.  The
# fields read here come before the annotations in isorun's output and in runc's.
_state_field() {
	local json re="\"$2\"[[:space:]]*:[[:space:]]*(\"([^\"]*)\"|(-?[0-9]+))"
	json=$(timeout 10 "$ISORUN" --root "$ROOT" state "$1" </dev/null 2>/dev/null 3>&-) || return 0
	[[ $json =~ $re ]] && printf '%s\n' "${BASH_REMATCH[2]}${BASH_REMATCH[3]}"
	return 0
}

# ctr_status ID: the status field of `isorun state ID` (empty if state fails).
ctr_status() { _state_field "$1" status; }

# ctr_pid ID
ctr_pid() { _state_field "$1" pid; }

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

# Each check runs twice a test, so it starts as few processes as it can: one awk for the mounts,
# one find for the cgroups, bash alone for the rest.  In the test VM, under TCG, a process start
# costs about 45 ms, and these checks were a second of every test there.

# _mount_table [OLD]: the mounts at or under this run's directory, one line each: mount point,
# per-mount options, then after mountinfo's " - ": type, source, super options.  With OLD (a file
# of such lines) only what differs, as a set: "> LINE" for a new mount, "< LINE" for one gone.
_mount_table() {
	awk -v d="${BATS_RUN_TMPDIR:?}" -v diff="${1:+1}" '
		diff && FILENAME == ARGV[1] { old[$0]++; next }
		{ mp = $5; gsub(/\\040/, " ", mp) }
		mp != d && index(mp, d "/") != 1 { next }
		{ n = 0; for (i = 7; i <= NF; i++) if ($i == "-") { n = i; break }
		  line = $5 " " $6 " " $(n + 1) " " $(n + 2) " " $(n + 3)
		  if (!diff) print line; else if (old[line] > 0) old[line]--; else print "> " line }
		END { for (l in old) for (k = 0; k < old[l]; k++) print "< " l }' ${1:+"$1"} /proc/self/mountinfo
}

_snap_mounts() { _mount_table; }

_snap_cgroups() {
	# (a cgroup that goes away while find walks it makes find fail: other tests run meanwhile)
	find /sys/fs/cgroup -maxdepth 7 -type d -name "*${ID_TAG}*" 2>/dev/null || true
}

_snap_root() {
	[ -d "$ROOT" ] || return 0
	local e
	for e in "$ROOT"/* "$ROOT"/.*; do
		e=${e##*/}
		# an unmatched pattern stays as it is: it names nothing
		[ "$e" != . ] && [ "$e" != .. ] && { [ -e "$ROOT/$e" ] || [ -L "$ROOT/$e" ]; } || continue
		[[ $e =~ $ISO_ROOT_IGNORE ]] || printf '%s\n' "$e"
	done
	return 0
}

_snap_pids() {
	local p=(/proc/[0-9]*)
	printf '%s\n' "${p[@]#/proc/}"
}

# _new_lines OLD: the lines of stdin that the file OLD does not have.
_new_lines() {
	local l
	local -A old=()
	while IFS= read -r l; do [ -z "$l" ] || old[$l]=1; done <"$1"
	while IFS= read -r l; do [ -z "$l" ] || [ -n "${old[$l]:-}" ] || printf '%s\n' "$l"; done
}

snapshot_host_state() {
	local d="$BATS_TEST_TMPDIR/.snap${1:+-$1}"
	[ -d "$d" ] || mkdir "$d"
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

# _leftover_report WHAT TEXT: says what was left (when TEXT is not empty), and fails then.
_leftover_report() {
	[ -n "$2" ] || return 0
	printf 'leftover: %s:\n%s\n' "$1" "$2" >&2
	return 1
}

assert_no_leftovers() {
	local snap="$BATS_TEST_TMPDIR/.snap${1:+-$1}" rc=0 pids cgroups
	local until=$((${EPOCHREALTIME//[.,]/} + 3000000))
	[ -d "$snap" ] || fail "assert_no_leftovers: no snapshot ${1:-} taken"
	# Processes and cgroups may take a moment to go away after the runtime returns: 3 s.
	while :; do
		pids=$(_leftover_pids "$snap")
		cgroups=$(_snap_cgroups | _new_lines "$snap/cgroups")
		[ -n "$pids$cgroups" ] && [ "${EPOCHREALTIME//[.,]/}" -lt $until ] || break
		sleep 0.05
	done
	_leftover_report "mounts changed (< gone, > new)" "$(_mount_table "$snap/mounts")" || rc=1
	_leftover_report cgroups "$cgroups" || rc=1
	_leftover_report "entries in --root $ROOT" "$(_snap_root | _new_lines "$snap/root")" || rc=1
	_leftover_report processes "$pids" || rc=1
	return $rc
}

# unmount_leaks DIR: lazily unmount whatever is still mounted at or under DIR (the latest mount
# first: it may lie on an earlier one) in this namespace; fails if there was anything.
unmount_leaks() {
	local dir=$1 m rc=0
	while read -r m; do
		[ -n "$m" ] || continue
		echo "leftover mount under $dir: $m (unmounting)" >&2
		umount -l "$m" || true
		rc=1
	done < <(awk -v d="$dir" '{ mp = $5; gsub(/\\040/, " ", mp)
		if (mp == d || index(mp, d "/") == 1) found[n++] = mp }
		END { while (n > 0) print found[--n] }' /proc/self/mountinfo)
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
