#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The tenant layer: `isorun tenant base|add|run|list|show|delete` over a private --tenant-root,
# the fixture packages of bundles/ (built by `make`), the overlay root the runtime mounts inside
# the container (io.isorun.rootfs.* annotations), and bad packages leaving nothing behind.

load helpers
load tenant_helpers

setup() {
	tenant_setup
	for p in hello_container persist_test cap_test ipc_test seccomp_test simple_test; do
		[ -x "$ISO_PACKAGES/$p/progs/install_deps.sh" ] || fail "bundles/$p: not built"
	done
	[ -x "$ISO_PACKAGES/hello_container/progs/hello" ] ||
		fail "bundles/hello_container/progs/hello missing: run make first"
	BROKER_PID=
	OWN_SUBIDS=
}

teardown() {
	local rc=0
	if [ -n "$BROKER_PID" ]; then
		kill "$BROKER_PID" 2>/dev/null || true
		wait "$BROKER_PID" 2>/dev/null || true
	fi
	if [ -n "${OWN_SUBIDS:-}" ]; then
		umount /etc/subuid /etc/subgid || rc=1
		[ "$OWN_SUBIDS" != overlay ] || umount /etc || rc=1
	fi
	iso_teardown || rc=1
	rm -rf --one-file-system "$TROOT" "$PKGS"
	return $rc
}

# ---------------------------------------------------------------------------------------------
# base

@test "tenant base: busybox lower layer with applets and mount points, rebuilt atomically" {
	make_base
	[ -x "$TROOT/base/bin/busybox" ] || fail "no bin/busybox"
	[ "$(readlink "$TROOT/base/bin/sh")" = busybox ] || fail "bin/sh is not an applet link"
	[ ! -L "$TROOT/base/bin/busybox" ] || fail "bin/busybox was replaced by a link"
	for d in proc sys dev tmp home etc; do
		[ -d "$TROOT/base/$d" ] || fail "base/$d missing"
	done
	grep -q '^root:x:0:0:' "$TROOT/base/etc/passwd"
	touch "$TROOT/base/stale"
	make_base
	[ ! -e "$TROOT/base/stale" ] || fail "the base was not rebuilt"
	[ ! -e "$TROOT/base.new" ] || fail "base.new left behind"
}

@test "tenant base: --from DIR and --from TARBALL; a missing source fails and keeps the base" {
	local src="$BATS_TEST_TMPDIR/src"
	mkdir -p "$src/bin" "$src/etc"
	echo marker-dir >"$src/etc/marker"
	tenant base --from "$src"
	assert_success
	assert_equal "$(cat "$TROOT/base/etc/marker")" marker-dir
	[ -d "$TROOT/base/proc" ] || fail "mount points not added"
	echo marker-tar >"$src/etc/marker"
	tar -cf "$BATS_TEST_TMPDIR/src.tar" -C "$src" .
	tenant base --from "$BATS_TEST_TMPDIR/src.tar"
	assert_success
	assert_equal "$(cat "$TROOT/base/etc/marker")" marker-tar
	tenant base --from "$BATS_TEST_TMPDIR/nope"
	assert_error "nope"
	assert_equal "$(cat "$TROOT/base/etc/marker")" marker-tar
	[ ! -e "$TROOT/base.new" ] || fail "base.new left behind"
}

@test "tenant base: refused while tenants use it (unless --force) and while one runs" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	tenant base
	assert_one_line_error "in use by 1 tenant"
	"$ISORUN" --root "$ROOT" tenant --tenant-root "$TROOT" run "$TID" -- /bin/sleep 30 \
		</dev/null >/dev/null 2>&1 3>&- &
	local bg=$!
	wait_for_status "$TID" running
	tenant base --force
	assert_one_line_error "tenant $TID is running"
	[ -x "$TROOT/base/bin/busybox" ] || fail "the base was touched"
	tenant delete --force "$TID"
	assert_success
	wait "$bg" || true
	tenant base --force
	assert_success
}

# ---------------------------------------------------------------------------------------------
# add: the registry, the tenant's directories and its bundle

@test "tenant add hello_container: tid printed, registry entry, layers, home from progs/" {
	make_base
	add_pkg "$ISO_PACKAGES/hello_container"
	assert_equal "$(registry_count)" 1
	assert_equal "$(jq -r --arg t "$TID" '.tenants[] | select(.tid == $t) | .cname' "$TROOT/tenants.json")" hello_container
	assert_equal "$(jq -r '.tenants[0].package' "$TROOT/tenants.json")" "$ISO_PACKAGES/hello_container"
	assert_equal "$(jq -r '.tenants[0].bundle' "$TROOT/tenants.json")" "$TROOT/tenants/$TID/bundle"
	for d in bundle upper work home rootfs; do
		[ -d "$TROOT/tenants/$TID/$d" ] || fail "tenants/$TID/$d missing"
	done
	[ ! -e "$TROOT/tenants/$TID/.adding" ] || fail ".adding left"
	cmp "$ISO_PACKAGES/hello_container/progs/hello" "$TROOT/tenants/$TID/home/hello"
	[ -x "$TROOT/tenants/$TID/home/install_deps.sh" ] || fail "install_deps.sh not copied"
	# install_deps.sh ran in configure mode: its trace is in the upper layer, not in the base
	[ -f "$TROOT/tenants/$TID/upper/etc/hello_container.installed" ] || fail "dependencies did not run"
	[ ! -e "$TROOT/base/etc/hello_container.installed" ] || fail "configure mode wrote to the base"
	[ -z "$(ls -A "$TROOT/tenants/$TID/rootfs")" ] || fail "the overlay mount point is not empty on the host"
}

