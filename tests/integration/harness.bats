#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The leftover check of helpers.bash (snapshot_host_state / assert_no_leftovers), which every
# "leaves nothing behind" claim of the suite rests on: each kind of leftover is seen, named, and
# no longer seen once it is gone.  No runtime is involved: the leftovers are made by hand.

load helpers

# leftovers_seen KIND TEXT: assert_no_leftovers fails, naming KIND and TEXT.
leftovers_seen() {
	run assert_no_leftovers
	[ "$status" -ne 0 ] || fail "assert_no_leftovers passed with a $1 left"
	[[ $output == *"leftover: $1"* ]] || fail "no 'leftover: $1' in: $output"
	[[ $output == *"$2"* ]] || fail "'$2' not named in: $output"
}

in_other_mount_ns() {
	! [ "/proc/$1/ns/mnt" -ef /proc/self/ns/mnt ]
}

leftovers_none() {
	run assert_no_leftovers
	[ "$status" -eq 0 ] || fail "assert_no_leftovers failed: $output"
}

@test "harness: nothing made, nothing left" {
	leftovers_none
}

@test "harness: a mount under the run's directory, new or gone" {
	mkdir "$BATS_TEST_TMPDIR/m"
	mount -t tmpfs leak-test "$BATS_TEST_TMPDIR/m"
	leftovers_seen "mounts changed" "> $BATS_TEST_TMPDIR/m "
	umount "$BATS_TEST_TMPDIR/m"
	leftovers_none
	# one that was there at the snapshot and went away is a change too
	mount -t tmpfs leak-test "$BATS_TEST_TMPDIR/m"
	snapshot_host_state
	umount "$BATS_TEST_TMPDIR/m"
	leftovers_seen "mounts changed" "< $BATS_TEST_TMPDIR/m "
	# a path with a space (mountinfo writes it \040)
	mkdir "$BATS_TEST_TMPDIR/a b"
	mount -t tmpfs leak-test "$BATS_TEST_TMPDIR/a b"
	snapshot_host_state
	leftovers_none
	umount "$BATS_TEST_TMPDIR/a b"
	leftovers_seen "mounts changed" "< $BATS_TEST_TMPDIR/a\\040b "
	snapshot_host_state
}

@test "harness: a cgroup carrying the test's tag" {
	local top
	top=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	[ -n "$top" ] || skip "no cgroup2 mount here"
	mkdir "$top/harness-$ID_TAG-x"
	leftovers_seen cgroups "$top/harness-$ID_TAG-x"
	rmdir "$top/harness-$ID_TAG-x"
	leftovers_none
}

@test "harness: an entry in --root, but not the lock or the seccomp cache" {
	mkdir -p "$ROOT/.seccomp-cache" "$ROOT/someid"
	touch "$ROOT/isorun.lock" "$ROOT/.hidden"
	leftovers_seen "entries in --root" someid
	[[ $output == *.hidden* ]] || fail "a hidden entry was not named: $output"
	[[ $output != *lock* ]] && [[ $output != *seccomp-cache* ]] || fail "the lock or cache named: $output"
	rm -r "$ROOT/someid" "$ROOT/.hidden"
	leftovers_none
}

@test "harness: a process in another mount namespace, or naming the test's directory" {
	unshare -m sleep 600 &
	local other=$!
	bash -c 'exec -a "worker $1" sleep 600' _ "$BATS_TEST_TMPDIR" &
	local named=$!
	sleep 600 &
	local plain=$!
	retry 50 0.1 in_other_mount_ns "$other" || fail "unshare -m did not get going"
	leftovers_seen processes "pid $other "
	[[ $output == *"pid $named "*"names the test dir"* ]] || fail "pid $named not named: $output"
	# a new process of the test's own, in its namespaces, is not a leftover
	[[ $output != *"pid $plain "* ]] || fail "pid $plain named: $output"
	kill "$other" "$named" "$plain"
	wait "$other" "$named" "$plain" 2>/dev/null || true
	leftovers_none
}

@test "harness: a failure is reported at the test's line, a leftover at the teardown" {
	# bats' stack traces are recorded for the test file's lines only (iso_setup): what a
	# failing test says must still point at the right place
	local f="$BATS_TEST_TMPDIR/t.bats"
	cat >"$f" <<-END
		load $BATS_TEST_DIRNAME/helpers
		AT-test "fails in a helper" {
		  iso_run false
		  assert_success
		}
		AT-test "leaves a mount" {
		  mkdir "\$BATS_TEST_TMPDIR/m"
		  mount -t tmpfs leak-test "\$BATS_TEST_TMPDIR/m"
		}
	END
	# (written AT-test: bats would take the lines for tests of this file)
	sed -i 's/^AT-test /@test /' "$f"
	# a bats of its own: nothing of this one's environment (its PATH runs bats' libexec
	# script, not the wrapper) but what the helpers need
	run env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$HOME" TMPDIR="$BATS_TEST_TMPDIR" ISORUN="$ISORUN" \
		ISORUN_SRCDIR="$ISORUN_SRCDIR" bats "$f"
	[ "$status" -ne 0 ] || fail "the inner tests passed: $output"
	[[ $output == *"in test file $f, line 4)"*"\`assert_success' failed"* ]] ||
		fail "the assertion's line is not named: $output"
	[[ $output == *"from function \`iso_teardown'"*"leftover: mounts changed"* ]] ||
		fail "the teardown is not named for the leftover: $output"
}
