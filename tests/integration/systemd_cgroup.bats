#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The systemd cgroup driver (--systemd-cgroup, --cgroup-manager systemd): the container's
# cgroup is a transient scope that systemd makes, with the limits as unit properties and in the
# scope's cgroup files, and every verb on a live cgroup working on it; delete, a failed create
# and delete --force after a crash leave no unit and no cgroup.
#
# Needs systemd as PID 1: run it in the systemd VMs, pure cgroup v2 and hybrid (v1 controllers,
# name=systemd; the tests read each limit from the file of the host's layout),
#   tests/vm/run-vm.sh systemd tests/integration/systemd_cgroup.bats
#   tests/vm/run-vm.sh systemd-hybrid tests/integration/systemd_cgroup.bats
# Elsewhere every test skips but the one for a host whose systemd cannot be reached.

load helpers

setup_file() { iso_setup_file; }

setup() {
	iso_setup
	update_config '.process.args = ["/bin/sleep", "600"]'
}

teardown() { iso_teardown; }

need_systemd() {
	[ -d /run/systemd/system ] && [ -S /run/dbus/system_bus_socket ] && command -v systemctl >/dev/null ||
		skip "systemd is not PID 1 here (run it in the systemd VM: tests/vm/run-vm.sh systemd $BATS_TEST_FILENAME)"
}

# A v1 or hybrid host: systemd's name=systemd hierarchy and the v1 controllers' beside it.
v1_host() {
	grep -q '^[1-9][0-9]*:' /proc/self/cgroup
}

need_v1() {
	v1_host || skip "not a cgroup v1 or hybrid host (run it in the hybrid VM: tests/vm/run-vm.sh systemd-hybrid $BATS_TEST_FILENAME)"
}

sd() {
	"$ISORUN" --root "$ROOT" --systemd-cgroup "$@" 3>&-
}

resources() {
	update_config --argjson r "$1" '.linux.resources += $r'
}

# systemctl, from this test's pid namespace: as root it asks systemd's own socket, whose peer
# (PID 1 of another pid namespace) it then refuses ("No data available"); with that socket
# hidden it goes through the system bus.
sctl() {
	unshare --mount sh -c 'mount --bind /dev/null /run/systemd/private && exec systemctl "$@"' \
		sh "$@"
}

prop() {
	sctl show -p "$2" --value "$1"
}

# The unit is gone: stopped and unloaded (a failed one would stay loaded).
assert_no_unit() {
	local st
	st=$(prop "$1" LoadState)
	[ "$st" = not-found ] || fail "unit $1 is left: $st, $(prop "$1" ActiveState)"
}

# The scope's directory that has FILE: on v1, in the hierarchy of the controller the file is
# named for (cgroup.* in name=systemd's); on v2, the one directory.
cg_dir() {
	local h=
	if v1_host; then
		case $1 in
		cgroup.*) h=systemd/ ;;
		*) h=${1%%.*}/ ;;
		esac
	fi
	echo "/sys/fs/cgroup/${h}system.slice/isorun-$CTR.scope"
}

cg_file() {
	cat "$(cg_dir "$1")/$1"
}

# The v1 hierarchies isorun puts a container in (those of the controllers it knows, and
# name=systemd), as /proc/PID/cgroup names them.
V1_HIERARCHIES='name=systemd memory pids cpu,cpuacct devices blkio freezer cpuset hugetlb net_cls,net_prio'

# The scope's v1 devices cgroup has isorun's rules (/dev/null, not every device), not the
# "a *:* rwm" that systemd writes for a unit without a DevicePolicy.
assert_device_rules() {
	local list
	list=$(cg_file devices.list)
	! grep -qx 'a \*:\* rwm' <<<"$list" || fail "every device is allowed: $list"
	grep -qx 'c 1:3 rwm' <<<"$list" || fail "/dev/null is not allowed: $list"
}

# PID is in the unit's cgroup in every hierarchy isorun knows.
assert_in_unit() {
	local pid=$1 path=$2 h
	if ! v1_host; then
		assert_equal "$(cat /proc/$pid/cgroup)" "0::$path"
		return
	fi
	for h in $V1_HIERARCHIES; do
		grep -qx "[0-9]*:$h:$path" /proc/$pid/cgroup ||
			fail "$pid is not in $path of the $h hierarchy: $(cat /proc/$pid/cgroup)"
	done
}

create_started() {
	iso_run isorun --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun start "$CTR"
	assert_success
}

