#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The container lifecycle: run, create, start, state, kill, delete, list, and --root.

load helpers

# A container that waits (as pid 1, in its own pid namespace) until the test creates
# $SHARED/go, then prints "done" and exits 0.
wait_for_go_cmd() {
	bind_shared
	set_cmd 'echo ready >/shared/ready; while [ ! -e /shared/go ]; do sleep 0.05; done; echo done'
}

# A container that writes the name of every TERM/USR1/HUP it gets to /shared/signals
# (exiting 0 on TERM), so that signal delivery is visible from the host.
signal_recorder_cmd() {
	bind_shared
	set_cmd 'trap "echo TERM >>/shared/signals; exit 0" TERM
		trap "echo USR1 >>/shared/signals" USR1
		trap "echo HUP >>/shared/signals" HUP
		echo ready >/shared/ready
		while :; do sleep 0.05; done'
}

# create_and_start ID: create (detached, bundle $BUNDLE) and start; wait for /shared/ready
# when the container is a waiter or recorder above.
create_and_start() {
	iso_run isorun create --bundle "$BUNDLE" "$1"
	assert_success
	iso_run isorun start "$1"
	assert_success
}

@test "run: the hello bundle prints its greeting, pid 1 and its hostname" {
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	[ "${#lines[@]}" -eq 3 ] || fail "expected 3 lines, got ${#lines[@]}"
	assert_equal "${lines[0]}" "hello from sandbox"
	assert_equal "${lines[1]}" "pid 1"
	assert_equal "${lines[2]}" "hello"
	# The host's name is untouched (this file runs in a uts namespace of its own, but the
	# runtime must not have renamed it either).
	[ "$(hostname)" != hello ]
	# run deletes the container when it exits
	iso_run isorun state "$CTR"
	assert_failure
	assert_no_leftovers
}

@test "run: -b DIR and --bundle=DIR and the current directory all name the bundle" {
	iso_run isorun run -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "hello from sandbox"
	iso_run isorun run --bundle="$BUNDLE" "$CTR2"
	assert_success
	assert_output_contains "hello from sandbox"
	cd "$BUNDLE"
	iso_run isorun run "$CTR3"
	assert_success
	assert_output_contains "hello from sandbox"
}

@test "lifecycle: create -> created -> start -> running -> exit -> stopped -> delete" {
	wait_for_go_cmd
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	local ctr_out=$run_out

	# created: a live pid, and the user program has not run yet
	iso_run isorun state "$CTR"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" created
	local pid
	pid=$(jq -r .pid <<<"$output")
	[ "$pid" -gt 1 ] || fail "created container has pid '$pid'"
	host_pid_alive "$pid" || fail "pid $pid of the created container does not exist"
	sleep 0.2
	[ ! -e "$SHARED/ready" ] || fail "the user program ran before start"

	iso_run isorun start "$CTR"
	assert_success
	wait_for_file "$SHARED/ready"
	iso_run isorun state "$CTR"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" running
	assert_equal "$(jq -r .pid <<<"$output")" "$pid"

	touch "$SHARED/go"
	wait_for_status "$CTR" stopped
	wait_for_content "$ctr_out" done
	! host_pid_alive "$pid" || fail "pid $pid still alive after the container stopped"

	iso_run isorun delete "$CTR"
	assert_success
	iso_run isorun state "$CTR"
	assert_failure
	assert_stderr_contains "does not exist"
	assert_no_leftovers
}

@test "state: reports ociVersion, id, status, pid, bundle, rootfs, created and annotations" {
	update_config '.annotations = {"org.example.key": "value 1"}'
	wait_for_go_cmd
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun state "$CTR"
	assert_success
	jq -e . <<<"$output" >/dev/null || fail "state is not JSON"
	assert_equal "$(jq -r .id <<<"$output")" "$CTR"
	assert_equal "$(jq -r .status <<<"$output")" created
	assert_equal "$(jq -r .bundle <<<"$output")" "$BUNDLE"
	assert_equal "$(jq -r .rootfs <<<"$output")" "$BUNDLE/rootfs"
	assert_equal "$(jq -r '.annotations["org.example.key"]' <<<"$output")" "value 1"
	jq -e '.ociVersion | type == "string" and length > 0' <<<"$output" >/dev/null ||
		fail "no ociVersion"
	jq -e '.pid | type == "number" and . > 0' <<<"$output" >/dev/null || fail "no pid"
	# RFC 3339
	jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")' \
		<<<"$output" >/dev/null || fail "created is not an RFC 3339 time"
}

