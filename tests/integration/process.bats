#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The container's process: user and groups, umask, cwd, env, args, stdio, capabilities,
# no_new_privs, oom_score_adj, rlimits, and which file descriptors reach it.

load helpers

# run_ctr 'SCRIPT': run the container with /bin/sh -c SCRIPT (output in $output, status in $status)
run_ctr() {
	set_cmd "$1"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
}

# The container's shell lists its own open fds.  (`ls -l` in a child process: a glob over
# /proc/$$/fd in the shell would list the directory fd the glob itself opens.)
LIST_FDS='ls -l /proc/$$/fd/'

# fd_numbers: the fd numbers in a LIST_FDS listing in $output, space-separated
fd_numbers() {
	sed -n 's/.* \([0-9][0-9]*\) -> .*/\1/p' <<<"$output" | sort -n | tr '\n' ' ' | sed 's/ $//'
}

# status_field NAME: the value of NAME: in the container's /proc/self/status (from $output)
status_field() {
	sed -n "s/^$1:[[:space:]]*//p" <<<"$output" | sed 's/[[:space:]]*$//'
}

@test "user: uid, gid and additionalGids apply, and nothing else" {
	update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20]}'
	run_ctr 'echo "uid $(id -u) gid $(id -g)"; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
	assert_success
	assert_output_contains "uid 1000 gid 1001"
	assert_equal "$(status_field Uid)" "$(printf '1000\t1000\t1000\t1000')"
	assert_equal "$(status_field Gid)" "$(printf '1001\t1001\t1001\t1001')"
	assert_equal "$(status_field Groups)" "10 20"
}

@test "user: root without additionalGids has no supplementary groups of the caller" {
	update_config '.process.user = {"uid": 0, "gid": 0}'
	run_ctr 'grep -E "^Groups:" /proc/self/status'
	assert_success
	assert_equal "$(status_field Groups)" ""
}

@test "user: umask applies to the process and to the files it creates" {
	update_config '.process.user.umask = 23' # 0027
	run_ctr 'umask; touch /tmp/f; mkdir /tmp/d; stat -c "%n %a" /tmp/f /tmp/d'
	assert_success
	assert_equal "${lines[0]}" 0027
	assert_output_contains "/tmp/f 640"
	assert_output_contains "/tmp/d 750"
}

@test "cwd: the process starts in process.cwd" {
	update_config '.process.cwd = "/tmp"'
	run_ctr 'pwd'
	assert_success
	assert_equal "$output" /tmp
}

@test "env: exactly process.env, none of the runtime's own environment" {
	update_config '.process.env = ["PATH=/bin", "FOO=bar", "WITH_SPACE=a b", "EMPTY="]'
	export ISOTEST_HOST_ONLY=leaked
	run_ctr 'env'
	assert_success
	assert_output_contains "FOO=bar"
	assert_output_contains "WITH_SPACE=a b"
	assert_output_contains "EMPTY="
	assert_output_contains "PATH=/bin"
	assert_output_not_contains ISOTEST_HOST_ONLY
	assert_output_not_contains "BATS_"
}

@test "args: passed exactly, no shell expansion; args[0] found through PATH" {
	update_config '.process.env = ["PATH=/bin"]'
	set_args echo "a  b" "" '$HOME' '*' "x;y"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$output" 'a  b  $HOME * x;y'
}

@test "stdio: without a terminal, the container reads the runtime's stdin and writes its stdout/stderr" {
	local in="$BATS_TEST_TMPDIR/stdin"
	printf 'line one\nline two\n' >"$in"
	set_cmd 'cat; echo to-stderr >&2'
	iso_run --in "$in" isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$output" "$(printf 'line one\nline two')"
	assert_stderr_contains to-stderr
}

@test "capabilities: a non-root user gets exactly the configured sets (ambient raised)" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"ambient": ["CAP_KILL", "CAP_NET_BIND_SERVICE"]}'
	run_ctr 'grep ^Cap /proc/self/status'
	assert_success
	local two three
	two=$(cap_mask CAP_KILL CAP_NET_BIND_SERVICE)
	three=$(cap_mask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE)
	assert_equal "$(status_field CapBnd)" "$three"
	assert_equal "$(status_field CapAmb)" "$two"
	assert_equal "$(status_field CapInh)" "$two"
	assert_equal "$(status_field CapPrm)" "$two"
	assert_equal "$(status_field CapEff)" "$two"
}

