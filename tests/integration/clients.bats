#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: podman (through conmon, netavark) and containerd (through containerd-shim-runc-v2
# and ctr) driving isorun as their OCI runtime (see shared/design/CLIENTS.md and HOST.md).
#
# Everything the clients keep lives in this file's temp dir: podman's --root/--runroot/--tmpdir,
# containerd's root, state and sockets.  Neither client passes isorun a --root we choose
# everywhere (conmon passes none, so isorun uses /run/isorun; the shim uses
# /run/containerd/runc/<namespace>), so both directories are covered by private bind mounts in
# this test's mount namespace (run-in-ns.sh).  podman runs in a network namespace of its own
# (nsenter --net; not `ip netns exec`, which remounts /sys and hides the cgroups).

load helpers
load containerd

CLIENT_IMAGE=localhost/isorun-bb:1

setup_file() {
	iso_setup_file
	local m
	for m in podman conmon ctr containerd containerd-shim-runc-v2 nsenter script; do
		command -v "$m" >/dev/null || {
			echo "$m not found: install the Debian packages podman containerd" >&2
			return 1
		}
	done
	[ -x /usr/lib/podman/netavark ] || {
		echo "netavark not found: install the Debian package netavark" >&2
		return 1
	}
	C="$BATS_FILE_TMPDIR/clients"
	mkdir -p "$C/isorun-root" "$C/containerd-run" "$C/podman"
	# Private state dirs for the runtime as the clients call it (see the header).
	mkdir -p /run/isorun /run/containerd
	mount --bind "$C/isorun-root" /run/isorun
	mount --bind "$C/containerd-run" /run/containerd
	CLIENT_NETNS="isorun-$ISO_FILE_TAG"
	ip netns add "$CLIENT_NETNS"
	nsenter --net="/run/netns/$CLIENT_NETNS" ip link set lo up

	sed -e "s|^  \"/usr/local/bin/isorun\",|  \"$ISORUN\",|" \
		"$ISORUN_SRCDIR/contrib/podman/isorun.conf" >"$C/containers.conf"
	grep -q "\"$ISORUN\"" "$C/containers.conf" || {
		echo "contrib/podman/isorun.conf: the runtime path line was not found" >&2
		return 1
	}
	cat >>"$C/containers.conf" <<-'EOF'

		[containers]
		# the hard rlimits of this machine are lower than podman's defaults (HOST.md)
		default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
	EOF
	# pm ARGS...: podman with everything private, in the test network namespace, on isorun
	cat >"$C/pm" <<-EOF
		#!/bin/sh
		# (conmon writes an "oom" marker into its working directory)
		cd $C || exit 1
		exec nsenter --net=/run/netns/$CLIENT_NETNS env CONTAINERS_CONF=$C/containers.conf \\
			podman --root $C/podman/root --runroot $C/podman/run --tmpdir $C/podman/tmp \\
			--storage-driver vfs --cgroup-manager cgroupfs --events-backend file \\
			--runtime ${PM_RUNTIME:-isorun} "\$@"
	EOF
	chmod +x "$C/pm"
	tar -C "$ISO_ROOTFS_CACHE" -cf "$C/rootfs.tar" .
	"$C/pm" import --quiet --change 'ENV PATH=/bin' "$C/rootfs.tar" "$CLIENT_IMAGE" >/dev/null
	"$C/pm" save --quiet --format oci-archive -o "$C/image.tar" "$CLIENT_IMAGE"
	export C CLIENT_NETNS
}

teardown_file() {
	[ -n "${C:-}" ] || return 0
	"$C/pm" rm -af >/dev/null 2>&1 || true
	ip netns delete "$CLIENT_NETNS" 2>/dev/null || true
	umount /run/isorun /run/containerd 2>/dev/null || true
	# podman's vfs layers: nothing is mounted there once the containers are gone
	rm -rf --one-file-system "$C/podman" 2>/dev/null || true
}

_snap_client_cgroups() {
	find /sys/fs/cgroup -maxdepth 4 -type d \( -name 'libpod-*' -o -path '*/isorun/*' \
		-o -name "*$ID_TAG*" \) 2>/dev/null | grep -v conmon | sort
}

setup() {
	iso_setup
	# the root isorun gets from conmon: /run/isorun, backed by $C/isorun-root
	ROOT="$C/isorun-root"
	snapshot_host_state
	_snap_client_cgroups >"$BATS_TEST_TMPDIR/client-cgroups"
}

