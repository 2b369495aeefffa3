#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Tenants in user namespaces: each tenant's ids 0..size-1 are its own range of host ids, its
# files on disk belong to that range, the shared base stays one copy owned by host root (seen
# through an idmapped lower layer), configure mode runs in the same namespace, and a package may
# opt out with "userns": false.

load helpers
load tenant_helpers

setup() {
	tenant_setup
	[ -x "$ISO_PACKAGES/simple_test/progs/install_deps.sh" ] || fail "bundles/simple_test: not built"
	RUNNER_PID=
}

teardown() {
	local rc=0
	if [ -n "$RUNNER_PID" ]; then
		kill "$RUNNER_PID" 2>/dev/null || true
		wait "$RUNNER_PID" 2>/dev/null || true
	fi
	ramfs_release "$TROOT/base"
	ramfs_release "$TROOT"
	iso_teardown || rc=1
	rm -rf --one-file-system "$TROOT" "$PKGS"
	return $rc
}

# ids_of TID: "START SIZE", the range the store reserved for the tenant.
ids_of() {
	cat "$TROOT/tenants/$1/ids"
}

# in_range ID START SIZE: whether START <= ID < START+SIZE.
in_range() {
	[ "$1" -ge "$2" ] && [ "$1" -lt $(($2 + $3)) ]
}

# base_listing: every entry of the base with its owner, group, mode and content hash.
base_listing() {
	(cd "$TROOT/base" && find . -printf '%p %U %G %m %y\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

# ramfs_on DIR: a ramfs on DIR, a file system no kernel can idmap (tmpfs can, from Linux 6.3);
# the host state is taken again with it, so that it alone is not a leftover.
ramfs_on() {
	mkdir -p "$1"
	mount -t ramfs isorun-test-ramfs "$1"
	snapshot_host_state
}

# ramfs_release DIR: unmounts what ramfs_on DIR mounted, if it still is.
ramfs_release() {
	if [ "$(stat -f -c %T "$1" 2>/dev/null)" = ramfs ] && mountpoint -q "$1"; then
		umount -R "$1"
		snapshot_host_state
	fi
}

# ---------------------------------------------------------------------------------------------

@test "tenant userns: two tenants get disjoint ranges, and their bundles map 0..size-1 onto them" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	local a=$TID
	add_pkg "$ISO_PACKAGES/simple_test"
	local b=$TID
	read -r sa na < <(ids_of "$a")
	read -r sb nb < <(ids_of "$b")
	[ "$na" -gt 0 ] && [ "$nb" -gt 0 ] || fail "no range: $na $nb"
	[ $((sa + na)) -le "$sb" ] || [ $((sb + nb)) -le "$sa" ] || fail "ranges overlap: $sa+$na $sb+$nb"
	for t in "$a" "$b"; do
		TID=$t
		read -r s n < <(ids_of "$t")
		cfg '.linux.namespaces[].type' | grep -qx user || fail "no user namespace in $t's bundle"
		assert_equal "$(cfg '.linux.uidMappings | map("\(.containerID) \(.hostID) \(.size)") | join(",")')" "0 $s $n"
		assert_equal "$(cfg '.linux.gidMappings | map("\(.containerID) \(.hostID) \(.size)") | join(",")')" "0 $s $n"
	done
}

@test "tenant userns: every process of a running tenant has a host uid and gid in its range" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	read -r start size < <(ids_of "$TID")
	local home="$TROOT/tenants/$TID/home"
	# Three processes: the shell and two children.
	"$ISORUN" --root "$ROOT" tenant --tenant-root "$TROOT" run "$TID" -- /bin/sh -c '
		sleep 1000 & sleep 1000 &
		echo ready >/home/ready; while [ ! -e /home/stop ]; do sleep 0.1; done
		kill $(jobs -p) 2>/dev/null; wait' </dev/null >"$BATS_TEST_TMPDIR/runner.out" 2>&1 3>&- &
	RUNNER_PID=$!
	wait_for_file "$home/ready"
	local pid nspid n=0 bad=
	pid=$("$ISORUN" --root "$ROOT" state "$TID" 3>&- | jq -r .pid)
	nspid=$(readlink "/proc/$pid/ns/pid")
	for p in /proc/[0-9]*; do
		[ -n "$nspid" ] && [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$nspid" ] || continue
		read -r _ u1 u2 u3 u4 < <(grep '^Uid:' "$p/status") || continue
		read -r _ g1 g2 g3 g4 < <(grep '^Gid:' "$p/status") || continue
		for id in $u1 $u2 $u3 $u4 $g1 $g2 $g3 $g4; do
			in_range "$id" "$start" "$size" || bad+=" $p ($(cat "$p/comm")): id $id;"
		done
		n=$((n + 1))
	done
	# The tenant stops on its own before any verdict: nothing is left to kill.
	touch "$home/stop"
	wait "$RUNNER_PID"
	RUNNER_PID=
	[ -z "$bad" ] || fail "outside $start+$size:$bad"
	[ "$n" -ge 3 ] || fail "found only $n processes of the tenant (state pid '$pid')"
}

@test "tenant userns: files the tenant makes are owned by its range on the host" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	read -r start size < <(ids_of "$TID")
	tenant run "$TID" -- /bin/sh -c 'touch /home/made /etc/made && mkdir /home/d &&
		chown 1000:1001 /home/d && stat -c "%u %g" /home/made /bin/busybox'
	assert_success
	# Inside: its own files and the base both belong to its root.
	assert_equal "${lines[0]}" "0 0"
	assert_equal "${lines[1]}" "0 0"
	assert_equal "$(stat -c '%u %g' "$TROOT/tenants/$TID/home/made")" "$start $start"
	assert_equal "$(stat -c '%u %g' "$TROOT/tenants/$TID/upper/etc/made")" "$start $start"
	assert_equal "$(stat -c '%u %g' "$TROOT/tenants/$TID/home/d")" "$((start + 1000)) $((start + 1001))"
	for d in home upper work; do
		assert_equal "$(stat -c %u "$TROOT/tenants/$TID/$d")" "$start"
	done
	# Other host users cannot reach the tenant's files.
	assert_equal "$(stat -c '%a %u %g' "$TROOT/tenants/$TID")" "710 0 $start"
}

