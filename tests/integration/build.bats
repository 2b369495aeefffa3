#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The binary as a command: --version, --help, every verb's --help, unknown verbs and flags,
# global flags in both forms, and the flags isorun refuses.

load helpers

VERBS="create start state kill delete run list spec"

@test "--version: exits 0 and prints a version number" {
	iso_run "$ISORUN" --version
	assert_success
	[[ "$output" =~ [0-9]+\.[0-9]+\.[0-9]+ ]] || fail "no x.y.z version in: $output"
}

@test "--help: exits 0 and lists every verb" {
	iso_run "$ISORUN" --help
	assert_success
	local v
	for v in $VERBS; do
		assert_output_contains "$v"
	done
	assert_output_contains "--root"
}

@test "create --help: exits 0 with its usage" {
	iso_run "$ISORUN" create --help
	assert_success
	assert_output_contains create
	assert_output_contains "--bundle"
	assert_output_contains "--pid-file"
	assert_output_contains "--console-socket"
}

@test "start --help: exits 0 with its usage" {
	iso_run "$ISORUN" start --help
	assert_success
	assert_output_contains start
}

@test "state --help: exits 0 with its usage" {
	iso_run "$ISORUN" state --help
	assert_success
	assert_output_contains state
}

@test "kill --help: exits 0 with its usage" {
	iso_run "$ISORUN" kill --help
	assert_success
	assert_output_contains kill
	assert_output_contains "--all"
}

@test "delete --help: exits 0 with its usage" {
	iso_run "$ISORUN" delete --help
	assert_success
	assert_output_contains delete
	assert_output_contains "--force"
}

@test "run --help: exits 0 with its usage" {
	iso_run "$ISORUN" run --help
	assert_success
	assert_output_contains run
	assert_output_contains "--detach"
}

@test "list --help: exits 0 with its usage" {
	iso_run "$ISORUN" list --help
	assert_success
	assert_output_contains list
	assert_output_contains "--format"
}

@test "spec --help: exits 0 with its usage" {
	iso_run "$ISORUN" spec --help
	assert_success
	assert_output_contains spec
	assert_output_contains "--rootless"
}

@test "a verb's --help does nothing else (create --help makes no container)" {
	iso_run isorun create --help --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun state "$CTR"
	assert_failure
	assert_no_leftovers
}

@test "checkpoint is not supported: 'checkpoint --help' fails (podman's probe)" {
	iso_run "$ISORUN" checkpoint --help
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
	iso_run isorun checkpoint "$CTR"
	assert_failure
}

@test "an unknown verb fails and is named" {
	iso_run "$ISORUN" frobnicate
	assert_error frobnicate
}

@test "an unknown global flag fails" {
	iso_run "$ISORUN" --no-such-flag list
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
}

@test "an unknown verb flag fails and creates nothing" {
	iso_run isorun create --no-such-flag --bundle "$BUNDLE" "$CTR"
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
	assert_no_leftovers
}

@test "a verb without its container id fails with a message" {
	local v
	for v in create start state delete kill; do
		iso_run isorun "$v"
		assert_failure
		[ -n "$stderr" ] || fail "$v: no error message"
	done
}

@test "global flags: --root/--log/--log-format/--debug in both --flag=value and --flag value forms" {
	local log1="$BATS_TEST_TMPDIR/a.log" log2="$BATS_TEST_TMPDIR/b.log"
	iso_run "$ISORUN" --root="$ROOT" --log="$log1" --log-format=text --debug run --bundle="$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "hello from sandbox"
	[ -f "$log1" ] || fail "--log=FILE made no file"
	iso_run "$ISORUN" --root "$ROOT" --log "$log2" --log-format json run --bundle "$BUNDLE" "$CTR2"
	assert_success
	assert_output_contains "hello from sandbox"
	[ -f "$log2" ] || fail "--log FILE made no file"
	if [ -s "$log2" ]; then
		jq -e 'type == "object" and has("level") and has("msg") and has("time")' "$log2" \
			>/dev/null || fail "a line of the JSON log is not {level,msg,time}: $(cat "$log2")"
	fi
	assert_no_leftovers
}

@test "--systemd-cgroup: create fails cleanly (no systemd here), without hanging" {
	[ ! -d /run/systemd/system ] || skip "systemd runs on this machine"
	local t0=$SECONDS
	iso_run --timeout 30 isorun --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_failure
	[ $((SECONDS - t0)) -lt 20 ] || fail "took $((SECONDS - t0))s"
	assert_no_leftovers
	assert_stderr_contains systemd
	iso_run isorun state "$CTR"
	assert_failure
}

@test "the binary: no libmnl, and a static PIE where Debian ships every library's archive" {
	# Only the netlink helper carried inside isorun links libmnl (src/net/nl_helper_proto.h).
	iso_run readelf -dW "$ISORUN"
	assert_success
	[[ "$output" != *libmnl* ]] || fail "isorun needs libmnl: $output"
	local a missing=""
	for a in libseccomp.a libcap.a libyajl_s.a libc.a; do
		[ -f "$(gcc -print-file-name="$a")" ] || missing="$missing $a"
	done
	[ -z "$missing" ] || skip "no static archive of:$missing (isorun is linked dynamically)"
	# No program interpreter: nothing runs before isorun's own code (the dynamic loader costs
	# each exec about 1.5 ms: tests/bench).
	iso_run readelf -lW "$ISORUN"
	assert_success
	[[ "$output" != *"program interpreter"* ]] || fail "isorun is dynamically linked"
	assert_output_contains "DYN"
}

@test "helpers: the leftover check sees mounts under the run's own paths, not others' elsewhere" {
	local other
	other=$(mktemp -d /tmp/not-this-run.XXXXXX)
	mount -t tmpfs iso-other "$other"
	assert_no_leftovers || fail "a mount outside this run's directory counted as a leftover"
	umount "$other"
	rmdir "$other"
	mkdir "$BATS_TEST_TMPDIR/mnt"
	mount -t tmpfs iso-ours "$BATS_TEST_TMPDIR/mnt"
	run assert_no_leftovers
	umount "$BATS_TEST_TMPDIR/mnt"
	[ "$status" -ne 0 ] || fail "a mount under the test's directory was not seen"
	[[ "$output" == *"iso-ours"* ]] || fail "the leftover report does not name it: $output"
}