@test "capabilities: a non-root user without ambient has no effective capabilities" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	run_ctr 'grep ^Cap /proc/self/status'
	assert_success
	assert_equal "$(status_field CapBnd)" "$(cap_mask CAP_KILL)"
	assert_equal "$(status_field CapEff)" 0000000000000000
	assert_equal "$(status_field CapPrm)" 0000000000000000
	assert_equal "$(status_field CapAmb)" 0000000000000000
	assert_equal "$(status_field CapInh)" 0000000000000000
}

@test "capabilities: root gets the bounding set, inheritable and ambient stay empty" {
	update_config '.process.capabilities = {
			"bounding": ["CAP_CHOWN", "CAP_KILL"],
			"effective": ["CAP_CHOWN", "CAP_KILL"],
			"permitted": ["CAP_CHOWN", "CAP_KILL"]}'
	run_ctr 'grep ^Cap /proc/self/status; hostname other-name 2>&1 || echo "hostname refused"'
	assert_success
	local m
	m=$(cap_mask CAP_CHOWN CAP_KILL)
	assert_equal "$(status_field CapBnd)" "$m"
	assert_equal "$(status_field CapEff)" "$m"
	assert_equal "$(status_field CapPrm)" "$m"
	assert_equal "$(status_field CapInh)" 0000000000000000
	assert_equal "$(status_field CapAmb)" 0000000000000000
	# without CAP_SYS_ADMIN even root cannot rename its uts namespace
	assert_output_contains "hostname refused"
}

@test "capabilities: the hello defaults leave out CAP_SYS_ADMIN and friends" {
	run_ctr 'grep ^CapBnd /proc/self/status'
	assert_success
	assert_equal "$(status_field CapBnd)" "$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)"
}

@test "noNewPrivileges true -> NoNewPrivs: 1" {
	update_config '.process.noNewPrivileges = true'
	run_ctr 'grep ^NoNewPrivs /proc/self/status'
	assert_success
	assert_equal "$(status_field NoNewPrivs)" 1
}

@test "noNewPrivileges false -> NoNewPrivs: 0" {
	update_config '.process.noNewPrivileges = false'
	run_ctr 'grep ^NoNewPrivs /proc/self/status'
	assert_success
	assert_equal "$(status_field NoNewPrivs)" 0
}

@test "oomScoreAdj applies" {
	update_config '.process.oomScoreAdj = 123'
	run_ctr 'cat /proc/self/oom_score_adj'
	assert_success
	assert_equal "$output" 123
}

@test "rlimits: soft and hard limits apply (ulimit and /proc/self/limits)" {
	update_config '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1024},
		{"type": "RLIMIT_MSGQUEUE", "soft": 4096, "hard": 8192}]'
	run_ctr 'echo "soft $(ulimit -n) hard $(ulimit -Hn)"; grep -E "^Max (open files|msgqueue size)" /proc/self/limits'
	assert_success
	assert_output_contains "soft 512 hard 1024"
	[[ "$output" =~ Max\ open\ files\ +512\ +1024 ]] || fail "nofile not 512/1024"
	[[ "$output" =~ Max\ msgqueue\ size\ +4096\ +8192 ]] || fail "msgqueue not 4096/8192"
}

@test "fds: an fd inherited from the caller (3, as containerd-shim passes) does not reach the container (run)" {
	local marker="$BATS_TEST_TMPDIR/fd-marker"
	: >"$marker"
	set_cmd "$LIST_FDS"
	"$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$CTR" </dev/null >"$BATS_TEST_TMPDIR/out" \
		2>"$BATS_TEST_TMPDIR/err" 3>"$marker" 4<"$marker" 9>"$marker"
	output=$(cat "$BATS_TEST_TMPDIR/out")
	echo "$output" >&2
	assert_equal "$(fd_numbers)" "0 1 2"
	assert_output_not_contains fd-marker
}

@test "fds: an fd inherited from the caller does not reach the container (create/start)" {
	local marker="$BATS_TEST_TMPDIR/fd-marker" out="$BATS_TEST_TMPDIR/out"
	: >"$marker"
	set_cmd "$LIST_FDS"
	"$ISORUN" --root "$ROOT" create --bundle "$BUNDLE" "$CTR" </dev/null >"$out" 2>&1 3>"$marker" 5>"$marker"
	iso_run isorun start "$CTR"
	assert_success
	wait_for_status "$CTR" stopped
	output=$(cat "$out")
	echo "$output" >&2
	assert_equal "$(fd_numbers)" "0 1 2"
	assert_output_not_contains fd-marker
}