@test "tenant add: the bundle's config.json (overlay root, hostname, mounts, caps, seccomp)" {
	make_base
	add_pkg "$ISO_PACKAGES/hello_container"
	assert_equal "$(cfg .hostname)" "$TID"
	assert_equal "$(cfg .root.path)" "$TROOT/tenants/$TID/rootfs"
	assert_equal "$(cfg '.annotations["io.isorun.rootfs.lower"]')" "$TROOT/base"
	assert_equal "$(cfg '.annotations["io.isorun.rootfs.upper"]')" "$TROOT/tenants/$TID/upper"
	assert_equal "$(cfg '.annotations["io.isorun.rootfs.work"]')" "$TROOT/tenants/$TID/work"
	assert_equal "$(cfg '[.linux.namespaces[].type] | sort | join(",")')" "ipc,mount,network,pid,user,uts"
	assert_equal "$(cfg '.process.args | join(" ")')" "/home/hello"
	assert_equal "$(cfg '.mounts[] | select(.destination == "/home") | .source')" "$TROOT/tenants/$TID/home"
	assert_equal "$(cfg '.mounts[] | select(.destination == "/tmp") | .type')" tmpfs
	assert_equal "$(cfg '.mounts[] | select(.destination == "/tmp/tenant_ipc") | .source')" "$TROOT/ipc"
	assert_equal "$(cfg '.mounts[] | select(.destination == "/tmp/tenant_ipc") | .options | index("ro") != null')" true
	assert_equal "$(cfg .process.noNewPrivileges)" true
	assert_equal "$(cfg '.process.capabilities.bounding | index("CAP_SYS_ADMIN")')" null
	assert_equal "$(cfg '.process.capabilities.bounding | index("CAP_SYS_BOOT")')" null
	assert_equal "$(cfg '.process.capabilities.effective | length <= 8')" true
	assert_equal "$(cfg .linux.seccomp.defaultAction)" SCMP_ACT_KILL_PROCESS
	assert_equal "$(cfg '.linux.seccomp.syscalls[0].names | index("uname") != null')" true
	# no resources in the package: the defaults of `isorun spec` (a fork bomb or a balloon
	# must not take the host)
	assert_equal "$(cfg .linux.resources.pids.limit)" 2048
	assert_equal "$(cfg .linux.resources.memory.limit)" $((1024 * 1024 * 1024))
	assert_equal "$(cfg .linux.resources.memory.swap)" $((1024 * 1024 * 1024))
	assert_equal "$(cfg .linux.cgroupsPath)" "/isorun/tenant-$TID"
}

@test "tenant add: resources, network annotations and seccomp profile in config.json" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	assert_equal "$(cfg .linux.resources.memory.limit)" $((64 * 1024 * 1024))
	assert_equal "$(cfg .linux.resources.cpu.quota)" 50000
	assert_equal "$(cfg .linux.resources.cpu.period)" 100000
	assert_equal "$(cfg .linux.resources.pids.limit)" 64
	assert_equal "$(cfg '.process.args | join(" ")')" "/home/simple_test with args"
	assert_equal "$(cfg '.annotations | keys | map(select(startswith("io.isorun.net."))) | length')" 0
	# seccomp mode "default" (absent): isorun's default profile (Docker form), converted for the
	# tenant's own capabilities, exactly as `isorun seccomp convert` does for that config
	local want=$ISORUN_SRCDIR/contrib/seccomp/default.json
	"$ISORUN" seccomp convert --config "$TROOT/tenants/$TID/bundle/config.json" "$want" \
		>"$BATS_TEST_TMPDIR/want.json" || fail "seccomp convert failed"
	assert_equal "$(cfg .linux.seccomp.defaultAction)" SCMP_ACT_ERRNO
	cmp <(jq -S . "$BATS_TEST_TMPDIR/want.json") <(cfg .linux.seccomp | jq -S .) ||
		fail "the default profile is not the converted one"
	# a cap-gated rule of the profile (CAP_SYS_ADMIN: mount...) is not there for a tenant
	! cfg '.linux.seccomp.syscalls[].names[]' | grep -qx mount || fail "mount allowed for a tenant"
	local pkg
	pkg=$(copy_pkg simple_test net_test)
	edit_pkg "$pkg" '.cname = "net_test" | .network = {mode: "veth", address: "10.200.0.2/24",
		host_address: "10.200.0.1/24", gateway: "10.200.0.1", mtu: 1400} | del(.dependencies)'
	add_pkg "$pkg"
	assert_equal "$(cfg '.annotations["io.isorun.net.veth"]')" "ti${TID:0:13}"
	assert_equal "$(cfg '.annotations["io.isorun.net.address"]')" 10.200.0.2/24
	assert_equal "$(cfg '.annotations["io.isorun.net.host-address"]')" 10.200.0.1/24
	assert_equal "$(cfg '.annotations["io.isorun.net.gateway"]')" 10.200.0.1
	assert_equal "$(cfg '.annotations["io.isorun.net.mtu"]')" 1400
	assert_equal "$(cfg '.annotations["io.isorun.net.bridge"]')" null
	edit_pkg "$pkg" '.network = {mode: "bridge", address: "10.201.0.2/24", bridge: "br-iso"}'
	add_pkg "$pkg"
	assert_equal "$(cfg '.annotations["io.isorun.net.bridge"]')" br-iso
	add_pkg "$ISO_PACKAGES/seccomp_test"
	assert_equal "$(cfg .linux.seccomp.defaultAction)" SCMP_ACT_KILL_PROCESS
	assert_equal "$(cfg '.linux.seccomp.syscalls[0].names | index("socket")')" null
	edit_pkg "$pkg" '.seccomp = {mode: "none"} | .network = {mode: "none"}'
	add_pkg "$pkg"
	assert_equal "$(cfg .linux.seccomp)" null
}

