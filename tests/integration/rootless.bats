#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Rootless: isorun run by an unprivileged user, as runc and crun run: the container in a user
# namespace of the user's (its own id mapped directly, or subordinate ranges through
# newuidmap/newgidmap), state under $XDG_RUNTIME_DIR/isorun, no cgroups, only lo; bad input
# refused by name with nothing left behind; rootless podman on isorun.
#
# The test user is made in an overlay over /etc in this file's own mount namespace
# (run-in-ns.sh): useradd writes its passwd, group, shadow, subuid and subgid lines into the
# overlay's upper directory, and the host's /etc never changes.  Commands run as the user
# through $AS_USER (setpriv, a clean environment, XDG_RUNTIME_DIR=$RL_XDG when set).

load helpers

setup_file() {
	iso_setup_file
	local m
	for m in newuidmap newgidmap setpriv useradd usermod; do
		command -v "$m" >/dev/null || {
			echo "$m not found: install the Debian packages uidmap util-linux passwd" >&2
			return 1
		}
	done
	RL_ETC="$BATS_FILE_TMPDIR/etc"
	mkdir -p "$RL_ETC/upper" "$RL_ETC/work"
	mount -t overlay -o "lowerdir=/etc,upperdir=$RL_ETC/upper,workdir=$RL_ETC/work" overlay /etc
	RL_USER="isorl${ISO_FILE_TAG#it}"
	RL_HOME="$BATS_FILE_TMPDIR/home"
	useradd -M -d "$RL_HOME" -s /bin/sh "$RL_USER"
	grep -q "^$RL_USER:" /etc/subuid || usermod --add-subuids 400000-465535 "$RL_USER"
	grep -q "^$RL_USER:" /etc/subgid || usermod --add-subgids 400000-465535 "$RL_USER"
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	RL_SUBUID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
	RL_SUBGID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subgid)
	# bats makes its run directory 0700: the user must reach its bundles below it
	chmod 0711 "$BATS_RUN_TMPDIR"
	mkdir -m 0700 "$RL_HOME"
	chown "$RL_UID:$RL_GID" "$RL_HOME"
	AS_USER="$BATS_FILE_TMPDIR/as-user"
	cat >"$AS_USER" <<-EOF
		#!/bin/sh
		# as-user CMD...: CMD as $RL_USER; RL_XDG and RL_PATH come from the caller
		exec setpriv --reuid=$RL_UID --regid=$RL_GID --init-groups env -i HOME=$RL_HOME \\
			USER=$RL_USER PATH="\${RL_PATH:-/usr/sbin:/usr/bin:/sbin:/bin}" \\
			\${RL_XDG:+XDG_RUNTIME_DIR="\$RL_XDG"} "\$@"
	EOF
	chmod 0755 "$AS_USER"
	export RL_USER RL_HOME RL_UID RL_GID RL_SUBUID RL_SUBGID AS_USER
}

teardown_file() {
	umount /etc 2>/dev/null || true
}

setup() {
	iso_setup
	export RL_XDG="$BATS_TEST_TMPDIR/xdg"
	# The user's default --root (runc's rule): what every `rl` command uses, and teardown too.
	ROOT="$RL_XDG/isorun"
	mkdir -m 0700 "$RL_XDG"
	chown -R "$RL_UID:$RL_GID" "$RL_XDG" "$BUNDLE" "$SHARED"
	rm -f "$BUNDLE/config.json"
	"$AS_USER" "$ISORUN" spec --rootless --bundle "$BUNDLE"
	update_config '.process.terminal = false'
	snapshot_host_state
}

# rl ARGS...: isorun as the test user, with no --root.
rl() {
	iso_run "$AS_USER" "$ISORUN" "$@"
}

# host_uid PID / host_gid PID: as the host's ps shows them.
host_uid() {
	ps -o uid= -p "$1" | tr -d ' '
}

host_gid() {
	ps -o gid= -p "$1" | tr -d ' '
}

