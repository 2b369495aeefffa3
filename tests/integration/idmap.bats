#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Idmapped bind mounts (OCI runtime spec 1.2): mounts[].uidMappings and gidMappings, and the
# options "idmap" (the top mount only) and "ridmap" (every mount of an rbind).  A mapping reads
# as linux.uidMappings does: an id stored in the source is a containerID and shows through the
# mount as the hostID of its range; a file made through the mount by a hostID is stored as the
# containerID.  Mappings without either option mean "idmap"; "idmap" without mappings takes the
# container's user namespace.

load helpers

setup_file() {
	iso_setup_file
	# The sources live outside $BATS_RUN_TMPDIR, whose mounts the leftover check compares: some
	# tests mount under their source.  This is the tests' own mount namespace (run-in-ns.sh).
	IDMAP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/isorun-idmap.XXXXXX")
	chmod 0755 "$IDMAP_DIR"
	# ext4 (stat says ext2/ext3), xfs and btrfs map since Linux 5.12-5.15, tmpfs since 6.3:
	# anything else is covered by a tmpfs
	case "$(stat -f -c %T "$IDMAP_DIR")" in
	ext2/ext3 | xfs | btrfs | tmpfs) ;;
	*) mount -t tmpfs -o mode=0755 isorun-idmap "$IDMAP_DIR" ;;
	esac
	export IDMAP_DIR
}

teardown_file() {
	umount "$IDMAP_DIR" 2>/dev/null || true
	rm -rf --one-file-system "$IDMAP_DIR"
}

setup() {
	iso_setup
	SRC="$IDMAP_DIR/$BATS_TEST_NUMBER"
	mkdir -m 0755 "$SRC"
}

teardown() {
	local rc=0
	iso_teardown || rc=1
	# what a test mounted under its source (a submount, a ramfs), gone once its containers are
	unmount_leaks "$SRC" >/dev/null 2>&1 || true
	rm -rf --one-file-system "$SRC"
	return $rc
}

# A map that shows stored id 1000 as 2000, and stores what 0 (root) makes as 3000.
MAP='[{"containerID": 1000, "hostID": 2000, "size": 1}, {"containerID": 3000, "hostID": 0, "size": 1}]'

# add_idmap_mount DEST SOURCE OPTIONS-JSON [MAPPINGS-JSON]: a bind with uidMappings and
# gidMappings both MAPPINGS (none when absent).
add_idmap_mount() {
	update_config --arg d "$1" --arg s "$2" --argjson o "$3" --argjson m "${4:-null}" \
		'.mounts += [{destination: $d, type: "bind", source: $s, options: $o}
			+ (if $m then {uidMappings: $m, gidMappings: $m} else {} end)]'
}

# use_userns: a new user namespace whose root is host uid/gid 100000, which owns the rootfs.
use_userns() {
	local d
	for d in "$BATS_RUN_TMPDIR" "$BATS_TEST_TMPDIR" "$BUNDLE"; do chmod o+x "$d"; done
	chown -R 100000:100000 "$BUNDLE/rootfs"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

run_ctr() {
	set_cmd "$1"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
}

# create_fails SUBSTRING: `create` fails with one line that contains SUBSTRING and leaves
# nothing behind.
create_fails() {
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "$1"
	assert_no_leftovers
	iso_run isorun state "$CTR"
	assert_failure
}

# procs_in_mntns PID: how many processes share the mount namespace of PID.
procs_in_mntns() {
	local p n=0
	for p in /proc/[0-9]*; do
		[ "$p/ns/mnt" -ef "/proc/$1/ns/mnt" ] && n=$((n + 1))
	done
	echo "$n"
}

@test "idmap: stored ids show as their hostIDs, and what root makes is stored as the containerID" {
	chown 3000:3000 "$SRC"
	touch "$SRC/f1000" "$SRC/f5"
	chown 1000:1000 "$SRC/f1000"
	chown 5:5 "$SRC/f5"
	add_idmap_mount /data "$SRC" '["bind", "idmap"]' "$MAP"
	run_ctr 'stat -c "%n %u:%g" /data /data/f1000 /data/f5
		touch /data/new && stat -c "%n %u:%g" /data/new
		grep " /data " /proc/self/mountinfo'
	assert_success
	# stored -> shown: containerID 1000 is hostID 2000, 3000 is 0; 5 is in no range
	assert_output_contains "/data 0:0"
	assert_output_contains "/data/f1000 2000:2000"
	assert_output_contains "/data/f5 65534:65534"
	assert_output_contains "/data/new 0:0"
	assert_output_contains "idmapped"
	# shown -> stored: root's new file is containerID 3000; nothing was chowned
	assert_equal "$(stat -c %u:%g "$SRC/new")" 3000:3000
	assert_equal "$(stat -c %u:%g "$SRC/f1000")" 1000:1000
	assert_no_leftovers
}

@test "idmap: uidMappings and gidMappings apply separately" {
	touch "$SRC/f"
	chown 1000:3000 "$SRC/f"
	update_config --arg s "$SRC" '.mounts += [{destination: "/data", type: "bind", source: $s,
		options: ["rbind"],
		uidMappings: [{containerID: 1000, hostID: 11, size: 1}],
		gidMappings: [{containerID: 3000, hostID: 33, size: 1}]}]'
	run_ctr 'stat -c "%u:%g" /data/f'
	assert_success
	assert_equal "$output" 11:33
	assert_no_leftovers
}

