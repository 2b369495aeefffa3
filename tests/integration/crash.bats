#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash safety: `create` SIGKILLed at each of its steps (ISORUN_FAULT_INJECT=STEP, in a build
# configured with --enable-fault-injection; the steps are listed by `isorun --help`).  For every
# step: `list` and `state` never show the half-made container as live (created only where it
# truly is), `delete --force` removes everything (mounts, cgroups, state, processes, the veth),
# and the id can be created again.
#
# The runtime runs inside a network namespace the test creates ($NETNS), with a veth pair, a pids
# limit and a createRuntime hook, so that every create passes every step and leaves something
# of each kind behind.

load helpers

FAULT_STEPS=(state-dir cgroup-made cgroup clone cgroup-v1-made cgroup-joined network mounts hooks ready state-written)

setup() {
	"$ISORUN" --help 2>/dev/null | grep -q 'ISORUN_FAULT_INJECT=STEP' ||
		skip "isorun was built without fault injection (./configure --enable-fault-injection)"
	NETNS="iso-$ISO_FILE_TAG-$BATS_TEST_NUMBER"
	# `ip netns add` mounts /run/netns in this test's mount namespace: before the snapshot.
	ip netns add "$NETNS"
	iso_setup
	HOOK_LOG="$BATS_TEST_TMPDIR/hook.log"
	update_config --arg log "$HOOK_LOG" '
		.annotations["io.isorun.net.veth"] = "vc0"
		| .annotations["io.isorun.net.address"] = "10.78.0.2/24"
		| .annotations["io.isorun.net.host-address"] = "10.78.0.1/24"
		| .linux.resources.pids = {limit: 64}
		| .hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo ran >>" + $log]}]
		| .process.args = ["/bin/sleep", "60"]'
}

teardown() {
	local rc=0 id
	[ -n "${NETNS:-}" ] || return 0 # setup skipped the test
	# From the namespace the containers were created in, so that their host side goes too.
	for id in "$CTR" "$CTR2"; do
		timeout 30 nsenter --net="/run/netns/$NETNS" "$ISORUN" --root "$ROOT" delete --force \
			"$id" </dev/null >/dev/null 2>&1 3>&- || true
	done
	iso_teardown || rc=1
	ip netns delete "$NETNS" || rc=1
	return $rc
}

# in_ns [STEP] isorun ARGS...: iso_run of the runtime inside $NETNS, killed at STEP if given.
in_ns() {
	local -a env=()
	if [ "$1" != isorun ]; then
		env=(env "ISORUN_FAULT_INJECT=$1")
		shift
	fi
	iso_run "${env[@]}" nsenter --net="/run/netns/$NETNS" "$ISORUN" --root "$ROOT" "${@:2}"
}

# ns_links: the links of $NETNS, one name per line, sorted.
ns_links() {
	ip -n "$NETNS" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
}

step_index() {
	local i
	for i in "${!FAULT_STEPS[@]}"; do
		[ "${FAULT_STEPS[$i]}" = "$1" ] && echo "$i" && return
	done
	fail "unknown step $1"
}

# container_processes: processes of this test that run in another mount namespace (a
# container's init), as the leftover check sees them.
container_processes() {
	_leftover_pids "$BATS_TEST_TMPDIR/.snap"
}

# killed_at STEP: the last iso_run was create (or run) SIGKILLed by fault injection at STEP.
assert_killed_at() {
	assert_status 137
	assert_stderr_contains "ISORUN_FAULT_INJECT: killed at \"$1\""
}

# assert_state_after_crash STEP: what state and list say about $CTR, and whether that is true.
assert_state_after_crash() {
	local step=$1 n
	n=$(step_index "$step")
	iso_run isorun list --format json
	assert_success
	local listed
	listed=$(jq -r --arg id "$CTR" '.[] | select(.id == $id) | .status' <<<"$output")
	iso_run isorun state "$CTR"
	if [ "$step" = state-dir ]; then
		# Nothing but the directory was made: no state to show, nothing listed.
		assert_error "does not exist"
		assert_equal "$listed" ""
	elif [ "$step" = state-written ]; then
		# Really created: the init is alive and waiting for start.
		assert_success
		jq -e '.status == "created" and .pid > 0' <<<"$output" >/dev/null || fail "state: $output"
		host_pid_alive "$(jq -r .pid <<<"$output")" || fail "state says created, pid is gone"
		assert_equal "$listed" created
	else
		# A create that died: it never runs, and says so.
		assert_success
		jq -e '.status == "stopped" and .pid == 0' <<<"$output" >/dev/null || fail "state: $output"
		assert_equal "$listed" stopped
		iso_run isorun start "$CTR"
		assert_error "not created"
	fi
	# The init dies with the runtime until state.json says created, set up (ready) or not: it
	# outlives it only from state-written on.
	if [ "$n" -lt "$(step_index state-written)" ]; then
		retry 100 0.05 test -z "$(container_processes)" ||
			fail "the init outlived the runtime: $(container_processes)"
	else
		[ -n "$(container_processes)" ] || fail "no init left at $step"
	fi
	# The createRuntime hook ran exactly when the step comes after it.
	if ! jq -e '.hooks.createRuntime | length > 0' "$BUNDLE/config.json" >/dev/null; then
		[ ! -e "$HOOK_LOG" ] || fail "a hook ran, but the config has none"
	elif [ "$n" -ge "$(step_index hooks)" ]; then
		assert_equal "$(cat "$HOOK_LOG")" ran
	else
		[ ! -e "$HOOK_LOG" ] || fail "the hook ran before step $step"
	fi
}