# map_line TEXT: "inside outside count" of a uid_map line, spaces squeezed
map_line() {
	local inside outside count
	read -r inside outside count <<<"$1"
	echo "$inside $outside $count"
}

assert_user_has_no_processes() {
	local left
	left=$(ps -o pid=,args= -u "$RL_UID" || true)
	[ -z "$left" ] || fail "processes of $RL_USER left: $left"
}

@test "rootless run: spec --rootless as is maps the user's own ids directly; state under XDG_RUNTIME_DIR" {
	set_cmd 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -g'
	rl run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$(map_line "${lines[0]}")" "0 $RL_UID 1"
	assert_equal "$(map_line "${lines[1]}")" "0 $RL_GID 1"
	# the kernel lets the user write its own gid map only with setgroups denied
	assert_equal "${lines[2]}" deny
	assert_equal "${lines[3]}" 0
	assert_equal "${lines[4]}" 0
	# one warning: no cgroup
	assert_equal "${#stderr_lines[@]}" 1
	assert_stderr_contains "no cgroup"
	# the default --root of a user: $XDG_RUNTIME_DIR/isorun, the user's
	[ -d "$ROOT" ] || fail "no state directory $ROOT"
	assert_equal "$(stat -c %u "$ROOT")" "$RL_UID"
	assert_user_has_no_processes
	assert_no_leftovers
}

@test "rootless run: the spec --rootless config runs with its terminal, unchanged" {
	rm -f "$BUNDLE/config.json"
	"$AS_USER" "$ISORUN" spec --rootless --bundle "$BUNDLE"
	jq -e '.process.terminal == true and .process.args == ["sh"]' "$BUNDLE/config.json" >/dev/null ||
		fail "spec --rootless changed: $(jq -c .process "$BUNDLE/config.json")"
	# run holds the pty itself; sh reads "exit 5" from it
	printf 'exit 5\n' >"$BATS_TEST_TMPDIR/in"
	iso_run --in "$BATS_TEST_TMPDIR/in" "$AS_USER" "$ISORUN" run --bundle "$BUNDLE" "$CTR"
	assert_status 5
	assert_user_has_no_processes
	assert_no_leftovers
}

@test "rootless lifecycle: create, state, list, start, kill, delete; the init is the user's and not dumpable" {
	set_args /bin/sleep 600
	rl create --bundle "$BUNDLE" "$CTR"
	assert_success
	local pid
	pid=$(ctr_pid "$CTR")
	assert_equal "$(ctr_status "$CTR")" created
	assert_equal "$(host_uid "$pid")" "$RL_UID"
	# Waiting for start, the init is still the runtime's image: non-dumpable again once its
	# maps were written, so its /proc files are the host root's and the user cannot read them.
	assert_equal "$(stat -c %u "/proc/$pid/environ")" 0
	iso_run "$AS_USER" cat "/proc/$pid/environ"
	assert_failure
	rl list -q
	assert_success
	assert_equal "$output" "$CTR"
	# ... nor enter it: exec says so, as runc's clients read a refused exec (255)
	rl exec "$CTR" /bin/true
	assert_status 255
	assert_one_line_error "start it first"
	rl start "$CTR"
	assert_success
	wait_for_status "$CTR" running
	# the user's program, exec'd: the user's process, from the host too
	retry 50 0.1 test "$(stat -c %u "/proc/$pid/environ")" = "$RL_UID" ||
		fail "/proc/$pid/environ is not the user's"
	[ ! "/proc/$pid/ns/user" -ef /proc/self/ns/user ] || fail "the container shares the host's user namespace"
	rl kill "$CTR" KILL
	assert_success
	wait_for_status "$CTR" stopped
	rl delete "$CTR"
	assert_success
	[ ! -e "$ROOT/$CTR" ] || fail "the state directory is left"
	assert_user_has_no_processes
	assert_no_leftovers
}