@test "fds: --preserve-fds 1 passes fd 3 and nothing above it" {
	local marker="$BATS_TEST_TMPDIR/fd3-marker" other="$BATS_TEST_TMPDIR/fd4-marker"
	local out="$BATS_TEST_TMPDIR/out"
	echo "through fd 3" >"$marker"
	: >"$other"
	set_cmd "$LIST_FDS"'; cat <&3'
	"$ISORUN" --root "$ROOT" create --preserve-fds 1 --bundle "$BUNDLE" "$CTR" </dev/null \
		>"$out" 2>&1 3<"$marker" 4<"$other"
	iso_run isorun start "$CTR"
	assert_success
	wait_for_status "$CTR" stopped
	output=$(cat "$out")
	echo "$output" >&2
	assert_equal "$(fd_numbers)" "0 1 2 3"
	assert_output_contains "3 -> $marker"
	assert_output_contains "through fd 3"
	assert_output_not_contains fd4-marker
}

# activated ARGS...: the runtime started the way systemd starts a socket-activated service:
# LISTEN_FDS=2 and LISTEN_PID=its own pid, with fds 3 and 4 open (two marker files here).
activated() {
	echo sock-three >"$BATS_TEST_TMPDIR/l3"
	echo sock-four >"$BATS_TEST_TMPDIR/l4"
	output=$(bash -c 'export LISTEN_FDS=2 LISTEN_PID=$$; exec "$@"' activated \
		"$ISORUN" --root "$ROOT" "$@" 3<"$BATS_TEST_TMPDIR/l3" 4<"$BATS_TEST_TMPDIR/l4" </dev/null)
	mapfile -t lines <<<"$output"
}

@test "socket activation: LISTEN_FDS fds reach the container with LISTEN_FDS and LISTEN_PID=1" {
	set_cmd 'echo "fds=$LISTEN_FDS pid=$LISTEN_PID"; cat <&3; cat <&4; ls /proc/$$/fd/; true'
	activated run --bundle "$BUNDLE" "$CTR"
	assert_equal "${lines[0]}" "fds=2 pid=1"
	assert_equal "${lines[1]}" sock-three
	assert_equal "${lines[2]}" sock-four
	[[ " $(echo ${lines[@]:3}) " != *" 5 "* ]] || fail "an fd above the activated ones passed: ${lines[*]}"
}

@test "socket activation: LISTEN_PID naming another process passes nothing" {
	set_cmd 'echo "fds=${LISTEN_FDS:-none}"; ls /proc/$$/fd/; true'
	echo x >"$BATS_TEST_TMPDIR/l3"
	output=$(LISTEN_FDS=1 LISTEN_PID=1 "$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$CTR" \
		3<"$BATS_TEST_TMPDIR/l3" </dev/null)
	mapfile -t lines <<<"$output"
	assert_equal "${lines[0]}" "fds=none"
	[[ " $(echo ${lines[@]:1}) " != *" 3 "* ]] || fail "fd 3 passed: ${lines[*]}"
}

@test "socket activation: exec passes them too, with LISTEN_PID the exec'd process's pid" {
	set_args /bin/sleep 600
	iso_run isorun run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	activated exec "$CTR" /bin/sh -c 'echo "fds=$LISTEN_FDS pid=$LISTEN_PID self=$$"; cat <&3'
	[[ "${lines[0]}" =~ ^fds=2\ pid=([0-9]+)\ self=([0-9]+)$ ]] || fail "got: ${lines[0]}"
	assert_equal "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
	assert_equal "${lines[1]}" sock-three
	iso_run isorun delete --force "$CTR"
}

@test "time namespace: linux.timeOffsets move the container's boot and monotonic clocks" {
	[ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces"
	update_config '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"boottime": {"secs": 864000000, "nanosecs": 5},
			"monotonic": {"secs": 3600}}'
	set_cmd 'cut -d. -f1 /proc/uptime; tr -s " " </proc/self/timens_offsets'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	[ "${lines[0]}" -ge 864000000 ] || fail "uptime ${lines[0]}: the boottime offset is missing"
	assert_output_contains "monotonic 3600 0"
	assert_output_contains "boottime 864000000 5"
}
