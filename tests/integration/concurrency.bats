#!/usr/bin/env bats
# Many runtimes at once, and many containers in a row: the state directory is never corrupt,
# exactly one create of an id wins, and nothing accumulates.

load helpers

@test "concurrency: 20 racing creates of one id: exactly one wins, the others say already exists" {
	set_args /bin/sleep 60
	local i pids=()
	for ((i = 0; i < 20; i++)); do
		(rc=0
		 "$ISORUN" --root "$ROOT" create --bundle "$BUNDLE" "$CTR" \
			>"$BATS_TEST_TMPDIR/c$i.out" 2>"$BATS_TEST_TMPDIR/c$i.err" </dev/null 3>&- || rc=$?
		 echo $rc >"$BATS_TEST_TMPDIR/c$i.rc") &
		pids+=($!)
	done
	wait "${pids[@]}"
	local won=0 lost=0
	for ((i = 0; i < 20; i++)); do
		if [ "$(cat "$BATS_TEST_TMPDIR/c$i.rc")" = 0 ]; then
			won=$((won + 1))
		else
			grep -q "already exists" "$BATS_TEST_TMPDIR/c$i.err" ||
				fail "create $i failed otherwise: $(cat "$BATS_TEST_TMPDIR/c$i.err")"
			lost=$((lost + 1))
		fi
	done
	assert_equal "$won" 1
	assert_equal "$lost" 19
	iso_run isorun state "$CTR"
	assert_success
	jq -e '.status == "created" and .pid > 0' <<<"$output" >/dev/null || fail "state: $output"
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_leftovers
}

@test "concurrency: 50 runs at once with distinct ids all succeed and leave nothing" {
	set_cmd 'exit 3'
	local i pids=() bad=0
	for ((i = 0; i < 50; i++)); do
		(rc=0
		 "$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID_TAG-p$i" \
			>/dev/null 2>"$BATS_TEST_TMPDIR/r$i.err" </dev/null 3>&- || rc=$?
		 echo $rc >"$BATS_TEST_TMPDIR/r$i.rc") &
		pids+=($!)
	done
	wait "${pids[@]}"
	for ((i = 0; i < 50; i++)); do
		[ "$(cat "$BATS_TEST_TMPDIR/r$i.rc")" = 3 ] || {
			echo "run $i: status $(cat "$BATS_TEST_TMPDIR/r$i.rc"): $(cat "$BATS_TEST_TMPDIR/r$i.err")" >&2
			bad=$((bad + 1))
		}
	done
	assert_equal "$bad" 0
	iso_run isorun list -q
	assert_equal "$output" ""
	assert_no_leftovers
}

# count_fds: open fds of this shell
count_fds() {
	ls /proc/$$/fd | wc -l
}

# count_zombies: zombie children of this shell
count_zombies() {
	local n=0 p st
	for p in /proc/[0-9]*; do
		{ read -r st <"$p/stat"; } 2>/dev/null || continue
		[[ "$st" == *") Z "*" $$ "* ]] && n=$((n + 1))
	done
	echo "$n"
}

@test "concurrency: 1000 lifecycles in a row (create, start, state, delete) leave nothing behind" {
	set_args /bin/true
	local fds0 z0 mounts0 i
	fds0=$(count_fds)
	z0=$(count_zombies)
	mounts0=$(wc -l </proc/self/mountinfo)
	for ((i = 0; i < 1000; i++)); do
		"$ISORUN" --root "$ROOT" create --bundle "$BUNDLE" "$CTR" </dev/null 3>&- ||
			fail "create $i failed"
		"$ISORUN" --root "$ROOT" start "$CTR" </dev/null 3>&- || fail "start $i failed"
		"$ISORUN" --root "$ROOT" delete --force "$CTR" </dev/null 3>&- || fail "delete $i failed"
	done
	echo "fds $fds0 -> $(count_fds), zombies $z0 -> $(count_zombies), mounts $mounts0 -> $(wc -l </proc/self/mountinfo)" >&3
	assert_equal "$(count_fds)" "$fds0"
	assert_equal "$(count_zombies)" "$z0"
	assert_equal "$(wc -l </proc/self/mountinfo)" "$mounts0"
	assert_no_leftovers
}
