#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# linux.seccomp: every action observed from inside a busybox container, argument filters with
# each operator, flags, architectures, unknown names, errors with their JSON path, noNewPrivileges
# false with a non-root user, the compiled-filter cache (miss, hit, corruption, stale entry),
# `isorun spec --seccomp`, `isorun seccomp convert`, and listenerPath with a seccomp agent.
#
# tests/fixtures/seccomp_probe (static, built by make) makes the syscalls: busybox cannot call
# arbitrary ones.  It prints one "ret=R errno=E" line per call.

load helpers

setup_file() {
	iso_setup_file
	FIXTURES="${ISORUN_BUILDDIR:-$ISORUN_SRCDIR}/tests/fixtures"
	for f in seccomp_probe seccomp_listener; do
		[ -x "$FIXTURES/$f" ] || {
			echo "$FIXTURES/$f not found: build it with make" >&2
			return 1
		}
	done
	export FIXTURES
}

setup() {
	iso_setup
	cp "$FIXTURES/seccomp_probe" "$BUNDLE/rootfs/bin/seccomp_probe"
}

# x86_64 numbers of the syscalls the probe makes by number (they ignore their arguments, but
# seccomp sees the registers).
NR_GETPID=39 NR_GETPPID=110 NR_GETUID=102 NR_GETGID=104 NR_GETEUID=107 NR_GETEGID=108
NR_GETTID=186 NR_GETPGRP=111 NR_SCHED_YIELD=24 NR_GETPGID=121

# seccomp JSON: linux.seccomp of the bundle's config
seccomp() {
	update_config --argjson s "$1" '.linux.seccomp = $s'
}

# allow_all_but RULES-JSON: defaultAction ALLOW with the given syscalls[]
allow_all_but() {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": $1}"
}

# probe ARGS...: the container runs seccomp_probe ARGS (no shell in between); "," separates calls
probe() {
	# (not set_args: jq would take the probe's own options and "--" for its own)
	update_config --argjson a "$(printf '%s\n' /bin/seccomp_probe "$@" | jq -R . | jq -s .)" \
		'.process.args = $a'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
}

# the default profile, converted for the default capabilities
default_profile() {
	"$ISORUN" seccomp convert "$ISORUN_SRCDIR/contrib/seccomp/default.json"
}

# assert_init_seccomp MODE MESSAGE: the created init's seccomp mode (0 none, 2 filter)
assert_init_seccomp() {
	grep -qx "Seccomp:	$1" "/proc/$(ctr_pid "$CTR")/status" || fail "$2"
}

skip_unless_x86_64() {
	[ "$(uname -m)" = x86_64 ] || skip "syscall numbers in this file are x86_64's"
}

# ---------------------------------------------------------------------------------------------
# Actions.

@test "ERRNO with errnoRet: the syscall fails with that errno, others are untouched" {
	allow_all_but '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]'
	set_cmd 'mkdir /tmp/d; echo "mkdir=$?"; touch /tmp/f && echo touched'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "mkdir=1"
	assert_output_contains "touched"
	probe mkdir 0
	assert_success
	assert_equal "$output" "ret=-1 errno=13"
}

@test "ERRNO without errnoRet is EPERM; defaultErrnoRet sets the default action's errno" {
	skip_unless_x86_64
	seccomp "$(default_profile | jq '.defaultErrnoRet = 95 | .syscalls[0].names -= ["getppid"] |
		.syscalls += [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}]')"
	probe keyctl 0 , getppid
	assert_success
	assert_equal "${lines[0]}" "ret=-1 errno=95"
	assert_equal "${lines[1]}" "ret=-1 errno=1"
}

@test "a number above every one the profile names gets ENOSYS; a named, denied one EPERM" {
	skip_unless_x86_64
	seccomp "$(default_profile | jq '.defaultErrnoRet = 1')"
	# 1000: no x86_64 syscall (yet); keyctl is denied by the default action
	probe 1000 , keyctl 0 , getpid
	assert_success
	assert_equal "${lines[0]}" "ret=-1 errno=38"
	assert_equal "${lines[1]}" "ret=-1 errno=1"
	# a default action that lets calls through is left alone: ALLOW's 1000 reaches the kernel
	# (ENOSYS too), a denied name below it keeps its errno
	allow_all_but '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]'
	probe 1000 , getppid
	assert_success
	assert_equal "${lines[0]}" "ret=-1 errno=38"
	assert_equal "${lines[1]}" "ret=-1 errno=13"
}

