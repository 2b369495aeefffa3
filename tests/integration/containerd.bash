# SPDX-License-Identifier: GPL-2.0-or-later
# A containerd of the test's own, for the end-to-end client tests (clients.bats, cri.bats).
# Load after helpers (`load helpers; load containerd`).  The caller writes the config; its
# root, state and grpc.address lie in the test's temp dir (HOST.md), and the test's mount
# namespace has a private bind mount over /run/containerd, where the runc shim keeps its sockets.

# containerd_config_head DIR SOCKET [TOP-LEVEL-LINE...]: the start of a config.toml for a
# daemon whose root and state lie under DIR and whose grpc.address is SOCKET; the extra lines
# (top-level keys) come before the first table.  The caller appends its plugins.
containerd_config_head() {
	local dir=$1 sock=$2
	shift 2
	printf 'version = 2\nroot = "%s"\nstate = "%s"\n' "$dir/root" "$dir/state"
	[ $# -eq 0 ] || printf '%s\n' "$@"
	printf '[grpc]\n  address = "%s"\n[ttrpc]\n  address = "%s"\n[debug]\n  address = ""\n' \
		"$sock" "$sock.ttrpc"
}

# containerd_start CONFIG SOCKET LOG [NETNS]: start containerd on CONFIG (whose grpc.address is
# SOCKET), in the network namespace /run/netns/NETNS if given, and wait until it answers.
# Sets CTRD_PID.  Fails with the daemon's log when it does not come up.
containerd_start() {
	local cfg=$1 sock=$2 log=$3 netns=${4:-}
	local -a enter=()
	[ -z "$netns" ] || enter=(nsenter --net="/run/netns/$netns")
	# (nsenter execs containerd: $! is the daemon's pid.  fd 3 is bats' own: not for a daemon.)
	"${enter[@]}" containerd --config "$cfg" </dev/null >"$log" 2>&1 3>&- &
	CTRD_PID=$!
	retry 100 0.1 ctr -a "$sock" version >/dev/null 2>&1 || {
		cat "$log" >&2
		fail "containerd did not start"
	}
}

# containerd_stop: stop the daemon containerd_start started, by its pid, and wait until it is
# gone (it may have been started by setup_file, in another shell than the one stopping it).
containerd_stop() {
	[ -n "${CTRD_PID:-}" ] || return 0
	kill "$CTRD_PID" 2>/dev/null || true
	wait "$CTRD_PID" 2>/dev/null || true
	retry 100 0.1 sh -c "! [ -d /proc/$CTRD_PID ] || grep -q '^State:.*[ZX]' /proc/$CTRD_PID/status" ||
		fail "containerd (pid $CTRD_PID) did not stop"
	CTRD_PID=
}
