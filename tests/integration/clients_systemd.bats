#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# podman and containerd with their stock-host defaults, on a host with systemd as PID 1 and pure
# cgroup v2 (the systemd mode of the test VM):
#
#   ISORUN_TEST_PIDNS=0 tests/vm/run-vm.sh systemd tests/integration/clients_systemd.bats
#
# There podman's default cgroup_manager is "systemd": it passes the runtime --systemd-cgroup and
# a cgroupsPath "machine.slice:libpod:ID", and the container runs in the systemd scope
# libpod-ID.scope.  containerd's runc shim does the same with its option SystemdCgroup = true
# (`ctr run --runc-systemd-cgroup`, and the CRI runtime entry of contrib/containerd/config.toml,
# Kubernetes' setting on systemd hosts), with cgroupsPath "SLICE:PREFIX:NAME".  podman runs with
# nothing but --runtime $ISORUN, its storage in this file's temp dir and --network none (the VM
# has no network); containerd with contrib's runtime entry, its root, state and sockets in the
# temp dir.  ISORUN_TEST_RUNTIME=/usr/sbin/runc runs the same tests against runc.
#
# The clients hand systemd process ids over D-Bus (the scope's PIDs), which systemd reads in its
# own pid namespace: this file needs the host's, so run-in-ns.sh must not make one
# (ISORUN_TEST_PIDNS=0); elsewhere, and on a host without systemd, it skips.  Under TCG on a
# busy 2-core machine one podman call took over 60 s (ISO_CMD_TIMEOUT) and a test over 300 s
# (BATS_TEST_TIMEOUT): give both more there, ISO_CMD_TIMEOUT=240 BATS_TEST_TIMEOUT=1200
# (run-vm.sh passes ISO_* and BATS_* on to the guest).
#
# /run/isorun (conmon passes no --root) and /run/containerd (the shim's sockets and the runtime's
# state) are private bind mounts in this test's mount namespace.  Pods' cgroups go under a slice
# of the test's own (the kubelet's pod slice), which the test stops as the kubelet would.

load helpers
load containerd

CLIENT_IMAGE=localhost/isorun-bb:1