# ---------------------------------------------------------------------------------------------
# run

@test "tenant run hello_container: the seed's three lines, with the tid as hostname" {
	make_base
	add_pkg "$ISO_PACKAGES/hello_container"
	snapshot_host_state
	tenant run "$TID"
	assert_success
	assert_equal "${lines[0]}" "hello from sandbox"
	assert_equal "${lines[1]}" "PID in sandbox: 1"
	assert_equal "${lines[2]}" "hostname in sandbox: $TID"
	assert_stderr_contains "child exit status: successful"
	assert_no_leftovers
	# hello_container's allowlist (its package's seccomp.json) is for hello only
	tenant run "$TID" -- /bin/sh -c 'echo shell'
	assert_status $((128 + 31))
	assert_output_not_contains shell
	# the overlay lived only in the container's mount namespace
	! grep -q "$TROOT/tenants/$TID/rootfs" /proc/self/mountinfo || fail "overlay mounted on the host"
	[ -z "$(ls -A "$TROOT/tenants/$TID/rootfs")" ] || fail "rootfs not empty on the host"
}

@test "tenant run: root is the overlay, /home the persistent dir, /tmp a tmpfs, ipc read-only" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	tenant run "$TID" -- /bin/sh -c 'grep -E " / | /home | /tmp | /tmp/tenant_ipc " /proc/self/mountinfo
		touch /tmp/tenant_ipc/x 2>&1 || echo "ipc not writable"
		cat /proc/self/status | grep CapEff'
	assert_success
	assert_output_contains " / / "
	# The lower layer is the idmapped base, mounted onto root.path under the overlay.
	[[ "$output" == *"- overlay overlay "*"lowerdir=$TROOT/tenants/$TID/rootfs,"* ]] ||
		fail "root is not the overlay over the idmapped base"
	assert_output_contains " /home "
	[[ "$output" == *" /tmp "*"- tmpfs "* ]] || fail "/tmp is not a tmpfs"
	assert_output_contains "ipc not writable"
	assert_output_contains "CapEff:	$(cap_mask CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID CAP_NET_BIND_SERVICE)"
}

@test "tenant run: exit codes and signals are reported as the seed did" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	tenant run "$TID" -- /bin/sh -c 'exit 7'
	assert_status 7
	assert_stderr_contains "child exit status: exit code 7"
	# pid 1 of a pid namespace cannot be killed from inside: kill it from the host
	iso_run --timeout 5 isorun tenant --tenant-root "$TROOT" run "$TID" -- /bin/sh -c 'kill -KILL $$; echo survived'
	assert_success
	assert_output_contains survived
	"$ISORUN" --root "$ROOT" tenant --tenant-root "$TROOT" run "$TID" -- /bin/sleep 30 \
		</dev/null >"$BATS_TEST_TMPDIR/bg.out" 2>&1 3>&- &
	local bg=$! st=0
	wait_for_status "$TID" running
	isorun kill "$TID" KILL
	wait "$bg" || st=$?
	assert_equal "$st" 137
	grep -q "child exit status: killed by SIGKILL" "$BATS_TEST_TMPDIR/bg.out" ||
		fail "$(cat "$BATS_TEST_TMPDIR/bg.out")"
	tenant run 0123456789abcdef0123456789abcdef
	assert_one_line_error "tenant 0123456789abcdef0123456789abcdef does not exist"
	tenant run ../../etc
	assert_one_line_error "is not a tenant id"
}

@test "tenant run: passes on the caller's signals as run does (SIGALRM reaches the program)" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	local out="$BATS_TEST_TMPDIR/bg.out" bg st=0
	"$ISORUN" --root "$ROOT" tenant --tenant-root "$TROOT" run "$TID" -- /bin/sh -c \
		'trap "echo got ALRM; exit 3" ALRM; echo ready; while :; do sleep 0.05; done' \
		</dev/null >"$out" 2>&1 3>&- &
	bg=$!
	wait_for_content "$out" ready
	kill -ALRM "$bg"
	wait "$bg" || st=$?
	assert_equal "$st" 3
	grep -q "got ALRM" "$out" || fail "$(cat "$out")"
	grep -q "child exit status: exit code 3" "$out" || fail "$(cat "$out")"
	assert_no_leftovers
}

@test "tenant bundle runs with plain isorun run -b too" {
	make_base
	add_pkg "$ISO_PACKAGES/hello_container"
	iso_run isorun run -b "$TROOT/tenants/$TID/bundle" "$CTR"
	assert_success
	assert_equal "${lines[0]}" "hello from sandbox"
	assert_equal "${lines[2]}" "hostname in sandbox: $TID"
}

@test "persist_test: /home persists across runs" {
	make_base
	add_pkg "$ISO_PACKAGES/persist_test"
	tenant run "$TID"
	assert_success
	assert_output_contains "run 1: wrote /home/persist.txt"
	tenant run "$TID"
	assert_success
	assert_output_contains "run 2: found /home/persist.txt from an earlier run"
	assert_equal "$(cat "$TROOT/tenants/$TID/home/persist.txt")" "runs: 2"
}