# crash_test STEP: the whole check for one step (see the header).
crash_test() {
	local step=$1 links
	links=$(ns_links)
	in_ns "$step" isorun create --bundle "$BUNDLE" "$CTR"
	assert_killed_at "$step"
	assert_state_after_crash "$step"
	if [ "$step" = state-written ]; then
		# It is a container like any other: it starts.
		in_ns isorun start "$CTR"
		assert_success
		wait_for_status "$CTR" running
	fi

	in_ns isorun delete --force "$CTR"
	assert_success
	assert_equal "$(ns_links)" "$links"
	assert_no_leftovers
	iso_run isorun list -q
	assert_equal "$output" ""

	# The id is usable again.
	rm -f "$HOOK_LOG"
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(ctr_status "$CTR")" created
	ip -n "$NETNS" link show vc0 >/dev/null || fail "the new container has no veth"
	in_ns isorun delete --force "$CTR"
	assert_success
	assert_equal "$(ns_links)" "$links"
	assert_no_leftovers
}

@test "crash: the steps listed by --help are the steps tested here" {
	local listed
	# (the systemd-* steps, of --systemd-cgroup only, are systemd_cgroup.bats')
	listed=$("$ISORUN" --help | sed -n '/ISORUN_FAULT_INJECT=STEP/,$p' | awk 'NR > 1 && $1 !~ /^systemd-/ { print $1 }')
	assert_equal "$(echo $listed)" "${FAULT_STEPS[*]}"
}

@test "crash: an unknown step is refused before anything is made" {
	in_ns nope isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'ISORUN_FAULT_INJECT: unknown step "nope" (known: state-dir, cgroup-made,'
	iso_run isorun state "$CTR"
	assert_error "does not exist"
	assert_no_leftovers
}

@test "crash: create killed at state-dir" {
	crash_test state-dir
}

@test "crash: create killed at cgroup-made (the cgroup2 directory made, not yet known made)" {
	crash_test cgroup-made
}

@test "crash: create killed at cgroup-v1-made (the v1 directories made, not yet known made)" {
	crash_test cgroup-v1-made
}

@test "crash: create killed at cgroup" {
	crash_test cgroup
}

@test "crash: create killed at clone" {
	crash_test clone
}

@test "crash: create killed at cgroup-joined" {
	crash_test cgroup-joined
}

@test "crash: create killed at network" {
	crash_test network
}

@test "crash: create killed at mounts" {
	crash_test mounts
}

@test "crash: create killed at hooks" {
	crash_test hooks
}

@test "crash: create killed at ready (set up, but not recorded created: the init dies too)" {
	crash_test ready
}

@test "crash: create killed at state-written (a true created container)" {
	crash_test state-written
}

@test "crash: without runtime hooks (runtime-hooks-done sent before mounts-done), the init dies with a create killed at mounts, hooks or ready" {
	update_config 'del(.hooks.createRuntime)'
	local step
	for step in mounts hooks ready; do
		crash_test "$step"
	done
}

@test "crash: a non-root process.user (whose setting clears the parent-death signal) killed at ready leaves no init" {
	update_config '.process.user = {uid: 1000, gid: 1000}'
	crash_test ready
}

@test "crash: delete without --force also cleans up after a killed create" {
	in_ns ready isorun create --bundle "$BUNDLE" "$CTR"
	assert_killed_at ready
	in_ns isorun delete "$CTR"
	assert_success
	assert_no_leftovers
	! ip -n "$NETNS" link show vc0 2>/dev/null || fail "vc0 left behind"
}

@test "crash: run killed at mounts; delete --force cleans up and the id runs again" {
	update_config '.process.args = ["/bin/echo", "again"]'
	in_ns mounts isorun run --bundle "$BUNDLE" "$CTR"
	assert_killed_at mounts
	assert_state_after_crash mounts
	in_ns isorun delete --force "$CTR"
	assert_success
	assert_no_leftovers
	in_ns isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$output" again
	assert_no_leftovers
}

@test "crash: tenant run killed at ready leaves no init; delete --force of its tid cleans up the rest; it runs again" {
	local troot="$BATS_TEST_TMPDIR/store" tid
	tenant_store_dir "$troot"
	snapshot_host_state # the store's own mount, where it needs one, is not a leftover
	searchable_to "$troot"
	iso_run isorun tenant --tenant-root "$troot" base
	assert_success
	iso_run isorun tenant --tenant-root "$troot" add "$ISO_PACKAGES/hello_container"
	assert_success
	tid=$(sed -n 's/^tid: //p' <<<"$output")
	[ -n "$tid" ] || fail "no tid"
	iso_run env ISORUN_FAULT_INJECT=ready "$ISORUN" --root "$ROOT" tenant --tenant-root "$troot" run "$tid"
	assert_killed_at ready
	retry 100 0.05 test -z "$(container_processes)" ||
		fail "the init outlived the runtime: $(container_processes)"
	assert_equal "$(ctr_status "$tid")" stopped
	[ -n "$(find /sys/fs/cgroup -maxdepth 7 -type d -name "*$tid*")" ] || fail "no cgroup to clean"
	iso_run isorun delete --force "$tid"
	assert_success
	assert_equal "$(find /sys/fs/cgroup -maxdepth 7 -type d -name "*$tid*")" ""
	assert_no_leftovers
	iso_run isorun tenant --tenant-root "$troot" run "$tid"
	assert_success
	assert_output_contains "hello from sandbox"
	assert_no_leftovers
	tenant_store_release "$troot"
	snapshot_host_state
	rm -rf --one-file-system "$troot"
}