@test "rootless exec: in every namespace of the container as its root; status, --detach, ps, kill --all" {
	set_args /bin/sleep 600
	rl run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	wait_for_status "$CTR" running
	local init pid ns
	init=$(ctr_pid "$CTR")
	rl exec "$CTR" /bin/sh -c 'id -u; cat /proc/self/uid_map; exit 3'
	assert_status 3
	assert_equal "${lines[0]}" 0
	assert_equal "$(map_line "${lines[1]}")" "0 $RL_UID 1"
	rl exec --detach --pid-file "$RL_XDG/exec.pid" "$CTR" /bin/sleep 600
	assert_success
	pid=$(cat "$RL_XDG/exec.pid")
	for ns in user pid mnt ipc uts; do
		[ "/proc/$pid/ns/$ns" -ef "/proc/$init/ns/$ns" ] || fail "not in the container's $ns namespace"
	done
	assert_equal "$(host_uid "$pid")" "$RL_UID"
	# no cgroup: ps finds the container's processes by its pid namespace
	rl ps --format json "$CTR"
	assert_success
	assert_equal "$(jq -c 'sort' <<<"$output")" "$(jq -nc --argjson a "$init" --argjson b "$pid" '[$a, $b] | sort')"
	rl kill --all "$CTR" KILL
	assert_success
	wait_for_status "$CTR" stopped
	retry 50 0.1 eval '! host_pid_alive "$pid"' || fail "kill --all left the exec'd process $pid"
	rl delete "$CTR"
	assert_success
	assert_user_has_no_processes
	assert_no_leftovers
}

@test "rootless bind mount: a directory the user owns is read and written from the container" {
	echo from-host >"$SHARED/in"
	chown "$RL_UID:$RL_GID" "$SHARED/in"
	bind_shared
	set_cmd 'cat /shared/in; echo from-container >/shared/out'
	rl run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "$output" from-host
	assert_equal "$(cat "$SHARED/out")" from-container
	assert_equal "$(stat -c %u:%g "$SHARED/out")" "$RL_UID:$RL_GID"
	assert_no_leftovers
}

@test "rootless newuidmap: subordinate ranges map through newuidmap/newgidmap; the host sees those ids" {
	update_config --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson su "$RL_SUBUID" \
		--argjson sg "$RL_SUBGID" '
		.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1},
		                      {containerID: 1, hostID: $su, size: 65536}] |
		.linux.gidMappings = [{containerID: 0, hostID: $g, size: 1},
		                      {containerID: 1, hostID: $sg, size: 65536}] |
		.process.user = {uid: 1000, gid: 1000, additionalGids: [1001]}'
	set_cmd 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -G; exec sleep 600'
	rl run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	wait_for_content "$run_out" "1000 1001"
	mapfile -t lines <"$run_out"
	assert_equal "$(map_line "${lines[0]}")" "0 $RL_UID 1"
	assert_equal "$(map_line "${lines[1]}")" "1 $RL_SUBUID 65536"
	assert_equal "$(map_line "${lines[2]}")" "0 $RL_GID 1"
	assert_equal "$(map_line "${lines[3]}")" "1 $RL_SUBGID 65536"
	# newgidmap leaves setgroups allowed: additionalGids work
	assert_equal "${lines[4]}" allow
	local pid
	pid=$(ctr_pid "$CTR")
	# container uid 1000 is subordinate id 999 past the range's start
	assert_equal "$(host_uid "$pid")" "$((RL_SUBUID + 999))"
	assert_equal "$(host_gid "$pid")" "$((RL_SUBGID + 999))"
	rl delete --force "$CTR"
	assert_success
	assert_user_has_no_processes
	assert_no_leftovers
}

@test "rootless network: a new network namespace has lo up and nothing else" {
	update_config '.linux.namespaces += [{type: "network"}]'
	set_cmd 'ip -o link show; ip -o addr show lo'
	rl run --bundle "$BUNDLE" "$CTR"
	assert_success
	# one link, lo, up; then its addresses
	[[ "${lines[0]}" == "1: lo: <"*"UP"* ]] || fail "lo is not the first link, or not up: ${lines[0]}"
	[[ "${lines[1]}" == *" lo "*"inet 127.0.0.1/8"* ]] || fail "no other link expected: ${lines[1]}"
	assert_no_leftovers
}