@test "cap_test: mount() and reboot() fail in a tenant, and in configure mode too" {
	make_base
	add_pkg "$ISO_PACKAGES/cap_test"
	tenant run "$TID"
	assert_success
	assert_output_contains "mount: Operation not permitted"
	assert_output_contains "reboot: Operation not permitted"
	assert_output_contains "cap_test: passed"
	# configure mode runs what the package wrote: no CAP_SYS_ADMIN or CAP_SYS_BOOT there either
	tenant run "$TID" --configure -- /home/cap_test
	assert_success
	assert_output_contains "mount: Operation not permitted"
	assert_output_contains "reboot: Operation not permitted"
	assert_output_contains "cap_test: passed"
}

@test "seccomp_test: killed by its package's allowlist profile; configure mode has the default one" {
	make_base
	add_pkg "$ISO_PACKAGES/seccomp_test"
	tenant run "$TID"
	assert_status $((128 + 31))
	assert_output_contains "calling socket(AF_INET6)"
	assert_output_not_contains "not killed"
	assert_stderr_contains "child exit status: killed by SIGSYS"
	tenant run "$TID" --configure -- /home/seccomp_test
	assert_status 1
	assert_output_contains "not killed"
	tenant run "$TID" --configure -- /bin/grep Seccomp: /proc/self/status
	assert_success
	assert_output_contains "Seccomp:	2"
}

@test "ipc_test: receives a file descriptor from the host broker through /tmp/tenant_ipc" {
	make_base
	add_pkg "$ISO_PACKAGES/ipc_test"
	echo "secret from the host" >"$BATS_TEST_TMPDIR/handed.txt"
	"${ISORUN_BUILDDIR:-$ISORUN_SRCDIR}/contrib/broker/isorun-broker" "$TROOT/ipc/broker.sock" \
		"$BATS_TEST_TMPDIR/handed.txt" >"$BATS_TEST_TMPDIR/broker.log" 2>&1 3>&- &
	BROKER_PID=$!
	wait_for_file "$TROOT/ipc/broker.sock"
	tenant run "$TID"
	assert_success
	assert_output_contains "Got file handle"
	assert_output_contains "read through it: secret from the host"
	kill "$BROKER_PID"
	wait "$BROKER_PID" || true
	BROKER_PID=
	[ ! -e "$TROOT/ipc/broker.sock" ] || fail "the broker left its socket"
	tenant run "$TID"
	assert_status 1
	assert_output_not_contains "Got file handle"
}

@test "configure mode: host network, changes land in the upper layer and persist; base untouched" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	tenant run "$TID" --configure -- /bin/sh -c 'echo configured >/etc/configured; ls /sys/class/net'
	assert_success
	# the host's interfaces, to download packages with
	assert_equal "$(sort <<<"$output")" "$(ls /sys/class/net | sort)"
	[ -f "$TROOT/tenants/$TID/upper/etc/configured" ] || fail "not in the upper layer"
	[ ! -e "$TROOT/base/etc/configured" ] || fail "configure mode wrote into the base"
	tenant run "$TID" -- /bin/sh -c 'cat /etc/configured; ls /sys/class/net'
	assert_success
	assert_equal "${lines[0]}" configured
	assert_equal "${lines[1]}" lo
	# an interactive shell by default: commands on stdin
	echo 'echo from-stdin-shell; hostname' >"$BATS_TEST_TMPDIR/in"
	iso_run --in "$BATS_TEST_TMPDIR/in" isorun tenant --tenant-root "$TROOT" run "$TID" --configure
	assert_success
	assert_output_contains "from-stdin-shell"
	assert_output_contains "$TID"
}

@test "configure mode never runs without a seccomp filter: no profile, no tenant" {
	make_base
	snapshot_host_state
	PKG=$(copy_pkg hello_container nofilter)
	# the package needs no default profile itself; its dependencies do
	edit_pkg "$PKG" '.seccomp = {mode: "none"}'
	printf '#!/bin/sh\ntouch /home/ran\n' >"$PKG/progs/install_deps.sh"
	local before_dirs
	before_dirs=$(tenant_dirs)
	tenant add --default-seccomp "$BATS_TEST_TMPDIR/missing.json" "$PKG"
	assert_one_line_error "configure mode: isorun's default seccomp profile"
	assert_stderr_contains "missing.json"
	assert_equal "$(tenant_dirs)" "$before_dirs"
	assert_equal "$(registry_count)" 0
	assert_no_leftovers
}

@test "configure mode on a terminal: an interactive shell" {
	command -v script >/dev/null || skip "script(1) not found (Debian package bsdutils)"
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	# script(1) gives the runtime a terminal; the shell gets it as its stdin and prompts
	echo 'echo "interactive=$-"; exit 3' >"$BATS_TEST_TMPDIR/typed"
	iso_run --timeout 20 --in "$BATS_TEST_TMPDIR/typed" \
		script -qfec "$ISORUN --root $ROOT tenant --tenant-root $TROOT run $TID --configure" /dev/null
	assert_status 3
	assert_output_contains "/home # "
	[[ "$output" == *interactive=*i* ]] || fail "the shell is not interactive"
	assert_output_contains "child exit status: exit code 3"
}

# ---------------------------------------------------------------------------------------------
# list, show, delete

@test "tenant list (table and json) and show" {
	make_base
	tenant list --format json
	assert_success
	assert_equal "$output" "[]"
	add_pkg "$ISO_PACKAGES/hello_container"
	local t1=$TID
	add_pkg "$ISO_PACKAGES/persist_test"
	tenant list
	assert_success
	assert_output_contains "TID"
	assert_output_contains "$t1"
	assert_output_contains "hello_container"
	assert_output_contains "persist_test"
	tenant list --format json
	assert_success
	assert_equal "$(jq length <<<"$output")" 2
	assert_equal "$(jq -r --arg t "$t1" '.[] | select(.tid == $t) | .status' <<<"$output")" stopped
	tenant show "$t1"
	assert_success
	assert_equal "$(jq -r .cname <<<"$output")" hello_container
	assert_equal "$(jq -r .upper <<<"$output")" "$TROOT/tenants/$t1/upper"
	tenant list --format yaml
	assert_one_line_error "--format must be table or json"
}