@test "state: a stopped container reports pid 0" {
	set_cmd 'exit 0'
	create_and_start "$CTR"
	wait_for_status "$CTR" stopped
	iso_run isorun state "$CTR"
	assert_success
	assert_equal "$(jq -r .pid <<<"$output")" 0
}

@test "state: a pid 1 that died unseen reads stopped; its pid, reused, is not mistaken for it" {
	set_cmd 'sleep 1000'
	create_and_start "$CTR"
	local pid
	pid=$(isorun state "$CTR" | jq -r .pid)
	# Killed behind the runtime's back: nobody of isorun's waits for it.
	kill -KILL "$pid"
	wait_for_status "$CTR" stopped
	iso_run isorun list --format json
	assert_equal "$(jq -r --arg id "$CTR" '.[] | select(.id == $id) | .status' <<<"$output")" stopped
	# Pid reuse, made certain: the state now names a live process of the host's, with the
	# init's start time.  Only the start time tells them apart.
	sleep 1000 &
	local other=$!
	local state="$ROOT/$CTR/state.json"
	jq --argjson p "$other" '.pid = $p' "$state" >"$state.new" && mv "$state.new" "$state"
	iso_run isorun state "$CTR"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" stopped
	assert_equal "$(jq -r .pid <<<"$output")" 0
	iso_run isorun kill "$CTR" KILL
	assert_failure
	assert_stderr_contains "not running"
	iso_run isorun delete --force "$CTR"
	assert_success
	kill -0 "$other" || fail "delete --force killed the process that reused the pid"
	kill "$other"
	wait "$other" || true
	assert_no_leftovers
}

@test "list and state: a paused container reads paused in both, running again after resume" {
	set_cmd 'sleep 1000'
	create_and_start "$CTR"
	iso_run isorun pause "$CTR"
	assert_success
	assert_equal "$(isorun state "$CTR" | jq -r .status)" paused
	iso_run isorun list --format json
	assert_equal "$(jq -r --arg id "$CTR" '.[] | select(.id == $id) | .status' <<<"$output")" paused
	iso_run isorun list
	assert_output_contains "paused"
	iso_run isorun resume "$CTR"
	assert_success
	assert_equal "$(isorun state "$CTR" | jq -r .status)" running
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_leftovers
}

# runc's --no-pivot (for ramdisk roots, where pivot_root fails): the rootfs moved onto / and
# chrooted into, with a warning that the old root stays reachable.
@test "run --no-pivot: / is the rootfs, the host's root is out of sight, a warning says why" {
	touch "$BUNDLE/rootfs/marker-$ID_TAG"
	set_cmd "ls /marker-$ID_TAG && ls /bin/busybox && ! ls /usr 2>/dev/null && echo only-rootfs"
	iso_run isorun run --no-pivot --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "/marker-$ID_TAG"
	assert_output_contains only-rootfs
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "expected the one warning line on stderr"
	assert_stderr_contains "warning: run: --no-pivot"
	assert_stderr_contains "CAP_SYS_CHROOT"
	# exec lands in the moved root too
	set_args /bin/sleep 1000
	iso_run isorun run --detach --bundle "$BUNDLE" "$CTR2" --no-pivot
	assert_success
	iso_run isorun exec "$CTR2" ls "/marker-$ID_TAG"
	assert_success
	iso_run isorun delete --force "$CTR2"
	assert_success
	assert_no_leftovers
}

@test "kill: with no signal sends TERM" {
	signal_recorder_cmd
	create_and_start "$CTR"
	wait_for_file "$SHARED/ready"
	iso_run isorun kill "$CTR"
	assert_success
	wait_for_status "$CTR" stopped
	assert_equal "$(cat "$SHARED/signals")" TERM
}

