#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# isorun features: the OCI features document.  Each list is checked against what the runtime
# really does with a config.json: every name listed is accepted (and works), a name not listed
# is refused.

load helpers

setup() {
	iso_setup
	FEATURES="$BATS_TEST_TMPDIR/features.json"
	"$ISORUN" features >"$FEATURES"
}

# feat JQ-FILTER: jq -r over the features document
feat() {
	jq -r "$@" "$FEATURES"
}

run_true() {
	set_args /bin/true
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
}

@test "features: valid JSON with the required versions and every list non-empty" {
	jq -e . "$FEATURES" >/dev/null || fail "not JSON"
	assert_equal "$(feat .ociVersionMin)" "1.0.0"
	[[ "$(feat .ociVersionMax)" =~ ^1\.[0-9]+\.[0-9]+$ ]] || fail "ociVersionMax: $(feat .ociVersionMax)"
	local l
	for l in .hooks .mountOptions .linux.namespaces .linux.capabilities .linux.seccomp.actions \
		.linux.seccomp.operators .linux.seccomp.archs .linux.seccomp.knownFlags \
		.potentiallyUnsafeConfigAnnotations; do
		[ "$(feat "$l | length")" -gt 0 ] || fail "$l is empty"
		feat "$l[] | strings" >/dev/null || fail "$l holds a non-string"
	done
	# The systemd cgroup driver is there unless isorun was configured --without-systemd.
	local sd=true
	! "$ISORUN" --help | grep -q -- '--without-systemd' || sd=false
	assert_equal "$(feat '.linux.cgroup | [.v1, .v2, .systemd, .systemdUser, .rdma] | @csv')" \
		"true,true,$sd,false,false"
	# apparmor: what this host can apply (security_labels.bats)
	local aa=false
	[ -d /sys/kernel/security/apparmor ] &&
		[ "$(head -c 1 /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && aa=true
	assert_equal "$(feat '[.linux.apparmor.enabled, .linux.selinux.enabled, .linux.intelRdt.enabled, .linux.netDevices.enabled, .linux.seccomp.enabled] | @csv')" \
		"$aa,false,false,true,true"
	assert_equal "$(feat '.annotations["io.github.seccomp.libseccomp.version"]')" \
		"$(pkg-config --modversion libseccomp 2>/dev/null || feat '.annotations["io.github.seccomp.libseccomp.version"]')"
	# supportedFlags is a subset of knownFlags
	assert_equal "$(feat '.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags | length')" 0
	run "$ISORUN" features extra
	[ "$status" -ne 0 ] || fail "features took an argument"
}

@test "features: ociVersionMin and ociVersionMax are both accepted as ociVersion" {
	local v
	for v in "$(feat .ociVersionMin)" "$(feat .ociVersionMax)"; do
		update_config --arg v "$v" '.ociVersion = $v'
		run_true
		assert_success
	done
	assert_no_leftovers
}

@test "features: every mountOption listed is accepted and mounted; an unknown one is refused" {
	local opt n=0
	while read -r opt; do
		cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
		case "$opt" in
		bind | rbind) add_mount /mnt/o bind "$SHARED" "$opt" ;;
		idmap | ridmap)
			add_mount /mnt/o bind "$SHARED" bind "$opt"
			update_config '.mounts[-1] += {uidMappings: [{containerID: 0, hostID: 0, size: 65536}],
				gidMappings: [{containerID: 0, hostID: 0, size: 65536}]}'
			;;
		*) add_mount /mnt/o tmpfs tmpfs "$opt" ;;
		esac
		set_cmd 'grep -q " /mnt/o " /proc/self/mountinfo && echo MOUNTED'
		iso_run isorun run --bundle "$BUNDLE" "$CTR"
		[ "$status" -eq 0 ] || fail "mount option $opt: refused: $stderr"
		assert_output_contains MOUNTED
		n=$((n + 1))
	done < <(feat '.mountOptions[]')
	[ "$n" -gt 20 ] || fail "only $n mount options"
	cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
	add_mount /mnt/o tmpfs tmpfs nosuchoption
	run_true
	assert_failure
	assert_no_leftovers
}