# _skip_reason: why this host cannot run the file, or nothing.
_skip_reason() {
	if [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ]; then
		echo "systemd is not PID 1 here (no systemd on this host, or a pid namespace of the" \
			"tests' own: run with ISORUN_TEST_PIDNS=0, systemd reads the clients' pids in its own)"
	elif [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
		echo "not a pure cgroup v2 host"
	elif ! busctl --system status >/dev/null 2>&1; then
		echo "the system D-Bus does not answer"
	fi
}

setup_file() {
	local m
	# (bats 1.8 takes no skip in setup_file: each test skips in setup)
	CLIENTS_SKIP=$(_skip_reason)
	export CLIENTS_SKIP
	[ -z "$CLIENTS_SKIP" ] || return 0
	iso_setup_file
	for m in podman conmon ctr containerd containerd-shim-runc-v2 systemctl busctl; do
		command -v "$m" >/dev/null || {
			echo "$m not found: install the Debian packages podman containerd systemd" >&2
			return 1
		}
	done
	"${CRI_PYTHON:-/usr/bin/python3}" -c 'import grpc, google.protobuf' 2>/dev/null || {
		echo "python3 cannot import grpc: install the Debian packages python3-grpcio python3-protobuf" >&2
		return 1
	}
	C="$BATS_FILE_TMPDIR/clients"
	mkdir -p "$C/isorun-root" "$C/containerd-run" "$C/podman" "$C/ctrd/cni-conf"
	mkdir -p /run/isorun /run/containerd
	mount --bind "$C/isorun-root" /run/isorun
	mount --bind "$C/containerd-run" /run/containerd
	_write_podman
	tar -C "$ISO_ROOTFS_CACHE" -cf "$C/rootfs.tar" .
	"$C/pm" import --quiet --change 'ENV PATH=/bin' --change 'CMD ["/bin/sleep", "100000"]' \
		"$C/rootfs.tar" "$CLIENT_IMAGE" >/dev/null
	"$C/pm" save --quiet --format oci-archive -o "$C/image.tar" "$CLIENT_IMAGE"
	_start_file_containerd
	export C SOCK CTRD_PID RT_ROOT
}

teardown_file() {
	[ -n "${C:-}" ] || return 0
	"$C/pm" rm -af -t 0 >/dev/null 2>&1 || true
	containerd_stop || true
	umount /run/isorun /run/containerd 2>/dev/null || true
	# the parent slice of the pods' slices (see pod_slice)
	systemctl stop isorun.slice 2>/dev/null || true
	rm -rf --one-file-system "$C/podman" 2>/dev/null || true
}

# _write_podman: $C/pm, podman with contrib's containers.conf (the runtime entry pointed at
# $ISORUN) and otherwise podman's defaults, but for its storage (vfs, in the temp dir) and the
# network (none: the VM has none).
_write_podman() {
	sed -e "s|^  \"/usr/local/bin/isorun\",|  \"$ISORUN\",|" \
		"$ISORUN_SRCDIR/contrib/podman/isorun.conf" >"$C/containers.conf"
	grep -q "\"$ISORUN\"" "$C/containers.conf" || {
		echo "contrib/podman/isorun.conf: the runtime path line was not found" >&2
		return 1
	}
	cat >>"$C/containers.conf" <<-'EOF'

		[containers]
		netns = "none"
	EOF
	cat >"$C/pm" <<-EOF
		#!/bin/sh
		# (conmon writes an "oom" marker into its working directory)
		cd $C || exit 1
		exec env CONTAINERS_CONF=$C/containers.conf podman --root $C/podman/root \\
			--runroot $C/podman/run --tmpdir $C/podman/tmp --storage-driver vfs \\
			--runtime $ISORUN "\$@"
	EOF
	chmod +x "$C/pm"
}

# _start_file_containerd: one daemon for the file, with the CRI plugin on contrib's runtime
# entry (BinaryName: the runtime under test; Root in the temp dir; SystemdCgroup as contrib
# has it); ctr uses the same daemon in namespace "default", the CRI plugin "k8s.io".
_start_file_containerd() {
	local d="$C/ctrd" contrib="$ISORUN_SRCDIR/contrib/containerd/config.toml"
	SOCK="$d/containerd.sock"
	RT_ROOT="$d/isorun-root"
	mkdir -p "$RT_ROOT"
	containerd_config_head "$d" "$SOCK" >"$d/config.toml"
	cat >>"$d/config.toml" <<-EOF
		[plugins."io.containerd.grpc.v1.cri"]
		  sandbox_image = "$CLIENT_IMAGE"
		[plugins."io.containerd.grpc.v1.cri".containerd]
		  snapshotter = "native"
		[plugins."io.containerd.grpc.v1.cri".cni]
		  bin_dir = "/usr/lib/cni"
		  conf_dir = "$d/cni-conf"
	EOF
	sed -e '/^version = 2$/d' \
		-e "s|^\(    BinaryName = \)\"/usr/local/bin/isorun\"$|\1\"$ISORUN\"|" \
		-e "s|^\(    Root = \)\"/run/containerd/isorun\"$|\1\"$RT_ROOT\"|" \
		"$contrib" >>"$d/config.toml"
	if ! grep -q "BinaryName = \"$ISORUN\"" "$d/config.toml" ||
		! grep -q "Root = \"$RT_ROOT\"" "$d/config.toml"; then
		echo "$contrib: the BinaryName or Root line was not found" >&2
		return 1
	fi
	containerd_start "$d/config.toml" "$SOCK" "$d/containerd.log"
	local ns
	for ns in default k8s.io; do
		ctr -a "$SOCK" -n "$ns" images import --snapshotter native "$C/image.tar" >/dev/null 2>&1 ||
			fail "ctr images import ($ns) failed"
	done
	printf '#!/bin/sh\nexec ctr -a "%s" "$@"\n' "$SOCK" >"$d/cr"
	printf '#!/bin/sh\nexec %q %q %q "$@"\n' "${CRI_PYTHON:-/usr/bin/python3}" \
		"$BATS_TEST_DIRNAME/cri_client.py" "$SOCK" >"$d/cri"
	chmod +x "$d/cr" "$d/cri"
	# the CRI plugin learns of the import from an event
	retry 50 0.2 sh -c "'$d/cri' ImageStatus '{\"image\": {\"image\": \"$CLIENT_IMAGE\"}}' |
		jq -e '.image.id | startswith(\"sha256:\")' >/dev/null" || fail "the CRI plugin does not see $CLIENT_IMAGE"
}

setup() {
	[ -z "$CLIENTS_SKIP" ] || skip "$CLIENTS_SKIP"
	iso_setup
	CR="$C/ctrd/cr"
	CRI="$C/ctrd/cri"
	LOGS="$BATS_TEST_TMPDIR/logs"
}

# (each client's cleanup only where the test used it: under emulation each call takes seconds)
teardown() {
	local id
	[ -z "$CLIENTS_SKIP" ] || return 0
	if [ "${USED:-}" = ctr ]; then
		"$CR" task kill -s SIGKILL "$CTR" >/dev/null 2>&1 || true
		"$CR" task delete -f "$CTR" >/dev/null 2>&1 || true
		"$CR" container delete "$CTR" >/dev/null 2>&1 || true
	fi
	if [ "${USED:-}" = cri ]; then
		for id in $("$CRI" ListPodSandbox '{}' 2>/dev/null | jq -r '.items[].id'); do
			"$CRI" StopPodSandbox "{\"pod_sandbox_id\": \"$id\"}" >/dev/null 2>&1 || true
			"$CRI" RemovePodSandbox "{\"pod_sandbox_id\": \"$id\"}" >/dev/null 2>&1 || true
		done
		[ -z "${POD_SLICE:-}" ] || systemctl stop "$POD_SLICE" 2>/dev/null || true
	fi
	if [ "${USED:-}" = podman ] && [ -n "$("$C/pm" ps -aq 2>/dev/null)" ]; then
		"$C/pm" rm -af -t 0 >/dev/null 2>&1 || true
	fi
	iso_teardown
}

# ---------------------------------------------------------------------------------------------
# systemd's view

# cgroup_of PID: the cgroup v2 path of PID (relative to /sys/fs/cgroup, with a leading /).
cgroup_of() {
	awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup"
}

# unit_state UNIT: systemd's ActiveState of UNIT ("inactive" for one it does not know).
unit_state() {
	systemctl show -p ActiveState --value "$1"
}

# assert_scope_holds UNIT CGROUP PID: UNIT is an active scope whose cgroup is CGROUP, and PID
# (a container's init) is in it.
assert_scope_holds() {
	local unit=$1 cg=$2 pid=$3
	assert_equal "$(cgroup_of "$pid")" "$cg"
	assert_equal "$(unit_state "$unit")" active
	assert_equal "$(systemctl show -p ControlGroup --value "$unit")" "$cg"
	grep -qx "$pid" "/sys/fs/cgroup$cg/cgroup.procs" || fail "pid $pid is not in $cg"
}

# assert_scope_gone UNIT CGROUP: systemd has no UNIT loaded any more and its cgroup is gone
# (a moment after the client returns: systemd collects an emptied scope itself).
assert_scope_gone() {
	local unit=$1 cg=$2
	retry 50 0.1 sh -c "[ ! -d '/sys/fs/cgroup$cg' ] &&
		[ \"\$(systemctl show -p LoadState --value '$unit')\" = not-found ]" ||
		fail "$unit is left: $(systemctl show -p LoadState -p ActiveState "$unit" | tr '\n' ' ')," \
			"cgroup $cg $([ -d "/sys/fs/cgroup$cg" ] && echo exists || echo gone)"
}

# frozen CGROUP: cgroup.events' frozen value of CGROUP (1 while paused).
frozen() {
	awk '$1 == "frozen" { print $2 }' "/sys/fs/cgroup$1/cgroup.events"
}

# ---------------------------------------------------------------------------------------------
# podman, with its defaults

pm_status() {
	"$C/pm" inspect -f '{{.State.Status}}' "$1"
}

# pm_run_detached ARG...: `podman run -d --name $CTR ARG...`; sets ID, PID, SCOPE and CG (the
# scope's cgroup).
pm_run_detached() {
	USED=podman
	iso_run "$C/pm" run -d --name "$CTR" "$@"
	assert_success
	ID=$("$C/pm" inspect -f '{{.Id}}' "$CTR")
	PID=$("$C/pm" inspect -f '{{.State.Pid}}' "$CTR")
	SCOPE="libpod-$ID.scope"
	CG="/machine.slice/$SCOPE"
}

@test "podman defaults: cgroup manager systemd; run --rm echo hi on the runtime, in its own scope" {
	USED=podman
	iso_run "$C/pm" info --format '{{.Host.CgroupManager}} {{.Host.CgroupsVersion}}'
	assert_success
	assert_equal "$output" "systemd v2"
	iso_run "$C/pm" run --rm --name "$CTR" "$CLIENT_IMAGE" echo hi
	assert_success
	assert_equal "$output" hi
	# where it ran, seen from the container (with the host's cgroup namespace to see the path)
	iso_run "$C/pm" run --rm --name "$CTR" --cgroupns host "$CLIENT_IMAGE" cat /proc/self/cgroup
	assert_success
	[[ "$output" =~ ^0::/machine.slice/libpod-([0-9a-f]{64}).scope$ ]] ||
		fail "the container ran in '$output', not in a libpod scope of machine.slice"
	assert_scope_gone "libpod-${BASH_REMATCH[1]}.scope" "/machine.slice/libpod-${BASH_REMATCH[1]}.scope"
	assert_equal "$("$C/pm" ps -aq)" ""
}

@test "podman defaults: run -d, exec, pause, unpause, stop, rm; libpod-ID.scope while it runs, gone after" {
	pm_run_detached "$CLIENT_IMAGE" sleep 1000
	assert_scope_holds "$SCOPE" "$CG" "$PID"
	# the runtime answers for the container under the root conmon gives it (none: /run/isorun)
	assert_equal "$("$ISORUN" state "$ID" | jq -r .status)" running

	iso_run "$C/pm" exec "$CTR" sh -c 'echo in-it; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_output_contains "in-it"
	assert_output_contains "sleep 1000"
	iso_run "$C/pm" exec "$CTR" sh -c 'exit 7'
	assert_status 7
	# an exec's process joins the container's scope: it sees its cgroup as the root of its
	# cgroup namespace, and the host sees it in the scope's cgroup.procs
	iso_run "$C/pm" exec -d "$CTR" sleep 999
	assert_success
	retry 50 0.1 sh -c "for p in \$(cat /sys/fs/cgroup$CG/cgroup.procs); do
		tr '\0' ' ' </proc/\$p/cmdline; echo; done | grep -qx 'sleep 999 '" ||
		fail "the exec'd sleep 999 is not in $CG"

	iso_run "$C/pm" pause "$CTR"
	assert_success
	assert_equal "$(pm_status "$CTR")" paused
	assert_equal "$("$ISORUN" state "$ID" | jq -r .status)" paused
	assert_equal "$(frozen "$CG")" 1
	iso_run "$C/pm" unpause "$CTR"
	assert_success
	assert_equal "$(pm_status "$CTR")" running
	assert_equal "$(frozen "$CG")" 0
	iso_run "$C/pm" exec "$CTR" echo after-unpause
	assert_success
	assert_equal "$output" after-unpause

	iso_run "$C/pm" stop -t 1 "$CTR"
	assert_success
	assert_equal "$(pm_status "$CTR")" exited
	assert_scope_gone "$SCOPE" "$CG"
	iso_run "$C/pm" rm "$CTR"
	assert_success
	assert_equal "$("$C/pm" ps -aq)" ""
	[ ! -e "/run/isorun/$ID" ] || fail "the runtime's state of $ID is left"
}

@test "podman defaults: --memory 32m is memory.max of the container's scope; podman stats reads it; past it, an OOM kill" {
	pm_run_detached --memory 32m --memory-swap 32m "$CLIENT_IMAGE" sleep 1000
	assert_scope_holds "$SCOPE" "$CG" "$PID"
	assert_equal "$(cat "/sys/fs/cgroup$CG/memory.max")" 33554432
	assert_equal "$(cat "/sys/fs/cgroup$CG/memory.swap.max")" 0
	# podman reads the limit back from the scope's cgroup
	iso_run "$C/pm" stats --no-stream --format '{{.MemUsage}}' "$CTR"
	assert_success
	assert_output_contains "/ 33.55MB"
	# an allocation past it is OOM-killed (dd's 64 MiB buffer is touched whole)
	iso_run "$C/pm" exec "$CTR" dd if=/dev/zero of=/dev/null bs=64M count=1
	assert_status 137
	iso_run "$C/pm" exec "$CTR" dd if=/dev/zero of=/dev/null bs=8M count=1
	assert_success
	iso_run "$C/pm" rm -f -t 0 "$CTR"
	assert_success
	assert_scope_gone "$SCOPE" "$CG"
}

@test "podman defaults: systemd knows the scope's limits (MemoryMax, TasksMax): a daemon-reload keeps them" {
	pm_run_detached --memory 32m --pids-limit 99 "$CLIENT_IMAGE" sleep 1000
	assert_equal "$(systemctl show -p MemoryMax --value "$SCOPE")" 33554432
	assert_equal "$(systemctl show -p TasksMax --value "$SCOPE")" 99
	# systemd writes its own idea of a unit's limits into its cgroup again on a reload
	systemctl daemon-reload
	assert_equal "$(cat "/sys/fs/cgroup$CG/memory.max")" 33554432
	assert_equal "$(cat "/sys/fs/cgroup$CG/pids.max")" 99
	iso_run "$C/pm" rm -f -t 0 "$CTR"
	assert_success
	assert_scope_gone "$SCOPE" "$CG"
}

@test "podman defaults: --pids-limit 99 is pids.max of the container's scope, and it holds" {
	pm_run_detached --pids-limit 99 "$CLIENT_IMAGE" sleep 1000
	assert_scope_holds "$SCOPE" "$CG" "$PID"
	assert_equal "$(cat "/sys/fs/cgroup$CG/pids.max")" 99
	# 120 more processes cannot all start: the fork that would pass 99 fails (and ends the
	# subshell that tried)
	iso_run "$C/pm" exec "$CTR" sh -c '(n=0; while [ $n -lt 120 ]; do
		sleep 30 </dev/null >/dev/null 2>&1 & n=$((n + 1)); done) 2>/dev/null; echo tried'
	assert_success
	assert_output_contains tried
	[ "$(cat "/sys/fs/cgroup$CG/pids.current")" -le 99 ] || fail "pids.current passed pids.max"
	[ "$(awk '$1 == "max" { print $2 }' "/sys/fs/cgroup$CG/pids.events")" -gt 0 ] ||
		fail "no fork was refused at the limit (pids.events: $(tr '\n' ' ' <"/sys/fs/cgroup$CG/pids.events"))"
	iso_run "$C/pm" rm -f -t 0 "$CTR"
	assert_success
	assert_scope_gone "$SCOPE" "$CG"
}

# ---------------------------------------------------------------------------------------------
# containerd: ctr run with the runc shim's SystemdCgroup option

@test "containerd: ctr run --runc-systemd-cgroup: the scope SLICE/PREFIX-NAME.scope while it runs; exec, pause, resume, kill, delete" {
	local unit="isorun-test-$CTR.scope" cg="/system.slice/isorun-test-$CTR.scope" pid
	USED=ctr
	iso_run "$CR" run -d --snapshotter native --runc-binary "$ISORUN" --runc-systemd-cgroup \
		--cgroup "system.slice:isorun-test:$CTR" --memory-limit 33554432 "$CLIENT_IMAGE" "$CTR" sleep 1000
	assert_success
	pid=$("$ISORUN" --root /run/containerd/runc/default state "$CTR" | jq -r .pid)
	assert_equal "$("$ISORUN" --root /run/containerd/runc/default state "$CTR" | jq -r .status)" running
	assert_scope_holds "$unit" "$cg" "$pid"
	assert_equal "$(cat "/sys/fs/cgroup$cg/memory.max")" 33554432
	iso_run "$CR" task exec --exec-id e1 "$CTR" sh -c 'echo exec-ok; cat /proc/self/cgroup'
	assert_success
	assert_output_contains exec-ok
	iso_run "$CR" task exec --exec-id e2 "$CTR" sh -c 'exit 5'
	assert_status 5
	iso_run "$CR" task pause "$CTR"
	assert_success
	assert_equal "$(frozen "$cg")" 1
	iso_run "$CR" task ls
	assert_output_contains PAUSED
	iso_run "$CR" task resume "$CTR"
	assert_success
	assert_equal "$(frozen "$cg")" 0
	# the shim reads the container's metrics from its cgroup
	iso_run "$CR" task metrics "$CTR"
	assert_success
	[[ "$output" =~ memory.usage_limit[[:space:]]+33554432 ]] || fail "no memory.usage_limit 33554432 in the metrics"
	iso_run "$CR" task kill -s SIGKILL "$CTR"
	assert_success
	retry 100 0.1 sh -c "ctr -a '$SOCK' task ls | grep -q STOPPED"
	iso_run "$CR" task delete "$CTR"
	assert_success
	iso_run "$CR" container delete "$CTR"
	assert_success
	assert_scope_gone "$unit" "$cg"
	[ -z "$(find /run/containerd/runc/default -mindepth 1 2>/dev/null)" ] || fail "runtime state left"
}

# ---------------------------------------------------------------------------------------------
# containerd's CRI plugin on contrib's runtime entry (SystemdCgroup = true), as the kubelet on a
# systemd host drives it: the pod's cgroup_parent is a slice path

# pod_slice: POD_SLICE, the kubelet's pod slice for this test (a child of isorun.slice), and
# POD_CG, its cgroup.  (A "-" in a slice's name makes a level: the tag has none.)
pod_slice() {
	POD_SLICE="isorun-${ID_TAG//-/_}.slice"
	POD_CG="/isorun.slice/$POD_SLICE"
}

pod_config() {
	jq -nc --arg name "$1" --arg uid "$ID_TAG-$1" --arg logs "$LOGS" --arg cg "$POD_CG" '{
		metadata: {name: $name, uid: $uid, namespace: "isorun-test", attempt: 0},
		log_directory: $logs,
		linux: {cgroup_parent: $cg,
		        security_context: {namespace_options: {network: "NODE", pid: "CONTAINER", ipc: "POD"}}}}'
}