@test "systemd: create makes a delegated scope in system.slice holding the init; delete removes it" {
	need_systemd
	local unit="isorun-$CTR.scope" pid
	iso_run isorun --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(prop "$unit" ActiveState)" active
	assert_equal "$(prop "$unit" ControlGroup)" "/system.slice/$unit"
	assert_equal "$(prop "$unit" Delegate)" yes
	assert_equal "$(prop "$unit" Slice)" system.slice
	assert_equal "$(prop "$unit" DefaultDependencies)" no
	assert_equal "$(prop "$unit" Description)" "isorun container $CTR"
	pid=$(ctr_pid "$CTR")
	assert_in_unit "$pid" "/system.slice/$unit"
	# The init is the scope's only process: the helper that started it has left.
	assert_equal "$(cg_file cgroup.procs)" "$pid"
	assert_equal "$(jq -r '.cgroupManager + " " + .systemdUnit' "$ROOT/$CTR/state.json")" "systemd $unit"
	iso_run isorun start "$CTR"
	assert_success
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_unit "$unit"
	[ ! -e "/sys/fs/cgroup/system.slice/$unit" ] || fail "the scope's cgroup is left"
	assert_no_leftovers
}

@test "systemd: the limits are unit properties and land in the scope's cgroup files; annotations pass through" {
	need_systemd
	local unit="isorun-$CTR.scope"
	resources '{"memory": {"limit": 67108864, "reservation": 33554432},
		"pids": {"limit": 32}, "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"}}'
	update_config '.annotations["org.systemd.property.CollectMode"] = "'"'inactive-or-failed'"'"
		| .annotations["org.systemd.property.RuntimeMaxSec"] = "3600"
		| .annotations["org.systemd.property.TimeoutStopUSec"] = "uint64 7000000"'
	create_started
	assert_equal "$(cg_file pids.max)" 32
	assert_equal "$(cg_file cpuset.cpus)" 0
	assert_equal "$(prop "$unit" TasksMax)" 32
	assert_equal "$(prop "$unit" CPUQuotaPerSecUSec)" 500ms
	assert_equal "$(prop "$unit" CPUQuotaPeriodUSec)" 100ms
	if v1_host; then
		assert_equal "$(cg_file memory.limit_in_bytes)" 67108864
		assert_equal "$(cg_file memory.soft_limit_in_bytes)" 33554432
		assert_equal "$(cg_file cpu.cfs_quota_us)" 50000
		assert_equal "$(cg_file cpu.cfs_period_us)" 100000
		assert_equal "$(cg_file cpu.shares)" 512
		assert_equal "$(prop "$unit" MemoryLimit)" 67108864
		assert_equal "$(prop "$unit" CPUShares)" 512
	else
		assert_equal "$(cg_file memory.max)" 67108864
		assert_equal "$(cg_file memory.low)" 33554432
		assert_equal "$(cg_file cpu.max)" "50000 100000"
		# shares 512 -> weight 1 + (510 * 9999) / 262142, as runc converts them
		assert_equal "$(cg_file cpu.weight)" 20
		assert_equal "$(prop "$unit" MemoryMax)" 67108864
		assert_equal "$(prop "$unit" MemoryLow)" 33554432
		assert_equal "$(prop "$unit" CPUWeight)" 20
		assert_equal "$(prop "$unit" AllowedCPUs)" 0
	fi
	assert_equal "$(prop "$unit" CollectMode)" inactive-or-failed
	assert_equal "$(prop "$unit" RuntimeMaxUSec)" 1h
	assert_equal "$(prop "$unit" TimeoutStopUSec)" 7s
}

@test "systemd: update changes the cgroup file and the unit's property" {
	need_systemd
	local unit="isorun-$CTR.scope"
	resources '{"memory": {"limit": 67108864}, "pids": {"limit": 32}}'
	create_started
	iso_run isorun update --memory 134217728 --pids-limit 50 --cpu-shares 2048 "$CTR"
	assert_success
	assert_equal "$(cg_file pids.max)" 50
	assert_equal "$(prop "$unit" TasksMax)" 50
	if v1_host; then
		assert_equal "$(cg_file memory.limit_in_bytes)" 134217728
		assert_equal "$(prop "$unit" MemoryLimit)" 134217728
		assert_equal "$(cg_file cpu.shares)" 2048
		assert_equal "$(prop "$unit" CPUShares)" 2048
	else
		assert_equal "$(cg_file memory.max)" 134217728
		assert_equal "$(prop "$unit" MemoryMax)" 134217728
		# shares 2048 -> weight 1 + (2046 * 9999) / 262142
		assert_equal "$(cg_file cpu.weight)" 79
		assert_equal "$(prop "$unit" CPUWeight)" 79
	fi
	# systemd applying the unit's settings again (as at daemon-reload) keeps the new ones.
	sctl daemon-reload
	assert_equal "$(cg_file pids.max)" 50
	if v1_host; then
		assert_equal "$(cg_file memory.limit_in_bytes)" 134217728
		assert_equal "$(cg_file cpu.shares)" 2048
	else
		assert_equal "$(cg_file memory.max)" 134217728
	fi
}

