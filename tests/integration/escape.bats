#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The escape battery: tests/escape/*.c, one static program (`escape TECHNIQUE [ARG...]`)
# compiled here, run as a hostile tenant under the two configurations isorun gives by default:
#   spec    a bundle from `isorun spec` (hardened defaults) with the busybox rootfs
#   tenant  a tenant made by `isorun tenant add` from a package that sets nothing but its init
# Each technique exits 0 only when it got through (checked: a write that landed, a mount that
# appeared, a host process that was hit...), 1 when refused, 2 when the probe itself failed;
# every attempt here must be refused (exit 1, "REFUSED ..."), and where the host can see the
# effect the test checks that too.  The "control:" tests weaken one defence on purpose and
# assert that the same probe then reports success: the probes are not no-ops.

load helpers

setup_file() {
	iso_setup_file
	command -v gcc >/dev/null || {
		echo "gcc not found: install the Debian packages gcc and libc6-dev" >&2
		return 1
	}
	PROBE="$BATS_FILE_TMPDIR/escape"
	gcc -static -O1 -o "$PROBE" "$ISORUN_SRCDIR"/tests/escape/*.c
	# One tenant store for the file: its base, and a package with only the required fields.
	TROOT="$BATS_FILE_TMPDIR/store"
	tenant_store_dir "$TROOT"
	searchable_to "$TROOT"
	local pkg="$BATS_FILE_TMPDIR/pkg" state="$BATS_FILE_TMPDIR/add-state"
	mkdir -p "$pkg/progs"
	cp "$PROBE" "$pkg/progs/escape"
	echo '{"tid": "", "cname": "escape", "init": "/home/escape"}' >"$pkg/config.json"
	"$ISORUN" --root "$state" tenant --tenant-root "$TROOT" base >/dev/null 3>&-
	TID=$("$ISORUN" --root "$state" tenant --tenant-root "$TROOT" add "$pkg" 3>&- |
		sed -n 's/^tid: //p')
	[[ "$TID" =~ ^[0-9a-f]{32}$ ]] || {
		echo "tenant add failed" >&2
		return 1
	}
	export PROBE TROOT TID
}

teardown_file() {
	"$ISORUN" --root "$BATS_FILE_TMPDIR/add-state" tenant --tenant-root "$TROOT" delete \
		--force "$TID" >/dev/null 2>&1 3>&- || true
	tenant_store_release "$TROOT"
	rm -rf --one-file-system "$TROOT"
}

setup() {
	iso_setup
	# the spec configuration: `isorun spec` as it is, the probe in the rootfs
	rm "$BUNDLE/config.json"
	(cd "$BUNDLE" && "$ISORUN" spec 3>&-)
	# the probes report on stdout, not on the terminal the default asks for
	update_config '.process.terminal = false'
	cp "$PROBE" "$BUNDLE/rootfs/escape"
	LISTENER_PID=
	HOST_PID=
	# a copy of the runtime, run as the runtime where a probe may write to it
	RT="$BATS_TEST_TMPDIR/isorun-copy"
}

teardown() {
	local rc=0 p
	for p in $LISTENER_PID $HOST_PID; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	iso_teardown || rc=1
	# the tenant's cgroups carry its tid, not the test's tag
	p=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "tenant-$TID" 2>/dev/null)
	[ -z "$p" ] || {
		echo "leftover: tenant cgroups: $p" >&2
		rc=1
	}
	return $rc
}

# spec_probe TECHNIQUE [ARG...]: the probe as the spec bundle's process.
spec_probe() {
	set_args /escape "$@"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
}

# tenant_probe TECHNIQUE [ARG...]: the probe as the tenant's command.
tenant_probe() {
	iso_run isorun tenant --tenant-root "$TROOT" run "$TID" -- /home/escape "$@"
}

# assert_refused: the probe ran, tried, and was refused.
assert_refused() {
	[[ "$output" == REFUSED* ]] || fail "the probe did not report a refusal: '$output'"
	assert_status 1
}

# assert_escaped: (controls) the probe reports that the attack got through.
assert_escaped() {
	[[ "$output" == *ESCAPED* ]] || fail "the probe did not get through: '$output'"
	assert_status 0
}

tenant_cfg() {
	jq -r "$1" "$TROOT/tenants/$TID/bundle/config.json"
}

# add_cap CAP...: to every capability set of the spec bundle
add_cap() {
	local c
	for c in "$@"; do
		update_config --arg c "$c" '.process.capabilities |= with_entries(.value += [$c])'
	done
}

no_seccomp() {
	update_config 'del(.linux.seccomp)'
}

# start_host_process: a host process with a unique marker in its command line; sets HOST_PID
# and MARKER.
start_host_process() {
	MARKER="$RANDOM.$RANDOM$RANDOM"
	sleep "9$MARKER" 3>&- &
	HOST_PID=$!
}

# ---------------------------------------------------------------------------------------------
# CVE-2019-5736: the runtime binary through /proc/PID/exe of a runtime process

# exe_attack CONTAINER-ID PROBE-PATH SCRIPT-PATH START-CMD...: START-CMD runs the watcher
# (`escape exe_watch`) in the background with the runtime copy $RT; while it watches, `exec`
# runs the probe and a `#!/proc/self/exe` script ten times each.  Sets output and status to the
# watcher's.
exe_attack() {
	local id=$1 probe=$2 script=$3 i out="$BATS_TEST_TMPDIR/watch.out"
	shift 3
	"$@" >"$out" 2>&1 </dev/null 3>&- &
	local bg=$!
	wait_for_content "$out" watching 20
	for ((i = 0; i < 10; i++)); do
		"$RT" --root "$ROOT" exec "$id" "$probe" proc_exe "$DEVINO" </dev/null >>"$BATS_TEST_TMPDIR/exec.out" 2>&1 3>&- || true
		"$RT" --root "$ROOT" exec "$id" "$script" </dev/null >>"$BATS_TEST_TMPDIR/exec.out" 2>&1 3>&- || true
	done
	wait "$bg" && status=0 || status=$?
	output=$(grep -E '^(REFUSED|ESCAPED|ERROR)' "$out")
	echo "watcher: $(cat "$out")" >&2
	# the watcher did see the exec'ing runtime processes (and was denied their exe)
	[[ "$output" =~ [1-9][0-9]*\ denied ]] || fail "the watcher never met a runtime process"
	echo "exec: $(sort "$BATS_TEST_TMPDIR/exec.out" | uniq -c)" >&2
	# none of the exec'd probes reached the runtime binary either
	! grep -q ESCAPED "$BATS_TEST_TMPDIR/exec.out" || fail "an exec'd probe got through"
}

prepare_runtime_copy() {
	cp "$ISORUN" "$RT"
	SHA_BEFORE=$(sha256sum <"$RT")
	DEVINO=$(stat -c '%d:%i' "$RT")
}

@test "CVE-2019-5736 /proc/PID/exe and #!/proc/self/exe during exec: spec" {
	prepare_runtime_copy
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/evil"
	chmod 755 "$BUNDLE/rootfs/evil"
	set_args /escape exe_watch "$DEVINO" 4
	exe_attack "$CTR" /escape /evil "$RT" --root "$ROOT" run --bundle "$BUNDLE" "$CTR"
	assert_refused
	assert_equal "$(sha256sum <"$RT")" "$SHA_BEFORE"
	assert_no_leftovers
}

@test "CVE-2019-5736 /proc/PID/exe and #!/proc/self/exe during exec: tenant" {
	prepare_runtime_copy
	printf '#!/proc/self/exe\n' >"$TROOT/tenants/$TID/home/evil"
	chmod 755 "$TROOT/tenants/$TID/home/evil"
	exe_attack "$TID" /home/escape /home/evil \
		"$RT" --root "$ROOT" tenant --tenant-root "$TROOT" run "$TID" -- /home/escape exe_watch "$DEVINO" 4
	rm -f "$TROOT/tenants/$TID/home/evil"
	assert_refused
	assert_equal "$(sha256sum <"$RT")" "$SHA_BEFORE"
	assert_no_leftovers
}

@test "control: exe_watch overwrites a runtime binary that a container process runs" {
	# what the init would be without the exec stub and the memfd re-exec: a process of the
	# container running the runtime's binary.  The stand-in "runtime" is a static program (the
	# probe itself: isorun is dynamic and the busybox rootfs has no libc), bound in read-write
	# and run there for half a second at a time.
	cp "$PROBE" "$RT"
	SHA_BEFORE=$(sha256sum <"$RT")
	DEVINO=$(stat -c '%d:%i' "$RT")
	add_mount /rt bind "$RT" bind rw
	set_args /escape exe_watch "$DEVINO" 4
	local out="$BATS_TEST_TMPDIR/watch.out" i
	"$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$CTR" >"$out" 2>&1 </dev/null 3>&- &
	local bg=$!
	wait_for_content "$out" watching 20
	for ((i = 0; i < 5; i++)); do
		isorun exec "$CTR" /rt exe_watch 0:0 0.5 </dev/null >/dev/null 2>&1 || true
	done
	wait "$bg" && status=0 || status=$?
	output=$(grep -E '^(REFUSED|ESCAPED|ERROR)' "$out")
	assert_escaped
	[ "$(sha256sum <"$RT")" != "$SHA_BEFORE" ] || fail "the binary was not written"
	assert_no_leftovers
}

@test "CVE-2019-5736 /proc/PID/exe of the container's own processes: spec" {
	prepare_runtime_copy
	set_args /escape proc_exe "$DEVINO"
	iso_run "$RT" --root "$ROOT" run --bundle "$BUNDLE" "$CTR"
	assert_refused
	assert_equal "$(sha256sum <"$RT")" "$SHA_BEFORE"
}

@test "CVE-2019-5736 /proc/PID/exe of the container's own processes: tenant" {
	prepare_runtime_copy
	iso_run "$RT" --root "$ROOT" tenant --tenant-root "$TROOT" run "$TID" -- /home/escape proc_exe "$DEVINO"
	assert_refused
	assert_equal "$(sha256sum <"$RT")" "$SHA_BEFORE"
}

# ---------------------------------------------------------------------------------------------
# CVE-2024-21626: leaked fds and the working directory

@test "CVE-2024-21626 leaked host fds (the caller holds host dirs on fds 5 and 7): spec" {
	set_args /escape leaked_fds
	"$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$CTR" </dev/null >"$BATS_TEST_TMPDIR/o" \
		2>&1 3>&- 5</ 7<"$BATS_TEST_TMPDIR" && status=0 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/o")
	assert_refused
}

@test "CVE-2024-21626 leaked host fds (the caller holds host dirs on fds 5 and 7): tenant" {
	"$ISORUN" --root "$ROOT" tenant --tenant-root "$TROOT" run "$TID" -- /home/escape leaked_fds \
		</dev/null >"$BATS_TEST_TMPDIR/o" 2>/dev/null 3>&- 5</ 7<"$BATS_TEST_TMPDIR" && status=0 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/o")
	assert_refused
}

@test "CVE-2024-21626 leaked host fds through exec: spec" {
	set_args /bin/sleep 30
	iso_run isorun run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	"$ISORUN" --root "$ROOT" exec "$CTR" /escape leaked_fds </dev/null >"$BATS_TEST_TMPDIR/o" \
		2>&1 3>&- 5</ 7<"$BATS_TEST_TMPDIR" && status=0 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/o")
	assert_refused
}

@test "CVE-2024-21626 leaked host fds through exec: tenant" {
	"$ISORUN" --root "$ROOT" tenant --tenant-root "$TROOT" run "$TID" -- /bin/sleep 30 \
		</dev/null >/dev/null 2>&1 3>&- &
	local bg=$!
	wait_for_status "$TID" running
	"$ISORUN" --root "$ROOT" exec "$TID" /home/escape leaked_fds </dev/null >"$BATS_TEST_TMPDIR/o" \
		2>&1 3>&- 5</ 7<"$BATS_TEST_TMPDIR" && status=0 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/o")
	echo "exec: status $status, output: $output" >&2
	local st=$status out=$output
	iso_run isorun kill "$TID" KILL
	wait "$bg" || true
	status=$st output=$out
	assert_refused
}

@test "control: leaked_fds finds a host directory passed on purpose (--preserve-fds 1)" {
	set_args /escape leaked_fds
	"$ISORUN" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$CTR" </dev/null \
		>"$BATS_TEST_TMPDIR/o" 2>&1 3<"$BATS_TEST_TMPDIR" && status=0 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/o")
	assert_escaped
	assert_output_contains "outside our root"
}

@test "CVE-2024-21626 cwd: spec" {
	spec_probe cwd
	assert_refused
}

@test "CVE-2024-21626 cwd: tenant" {
	tenant_probe cwd
	assert_refused
}

@test "CVE-2024-21626 process.cwd and exec --cwd set to /proc/self/fd/N: spec" {
	local n
	for n in 3 4 5 6 7 8 9; do
		update_config --arg c "/proc/self/fd/$n" '.process.cwd = $c'
		spec_probe cwd
		# refused by the runtime (an error, nothing run) or run with a cwd inside the root
		[[ "$output" != *ESCAPED* ]] || fail "cwd /proc/self/fd/$n: $output"
		[ "$status" -ne 0 ] || fail "cwd /proc/self/fd/$n: status 0"
		assert_no_leftovers
	done
	update_config '.process.cwd = "/"'
	set_args /bin/sleep 30
	iso_run isorun run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	for n in 3 4 5 6 7 8 9; do
		iso_run isorun exec --cwd "/proc/self/fd/$n" "$CTR" /escape cwd
		[[ "$output" != *ESCAPED* ]] || fail "exec --cwd /proc/self/fd/$n: $output"
		[ "$status" -ne 0 ] || fail "exec --cwd /proc/self/fd/$n: status 0"
	done
}

# ---------------------------------------------------------------------------------------------
# mounts, pivot_root, namespaces, user namespaces, chroot

@test "mount (mount, fsopen/fsmount, open_tree): spec" {
	spec_probe mount
	assert_refused
	assert_no_leftovers
}

@test "mount (mount, fsopen/fsmount, open_tree): tenant" {
	tenant_probe mount
	assert_refused
	assert_no_leftovers
}

@test "control: mount works with CAP_SYS_ADMIN and no seccomp (in the container's own mount ns)" {
	add_cap CAP_SYS_ADMIN
	no_seccomp
	spec_probe mount
	assert_escaped
	assert_no_leftovers
}

@test "pivot_root: spec" {
	spec_probe pivot_root
	assert_refused
}

@test "pivot_root: tenant" {
	tenant_probe pivot_root
	assert_refused
}

@test "unshare of every namespace type: spec" {
	spec_probe unshare
	assert_refused
}

@test "unshare of every namespace type: tenant" {
	tenant_probe unshare
	assert_refused
}

@test "control: unshare works with CAP_SYS_ADMIN and no seccomp" {
	add_cap CAP_SYS_ADMIN
	no_seccomp
	spec_probe unshare
	assert_escaped
}

@test "setns: spec" {
	spec_probe setns
	assert_refused
}

@test "setns: tenant" {
	tenant_probe setns
	assert_refused
}

@test "the tenant's probes run in its user namespace, as a host uid of its range" {
	assert_equal "$(tenant_cfg '[.linux.namespaces[].type] | index("user") != null')" true
	tenant_probe userns_caps
	assert_refused
	local uid start size
	uid=$(sed -n 's/.*\[host uid \([0-9]*\)\]$/\1/p' <<<"$output")
	read -r start size <"$TROOT/tenants/$TID/ids"
	[ -n "$uid" ] || fail "no host uid in the report: $output"
	[ "$uid" -ge "$start" ] && [ "$uid" -lt $((start + size)) ] ||
		fail "host uid $uid outside the tenant's range $start+$size"
	# and the spec bundle's probes, without a user namespace, report host root
	spec_probe userns_caps
	assert_output_contains "[host uid 0]"
}

@test "user namespace to regain capabilities over the container's namespaces: spec" {
	spec_probe userns_caps
	assert_refused
}

@test "user namespace to regain capabilities over the container's namespaces: tenant" {
	tenant_probe userns_caps
	assert_refused
}

@test "control: without seccomp a user namespace is made, but its capabilities stop at it" {
	# the seccomp rule is not the only defence: the kernel refuses the new namespace's
	# capabilities over namespaces it does not own
	no_seccomp
	spec_probe userns_caps
	assert_refused
	assert_output_contains "a user namespace was made"
}

@test "chroot escape (chroot + fchdir to an outside fd + .. walking): spec" {
	spec_probe chroot
	assert_refused
}

@test "chroot escape (chroot + fchdir to an outside fd + .. walking): tenant" {
	tenant_probe chroot
	assert_refused
}

@test "control: with CAP_SYS_CHROOT chroot works, and .. still stops at the pivoted root" {
	add_cap CAP_SYS_CHROOT
	no_seccomp
	spec_probe chroot
	assert_refused
	assert_output_contains "chroot worked"
}

# ---------------------------------------------------------------------------------------------
# the host's file system and kernel

@test "/proc/PID/root of a process outside: spec" {
	spec_probe proc_root
	assert_refused
}

@test "/proc/PID/root of a process outside: tenant" {
	tenant_probe proc_root
	assert_refused
}

@test "/proc/sys writes (core_pattern, vm, fs): spec" {
	local before
	before=$(cat /proc/sys/kernel/core_pattern)
	spec_probe proc_sys
	assert_refused
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$before"
}

@test "/proc/sys writes (core_pattern, vm, fs): tenant" {
	local before
	before=$(cat /proc/sys/kernel/core_pattern)
	tenant_probe proc_sys
	assert_refused
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$before"
}

@test "/sys/kernel writes: spec" {
	spec_probe sys_kernel
	assert_refused
}

@test "/sys/kernel writes: tenant" {
	tenant_probe sys_kernel
	assert_refused
}

@test "/proc/sysrq-trigger: spec" {
	[ -e /proc/sysrq-trigger ] || skip "this kernel has no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ off)"
	spec_probe sysrq
	assert_refused
}

@test "/proc/sysrq-trigger: tenant" {
	[ -e /proc/sysrq-trigger ] || skip "this kernel has no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ off)"
	tenant_probe sysrq
	assert_refused
}

@test "/proc/kcore: spec" {
	[ -e /proc/kcore ] || skip "this kernel has no /proc/kcore (CONFIG_PROC_KCORE off)"
	spec_probe kcore
	assert_refused
}

@test "/proc/kcore: tenant" {
	[ -e /proc/kcore ] || skip "this kernel has no /proc/kcore (CONFIG_PROC_KCORE off)"
	tenant_probe kcore
	assert_refused
}

@test "masked paths are the null device and writing them changes nothing: spec" {
	spec_probe masked_paths
	assert_refused
}

@test "masked paths are the null device and writing them changes nothing: tenant" {
	tenant_probe masked_paths
	assert_refused
}

@test "control: masked_paths sees an unmasked path" {
	update_config '.linux.maskedPaths = []'
	spec_probe masked_paths
	assert_escaped
}

# Refused by a defence (EPERM from the capability check or seccomp), not merely absent from the
# kernel (ENOSYS: this CI kernel has neither modules nor kexec, so the controls skip there).
@test "init_module and finit_module: spec" {
	spec_probe kmod
	assert_refused
	assert_output_contains "init_module: Operation not permitted, finit_module: Operation not permitted"
}

@test "init_module and finit_module: tenant" {
	tenant_probe kmod
	assert_refused
	assert_output_contains "init_module: Operation not permitted, finit_module: Operation not permitted"
}

@test "control: with CAP_SYS_MODULE and no seccomp the module syscalls get past the check" {
	[ -e /proc/modules ] || skip "this kernel has no module support (CONFIG_MODULES off)"
	add_cap CAP_SYS_MODULE
	no_seccomp
	spec_probe kmod
	assert_escaped
}

@test "kexec_load and kexec_file_load: spec" {
	spec_probe kexec
	assert_refused
	assert_output_contains "kexec_load: Operation not permitted, kexec_file_load: Operation not permitted"
}

@test "kexec_load and kexec_file_load: tenant" {
	tenant_probe kexec
	assert_refused
	assert_output_contains "kexec_load: Operation not permitted, kexec_file_load: Operation not permitted"
}

@test "control: with CAP_SYS_BOOT and no seccomp kexec gets past the check" {
	[ -e /sys/kernel/kexec_loaded ] || skip "this kernel has no kexec (CONFIG_KEXEC off)"
	add_cap CAP_SYS_BOOT
	no_seccomp
	spec_probe kexec
	assert_escaped
}

@test "open_by_handle_at (shocker): spec" {
	spec_probe shocker
	assert_refused
}

@test "open_by_handle_at (shocker): tenant" {
	tenant_probe shocker
	assert_refused
}

@test "control: with CAP_DAC_READ_SEARCH and no seccomp shocker opens the host's root inode" {
	# the bundle lives on the host's file system: inode 2 is its root directory (ext4 and
	# others); skip where that is not so
	[ "$(stat -c %i "$(df --output=target "$BUNDLE" | tail -1)")" = 2 ] ||
		skip "the test dir's file system has no root inode 2"
	add_cap CAP_DAC_READ_SEARCH
	no_seccomp
	spec_probe shocker
	assert_escaped
}

@test "raw block devices in /dev: spec" {
	spec_probe blockdev
	assert_refused
}

@test "raw block devices in /dev: tenant" {
	tenant_probe blockdev
	assert_refused
}

@test "mknod of a disk device: spec" {
	spec_probe mknod
	assert_refused
}

@test "mknod of a disk device: tenant" {
	tenant_probe mknod
	assert_refused
}

# ---------------------------------------------------------------------------------------------
# cgroups

# release_agents: every v1 hierarchy's release_agent on the host, to compare before and after.
release_agents() {
	local f
	for f in /sys/fs/cgroup/*/release_agent; do
		[ -e "$f" ] && printf '%s=%s\n' "$f" "$(cat "$f")"
	done
	return 0
}