# verbose_pid METHOD ID-FIELD ID: the pid containerd reports for a sandbox or a container.
verbose_pid() {
	"$CRI" "$1" "{\"$2\": \"$3\", \"verbose\": true}" | jq -r '.info.info | fromjson | .pid'
}

@test "cri: contrib's isorun entry (SystemdCgroup = true): pod and container in scopes of the pod's slice, gone after" {
	local pc sb cid sbpid pid
	USED=cri
	iso_run "$CRI" Status '{"verbose": true}'
	assert_success
	assert_equal "$(jq -c '.info.config | fromjson | .containerd.runtimes.isorun.options |
		[.BinaryName, .SystemdCgroup]' <<<"$output")" "[\"$ISORUN\",true]"

	pod_slice
	pc=$(pod_config web)
	iso_run "$CRI" RunPodSandbox "$(jq -nc --argjson c "$pc" '{config: $c, runtime_handler: "isorun"}')"
	assert_success
	sb=$(jq -r .pod_sandbox_id <<<"$output")
	sbpid=$(verbose_pid PodSandboxStatus pod_sandbox_id "$sb")
	# containerd's cgroupsPath for a slice parent: "isorun-TAG.slice:cri-containerd:ID"
	assert_scope_holds "cri-containerd-$sb.scope" "$POD_CG/cri-containerd-$sb.scope" "$sbpid"
	assert_equal "$("$ISORUN" --root "$RT_ROOT/k8s.io" state "$sb" | jq -r .status)" running

	iso_run "$CRI" CreateContainer "$(jq -nc --arg sb "$sb" --argjson sbc "$pc" --arg img "$CLIENT_IMAGE" '{
		pod_sandbox_id: $sb, sandbox_config: $sbc,
		config: {metadata: {name: "app"}, image: {image: $img}, command: ["sleep", "1000"],
		         log_path: "app.log",
		         linux: {resources: {memory_limit_in_bytes: "33554432"},
		                 security_context: {namespace_options: $sbc.linux.security_context.namespace_options}}}}')"
	assert_success
	cid=$(jq -r .container_id <<<"$output")
	iso_run "$CRI" StartContainer "{\"container_id\": \"$cid\"}"
	assert_success
	pid=$(verbose_pid ContainerStatus container_id "$cid")
	assert_scope_holds "cri-containerd-$cid.scope" "$POD_CG/cri-containerd-$cid.scope" "$pid"
	assert_equal "$(cat "/sys/fs/cgroup$POD_CG/cri-containerd-$cid.scope/memory.max")" 33554432
	iso_run "$CRI" ExecSync "$(jq -nc --arg id "$cid" '{container_id: $id, cmd: ["echo", "hi"], timeout: 20}')"
	assert_success
	assert_equal "$(jq -r '.stdout | @base64d' <<<"$output")" hi

	iso_run "$CRI" StopContainer "{\"container_id\": \"$cid\", \"timeout\": 5}"
	assert_success
	iso_run "$CRI" RemoveContainer "{\"container_id\": \"$cid\"}"
	assert_success
	assert_scope_gone "cri-containerd-$cid.scope" "$POD_CG/cri-containerd-$cid.scope"
	iso_run "$CRI" StopPodSandbox "{\"pod_sandbox_id\": \"$sb\"}"
	assert_success
	iso_run "$CRI" RemovePodSandbox "{\"pod_sandbox_id\": \"$sb\"}"
	assert_success
	assert_scope_gone "cri-containerd-$sb.scope" "$POD_CG/cri-containerd-$sb.scope"
	[ -z "$(ls -A "$RT_ROOT/k8s.io" 2>/dev/null)" ] || fail "runtime state left: $(ls -A "$RT_ROOT/k8s.io")"
	# the kubelet removes the pod's slice; it holds nothing by now
	[ -z "$(find "/sys/fs/cgroup$POD_CG" -mindepth 1 -type d)" ] || fail "cgroups left in $POD_CG"
	systemctl stop "$POD_SLICE"
	[ ! -d "/sys/fs/cgroup$POD_CG" ] || fail "$POD_CG is left after stopping $POD_SLICE"
}