@test "idmap and ridmap on an rbind: only ridmap maps the mounts under the source" {
	mkdir "$SRC/sub"
	touch "$SRC/f"
	chown 1000:1000 "$SRC/f"
	mount -t tmpfs -o mode=0755 idmap-sub "$SRC/sub"
	touch "$SRC/sub/g"
	chown 1000:1000 "$SRC/sub/g"
	add_idmap_mount /top "$SRC" '["rbind", "idmap"]' "$MAP"
	add_idmap_mount /all "$SRC" '["rbind", "ridmap"]' "$MAP"
	add_idmap_mount /plain "$SRC" '["rbind"]' "$MAP"
	run_ctr 'stat -c "%n %u" /top/f /top/sub/g /all/f /all/sub/g /plain/f /plain/sub/g'
	assert_success
	assert_output_contains "/top/f 2000"
	assert_output_contains "/top/sub/g 1000"
	assert_output_contains "/all/f 2000"
	assert_output_contains "/all/sub/g 2000"
	# mappings without either option: "idmap", as runc reads them
	assert_output_contains "/plain/f 2000"
	assert_output_contains "/plain/sub/g 1000"
	assert_no_leftovers
}

@test "idmap in a user namespace: without mappings the container's map the source, with them their own" {
	use_userns
	mkdir "$SRC/own" "$SRC/mapped"
	touch "$SRC/own/f0" "$SRC/mapped/f1000"
	chown -R 1000:1000 "$SRC/mapped"
	add_idmap_mount /own "$SRC/own" '["rbind", "idmap"]'
	add_idmap_mount /mapped "$SRC/mapped" '["rbind", "idmap"]' \
		'[{"containerID": 1000, "hostID": 100000, "size": 1}]'
	run_ctr 'stat -c "%n %u:%g" /own /own/f0 /mapped/f1000
		touch /own/new /mapped/new && echo MADE'
	assert_success
	# host root's files are the container's root through the container's own map
	assert_output_contains "/own 0:0"
	assert_output_contains "/own/f0 0:0"
	assert_output_contains "/mapped/f1000 0:0"
	assert_output_contains MADE
	assert_equal "$(stat -c %u:%g "$SRC/own/new")" 0:0
	assert_equal "$(stat -c %u:%g "$SRC/mapped/new")" 1000:1000
	assert_no_leftovers
}

@test "idmap: the user namespace made for a mapping leaves no process behind" {
	local pid out mode want
	touch "$SRC/f"
	chown 1000:1000 "$SRC/f"
	add_idmap_mount /data "$SRC" '["bind"]' "$MAP"
	set_cmd 'stat -c %u /data/f'
	# made by the init without a user namespace, by the runtime's helper with one (where
	# host uid 100002 is the container's 2)
	for mode in host userns; do
		want=2000
		if [ $mode = userns ]; then
			use_userns
			update_config '.mounts[-1].uidMappings = [{"containerID": 1000, "hostID": 100002, "size": 1}]
				| .mounts[-1].gidMappings = .mounts[-1].uidMappings'
			mkdir -p "$BUNDLE/rootfs/data"
			want=2
		fi
		iso_run isorun create --bundle "$BUNDLE" "$CTR"
		assert_success
		out=$run_out
		pid=$(ctr_pid "$CTR")
		# the init alone, waiting for start: nothing that held a user namespace beside it
		assert_equal "$(procs_in_mntns "$pid")" 1
		iso_run isorun start "$CTR"
		assert_success
		wait_for_status "$CTR" stopped
		assert_equal "$(cat "$out")" "$want"
		iso_run isorun delete "$CTR"
		assert_success
		assert_no_leftovers
	done
}

