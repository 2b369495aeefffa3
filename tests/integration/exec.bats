#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# exec: a new process in a running container: its namespaces and cgroups, the config's process
# settings with runc's overrides (-e, --cwd, -u, -g, --cap, --no-new-privs, --process), exit
# status, terminals, --detach/--pid-file, and which fds reach it.

load helpers

# start_sleeper: a running container whose init sleeps
start_sleeper() {
	set_args /bin/sleep 600
	iso_run isorun run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	wait_for_status "$CTR" running
	INIT_PID=$(ctr_pid "$CTR")
}

stop_sleeper() {
	iso_run isorun delete --force "$CTR"
	assert_success
}

@test "exec: runs in every namespace of the container, and its status comes back" {
	update_config '.hostname = "exec-host"'
	start_sleeper
	iso_run isorun exec "$CTR" /bin/sh -c 'hostname; echo "pid $$"; tr "\0" " " </proc/1/cmdline; echo; exit 7'
	assert_equal "$status" 7
	assert_equal "${lines[0]}" exec-host
	[ "${lines[1]}" != "pid 1" ] || fail "the exec'd process is pid 1"
	assert_output_contains "/bin/sleep 600"
	stop_sleeper
	assert_no_leftovers
}

# bats test_tags=cgroup
@test "exec: --detach --pid-file: the process lives in the container's namespaces and cgroups" {
	start_sleeper
	iso_run isorun exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CTR" /bin/sleep 600
	assert_success
	local pid ns
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	host_pid_alive "$pid" || fail "exec'd process $pid is not running"
	for ns in pid mnt net ipc uts cgroup; do
		[ "/proc/$pid/ns/$ns" -ef "/proc/$INIT_PID/ns/$ns" ] || fail "not in the container's $ns namespace"
	done
	# the container's own cgroups (isorun makes them at /isorun/ID), in every hierarchy
	grep -q "$CTR" "/proc/$INIT_PID/cgroup" || fail "the init is not in its cgroup: $(cat /proc/$INIT_PID/cgroup)"
	assert_equal "$(cat /proc/$pid/cgroup)" "$(cat /proc/$INIT_PID/cgroup)"
	stop_sleeper
	host_pid_alive "$pid" && fail "the exec'd process survived delete --force"
	assert_no_leftovers
}

@test "exec: a paused container refuses exec; --ignore-paused runs it once resumed" {
	start_sleeper
	iso_run isorun pause "$CTR"
	assert_success
	iso_run isorun exec "$CTR" /bin/true
	# runc's status for an exec the container refuses: clients read it
	assert_status 255
	assert_stderr_contains paused
	iso_run isorun exec --ignore-paused --detach --pid-file "$BATS_TEST_TMPDIR/p.pid" "$CTR" \
		/bin/sh -c 'echo ran >/tmp/ran; sleep 600'
	assert_success
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/p.pid")
	assert_equal "$(cat /proc/$pid/cgroup)" "$(cat /proc/$INIT_PID/cgroup)"
	# frozen with the container until it is resumed
	sleep 0.3
	[ ! -e "/proc/$INIT_PID/root/tmp/ran" ] || fail "the process ran in a paused container"
	iso_run isorun resume "$CTR"
	assert_success
	retry 50 0.1 test -e "/proc/$INIT_PID/root/tmp/ran" || fail "the process did not run after resume"
	stop_sleeper
	assert_no_leftovers
}

@test "exec: -e, --cwd, -u UID:GID and -g override the config's process" {
	update_config '.process.env = ["PATH=/bin:/usr/bin", "KEEP=1", "OVER=old"]'
	start_sleeper
	iso_run isorun exec -e OVER=new -e ADDED=yes --cwd /etc -u 1000:1001 -g 44 "$CTR" \
		/bin/sh -c 'echo "$KEEP $OVER $ADDED"; pwd; id -u; id -g; id -G'
	assert_success
	assert_equal "${lines[0]}" "1 new yes"
	assert_equal "${lines[1]}" /etc
	assert_equal "${lines[2]}" 1000
	assert_equal "${lines[3]}" 1001
	[[ " ${lines[4]} " == *" 44 "* ]] || fail "additional gid missing: ${lines[4]}"
	stop_sleeper
}