# No container of the clients', no isorun state, cgroup, mount or process is left.
assert_clients_clean() {
	local d i
	d=$("$C/pm" ps -aq)
	[ -z "$d" ] || fail "podman containers left: $d"
	for ((i = 0; i < 60; i++)); do
		d=$(_snap_client_cgroups | comm -13 "$BATS_TEST_TMPDIR/client-cgroups" -)
		[ -n "$d" ] || break
		sleep 0.1
	done
	[ -z "$d" ] || fail "cgroups left: $d"
	d=$(find /run/containerd/runc -mindepth 2 -maxdepth 2 2>/dev/null || true)
	[ -z "$d" ] || fail "shim runtime state left: $d"
	assert_no_leftovers
}

teardown() {
	if [ -n "${CTRD_PID:-}" ]; then
		"$CR" task kill -s SIGKILL "$CTR" >/dev/null 2>&1 || true
		sleep 0.2
		"$CR" task delete -f "$CTR" >/dev/null 2>&1 || true
		"$CR" container delete "$CTR" >/dev/null 2>&1 || true
		kill "$CTRD_PID" 2>/dev/null || true
		wait "$CTRD_PID" 2>/dev/null || true
	fi
	"$C/pm" rm -af -t 0 >/dev/null 2>&1 || true
	iso_teardown
}

pm_status() {
	"$C/pm" inspect -f '{{.State.Status}}' "$1"
}

# ---------------------------------------------------------------------------------------------
# podman

@test "podman: run --rm echo hi, through conmon, with isorun's --log" {
	iso_run "$C/pm" run --rm --name "$CTR" "$CLIENT_IMAGE" echo hi
	assert_success
	assert_equal "$output" "hi"
	assert_clients_clean
}

@test "podman: a failing command maps to exit 127 with the runtime's message" {
	iso_run "$C/pm" run --rm "$CLIENT_IMAGE" /no/such/binary
	assert_status 127
	assert_stderr_contains "/no/such/binary"
	assert_clients_clean
}

@test "podman: run -d, exec, pause, unpause, stop, rm" {
	iso_run "$C/pm" run -d --name "$CTR" "$CLIENT_IMAGE" sleep 1000
	assert_success
	iso_run "$C/pm" exec "$CTR" sh -c 'echo in-$(hostname); cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_output_contains "in-"
	assert_output_contains "sleep 1000"
	iso_run "$C/pm" exec "$CTR" sh -c 'exit 7'
	assert_status 7
	iso_run "$C/pm" pause "$CTR"
	assert_success
	assert_equal "$(pm_status "$CTR")" paused
	local id
	id=$("$C/pm" inspect -f '{{.Id}}' "$CTR")
	assert_equal "$("$ISORUN" state "$id" | jq -r .status)" paused
	iso_run "$C/pm" unpause "$CTR"
	assert_success
	assert_equal "$(pm_status "$CTR")" running
	iso_run "$C/pm" exec "$CTR" echo after-unpause
	assert_success
	assert_equal "$output" after-unpause
	iso_run "$C/pm" stop -t 1 "$CTR"
	assert_success
	assert_equal "$(pm_status "$CTR")" exited
	iso_run "$C/pm" rm "$CTR"
	assert_success
	assert_clients_clean
}

@test "podman: run -t gets a terminal through a pty" {
	iso_run script -qec "'$C/pm' run --rm -t '$CLIENT_IMAGE' sh -c 'tty; [ -t 0 ] && echo STDIN-TTY'" /dev/null
	assert_success
	assert_output_contains "/dev/pts/"
	assert_output_contains "STDIN-TTY"
	assert_clients_clean
}

@test "podman: kill stops the container with SIGKILL's status" {
	iso_run "$C/pm" run -d --name "$CTR" "$CLIENT_IMAGE" sleep 1000
	assert_success
	iso_run "$C/pm" kill "$CTR"
	assert_success
	iso_run "$C/pm" wait "$CTR"
	assert_success
	assert_equal "$output" 137
	assert_equal "$(pm_status "$CTR")" exited
	iso_run "$C/pm" rm "$CTR"
	assert_success
	assert_clients_clean
}

@test "podman: the default bridge network (netavark) gives the container an address" {
	iso_run "$C/pm" run --rm "$CLIENT_IMAGE" ip -4 addr show eth0
	assert_success
	assert_output_contains "inet 10.88."
	assert_clients_clean
}