# bats test_tags=cgroup
@test "CVE-2022-0492 release_agent of a v1 hierarchy: spec" {
	local before
	before=$(release_agents)
	spec_probe release_agent
	assert_refused
	assert_equal "$(release_agents)" "$before"
	assert_no_leftovers
}

# bats test_tags=cgroup
@test "CVE-2022-0492 release_agent of a v1 hierarchy: tenant" {
	local before
	before=$(release_agents)
	tenant_probe release_agent
	assert_refused
	assert_equal "$(release_agents)" "$before"
	assert_no_leftovers
}

# bats test_tags=cgroup
@test "CVE-2022-0492 release_agent from new user+mount+cgroup namespaces: spec" {
	local before
	before=$(release_agents)
	spec_probe release_agent_userns
	assert_refused
	assert_equal "$(release_agents)" "$before"
}

# bats test_tags=cgroup
@test "CVE-2022-0492 release_agent from new user+mount+cgroup namespaces: tenant" {
	local before
	before=$(release_agents)
	tenant_probe release_agent_userns
	assert_refused
	assert_equal "$(release_agents)" "$before"
}

# bats test_tags=cgroup
@test "cgroup.procs of a parent cgroup: spec" {
	spec_probe cgroup_procs
	assert_refused
}

# bats test_tags=cgroup
@test "cgroup.procs of a parent cgroup: tenant" {
	tenant_probe cgroup_procs
	assert_refused
}

