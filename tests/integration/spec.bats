#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# `spec`: writes a default config.json (runc's defaults, hardened: the default seccomp profile,
# pids and memory limits, a bounded tmpfs /tmp), which runs with the busybox rootfs, and never
# overwrites an existing one.  tests/integration/escape.bats attacks these defaults.

load helpers

setup() {
	iso_setup
	# a bundle without config.json
	rm "$BUNDLE/config.json"
}

@test "spec: writes a valid OCI config.json in the current directory" {
	cd "$BUNDLE"
	iso_run isorun spec
	assert_success
	[ -f config.json ] || fail "no config.json"
	jq -e 'type == "object"' config.json >/dev/null || fail "not a JSON object"
	jq -e '.ociVersion | type == "string" and test("^1\\.")' config.json >/dev/null ||
		fail "ociVersion: $(jq .ociVersion config.json)"
	assert_equal "$(jq -r .root.path config.json)" rootfs
	jq -e '.process.args | type == "array" and length > 0' config.json >/dev/null
	jq -e '.process.cwd == "/"' config.json >/dev/null
	local ns
	for ns in pid mount ipc uts network; do
		jq -e --arg t "$ns" 'any(.linux.namespaces[]; .type == $t)' config.json >/dev/null ||
			fail "no $ns namespace"
	done
	jq -e 'any(.mounts[]; .destination == "/proc" and .type == "proc")' config.json >/dev/null ||
		fail "no /proc mount"
	jq -e 'any(.mounts[]; .destination == "/dev" and .type == "tmpfs")' config.json >/dev/null ||
		fail "no /dev tmpfs"
	jq -e '.linux.maskedPaths | index(["/proc/kcore"])' config.json >/dev/null ||
		fail "/proc/kcore not masked"
	jq -e '.linux.readonlyPaths | index(["/proc/sys"])' config.json >/dev/null ||
		fail "/proc/sys not read-only"
}

@test "spec --bundle DIR: writes DIR/config.json" {
	local other="$BATS_TEST_TMPDIR/other"
	mkdir "$other"
	cd "$BUNDLE"
	iso_run isorun spec --bundle "$other"
	assert_success
	jq -e 'type == "object"' "$other/config.json" >/dev/null
	[ ! -e "$BUNDLE/config.json" ] || fail "spec --bundle also wrote the current directory"
}

@test "spec: the default config runs with the busybox rootfs (terminal off)" {
	cd "$BUNDLE"
	iso_run isorun spec
	assert_success
	# The default asks for a terminal, which needs a console socket or a tty: turn it off
	# and change nothing else (args stay the default, `sh`, which reads /dev/null and exits).
	update_config '.process.terminal = false'
	iso_run isorun run "$CTR"
	assert_success
	# and the same config with a program that proves where it ran
	set_cmd 'echo "in container as $(id -u), pid $$"'
	iso_run isorun run "$CTR2"
	assert_success
	assert_output_contains "in container as 0, pid 1"
	assert_no_leftovers
}

# Scripts written for runc and crun follow `spec` with `run --console-socket`: the same
# defaults, and without a console socket the same refusal (runc: "cannot allocate tty if runc
# will detach without setting console socket", status 1).
@test "spec: a terminal and sh, as runc spec; detached without a console socket is refused" {
	cd "$BUNDLE"
	iso_run isorun spec
	assert_success
	assert_equal "$(jq -c '[.process.terminal, .process.args]' config.json)" '[true,["sh"]]'
	iso_run isorun spec --rootless --bundle "$BATS_TEST_TMPDIR"
	assert_success
	assert_equal "$(jq -c '[.process.terminal, .process.args]' "$BATS_TEST_TMPDIR/config.json")" \
		'[true,["sh"]]'
	iso_run isorun run --detach "$CTR"
	assert_status 1
	assert_one_line_error "console-socket"
	iso_run isorun create "$CTR"
	assert_status 1
	assert_one_line_error "console-socket"
	assert_no_leftovers
}

@test "spec: refuses to overwrite an existing config.json" {
	cd "$BUNDLE"
	echo '{"mine": true}' >config.json
	iso_run isorun spec
	assert_failure
	assert_stderr_contains config.json
	assert_equal "$(cat config.json)" '{"mine": true}'
	# also with --bundle
	iso_run isorun spec --bundle "$BUNDLE"
	assert_failure
	assert_equal "$(cat config.json)" '{"mine": true}'
}