@test "kill: TERM, SIGTERM and 15 all send TERM" {
	local id spelling
	signal_recorder_cmd
	for spelling in TERM SIGTERM 15; do
		case $spelling in TERM) id=$CTR ;; SIGTERM) id=$CTR2 ;; 15) id=$CTR3 ;; esac
		rm -f "$SHARED/ready" "$SHARED/signals"
		create_and_start "$id"
		wait_for_file "$SHARED/ready"
		iso_run isorun kill "$id" "$spelling"
		assert_success
		wait_for_status "$id" stopped
		assert_equal "$(cat "$SHARED/signals")" TERM
	done
}

@test "kill: USR1, SIGUSR1 and 10 reach a trap in the container, which keeps running" {
	signal_recorder_cmd
	create_and_start "$CTR"
	wait_for_file "$SHARED/ready"
	# One at a time: a second USR1 sent while the first is still pending merges with it.
	local spelling n=0 i
	for spelling in USR1 SIGUSR1 10; do
		iso_run isorun kill "$CTR" "$spelling"
		assert_success
		n=$((n + 1))
		for ((i = 0; i < 100; i++)); do
			[ "$(grep -c USR1 "$SHARED/signals")" -eq $n ] && break
			sleep 0.05
		done
	done
	assert_equal "$(cat "$SHARED/signals")" "$(printf 'USR1\nUSR1\nUSR1')"
	assert_equal "$(ctr_status "$CTR")" running
	iso_run isorun kill "$CTR" HUP
	assert_success
	wait_for_content "$SHARED/signals" HUP
}

@test "kill: KILL, SIGKILL and 9 stop a container that traps everything else" {
	local id spelling pid
	signal_recorder_cmd
	for spelling in KILL SIGKILL 9; do
		case $spelling in KILL) id=$CTR ;; SIGKILL) id=$CTR2 ;; 9) id=$CTR3 ;; esac
		rm -f "$SHARED/ready"
		create_and_start "$id"
		wait_for_file "$SHARED/ready"
		pid=$(ctr_pid "$id")
		iso_run isorun kill "$id" "$spelling"
		assert_success
		wait_for_status "$id" stopped
		! host_pid_alive "$pid" || fail "pid $pid survived kill $spelling"
	done
	# none of them saw TERM: KILL is not TERM
	[ ! -e "$SHARED/signals" ]
}

@test "kill: an unknown signal name is an error and the container is unaffected" {
	signal_recorder_cmd
	create_and_start "$CTR"
	wait_for_file "$SHARED/ready"
	iso_run isorun kill "$CTR" SIGNOTASIGNAL
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
	iso_run isorun kill "$CTR" 99999
	assert_failure
	sleep 0.2
	assert_equal "$(ctr_status "$CTR")" running
	[ ! -e "$SHARED/signals" ]
}

@test "kill: a stopped container is 'not running'" {
	set_cmd 'exit 0'
	create_and_start "$CTR"
	wait_for_status "$CTR" stopped
	iso_run isorun kill "$CTR" 9
	assert_error "not running"
}

# Clients (and runc's own tests) use signal 0 to ask whether a container still runs.
@test "kill: signal 0 checks liveness: 0 while running, 'not running' once stopped" {
	signal_recorder_cmd
	create_and_start "$CTR"
	wait_for_file "$SHARED/ready"
	iso_run isorun kill "$CTR" 0
	assert_success
	iso_run isorun kill --all "$CTR" 0
	assert_success
	iso_run isorun kill "$CTR" SIG0
	assert_error "unknown signal"
	assert_equal "$(ctr_status "$CTR")" running
	[ ! -e "$SHARED/signals" ] || fail "signal 0 delivered a signal"
	iso_run isorun kill "$CTR" KILL
	assert_success
	wait_for_status "$CTR" stopped
	iso_run isorun kill "$CTR" 0
	assert_error "not running"
}

