#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# isorun trace: syscall allowlists recorded from a container's own run (in the kernel by an eBPF
# program on sys_enter; seccomp user notification where that cannot work, or with
# ISORUN_TRACE_RECORDER=notify), and `isorun tenant allowlist` / seccomp.mode "recorded".
# `ISORUN_TRACE_RECORDER=notify tests/integration/run-in-ns.sh tests/integration/trace.bats`
# runs every test with the notify recorder but those of the recorders themselves, which set the
# variable for each command.
#
# The recorded programs are static (the busybox rootfs has no libc): bundles/simple_test and
# bundles/seccomp_test, and tests/fixtures/trace_* (built by make).  simple_test's expected set
# is written by hand in tests/fixtures/simple_test.syscalls.

load helpers

setup_file() {
	iso_setup_file
	FIXTURES="${ISORUN_BUILDDIR:-$ISORUN_SRCDIR}/tests/fixtures"
	for f in trace_threads trace_forkexec trace_child trace_unshare trace_getpid trace_int80 \
		bpf_progs no_bpf_attach; do
		[ -x "$FIXTURES/$f" ] || {
			echo "$FIXTURES/$f not found: build it with make" >&2
			return 1
		}
	done
	for p in simple_test/progs/simple_test seccomp_test/progs/seccomp_test; do
		[ -x "$ISO_PACKAGES/$p" ] || {
			echo "bundles/$p not found: build it with make" >&2
			return 1
		}
	done
	export FIXTURES
}

setup() {
	iso_setup
	for f in trace_threads trace_forkexec trace_child trace_unshare; do
		cp "$FIXTURES/$f" "$BUNDLE/rootfs/bin/$f"
	done
	cp "$ISO_PACKAGES/simple_test/progs/simple_test" "$BUNDLE/rootfs/bin/simple_test"
	cp "$ISO_PACKAGES/seccomp_test/progs/seccomp_test" "$BUNDLE/rootfs/bin/seccomp_test"
	PROFILE="$BATS_TEST_TMPDIR/profile.json"
}

teardown() {
	local rc=0
	iso_teardown || rc=1
	if [ -n "${TROOT:-}" ]; then rm -rf --one-file-system "$TROOT" "$PKGS"; fi
	return $rc
}

# prog ARGS...: the container runs ARGS (no shell in between)
prog() {
	update_config --argjson a "$(printf '%s\n' "$@" | jq -R . | jq -s .)" '.process.args = $a'
}

# names FILE: the profile's allowed names, one a line, sorted
names() {
	jq -r '.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]' "$1" | sort -u
}

has_name() {
	names "$PROFILE" | grep -qx "$1" || fail "$1 is not in the recorded profile: $(names "$PROFILE" | tr '\n' ' ')"
}

lacks_name() {
	! names "$PROFILE" | grep -qx "$1" || fail "$1 is in the recorded profile"
}

# enforce FILE: the bundle's linux.seccomp becomes FILE
enforce() {
	update_config --slurpfile s "$1" '.linux.seccomp = $s[0]'
}

# The syscalls every profile allows (syscall_profile.h), as the README lists them.
ALWAYS="execve execveat fcntl exit exit_group sendmsg brk arch_prctl mmap mprotect munmap
set_tid_address set_robust_list rseq prlimit64 readlinkat readlink getrandom newfstatat fstat
openat read close pread64 access uname futex"

@test "trace simple_test: exactly the syscalls its code makes (hand-written list)" {
	prog /bin/simple_test one two
	iso_run isorun trace --recorded-only -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "hello from simple_test one two"
	assert_equal "$(jq -r .defaultAction "$PROFILE")" SCMP_ACT_KILL_PROCESS
	expected=$(grep -v '^#' "$ISORUN_SRCDIR/tests/fixtures/simple_test.syscalls" | grep . | sort -u)
	diff <(echo "$expected") <(names "$PROFILE") || fail "recorded set differs (< expected, > recorded)"
	assert_no_leftovers
}