@test "KILL_PROCESS kills the container with SIGSYS (status 159)" {
	allow_all_but '[{"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}]'
	probe getpid , getppid , getpid
	assert_status 159
	assert_equal "$output" "ret=1 errno=0"
}

@test "KILL and KILL_THREAD kill the (single-threaded) process with SIGSYS" {
	for action in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD; do
		allow_all_but "[{\"names\": [\"getppid\"], \"action\": \"$action\"}]"
		probe getppid
		assert_status 159
		assert_equal "$output" ""
	done
}

@test "TRAP delivers SIGSYS to the process, which can catch it" {
	skip_unless_x86_64
	allow_all_but '[{"names": ["getppid"], "action": "SCMP_ACT_TRAP"}]'
	probe --catch-sigsys getpid , getppid
	assert_success
	assert_equal "${lines[1]}" "sigsys syscall=$NR_GETPPID"
	# Uncaught, SIGSYS kills it.
	probe getppid
	assert_status 159
}

@test "LOG lets the syscall through where the default would deny it" {
	skip_unless_x86_64
	local base
	base=$(default_profile | jq '.syscalls[0].names -= ["getppid"]')
	seccomp "$base"
	probe getppid
	assert_success
	assert_equal "$output" "ret=-1 errno=1"
	seccomp "$(jq '.syscalls += [{"names": ["getppid"], "action": "SCMP_ACT_LOG"}]' <<<"$base")"
	probe getppid
	assert_success
	assert_equal "$output" "ret=0 errno=0"
}

@test "TRACE without a tracer fails the syscall with ENOSYS" {
	allow_all_but '[{"names": ["getppid"], "action": "SCMP_ACT_TRACE", "errnoRet": 5}]'
	probe getppid
	assert_success
	assert_equal "$output" "ret=-1 errno=38"
}

# ---------------------------------------------------------------------------------------------
# Arguments.

