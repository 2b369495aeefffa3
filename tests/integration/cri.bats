#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Kubernetes picks isorun through a RuntimeClass (contrib/kubernetes/runtimeclass.yaml, handler
# "isorun").  Debian 12 has no kubelet and no crictl, so these tests do what the kubelet does
# with such a pod: they speak the CRI (runtime.v1, over gRPC; tests/integration/cri_client.py) to
# containerd's CRI plugin, with runtime_handler "isorun" on RunPodSandbox, the way the kubelet
# sends a RuntimeClass's handler.  containerd runs on the runtime entry of
# contrib/containerd/config.toml (BinaryName: the isorun under test; Root: in the temp dir),
# merged with what a test daemon needs (root, state, sockets in the temp dir; a sandbox image
# imported here, nothing pulled; a CNI bridge network).
#
# The daemon is started once for the file, inside a network namespace of the test's own (the
# CNI bridge, the pods' veths and their addresses live there), and stopped by pid at the end.
# Pods' cgroups go under a cgroup_parent that carries the test's ID_TAG (the kubelet's pod
# cgroup), so the leftover check sees them.

load helpers
load containerd

BB_IMAGE=localhost/isorun-cri-bb:1
CRI_PYTHON=${CRI_PYTHON:-/usr/bin/python3}

setup_file() {
	iso_setup_file
	local m
	for m in containerd ctr containerd-shim-runc-v2 podman nsenter; do
		command -v "$m" >/dev/null || {
			echo "$m not found: install the Debian packages containerd podman" >&2
			return 1
		}
	done
	for m in bridge host-local loopback; do
		[ -x "/usr/lib/cni/$m" ] || {
			echo "/usr/lib/cni/$m not found: install the Debian package containernetworking-plugins" >&2
			return 1
		}
	done
	"$CRI_PYTHON" -c 'import grpc, google.protobuf' 2>/dev/null || {
		echo "$CRI_PYTHON cannot import grpc: install the Debian packages python3-grpcio python3-protobuf" >&2
		return 1
	}
	K="$BATS_FILE_TMPDIR/cri"
	RT_ROOT="$K/isorun-root"
	SOCK="$K/containerd.sock"
	mkdir -p "$K/run" "$K/cni-conf" "$K/cni-cache" "$RT_ROOT"
	# The runc shim keeps its sockets in /run/containerd, and CNI its results in /var/lib/cni:
	# both private to this mount namespace.
	mkdir -p /run/containerd
	mount --bind "$K/run" /run/containerd
	if [ ! -d /var/lib/cni ]; then
		mkdir /var/lib/cni
		touch "$K/made-var-lib-cni"
	fi
	mount --bind "$K/cni-cache" /var/lib/cni
	CRI_NETNS="isorun-cri-$ISO_FILE_TAG"
	export K RT_ROOT SOCK CRI_NETNS
	ip netns add "$CRI_NETNS"
	nsenter --net="/run/netns/$CRI_NETNS" ip link set lo up

	cri_write_config
	cri_image_archive "$K/image.tar"
	containerd_start "$K/config.toml" "$SOCK" "$K/containerd.log" "$CRI_NETNS"
	export CTRD_PID
	# the CRI plugin's images are those of containerd namespace k8s.io
	ctr -a "$SOCK" -n k8s.io images import --snapshotter native "$K/image.tar" >/dev/null 2>&1 ||
		fail "ctr images import failed"
	printf '#!/bin/sh\nexec %q %q %q "$@"\n' "$CRI_PYTHON" "$BATS_TEST_DIRNAME/cri_client.py" \
		"$SOCK" >"$K/cri"
	chmod +x "$K/cri"
	# the CRI plugin learns of the import from an event
	retry 50 0.1 sh -c "'$K/cri' ImageStatus '{\"image\": {\"image\": \"$BB_IMAGE\"}}' |
		jq -e '.image.id | startswith(\"sha256:\")' >/dev/null" || fail "the CRI plugin does not see $BB_IMAGE"
}