@test "--tenant-root before tenant, where --root goes, works as after it" {
	make_base
	add_pkg "$ISO_PACKAGES/hello_container"
	iso_run "$ISORUN" --root "$ROOT" --tenant-root "$TROOT" tenant list --format json
	assert_success
	assert_equal "$(jq -r '.[0].tid' <<<"$output")" "$TID"
	iso_run "$ISORUN" --tenant-root "$TROOT" --root "$ROOT" tenant show "$TID"
	assert_success
	assert_equal "$(jq -r .cname <<<"$output")" hello_container
	# After tenant, the later one wins: an empty store lists nothing.
	iso_run "$ISORUN" --root "$ROOT" --tenant-root "$TROOT" tenant \
		--tenant-root "$BATS_TEST_TMPDIR/other" list --format json
	assert_success
	assert_equal "$output" "[]"
	rm -rf "$BATS_TEST_TMPDIR/other"
	# Not an option of the other verbs: said so, not ignored.
	iso_run "$ISORUN" --root "$ROOT" --tenant-root "$TROOT" list
	assert_one_line_error "--tenant-root is an option of tenant"
}

@test "tenant delete: removes registry entry and every directory" {
	make_base
	add_pkg "$ISO_PACKAGES/hello_container"
	local keep=$TID
	add_pkg "$ISO_PACKAGES/persist_test"
	tenant run "$TID"
	assert_success
	tenant delete "$TID"
	assert_success
	assert_equal "$(registry_count)" 1
	[ ! -e "$TROOT/tenants/$TID" ] || fail "tenants/$TID left"
	assert_equal "$(jq -r '.tenants[0].tid' "$TROOT/tenants.json")" "$keep"
	tenant delete "$TID"
	assert_one_line_error "does not exist"
	tenant run "$keep"
	assert_success
}

@test "tenant delete: refuses a running tenant without --force; --force kills and removes it" {
	make_base
	add_pkg "$ISO_PACKAGES/simple_test"
	"$ISORUN" --root "$ROOT" tenant --tenant-root "$TROOT" run "$TID" -- /bin/sleep 60 \
		</dev/null >"$BATS_TEST_TMPDIR/bg.out" 2>&1 3>&- &
	local bg=$!
	wait_for_status "$TID" running
	tenant list --format json
	assert_equal "$(jq -r '.[0].status' <<<"$output")" running
	tenant run "$TID"
	assert_one_line_error "already running"
	tenant delete "$TID"
	assert_one_line_error "is running"
	assert_equal "$(ctr_status "$TID")" running
	[ -d "$TROOT/tenants/$TID" ] || fail "deleted anyway"
	tenant delete --force "$TID"
	assert_success
	wait "$bg" || true
	grep -q "child exit status: killed by SIGKILL" "$BATS_TEST_TMPDIR/bg.out"
	assert_equal "$(registry_count)" 0
	assert_equal "$(tenant_dirs)" 0
	assert_no_leftovers
}

# ---------------------------------------------------------------------------------------------
# bad packages: a clear error naming the package and the field, and nothing left behind

# bad_pkg SUBSTRING: `tenant add $PKG` fails with SUBSTRING (and the package's path) on one line,
# and leaves no registry entry, no tenant directory, no mount, no container.
bad_pkg() {
	local before_reg before_dirs
	before_reg=$(registry_count)
	before_dirs=$(tenant_dirs)
	tenant add "$PKG"
	assert_one_line_error "$1"
	assert_stderr_contains "package $PKG"
	assert_equal "$(registry_count)" "$before_reg"
	assert_equal "$(tenant_dirs)" "$before_dirs"
	assert_no_leftovers
}