@test "kill --all: every process of the container gets the signal, not only pid 1" {
	bind_shared
	set_cmd 'trap "echo USR1 >>/shared/signals" USR1
		sleep 1000 &
		child=$!
		echo ready >/shared/ready
		while :; do
			kill -0 $child 2>/dev/null || { echo gone >/shared/child-gone; exit 0; }
			sleep 0.05
		done'
	create_and_start "$CTR"
	wait_for_file "$SHARED/ready"
	# without --all only pid 1 gets it: the background sleep lives on
	iso_run isorun kill "$CTR" USR1
	assert_success
	wait_for_content "$SHARED/signals" USR1
	sleep 0.3
	[ ! -e "$SHARED/child-gone" ] || fail "kill without --all reached a process other than pid 1"
	# with --all the sleep dies too (and pid 1, trapping USR1, then exits by itself)
	iso_run isorun kill --all "$CTR" USR1
	assert_success
	wait_for_file "$SHARED/child-gone"
	wait_for_status "$CTR" stopped
}

@test "kill: TERM stops a created container (as runc), whose program then never runs" {
	wait_for_go_cmd
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun kill "$CTR" TERM
	assert_success
	wait_for_status "$CTR" stopped
	iso_run isorun start "$CTR"
	assert_failure
	sleep 0.2
	[ ! -e "$SHARED/ready" ] || fail "the program of a container killed while created ran"
	iso_run isorun delete "$CTR"
	assert_success
	assert_no_leftovers
}

@test "kill: a signal whose default is to ignore it leaves a created container created" {
	wait_for_go_cmd
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun kill "$CTR" WINCH
	assert_success
	sleep 0.2
	assert_equal "$(ctr_status "$CTR")" created
	iso_run isorun start "$CTR"
	assert_success
	wait_for_file "$SHARED/ready"
}

# delete_from_foreign_pidns [--force]: delete $CTR from a new pid namespace with its own /proc,
# in which the container's processes are invisible (cgroup.procs lists them as 0), as the
# leader of a process group that also holds a bystander; prints what the caller saw.
delete_from_foreign_pidns() {
	unshare --pid --fork --mount-proc setsid sh -c '
		sleep 300 &
		bystander=$!
		"$1" --root "$2" delete $4 "$3"
		echo "delete: $?"
		kill -0 $bystander && echo "bystander: alive"
		kill $bystander' sh "$ISORUN" "$ROOT" "$CTR" "${1:-}" 2>&1
}

@test "delete from another pid namespace kills the container, never the caller's process group" {
	local force pid out
	bind_shared
	for force in --force ""; do
		set_cmd 'echo ready >/shared/pid.new; mv /shared/pid.new /shared/pid; exec sleep 1000'
		# Without --force: a stopped container whose orphan lives on in its cgroup.
		[ -n "$force" ] || {
			update_config '.linux.namespaces |= map(select(.type != "pid"))'
			set_cmd 'sleep 1000 & echo $! >/shared/pid.new; mv /shared/pid.new /shared/pid'
		}
		rm -f "$SHARED/pid"
		create_and_start "$CTR"
		wait_for_file "$SHARED/pid"
		[ -n "$force" ] || wait_for_status "$CTR" stopped
		pid=$(cat "$SHARED/pid")
		[ -n "$force" ] || host_pid_alive "$pid" || fail "the orphan is not running"
		[ -z "$force" ] || pid=$(ctr_pid "$CTR")
		out=$(delete_from_foreign_pidns $force)
		[[ "$out" == *"delete: 0"* ]] || fail "delete $force did not finish: $out"
		[[ "$out" == *"bystander: alive"* ]] || fail "delete $force killed its caller's group: $out"
		retry 40 0.05 eval '! host_pid_alive '"$pid" || fail "pid $pid survived delete $force"
		iso_run isorun state "$CTR"
		assert_error "does not exist"
		assert_no_leftovers
	done
}

@test "run: the container's exit status is the runtime's (exit 3 -> 3)" {
	set_cmd 'exit 3'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_status 3
	set_cmd 'exit 0'
	iso_run isorun run --bundle "$BUNDLE" "$CTR2"
	assert_status 0
	assert_no_leftovers
}