@test "trace simple_test: the profile has the always-allowed set, and the program runs under it" {
	prog /bin/simple_test one
	iso_run isorun trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	expected=$( (grep -v '^#' "$ISORUN_SRCDIR/tests/fixtures/simple_test.syscalls" | grep .; tr ' ' '\n' <<<"$ALWAYS" | grep .) | sort -u)
	diff <(echo "$expected") <(names "$PROFILE") || fail "profile differs (< expected, > written)"
	enforce "$PROFILE"
	iso_run isorun run -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "hello from simple_test one"
	# The profile is enforced: a shell (which the recording never ran) is killed.
	prog /bin/sh -c 'echo from the shell'
	iso_run isorun run -b "$BUNDLE" "$CTR"
	assert_status 159
	assert_output_not_contains "from the shell"
}

@test "trace with noNewPrivileges false: the init's own calls after the early load are allowed" {
	prog /bin/simple_test early
	update_config '.process.noNewPrivileges = false'
	iso_run isorun trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	# loaded before the capabilities are set: the profile must let the init set them
	has_name capset
	enforce "$PROFILE"
	iso_run isorun run -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "hello from simple_test early"
	# with noNewPrivileges the filter comes at the exec: the init's calls are not the program's
	update_config '.process.noNewPrivileges = true | del(.linux.seccomp)'
	iso_run isorun trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	lacks_name capset
}

@test "trace: the init's calls follow the config the container was created with, not config.json after the run" {
	prog /bin/simple_test early
	# noNewPrivileges false (the filter holds the init's calls), and a hook that replaces the
	# bundle's config.json while the container is created: trace must not read it again.
	update_config --arg cfg "$BUNDLE/config.json" '.process.noNewPrivileges = false
		| .hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo {} >" + $cfg]}]'
	iso_run isorun trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(cat "$BUNDLE/config.json")" "{}"
	has_name capset
}

@test "trace: a startContainer hook, which runs under the filter, is allowed (noNewPrivileges true and false)" {
	local nnp
	prog /bin/simple_test hooked
	# after pivot_root: the rootfs's copy; unshare(0) is what only the hook calls
	update_config '.hooks.startContainer = [{"path": "/bin/trace_unshare", "args": ["trace_unshare"]}]'
	# the filter is loaded before the hooks either way (as in runc): they need it to allow them
	for nnp in true false; do
		update_config --argjson n "$nnp" '.process.noNewPrivileges = $n | del(.linux.seccomp)'
		iso_run isorun trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
		assert_success
		assert_output_contains "hello from simple_test hooked"
		has_name unshare
		enforce "$PROFILE"
		iso_run isorun run -b "$BUNDLE" "$CTR"
		assert_success
		assert_output_contains "hello from simple_test hooked"
	done
	assert_no_leftovers
}

@test "trace --default-action ERRNO: SCMP_ACT_ERRNO with defaultErrnoRet 1; bad action refused" {
	prog /bin/simple_test
	iso_run isorun trace --default-action ERRNO -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(jq -r .defaultAction "$PROFILE")" SCMP_ACT_ERRNO
	assert_equal "$(jq -r .defaultErrnoRet "$PROFILE")" 1
	has_name write
	iso_run isorun trace --default-action TRAP -o "$PROFILE.2" -b "$BUNDLE" "$CTR"
	assert_one_line_error 'trace: --default-action: "TRAP"'
	[ ! -e "$PROFILE.2" ] || fail "a profile was written"
}

@test "trace seccomp_test without its socket() path: the enforced profile kills it there (159)" {
	prog /bin/seccomp_test skip-socket
	iso_run isorun trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "calling socket(AF_INET6)"
	lacks_name socket
	has_name write
	enforce "$PROFILE"
	iso_run isorun run -b "$BUNDLE" "$CTR"
	assert_success
	prog /bin/seccomp_test
	iso_run isorun run -b "$BUNDLE" "$CTR"
	assert_status 159
	assert_output_contains "calling socket(AF_INET6)"
	assert_output_not_contains "not killed"
}