@test "bad packages: config.json missing, invalid, fields missing or wrong" {
	make_base
	add_pkg "$ISO_PACKAGES/hello_container"
	snapshot_host_state
	PKG=$(copy_pkg hello_container bad)
	rm "$PKG/config.json"
	bad_pkg "config.json: No such file or directory"
	echo '{"cname": "x", ' >"$PKG/config.json"
	bad_pkg "config.json: invalid JSON"
	echo '{"cname": "bad"}' >"$PKG/config.json"
	bad_pkg "config.json: init: required"
	echo '{"cname": "bad", "init": "/home/nothere"}' >"$PKG/config.json"
	bad_pkg "config.json: init: progs/nothere: No such file or directory"
	echo '{"cname": "a/b", "init": "/home/hello"}' >"$PKG/config.json"
	bad_pkg "config.json: cname: \"a/b\""
	echo '{"cname": "..", "init": "/home/hello"}' >"$PKG/config.json"
	bad_pkg "config.json: cname: \"..\""
	echo '{"cname": "bad", "init": "/home/../../bin/sh"}' >"$PKG/config.json"
	bad_pkg "config.json: init: \"/home/../../bin/sh\""
	echo '{"cname": "bad", "init": "/bin/sh"}' >"$PKG/config.json"
	bad_pkg "config.json: init: \"/bin/sh\" must lie under /home"
	echo '{"cname": "bad", "init": "/home/hello", "tid": "0123"}' >"$PKG/config.json"
	bad_pkg "config.json: tid: assigned by isorun"
	echo '{"cname": "bad", "init": "/home/hello", "seccom": {}}' >"$PKG/config.json"
	bad_pkg "config.json: seccom: unknown field"
	echo '{"cname": "bad", "init": "/home/hello", "resources": {"memory": "12Q"}}' >"$PKG/config.json"
	bad_pkg "config.json: resources.memory:"
	echo '{"cname": "bad", "init": "/home/hello", "network": {"mode": "wifi"}}' >"$PKG/config.json"
	bad_pkg "config.json: network.mode: \"wifi\""
	echo '{"cname": "bad", "init": "/home/hello", "network": {"mode": "bridge", "address": "10.1.0.2/24"}}' >"$PKG/config.json"
	bad_pkg "config.json: network.bridge: required"
	echo '{"cname": "bad", "init": "/home/hello", "seccomp": {"mode": "profile"}}' >"$PKG/config.json"
	bad_pkg "config.json: seccomp.profile: required"
	echo '{"cname": "bad", "init": "/home/hello", "seccomp": {"mode": "profile", "profile": "../../etc/shadow"}}' >"$PKG/config.json"
	bad_pkg "config.json: seccomp.profile: \"../../etc/shadow\""
	echo '{"cname": "bad", "init": "/home/install_deps.sh", "dependencies": "/home/missing.sh"}' >"$PKG/config.json"
	bad_pkg "config.json: dependencies: progs/missing.sh"
	chmod -x "$PKG/progs/hello"
	echo '{"cname": "bad", "init": "/home/hello"}' >"$PKG/config.json"
	bad_pkg "config.json: init: progs/hello is not executable"
	assert_equal "$(registry_count)" 1
}

@test "bad packages: symlinks in progs/ leading outside, and a failing install_deps.sh" {
	make_base
	snapshot_host_state
	PKG=$(copy_pkg hello_container bad)
	ln -s /etc/shadow "$PKG/progs/shadow"
	bad_pkg "progs/shadow: symlink to \"/etc/shadow\" leads outside progs/"
	rm "$PKG/progs/shadow"
	mkdir "$PKG/progs/sub"
	ln -s ../../config.json "$PKG/progs/sub/up"
	bad_pkg "progs/sub/up: symlink to \"../../config.json\" leads outside progs/"
	rm "$PKG/progs/sub/up"
	ln -s ../hello "$PKG/progs/sub/ok"
	ln -s /etc/passwd "$PKG/progs/hello-link"
	edit_pkg "$PKG" '.init = "/home/hello-link"'
	bad_pkg "config.json: init: progs/hello-link leads outside progs/"
	rm "$PKG/progs/hello-link"
	edit_pkg "$PKG" '.init = "/home/hello"'
	printf '#!/bin/sh\necho installing\nexit 3\n' >"$PKG/progs/install_deps.sh"
	bad_pkg "config.json: dependencies: /home/install_deps.sh failed: exit code 3"
	# the good symlink inside progs/ is accepted and copied as a link
	printf '#!/bin/sh\nexit 0\n' >"$PKG/progs/install_deps.sh"
	add_pkg "$PKG"
	assert_equal "$(readlink "$TROOT/tenants/$TID/home/sub/ok")" ../hello
	edit_pkg "$PKG" 'del(.seccomp)'
	tenant add --default-seccomp "$BATS_TEST_TMPDIR/none.json" "$PKG"
	assert_one_line_error "seccomp.mode \"default\""
	assert_equal "$(registry_count)" 1
}

@test "tenant add without a base, or with a missing package, fails and leaves nothing" {
	tenant add "$ISO_PACKAGES/hello_container"
	assert_one_line_error "run \`isorun tenant base\` first"
	assert_equal "$(tenant_dirs)" 0
	make_base
	tenant add "$BATS_TEST_TMPDIR/no-such-package"
	assert_one_line_error "package $BATS_TEST_TMPDIR/no-such-package"
	assert_equal "$(tenant_dirs)" 0
}

# ---------------------------------------------------------------------------------------------
# concurrency and interruption

# own_subids UID-LINE GID-LINE: this test's /etc/subuid and /etc/subgid, bind-mounted in the
# test's own mount namespace over the machine's files, which are never touched.  Where the
# machine has none, a private overlay on /etc gives the mount points.
own_subids() {
	OWN_SUBIDS=1
	printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/subuid"
	printf '%s\n' "$2" >"$BATS_TEST_TMPDIR/subgid"
	if [ ! -e /etc/subuid ] || [ ! -e /etc/subgid ]; then
		mkdir -p "$BATS_TEST_TMPDIR/etc-upper" "$BATS_TEST_TMPDIR/etc-work"
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$BATS_TEST_TMPDIR/etc-upper,workdir=$BATS_TEST_TMPDIR/etc-work" /etc
		OWN_SUBIDS=overlay
		touch /etc/subuid /etc/subgid
	fi
	mount --bind "$BATS_TEST_TMPDIR/subuid" /etc/subuid
	mount --bind "$BATS_TEST_TMPDIR/subgid" /etc/subgid
}

ids_of() {
	jq -r --arg t "$1" '.tenants[] | select(.tid == $t) | "\(.ids.start) \(.ids.size)"' \
		"$TROOT/tenants.json"
}