# ---------------------------------------------------------------------------------------------
# processes outside: kill, ptrace, the runtime itself

@test "kill a host process (kill, pidfd): spec" {
	start_host_process
	spec_probe kill_outside "$HOST_PID" "$MARKER"
	assert_refused
	host_pid_alive "$HOST_PID" || fail "the host process is gone"
}

@test "kill a host process (kill, pidfd): tenant" {
	start_host_process
	tenant_probe kill_outside "$HOST_PID" "$MARKER"
	assert_refused
	host_pid_alive "$HOST_PID" || fail "the host process is gone"
}

@test "control: without a pid namespace kill_outside kills the host process" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	start_host_process
	spec_probe kill_outside "$HOST_PID" "$MARKER"
	assert_escaped
	retry 20 0.1 eval '! host_pid_alive "$HOST_PID"' || fail "the host process is alive"
}

@test "ptrace a host process: spec" {
	start_host_process
	spec_probe ptrace_outside "$HOST_PID" "$MARKER"
	assert_refused
	assert_equal "$(awk '/^TracerPid/ {print $2}' "/proc/$HOST_PID/status")" 0
}

@test "ptrace a host process: tenant" {
	start_host_process
	tenant_probe ptrace_outside "$HOST_PID" "$MARKER"
	assert_refused
	assert_equal "$(awk '/^TracerPid/ {print $2}' "/proc/$HOST_PID/status")" 0
}