@test "trace: a program calling unshare gets the dangerous-syscall warning; --strict writes nothing" {
	prog /bin/trace_unshare
	iso_run isorun trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	has_name unshare
	assert_stderr_contains "warning: dangerous syscall in the profile: unshare"
	[ "$(grep -c 'dangerous syscall' <<<"$stderr")" -eq 1 ] || fail "expected one warning"
	rm -f "$PROFILE"
	iso_run isorun trace --strict -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_failure
	assert_stderr_contains "unshare"
	assert_stderr_contains "--strict"
	[ ! -e "$PROFILE" ] || fail "--strict wrote a profile"
	# simple_test has nothing dangerous: --strict writes its profile
	prog /bin/simple_test
	iso_run isorun trace --strict -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_not_contains "dangerous"
	[ -s "$PROFILE" ] || fail "no profile"
	assert_no_leftovers
}

@test "trace a multithreaded program: the second thread's syscalls are recorded" {
	prog /bin/trace_threads
	iso_run isorun trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "threads done"
	# only the worker thread calls these
	has_name sched_yield
	has_name getcpu
	# and the main thread made it
	names "$PROFILE" | grep -qxE 'clone|clone3' || fail "no clone recorded"
	enforce "$PROFILE"
	iso_run isorun run -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "threads done"
}

@test "trace fork + exec of a second binary: the child's syscalls after its execve are recorded" {
	prog /bin/trace_forkexec /bin/trace_child
	iso_run isorun trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "child done"
	# only trace_child calls these
	has_name getpriority
	has_name sysinfo
	has_name wait4
	names "$PROFILE" | grep -qxE 'clone|clone3|fork|vfork' || fail "no fork recorded"
	enforce "$PROFILE"
	iso_run isorun run -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "child done"
}

@test "trace --duration 1 on sleep 100: about a second, a profile, nothing left behind" {
	prog /bin/sleep 100
	start=$(date +%s%N)
	iso_run isorun trace --duration 1 -o "$PROFILE" -b "$BUNDLE" "$CTR"
	elapsed_ms=$((($(date +%s%N) - start) / 1000000))
	assert_success
	[ "$elapsed_ms" -ge 1000 ] || fail "returned after ${elapsed_ms} ms, before the duration"
	# Not a timing check: only that the duration, not sleep's 100 s, ended it (a loaded machine
	# may take several seconds more to start and delete the container).
	[ "$elapsed_ms" -lt 60000 ] || fail "took ${elapsed_ms} ms: the duration did not end it"
	names "$PROFILE" | grep -qxE 'nanosleep|clock_nanosleep' || fail "no sleep recorded: $(names "$PROFILE" | tr '\n' ' ')"
	[ ! -e "$ROOT/$CTR" ] || fail "state directory left"
	assert_no_leftovers
}

@test "trace: the caller's SIGUSR1 reaches the container; SIGTERM stops it and the profile is written" {
	bind_shared
	set_cmd 'trap "echo USR1 >>/shared/signals" USR1
		echo ready >/shared/ready
		while :; do sleep 0.05; done'
	local pid st
	"$ISORUN" --root "$ROOT" trace -o "$PROFILE" -b "$BUNDLE" "$CTR" </dev/null \
		>"$BATS_TEST_TMPDIR/trace.out" 2>&1 3>&- &
	pid=$!
	wait_for_file "$SHARED/ready"
	kill -USR1 "$pid"
	wait_for_content "$SHARED/signals" USR1
	# trace's own rule for SIGINT, SIGTERM and SIGHUP: stop the container, keep the recording
	kill -TERM "$pid"
	wait "$pid" && st=0 || st=$?
	assert_equal "$st" 0
	names "$PROFILE" | grep -qxE 'nanosleep|clock_nanosleep' || fail "no sleep recorded"
	assert_no_leftovers
}