@test "spec --rootless: a user namespace with uid and gid mappings" {
	cd "$BUNDLE"
	iso_run isorun spec --rootless
	assert_success
	jq -e 'any(.linux.namespaces[]; .type == "user")' config.json >/dev/null ||
		fail "no user namespace"
	jq -e '.linux.uidMappings | length > 0' config.json >/dev/null || fail "no uidMappings"
	jq -e '.linux.gidMappings | length > 0' config.json >/dev/null || fail "no gidMappings"
	# the caller (uid 0 here) is mapped to root in the container
	jq -e '.linux.uidMappings[0].containerID == 0 and .linux.uidMappings[0].hostID == 0' \
		config.json >/dev/null || fail "uidMappings: $(jq -c .linux.uidMappings config.json)"
}

@test "spec: hardened by default: seccomp profile, pids 2048, memory 1 GiB without swap, tmpfs /tmp" {
	cd "$BUNDLE"
	iso_run isorun spec
	assert_success
	assert_equal "$(jq -r .linux.seccomp.defaultAction config.json)" SCMP_ACT_ERRNO
	[ "$(jq '[.linux.seccomp.syscalls[].names[]] | length' config.json)" -gt 300 ] ||
		fail "short profile"
	assert_equal "$(jq -r .linux.resources.pids.limit config.json)" 2048
	assert_equal "$(jq -r .linux.resources.memory.limit config.json)" $((1024 * 1024 * 1024))
	assert_equal "$(jq -r .linux.resources.memory.swap config.json)" $((1024 * 1024 * 1024))
	assert_equal "$(jq -c '.mounts[] | select(.destination == "/tmp") | [.type, .options]' config.json)" \
		'["tmpfs",["nosuid","nodev","mode=1777","size=65536k"]]'
	# --seccomp is still accepted, and changes nothing
	iso_run isorun spec --seccomp --bundle "$BATS_TEST_TMPDIR"
	assert_success
	cmp config.json "$BATS_TEST_TMPDIR/config.json" || fail "spec --seccomp differs from spec"
}

# bats test_tags=cgroup
@test "spec: the defaults are enforced (filter loaded, cgroup limits set, /tmp 64 MiB)" {
	cd "$BUNDLE"
	iso_run isorun spec
	assert_success
	# the default asks for a terminal: these programs write to the test's files instead
	update_config '.process.terminal = false'
	# /sys/fs/cgroup is the container's own cgroup (cgroup namespace), v1 or v2 layout
	set_cmd 'grep Seccomp: /proc/self/status
		cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max
		grep " /tmp " /proc/self/mounts | cut -d" " -f3
		df -k /tmp | tail -1 | awk "{print \$2}"
		unshare -m true 2>/dev/null && echo unshared || echo refused'
	iso_run isorun run "$CTR"
	assert_success
	assert_equal "${lines[0]}" "Seccomp:	2"
	assert_equal "${lines[1]}" 2048
	assert_equal "${lines[2]}" $((1024 * 1024 * 1024))
	assert_equal "${lines[3]}" tmpfs
	assert_equal "${lines[4]}" 65536
	assert_equal "${lines[5]}" refused
	assert_no_leftovers
}

@test "spec --no-seccomp: no linux.seccomp, and the container runs unfiltered" {
	cd "$BUNDLE"
	iso_run isorun spec --no-seccomp
	assert_success
	assert_equal "$(jq -r '.linux.seccomp' config.json)" null
	# the limits stay
	assert_equal "$(jq -r .linux.resources.pids.limit config.json)" 2048
	update_config '.process.terminal = false'
	set_cmd 'grep Seccomp: /proc/self/status'
	iso_run isorun run "$CTR"
	assert_success
	assert_equal "$output" "Seccomp:	0"
	assert_no_leftovers
}

@test "spec --rootless: no cgroup limits (a rootless caller may own no cgroup), the rest hardened" {
	cd "$BUNDLE"
	iso_run isorun spec --rootless
	assert_success
	assert_equal "$(jq -r .linux.resources config.json)" null
	assert_equal "$(jq -r .linux.seccomp.defaultAction config.json)" SCMP_ACT_ERRNO
	assert_equal "$(jq -r '.mounts[] | select(.destination == "/tmp") | .type' config.json)" tmpfs
}