@test "run: a container killed by KILL makes run exit 137" {
	signal_recorder_cmd
	local out="$BATS_TEST_TMPDIR/run.out" pid st
	"$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$CTR" </dev/null >"$out" 2>&1 3>&- &
	pid=$!
	wait_for_file "$SHARED/ready"
	wait_for_status "$CTR" running
	iso_run isorun kill "$CTR" KILL
	assert_success
	wait "$pid" && st=0 || st=$?
	assert_equal "$st" 137
	# run deleted the container
	iso_run isorun state "$CTR"
	assert_failure
	assert_no_leftovers
}

@test "run: a container that exits on TERM (trapped) gives its own status" {
	bind_shared
	set_cmd 'trap "exit 42" TERM; echo ready >/shared/ready; while :; do sleep 0.05; done'
	local out="$BATS_TEST_TMPDIR/run.out" pid st
	"$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$CTR" </dev/null >"$out" 2>&1 3>&- &
	pid=$!
	wait_for_file "$SHARED/ready"
	iso_run isorun kill "$CTR" TERM
	assert_success
	wait "$pid" && st=0 || st=$?
	assert_equal "$st" 42
}

@test "run: passes on the caller's signals as runc does, SIGPWR and SIGRTMIN+3 too" {
	bind_shared
	# 37: glibc's SIGRTMIN+3, which stops a systemd running as the container's init
	set_cmd 'trap "echo PWR >>/shared/signals" PWR
		trap "echo RTMIN+3 >>/shared/signals; exit 5" 37
		echo ready >/shared/ready
		while :; do sleep 0.05; done'
	local out="$BATS_TEST_TMPDIR/run.out" pid st
	"$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$CTR" </dev/null >"$out" 2>&1 3>&- &
	pid=$!
	wait_for_file "$SHARED/ready"
	kill -PWR "$pid"
	wait_for_content "$SHARED/signals" PWR
	kill -n 37 "$pid"
	wait "$pid" && st=0 || st=$?
	assert_equal "$st" 5
	assert_equal "$(cat "$SHARED/signals")" "$(printf 'PWR\nRTMIN+3')"
	assert_no_leftovers
}

@test "delete --force: removes a running container and its processes" {
	wait_for_go_cmd
	create_and_start "$CTR"
	wait_for_file "$SHARED/ready"
	local pid
	pid=$(ctr_pid "$CTR")
	host_pid_alive "$pid"
	iso_run isorun delete --force "$CTR"
	assert_success
	retry 40 0.05 eval '! host_pid_alive '"$pid" || fail "pid $pid survived delete --force"
	iso_run isorun state "$CTR"
	assert_failure
	assert_stderr_contains "does not exist"
	assert_no_leftovers
}

@test "delete --force: removes a created (never started) container" {
	wait_for_go_cmd
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun delete --force "$CTR"
	assert_success
	iso_run isorun state "$CTR"
	assert_failure
	[ ! -e "$SHARED/ready" ] || fail "the user program of a never-started container ran"
	assert_no_leftovers
}

@test "delete --force: an unknown id exits 0" {
	iso_run isorun delete --force "$CTR"
	assert_success
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_leftovers
}

@test "delete: a running container without --force fails and the container survives" {
	wait_for_go_cmd
	create_and_start "$CTR"
	wait_for_file "$SHARED/ready"
	local pid
	pid=$(ctr_pid "$CTR")
	iso_run isorun delete "$CTR"
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
	assert_equal "$(ctr_status "$CTR")" running
	host_pid_alive "$pid"
	# and it still works
	touch "$SHARED/go"
	wait_for_status "$CTR" stopped
	iso_run isorun delete "$CTR"
	assert_success
}

@test "two containers at once: separate pids, separate lifecycles" {
	wait_for_go_cmd
	create_and_start "$CTR"
	create_and_start "$CTR2"
	wait_for_status "$CTR" running
	wait_for_status "$CTR2" running
	local p1 p2
	p1=$(ctr_pid "$CTR")
	p2=$(ctr_pid "$CTR2")
	[ "$p1" != "$p2" ] || fail "both containers report pid $p1"
	iso_run isorun list -q
	assert_success
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$CTR" "$CTR2" | sort)"
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_equal "$(ctr_status "$CTR2")" running
	host_pid_alive "$p2"
	touch "$SHARED/go"
	wait_for_status "$CTR2" stopped
	iso_run isorun delete "$CTR2"
	assert_success
}