@test "tenant userns: the base stays one copy, unchanged and owned by host root" {
	make_base
	local before after
	before=$(base_listing)
	add_pkg "$ISO_PACKAGES/simple_test"
	local a=$TID
	add_pkg "$ISO_PACKAGES/simple_test"
	local b=$TID
	# a changes a base file (copy-up) and removes another (whiteout)
	TID=$a
	tenant run "$a" -- /bin/sh -c 'echo tenant-a >>/etc/passwd && rm /etc/group &&
		cat /proc/self/uid_map && stat -c "%u %i" /bin/busybox'
	assert_success
	read -r s _ < <(ids_of "$a")
	[[ "${lines[0]}" =~ ^\ *0\ +$s\ +65536$ ]] || fail "not in its user namespace: ${lines[0]}"
	# Not copied: the inode inside is the base's own.
	assert_equal "${lines[1]}" "0 $(stat -c %i "$TROOT/base/bin/busybox")"
	# b sees the base as it is on disk: a's change and removal are a's alone
	tenant run "$b" -- /bin/sh -c 'echo "$(grep -c tenant-a /etc/passwd) $(ls /etc/group)"'
	assert_success
	assert_equal "$output" "0 /etc/group"
	after=$(base_listing)
	[ "$before" = "$after" ] || fail "the base changed: $(diff <(echo "$before") <(echo "$after"))"
	grep -q tenant-a "$TROOT/tenants/$a/upper/etc/passwd" || fail "copy-up not in a's upper"
	assert_equal "$(stat -c %u "$TROOT/tenants/$a/upper/etc/passwd")" "$s"
	[ ! -e "$TROOT/tenants/$b/upper/etc/passwd" ] || fail "b has a copy of the base"
}

@test "tenant userns: configure mode's install_deps.sh runs as a host uid in the range" {
	make_base
	local pkg
	pkg=$(copy_pkg simple_test deps_probe)
	cat >"$pkg/progs/install_deps.sh" <<-'EOF'
		#!/bin/sh
		cat /proc/self/uid_map >/home/deps_uid_map
		echo made >/home/deps_made
		# root inside only: the host's kernel knobs stay out of reach
		echo 1 >/proc/sys/kernel/sysrq 2>/dev/null && echo "wrote sysrq" >/home/deps_sysrq
		exit 0
	EOF
	chmod 755 "$pkg/progs/install_deps.sh"
	add_pkg "$pkg"
	read -r start size < <(ids_of "$TID")
	read -r inner outer n <"$TROOT/tenants/$TID/home/deps_uid_map"
	assert_equal "$inner $outer $n" "0 $start $size"
	assert_equal "$(stat -c %u "$TROOT/tenants/$TID/home/deps_made")" "$start"
	[ ! -e "$TROOT/tenants/$TID/home/deps_sysrq" ] || fail "configure mode wrote a host sysctl"
}