@test "exec: --cap adds a capability, --no-new-privs sets no_new_privs" {
	update_config '.process.noNewPrivileges = false'
	start_sleeper
	iso_run isorun exec "$CTR" /bin/grep -E '^(CapBnd|NoNewPrivs)' /proc/self/status
	assert_success
	local before
	before=$(sed -n 's/^CapBnd:\t//p' <<<"$output")
	assert_output_contains "NoNewPrivs:	0"
	(( (0x$before & (1 << 21)) == 0 )) || fail "CAP_SYS_ADMIN already in the bounding set"
	iso_run isorun exec --cap CAP_SYS_ADMIN --no-new-privs "$CTR" /bin/grep -E '^(CapBnd|CapEff|NoNewPrivs)' /proc/self/status
	assert_success
	assert_output_contains "NoNewPrivs:	1"
	local eff
	eff=$(sed -n 's/^CapEff:\t//p' <<<"$output")
	(( (0x$eff & (1 << 21)) != 0 )) || fail "CAP_SYS_ADMIN not effective: $output"
	stop_sleeper
}

@test "exec: --process FILE replaces the config's process" {
	start_sleeper
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'EOF2'
	{"args": ["/bin/sh", "-c", "echo from-file $X; pwd"], "env": ["X=42"], "cwd": "/tmp",
	 "user": {"uid": 0, "gid": 0}}
	EOF2
	iso_run isorun exec --process "$BATS_TEST_TMPDIR/process.json" "$CTR"
	assert_success
	assert_equal "${lines[0]}" "from-file 42"
	assert_equal "${lines[1]}" /tmp
	stop_sleeper
}

@test "exec: --process reads a pipe to its end (as <(...) gives)" {
	start_sleeper
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'EOF2'
	{"args": ["/bin/sh", "-c", "echo from-pipe $X"], "env": ["X=43"], "cwd": "/",
	 "user": {"uid": 0, "gid": 0}}
	EOF2
	# a writer that sends the document in pieces: a pipe's first read may not hold all of it
	iso_run isorun exec --process <(head -c 40 "$BATS_TEST_TMPDIR/process.json"; sleep 0.3
		tail -c +41 "$BATS_TEST_TMPDIR/process.json") "$CTR"
	assert_success
	assert_equal "${lines[0]}" "from-pipe 43"
	iso_run isorun exec --process <(cat "$BATS_TEST_TMPDIR/process.json") "$CTR"
	assert_success
	assert_equal "${lines[0]}" "from-pipe 43"
	stop_sleeper
}

@test "exec: a malformed --process file is an error naming the file and field, nothing started" {
	start_sleeper
	echo '{"args": "not-an-array", "cwd": "/"}' >"$BATS_TEST_TMPDIR/bad.json"
	snapshot_host_state
	iso_run isorun exec --process "$BATS_TEST_TMPDIR/bad.json" "$CTR"
	assert_failure
	assert_one_line_error
	assert_stderr_contains "bad.json"
	assert_stderr_contains "args"
	assert_no_leftovers
	stop_sleeper
}

@test "exec: a program that does not exist exits 127 with the words podman maps" {
	start_sleeper
	snapshot_host_state
	iso_run isorun exec "$CTR" no-such-program
	assert_equal "$status" 127
	assert_stderr_contains "executable file not found in \$PATH"
	assert_no_leftovers
	stop_sleeper
}

@test "exec: unknown, stopped (status 255, as runc) and missing-command cases fail with one line, start nothing" {
	iso_run isorun exec "$CTR" /bin/true
	assert_status 255
	assert_one_line_error
	assert_stderr_contains "$CTR"
	set_args /bin/true
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	iso_run isorun start "$CTR"
	wait_for_status "$CTR" stopped
	iso_run isorun exec "$CTR" /bin/true
	assert_status 255
	assert_stderr_contains stopped
	iso_run isorun delete "$CTR"
	start_sleeper
	iso_run isorun exec "$CTR"
	assert_failure
	assert_stderr_contains "command"
	stop_sleeper
	assert_no_leftovers
}

@test "exec: --tty without --console-socket proxies the terminal" {
	start_sleeper
	printf 'typed-line\n' >"$BATS_TEST_TMPDIR/in"
	iso_run --in "$BATS_TEST_TMPDIR/in" isorun exec --tty "$CTR" /bin/sh -c 'tty; read l; echo "got:$l"'
	assert_success
	output=$(tr -d '\r' <<<"$output")
	assert_output_contains /dev/pts/
	assert_output_contains got:typed-line
	stop_sleeper
}

@test "exec: an fd of the caller does not reach the process; --preserve-fds 1 passes fd 3" {
	start_sleeper
	exec 4>"$BATS_TEST_TMPDIR/fd3"
	run_list() {
		"$ISORUN" --root "$ROOT" exec "$@" "$CTR" /bin/sh -c 'ls /proc/$$/fd/; true' 3>&4 </dev/null
	}
	output=$(run_list)
	[[ " $(echo $output) " != *" 3 "* ]] || fail "fd 3 reached the process: $output"
	output=$(run_list --preserve-fds 1)
	[[ " $(echo $output) " == *" 3 "* ]] || fail "fd 3 was not passed: $output"
	exec 4>&-
	stop_sleeper
}
