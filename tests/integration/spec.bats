#!/usr/bin/env bats
# `spec`: writes a default config.json (runc's defaults), which runs with the busybox rootfs,
# and never overwrites an existing one.

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