@test "args: each of the seven operators matches exactly the values it should" {
	skip_unless_x86_64
	# One syscall per operator; the value matched fails with errno 70+N.
	allow_all_but '[
	  {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 71, "args": [{"index": 0, "value": 5, "op": "SCMP_CMP_EQ"}]},
	  {"names": ["getuid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 72, "args": [{"index": 1, "value": 5, "op": "SCMP_CMP_NE"}]},
	  {"names": ["getgid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 73, "args": [{"index": 2, "value": 5, "op": "SCMP_CMP_LT"}]},
	  {"names": ["geteuid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 74, "args": [{"index": 3, "value": 5, "op": "SCMP_CMP_LE"}]},
	  {"names": ["getegid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 75, "args": [{"index": 4, "value": 5, "op": "SCMP_CMP_GT"}]},
	  {"names": ["gettid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 76, "args": [{"index": 5, "value": 5, "op": "SCMP_CMP_GE"}]},
	  {"names": ["getpgrp"], "action": "SCMP_ACT_ERRNO", "errnoRet": 77, "args": [{"index": 0, "value": 240, "valueTwo": 48, "op": "SCMP_CMP_MASKED_EQ"}]}
	]'
	probe $NR_GETPPID 5 , $NR_GETPPID 6 \
		, $NR_GETUID 0 6 , $NR_GETUID 0 5 \
		, $NR_GETGID 0 0 4 , $NR_GETGID 0 0 5 \
		, $NR_GETEUID 0 0 0 5 , $NR_GETEUID 0 0 0 6 \
		, $NR_GETEGID 0 0 0 0 6 , $NR_GETEGID 0 0 0 0 5 \
		, $NR_GETTID 0 0 0 0 0 5 , $NR_GETTID 0 0 0 0 0 4 \
		, $NR_GETPGRP 0x35 , $NR_GETPGRP 0x45
	assert_success
	local want=(71 0 72 0 73 0 74 0 75 0 76 0 77 0) i
	for i in "${!want[@]}"; do
		[[ "${lines[$i]}" == *"errno=${want[$i]}" ]] || fail "call $i: '${lines[$i]}', expected errno=${want[$i]}"
	done
}

@test "args: conditions on different arguments are ANDed; on one argument, one rule each (ORed, as runc)" {
	skip_unless_x86_64
	allow_all_but '[
	  {"names": ["getpgrp"], "action": "SCMP_ACT_ERRNO", "errnoRet": 81, "args": [
	    {"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]},
	  {"names": ["sched_yield"], "action": "SCMP_ACT_ERRNO", "errnoRet": 82, "args": [
	    {"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}
	]'
	probe $NR_GETPGRP 1 2 , $NR_GETPGRP 1 3 , $NR_GETPGRP 0 2 \
		, $NR_SCHED_YIELD 1 , $NR_SCHED_YIELD 2 , $NR_SCHED_YIELD 3
	assert_success
	[[ "${lines[0]}" == *"errno=81" ]] || fail "getpgrp(1, 2): ${lines[0]}"
	[[ "${lines[1]}" == *"errno=0" ]] || fail "getpgrp(1, 3): ${lines[1]}"
	[[ "${lines[2]}" == *"errno=0" ]] || fail "getpgrp(0, 2): ${lines[2]}"
	assert_equal "${lines[3]}" "ret=-1 errno=82"
	assert_equal "${lines[4]}" "ret=-1 errno=82"
	assert_equal "${lines[5]}" "ret=0 errno=0"
}

@test "args: socket(AF_INET6) is killed, socket(AF_INET) works (the seed's seccomp test)" {
	allow_all_but '[{"names": ["socket"], "action": "SCMP_ACT_KILL_PROCESS",
		"args": [{"index": 0, "value": 10, "op": "SCMP_CMP_EQ"}]}]'
	probe socket 2 1 0 , socket 10 1 0
	assert_status 159
	assert_equal "${#lines[@]}" 1
	[[ "${lines[0]}" == *"errno=0" ]] || fail "socket(AF_INET) failed: ${lines[0]}"
}

# ---------------------------------------------------------------------------------------------
# Flags, architectures, names.

@test "flags LOG and SPEC_ALLOW and three architectures load" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	set_cmd 'grep -E "^Seccomp(_filters)?:" /proc/self/status; seccomp_probe mkdir 0'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "Seccomp:	2"
	assert_output_contains "Seccomp_filters:	1"
	assert_output_contains "ret=-1 errno=13"
}

@test "flags TSYNC: loads, and a second thread of the program is filtered as the first" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_TSYNC"],
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	probe --in-thread mkdir 0 , getpid
	assert_success
	assert_equal "${lines[0]}" "ret=-1 errno=13"
	assert_output_contains "errno=0"
}

# x32 system calls are x86_64's with bit 30 set in the number: a filter that only knows the
# x86_64 numbers would let them all through (the kernel here has no x32 ABI and answers ENOSYS,
# but many do).
NR_X32_GETPID=$((0x40000000 + 39))

@test "architectures: an x32 call is killed when x32 is not listed; listed, the rules apply to it" {
	skip_unless_x86_64
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"]}'
	probe "$NR_X32_GETPID"
	assert_equal "$status" 159
	[ -z "$output" ] || fail "the x32 call returned: $output"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X32"],
		"syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	probe "$NR_X32_GETPID" , getpid , getppid
	assert_success
	assert_equal "${lines[0]}" "ret=-1 errno=1"
	assert_equal "${lines[1]}" "ret=-1 errno=1"
	[[ "${lines[2]}" == *" errno=0" ]] || fail "getppid was filtered: ${lines[2]}"
}

@test "architectures: a 32-bit (int 0x80) call is killed when x86 is not listed; listed, rules apply" {
	skip_unless_x86_64
	# i386 getpid is 20; on the host, unfiltered, it must work for this test to mean anything.
	"$FIXTURES/seccomp_probe" i386:20 >/dev/null 2>&1 ||
		skip "this kernel runs no 32-bit system calls (int 0x80 faults: no ia32 emulation)"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"]}'
	probe i386:20
	assert_equal "$status" 159
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
		"syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	probe i386:20 , getppid
	assert_success
	assert_equal "${lines[0]}" "ret=-1 errno=1"
	[[ "${lines[1]}" == *" errno=0" ]] || fail "getppid was filtered: ${lines[1]}"
}

@test "flags: WAIT_KILLABLE_RECV without a notify rule is an error naming the flag" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "config.json: linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a rule with SCMP_ACT_NOTIFY"
}

@test "an unknown syscall name is a warning; the rest of the rule applies" {
	allow_all_but '[{"names": ["no_such_syscall", "mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]'
	probe mkdir 0
	assert_success
	assert_equal "$output" "ret=-1 errno=13"
	assert_stderr_contains 'unknown syscall "no_such_syscall" skipped'
	# The warning is repeated on a cache hit.
	probe mkdir 0
	assert_success
	assert_stderr_contains 'unknown syscall "no_such_syscall" skipped'
}

@test "bad action, operator, arch or type: one-line error with the JSON path, nothing left" {
	local cases=(
		'{"defaultAction": "SCMP_ACT_NOPE"}|config.json: linux.seccomp.defaultAction: unknown action "SCMP_ACT_NOPE"'
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]}|config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_ABOUT"'
		'{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_PDP11"]}|config.json: linux.seccomp.architectures[1]: unknown architecture "SCMP_ARCH_PDP11"'
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": "mkdir", "action": "SCMP_ACT_ERRNO"}]}|config.json: linux.seccomp.syscalls[0].names: expected an array'
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ALLOW", "errnoRet": 3}]}|config.json: linux.seccomp.syscalls[0].errnoRet: not allowed with SCMP_ACT_ALLOW'
		'[]|config.json: linux.seccomp: expected an object'
	)
	local c
	for c in "${cases[@]}"; do
		seccomp "${c%%|*}"
		iso_run isorun run --bundle "$BUNDLE" "$CTR"
		assert_one_line_error "${c#*|}"
		[ ! -e "$ROOT/$CTR" ] || fail "state directory left behind"
		assert_no_leftovers
	done
}

@test "linux.seccomp null is no filter; bytes only yajl refuses inside it give yajl's message, nothing left" {
	update_config '.linux.seccomp = null'
	set_cmd 'grep Seccomp: /proc/self/status'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "Seccomp:	0"
	# The profile's span passes the scan that finds it, so the spec is parsed without it; then
	# the profile alone is not JSON.
	update_config '.linux.seccomp = "PROFILE"'
	local bad='{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [1,,2]}'
	sed -i "s/\"PROFILE\"/$bad/" "$BUNDLE/config.json"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "config.json: invalid JSON: parse error: unallowed token at this point in JSON text"
	[ ! -e "$ROOT/$CTR" ] || fail "state directory left behind"
	assert_no_leftovers
}

# ---------------------------------------------------------------------------------------------
# Load order.

@test "noNewPrivileges false with a non-root user: the filter still loads" {
	allow_all_but '[{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]'
	update_config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}'
	set_cmd 'grep -E "^(Uid|NoNewPrivs|Seccomp):" /proc/self/status; seccomp_probe mkdir 0'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "NoNewPrivs:	0"
	assert_output_contains "Seccomp:	2"
	assert_output_contains "Uid:	1000"
	assert_output_contains "ret=-1 errno=13"
}

@test "the runtime's own setup is not filtered: a filter denying mount, pivot_root and setresuid runs" {
	allow_all_but '[{"names": ["mount", "umount2", "pivot_root", "setresuid", "setresgid", "setgroups", "capset", "sethostname", "keyctl"],
		"action": "SCMP_ACT_ERRNO"}]'
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_cmd 'id -u; hostname'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "${lines[0]}" 1000
}

@test "load time: with no_new_privs the filter is in place while the init waits for start, also with a startContainer hook" {
	allow_all_but '[{"names": ["keyctl"], "action": "SCMP_ACT_ERRNO"}]'
	set_args /bin/seccomp_probe keyctl 0
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_init_seccomp 2 "no filter on the created init"
	iso_run isorun start "$CTR"
	assert_success
	iso_run isorun delete --force "$CTR"
	# The hook runs in the container before the program, under its filter (as in runc).
	bind_shared
	update_config '.hooks.startContainer = [{"path": "/bin/sh",
		"args": ["sh", "-c", "grep Seccomp: /proc/self/status > /shared/hook.out"]}]'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_init_seccomp 2 "no filter on the created init"
	iso_run isorun start "$CTR"
	assert_success
	wait_for_content "$SHARED/hook.out" S
	grep -q "Seccomp:	2" "$SHARED/hook.out" || fail "hook not filtered: $(cat "$SHARED/hook.out")"
	iso_run isorun delete --force "$CTR"
}

@test "startContainer hook: held by the container's filter (mkdir -> ERRNO), whichever point loads it" {
	local mkdir='{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}' p
	# Alone, it is loaded at SYNC_READY; with a verdict on read's size (left open to the
	# check), only once start is given, right before the hooks.
	local -a profiles=("[$mkdir]" "[$mkdir, {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\",
		\"args\": [{\"index\": 2, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]")
	bind_shared
	update_config '.root.readonly = false
		| .hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
			"if mkdir /x 2>/dev/null; then echo MADE; else echo DENIED; fi > /shared/hook.out"]}]'
	set_cmd 'true'
	for p in "${profiles[@]}"; do
		rm -f "$SHARED/hook.out"
		allow_all_but "$p"
		iso_run isorun run --bundle "$BUNDLE" "$CTR"
		assert_success
		assert_equal "$(cat "$SHARED/hook.out")" DENIED
		[ ! -e "$BUNDLE/rootfs/x" ] || fail "the hook made /x"
	done
	assert_no_leftovers
}