# signal_runtime START-CMD...: the runtime process that waits for the container (`run`, or
# `tenant run`) is the target; the probe gets its host pid and the container id as marker.
signal_runtime() {
	local out="$BATS_TEST_TMPDIR/sig.out" i
	"$@" >"$out" 2>&1 </dev/null 3>&- &
	local bg=$!
	for ((i = 0; i < 100; i++)); do
		[ "$(ctr_status "$SIG_ID")" = running ] && break
		sleep 0.05
	done
	iso_run isorun exec "$SIG_ID" "$SIG_PROBE" kill_outside "$bg" "$SIG_ID"
	assert_refused
	host_pid_alive "$bg" || fail "the runtime process $bg is gone"
	iso_run isorun kill "$SIG_ID" KILL
	wait "$bg" || true
	grep -q ESCAPED "$out" && fail "escaped: $(cat "$out")"
	return 0
}

@test "signal the runtime (the run process outside the container): spec" {
	set_args /bin/sleep 30
	SIG_ID=$CTR SIG_PROBE=/escape signal_runtime "$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$CTR"
	assert_no_leftovers
}

@test "signal the runtime (the tenant run process outside the container): tenant" {
	SIG_ID=$TID SIG_PROBE=/home/escape signal_runtime \
		"$ISORUN" --root "$ROOT" tenant --tenant-root "$TROOT" run "$TID" -- /bin/sleep 30
	assert_no_leftovers
}