teardown_file() {
	[ -n "${K:-}" ] || return 0
	containerd_stop || true
	ip netns delete "$CRI_NETNS" 2>/dev/null || true
	umount /run/containerd /var/lib/cni 2>/dev/null || true
	if [ -e "$K/made-var-lib-cni" ]; then
		rmdir /var/lib/cni 2>/dev/null || true
	fi
}

# cri_write_config: $K/config.toml, the daemon's own settings and then the runtime entry of
# contrib/containerd/config.toml with BinaryName and Root pointed at this test's.
cri_write_config() {
	local contrib="$ISORUN_SRCDIR/contrib/containerd/config.toml" oom=""
	# containerd gives the sandbox oom_score_adj -998, which needs CAP_SYS_RESOURCE; the root of
	# the CI machines lacks it (bit 24 of CapEff; HOST.md's rlimit EPERM comes from the same),
	# and there every runtime fails RunPodSandbox, runc included.  restrict_oom_score_adj is
	# containerd's setting for such hosts: no score below containerd's own.
	if ! cap_effective_has 24; then
		oom="restrict_oom_score_adj = true"
	fi
	containerd_config_head "$K" "$SOCK" >"$K/config.toml"
	cat >>"$K/config.toml" <<-EOF
		[plugins."io.containerd.grpc.v1.cri"]
		  sandbox_image = "$BB_IMAGE"
		  $oom
		[plugins."io.containerd.grpc.v1.cri".containerd]
		  snapshotter = "native"
		[plugins."io.containerd.grpc.v1.cri".cni]
		  bin_dir = "/usr/lib/cni"
		  conf_dir = "$K/cni-conf"
	EOF
	# contrib's entry is for systemd hosts (SystemdCgroup = true); these pods' cgroup_parent is
	# a cgroupfs path, the other driver (clients_systemd.bats runs the entry as it is)
	sed -e '/^version = 2$/d' \
		-e "s|^\(    BinaryName = \)\"/usr/local/bin/isorun\"$|\1\"$ISORUN\"|" \
		-e "s|^\(    Root = \)\"/run/containerd/isorun\"$|\1\"$RT_ROOT\"|" \
		-e "s|^\(    SystemdCgroup = \)true$|\1false|" \
		"$contrib" >>"$K/config.toml"
	if ! grep -q "BinaryName = \"$ISORUN\"" "$K/config.toml" ||
		! grep -q "Root = \"$RT_ROOT\"" "$K/config.toml" ||
		! grep -q "SystemdCgroup = false" "$K/config.toml"; then
		echo "$contrib: the BinaryName, Root or SystemdCgroup line was not found" >&2
		return 1
	fi
	# A bridge inside the test's network namespace: containerd runs there.
	cat >"$K/cni-conf/10-isorun-cri.conflist" <<-EOF
		{"cniVersion": "0.4.0", "name": "isorun-cri", "plugins": [
		  {"type": "bridge", "bridge": "isocri0", "isGateway": true, "ipMasq": false,
		   "ipam": {"type": "host-local", "dataDir": "$K/ipam",
		            "ranges": [[{"subnet": "10.66.0.0/24", "gateway": "10.66.0.1"}]],
		            "routes": [{"dst": "0.0.0.0/0"}]}}]}
	EOF
}