# refused CASE-NAME MESSAGE: create as the user fails with one line containing MESSAGE, and
# nothing is left: no state, no process, no mount.
refused() {
	echo "case $1:" >&2
	rl create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "$2"
	[ ! -e "$ROOT/$CTR" ] || fail "state directory left"
	assert_user_has_no_processes
	assert_no_leftovers
}

@test "rootless bad input: each is one line naming the field, and nothing is left behind" {
	set_args /bin/sleep 600
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/good.json"
	reset_config() { cp "$BATS_TEST_TMPDIR/good.json" "$BUNDLE/config.json"; }

	# no XDG_RUNTIME_DIR and no --root: say what to set, make nothing
	RL_XDG="" refused no-xdg 'XDG_RUNTIME_DIR is not set'
	[ -z "$(ls -A "$RL_XDG")" ] || fail "something was made in $RL_XDG: $(ls -A "$RL_XDG")"
	update_config '.linux.namespaces += [{type: "network"}] | .annotations = {"io.isorun.net.veth": "rlveth0"}'
	refused veth 'annotations["io.isorun.net.veth"]: needs root'
	reset_config
	update_config '.linux.netDevices = {"lo": {}}'
	refused netDevices 'linux.netDevices: moving a host interface needs root'
	reset_config
	update_config '.linux.resources = {pids: {limit: 100}}'
	refused resources 'linux.resources.pids: the container has no cgroup'
	reset_config
	update_config '.linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings)'
	refused no-userns 'linux.namespaces: running without root needs a new user namespace'
	# ids that are neither the user's own nor in its ranges: newuidmap refuses
	reset_config
	update_config --argjson u "$RL_UID" '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1},
		{containerID: 1, hostID: 3000000000, size: 1000}]'
	refused uid-range 'linux.uidMappings: newuidmap refused the mapping'
	reset_config
	update_config --argjson g "$RL_GID" '.linux.gidMappings = [{containerID: 0, hostID: $g, size: 1},
		{containerID: 1, hostID: 3000000000, size: 1000}]'
	refused gid-range 'linux.gidMappings: newgidmap refused the mapping'
	reset_config
	update_config '.linux.uidMappings[0].hostID = 0'
	refused uid-root 'linux.uidMappings: newuidmap refused the mapping'
	# no newuidmap on PATH
	reset_config
	update_config --argjson su "$RL_SUBUID" '.linux.uidMappings += [{containerID: 1, hostID: $su, size: 10}]'
	RL_PATH=/nonexistent refused no-newuidmap 'linux.uidMappings: mapping more than your own id'
	# and the same config is fine
	reset_config
	rl create --bundle "$BUNDLE" "$CTR"
	assert_success
	rl delete --force "$CTR"
	assert_success
}

@test "rootless without systemd cgroups: pause, resume, update and events --stats say why in one line; ps and kill --all work" {
	set_args /bin/sleep 600
	rl run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	# the one warning says what would give the container a cgroup
	assert_stderr_contains "no cgroup"
	assert_stderr_contains "--systemd-cgroup gives it one"
	wait_for_status "$CTR" running
	local verb
	for verb in pause resume "update --pids-limit 10" "events --stats"; do
		# shellcheck disable=SC2086
		rl $verb "$CTR"
		assert_one_line_error "${verb%% *}: container \"$CTR\" has no cgroup (rootless: create it with --systemd-cgroup"
	done
	assert_equal "$(ctr_status "$CTR")" running
	rl ps --format json "$CTR"
	assert_success
	assert_equal "$(jq -c . <<<"$output")" "[$(ctr_pid "$CTR")]"
	rl kill --all "$CTR" KILL
	assert_success
	wait_for_status "$CTR" stopped
	rl delete "$CTR"
	assert_success
	assert_user_has_no_processes
	assert_no_leftovers
}