# ---------------------------------------------------------------------------------------------
# network: no network means none

@test "raw socket: spec" {
	spec_probe raw_socket
	assert_refused
}

@test "raw socket: tenant" {
	tenant_probe raw_socket
	assert_refused
}

@test "control: with CAP_NET_RAW a raw socket is made" {
	add_cap CAP_NET_RAW
	spec_probe raw_socket
	assert_escaped
}

@test "packet socket: spec" {
	spec_probe packet_socket
	assert_refused
}

@test "packet socket: tenant" {
	tenant_probe packet_socket
	assert_refused
}

# start_listener: a TCP listener on every host address (this test's network namespace is the
# host's) that sends MARKER to whoever connects and records it; sets PORT, MARKER, ACCEPTED.
start_listener() {
	MARKER="host-$RANDOM$RANDOM"
	ACCEPTED="$BATS_TEST_TMPDIR/accepted"
	local ready="$BATS_TEST_TMPDIR/port"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 0)); s.listen(8)
u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
u.bind("\0" + sys.argv[1]); u.listen(8)
open(sys.argv[3], "w").write(str(s.getsockname()[1]))
import select
while True:
    r, _, _ = select.select([s, u], [], [])
    for l in r:
        c, _ = l.accept(); open(sys.argv[2], "a").write("accepted\n"); c.sendall(sys.argv[1].encode()); c.close()