@test "load time: a filter denying the init's own last calls (read, prctl, close) waits for the exec, and applies there" {
	# Loaded ahead, such a filter would fail the init's read of the start barrier, or the
	# prctl() and close() that follow SYNC_CREATED under run: it is run on those calls first.
	allow_all_but '[{"names": ["read", "prctl", "close", "keyctl"], "action": "SCMP_ACT_ERRNO"}]'
	probe keyctl 0 , getpid
	assert_success
	assert_equal "${lines[0]}" "ret=-1 errno=1"
	[[ "${lines[1]}" == "ret=1 errno=0" ]] || fail "getpid: ${lines[1]}"
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_init_seccomp 0 "filter loaded before the exec"
	iso_run isorun start "$CTR"
	assert_success
	iso_run isorun delete --force "$CTR"
	# Only prctl denied: read is allowed, so create loads it at the barrier as usual.
	allow_all_but '[{"names": ["prctl"], "action": "SCMP_ACT_ERRNO"}]'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_init_seccomp 2 "no filter on the created init"
	iso_run isorun delete --force "$CTR"
	probe getpid
	assert_success
}

@test "load time: a read of the start barrier allowed only for another fd is evaluated with the real one" {
	# The init's barrier fd is 3 or above; a rule on read's fd argument decides.
	allow_all_but '[{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 3, "op": "SCMP_CMP_GE"}]}]'
	probe getpid
	assert_success
	assert_equal "${lines[0]}" "ret=1 errno=0"
	allow_all_but '[{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 3, "op": "SCMP_CMP_LT"}]}]'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_init_seccomp 2 "no filter on the created init"
	iso_run isorun start "$CTR"
	assert_success
}