@test "podman: --memory 32m is set on the container's cgroup and an allocation past it is OOM-killed" {
	iso_run "$C/pm" run -d --name "$CTR" --memory 32m --memory-swap 32m "$CLIENT_IMAGE" sleep 1000
	assert_success
	local pid cg
	pid=$("$C/pm" inspect -f '{{.State.Pid}}' "$CTR")
	# the v1 memory hierarchy's limit, or on pure v2 the unified one
	cg=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$pid/cgroup")
	if [ -n "$cg" ]; then
		assert_equal "$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes")" 33554432
	else
		cg=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
		[ -f "/sys/fs/cgroup$cg/memory.max" ] || fail "no memory cgroup for pid $pid"
		assert_equal "$(cat "/sys/fs/cgroup$cg/memory.max")" 33554432
	fi
	# dd's buffer of 64 MiB is touched whole: past the limit
	iso_run "$C/pm" exec "$CTR" dd if=/dev/zero of=/dev/null bs=64M count=1
	assert_status 137
	iso_run "$C/pm" exec "$CTR" dd if=/dev/zero of=/dev/null bs=8M count=1
	assert_success
	iso_run "$C/pm" rm -f -t 0 "$CTR"
	assert_success
	assert_clients_clean
}

@test "podman: --device /dev/fuse (fileMode is the host node's st_mode) gives a usable node" {
	[ -c /dev/fuse ] || skip "no /dev/fuse on this host"
	iso_run "$C/pm" run --rm --device /dev/fuse "$CLIENT_IMAGE" sh -c \
		'test -c /dev/fuse && stat -c "fuse %t:%T" /dev/fuse; exec 3<>/dev/fuse && echo fuse-open'
	assert_success
	assert_output_contains "fuse a:e5"
	assert_output_contains "fuse-open"
	assert_clients_clean
}

@test "podman: --privileged runs, with the host's devices and a /dev/ptmx of the container's devpts" {
	iso_run "$C/pm" run --rm --privileged "$CLIENT_IMAGE" sh -c \
		'test -c /dev/fuse && echo fuse-node; test -c /dev/null && echo null-node
		echo "ptmx -> $(readlink /dev/ptmx)"
		exec 3<>/dev/ptmx && echo "pts: $(ls /dev/pts | tr "\n" " ")"'
	assert_success
	[ ! -c /dev/fuse ] || assert_output_contains fuse-node
	assert_output_contains null-node
	assert_output_contains "ptmx -> pts/ptmx"
	assert_output_contains "pts: 0 ptmx "
	assert_clients_clean
}

@test "podman: --tmpfs /data:mode=1777 and tmpfs-mode=700 keep their modes through tmpcopyup" {
	iso_run "$C/pm" run --rm --tmpfs /data:mode=1777 \
		--mount type=tmpfs,destination=/tight,tmpfs-mode=700 "$CLIENT_IMAGE" \
		stat -c "%n %a" /data /tight
	assert_success
	assert_output_contains "/data 1777"
	assert_output_contains "/tight 700"
	iso_run "$C/pm" run --rm --tmpfs /data:mode=1777 --user 1000 "$CLIENT_IMAGE" \
		sh -c 'echo x >/data/f && echo "wrote as $(id -u)"'
	assert_success
	assert_output_contains "wrote as 1000"
	assert_clients_clean
}

@test "podman: --cgroups disabled runs the container in no cgroup of its own (contrib's config)" {
	# podman allows it only for runtimes in runtime_supports_nocgroup, which contrib's
	# isorun.conf (the containers.conf here) must name; isorun gets --cgroup-manager disabled
	local own
	own=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
	iso_run "$C/pm" run -d --name "$CTR" --cgroups disabled "$CLIENT_IMAGE" sleep 1000
	assert_success
	local pid id
	pid=$("$C/pm" inspect -f '{{.State.Pid}}' "$CTR")
	id=$("$C/pm" inspect -f '{{.Id}}' "$CTR")
	# conmon's cgroup (the runtime's, which the init stays in): no libpod-ID one anywhere
	grep -q "libpod-$id" "/proc/$pid/cgroup" && fail "the container has a cgroup: $(cat "/proc/$pid/cgroup")"
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$id*")" ] || fail "a cgroup names the container"
	jq -e 'has("cgroups") | not' "$ROOT/$id/state.json" >/dev/null || fail "isorun recorded cgroups"
	iso_run "$C/pm" exec "$CTR" echo in-it
	assert_success
	assert_equal "$output" in-it
	iso_run "$C/pm" rm -f -t 0 "$CTR"
	assert_success
	assert_clients_clean
}