@test "features: every hook kind listed runs" {
	local k
	cat >"$SHARED/hook.sh" <<'EOF'
#!/bin/sh
echo "$1" >>"${0%/*}/hooks.log"
EOF
	add_mount "$SHARED" bind "$SHARED" rbind rw
	while read -r k; do
		update_config --arg k "$k" --arg s "$SHARED/hook.sh" \
			'.hooks[$k] = [{path: "/bin/sh", args: ["sh", $s, $k]}]'
	done < <(feat '.hooks[]')
	run_true
	assert_success
	assert_equal "$(sort "$SHARED/hooks.log" | tr '\n' ' ')" "$(feat '.hooks[]' | sort | tr '\n' ' ')"
	assert_no_leftovers
}

@test "features: every namespace listed can be created; an unknown type is refused" {
	local ns f
	while read -r ns; do
		case "$ns" in
		network) f=net ;;
		mount) f=mnt ;;
		*) f=$ns ;;
		esac
		cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
		update_config --arg t "$ns" '.linux.namespaces |= (map(select(.type != $t)) + [{type: $t}])'
		if [ "$ns" = user ]; then
			update_config '.linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
				| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]'
		fi
		set_cmd "readlink /proc/self/ns/$f"
		iso_run isorun run --bundle "$BUNDLE" "$CTR"
		[ "$status" -eq 0 ] || fail "namespace $ns refused: $stderr"
		[ -n "$output" ] && [ "$output" != "$(readlink "/proc/self/ns/$f")" ] ||
			fail "namespace $ns: the container shares the test's"
	done < <(feat '.linux.namespaces[]')
	cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
	update_config '.linux.namespaces += [{type: "nosuchns"}]'
	run_true
	assert_failure
	assert_no_leftovers
}

