#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# OCI hooks: prestart, createRuntime, createContainer, startContainer, poststart, poststop.
#
# Every hook is `/bin/sh $SHARED/hook.sh KIND [ARGS...]`.  $SHARED is bind-mounted into the
# container at the same absolute path, so the one script and its log work in the runtime's
# namespace (prestart, createRuntime, poststart, poststop; /bin/sh is the host's), in the
# container's namespace before pivot_root (createContainer) and after it (startContainer;
# /bin/sh is the rootfs's busybox).

load helpers

setup() {
	iso_setup
	LOG="$SHARED/hooks.log"
	cat >"$SHARED/hook.sh" <<'EOF'
#!/bin/sh
# hook.sh KIND [ARGS...]: record one hook call next to this script.
d=${0%/*}
kind=$1
shift
cat >"$d/$kind.state.json"
env >"$d/$kind.env"
echo "$kind $*" >>"$d/hooks.log"
EOF
	add_mount "$SHARED" bind "$SHARED" rbind rw
}

# hook_json KIND [ARG...]: one hook entry that records KIND
hook_json() {
	jq -cn --arg s "$SHARED/hook.sh" '{path: "/bin/sh", args: (["sh", $s] + $ARGS.positional)}' \
		--args "$@"
}

# set_hooks KIND...: one recording hook for each KIND
set_hooks() {
	local k
	for k in "$@"; do
		update_config --arg k "$k" --argjson h "$(hook_json "$k")" '.hooks[$k] = [$h]'
	done
}

# log_kinds: the first word of each line of the hook log, space-separated
log_kinds() {
	[ -e "$LOG" ] || return 0
	awk '{ print $1 }' "$LOG" | tr '\n' ' ' | sed 's/ $//'
}

@test "hooks: all six kinds run in order: three at create, two at start, poststop at delete" {
	set_hooks prestart createRuntime createContainer startContainer poststart poststop
	set_cmd "echo process >>$LOG; while [ ! -e $SHARED/go ]; do sleep 0.05; done"

	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(log_kinds)" "prestart createRuntime createContainer"

	iso_run isorun start "$CTR"
	assert_success
	wait_for_content "$LOG" poststart
	wait_for_content "$LOG" process
	# startContainer runs before the user program; poststart after it was executed (it may
	# log before or after the program's first line).
	local kinds
	kinds=$(log_kinds)
	[[ "$kinds" == "prestart createRuntime createContainer startContainer "* ]] ||
		fail "hooks ran in the order: $kinds"

	touch "$SHARED/go"
	wait_for_status "$CTR" stopped
	iso_run isorun delete "$CTR"
	assert_success
	wait_for_content "$LOG" poststop
	kinds=$(log_kinds)
	[[ "$kinds" == *" poststop" ]] || fail "poststop is not last: $kinds"
	assert_equal "$(grep -c . "$LOG")" 7
	assert_no_leftovers
}

@test "hooks: every kind gets the state JSON on stdin (id, status, bundle, pid)" {
	set_hooks prestart createRuntime createContainer startContainer poststart poststop
	set_cmd "while [ ! -e $SHARED/go ]; do sleep 0.05; done"
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun start "$CTR"
	assert_success
	wait_for_file "$SHARED/poststart.state.json"
	wait_for_file "$SHARED/startContainer.state.json"
	touch "$SHARED/go"
	wait_for_status "$CTR" stopped
	iso_run isorun delete "$CTR"
	assert_success
	wait_for_file "$SHARED/poststop.state.json"

	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		jq -e --arg id "$CTR" '.id == $id and (.status | type == "string" and length > 0)' \
			"$SHARED/$k.state.json" >/dev/null ||
			fail "$k: state on stdin: $(cat "$SHARED/$k.state.json")"
		jq -e --arg b "$BUNDLE" '.bundle == $b' "$SHARED/$k.state.json" >/dev/null ||
			fail "$k: bundle: $(cat "$SHARED/$k.state.json")"
	done
	# the container's pid is known from createRuntime on
	for k in createRuntime createContainer startContainer poststart; do
		jq -e '.pid > 0' "$SHARED/$k.state.json" >/dev/null ||
			fail "$k: no pid: $(cat "$SHARED/$k.state.json")"
	done
}

@test "hooks: createContainer alone (runtime-hooks-done sent ahead of the mounts) gets the state: id, creating, bundle, pid" {
	set_hooks createContainer
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(log_kinds)" createContainer
	jq -e --arg id "$CTR" --arg b "$BUNDLE" --argjson pid "$(ctr_pid "$CTR")" \
		'.id == $id and .status == "creating" and .bundle == $b and .pid == $pid' \
		"$SHARED/createContainer.state.json" >/dev/null ||
		fail "state on stdin: $(cat "$SHARED/createContainer.state.json")"
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_leftovers
}

@test "hooks: a state larger than a small sync message (15 KB of annotations) reaches createContainer whole" {
	# Messages between runtime and init are received on the stack up to 4 KB; this one is not.
	local big
	big=$(head -c 15000 /dev/zero | tr '\0' x)
	set_hooks createContainer
	update_config --arg v "$big" '.annotations["org.example.big"] = $v'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	jq -e --arg v "$big" '.annotations["org.example.big"] == $v and .status == "creating"' \
		"$SHARED/createContainer.state.json" >/dev/null ||
		fail "state on stdin: $(head -c 300 "$SHARED/createContainer.state.json")"
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_leftovers
}

@test "hooks: run executes them too, poststop after the container exited" {
	set_hooks prestart createRuntime createContainer startContainer poststart poststop
	set_cmd "echo process >>$LOG"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	local kinds
	kinds=$(log_kinds)
	[[ "$kinds" == "prestart createRuntime createContainer startContainer "* ]] ||
		fail "hooks ran in the order: $kinds"
	[[ "$kinds" == *" poststop" ]] || fail "poststop is not last: $kinds"
	[[ "$kinds" == *poststart* ]] || fail "no poststart: $kinds"
	assert_no_leftovers
}

@test "hooks: args and env are passed as configured, and only that env" {
	local h
	h=$(jq -cn --arg s "$SHARED/hook.sh" \
		'{path: "/bin/sh", args: ["sh", $s, "prestart", "arg-one", "arg two"],
		  env: ["HOOKVAR=xyz", "PATH=/usr/bin:/bin"]}')
	update_config --argjson h "$h" '.hooks.prestart = [$h]'
	export ISOTEST_HOST_ONLY=leaked
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(cat "$LOG")" "prestart arg-one arg two"
	grep -qx HOOKVAR=xyz "$SHARED/prestart.env" || fail "HOOKVAR not passed: $(cat "$SHARED/prestart.env")"
	! grep -q ISOTEST_HOST_ONLY "$SHARED/prestart.env" || fail "the runtime's environment leaked into the hook"
}

@test "hooks: a failing prestart hook fails create, names hooks.prestart[0], leaves nothing" {
	update_config '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
	set_hooks poststart
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	iso_run isorun state "$CTR"
	assert_failure
	[ ! -e "$SHARED/poststart.state.json" ] || fail "poststart ran after a failed prestart"
	# isorun's wording: "hooks.prestart[0] (/bin/sh): exited with status 3"
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "hooks.prestart[0]"
}

@test "hooks: the index of the failing hook is named (hooks.createRuntime[1])" {
	local ok
	ok=$(hook_json createRuntime)
	update_config --argjson ok "$ok" \
		'.hooks.createRuntime = [$ok, {"path": "/bin/sh", "args": ["sh", "-c", "exit 1"]}]'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_equal "$(log_kinds)" createRuntime
	assert_one_line_error "hooks.createRuntime[1]"
}

@test "hooks: a failing createContainer hook fails create and leaves nothing" {
	update_config '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 2"]}]'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "hooks.createContainer[0]"
}

@test "hooks: a hook path that does not exist is an error naming it" {
	update_config --arg p "$SHARED/no-such-hook" '.hooks.prestart = [{"path": $p}]'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_stderr_contains "no-such-hook"
}

@test "hooks: a hook past its timeout is killed and fails create within the timeout" {
	# The hook is the host's sleep under a name in this test's directory, so that a
	# surviving hook process is found by the leftover check.
	ln -s "$(command -v sleep)" "$SHARED/sleep-hook"
	update_config --arg p "$SHARED/sleep-hook" \
		'.hooks.prestart = [{"path": $p, "args": [$p, "30"], "timeout": 1}]'
	local t0=$SECONDS
	iso_run --timeout 40 isorun create --bundle "$BUNDLE" "$CTR"
	assert_failure
	[ $((SECONDS - t0)) -lt 10 ] || fail "create took $((SECONDS - t0))s with a 1s hook timeout"
	assert_no_leftovers
	assert_one_line_error "hooks.prestart[0]"
}

# failing_then_recording KIND: KIND's hooks are one that fails, then the recording one.
failing_then_recording() {
	update_config --arg k "$1" --argjson h "$(hook_json "$1")" \
		'.hooks[$k] = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 4"]}, $h]'
}

@test "hooks: a failing poststart hook is a warning, and the next poststart hook still runs" {
	failing_then_recording poststart
	set_cmd "while [ ! -e $SHARED/go ]; do sleep 0.05; done"
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun start "$CTR"
	assert_success
	assert_stderr_contains "hooks.poststart[0]"
	[ -e "$SHARED/poststart.state.json" ] || fail "poststart[1] did not run after poststart[0] failed"
	assert_equal "$(ctr_status "$CTR")" running
	touch "$SHARED/go"
	wait_for_status "$CTR" stopped
	iso_run isorun delete "$CTR"
	assert_success
}

@test "hooks: a failing poststop hook is a warning, and the next poststop hook still runs" {
	failing_then_recording poststop
	set_cmd "true"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_stderr_contains "hooks.poststop[0]"
	assert_equal "$(log_kinds)" poststop
	assert_no_leftovers
}

@test "hooks: poststop runs after the container is deleted, as the spec orders" {
	local h
	# the hook records whether the container's state directory still exists
	h=$(jq -cn --arg d "$ROOT/$CTR" --arg o "$SHARED/poststop.seen" \
		'{path: "/bin/sh", args: ["sh", "-c", "if [ -e \"$0\" ]; then echo present; else echo gone; fi >\"$1\"", $d, $o]}')
	update_config --argjson h "$h" '.hooks.poststop = [$h]'
	set_cmd "true"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(cat "$SHARED/poststop.seen")" "gone"
}

@test "hooks: start and delete find poststart and poststop through state.json, also one without that record" {
	set_hooks poststart poststop
	set_cmd "while [ ! -e $SHARED/go ]; do sleep 0.05; done"
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	# What create recorded: both kinds are there.
	assert_equal "$(jq .lateHooks "$ROOT/$CTR/state.json")" 3
	# A state.json written before the record existed: start and delete must look at the config.
	jq 'del(.lateHooks)' "$ROOT/$CTR/state.json" >"$ROOT/$CTR/state.new"
	mv "$ROOT/$CTR/state.new" "$ROOT/$CTR/state.json"
	iso_run isorun start "$CTR"
	assert_success
	wait_for_content "$LOG" poststart
	touch "$SHARED/go"
	wait_for_status "$CTR" stopped
	iso_run isorun delete "$CTR"
	assert_success
	wait_for_content "$LOG" poststop
	assert_equal "$(log_kinds)" "poststart poststop"
	assert_no_leftovers
}

@test "hooks: without late hooks, state.json says so and start and delete need no config" {
	set_hooks prestart
	set_cmd "while [ ! -e $SHARED/go ]; do sleep 0.05; done"
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(jq .lateHooks "$ROOT/$CTR/state.json")" 0
	# The config copy is not read: a broken one does not stop start or delete.
	echo '{' >"$ROOT/$CTR/config.json"
	iso_run isorun start "$CTR"
	assert_success
	assert_equal "${#stderr_lines[@]}" 0
	touch "$SHARED/go"
	wait_for_status "$CTR" stopped
	iso_run isorun delete "$CTR"
	assert_success
	assert_equal "${#stderr_lines[@]}" 0
	assert_equal "$(log_kinds)" "prestart"
	assert_no_leftovers
}
