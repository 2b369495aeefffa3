#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# process.terminal: the runtime makes a pty in the container and sends its master over
# --console-socket (SCM_RIGHTS).  tests/fixtures/recvtty.c is the receiving end (what conmon
# and containerd-shim do), compiled once per file.

load helpers

setup_file() {
	iso_setup_file
	command -v cc >/dev/null || {
		echo "cc not found: install the Debian package gcc" >&2
		return 1
	}
	RECVTTY="$BATS_FILE_TMPDIR/recvtty"
	cc -O2 -Wall -Wextra -Werror -o "$RECVTTY" "$ISORUN_SRCDIR/tests/fixtures/recvtty.c"
	export RECVTTY
}

setup() {
	iso_setup
	SOCK="$BATS_TEST_TMPDIR/tty.sock"
	TTY_OUT="$BATS_TEST_TMPDIR/tty.out"
	update_config '.process.terminal = true'
}

# start_recvtty [INPUT]: start the receiver in the background, wait until it listens.
start_recvtty() {
	"$RECVTTY" "$SOCK" "$TTY_OUT" "$@" </dev/null >"$BATS_TEST_TMPDIR/recvtty.log" 2>&1 3>&- &
	RECVTTY_PID=$!
	wait_for_file "$SOCK.ready"
}

# wait_recvtty: wait for the receiver to finish (the container closed the terminal).
wait_recvtty() {
	local i
	for ((i = 0; i < 300; i++)); do
		kill -0 "$RECVTTY_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$RECVTTY_PID" 2>/dev/null; then
		kill "$RECVTTY_PID"
		wait "$RECVTTY_PID" || true
		fail "recvtty still running after 15s: $(cat "$BATS_TEST_TMPDIR/recvtty.log")"
	fi
	wait "$RECVTTY_PID" || fail "recvtty failed: $(cat "$BATS_TEST_TMPDIR/recvtty.log")"
	# the terminal turns \n into \r\n
	output=$(tr -d '\r' <"$TTY_OUT")
	echo "terminal output: $output" >&2
}

@test "terminal: the pty master arrives over --console-socket and carries the output" {
	set_cmd 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-three-tty; echo term-ok'
	start_recvtty
	iso_run isorun create --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR"
	assert_success
	wait_for_file "$SOCK.info"
	[[ "$(cat "$SOCK.info")" =~ ^ptmx\ [0-9]+$ ]] || fail "received: $(cat "$SOCK.info")"
	iso_run isorun start "$CTR"
	assert_success
	wait_recvtty
	assert_output_contains "/dev/pts/"
	assert_output_contains all-three-tty
	assert_output_contains term-ok
	wait_for_status "$CTR" stopped
	iso_run isorun delete "$CTR"
	assert_success
	assert_no_leftovers
}

@test "terminal: input written to the master reaches an interactive shell" {
	set_args /bin/sh
	start_recvtty 'echo typed-$((6*7)); exit 0
'
	iso_run isorun create --bundle "$BUNDLE" --console-socket="$SOCK" "$CTR"
	assert_success
	iso_run isorun start "$CTR"
	assert_success
	wait_recvtty
	# the terminal echoes the line as typed; only the shell can print the sum
	assert_output_contains typed-42
	wait_for_status "$CTR" stopped
}

@test "terminal: /dev/console is the container's terminal" {
	set_cmd '[ -c /dev/console ] && echo console-is-char; stat -c "%t:%T" /dev/console $(tty)'
	start_recvtty
	iso_run isorun create --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR"
	assert_success
	iso_run isorun start "$CTR"
	assert_success
	wait_recvtty
	assert_output_contains console-is-char
	# same major:minor as the process's own tty
	local -a mm
	mapfile -t mm < <(grep -E '^[0-9a-f]+:[0-9a-f]+$' <<<"$output")
	[ "${#mm[@]}" -eq 2 ] || fail "unexpected output"
	assert_equal "${mm[0]}" "${mm[1]}"
}