# ---------------------------------------------------------------------------------------------
# The default profile.

@test "spec --seccomp: busybox works, keyctl and unshare get EPERM, clone3 ENOSYS" {
	local dir="$BATS_TEST_TMPDIR/spec"
	mkdir -p "$dir"
	iso_run "$ISORUN" spec --seccomp --bundle "$dir"
	assert_success
	[ "$(jq -r .linux.seccomp.defaultAction "$dir/config.json")" = SCMP_ACT_ERRNO ] || fail "no profile"
	[ "$(jq '[.linux.seccomp.syscalls[].names[]] | length' "$dir/config.json")" -gt 340 ] || fail "short profile"
	seccomp "$(jq .linux.seccomp "$dir/config.json")"
	set_cmd 'echo start; ls / >/dev/null && echo listed; mkdir /tmp/d && echo made; (echo sub) | cat;
		seccomp_probe keyctl 0 , unshare 0 , clone3 0 0 , getpid'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "listed"
	assert_output_contains "made"
	assert_output_contains "sub"
	assert_equal "${lines[-4]}" "ret=-1 errno=1"
	assert_equal "${lines[-3]}" "ret=-1 errno=1"
	assert_equal "${lines[-2]}" "ret=-1 errno=38"
	[[ "${lines[-1]}" == "ret="[0-9]*" errno=0" ]] || fail "getpid: ${lines[-1]}"
}