@test "tenant userns: \"userns\": false opts out, and the tenant runs as host root" {
	make_base
	local pkg
	pkg=$(copy_pkg simple_test no_userns)
	edit_pkg "$pkg" '.userns = false'
	add_pkg "$pkg"
	cfg '.linux.namespaces[].type' | grep -qx user && fail "user namespace despite userns false"
	assert_equal "$(cfg '.linux.uidMappings')" null
	tenant run "$TID" -- /bin/sh -c 'cat /proc/self/uid_map; touch /home/f'
	assert_success
	[[ "$output" =~ ^\ *0\ +0\ +4294967295$ ]] || fail "not the host's user namespace: $output"
	assert_equal "$(stat -c %u "$TROOT/tenants/$TID/home/f")" 0
}

@test "tenant userns: \"userns\" that is not a boolean: one-line error naming it, nothing left" {
	make_base
	local pkg
	pkg=$(copy_pkg simple_test bad_userns)
	edit_pkg "$pkg" '.userns = "no"'
	tenant add "$pkg"
	assert_one_line_error "config.json: userns: expected a boolean"
	assert_equal "$(registry_count)" 0
	assert_equal "$(tenant_dirs)" 0
}

@test "tenant userns: delete frees the range, and the next tenant runs in it" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	local first=$TID range
	range=$(ids_of "$first")
	tenant delete "$first"
	assert_success
	add_pkg "$ISO_PACKAGES/simple_test"
	assert_equal "$(ids_of "$TID")" "$range"
	tenant run "$TID" -- cat /proc/self/uid_map
	assert_success
	read -r s n <<<"$range"
	[[ "$output" =~ ^\ *0\ +$s\ +$n$ ]] || fail "not in the freed range: $output"
}

@test "tenant userns: a tenant whose files belong to host root is refused, naming the fix" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	# What a tenant made before user namespaces looks like on disk.
	chown -R 0:0 "$TROOT/tenants/$TID/home" "$TROOT/tenants/$TID/upper" "$TROOT/tenants/$TID/work"
	tenant run "$TID"
	assert_one_line_error "tenant $TID: $TROOT/tenants/$TID/home belongs to host root"
	[[ "$stderr" == *"delete it and add it again"* ]] || fail "no fix named: $stderr"
	tenant run "$TID" --configure -- /bin/true
	assert_one_line_error "belongs to host root"
}

@test "tenant userns: a store under a directory others cannot search is refused, naming it" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	chmod 700 "$BATS_TEST_TMPDIR"
	tenant run "$TID" -- /bin/true
	chmod 711 "$BATS_TEST_TMPDIR"
	assert_one_line_error "$BATS_TEST_TMPDIR (mode 0700) is not searchable by others"
	[[ "$stderr" == *"chmod o+x $BATS_TEST_TMPDIR"* ]] || fail "no fix named: $stderr"
}

@test "tenant userns: a store on a file system the kernel cannot idmap (ramfs): add refuses up front, naming it and the fix" {
	ramfs_on "$TROOT"
	make_base
	tenant add "$ISO_PACKAGES/simple_test"
	assert_one_line_error "tenant store $TROOT: its file system (ramfs) cannot be idmapped by Linux $(uname -r)"
	assert_stderr_contains '"userns": false'
	assert_stderr_contains "ext4, xfs or btrfs"
	# nothing made: no tenant directory, no range reserved, nothing mounted but the ramfs
	assert_equal "$(tenant_dirs)" 0
	assert_equal "$(registry_count)" 0
	assert_no_leftovers
	# a package without a user namespace needs no idmapped base
	local pkg
	pkg=$(copy_pkg simple_test no_userns)
	edit_pkg "$pkg" '.userns = false'
	add_pkg "$pkg"
	assert_equal "$(cfg '.linux.uidMappings')" null
	tenant run "$TID" -- /bin/sh -c 'echo ran >/home/ran && cat /home/ran'
	assert_success
	assert_equal "$output" ran
	tenant delete "$TID"
	assert_success
	assert_no_leftovers
	ramfs_release "$TROOT"
}

@test "tenant userns: a tenant whose base moved onto a file system the kernel cannot idmap fails at run, naming it" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	# `tenant run` does not probe: the runtime's own refusal says which file system and kernel.
	ramfs_on "$TROOT/base"
	tenant run "$TID" -- /bin/true
	assert_one_line_error "idmapped mount of $TROOT/base: Invalid argument (its file system, ramfs, does not support idmapped mounts in Linux $(uname -r))"
	assert_no_leftovers
	ramfs_release "$TROOT/base"
}
