#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# LSM labels: process.apparmorProfile (and exec --apparmor), process.selinuxLabel and
# linux.mountLabel (and exec --process-label).
#
# Every host: what `features` says about AppArmor and SELinux, wrong JSON types, and what a
# host without the LSM does with a label (AppArmor: refused, naming the field; SELinux: one
# warning line per field).  A host with AppArmor (the test VM: tests/vm/run-vm.sh bare
# tests/integration/security_labels.bats) runs the rest: a profile loaded with apparmor_parser
# confines the container and exec'd processes, and podman's default profile reaches its
# containers.

load helpers

# The same test as the runtime's (apparmor.h): securityfs shows apparmor, the module says Y.
apparmor_on() {
	[ -d /sys/kernel/security/apparmor ] &&
		[ "$(head -c 1 /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

# go-selinux's test, less the "kernel" context: selinuxfs mounted read-write.
selinux_on() {
	[ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" = selinux ] &&
		! grep -qE '^[^ ]+ /sys/fs/selinux [^ ]+ ro[, ]' /proc/self/mounts
}

need_apparmor() {
	apparmor_on || skip "AppArmor is not enabled on this host (the test VM has it)"
	command -v apparmor_parser >/dev/null || skip "apparmor_parser not found: install the Debian package apparmor"
}

# A profile that allows everything but reading /secret.
load_deny_profile() {
	PROFILE="isorun-test-deny-$ISO_FILE_TAG"
	cat >"$BATS_TEST_TMPDIR/profile" <<-EOF
		profile $PROFILE flags=(attach_disconnected,mediate_deleted) {
		  file,
		  capability,
		  network,
		  signal,
		  ptrace,
		  unix,
		  deny /secret r,
		}
	EOF
	apparmor_parser -r -K "$BATS_TEST_TMPDIR/profile" || fail "apparmor_parser could not load $PROFILE"
	echo s3cret >"$BUNDLE/rootfs/secret"
}

teardown() {
	iso_teardown
	local rc=$?
	if [ -n "${PROFILE:-}" ]; then
		apparmor_parser -R "$BATS_TEST_TMPDIR/profile" || rc=1
	fi
	return $rc
}

start_sleeper() {
	set_args /bin/sleep 600
	iso_run isorun run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	wait_for_status "$CTR" running
}

@test "features: apparmor.enabled and selinux.enabled are what this host can apply" {
	local aa=false se=false
	apparmor_on && aa=true
	selinux_on && se=true
	iso_run isorun features
	assert_success
	assert_equal "$(jq -r '.linux.apparmor.enabled' <<<"$output")" $aa
	assert_equal "$(jq -r '.linux.selinux.enabled' <<<"$output")" $se
}

@test "labels of the wrong JSON type are errors naming the field, nothing left behind" {
	local field value
	while read -r field value; do
		cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
		update_config --argjson v "$value" ".$field = \$v"
		iso_run isorun run --bundle "$BUNDLE" "$CTR"
		assert_one_line_error "config.json: $field: expected a string"
		assert_no_leftovers
	done <<-'EOF'
		process.apparmorProfile 5
		process.selinuxLabel ["x"]
		linux.mountLabel {}
	EOF
	cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
	start_sleeper
	echo '{"args": ["/bin/true"], "cwd": "/", "apparmorProfile": true}' >"$BATS_TEST_TMPDIR/p.json"
	snapshot_host_state exec
	iso_run isorun exec --process "$BATS_TEST_TMPDIR/p.json" "$CTR"
	assert_one_line_error "p.json: apparmorProfile"
	assert_no_leftovers exec
}

@test "apparmor: without AppArmor a profile is refused naming process.apparmorProfile; unconfined runs" {
	apparmor_on && skip "AppArmor is enabled here: the confinement tests below cover this host"
	set_args /bin/echo ran
	update_config '.process.apparmorProfile = "isorun-no-such-profile"'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "config.json: process.apparmorProfile \"isorun-no-such-profile\": AppArmor is not enabled"
	assert_output_not_contains ran
	assert_no_leftovers
	# "unconfined" asks for what every process here already is
	update_config '.process.apparmorProfile = "unconfined"'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$output" ran
	# exec: from the flag, and from a --process file
	update_config 'del(.process.apparmorProfile)'
	start_sleeper
	snapshot_host_state exec
	iso_run isorun exec --apparmor isorun-no-such-profile "$CTR" /bin/echo ran
	assert_one_line_error "--apparmor \"isorun-no-such-profile\": AppArmor is not enabled"
	assert_output_not_contains ran
	echo '{"args": ["/bin/echo", "ran"], "cwd": "/", "apparmorProfile": "p2"}' >"$BATS_TEST_TMPDIR/p.json"
	iso_run isorun exec --process "$BATS_TEST_TMPDIR/p.json" "$CTR"
	assert_one_line_error "p.json: apparmorProfile \"p2\": AppArmor is not enabled"
	assert_output_not_contains ran
	assert_no_leftovers exec
}

@test "selinux: without SELinux each label is one warning line naming its field, and the container runs" {
	selinux_on && skip "SELinux is enabled here"
	set_args /bin/echo ran
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2" |
		.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$output" ran
	assert_equal "${#stderr_lines[@]}" 2
	[[ "${stderr_lines[0]}" == "isorun: warning: config.json: process.selinuxLabel \"system_u:system_r:container_t:s0:c1,c2\": SELinux is not enabled"* ]] ||
		fail "first line: ${stderr_lines[0]}"
	[[ "${stderr_lines[1]}" == "isorun: warning: config.json: linux.mountLabel \"system_u:object_r:container_file_t:s0:c1,c2\": SELinux is not enabled"* ]] ||
		fail "second line: ${stderr_lines[1]}"
	# exec: the container's label (kept, as runc keeps it), or --process-label's
	start_sleeper
	assert_equal "${#stderr_lines[@]}" 2
	iso_run isorun exec "$CTR" /bin/echo ran
	assert_success
	assert_equal "${#stderr_lines[@]}" 1
	assert_stderr_contains "warning: config.json: process.selinuxLabel"
	iso_run isorun exec --process-label system_u:system_r:spc_t:s0 "$CTR" /bin/echo ran
	assert_success
	assert_equal "${#stderr_lines[@]}" 1
	assert_stderr_contains "warning: --process-label \"system_u:system_r:spc_t:s0\": SELinux is not enabled"
}

# ---- a host with AppArmor (the test VM) ----

@test "apparmor: a container under a profile cannot read what it denies; one without can" {
	need_apparmor
	load_deny_profile
	set_cmd 'cat /proc/self/attr/current; cat /secret'
	update_config --arg p "$PROFILE" '.process.apparmorProfile = $p'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_equal "${lines[0]}" "$PROFILE (enforce)"
	assert_output_not_contains s3cret
	assert_stderr_contains "Permission denied"
	update_config 'del(.process.apparmorProfile)'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "${lines[0]}" unconfined
	assert_equal "${lines[1]}" s3cret
	# a profile that is not loaded is an error naming the field, and nothing is left
	update_config '.process.apparmorProfile = "isorun-not-loaded"'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "process.apparmorProfile \"isorun-not-loaded\""
	assert_no_leftovers
}

@test "apparmor: exec --apparmor and a --process file's apparmorProfile confine the exec'd process" {
	need_apparmor
	load_deny_profile
	start_sleeper
	iso_run isorun exec "$CTR" /bin/cat /secret
	assert_success
	assert_equal "$output" s3cret
	iso_run isorun exec --apparmor "$PROFILE" "$CTR" /bin/sh -c 'cat /proc/self/attr/current; cat /secret'
	assert_failure
	assert_equal "$output" "$PROFILE (enforce)"
	jq -n --arg p "$PROFILE" '{args: ["/bin/sh", "-c", "cat /proc/self/attr/current; cat /secret"],
		cwd: "/", apparmorProfile: $p}' >"$BATS_TEST_TMPDIR/p.json"
	iso_run isorun exec --process "$BATS_TEST_TMPDIR/p.json" "$CTR"
	assert_failure
	assert_equal "$output" "$PROFILE (enforce)"
	iso_run isorun delete --force "$CTR"
	# the container's profile holds for an exec that names none (or ""), as in runc
	update_config --arg p "$PROFILE" '.process.apparmorProfile = $p'
	start_sleeper
	iso_run isorun exec "$CTR" /bin/cat /secret
	assert_failure
	assert_output_not_contains s3cret
	iso_run isorun exec --apparmor "" "$CTR" /bin/cat /secret
	assert_failure
	assert_output_not_contains s3cret
	echo '{"args": ["/bin/cat", "/secret"], "cwd": "/", "apparmorProfile": ""}' >"$BATS_TEST_TMPDIR/p.json"
	iso_run isorun exec --process "$BATS_TEST_TMPDIR/p.json" "$CTR"
	assert_failure
	assert_output_not_contains s3cret
}

@test "apparmor: podman's default profile (containers-default-*) confines its container" {
	need_apparmor
	local c="$BATS_TEST_TMPDIR/podman" m
	for m in podman conmon; do
		command -v $m >/dev/null || skip "$m not found: install the Debian package podman"
	done
	# conmon passes isorun no --root: its /run/isorun is private to this test (as clients.bats)
	mkdir -p "$c/isorun-root" /run/isorun
	mount --bind "$c/isorun-root" /run/isorun
	ROOT="$c/isorun-root"
	sed -e "s|^  \"/usr/local/bin/isorun\",|  \"$ISORUN\",|" \
		"$ISORUN_SRCDIR/contrib/podman/isorun.conf" >"$c/containers.conf"
	tar -C "$ISO_ROOTFS_CACHE" -cf "$c/rootfs.tar" .
	cat >"$c/pm" <<-EOF
		#!/bin/sh
		cd $c || exit 1
		exec env CONTAINERS_CONF=$c/containers.conf podman --root $c/root --runroot $c/run \\
			--tmpdir $c/tmp --storage-driver vfs --cgroup-manager cgroupfs \\
			--events-backend file --runtime isorun "\$@"
	EOF
	chmod +x "$c/pm"
	"$c/pm" import --quiet --change 'ENV PATH=/bin' "$c/rootfs.tar" localhost/isorun-aa:1 >/dev/null
	iso_run "$c/pm" run --rm --network none localhost/isorun-aa:1 cat /proc/self/attr/current
	"$c/pm" rmi -af >/dev/null 2>&1
	umount /run/isorun
	assert_success
	[[ "$output" == "containers-default-"*" (enforce)" ]] || fail "attr/current: $output"
}