@test "trace --merge: the union with an earlier profile's ALLOW names" {
	echo '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [
		{"names": ["socket", "bind"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]}' >"$BATS_TEST_TMPDIR/old.json"
	prog /bin/simple_test
	iso_run isorun trace --recorded-only --merge "$BATS_TEST_TMPDIR/old.json" -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	has_name socket
	has_name bind
	has_name write
	lacks_name ptrace
	# A whole config.json is accepted too (its linux.seccomp)
	cp "$PROFILE" "$BATS_TEST_TMPDIR/first.json"
	prog /bin/trace_unshare
	update_config --slurpfile s "$BATS_TEST_TMPDIR/old.json" '.linux.seccomp = $s[0]'
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config-copy.json"
	iso_run isorun trace --recorded-only --merge "$BATS_TEST_TMPDIR/config-copy.json" -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	has_name unshare
	has_name socket
	lacks_name ptrace
}

@test "trace bad input: one-line errors, nothing runs, nothing is left" {
	prog /bin/simple_test
	iso_run isorun trace -o "$PROFILE" -b "$BATS_TEST_TMPDIR/nothere" "$CTR"
	assert_one_line_error "nothere"
	echo '{"defaultAction": ' >"$BATS_TEST_TMPDIR/bad.json"
	iso_run isorun trace --merge "$BATS_TEST_TMPDIR/bad.json" -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_one_line_error "bad.json: invalid JSON"
	assert_output_not_contains "hello from"
	echo '{"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["no_such_call"], "action": "SCMP_ACT_ALLOW"}]}' >"$BATS_TEST_TMPDIR/bad.json"
	iso_run isorun trace --merge "$BATS_TEST_TMPDIR/bad.json" -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_one_line_error 'bad.json: syscalls[0]: unknown syscall "no_such_call"'
	echo '{"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_MAYBE"}]}' >"$BATS_TEST_TMPDIR/bad.json"
	iso_run isorun trace --merge "$BATS_TEST_TMPDIR/bad.json" -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_one_line_error 'bad.json: syscalls[0].action'
	iso_run isorun trace --merge "$BATS_TEST_TMPDIR/missing.json" -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_one_line_error "missing.json"
	iso_run isorun trace --duration 0 -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_one_line_error "--duration"
	update_config '.process.args = ["/bin/not-there"]'
	iso_run isorun trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_one_line_error "not-there"
	[ ! -e "$PROFILE" ] || fail "a profile was written"
	assert_no_leftovers
}

# ---------------------------------------------------------------------------------------------
# the recorders

# raw_tp_prog_ids PID: the ids of the programs PID holds attached to a raw tracepoint (its links)
raw_tp_prog_ids() {
	for f in /proc/"$1"/fdinfo/*; do
		grep -q '^link_type:[[:space:]]*raw_tracepoint' "$f" 2>/dev/null &&
			awk '$1 == "prog_id:" { print $2 }' "$f"
	done | sort -u
}

# round_trips: what `isorun --debug trace` said about the calls the runtime answered
round_trips() {
	sed -n 's/.*trace: recorded with [a-z-]*: \([0-9]*\) round trips.*/\1/p' <<<"$stderr"
}

@test "trace records in the kernel here: an eBPF program on sys_enter, gone when trace ends" {
	prog /bin/sleep 100
	# A long duration, ended by SIGINT once the program is seen: a short one could run out
	# before a loaded machine has looked.
	ISORUN_TRACE_RECORDER= "$ISORUN" --root "$ROOT" --debug trace --duration 120 -o "$PROFILE" \
		-b "$BUNDLE" "$CTR" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	ids=
	for _ in $(seq 600); do
		ids=$(raw_tp_prog_ids "$pid")
		[ -z "$ids" ] || break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$ids" ] || fail "trace holds no program attached to a raw tracepoint"
	# the container's sleep must have run under the recorder before trace is stopped
	for _ in $(seq 200); do
		"$ISORUN" --root "$ROOT" state "$CTR" 2>/dev/null | grep -q '"status": *"running"' && break
		sleep 0.05
	done
	sleep 0.5
	kill -INT "$pid"
	# BPF_PROG_TYPE_RAW_TRACEPOINT is 17
	for id in $ids; do
		"$FIXTURES/bpf_progs" | grep -qx "$id 17 isorun_trace" ||
			fail "program $id is not the recorder: $("$FIXTURES/bpf_progs" | grep "^$id ")"
	done
	wait "$pid" || fail "trace failed: $(cat "$BATS_TEST_TMPDIR/err")"
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
	assert_stderr_contains "trace: recorded with ebpf: 0 round trips"
	names "$PROFILE" | grep -qxE 'nanosleep|clock_nanosleep' || fail "no sleep recorded"
	# Detached and freed once its fds are closed (the kernel may take a moment).
	for id in $ids; do
		for _ in $(seq 40); do
			"$FIXTURES/bpf_progs" | grep -q "^$id " || continue 2
			sleep 0.05
		done
		fail "the recorder's program $id is still loaded after trace ended"
	done
	assert_no_leftovers
}