# ---------------------------------------------------------------------------------------------
# The compiled-filter cache.

cache_entries() {
	ls "$ROOT/.seccomp-cache" 2>/dev/null | grep -v '\.tmp\.' || true
}

@test "cache: a miss compiles and stores, a hit loads the stored filter" {
	seccomp "$(default_profile)"
	set_args /bin/seccomp_probe keyctl 0
	iso_run isorun --debug run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$output" "ret=-1 errno=1"
	assert_stderr_contains "compiled filter cache miss"
	assert_equal "$(cache_entries | wc -l)" 1
	local entry inode
	entry="$ROOT/.seccomp-cache/$(cache_entries)"
	[ "$(stat -c '%U %a' "$entry")" = "root 600" ] || fail "entry mode: $(stat -c '%U %a' "$entry")"
	[ "$(stat -c '%a' "$ROOT/.seccomp-cache")" = 700 ] || fail "cache dir mode"
	inode=$(stat -c %i "$entry")
	iso_run isorun --debug run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$output" "ret=-1 errno=1"
	# A hit needs no parse of the profile at all.
	assert_stderr_contains "compiled filter cache hit"
	assert_stderr_contains "profile not parsed"
	assert_equal "$(stat -c %i "$entry")" "$inode"
	# The key is the profile's bytes as written: the same filter written otherwise (key order)
	# is compiled once more and filed apart, and then hits its own entry.
	update_config '.linux.seccomp |= (to_entries | reverse | from_entries)'
	iso_run isorun --debug run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_stderr_contains "compiled filter cache miss"
	assert_equal "$(cache_entries | wc -l)" 2
	iso_run isorun --debug run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$output" "ret=-1 errno=1"
	assert_stderr_contains "profile not parsed"
}

@test "with a profile, the rest of config.json is parsed first: an error there names its field before the profile is looked up, nothing left" {
	seccomp "$(default_profile)"
	set_args /bin/seccomp_probe keyctl 0
	iso_run isorun --debug run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_stderr_contains "compiled filter cache miss"
	# jq writes the profile back byte for byte: its entry is there for the next creates.
	update_config '.process.user.uid = "root"'
	iso_run isorun --debug run --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_stderr_contains "config.json: process.user.uid: expected an unsigned"
	[[ "$stderr" != *"compiled filter cache"* ]] || fail "the profile was looked up first"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "config.json: process.user.uid: expected an unsigned"
	[ ! -e "$ROOT/$CTR" ] || fail "state directory left behind"
	assert_no_leftovers
	# A second linux.seccomp key may be the one the parser keeps: the entry is not used.
	update_config '.process.user.uid = 0'
	sed -i 's/"linux": {/"linux": { "seccomp": {"defaultAction": "SCMP_ACT_ALLOW"},/' \
		"$BUNDLE/config.json"
	grep -c '"seccomp": {' "$BUNDLE/config.json" | grep -qx 2 || fail "no duplicate key made"
	iso_run isorun --debug run --bundle "$BUNDLE" "$CTR"
	[[ "$stderr" != *"profile not parsed"* ]] || fail "the cached entry was used"
}

@test "cache hit in exec: the exec'd process gets the container's filter, the profile not parsed" {
	seccomp "$(default_profile)"
	set_args sleep 60
	iso_run isorun run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun --debug exec "$CTR" /bin/seccomp_probe keyctl 0
	assert_success
	assert_equal "$output" "ret=-1 errno=1"
	assert_stderr_contains "profile not parsed"
	iso_run isorun delete --force "$CTR"
	assert_success
}