@test "tenant ids: disjoint ranges above /etc/subuid and /etc/subgid, shown, freed by delete" {
	# The highest subordinate id ends at 2065535: the first range starts at the next 65536
	# boundary, 2097152.
	own_subids "alice:100000:65536" "bob:2000000:65536"
	make_base
	add_pkg "$ISO_PACKAGES/hello_container"
	local a=$TID
	assert_equal "$(ids_of "$a")" "2097152 65536"
	assert_equal "$(cat "$TROOT/tenants/$a/ids")" "2097152 65536"
	add_pkg "$ISO_PACKAGES/hello_container"
	local b=$TID
	assert_equal "$(ids_of "$b")" "2162688 65536"
	tenant show "$b"
	assert_success
	jq -e '.ids == {"start": 2162688, "size": 65536}' <<<"$output" >/dev/null ||
		fail "show has no ids: $output"
	tenant list --format json
	jq -e --arg a "$a" '.[] | select(.tid == $a) | .ids.start == 2097152' <<<"$output" \
		>/dev/null || fail "list has no ids: $output"
	# A bigger range skips what it does not fit in; a deleted tenant's range is reused.
	tenant add --ids-size 131072 "$ISO_PACKAGES/hello_container"
	assert_success
	assert_equal "$(ids_of "$(sed -n 's/^tid: //p' <<<"$output")")" "2228224 131072"
	tenant delete "$a"
	assert_success
	add_pkg "$ISO_PACKAGES/hello_container"
	assert_equal "$(ids_of "$TID")" "2097152 65536"
}

@test "tenant ids: --ids-start over a taken range, or bad values, fail and leave nothing" {
	own_subids "alice:1048576:65536" "alice:1048576:65536"
	make_base
	add_pkg "$ISO_PACKAGES/hello_container"
	assert_equal "$(ids_of "$TID")" "1114112 65536"
	local before
	before=$(tenant_dirs)
	tenant add --ids-start 1048576 "$ISO_PACKAGES/hello_container"
	assert_one_line_error "--ids-start 1048576: ids 1048576-1114111 are taken"
	tenant add --ids-start 1114112 "$ISO_PACKAGES/hello_container"
	assert_one_line_error "--ids-start 1114112: ids 1114112-1179647 are taken"
	tenant add --ids-start 4096 "$ISO_PACKAGES/hello_container"
	assert_one_line_error "--ids-start 4096: below 1048576"
	tenant add --ids-size 0 "$ISO_PACKAGES/hello_container"
	assert_one_line_error "--ids-size"
	assert_equal "$(tenant_dirs)" "$before"
	assert_equal "$(registry_count)" 1
	tenant add --ids-start 3000000 --ids-size 1000 "$ISO_PACKAGES/hello_container"
	assert_success
	assert_equal "$(ids_of "$(sed -n 's/^tid: //p' <<<"$output")")" "3000000 1000"
	printf 'broken\n' >"$BATS_TEST_TMPDIR/subuid"
	tenant add "$ISO_PACKAGES/hello_container"
	assert_one_line_error "/etc/subuid:1: not NAME:START:COUNT"
	assert_equal "$(registry_count)" 2
}

@test "four concurrent tenant add: all registered, tenants.json valid" {
	make_base
	local i pids=()
	for i in 1 2 3 4; do
		"$ISORUN" --root "$ROOT" tenant --tenant-root "$TROOT" add \
			"$ISO_PACKAGES/hello_container" >"$BATS_TEST_TMPDIR/add.$i" 2>&1 3>&- &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || fail "a concurrent add failed: $(cat "$BATS_TEST_TMPDIR"/add.*)"
	done
	jq -e . "$TROOT/tenants.json" >/dev/null || fail "tenants.json is not valid JSON"
	assert_equal "$(registry_count)" 4
	for i in 1 2 3 4; do
		local t
		t=$(sed -n 's/^tid: //p' "$BATS_TEST_TMPDIR/add.$i")
		[ -n "$t" ] || fail "add $i: $(cat "$BATS_TEST_TMPDIR/add.$i")"
		jq -e --arg t "$t" '.tenants[] | select(.tid == $t)' "$TROOT/tenants.json" >/dev/null ||
			fail "tenant $t not registered"
	done
	assert_equal "$(jq -r '[.tenants[].tid] | unique | length' "$TROOT/tenants.json")" 4
	# Four adds at once never get the same id range.
	assert_equal "$(jq -r '[.tenants[].ids.start] | unique | length' "$TROOT/tenants.json")" 4
}

@test "a killed tenant add leaves nothing a later add or list trips over" {
	make_base
	PKG=$(copy_pkg hello_container slow)
	printf '#!/bin/sh\ntouch /home/started\nsleep 60\n' >"$PKG/progs/install_deps.sh"
	"$ISORUN" --root "$ROOT" tenant --tenant-root "$TROOT" add "$PKG" \
		</dev/null >/dev/null 2>&1 3>&- &
	local bg=$!
	retry 200 0.1 compgen -G "$TROOT/tenants/*/home/started" >/dev/null || fail "deps never started"
	kill -KILL "$bg"
	wait "$bg" || true
	local stale
	stale=$(ls "$TROOT/tenants")
	# the dependencies' container outlives the killed add
	assert_equal "$(registry_count)" 0
	tenant list --format json
	assert_success
	assert_equal "$output" "[]"
	add_pkg "$ISO_PACKAGES/hello_container"
	assert_equal "$(registry_count)" 1
	[ ! -e "$TROOT/tenants/$stale" ] || fail "the killed add's directory was not collected"
	[ -z "$(ctr_status "$stale")" ] || fail "the killed add's container is still there"
}

# ---------------------------------------------------------------------------------------------
# the overlay root in the runtime (any bundle may use the annotations)