@test "trace: the notify recorder (ISORUN_TRACE_RECORDER=notify) records the same set, one round trip a call" {
	cp "$FIXTURES/trace_getpid" "$BUNDLE/rootfs/bin/trace_getpid"
	prog /bin/simple_test one two
	ISORUN_TRACE_RECORDER=notify iso_run isorun --debug trace --recorded-only -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	assert_stderr_contains "trace: recorded with seccomp-notify"
	expected=$(grep -v '^#' "$ISORUN_SRCDIR/tests/fixtures/simple_test.syscalls" | grep . | sort -u)
	diff <(echo "$expected") <(names "$PROFILE") || fail "notify: recorded set differs (< expected, > recorded)"
	ISORUN_TRACE_RECORDER= iso_run isorun --debug trace --recorded-only -o "$PROFILE.ebpf" -b "$BUNDLE" "$CTR"
	assert_success
	assert_stderr_contains "trace: recorded with ebpf"
	diff <(names "$PROFILE") <(names "$PROFILE.ebpf") || fail "the two recorders differ (< notify, > ebpf)"
	# 2000 getpid calls: each one a round trip with notify, none in the kernel
	prog /bin/trace_getpid 2000
	ISORUN_TRACE_RECORDER=notify iso_run isorun --debug trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	[ "$(round_trips)" -ge 2000 ] || fail "notify: $(round_trips) round trips for 2000 calls"
	has_name getpid
	ISORUN_TRACE_RECORDER=ebpf iso_run isorun --debug trace -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(round_trips)" 0
	has_name getpid
	ISORUN_TRACE_RECORDER=strace iso_run isorun trace -o "$PROFILE.bad" -b "$BUNDLE" "$CTR"
	assert_one_line_error 'ISORUN_TRACE_RECORDER: "strace" is not ebpf or notify'
	[ ! -e "$PROFILE.bad" ] || fail "a profile was written"
	assert_no_leftovers
}

@test "trace: where the kernel refuses the eBPF program, one warning line and the notify recorder" {
	prog /bin/simple_test one two
	# bpf(BPF_RAW_TRACEPOINT_OPEN) fails with EPERM under no_bpf_attach
	ISORUN_TRACE_RECORDER= iso_run "$FIXTURES/no_bpf_attach" "$ISORUN" --root "$ROOT" --debug \
		trace --recorded-only -o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_success
	assert_stderr_contains "warning: trace: attaching the eBPF syscall recorder to sys_enter: Operation not permitted: recording with seccomp user notification instead"
	[ "$(grep -c 'warning:' <<<"$stderr")" -eq 1 ] || fail "expected one warning"
	assert_stderr_contains "trace: recorded with seccomp-notify"
	expected=$(grep -v '^#' "$ISORUN_SRCDIR/tests/fixtures/simple_test.syscalls" | grep . | sort -u)
	diff <(echo "$expected") <(names "$PROFILE") || fail "fallback: recorded set differs (< expected, > recorded)"
	# ISORUN_TRACE_RECORDER=ebpf: no fallback, an error, nothing run
	rm -f "$PROFILE"
	ISORUN_TRACE_RECORDER=ebpf iso_run "$FIXTURES/no_bpf_attach" "$ISORUN" --root "$ROOT" trace \
		-o "$PROFILE" -b "$BUNDLE" "$CTR"
	assert_one_line_error "trace: ISORUN_TRACE_RECORDER=ebpf: attaching the eBPF syscall recorder to sys_enter: Operation not permitted"
	assert_output_not_contains "hello from"
	[ ! -e "$PROFILE" ] || fail "a profile was written"
	assert_no_leftovers
}