@test "cache: a corrupted entry is detected, never loaded, and rewritten" {
	allow_all_but '[{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]'
	probe mkdir 0
	assert_equal "$output" "ret=-1 errno=13"
	local entry sum
	entry="$ROOT/.seccomp-cache/$(cache_entries)"
	sum=$(sha256sum <"$entry")
	# Flip bits in the middle of the BPF: an "allow everything" filter would pass mkdir.
	local size
	size=$(stat -c %s "$entry")
	printf '\xff\xff\xff\xff' | dd of="$entry" bs=1 seek=$((size / 2)) conv=notrunc status=none
	[ "$(sha256sum <"$entry")" != "$sum" ] || fail "corruption did not change the file"
	probe mkdir 0
	assert_success
	assert_equal "$output" "ret=-1 errno=13"
	assert_stderr_contains "cache entry rejected (checksum mismatch): rebuilding it"
	assert_equal "$(sha256sum <"$entry")" "$sum"
	# A truncated entry too.
	truncate -s 20 "$entry"
	probe mkdir 0
	assert_equal "$output" "ret=-1 errno=13"
	assert_stderr_contains "cache entry rejected"
	assert_equal "$(sha256sum <"$entry")" "$sum"
}

@test "cache: another profile's entry under this key (stale) is not loaded" {
	allow_all_but '[{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]'
	probe mkdir 0
	local entry
	entry="$ROOT/.seccomp-cache/$(cache_entries)"
	cp "$entry" "$BATS_TEST_TMPDIR/mkdir-entry"
	allow_all_but '[{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22}]'
	probe mkdir 0
	assert_equal "$output" "ret=-1 errno=22"
	local other
	other=$(cache_entries | grep -v "$(basename "$entry")")
	cp "$BATS_TEST_TMPDIR/mkdir-entry" "$ROOT/.seccomp-cache/$other"
	probe mkdir 0
	assert_success
	assert_equal "$output" "ret=-1 errno=22"
	assert_stderr_contains "cache entry rejected (key mismatch)"
}

# ---------------------------------------------------------------------------------------------
# seccomp convert.

@test "seccomp convert: includes/excludes by arch, caps and kernel; archMap; name" {
	skip_unless_x86_64
	local p="$BATS_TEST_TMPDIR/profile.json"
	cat >"$p" <<-'JSON'
	{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
	 "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]},
	             {"architecture": "SCMP_ARCH_S390X", "subArchitectures": ["SCMP_ARCH_S390"]}],
	 "syscalls": [
	  {"names": ["read"], "action": "SCMP_ACT_ALLOW", "comment": "kept"},
	  {"name": "chroot", "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_CHROOT"]}},
	  {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
	  {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]}},
	  {"names": ["s390_runtime_instr"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["s390x"]}},
	  {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
	  {"names": ["future"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "99.0"}},
	  {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}
	 ]}
	JSON
	iso_run "$ISORUN" seccomp convert "$p"
	assert_success
	assert_equal "$(jq -c .architectures <<<"$output")" '["SCMP_ARCH_X86_64","SCMP_ARCH_X86"]'
	assert_equal "$(jq -c '[.syscalls[].names[]]' <<<"$output")" '["read","clone3","arch_prctl","ptrace","personality"]'
	assert_equal "$(jq -c '.syscalls[1]' <<<"$output")" '{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38}'
	assert_equal "$(jq -c '.syscalls[4].args' <<<"$output")" '[{"index":0,"value":8,"valueTwo":0,"op":"SCMP_CMP_EQ"}]'
	# The capabilities come from --config's bounding set.
	update_config '.process.capabilities.bounding = ["CAP_SYS_ADMIN", "CAP_SYS_CHROOT"]'
	iso_run "$ISORUN" seccomp convert --config "$BUNDLE/config.json" "$p"
	assert_success
	assert_equal "$(jq -c '[.syscalls[].names[]]' <<<"$output")" '["read","chroot","arch_prctl","ptrace","personality"]'
}