@test "--root: a container in one state dir is invisible from another" {
	local root_b="$BATS_TEST_TMPDIR/root-b"
	wait_for_go_cmd
	create_and_start "$CTR"
	iso_run "$ISORUN" --root "$root_b" state "$CTR"
	assert_failure
	assert_stderr_contains "does not exist"
	iso_run "$ISORUN" --root "$root_b" list -q
	assert_success
	assert_equal "$output" ""
	iso_run "$ISORUN" --root "$root_b" kill "$CTR" KILL
	assert_failure
	iso_run "$ISORUN" --root "$root_b" delete "$CTR"
	assert_failure
	assert_equal "$(ctr_status "$CTR")" running
	iso_run isorun list -q
	assert_equal "$output" "$CTR"
	# the --root=DIR form too
	iso_run "$ISORUN" --root="$ROOT" state "$CTR"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" running
}

@test "create --pid-file: the pid in decimal, no trailing newline" {
	wait_for_go_cmd
	local pf="$BATS_TEST_TMPDIR/ctr.pid" pf2="$BATS_TEST_TMPDIR/ctr2.pid"
	iso_run isorun create --bundle "$BUNDLE" --pid-file "$pf" "$CTR"
	assert_success
	iso_run isorun create --bundle "$BUNDLE" --pid-file="$pf2" "$CTR2"
	assert_success
	local f id content
	for f in "$pf" "$pf2"; do
		[ -f "$f" ] || fail "no pid file $f"
		content=$(<"$f")
		[[ "$content" =~ ^[0-9]+$ ]] || fail "pid file holds '$content'"
		# the last byte is a digit: no newline
		[[ "$(tail -c 1 "$f")" =~ ^[0-9]$ ]] || fail "pid file $f ends with a non-digit"
		assert_equal "$(stat -c %s "$f")" "${#content}"
	done
	assert_equal "$(<"$pf")" "$(ctr_pid "$CTR")"
	assert_equal "$(<"$pf2")" "$(ctr_pid "$CTR2")"
}

@test "list: -q prints the ids, --format json the states, the table both" {
	wait_for_go_cmd
	iso_run isorun list -q
	assert_success
	assert_equal "$output" ""
	iso_run isorun list --format json
	assert_success
	jq -e 'length == 0' <<<"$output" >/dev/null || fail "empty list is not an empty array"

	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	create_and_start "$CTR2"
	wait_for_status "$CTR2" running

	iso_run isorun list -q
	assert_success
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$CTR" "$CTR2" | sort)"

	iso_run isorun list --format json
	assert_success
	jq -e 'type == "array" and length == 2' <<<"$output" >/dev/null || fail "not an array of 2"
	assert_equal "$(jq -r --arg id "$CTR" '.[] | select(.id == $id) | .status' <<<"$output")" created
	assert_equal "$(jq -r --arg id "$CTR2" '.[] | select(.id == $id) | .status' <<<"$output")" running
	assert_equal "$(jq -r --arg id "$CTR2" '.[] | select(.id == $id) | .pid' <<<"$output")" \
		"$(ctr_pid "$CTR2")"
	assert_equal "$(jq -r --arg id "$CTR2" '.[] | select(.id == $id) | .bundle' <<<"$output")" \
		"$BUNDLE"

	iso_run isorun list --format=json
	assert_success
	jq -e 'length == 2' <<<"$output" >/dev/null

	iso_run isorun list
	assert_success
	assert_output_contains "$CTR"
	assert_output_contains "$CTR2"
	assert_output_contains created
	assert_output_contains running
}