@test "features: every capability listed can be given to the container; an unknown one is refused" {
	# Every name in the bounding set (kept, as all are listed); the effective and permitted sets
	# get the listed ones this test itself holds (this machine withholds CAP_SYS_RESOURCE).
	local own own_names n
	own=$((16#$(awk '/^CapEff/ { print $2 }' /proc/self/status)))
	own_names=$(feat -c --argjson own "$own" '[.linux.capabilities | to_entries[]
		| select((($own / pow(2; .key)) | floor) % 2 == 1) | .value]')
	update_config --argjson c "$(feat -c .linux.capabilities)" --argjson o "$own_names" \
		'.process.capabilities = {bounding: $c, effective: $o, permitted: $o}'
	set_cmd 'grep -E "^Cap(Bnd|Eff)" /proc/self/status'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	n=$(feat '.linux.capabilities | length')
	[ "$n" -ge 38 ] || fail "only $n capabilities"
	assert_output_contains "$(grep CapBnd /proc/self/status)"
	assert_output_contains "$(grep CapEff /proc/self/status)"
	update_config '.process.capabilities.bounding += ["CAP_NO_SUCH_THING"]'
	run_true
	assert_failure
	assert_stderr_contains CAP_NO_SUCH_THING
	assert_no_leftovers
}

@test "features: every seccomp action, operator, arch and supported flag listed is accepted" {
	local syscalls=(acct swapon swapoff syslog vhangup pivot_root reboot sethostname) i=0 a
	local rules='[]'
	while read -r a; do
		# NOTIFY needs a listener (seccomp.bats covers it); each other action gets a syscall
		# that /bin/true never makes.
		[ "$a" != SCMP_ACT_NOTIFY ] || continue
		rules=$(jq -c --arg a "$a" --arg s "${syscalls[$i]}" '. + [{names: [$s], action: $a}]' <<<"$rules")
		i=$((i + 1))
	done < <(feat '.linux.seccomp.actions[]')
	while read -r a; do
		rules=$(jq -c --arg op "$a" '. + [{names: ["kexec_load"], action: "SCMP_ACT_ERRNO",
			args: [{index: 0, value: 1, valueTwo: 1, op: $op}]}]' <<<"$rules")
	done < <(feat '.linux.seccomp.operators[]')
	update_config --argjson r "$rules" --argjson archs "$(feat -c .linux.seccomp.archs)" \
		--argjson f "$(feat -c '.linux.seccomp.supportedFlags - ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]')" \
		'.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: $archs, flags: $f, syscalls: $r}'
	set_cmd 'echo ran'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains ran
	assert_no_leftovers
}

@test "features: a seccomp action listed works (ERRNO), an unlisted one is refused" {
	feat '.linux.seccomp.actions[]' | grep -qx SCMP_ACT_ERRNO || fail "SCMP_ACT_ERRNO not listed"
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	set_cmd 'mkdir /tmp/x 2>&1; echo done'
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains "Operation not permitted"
	! feat '.linux.seccomp.actions[]' | grep -qx SCMP_ACT_FOO || fail "SCMP_ACT_FOO listed"
	update_config '.linux.seccomp.syscalls[0].action = "SCMP_ACT_FOO"'
	run_true
	assert_failure
	assert_stderr_contains SCMP_ACT_FOO
	update_config '.linux.seccomp.syscalls[0].action = "SCMP_ACT_ALLOW" | .linux.seccomp.architectures = ["SCMP_ARCH_NOPE"]'
	run_true
	assert_failure
	assert_stderr_contains SCMP_ARCH_NOPE
	assert_no_leftovers
}

@test "features: each isorun annotation listed is read by the runtime (a bad value is refused)" {
	local key n=0
	while read -r key; do
		cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
		if [[ "$key" == io.isorun.rootfs.* ]]; then
			# these go together: the others valid, this one not
			mkdir -p "$BATS_TEST_TMPDIR/l" "$BATS_TEST_TMPDIR/u" "$BATS_TEST_TMPDIR/w"
			update_config --arg d "$BATS_TEST_TMPDIR" '.annotations += {
				"io.isorun.rootfs.lower": ($d + "/l"), "io.isorun.rootfs.upper": ($d + "/u"),
				"io.isorun.rootfs.work": ($d + "/w")}'
		fi
		update_config --arg k "$key" '.annotations[$k] = "not valid/ \u0001"'
		run_true
		[ "$status" -ne 0 ] || fail "annotation $key with a bad value was accepted"
		assert_stderr_contains "$key"
		n=$((n + 1))
	done < <(feat '.potentiallyUnsafeConfigAnnotations[]')
	[ "$n" -ge 9 ] || fail "only $n annotations"
	assert_no_leftovers
}

@test "features: an io.isorun.* annotation isorun does not know is refused, naming it; other namespaces' are ignored" {
	local key what
	while IFS='|' read -r key what; do
		cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
		update_config --arg k "$key" '.annotations[$k] = "x"'
		run_true
		assert_failure
		assert_one_line_error "config.json: annotations[\"$key\"]: unknown isorun $what"
		assert_no_leftovers
	done <<-'EOF'
		io.isorun.rootfs.uper|rootfs annotation
		io.isorun.net.foo|network annotation
		io.isorun.tenant.name|tenant annotation
		io.isorun.nope|annotation
	EOF
	cp "$ISORUN_SRCDIR/bundles/hello/config.json" "$BUNDLE/config.json"
	update_config '.annotations += {"org.example.anything": "x", "io.isorunx": "y",
		"io.isorun.tenant.id": "t1", "io.isorun.tenant.cname": "c", "io.isorun.tenant.mode": "run"}'
	run_true
	assert_success
	update_config '.annotations["io.isorun.tenant.mode"] = "sometimes"'
	run_true
	assert_failure
	assert_one_line_error 'config.json: annotations["io.isorun.tenant.mode"]: "sometimes" is neither "run" nor "configure"'
	assert_no_leftovers
}