@test "systemd: pause, resume, ps, events --stats and kill --all work on the scope" {
	need_systemd
	local pid
	create_started
	pid=$(ctr_pid "$CTR")
	iso_run isorun exec -d "$CTR" /bin/sleep 600
	assert_success
	iso_run isorun ps --format json "$CTR"
	assert_success
	assert_equal "$(jq length <<<"$output")" 2
	jq -e --argjson p "$pid" 'index($p) != null' <<<"$output" >/dev/null || fail "ps lacks the init"
	iso_run isorun pause "$CTR"
	assert_success
	assert_equal "$(ctr_status "$CTR")" paused
	if v1_host; then
		assert_equal "$(cg_file freezer.state)" FROZEN
	else
		assert_equal "$(cg_file cgroup.freeze)" 1
	fi
	iso_run isorun resume "$CTR"
	assert_success
	assert_equal "$(ctr_status "$CTR")" running
	if v1_host; then
		assert_equal "$(cg_file freezer.state)" THAWED
	else
		assert_equal "$(cg_file cgroup.freeze)" 0
	fi
	iso_run isorun events --stats "$CTR"
	assert_success
	[ "$(jq '.data.pids.current' <<<"$output")" = 2 ] || fail "events --stats: $output"
	[ "$(jq '.data.memory.usage.usage' <<<"$output")" -gt 0 ] || fail "events --stats: $output"
	iso_run isorun kill --all "$CTR" KILL
	assert_success
	wait_for_status "$CTR" stopped
	iso_run isorun delete "$CTR"
	assert_success
	assert_no_unit "isorun-$CTR.scope"
	assert_no_leftovers
}

@test "systemd (v1): the scope is in every v1 hierarchy, with isorun's device rules; delete leaves none" {
	need_systemd
	need_v1
	local unit="isorun-$CTR.scope" pid h d
	create_started
	pid=$(ctr_pid "$CTR")
	for h in $V1_HIERARCHIES; do
		d=$(awk -F: -v h="$h" '$2 == h { print $3 }' /proc/$pid/cgroup)
		h=${h#name=}
		[ "$d" = "/system.slice/$unit" ] || fail "the init is in $d of $h"
		assert_equal "$(cat "/sys/fs/cgroup/$h$d/cgroup.procs")" "$pid"
	done
	# isorun's rules, not systemd's "a *:* rwm" of a unit without a DevicePolicy: /dev/sda
	# (block 8:0) is not the container's.
	assert_device_rules
	iso_run isorun delete --force "$CTR"
	assert_success
	for h in $V1_HIERARCHIES; do
		[ ! -e "/sys/fs/cgroup/${h#name=}/system.slice/$unit" ] || fail "the scope's $h cgroup is left"
	done
	assert_no_unit "$unit"
	assert_no_leftovers
}

# systemd writes the unit's devices list again on every daemon-reload: without DevicePolicy= and
# DeviceAllow= of isorun's rules, it writes "a *:* rwm" and the container may open any device.
@test "systemd (v1): systemd applying the unit again keeps the v1 limits and device rules" {
	need_systemd
	need_v1
	local before after
	resources '{"memory": {"limit": 67108864}, "cpu": {"cpus": "0"}}'
	# /dev/kmsg (c 1:11) is not in the rules; opened write-only it needs no capability, so
	# only the devices cgroup can refuse it.
	update_config '.mounts += [{"destination": "/dev/kmsg", "type": "bind", "source": "/dev/kmsg",
		"options": ["bind"]}]'
	create_started
	before=$(sort "$(cg_dir devices.list)/devices.list")
	sctl daemon-reload
	assert_equal "$(cg_file cpuset.cpus)" 0
	assert_equal "$(cg_file memory.limit_in_bytes)" 67108864
	assert_device_rules
	after=$(sort "$(cg_dir devices.list)/devices.list")
	assert_equal "$after" "$before"
	iso_run isorun exec "$CTR" sh -c 'head -c 1 /dev/null && echo ok'
	assert_success
	assert_equal "$output" ok
	iso_run isorun exec "$CTR" sh -c 'echo isorun-test >/dev/kmsg'
	assert_failure
	assert_stderr_contains "Operation not permitted"
}

@test "systemd: a unit of the same name under another --root: create fails and stops nothing of the first" {
	need_systemd
	local unit="isorun-$CTR.scope" other="$BATS_TEST_TMPDIR/root2" pid
	create_started
	pid=$(ctr_pid "$CTR")
	mkdir -p "$other"
	iso_run "$ISORUN" --root "$other" --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_stderr_contains "systemd: starting unit $unit: "
	assert_equal "$(prop "$unit" ActiveState)" active
	assert_in_unit "$pid" "/system.slice/$unit"
	assert_equal "$(ctr_status "$CTR")" running
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_unit "$unit"
	assert_no_leftovers
}