# runc lists in id order (Go's os.ReadDir sorts); the directory order is the file system's.
@test "list: sorted by id in every format, whatever the order of creation" {
	local id sorted
	set_args /bin/sleep 1000
	for id in "$CTR3" "$CTR" "$ID_TAG-d" "$CTR2" "$ID_TAG-0"; do
		iso_run isorun create --bundle "$BUNDLE" "$id"
		assert_success
	done
	sorted=$(printf '%s\n' "$CTR3" "$CTR" "$ID_TAG-d" "$CTR2" "$ID_TAG-0" | LC_ALL=C sort)
	iso_run isorun list -q
	assert_success
	assert_equal "$output" "$sorted"
	iso_run isorun list --format json
	assert_success
	assert_equal "$(jq -r '.[].id' <<<"$output")" "$sorted"
	iso_run isorun list
	assert_success
	assert_equal "$(tail -n +2 <<<"$output" | awk '{print $1}')" "$sorted"
	for id in "$ID_TAG-d" "$ID_TAG-0"; do
		iso_run isorun delete --force "$id"
		assert_success
	done
}

@test "list: a corrupt state.json is skipped with a warning naming it; the others are listed" {
	wait_for_go_cmd
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun create --bundle "$BUNDLE" "$CTR2"
	assert_success
	cp "$ROOT/$CTR/state.json" "$BATS_TEST_TMPDIR/state.json.good"
	echo '{"id": ' >"$ROOT/$CTR/state.json"
	iso_run isorun list -q
	# the corrupt one restored first: teardown must be able to delete it
	cp "$BATS_TEST_TMPDIR/state.json.good" "$ROOT/$CTR/state.json"
	assert_success
	assert_equal "$output" "$CTR2"
	assert_stderr_contains "warning"
	assert_stderr_contains "\"$CTR\""
	assert_stderr_contains "state.json is corrupt"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "expected one warning line"
}

@test "--root: made 0711 as runc makes it, each container's directory 0700" {
	set_cmd 'true'
	(umask 022 && "$ISORUN" --root "$ROOT" create --bundle "$BUNDLE" "$CTR" </dev/null 3>&-) ||
		fail "create failed"
	assert_equal "$(stat -c %a "$ROOT")" 711
	assert_equal "$(stat -c %a "$ROOT/$CTR")" 700
	isorun delete --force "$CTR"
	# A seccomp profile makes the root first, through its filter cache: the same mode there.
	local root2="$BATS_TEST_TMPDIR/root2"
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getcwd"], action: "SCMP_ACT_ERRNO"}]}'
	(umask 022 && "$ISORUN" --root "$root2" create --bundle "$BUNDLE" "$CTR2" </dev/null 3>&-) ||
		fail "create with a profile failed"
	assert_equal "$(stat -c %a "$root2")" 711
	assert_equal "$(stat -c %a "$root2/$CTR2")" 700
	"$ISORUN" --root "$root2" delete --force "$CTR2" 3>&-
}

@test "run --detach: returns while the container runs on" {
	wait_for_go_cmd
	local pf="$BATS_TEST_TMPDIR/run.pid"
	iso_run isorun run --detach --bundle "$BUNDLE" --pid-file "$pf" "$CTR"
	assert_success
	wait_for_file "$SHARED/ready"
	assert_equal "$(ctr_status "$CTR")" running
	assert_equal "$(<"$pf")" "$(ctr_pid "$CTR")"
	touch "$SHARED/go"
	wait_for_status "$CTR" stopped
	iso_run isorun delete "$CTR"
	assert_success

	iso_run isorun run -d -b "$BUNDLE" "$CTR2"
	assert_success
	wait_for_status "$CTR2" stopped
	iso_run isorun delete "$CTR2"
	assert_success
	assert_no_leftovers
}

@test "--log FILE --log-format json: the file exists after a successful create" {
	wait_for_go_cmd
	local log="$BATS_TEST_TMPDIR/log.json"
	iso_run isorun --log "$log" --log-format json create --bundle "$BUNDLE" "$CTR"
	assert_success
	[ -f "$log" ] || fail "no log file"
	# every line, if any, is a JSON object
	if [ -s "$log" ]; then
		jq -e 'type == "object"' "$log" >/dev/null || fail "a line of the log is not a JSON object"
	fi
}
