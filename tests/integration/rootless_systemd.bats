#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Rootless with --systemd-cgroup, on a host with systemd as PID 1 and pure cgroup v2 (the
# systemd mode of the test VM):
#
#   ISORUN_TEST_PIDNS=0 tests/vm/run-vm.sh systemd tests/integration/rootless_systemd.bats
#
# A lingering test user (loginctl enable-linger: logind starts its user@UID.service, the user
# manager, with its /run/user/UID and user bus), then isorun as that user with --systemd-cgroup:
# the container's cgroup is a scope of the user manager's (user.slice:isorun:ID), in the subtree
# delegated to it, and its limits are in that scope's cgroup files; then rootless podman with its
# default cgroup manager (systemd).
#
# The user is made with useradd in the VM's /etc, which the VM throws away: the file runs only
# in the test VM (/isovm/out), never on a machine whose /etc it would change.  The user's
# commands run in PID 1's mount namespace (nsenter), where logind mounted /run/user/UID after
# this file's own namespace was made.  The user manager moves processes by their pids in its
# own pid namespace: run-in-ns.sh must not make one (ISORUN_TEST_PIDNS=0).

load helpers

_skip_reason() {
	if [ ! -d /isovm/out ]; then
		echo "makes a user in /etc: runs only in the test VM (tests/vm/run-vm.sh systemd)"
	elif [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ]; then
		echo "systemd is not PID 1 here (or the tests have a pid namespace of their own:" \
			"ISORUN_TEST_PIDNS=0)"
	elif [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
		echo "not a pure cgroup v2 host"
	fi
}

setup_file() {
	RS_SKIP=$(_skip_reason)
	export RS_SKIP
	[ -z "$RS_SKIP" ] || return 0
	iso_setup_file
	local m
	for m in loginctl systemctl nsenter setpriv useradd newuidmap; do
		command -v "$m" >/dev/null || {
			echo "$m not found: install the Debian packages systemd util-linux passwd uidmap" >&2
			return 1
		}
	done
	RS_USER="isors${ISO_FILE_TAG#it}"
	useradd -m -s /bin/sh "$RS_USER"
	grep -q "^$RS_USER:" /etc/subuid || usermod --add-subuids 400000-465535 "$RS_USER"
	grep -q "^$RS_USER:" /etc/subgid || usermod --add-subgids 400000-465535 "$RS_USER"
	RS_UID=$(id -u "$RS_USER")
	RS_GID=$(id -g "$RS_USER")
	RS_HOME=$(getent passwd "$RS_USER" | cut -d: -f6)
	RS_XDG="/run/user/$RS_UID"
	loginctl enable-linger "$RS_USER"
	# the user manager, then its user bus (dbus-user-session's socket)
	retry 600 0.1 systemctl is-active -q "user@$RS_UID.service" ||
		{ echo "user@$RS_UID.service did not start" >&2; return 1; }
	retry 600 0.1 nsenter --mount=/proc/1/ns/mnt test -S "$RS_XDG/bus" ||
		{ echo "no user bus $RS_XDG/bus" >&2; return 1; }
	# the user bus daemon starts on its first client: here, not in a test (a new process)
	nsenter --mount=/proc/1/ns/mnt setpriv --reuid="$RS_UID" --regid="$RS_GID" --init-groups \
		env XDG_RUNTIME_DIR="$RS_XDG" busctl --user list >/dev/null ||
		{ echo "the user bus $RS_XDG/bus does not answer" >&2; return 1; }
	RS_MANAGER_CG="/sys/fs/cgroup/user.slice/user-$RS_UID.slice/user@$RS_UID.service"
	chmod 0711 "$BATS_RUN_TMPDIR"
	AS_USER="$BATS_FILE_TMPDIR/as-user"
	cat >"$AS_USER" <<-EOF
		#!/bin/sh
		# as-user CMD...: CMD as $RS_USER in PID 1's mount namespace, with its user manager's
		# XDG_RUNTIME_DIR (RS_XDG overrides it)
		exec nsenter --mount=/proc/1/ns/mnt setpriv --reuid=$RS_UID --regid=$RS_GID --init-groups \\
			env -i HOME=$RS_HOME USER=$RS_USER PATH=/usr/sbin:/usr/bin:/sbin:/bin \\
			XDG_RUNTIME_DIR="\${RS_XDG:-$RS_XDG}" "\$@"
	EOF
	chmod 0755 "$AS_USER"
	export RS_USER RS_UID RS_GID RS_HOME RS_XDG RS_MANAGER_CG AS_USER
}

teardown_file() {
	[ -z "${RS_SKIP:-}" ] || return 0
	[ -n "${RS_USER:-}" ] || return 0
	loginctl disable-linger "$RS_USER" 2>/dev/null || true
	loginctl terminate-user "$RS_USER" 2>/dev/null || true
}

setup() {
	[ -z "$RS_SKIP" ] || skip "$RS_SKIP"
	iso_setup
	chown -R "$RS_UID:$RS_GID" "$BUNDLE" "$SHARED"
	mkdir -m 0700 "$ROOT"
	chown "$RS_UID:$RS_GID" "$ROOT"
	rm -f "$BUNDLE/config.json"
	"$AS_USER" "$ISORUN" spec --rootless --bundle "$BUNDLE"
	update_config '.process.terminal = false | .process.args = ["/bin/sleep", "600"]'
	UNIT="isorun-$CTR.scope"
	CG="$RS_MANAGER_CG/user.slice/$UNIT"
	snapshot_host_state
}

teardown() {
	[ -z "$RS_SKIP" ] || return 0
	"$AS_USER" "$ISORUN" --root "$ROOT" --systemd-cgroup delete --force "$CTR" \
		>/dev/null 2>&1 || true
	"$AS_USER" systemctl --user stop "$UNIT" >/dev/null 2>&1 || true
	iso_teardown
}

# rl ARGS...: isorun as the user, with this test's --root and the systemd driver.
rl() {
	iso_run "$AS_USER" "$ISORUN" --root "$ROOT" --systemd-cgroup "$@"
}

# user_systemctl ARGS...: the user's systemctl --user.
user_systemctl() {
	"$AS_USER" systemctl --user "$@"
}

@test "rootless --systemd-cgroup: a scope of the user manager's, with the limits in its cgroup; update, pause, ps, delete" {
	update_config '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 50}}'
	rl run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	# no warning: the container has a cgroup
	assert_equal "$stderr" ""
	wait_for_status "$CTR" running
	local pid
	pid=$("$AS_USER" "$ISORUN" --root "$ROOT" state "$CTR" | jq -r .pid)
	# the unit is the user manager's, in its user.slice (runc's default parent when rootless)
	assert_equal "$(user_systemctl is-active "$UNIT")" active
	assert_equal "$(user_systemctl show -P Slice "$UNIT")" user.slice
	assert_equal "$(user_systemctl show -P Delegate "$UNIT")" yes
	[ -d "$CG" ] || fail "no cgroup $CG"
	grep -qx "$pid" "$CG/cgroup.procs" || fail "the init $pid is not in $CG: $(cat "$CG/cgroup.procs")"
	assert_equal "$(cat "$CG/memory.max")" 67108864
	assert_equal "$(cat "$CG/pids.max")" 50
	# ... and the unit's own properties, which systemd keeps
	assert_equal "$(user_systemctl show -P MemoryMax "$UNIT")" 67108864
	rl update --memory 134217728 --pids-limit 60 "$CTR"
	assert_success
	assert_equal "$(cat "$CG/memory.max")" 134217728
	assert_equal "$(cat "$CG/pids.max")" 60
	assert_equal "$(user_systemctl show -P MemoryMax "$UNIT")" 134217728
	rl pause "$CTR"
	assert_success
	assert_equal "$(cat "$CG/cgroup.freeze")" 1
	retry 100 0.1 grep -qx 'frozen 1' "$CG/cgroup.events" || fail "not frozen: $(cat "$CG/cgroup.events")"
	rl resume "$CTR"
	assert_success
	assert_equal "$(cat "$CG/cgroup.freeze")" 0
	rl ps --format json "$CTR"
	assert_success
	assert_equal "$(jq -c . <<<"$output")" "[$pid]"
	rl events --stats "$CTR"
	assert_success
	assert_equal "$(jq -r .data.pids.limit <<<"$output")" 60
	rl delete --force "$CTR"
	assert_success
	# delete stops the unit: no unit, no cgroup
	retry 100 0.1 eval '[ ! -d "$CG" ]' || fail "the cgroup $CG is left"
	run user_systemctl is-active "$UNIT"
	[ "$output" != active ] || fail "the unit $UNIT is still active"
	assert_no_leftovers
}

@test "rootless --systemd-cgroup: refused by name, nothing left: a controller not delegated, no user manager" {
	# the user manager has only what user@.service delegates (cpu memory pids): not cpuset
	update_config '.linux.resources = {cpu: {cpus: "0"}}'
	rl run --detach --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'linux.resources.cpu.cpus: the cpuset controller is not delegated to your systemd user manager'
	[ ! -e "$ROOT/$CTR" ] || fail "state left"
	[ ! -d "$CG" ] || fail "cgroup left"
	run user_systemctl is-active "$UNIT"
	[ "$output" != active ] || fail "a unit was started"
	# no user manager to reach: the line names its sockets
	update_config 'del(.linux.resources)'
	mkdir -p "$BATS_TEST_TMPDIR/xdg"
	chown "$RS_UID:$RS_GID" "$BATS_TEST_TMPDIR/xdg"
	RS_XDG="$BATS_TEST_TMPDIR/xdg" rl run --detach --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "cannot reach your systemd user manager: unix:path=$BATS_TEST_TMPDIR/xdg/systemd/private"
	assert_stderr_contains "unix:path=$BATS_TEST_TMPDIR/xdg/bus"
	[ ! -e "$ROOT/$CTR" ] || fail "state left"
	assert_no_leftovers
}

@test "rootless podman, its default cgroup manager (systemd): --memory is in the container's scope of the user manager" {
	command -v podman >/dev/null || skip "podman is not installed"
	local P="$RS_HOME/podman-$BATS_TEST_NUMBER" id cg
	mkdir -p "$P"
	tar -C "$ISO_ROOTFS_CACHE" -cf "$P/rootfs.tar" .
	sed -e "s|^  \"/usr/local/bin/isorun\",|  \"$ISORUN\",|" \
		"$ISORUN_SRCDIR/contrib/podman/isorun.conf" >"$P/containers.conf"
	chown -R "$RS_UID:$RS_GID" "$P"
	cat >"$P/pm" <<-EOF
		#!/bin/sh
		exec $AS_USER env CONTAINERS_CONF=$P/containers.conf podman --root $P/storage \\
			--storage-driver vfs --events-backend file --runtime $ISORUN "\$@"
	EOF
	chmod 0755 "$P/pm"
	iso_run --timeout 240 "$P/pm" import --quiet --change 'ENV PATH=/bin' "$P/rootfs.tar" localhost/isorun-rs:1
	assert_success
	iso_run --timeout 240 "$P/pm" run -d --name "$CTR" --network none --memory 64m \
		localhost/isorun-rs:1 sleep 600
	assert_success
	id=$output
	# podman passed --systemd-cgroup: the container is libpod-ID.scope of the user manager
	cg=$(find "$RS_MANAGER_CG" -type d -name "libpod-$id.scope")
	[ -n "$cg" ] || fail "no libpod-$id.scope under $RS_MANAGER_CG"
	assert_equal "$(cat "$cg/memory.max")" 67108864
	grep -qx "$("$P/pm" inspect -f '{{.State.Pid}}' "$CTR")" "$cg/cgroup.procs" ||
		fail "the container's init is not in $cg"
	iso_run --timeout 240 "$P/pm" rm -f -t 0 "$CTR"
	assert_success
	retry 100 0.1 eval '[ ! -d "$cg" ]' || fail "the scope's cgroup $cg is left"
	# podman's pause process holds its user namespace between commands: podman's, not ours
	local f
	for f in $(nsenter --mount=/proc/1/ns/mnt find "$RS_XDG" -name pause.pid 2>/dev/null); do
		kill -KILL "$(nsenter --mount=/proc/1/ns/mnt cat "$f")" 2>/dev/null || true
	done
}
