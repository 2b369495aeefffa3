#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# CVE-2019-5736: nothing in a container may overwrite the runtime binary through the
# /proc/PID/exe of a runtime process.  The init is a clone of the runtime until its last exec:
#   - with a pid namespace of its own and no CAP_SYS_PTRACE, only its own final exec could
#     reach the binary (the program being /proc/self/exe), so that exec goes through a sealed
#     stub (src/stub/exec_stub.c);
#   - otherwise the runtime re-executes itself from a sealed memfd before creating anything;
#   - a binary on a read-only mount needs neither.

load helpers

# init_exe: where the created container's init image comes from (readlink of /proc/PID/exe)
init_exe() {
	readlink "/proc/$(ctr_pid "$CTR")/exe"
}

# init_fds: the targets of the created container's init's open fds, one per line
init_fds() {
	local pid
	pid=$(ctr_pid "$CTR")
	find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 -exec readlink {} \;
}

add_cap() {
	update_config --arg c "$1" '.process.capabilities |= with_entries(.value += [$c])'
}

@test "selfexe: default caps and a new pid namespace: the init execs through the sealed stub" {
	set_args /bin/true
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	# the init runs the runtime's own image and holds the stub, sealed
	assert_equal "$(init_exe)" "$(readlink -f "$ISORUN")"
	init_fds | grep -q '^/memfd:isorun-exec-stub' || fail "no stub memfd: $(init_fds)"
	local pid stub
	pid=$(ctr_pid "$CTR")
	stub=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 -lname '/memfd:isorun-exec-stub*' | head -1)
	! (echo x >>"$stub") 2>/dev/null || fail "the stub memfd is writable"
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_leftovers
}

@test "selfexe: a program that is /proc/self/exe runs the stub, never the runtime" {
	set_args /proc/self/exe --version
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_failure
	[[ "$output" != *isorun* ]] || fail "the container ran the runtime binary: $output"
	assert_no_leftovers
}

@test "selfexe: a #! script whose interpreter is /proc/self/exe runs the stub, never the runtime" {
	printf '#!/proc/self/exe --version\n' >"$BUNDLE/rootfs/evil.sh"
	chmod 755 "$BUNDLE/rootfs/evil.sh"
	set_args /evil.sh
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	rm -f "$BUNDLE/rootfs/evil.sh"
	assert_failure
	[[ "$output" != *isorun* ]] || fail "the container ran the runtime binary: $output"
}

@test "selfexe: CAP_SYS_PTRACE: the runtime re-executes from a sealed memfd" {
	add_cap CAP_SYS_PTRACE
	set_args /bin/true
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	[[ "$(init_exe)" == /memfd:isorun* ]] || fail "init image: $(init_exe)"
	! (echo x >>"/proc/$(ctr_pid "$CTR")/exe") 2>/dev/null || fail "the init's image is writable"
	iso_run isorun delete --force "$CTR"
	assert_success
}

@test "selfexe: the host's pid namespace: the runtime re-executes from a sealed memfd" {
	update_config 'del(.linux.namespaces[] | select(.type == "pid"))'
	set_args /bin/sleep 10
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	[[ "$(init_exe)" == /memfd:isorun* ]] || fail "init image: $(init_exe)"
	iso_run isorun delete --force "$CTR"
	assert_success
}

@test "selfexe: a runtime binary on a read-only mount is used as it is" {
	local ro="$BATS_TEST_TMPDIR/ro-bin"
	mkdir -p "$ro"
	cp "$ISORUN" "$ro/isorun"
	mount --bind "$ro" "$ro"
	mount -o remount,bind,ro "$ro"
	set_args /bin/true
	update_config --arg c CAP_SYS_PTRACE '.process.capabilities |= with_entries(.value += [$c])'
	iso_run "$ro/isorun" --root "$ROOT" create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(init_exe)" "$ro/isorun"
	! init_fds | grep -q '^/memfd:' || fail "a memfd was made: $(init_fds)"
	iso_run isorun delete --force "$CTR"
	assert_success
	umount "$ro"
}