' "$MARKER" "$ACCEPTED" "$ready" 3>&- &
	LISTENER_PID=$!
	wait_for_file "$ready"
	retry 20 0.05 test -s "$ready"
	PORT=$(cat "$ready")
}

# host_addresses: loopback and the host's global addresses
host_addresses() {
	echo 127.0.0.1
	echo ::1
	ip -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4 }'
}

@test "reach a host TCP listener (loopback and global addresses) and abstract socket: spec" {
	start_listener
	local a
	for a in $(host_addresses); do
		spec_probe connect_host "$a" "$PORT" "$MARKER"
		assert_refused
	done
	spec_probe abstract_unix "$MARKER" "$MARKER"
	assert_refused
	[ ! -e "$ACCEPTED" ] || fail "the host listener accepted a connection"
}

@test "reach a host TCP listener (loopback and global addresses) and abstract socket: tenant" {
	start_listener
	local a
	for a in $(host_addresses); do
		tenant_probe connect_host "$a" "$PORT" "$MARKER"
		assert_refused
	done
	tenant_probe abstract_unix "$MARKER" "$MARKER"
	assert_refused
	[ ! -e "$ACCEPTED" ] || fail "the host listener accepted a connection"
}

@test "control: in the host's network namespace connect_host reaches the listener" {
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	start_listener
	spec_probe connect_host 127.0.0.1 "$PORT" "$MARKER"
	assert_escaped
	[ -e "$ACCEPTED" ] || fail "the listener saw no connection"
}

# ---------------------------------------------------------------------------------------------
# symlinks in a hostile rootfs: mount destinations and /dev(/null), before and during start

@test "symlink: mount destinations through absolute and relative links to a host dir: spec" {
	local host="$BATS_TEST_TMPDIR/host-dir"
	mkdir -p "$host"
	ln -s "$host" "$BUNDLE/rootfs/abs"
	ln -s "../../../../../../../../../..$host" "$BUNDLE/rootfs/rel"
	add_mount /abs/sub/dir tmpfs tmpfs
	add_mount /rel/sub2 tmpfs tmpfs
	add_mount /abs/bound bind "$SHARED" bind
	spec_probe masked_paths
	assert_refused
	assert_equal "$(ls -A "$host")" ""
	assert_no_leftovers
}

@test "symlink: the tenant's upper layer turns /tmp and /dev into links to a host dir" {
	local host="$BATS_TEST_TMPDIR/host-dir" up="$TROOT/tenants/$TID/upper"
	mkdir -p "$host"
	for d in tmp dev; do
		ln -s "$host" "$up/$d"
	done
	tenant_probe masked_paths
	rm -f "$up/tmp" "$up/dev"
	[[ "$output" != *ESCAPED* ]] || fail "$output"
	[ "$status" -eq 1 ] || [[ "$stderr" == *isorun:* ]] || fail "neither refused nor a runtime error"
	assert_equal "$(ls -A "$host")" ""
	assert_no_leftovers
}