@test "trace: a 32-bit syscall (int 0x80) is killed, not recorded as the native call of its number" {
	[ "$(uname -m)" = x86_64 ] || skip "x86_64 only"
	"$FIXTURES/trace_int80" >/dev/null 2>&1 || [ $? -ne 139 ] ||
		skip "no 32-bit syscall entry on this machine: int 0x80 faults outside any container"
	cp "$FIXTURES/trace_int80" "$BUNDLE/rootfs/bin/trace_int80"
	prog /bin/trace_int80
	for recorder in ebpf notify; do
		ISORUN_TRACE_RECORDER=$recorder iso_run isorun trace --recorded-only -o "$PROFILE" -b "$BUNDLE" "$CTR"
		assert_success
		assert_output_contains "calling getpid through int 0x80"
		assert_output_not_contains "not killed"
		assert_stderr_contains "exited with status 159"
		# i386's getpid (20) is x86_64's writev
		lacks_name writev
		lacks_name getpid
		has_name write
	done
	assert_no_leftovers
}

# ---------------------------------------------------------------------------------------------
# the tenant layer

tenant() {
	iso_run isorun tenant --tenant-root "$TROOT" "$@"
}

tenant_setup() {
	TROOT="$BATS_TEST_TMPDIR/store"
	PKGS="$BATS_TEST_TMPDIR/pkgs"
	mkdir -p "$PKGS"
	searchable_to "$TROOT"
	tenant base
	assert_success
}

add_pkg() {
	tenant add "$@"
	assert_success
	TID=$(sed -n 's/^tid: //p' <<<"$output")
	[[ "$TID" =~ ^[0-9a-f]{32}$ ]] || fail "no tid printed: '$output'"
}

@test "tenant allowlist: the recorded profile becomes the tenant's, and tenant run enforces it" {
	tenant_setup
	add_pkg "$ISO_PACKAGES/simple_test"
	tenant allowlist "$TID"
	assert_success
	assert_output_contains "hello from simple_test with args"
	PROFILE="$TROOT/tenants/$TID/seccomp.json"
	has_name write
	lacks_name socket
	diff <(jq -S . "$PROFILE") <(jq -S .linux.seccomp "$TROOT/tenants/$TID/bundle/config.json") ||
		fail "bundle's linux.seccomp is not the recorded profile"
	tenant run "$TID"
	assert_success
	assert_output_contains "hello from simple_test with args"
	# enforced: a shell is not in simple_test's allowlist
	tenant run "$TID" -- /bin/sh -c 'echo from the shell'
	assert_status 159
	assert_output_not_contains "from the shell"
	tenant allowlist "ffffffffffffffffffffffffffffffff"
	assert_one_line_error "ffffffffffffffffffffffffffffffff"
	assert_no_leftovers
}

@test "tenant add with seccomp.mode recorded: seccomp_test recorded without socket() is killed there" {
	tenant_setup
	pkg="$PKGS/seccomp_test"
	cp -a "$ISO_PACKAGES/seccomp_test" "$pkg"
	jq '.seccomp = {mode: "recorded"} | .args = ["skip-socket"] | del(.dependencies)' \
		<"$pkg/config.json" >"$pkg/c" && mv "$pkg/c" "$pkg/config.json"
	add_pkg --duration 5 "$pkg"
	PROFILE="$TROOT/tenants/$TID/seccomp.json"
	lacks_name socket
	has_name write
	assert_equal "$(jq -r .linux.seccomp.defaultAction "$TROOT/tenants/$TID/bundle/config.json")" SCMP_ACT_KILL_PROCESS
	tenant run "$TID"
	assert_success
	tenant run "$TID" -- /home/seccomp_test
	assert_status 159
	assert_output_contains "calling socket(AF_INET6)"
	assert_output_not_contains "not killed"
	assert_no_leftovers
}