# overlay_bundle LOWER UPPER WORK: $BUNDLE with an empty root and the three annotations.
overlay_bundle() {
	mkdir -p "$BUNDLE/empty-root"
	update_config --arg l "$1" --arg u "$2" --arg w "$3" '.root = {path: "empty-root", readonly: false}
		| .annotations["io.isorun.rootfs.lower"] = $l
		| .annotations["io.isorun.rootfs.upper"] = $u
		| .annotations["io.isorun.rootfs.work"] = $w'
}

@test "overlay root: plain bundle, writes go to upper, lower untouched, nothing on the host" {
	local l="$BATS_TEST_TMPDIR/lower" u="$BATS_TEST_TMPDIR/upper" w="$BATS_TEST_TMPDIR/work"
	mkdir -p "$u" "$w"
	cp -a "$BUNDLE/rootfs" "$l"
	overlay_bundle "$l" "$u" "$w"
	set_cmd 'echo new >/etc/new-file; rm /etc/group; ls /etc'
	iso_run isorun run -b "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains new-file
	assert_output_not_contains group
	[ -f "$u/etc/new-file" ] || fail "write not in upper"
	[ -f "$l/etc/group" ] || fail "the lower layer was modified"
	[ ! -e "$l/etc/new-file" ] || fail "the lower layer was modified"
	[ -z "$(ls -A "$BUNDLE/empty-root")" ] || fail "overlay visible on the host"
	assert_no_leftovers
}

@test "overlay root: bad annotations are errors naming them, with nothing left" {
	local l="$BATS_TEST_TMPDIR/lower" u="$BATS_TEST_TMPDIR/upper" w="$BATS_TEST_TMPDIR/work"
	mkdir -p "$u" "$w"
	cp -a "$BUNDLE/rootfs" "$l"
	overlay_bundle "$l" "$u" "$w"
	update_config 'del(.annotations["io.isorun.rootfs.work"])'
	iso_run isorun create -b "$BUNDLE" "$CTR"
	assert_one_line_error "annotations.io.isorun.rootfs.work: required"
	overlay_bundle "$l" "relative/upper" "$w"
	iso_run isorun create -b "$BUNDLE" "$CTR"
	assert_one_line_error "annotations.io.isorun.rootfs.upper: \"relative/upper\" is not an absolute path"
	overlay_bundle "$BATS_TEST_TMPDIR/missing" "$u" "$w"
	iso_run isorun create -b "$BUNDLE" "$CTR"
	assert_one_line_error "annotations.io.isorun.rootfs.lower: $BATS_TEST_TMPDIR/missing: No such file or directory"
	overlay_bundle "$l" "$u" "$l/etc/passwd"
	iso_run isorun create -b "$BUNDLE" "$CTR"
	assert_one_line_error "annotations.io.isorun.rootfs.work: $l/etc/passwd: Not a directory"
	overlay_bundle "$l:/etc" "$u" "$w"
	iso_run isorun create -b "$BUNDLE" "$CTR"
	assert_one_line_error "annotations.io.isorun.rootfs.lower"
	mkdir -p "$BATS_TEST_TMPDIR/other-fs"
	mount -t tmpfs tmpfs "$BATS_TEST_TMPDIR/other-fs"
	mkdir "$BATS_TEST_TMPDIR/other-fs/work"
	snapshot_host_state
	overlay_bundle "$l" "$u" "$BATS_TEST_TMPDIR/other-fs/work"
	iso_run isorun create -b "$BUNDLE" "$CTR"
	assert_one_line_error "annotations.io.isorun.rootfs.work: $BATS_TEST_TMPDIR/other-fs/work is not on the same file system"
	assert_no_leftovers
	umount "$BATS_TEST_TMPDIR/other-fs"
	snapshot_host_state
	overlay_bundle "$l" "$u" "$w"
	update_config 'del(.linux.namespaces[] | select(.type == "mount"))'
	iso_run isorun create -b "$BUNDLE" "$CTR"
	assert_one_line_error "a mount namespace is required"
	[ -z "$(ls -A "$u")" ] || fail "upper written"
}

# ---------------------------------------------------------------------------------------------
# the schema

@test "schema/tenant-package.schema.json accepts the fixture packages and refuses bad ones" {
	python3 -c 'import jsonschema' 2>/dev/null ||
		skip "python3-jsonschema is not installed (Debian package python3-jsonschema)"
	run python3 - "$ISORUN_SRCDIR" <<'PY'
import glob, json, sys
import jsonschema
src = sys.argv[1]
v = jsonschema.Draft202012Validator(json.load(open(src + "/schema/tenant-package.schema.json")))
for p in ["hello_container", "simple_test", "seccomp_test", "cap_test", "ipc_test", "persist_test"]:
    errs = [e.message for e in v.iter_errors(json.load(open(f"{src}/bundles/{p}/config.json")))]
    assert not errs, (p, errs)
assert not list(v.iter_errors({"cname": "x", "init": "x", "userns": False})), "userns false"
bad = [{"cname": "x", "init": "x", "userns": "no"},
       {"cname": "a/b", "init": "x"}, {"cname": "..", "init": "x"}, {"cname": "x"},
       {"cname": "x", "init": "/home/../x"}, {"cname": "x", "init": "/bin/sh"},
       {"cname": "x", "init": "x", "tid": "00"}, {"cname": "x", "init": "x", "seccom": {}},
       {"cname": "x", "init": "x", "network": {"mode": "bridge", "address": "10.0.0.2/24"}},
       {"cname": "x", "init": "x", "seccomp": {"mode": "profile"}},
       {"cname": "x", "init": "x", "seccomp": {"mode": "profile", "profile": "../p.json"}}]
for b in bad:
    assert list(v.iter_errors(b)), ("accepted", b)
print("schema ok")
PY
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "$output" = "schema ok" ]
}