@test "idmap: a file system that refuses MOUNT_ATTR_IDMAP is one line naming the mount and the reason" {
	# ramfs cannot be idmapped
	mount -t ramfs idmap-ramfs "$SRC"
	add_idmap_mount /data "$SRC" '["bind"]' "$MAP"
	create_fails "mounts[7] (/data): idmapped mount of $SRC: Invalid argument (its file system, ramfs, does not support idmapped mounts in Linux $(uname -r))"
	# the same made by the runtime for a container with a user namespace
	use_userns
	mkdir "$BUNDLE/rootfs/data"
	create_fails "mounts[7] (/data): idmapped mount of $SRC: Invalid argument (its file system, ramfs,"
}

@test "idmap: bad mappings and options are refused before anything is made, naming the mount and field" {
	local base
	base=$(cat "$BUNDLE/config.json")
	# case JQ-FILTER-ON-THE-NEW-MOUNT MESSAGE
	bad() {
		echo "$base" >"$BUNDLE/config.json"
		update_config --arg s "$SRC" '.mounts += [{destination: "/data", type: "bind", source: $s,
			options: ["bind"], uidMappings: [{containerID: 0, hostID: 1000, size: 10}],
			gidMappings: [{containerID: 0, hostID: 1000, size: 10}]}]'
		update_config ".mounts[-1] |= ($1)"
		create_fails "config.json: mounts[7]$2"
	}
	bad '.uidMappings = "0:1000:10"' '.uidMappings: expected an array'
	bad '.gidMappings = [5]' '.gidMappings[0]: expected an object'
	bad 'del(.uidMappings[0].size)' '.uidMappings[0].size: required'
	bad '.uidMappings[0].size = 0' '.uidMappings[0].size: must be at least 1'
	bad '.uidMappings[0].hostID = "1000"' '.uidMappings[0].hostID: expected an unsigned 32-bit integer'
	bad '.gidMappings[0].containerID = -1' '.gidMappings[0].containerID: expected an unsigned 32-bit integer'
	bad '.uidMappings[0].containerID = 4294967295' '.uidMappings[0].size: containerID + size exceeds 2^32'
	bad '.uidMappings += [{containerID: 5, hostID: 5000, size: 1}]' \
		'.uidMappings[1].containerID: range overlaps that of element 0'
	bad '.gidMappings += [{containerID: 500, hostID: 1009, size: 1}]' \
		'.gidMappings[1].hostID: range overlaps that of element 0'
	bad 'del(.gidMappings)' '.gidMappings: required with uidMappings'
	bad '.uidMappings = []' '.uidMappings: must not be empty'
	bad '.type = "tmpfs" | .source = "tmpfs" | .options = []' '.uidMappings: only a bind mount can be idmapped'
	bad 'del(.uidMappings, .gidMappings) | .type = "tmpfs" | .options = ["ridmap"]' \
		'.options: "ridmap" needs a bind mount'
	bad 'del(.uidMappings, .gidMappings) | .options += ["idmap"]' \
		'.options: "idmap" without uidMappings needs a user namespace in linux.namespaces'
	# a user namespace joined by path: neither the runtime nor the init could map the source
	echo "$base" >"$BUNDLE/config.json"
	update_config '.linux.namespaces += [{"type": "user", "path": "/proc/1/ns/user"}]'
	base=$(cat "$BUNDLE/config.json")
	bad '.' ': an idmapped mount is not supported in a user namespace joined by path'
}

@test "idmap: features says idmap is supported and lists idmap and ridmap" {
	iso_run "$ISORUN" features
	assert_success
	assert_equal "$(jq -r .linux.mountExtensions.idmap.enabled "$run_out")" true
	assert_equal "$(jq -r '[.mountOptions[] | select(. == "idmap" or . == "ridmap")] | join(",")' "$run_out")" \
		idmap,ridmap
}