@test "terminal: true without --console-socket on create is an error, nothing left" {
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_stderr_contains console
	iso_run isorun state "$CTR"
	assert_failure
}

@test "terminal: a --console-socket that does not exist is an error naming it" {
	iso_run isorun create --bundle "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/no-such.sock" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_stderr_contains "no-such.sock"
}

@test "terminal: run without --console-socket proxies the pty through its own stdin and stdout" {
	set_cmd 'read line; echo "got:$line"; tty; echo "exit-code-next"; exit 7'
	printf 'hello-proxy\n' >"$BATS_TEST_TMPDIR/in"
	iso_run --in "$BATS_TEST_TMPDIR/in" isorun run --bundle "$BUNDLE" "$CTR"
	assert_equal "$status" 7
	output=$(tr -d '\r' <<<"$output")
	assert_output_contains "got:hello-proxy"
	assert_output_contains "/dev/pts/"
	assert_no_leftovers
}

@test "terminal: run of an interactive shell with stdin at its end exits (spec's defaults)" {
	# The shell switches its terminal to raw mode for line editing after the end of input
	# was already forwarded: the EOF character must reach it again after the switch.
	update_config '.process.args = ["sh"]'
	: >"$BATS_TEST_TMPDIR/empty"
	ISO_CMD_TIMEOUT=20 iso_run --in "$BATS_TEST_TMPDIR/empty" isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_no_leftovers
}

@test "terminal: run on a real terminal passes its size and its input" {
	command -v script >/dev/null || fail "script(1) not found: install the Debian package bsdutils"
	set_cmd 'stty size; read line; echo "line:$line"'
	local cmd
	printf -v cmd 'stty rows 33 cols 77; %q --root %q run --bundle %q %q' \
		"$ISORUN" "$ROOT" "$BUNDLE" "$CTR"
	# script gives the runtime a pty as stdin; the input line arrives through it
	iso_run --in <(sleep 1; printf 'typed\r'; sleep 2) script -qec "$cmd" /dev/null
	assert_success
	output=$(tr -d '\r' <<<"$output")
	assert_output_contains "33 77"
	assert_output_contains "line:typed"
	assert_no_leftovers
}

@test "terminal: run --detach without --console-socket is an error, nothing left" {
	iso_run isorun run --detach --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_stderr_contains console
	assert_no_leftovers
}

@test "terminal: exec in a container whose config has terminal true uses no terminal without -t" {
	set_args /bin/sleep 600
	start_recvtty
	iso_run isorun create --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR"
	assert_success
	iso_run isorun exec "$CTR" echo hi
	assert_success
	# exactly "hi\n": a terminal would have made it "hi\r\n"
	[ "$(od -An -c "$run_out" | tr -s ' ')" = " h i \n" ] || fail "exec output: $(od -c "$run_out")"
	# and --detach asks for no console socket
	iso_run isorun exec --detach "$CTR" /bin/true
	assert_success
	iso_run isorun delete --force "$CTR"
	assert_success
	wait_recvtty
}

@test "terminal: the pty belongs to process.user (create, and exec -t --user)" {
	update_config '.process.user = {uid: 1000, gid: 1000}'
	set_cmd 'stat -c "owner %u:%g" $(tty); sleep 600'
	start_recvtty
	iso_run isorun create --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR"
	assert_success
	iso_run isorun start "$CTR"
	assert_success
	wait_for_content "$TTY_OUT" "owner "
	# the group stays devpts' gid=5 (tty), as runc leaves it
	grep -q "owner 1000:5" "$TTY_OUT" || fail "pty owner: $(cat "$TTY_OUT")"
	iso_run isorun exec -t --user 1000:1000 "$CTR" /bin/sh -c 'stat -c "owner %u" $(tty)'
	assert_success
	assert_output_contains "owner 1000"
	iso_run isorun delete --force "$CTR"
	assert_success
	wait_recvtty
}