@test "seccomp convert: errors name the profile and the JSON path" {
	local p="$BATS_TEST_TMPDIR/bad.json"
	echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_FUZZY"}]}]}' >"$p"
	iso_run "$ISORUN" seccomp convert "$p"
	assert_one_line_error "$p: syscalls[0].args[0].op: unknown operator \"SCMP_CMP_FUZZY\""
	echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "read", "names": ["write"], "action": "SCMP_ACT_ALLOW"}]}' >"$p"
	iso_run "$ISORUN" seccomp convert "$p"
	assert_one_line_error "$p: syscalls[0].name: give either name or names, not both"
	iso_run "$ISORUN" seccomp convert "$BATS_TEST_TMPDIR/missing.json"
	assert_one_line_error "missing.json"
}

# ---------------------------------------------------------------------------------------------
# listenerPath: a seccomp agent answers notifications.

# start_listener VALUE: the agent answers getpgid with VALUE
start_listener() {
	SOCK="$BATS_TEST_TMPDIR/agent.sock"
	AGENT_STATE="$BATS_TEST_TMPDIR/agent-state.json"
	"$FIXTURES/seccomp_listener" "$SOCK" "$AGENT_STATE" $NR_GETPGID "$1" \
		</dev/null >"$BATS_TEST_TMPDIR/agent.log" 2>&1 3>&- &
	AGENT_PID=$!
	wait_for_file "$SOCK"
}

# notify_config [FLAGS-JSON]
notify_config() {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$SOCK\", \"flags\": ${1:-[]},
		\"listenerMetadata\": \"agent-metadata\",
		\"syscalls\": [{\"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
}

@test "listenerPath: the agent gets the notify fd and state, and its answer reaches the container" {
	skip_unless_x86_64
	start_listener 4242
	notify_config '["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
	probe getpgid 0 , getpid
	assert_success
	assert_equal "${lines[0]}" "ret=4242 errno=0"
	assert_equal "${lines[1]}" "ret=1 errno=0"
	wait "$AGENT_PID" || fail "agent failed: $(cat "$BATS_TEST_TMPDIR/agent.log")"
	assert_equal "$(jq -c .fds "$AGENT_STATE")" '["seccompFd"]'
	assert_equal "$(jq -r .metadata "$AGENT_STATE")" agent-metadata
	assert_equal "$(jq -r .state.id "$AGENT_STATE")" "$CTR"
	assert_equal "$(jq -r .state.status "$AGENT_STATE")" creating
	assert_equal "$(jq -r .ociVersion "$AGENT_STATE")" 1.2.0
	[ "$(jq .pid "$AGENT_STATE")" -gt 1 ] && [ "$(jq .pid "$AGENT_STATE")" = "$(jq .state.pid "$AGENT_STATE")" ] ||
		fail "pid: $(cat "$AGENT_STATE")"
}

@test "listenerPath: works with noNewPrivileges false too" {
	skip_unless_x86_64
	start_listener 777
	notify_config
	update_config '.process.noNewPrivileges = false'
	probe getpgid 0
	assert_success
	assert_equal "$output" "ret=777 errno=0"
	wait "$AGENT_PID" || fail "agent failed: $(cat "$BATS_TEST_TMPDIR/agent.log")"
}

@test "listenerPath: no agent listening is an error at create, nothing left" {
	SOCK="$BATS_TEST_TMPDIR/nobody.sock"
	notify_config
	probe getpgid 0
	assert_one_line_error "config.json: linux.seccomp.listenerPath: connecting to $SOCK"
	[ ! -e "$ROOT/$CTR" ] || fail "state directory left behind"
}

@test "seccomp verb: --help, and a missing or unknown command is an error" {
	iso_run "$ISORUN" seccomp --help
	assert_success
	assert_output_contains "seccomp convert"
	iso_run "$ISORUN" seccomp
	assert_one_line_error "seccomp: expected a command (convert)"
	iso_run "$ISORUN" seccomp frobnicate x
	assert_one_line_error 'seccomp: unknown command "frobnicate"'
	iso_run "$ISORUN" seccomp convert
	assert_one_line_error "seccomp convert: expected a profile file"
}