# cap_effective_has BIT: this shell has that capability in its effective set.
cap_effective_has() {
	local eff
	eff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
	(((16#$eff >> $1) & 1))
}

# cri_image_archive OUT: an OCI archive of the busybox test rootfs whose command keeps running
# (it is the pods' sandbox image too, the "pause" of this cluster), made with podman in private
# storage and nothing pulled.
cri_image_archive() {
	local p="$K/podman"
	local -a pm=(podman --root "$p/root" --runroot "$p/run" --tmpdir "$p/tmp" --storage-driver vfs
		--cgroup-manager cgroupfs --events-backend file)
	tar -C "$ISO_ROOTFS_CACHE" -cf "$K/rootfs.tar" .
	"${pm[@]}" import --quiet --change 'ENV PATH=/bin' --change 'CMD ["/bin/sleep", "100000"]' \
		"$K/rootfs.tar" "$BB_IMAGE" >/dev/null || fail "podman import failed"
	"${pm[@]}" save --quiet --format oci-archive -o "$1" "$BB_IMAGE" || fail "podman save failed"
	# vfs layers are plain directories: nothing is mounted there
	rm -rf --one-file-system "$p" "$K/rootfs.tar"
}

setup() {
	iso_setup
	# the shim passes isorun --root <Root>/<containerd namespace>
	ROOT="$RT_ROOT/k8s.io"
	LOGS="$BATS_TEST_TMPDIR/logs"
	CGPARENT="/isorun-cri-$ID_TAG"
	snapshot_host_state
}

teardown() {
	local rc=0 id d
	# What the kubelet does to pods it no longer wants: stop, then remove (which removes their
	# containers too).
	for id in $("$K/cri" ListPodSandbox '{}' 2>/dev/null | jq -r '.items[].id'); do
		"$K/cri" StopPodSandbox "{\"pod_sandbox_id\": \"$id\"}" >/dev/null 2>&1 || true
		"$K/cri" RemovePodSandbox "{\"pod_sandbox_id\": \"$id\"}" >/dev/null 2>&1 || true
	done
	iso_teardown || rc=1
	# The pod cgroup is the kubelet's to remove; isorun removes it with its last container.  If
	# the leftover check found one, do not leave it on the host.
	for d in $(find /sys/fs/cgroup -maxdepth 7 -type d -name "*$ID_TAG*" 2>/dev/null | sort -r); do
		rmdir "$d" 2>/dev/null || true
	done
	return $rc
}

# ---------------------------------------------------------------------------------------------
# Building requests as the kubelet would (protobuf JSON of the runtime.v1 messages).

# json_array ARG...: the JSON array of the strings ARG (jq 1.6 takes an ARG such as -c after
# --args for its own option).
json_array() {
	local a='[]' x
	for x in "$@"; do
		a=$(jq -c --arg x "$x" '. + [$x]' <<<"$a")
	done
	echo "$a"
}

# pod_config NAME NETWORK PID: a PodSandboxConfig.  NETWORK: NODE (hostNetwork) or POD (CNI);
# PID: CONTAINER (the default for v1 pods) or POD (shareProcessNamespace).
pod_config() {
	jq -nc --arg name "$1" --arg uid "$ID_TAG-$1" --arg logs "$LOGS" --arg cg "$CGPARENT" \
		--arg net "$2" --arg pid "$3" '{
		metadata: {name: $name, uid: $uid, namespace: "isorun-test", attempt: 0},
		hostname: (if $net == "POD" then $name else "" end),
		log_directory: $logs,
		labels: {"io.kubernetes.pod.name": $name},
		linux: {cgroup_parent: $cg,
		        security_context: {namespace_options: {network: $net, pid: $pid, ipc: "POD"}}}}'
}

# run_pod CONFIG HANDLER: RunPodSandbox; sets SB (the sandbox id).
run_pod() {
	iso_run "$K/cri" RunPodSandbox "$(jq -nc --argjson c "$1" --arg h "$2" \
		'{config: $c, runtime_handler: $h}')"
	assert_success
	SB=$(jq -r .pod_sandbox_id <<<"$output")
	[ -n "$SB" ] || fail "no pod_sandbox_id in: $output"
}

# create_container SANDBOX-CONFIG NAME JQ-EXPR ARG...: CreateContainer in $SB of the busybox
# image running ARG..., with the pod's namespace options (as the kubelet sends them: a container
# has its own pid namespace unless the pod shares one); JQ-EXPR edits the ContainerConfig (`.`
# for none).  Sets CID.
create_container() {
	local sbc=$1 name=$2 edit=$3
	shift 3
	iso_run "$K/cri" CreateContainer "$(jq -nc --arg sb "$SB" --argjson sbc "$sbc" \
		--arg name "$name" --arg img "$BB_IMAGE" --argjson cmd "$(json_array "$@")" '{
		pod_sandbox_id: $sb, sandbox_config: $sbc,
		config: ({metadata: {name: $name}, image: {image: $img}, command: $cmd,
		          log_path: ($name + ".log"),
		          linux: {security_context: {namespace_options:
		                  $sbc.linux.security_context.namespace_options}}} | '"$edit"')}')"
	assert_success
	CID=$(jq -r .container_id <<<"$output")
	[ -n "$CID" ] || fail "no container_id in: $output"
}

# cri_call METHOD ID-FIELD ID: a call whose request is just an id.
cri_call() {
	iso_run "$K/cri" "$1" "{\"$2\": \"$3\"}"
}

# exec_sync CMD...: ExecSync in $CID; sets status (of the call), EXIT, OUT, ERR.
exec_sync() {
	iso_run "$K/cri" ExecSync "$(jq -nc --arg id "$CID" --argjson cmd "$(json_array "$@")" \
		'{container_id: $id, cmd: $cmd, timeout: 20}')"
	EXIT=$(jq -r .exit_code <<<"$output")
	OUT=$(jq -r '.stdout | @base64d' <<<"$output")
	ERR=$(jq -r '.stderr | @base64d' <<<"$output")
}

# verbose_pid METHOD ID-FIELD ID: the pid that containerd reports (verbose info) for a sandbox
# (PodSandboxStatus) or a container (ContainerStatus).
verbose_pid() {
	"$K/cri" "$1" "{\"$2\": \"$3\", \"verbose\": true}" | jq -r '.info.info | fromjson | .pid'
}

# memory_limit PID: the memory limit of the cgroup of PID, v1 or v2.
memory_limit() {
	local cg
	cg=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$1/cgroup")
	if [ -n "$cg" ]; then
		cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes"
	else
		cg=$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")
		cat "/sys/fs/cgroup$cg/memory.max"
	fi
}

# assert_pods_gone: containerd knows no pod and no container, isorun has no state left.
assert_pods_gone() {
	iso_run "$K/cri" ListPodSandbox '{}'
	assert_success
	assert_equal "$(jq '.items | length' <<<"$output")" 0
	iso_run "$K/cri" ListContainers '{}'
	assert_success
	assert_equal "$(jq '.containers | length' <<<"$output")" 0
	assert_equal "$(_snap_root | wc -l)" 0
}

# ---------------------------------------------------------------------------------------------

@test "cri: Version and Status over runtime.v1; the isorun handler is contrib's entry, on the binary under test" {
	iso_run "$K/cri" Version '{"version": "v1"}'
	assert_success
	assert_equal "$(jq -r .runtime_api_version <<<"$output")" v1
	assert_equal "$(jq -r .runtime_name <<<"$output")" containerd
	iso_run "$K/cri" Status '{"verbose": true}'
	assert_success
	assert_equal "$(jq -c '[.status.conditions[] | select(.status) | .type] | sort' <<<"$output")" \
		'["NetworkReady","RuntimeReady"]'
	local rt
	rt=$(jq -c '.info.config | fromjson | .containerd.runtimes.isorun' <<<"$output")
	assert_equal "$(jq -r .runtimeType <<<"$rt")" io.containerd.runc.v2
	assert_equal "$(jq -r .options.BinaryName <<<"$rt")" "$ISORUN"
	assert_equal "$(jq -r .options.Root <<<"$rt")" "$RT_ROOT"
	assert_equal "$(jq -r .options.SystemdCgroup <<<"$rt")" false
}

@test "cri: runtime_handler isorun: sandbox, create, start, status, exec, stop, remove, all run by isorun" {
	local pc pid
	pc=$(pod_config web NODE CONTAINER)
	run_pod "$pc" isorun
	cri_call PodSandboxStatus pod_sandbox_id "$SB"
	assert_success
	assert_equal "$(jq -r .status.state <<<"$output")" SANDBOX_READY
	assert_equal "$(jq -r .status.runtime_handler <<<"$output")" isorun
	# The sandbox is an isorun container, under the handler's Root, with containerd's pid; runc's
	# root for the namespace is empty.
	assert_equal "$(ctr_status "$SB")" running
	assert_equal "$(ctr_pid "$SB")" "$(verbose_pid PodSandboxStatus pod_sandbox_id "$SB")"
	assert_equal "$(find /run/containerd/runc/k8s.io -mindepth 1 2>/dev/null | wc -l)" 0

	create_container "$pc" app '.linux.resources.memory_limit_in_bytes = "33554432"' \
		/bin/sh -c 'trap "echo got-TERM; exit 3" TERM; echo started; while :; do sleep 1 & wait $!; done'
	cri_call ContainerStatus container_id "$CID"
	assert_equal "$(jq -r .status.state <<<"$output")" CONTAINER_CREATED
	cri_call StartContainer container_id "$CID"
	assert_success
	cri_call ContainerStatus container_id "$CID"
	assert_success
	assert_equal "$(jq -r .status.state <<<"$output")" CONTAINER_RUNNING
	assert_equal "$(ctr_status "$CID")" running
	pid=$(ctr_pid "$CID")
	assert_equal "$pid" "$(verbose_pid ContainerStatus container_id "$CID")"
	# isorun put it in the pod's cgroup with the limit the kubelet asked for, and its stdout
	# reaches the CRI log through the shim
	grep -q ":$CGPARENT/$CID\$" "/proc/$pid/cgroup" || fail "pid $pid is not in $CGPARENT/$CID"
	assert_equal "$(memory_limit "$pid")" 33554432
	wait_for_content "$LOGS/app.log" "stdout F started"

	iso_run "$K/cri" ListContainers "{\"filter\": {\"pod_sandbox_id\": \"$SB\"}}"
	assert_equal "$(jq -c '[.containers[] | [.id, .state]]' <<<"$output")" "[[\"$CID\",\"CONTAINER_RUNNING\"]]"

	exec_sync echo hi
	assert_success
	assert_equal "$EXIT" 0
	assert_equal "$OUT" hi
	exec_sync sh -c 'echo oops >&2; exit 7'
	assert_success
	assert_equal "$EXIT" 7
	assert_equal "$ERR" oops
	# the exec joined the container: its pid 1 is the app
	exec_sync sh -c 'tr "\0" " " </proc/1/cmdline'
	assert_equal "$EXIT" 0
	[[ "$OUT" == "/bin/sh -c trap"* ]] || fail "pid 1 in the exec is '$OUT'"
	[ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink "/proc/$(ctr_pid "$SB")/ns/pid")" ] ||
		fail "the container shares the sandbox's pid namespace"

	# StopContainer: SIGTERM first (the app traps it and exits 3), within the grace period
	iso_run "$K/cri" StopContainer "{\"container_id\": \"$CID\", \"timeout\": 20}"
	assert_success
	cri_call ContainerStatus container_id "$CID"
	assert_equal "$(jq -r .status.state <<<"$output")" CONTAINER_EXITED
	assert_equal "$(jq -r .status.exit_code <<<"$output")" 3
	wait_for_content "$LOGS/app.log" "stdout F got-TERM"
	cri_call RemoveContainer container_id "$CID"
	assert_success
	[ ! -e "$ROOT/$CID" ] || fail "isorun state of $CID left after RemoveContainer"
	cri_call StopPodSandbox pod_sandbox_id "$SB"
	assert_success
	cri_call RemovePodSandbox pod_sandbox_id "$SB"
	assert_success
	assert_pods_gone
}

@test "cri: an unknown runtime_handler is refused and starts nothing" {
	iso_run "$K/cri" RunPodSandbox "$(jq -nc --argjson c "$(pod_config nope NODE CONTAINER)" \
		'{config: $c, runtime_handler: "no-such-handler"}')"
	assert_failure
	assert_stderr_contains 'no runtime for "no-such-handler" is configured'
	assert_pods_gone
}

@test "cri: a pod on the CNI network: its address, hostname and gateway, from inside an isorun container" {
	local pc ip
	pc=$(pod_config netpod POD CONTAINER)
	run_pod "$pc" isorun
	cri_call PodSandboxStatus pod_sandbox_id "$SB"
	ip=$(jq -r .status.network.ip <<<"$output")
	[[ "$ip" == 10.66.0.* ]] || fail "pod address '$ip' is not on the bridge's subnet"
	create_container "$pc" app . sleep 1000
	cri_call StartContainer container_id "$CID"
	assert_success
	exec_sync sh -c 'hostname; ip -4 -o addr show eth0; ip route show default'
	assert_equal "$EXIT" 0
	assert_equal "${OUT%%$'\n'*}" netpod
	[[ "$OUT" == *"inet $ip/24"* ]] || fail "eth0 does not have $ip: $OUT"
	[[ "$OUT" == *"default via 10.66.0.1"* ]] || fail "no default route via the bridge: $OUT"
	exec_sync ping -c 1 -W 5 10.66.0.1
	assert_equal "$EXIT" 0
	# the container joined the sandbox's network namespace (isorun entered it by path)
	assert_equal "$(readlink "/proc/$(ctr_pid "$CID")/ns/net")" "$(readlink "/proc/$(ctr_pid "$SB")/ns/net")"
	cri_call StopPodSandbox pod_sandbox_id "$SB"
	assert_success
	cri_call RemovePodSandbox pod_sandbox_id "$SB"
	assert_success
	assert_pods_gone
	# CNI DEL ran: no veth left on the bridge, no pod network namespace left
	assert_equal "$(nsenter --net="/run/netns/$CRI_NETNS" ip -o link show type veth | wc -l)" 0
	assert_equal "$(find /run/netns -name 'cni-*' | wc -l)" 0
}

@test "cri: shareProcessNamespace pod: containers see the sandbox as pid 1; StopPodSandbox kills running containers" {
	local pc c1
	pc=$(pod_config shared NODE POD)
	run_pod "$pc" isorun
	create_container "$pc" one . sleep 1001
	c1=$CID
	cri_call StartContainer container_id "$c1"
	assert_success
	create_container "$pc" two . sleep 1002
	cri_call StartContainer container_id "$CID"
	assert_success
	# shellcheck disable=SC2016
	exec_sync sh -c 'for p in /proc/1 /proc/[0-9]*; do tr "\0" " " <$p/cmdline; echo; done'
	assert_equal "$EXIT" 0
	assert_equal "${OUT%%$'\n'*}" "/bin/sleep 100000 "
	[[ "$OUT" == *"sleep 1001"* ]] || fail "container two does not see container one: $OUT"
	assert_equal "$(readlink "/proc/$(ctr_pid "$CID")/ns/pid")" "$(readlink "/proc/$(ctr_pid "$SB")/ns/pid")"
	# a command that cannot run fails the call with isorun's error, as the kubelet logs it
	exec_sync /no/such/binary
	assert_failure
	assert_stderr_contains 'OCI runtime exec failed: exec: "/no/such/binary": no such file or directory'
	# the kubelet deletes a pod with running containers: StopPodSandbox, RemovePodSandbox
	cri_call StopPodSandbox pod_sandbox_id "$SB"
	assert_success
	cri_call ContainerStatus container_id "$c1"
	assert_equal "$(jq -r .status.state <<<"$output")" CONTAINER_EXITED
	cri_call RemovePodSandbox pod_sandbox_id "$SB"
	assert_success
	assert_pods_gone
}