@test "symlink: /dev a link to a dir whose null leads to core_pattern: spec" {
	local before
	before=$(cat /proc/sys/kernel/core_pattern)
	mkdir "$BUNDLE/rootfs/hostile"
	ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/hostile/null"
	rm -rf "$BUNDLE/rootfs/dev"
	ln -s /hostile "$BUNDLE/rootfs/dev"
	spec_probe masked_paths
	[[ "$output" != *ESCAPED* ]] || fail "$output"
	[ "$status" -eq 1 ] || [[ "$stderr" == *isorun:* ]] || fail "neither refused nor a runtime error"
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$before"
	assert_no_leftovers
}

@test "symlink race: /dev and a mount destination swapped for links while containers start: spec" {
	local host="$BATS_TEST_TMPDIR/host-dir" before i n_ok=0
	before=$(cat /proc/sys/kernel/core_pattern)
	mkdir -p "$host" "$BUNDLE/rootfs/hostile" "$BUNDLE/rootfs/mnt/x"
	ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/hostile/null"
	ln -s /hostile "$BUNDLE/rootfs/devlink"
	ln -s "$host" "$BUNDLE/rootfs/mnt/xlink"
	add_mount /mnt/x/sub tmpfs tmpfs
	# the attacker: swaps both paths between a directory and a link, as fast as it can
	(
		cd "$BUNDLE/rootfs"
		mkdir -p devdir mnt/xdir
		set +e
		while :; do
			mv -T dev devdir; mv -T devlink dev
			mv -T mnt/x mnt/xdir; mv -T mnt/xlink mnt/x
			mv -T dev devlink; mv -T devdir dev
			mv -T mnt/x mnt/xlink; mv -T mnt/xdir mnt/x
		done 2>/dev/null
	) 3>&- &
	HOST_PID=$!
	for ((i = 0; i < 30; i++)); do
		CTR="$ID_TAG-r$i" spec_probe masked_paths
		[[ "$output" != *ESCAPED* ]] || fail "run $i: $output"
		[ "$status" -eq 1 ] || [[ "$stderr" == *isorun:* ]] || fail "run $i: neither refused nor a runtime error"
		[[ "$output" == REFUSED* ]] && n_ok=$((n_ok + 1))
	done
	# the attacker ran all along
	kill "$HOST_PID" || fail "the swapping loop died early"
	wait "$HOST_PID" || true
	HOST_PID=
	echo "$n_ok of 30 runs started and were refused; the others failed with an error" >&2
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$before"
	assert_equal "$(ls -A "$host")" ""
	assert_no_leftovers
}

# ---------------------------------------------------------------------------------------------
# resources: pids, memory, tmpfs

@test "fork bomb stopped by pids.limit: spec" {
	local limit
	limit=$(jq -r .linux.resources.pids.limit "$BUNDLE/config.json")
	assert_equal "$limit" 2048
	spec_probe forkbomb "$limit"
	assert_refused
	assert_output_contains "Resource temporarily unavailable"
}

@test "fork bomb stopped by pids.limit: tenant" {
	local limit
	limit=$(tenant_cfg .linux.resources.pids.limit)
	[ "$limit" != null ] || fail "the tenant has no pids limit"
	tenant_probe forkbomb "$limit"
	assert_refused
}

@test "control: without pids.limit the fork bomb gets past the bound" {
	update_config 'del(.linux.resources.pids)'
	spec_probe forkbomb 300
	assert_escaped
}

@test "memory balloon stopped by the memory limit: spec" {
	local limit
	limit=$(jq -r .linux.resources.memory.limit "$BUNDLE/config.json")
	assert_equal "$limit" $((1024 * 1024 * 1024))
	spec_probe balloon "$limit"
	assert_refused
	assert_output_contains "killed by signal 9"
}

@test "memory balloon stopped by the memory limit: tenant" {
	local limit
	limit=$(tenant_cfg .linux.resources.memory.limit)
	[ "$limit" != null ] || fail "the tenant has no memory limit"
	tenant_probe balloon "$limit"
	assert_refused
}

@test "control: without a memory limit the balloon gets past the bound" {
	update_config 'del(.linux.resources.memory)'
	spec_probe balloon $((128 * 1024 * 1024))
	assert_escaped
}

@test "/tmp and /dev/shm fill bounded by their tmpfs size: spec" {
	spec_probe tmpfill /tmp $((64 * 1024 * 1024))
	assert_refused
	assert_output_contains "No space left on device"
	spec_probe tmpfill /dev/shm $((64 * 1024 * 1024))
	assert_refused
}

@test "/tmp and /dev/shm fill bounded by their tmpfs size: tenant" {
	tenant_probe tmpfill /tmp $((64 * 1024 * 1024))
	assert_refused
	assert_output_contains "No space left on device"
	tenant_probe tmpfill /dev/shm $((64 * 1024 * 1024))
	assert_refused
}

@test "control: a /tmp tmpfs without size= takes more than the bound" {
	update_config '(.mounts[] | select(.destination == "/tmp") | .options) |= map(select(startswith("size=") | not))'
	spec_probe tmpfill /tmp $((64 * 1024 * 1024))
	assert_escaped
}