@test "rootless --systemd-cgroup where cgroup v1 hierarchies are mounted: one line, nothing left" {
	[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] ||
		skip "a pure cgroup v2 host (the VM's rootless_systemd.bats runs it there)"
	set_args /bin/sleep 600
	iso_run "$AS_USER" "$ISORUN" --systemd-cgroup create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "the systemd cgroup manager when not root needs a pure cgroup v2 host"
	[ ! -e "$ROOT/$CTR" ] || fail "state directory left"
	assert_user_has_no_processes
	assert_no_leftovers
}

# ---------------------------------------------------------------------------------------------
# rootless podman

@test "rootless podman: run and exec with --runtime isorun, --network none, --cgroups disabled" {
	command -v podman >/dev/null || skip "podman is not installed"
	local P="$RL_HOME/podman-$BATS_TEST_NUMBER"
	mkdir -p "$P"
	tar -C "$ISO_ROOTFS_CACHE" -cf "$P/rootfs.tar" .
	sed -e "s|^  \"/usr/local/bin/isorun\",|  \"$ISORUN\",|" \
		"$ISORUN_SRCDIR/contrib/podman/isorun.conf" >"$P/containers.conf"
	cat >>"$P/containers.conf" <<-'EOF'

		[containers]
		# the hard rlimits of this machine are lower than podman's defaults (HOST.md)
		default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
	EOF
	chown -R "$RL_UID:$RL_GID" "$P"
	# pm ARGS...: rootless podman, its storage in the user's home, its state in RL_XDG
	cat >"$P/pm" <<-EOF
		#!/bin/sh
		cd $P || exit 1
		exec $AS_USER env CONTAINERS_CONF=$P/containers.conf podman --root $P/storage \\
			--runroot $RL_XDG/containers --tmpdir $RL_XDG/podman-tmp --storage-driver vfs \\
			--cgroup-manager cgroupfs --events-backend file --runtime isorun "\$@"
	EOF
	chmod 0755 "$P/pm"
	iso_run "$P/pm" import --quiet --change 'ENV PATH=/bin' "$P/rootfs.tar" localhost/isorun-rl:1
	assert_success
	iso_run --timeout 120 "$P/pm" run --rm --network none --cgroups disabled localhost/isorun-rl:1 \
		sh -c 'cat /proc/self/uid_map; ls /sys/class/net'
	assert_success
	# podman's own user namespace (newuidmap: the user and its ranges), which isorun runs in
	assert_equal "$(map_line "${lines[0]}")" "0 $RL_UID 1"
	assert_equal "$(map_line "${lines[1]}")" "1 $RL_SUBUID 65536"
	assert_equal "${lines[2]}" lo
	iso_run --timeout 120 "$P/pm" run -d --name "$CTR" --network none --cgroups disabled \
		localhost/isorun-rl:1 sleep 600
	assert_success
	iso_run "$P/pm" exec "$CTR" id -u
	assert_success
	assert_equal "$output" 0
	local pid
	pid=$("$P/pm" inspect -f '{{.State.Pid}}' "$CTR")
	assert_equal "$(host_uid "$pid")" "$RL_UID"
	# isorun's state: where runc's rule puts it for root of a user namespace that is not root
	[ -d "$ROOT/$("$P/pm" inspect -f '{{.Id}}' "$CTR")" ] || fail "no isorun state under $ROOT"
	iso_run --timeout 120 "$P/pm" rm -f -t 0 "$CTR"
	assert_success
	# podman's pause process holds its user namespace between commands: it is podman's, not
	# the runtime's
	local f
	for f in $(find "$RL_XDG" -name pause.pid); do
		kill -KILL "$(cat "$f")" 2>/dev/null || true
	done
	retry 50 0.1 assert_user_has_no_processes
	rm -rf --one-file-system "$P"
	assert_no_leftovers
}