# ---------------------------------------------------------------------------------------------
# containerd

# start_containerd: a daemon of this test's own; CTRD_PID, SOCK
start_containerd() {
	local d="$BATS_TEST_TMPDIR/ctrd"
	mkdir -p "$d"
	SOCK="$d/containerd.sock"
	containerd_config_head "$d" "$SOCK" 'disabled_plugins = ["io.containerd.grpc.v1.cri"]' \
		>"$d/config.toml"
	# cr ARGS...: ctr on this daemon (a file, for iso_run)
	printf '#!/bin/sh\nexec ctr -a "%s" "$@"\n' "$SOCK" >"$d/cr"
	chmod +x "$d/cr"
	CR="$d/cr"
	containerd_start "$d/config.toml" "$SOCK" "$d/log"
	ctr -a "$SOCK" images import --snapshotter native "$C/image.tar" >/dev/null 2>&1 ||
		fail "ctr images import failed"
	ctr -a "$SOCK" images ls -q | grep -q isorun-bb || fail "image not imported"
}

stop_containerd() {
	containerd_stop
}


@test "containerd: ctr run, task exec, ps, pause, resume, kill, delete on isorun" {
	start_containerd
	iso_run "$CR" run -d --snapshotter native --runc-binary "$ISORUN" "$CLIENT_IMAGE" "$CTR" sleep 1000
	assert_success
	# the shim calls isorun with --root /run/containerd/runc/default
	assert_equal "$("$ISORUN" --root /run/containerd/runc/default state "$CTR" | jq -r .status)" running
	iso_run "$CR" task exec --exec-id e1 "$CTR" sh -c 'echo exec-ok; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_output_contains exec-ok
	assert_output_contains "sleep 1000"
	# a process that exits at once still reports its own status (isorun once armed a
	# parent-death SIGKILL that fired when `exec --detach` returned: 137)
	local i
	for i in 1 2 3 4 5 6; do
		iso_run "$CR" task exec --exec-id "e2-$i" "$CTR" sh -c 'exit 5'
		assert_status 5
	done
	iso_run "$CR" task ps "$CTR"
	assert_success
	local pid
	pid=$("$ISORUN" --root /run/containerd/runc/default state "$CTR" | jq -r .pid)
	assert_output_contains "$pid"
	iso_run "$CR" task pause "$CTR"
	assert_success
	assert_output_not_contains error
	iso_run "$CR" task ls
	assert_output_contains PAUSED
	iso_run "$CR" task resume "$CTR"
	assert_success
	iso_run "$CR" task ls
	assert_output_contains RUNNING
	iso_run "$CR" task kill -s SIGKILL "$CTR"
	assert_success
	retry 50 0.1 sh -c "ctr -a '$SOCK' task ls | grep -q STOPPED"
	iso_run "$CR" task delete "$CTR"
	assert_success
	iso_run "$CR" container delete "$CTR"
	assert_success
	stop_containerd
	assert_clients_clean
}

@test "containerd: ctr run --privileged lists /dev/ptmx; it opens a pty of the container's devpts" {
	start_containerd
	iso_run "$CR" run --rm --privileged --snapshotter native --runc-binary "$ISORUN" \
		"$CLIENT_IMAGE" "$CTR" sh -c 'echo "ptmx -> $(readlink /dev/ptmx)"
		exec 3<>/dev/ptmx && echo "pts: $(ls /dev/pts | tr "\n" " ")"'
	assert_success
	assert_output_contains "ptmx -> pts/ptmx"
	assert_output_contains "pts: 0 ptmx "
	stop_containerd
	assert_clients_clean
}

@test "containerd: ctr run -t gets a terminal, and --rm cleans up" {
	start_containerd
	iso_run script -qec "ctr -a '$SOCK' run --rm -t --snapshotter native --runc-binary '$ISORUN' '$CLIENT_IMAGE' '$CTR' sh -c 'tty; [ -t 0 ] && echo STDIN-TTY'" /dev/null
	assert_success
	assert_output_contains "/dev/pts/"
	assert_output_contains "STDIN-TTY"
	stop_containerd
	assert_clients_clean
}