# ---------------------------------------------------------------------------------------------
# what a process holds: host-reaching capabilities, no seccomp filter, the host's cgroup
# namespace, a /sys that can be made writable

# bats test_tags=cgroup
@test "capabilities, seccomp mode, cgroup namespace, /sys read-only: spec" {
	local t
	for t in caps seccomp cgroupns sys_rw; do
		spec_probe "$t"
		assert_refused
	done
}

@test "control: caps, seccomp, cgroupns and sys_rw see the defence taken away" {
	add_cap CAP_SYS_ADMIN
	spec_probe caps
	assert_escaped
	assert_output_contains CAP_SYS_ADMIN
	no_seccomp
	spec_probe seccomp
	assert_escaped
	spec_probe sys_rw
	assert_escaped
	update_config '.linux.namespaces |= map(select(.type != "cgroup"))'
	spec_probe cgroupns
	assert_escaped
}

# ---------------------------------------------------------------------------------------------
# configure mode: a package's dependencies script (run by `tenant add`) and `tenant run
# --configure` keep the host's network but nothing else of the host: the same attempts as a
# tenant, from inside configure mode

# The battery as a shell script: every attempt once (the ptrace and kill targets a host
# process), then a write to the tenant's own root, which must still work.
CONFIGURE_ATTEMPTS="caps seccomp cgroupns sys_rw mount pivot_root unshare setns userns_caps
	release_agent release_agent_userns cgroup_procs proc_sys sys_kernel sysrq kcore masked_paths
	kmod kexec shocker blockdev mknod proc_root chroot raw_socket packet_socket"

# write_battery FILE: the script, aimed at $HOST_PID/$MARKER.
write_battery() {
	{
		echo '#!/bin/sh'
		echo "for t in $(echo $CONFIGURE_ATTEMPTS); do /home/escape \$t; done"
		echo "/home/escape ptrace_outside $HOST_PID $MARKER"
		echo "/home/escape kill_outside $HOST_PID $MARKER"
		echo 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status'
		echo 'echo installed >/etc/deps.installed && echo "deps: installed"'
	} >"$1"
	chmod 755 "$1"
}

# assert_battery_refused: every attempt reported, each refused, and nothing the host can see.
assert_battery_refused() {
	local n
	n=$(($(wc -w <<<"$CONFIGURE_ATTEMPTS") + 2))
	! grep -E '^(ESCAPED|ERROR)' <<<"$output" || fail "an attempt was not refused"
	assert_equal "$(grep -c '^REFUSED' <<<"$output")" "$n"
	assert_output_contains "deps: installed"
	# exactly the tenant's capabilities and the two package managers use
	assert_output_contains "CapEff:	$(cap_mask CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID \
		CAP_KILL CAP_SETGID CAP_SETUID CAP_NET_BIND_SERVICE CAP_SETFCAP CAP_SYS_CHROOT)"
	assert_output_contains "NoNewPrivs:	1"
	assert_output_contains "Seccomp:	2"
	assert_equal "$(release_agents)" "$AGENTS_BEFORE"
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$CORE_BEFORE"
	host_pid_alive "$HOST_PID" || fail "the host process is gone"
	assert_equal "$(awk '/^TracerPid/ {print $2}' "/proc/$HOST_PID/status")" 0
}

record_host() {
	AGENTS_BEFORE=$(release_agents)
	CORE_BEFORE=$(cat /proc/sys/kernel/core_pattern)
	start_host_process
}

@test "configure mode: a package's dependencies script is refused every escape (tenant add)" {
	local pkg="$BATS_TEST_TMPDIR/deps-pkg" state="$BATS_TEST_TMPDIR/add-state" tid
	mkdir -p "$pkg/progs"
	cp "$PROBE" "$pkg/progs/escape"
	record_host
	write_battery "$pkg/progs/install_deps.sh"
	echo '{"cname": "deps_escape", "init": "/home/escape",
		"dependencies": "/home/install_deps.sh"}' >"$pkg/config.json"
	iso_run "$ISORUN" --root "$state" tenant --tenant-root "$TROOT" add "$pkg"
	assert_success
	assert_battery_refused
	tid=$(sed -n 's/^tid: //p' <<<"$output")
	[ -f "$TROOT/tenants/$tid/upper/etc/deps.installed" ] || fail "the script's write is not in its layer"
	iso_run "$ISORUN" --root "$state" tenant --tenant-root "$TROOT" delete "$tid"
	assert_success
	assert_no_leftovers
}

@test "configure mode: tenant run --configure is refused every escape" {
	local home="$TROOT/tenants/$TID/home"
	record_host
	write_battery "$home/battery"
	iso_run isorun tenant --tenant-root "$TROOT" run --configure "$TID" -- /home/battery
	rm -f "$home/battery"
	assert_success
	assert_battery_refused
	[ -f "$TROOT/tenants/$TID/upper/etc/deps.installed" ] || fail "the write is not in the tenant's layer"
	rm -f "$TROOT/tenants/$TID/upper/etc/deps.installed"
	assert_no_leftovers
}