@test "systemd: events reports an OOM kill in the scope" {
	need_systemd
	resources '{"memory": {"limit": 33554432}}'
	bind_shared
	set_cmd 'while [ ! -e /shared/go ]; do sleep 0.02; done; exec tail /dev/zero'
	create_started
	timeout 60 "$ISORUN" --root "$ROOT" events --interval 60s "$CTR" >"$BATS_TEST_TMPDIR/ev" 2>&1 3>&- &
	evpid=$!
	sleep 0.5
	touch "$SHARED/go"
	wait $evpid || fail "events failed or timed out: $(cat "$BATS_TEST_TMPDIR/ev")"
	jq -e --arg id "$CTR" 'select(.type == "oom" and .id == $id)' "$BATS_TEST_TMPDIR/ev" >/dev/null ||
		fail "no oom event: $(cat "$BATS_TEST_TMPDIR/ev")"
}

@test "systemd: run in the foreground; slice:prefix:name with a nested slice" {
	need_systemd
	local slice="iso-$ID_TAG.slice" unit="pfx-$CTR.scope" top=iso.slice path
	# iso-itXXXX-N.slice nests as systemd nests it: iso.slice/iso-itXXXX.slice/iso-itXXXX-N.slice
	path="/iso.slice/iso-${ID_TAG%-*}.slice/$slice/$unit"
	update_config --arg p "$slice:pfx:$CTR" '.linux.cgroupsPath = $p'
	set_cmd 'echo done; exit 3'
	iso_run isorun --systemd-cgroup run --bundle "$BUNDLE" "$CTR"
	assert_status 3
	assert_equal "$output" done
	assert_no_unit "$unit"
	# Once more, detached, to read where it was put.
	update_config '.process.args = ["/bin/sleep", "600"]'
	iso_run isorun --systemd-cgroup run -d --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(prop "$unit" ControlGroup)" "$path"
	assert_equal "$(prop "$unit" Slice)" "$slice"
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_unit "$unit"
	sctl stop "$top"
	assert_no_leftovers
}

@test "systemd: a bad cgroupsPath or annotation is one line naming it, and leaves no unit" {
	need_systemd
	update_config '.linux.cgroupsPath = "/not/a/unit"'
	iso_run isorun --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'config.json: linux.cgroupsPath: "/not/a/unit": the systemd cgroup driver takes "slice:prefix:name"'
	update_config --arg p "system.slice:isorun:$CTR" '.linux.cgroupsPath = $p
		| .annotations["org.systemd.property.CPUWeight"] = "lots"'
	iso_run isorun --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'config.json: annotations.org.systemd.property.CPUWeight: "lots" is not a value'
	# One systemd refuses: the job's error, and the cleanup, leave no unit either.
	update_config 'del(.annotations["org.systemd.property.CPUWeight"])
		| .annotations["org.systemd.property.NoSuchProperty"] = "true"'
	iso_run isorun --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "systemd: starting unit isorun-$CTR.scope: "
	assert_no_unit "isorun-$CTR.scope"
	iso_run isorun state "$CTR"
	assert_error "does not exist"
	assert_no_leftovers
}

@test "systemd: create killed between recording the unit and starting it; delete --force leaves no unit" {
	need_systemd
	"$ISORUN" --help | grep -q '^  systemd-unit ' || skip "isorun was built without fault injection"
	ISORUN_FAULT_INJECT=systemd-unit iso_run isorun --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_status 137
	assert_equal "$(jq -r .systemdUnit "$ROOT/$CTR/creating.json")" "isorun-$CTR.scope"
	assert_equal "$(ctr_status "$CTR")" stopped
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_unit "isorun-$CTR.scope"
	# ... and once the unit is running: killed after the init joined it.
	ISORUN_FAULT_INJECT=cgroup-joined iso_run isorun --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_status 137
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_unit "isorun-$CTR.scope"
	assert_no_leftovers
}

@test "systemd: a host whose systemd cannot be reached gets one line naming the socket, at once" {
	local d
	# Both sockets hidden, in a mount namespace of the command's own.
	iso_run --timeout 30 unshare --mount sh -c '
		for d in /run/systemd /run/dbus; do [ ! -d $d ] || mount -t tmpfs none $d || exit 99; done
		exec "$@"' sh "$ISORUN" --root "$ROOT" --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "cannot reach systemd: /run/systemd/private: No such file or directory; /run/dbus/system_bus_socket: No such file or directory"
	iso_run isorun state "$CTR"
	assert_error "does not exist"
	if [ -d /run/systemd/system ]; then assert_no_unit "isorun-$CTR.scope"; fi
	assert_no_leftovers
}
