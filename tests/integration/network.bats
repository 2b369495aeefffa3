#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Networking over rtnetlink: lo in a new network namespace, veth pairs with addresses, MTU and
# routes (io.isorun.net.* annotations), bridges, OCI linux.netDevices, and joining a namespace by
# path.
#
# Every test runs the runtime inside a network namespace it creates ($NETNS, the "host" side of
# the test), so each host-side interface lives there, and only addresses inside it are used.

load helpers

setup() {
	NETNS="iso-$ISO_FILE_TAG-$BATS_TEST_NUMBER"
	# `ip netns add` mounts /run/netns and the namespace file in this test's mount namespace:
	# let that happen before the leftover snapshot.
	ip netns add "$NETNS"
	# No duplicate address detection on the test's links: a link-local address that finishes
	# it in the middle of a test would change ns_state.
	ip netns exec "$NETNS" sh -c 'echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad'
	iso_setup
	# busybox ping needs a raw socket.
	update_config '.process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])'
}

teardown() {
	local rc=0 id
	[ -z "${HOLDER:-}" ] || { kill "$HOLDER"; wait "$HOLDER"; } 2>/dev/null || true
	# Delete from the namespace the containers were created in, so the host side is removed.
	for id in "$CTR" "$CTR2" "$CTR3"; do
		timeout 30 nsenter --net="/run/netns/$NETNS" "$ISORUN" --root "$ROOT" delete --force "$id" \
			</dev/null >/dev/null 2>&1 3>&- || true
	done
	iso_teardown || rc=1
	ip netns delete "$NETNS" || rc=1
	[ -z "${NETNS2:-}" ] || ip netns delete "$NETNS2" || rc=1
	return $rc
}

# in_ns CMD...: iso_run CMD inside $NETNS; `isorun` is the runtime under test with --root.
# The runtime enters only the network namespace (nsenter): `ip netns exec` would also remount
# /sys, hiding the cgroup hierarchies the runtime places the container in.
in_ns() {
	if [ "$1" = isorun ]; then
		iso_run nsenter --net="/run/netns/$NETNS" "$ISORUN" --root "$ROOT" "${@:2}"
	else
		iso_run ip netns exec "$NETNS" "$@"
	fi
}

# hold_netns ID: keeps the network namespace of container ID alive after its processes are gone
# (as anything else sharing it would), so that only what the runtime deletes itself is gone.
hold_netns() {
	local pid
	pid=$(ctr_pid "$1")
	nsenter --net="/proc/$pid/ns/net" sleep 300 </dev/null >/dev/null 2>&1 3>&- &
	HOLDER=$!
}

# ns_links: the links of $NETNS, one name per line, sorted.
ns_links() {
	ip -n "$NETNS" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
}

# ns_state: links, addresses and routes of $NETNS (what a leftover would change).
ns_state() {
	ns_links
	ip -n "$NETNS" -o addr show | awk '{ print $2, $3, $4 }' | sort
	ip -n "$NETNS" route show table all | sort
}

# net_annotations KEY=VALUE...: sets .annotations["io.isorun.net.KEY"] = VALUE.
net_annotations() {
	local kv
	for kv in "$@"; do
		update_config --arg k "io.isorun.net.${kv%%=*}" --arg v "${kv#*=}" '.annotations[$k] = $v'
	done
}

# web_cmd EXTRA-SCRIPT: runs EXTRA-SCRIPT, then serves "hello from $HOSTNAME-ish name" over
# busybox httpd on port 8080 and says ready in /shared/ready.
web_cmd() {
	bind_shared
	set_cmd "$1
		mkdir -p /tmp/www && echo \"web-\$(hostname)\" >/tmp/www/index.html
		echo ready >/shared/ready
		exec httpd -f -p 8080 -h /tmp/www"
}

# fetch URL: busybox wget from $NETNS, retried while the server starts.
fetch() {
	retry 40 0.1 ip netns exec "$NETNS" timeout 3 busybox wget -q -O - "$1" 2>/dev/null
}

@test "lo: up in a new network namespace, 127.0.0.1 and ::1 answer, and it is the only link" {
	set_cmd 'ping -c1 -W2 127.0.0.1 >/dev/null && echo v4-ok
		ping6 -c1 -W2 ::1 >/dev/null && echo v6-ok
		echo "links $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\n" " ")"'
	in_ns isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains v4-ok
	assert_output_contains v6-ok
	assert_output_contains "links lo "
	# The runtime's own lo was not touched.
	ip -n "$NETNS" link show lo | grep -q 'state DOWN' || fail "the runtime's lo changed"
}

@test "veth point-to-point: IPv4 and IPv6, MTU, default routes; traffic both ways; delete removes it" {
	local before
	before=$(ns_state)
	net_annotations veth=vp0 'address=10.77.0.2/24, fd77::2/64' \
		'host-address=10.77.0.1/24,fd77::1/64' 'gateway=10.77.0.1,fd77::1' mtu=1400
	web_cmd 'ping -c1 -W2 10.77.0.1 >/dev/null && echo ok >/shared/ping4
		ping6 -c1 -W2 fd77::1 >/dev/null && echo ok >/shared/ping6
		cat /sys/class/net/eth0/mtu >/shared/mtu
		ls /sys/class/net | tr "\n" " " >/shared/links
		ip route >/shared/route4; ip -6 route >/shared/route6'
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	in_ns isorun start "$CTR"
	assert_success
	wait_for_file "$SHARED/ready"

	assert_equal "$(cat "$SHARED/ping4" 2>/dev/null)" ok
	assert_equal "$(cat "$SHARED/ping6" 2>/dev/null)" ok
	assert_equal "$(cat "$SHARED/mtu")" 1400
	assert_equal "$(cat "$SHARED/links")" "eth0 lo "
	grep -q '^default via 10.77.0.1 dev eth0' "$SHARED/route4" || fail "no IPv4 default route"
	grep -q '^default via fd77::1 dev eth0' "$SHARED/route6" || fail "no IPv6 default route"
	ip -n "$NETNS" link show vp0 | grep -q 'mtu 1400' || fail "host side: mtu is not 1400"
	ip -n "$NETNS" -o addr show dev vp0 | grep -q 'inet 10.77.0.1/24' || fail "host address"
	# The container's web server, reached from the test's namespace over both families.
	assert_equal "$(fetch http://10.77.0.2:8080/)" "web-hello"
	assert_equal "$(fetch 'http://[fd77::2]:8080/')" "web-hello"

	hold_netns "$CTR"
	in_ns isorun delete --force "$CTR"
	assert_success
	# The host side is gone when delete returns, not when the kernel gets round to it.
	! ip -n "$NETNS" link show vp0 2>/dev/null || fail "vp0 still exists after delete"
	assert_equal "$(ns_state)" "$before"
}

@test "the netlink helper travels inside isorun: a lone copy of the binary makes a veth, and no helper outlives create or delete" {
	# The runtime carries its netlink helper (the only code linked against libmnl) as bytes and
	# executes it from a memfd: a copy of the binary alone, with nothing beside it, has it too.
	local lone="$BATS_TEST_TMPDIR/lone/isorun" before
	mkdir "${lone%/*}"
	cp "$ISORUN" "$lone"
	before=$(ns_state)
	net_annotations veth=vl0 address=10.78.0.2/24 host-address=10.78.0.1/24
	bind_shared
	set_cmd 'ping -c1 -W2 10.78.0.1 >/dev/null && echo ok >/shared/ping'
	iso_run nsenter --net="/run/netns/$NETNS" "$lone" --root "$ROOT" create --bundle "$BUNDLE" "$CTR"
	assert_success
	ip -n "$NETNS" link show vl0 >/dev/null || fail "no host-side veth after create"
	[ -z "$(pgrep -x isorun-netlink)" ] || fail "a netlink helper outlived create: $(pgrep -ax isorun-netlink)"
	iso_run nsenter --net="/run/netns/$NETNS" "$lone" --root "$ROOT" start "$CTR"
	assert_success
	wait_for_status "$CTR" stopped
	assert_equal "$(cat "$SHARED/ping" 2>/dev/null)" ok
	iso_run nsenter --net="/run/netns/$NETNS" "$lone" --root "$ROOT" delete "$CTR"
	assert_success
	assert_equal "$(ns_state)" "$before"
	assert_no_leftovers
}

@test "bridge: two containers on a bridge the test made talk to each other and to the namespace" {
	ip -n "$NETNS" link add br0 type bridge
	ip -n "$NETNS" addr add 10.66.0.1/24 dev br0
	ip -n "$NETNS" link set br0 up
	net_annotations veth=vb-a address=10.66.0.2/24 bridge=br0 gateway=10.66.0.1
	update_config '.hostname = "a"'
	web_cmd ''
	in_ns isorun run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	wait_for_file "$SHARED/ready"

	# The second container fetches the first one's page, then exits.
	local b="$BATS_TEST_TMPDIR/b"
	mkdir "$b"
	cp -a "$BUNDLE/rootfs" "$b/rootfs"
	cp "$BUNDLE/config.json" "$b/config.json"
	ISO_CONFIG="$b/config.json" net_annotations veth=vb-b address=10.66.0.3/24
	ISO_CONFIG="$b/config.json" update_config '.mounts |= map(select(.destination != "/shared"))
		| .hostname = "b"
		| .process.args = ["/bin/sh", "-c", "i=0; until wget -q -O - http://10.66.0.2:8080/; do i=$((i+1)); [ $i -lt 30 ] || exit 1; sleep 0.1; done"]'
	in_ns isorun run --bundle "$b" "$CTR2"
	assert_success
	assert_equal "$output" "web-a"
	# The namespace reaches it over the bridge too, and both ends are the bridge's ports.
	assert_equal "$(fetch http://10.66.0.2:8080/)" "web-a"
	ip -n "$NETNS" link show vb-a | grep -q 'master br0' || fail "vb-a is not on br0"
	# run deleted the second container: its veth is gone, the first one's stays.
	! ip -n "$NETNS" link show vb-b 2>/dev/null || fail "vb-b left behind"
	ip -n "$NETNS" link show vb-a >/dev/null || fail "vb-a missing"
	rm -rf --one-file-system "$b"
}

@test "no network annotation: the container reaches nothing but lo" {
	ip -n "$NETNS" link add vx0 type veth peer name vx1
	ip -n "$NETNS" addr add 10.55.0.1/24 dev vx0
	ip -n "$NETNS" link set vx0 up
	set_cmd 'ip -o link | cut -d: -f2 | tr -d " " | tr "\n" " "
		echo; ping -c1 -W1 10.55.0.1 >/dev/null 2>&1 && echo reached || echo unreachable'
	in_ns isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "${lines[0]}" "lo "
	assert_equal "${lines[1]}" unreachable
}

@test "a host-side name already taken: the kernel's refusal, and nothing is left" {
	ip -n "$NETNS" link add vtaken type veth peer name vtaken-p
	local before
	before=$(ns_state)
	net_annotations veth=vtaken address=10.77.0.2/24
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'io.isorun.net.veth: creating veth "vtaken": File exists (name taken)'
	assert_equal "$(ns_state)" "$before"
	assert_no_leftovers
}

@test "a gateway the kernel refuses: its extended ack message, and the veth is removed" {
	local before
	before=$(ns_state)
	net_annotations veth=vgw address=10.77.0.2/24 gateway=10.99.0.1
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'io.isorun.net.gateway: adding the default route via 10.99.0.1 on "eth0": Network is unreachable (Nexthop has invalid gateway)'
	assert_equal "$(ns_state)" "$before"
	assert_no_leftovers
}

@test "invalid network annotations: each is an error naming it, before anything is made" {
	ip -n "$NETNS" link add notbr type veth peer name notbr-p
	local before case key want
	before=$(ns_state)
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/base.json"
	while IFS='|' read -r case key want; do
		cp "$BATS_TEST_TMPDIR/base.json" "$BUNDLE/config.json"
		# shellcheck disable=SC2086
		net_annotations $case
		in_ns isorun create --bundle "$BUNDLE" "$CTR"
		assert_one_line_error "config.json: annotations[\"io.isorun.net.$key\"]: $want"
		assert_equal "$(ns_state)" "$before"
		assert_no_leftovers
	done <<-'EOF'
		veth=v0 address=10.0.0.300/24|address|"10.0.0.300/24" is not an IPv4 or IPv6 address
		veth=v0 address=10.0.0.2|address|"10.0.0.2" is not an IPv4 or IPv6 address with a prefix
		veth=v0 address=10.0.0.2/33|address|"10.0.0.2/33" is not
		veth=v0 host-address=fd00::1/129|host-address|"fd00::1/129" is not
		veth=v0 address=10.0.0.2/24 gateway=10.0.0.1/24|gateway|"10.0.0.1/24" is not an IPv4 or IPv6 address
		veth=v0 address=10.0.0.2/24 gateway=fd00::1|gateway|an IPv6 gateway needs an IPv6 address
		veth=a-name-too-long-x|veth|"a-name-too-long-x" is not an interface name
		veth=a/b|veth|"a/b" is not an interface name
		veth=v0 mtu=67|mtu|"67" is not an MTU from 68 to 65535
		veth=v0 mtu=65536|mtu|"65536" is not an MTU
		veth=v0 mtu=1500x|mtu|"1500x" is not an MTU
		veth=v0 address=fd00::2/64 mtu=1000|mtu|IPv6 needs an MTU of at least 1280
		veth=v0 bridge=nobridge|bridge|"nobridge": No such device
		veth=v0 bridge=notbr|bridge|"notbr" is not a bridge
		veth=v0 bridge=notbr host-address=10.0.0.1/24|host-address|cannot be combined with io.isorun.net.bridge
		address=10.0.0.2/24|address|needs io.isorun.net.veth
		veth=v0 vethh=v1|vethh|unknown isorun network annotation
	EOF
	# Annotations on a container that shares the runtime's network namespace.
	cp "$BATS_TEST_TMPDIR/base.json" "$BUNDLE/config.json"
	update_config 'del(.linux.namespaces[] | select(.type == "network"))'
	net_annotations veth=v0
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'config.json: annotations["io.isorun.net.veth"]: needs a new network namespace'
	assert_equal "$(ns_state)" "$before"
	assert_no_leftovers
}

@test "delete removes the host-side veth of a created (never started) container" {
	net_annotations veth=vdel address=10.77.0.2/24 host-address=10.77.0.1/24
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	ip -n "$NETNS" link show vdel >/dev/null || fail "vdel was not created"
	# The container's side exists in its namespace, named eth0.
	local pid
	pid=$(ctr_pid "$CTR")
	nsenter --net="/proc/$pid/ns/net" ip -o link show eth0 >/dev/null || fail "no eth0 inside"
	hold_netns "$CTR"
	in_ns isorun delete "$CTR"
	assert_success
	! ip -n "$NETNS" link show vdel 2>/dev/null || fail "vdel still exists after delete"
}

@test "100 create/delete cycles with a veth each leave no link, address or route behind" {
	local before i
	before=$(ns_state)
	net_annotations veth=vcyc address=10.77.0.2/24,fd77::2/64 host-address=10.77.0.1/24 \
		gateway=10.77.0.1
	for ((i = 0; i < 100; i++)); do
		nsenter --net="/run/netns/$NETNS" "$ISORUN" --root "$ROOT" create --bundle "$BUNDLE" "$CTR" \
			</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- ||
			fail "create #$i: $(cat "$BATS_TEST_TMPDIR/err")"
		nsenter --net="/run/netns/$NETNS" "$ISORUN" --root "$ROOT" delete --force "$CTR" \
			</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- ||
			fail "delete #$i: $(cat "$BATS_TEST_TMPDIR/err")"
	done
	assert_equal "$(ns_state)" "$before"
}

@test "linux.netDevices: an interface moves in renamed, keeps its addresses, and goes with the container" {
	# A veth end stands in for a physical device: as the spec says, a virtual device is
	# destroyed with the container's namespace (a physical one would return to the initial
	# namespace), so its peer disappears too.
	ip -n "$NETNS" link add nd0 type veth peer name nd0-peer
	ip -n "$NETNS" addr add 10.88.0.1/24 dev nd0
	ip -n "$NETNS" addr add fd88::1/64 dev nd0
	ip -n "$NETNS" addr add 10.88.0.5/32 dev nd0 valid_lft 100 preferred_lft 100
	ip -n "$NETNS" addr add 10.88.0.2/24 dev nd0-peer
	ip -n "$NETNS" link set nd0-peer up
	update_config '.linux.netDevices = {"nd0": {"name": "ctr0"}}'
	bind_shared
	set_cmd 'ip -o addr show dev ctr0 >/shared/addrs; cat /sys/class/net/ctr0/flags >/shared/flags
		echo ready >/shared/ready; exec sleep 1000'
	in_ns isorun run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	wait_for_file "$SHARED/ready"
	grep -q 'inet 10.88.0.1/24' "$SHARED/addrs" || fail "10.88.0.1/24 not kept"
	grep -q 'inet6 fd88::1/64' "$SHARED/addrs" || fail "fd88::1/64 not kept"
	# Only permanent addresses are kept (the spec), not one with a lifetime.
	! grep -q '10.88.0.5' "$SHARED/addrs" || fail "a non-permanent address was kept"
	(($(cat "$SHARED/flags") & 1)) || fail "ctr0 is not up"
	! ip -n "$NETNS" link show nd0 2>/dev/null || fail "nd0 is still in the runtime's namespace"
	# The container answers on the moved interface.
	retry 20 0.1 ip netns exec "$NETNS" busybox ping -c1 -W1 10.88.0.1 >/dev/null || fail "no answer"

	in_ns isorun delete --force "$CTR"
	assert_success
	# The namespace is freed by the kernel in the background: wait for the pair to go.
	retry 100 0.1 sh -c "! ip -n '$NETNS' link show nd0-peer 2>/dev/null" ||
		fail "nd0-peer still exists after delete"
}

@test "linux.netDevices: bad entries are errors with their JSON path, and nothing moves" {
	ip -n "$NETNS" link add nd1 type veth peer name nd1-peer
	local before
	before=$(ns_state)
	update_config '.linux.netDevices = {"nd1": {"name": "a/b"}}'
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'config.json: linux.netDevices.nd1.name: "a/b" is not an interface name'
	update_config '.linux.netDevices = {"nd1": {}, "missing0": {}}'
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'config.json: linux.netDevices.missing0: "missing0": No such device'
	update_config '.linux.netDevices = {"nd1": {"name": 3}}'
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'config.json: linux.netDevices.nd1.name: expected a string'
	update_config '.linux.netDevices = {"nd1": {}}
		| del(.linux.namespaces[] | select(.type == "network"))'
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'config.json: linux.netDevices: needs a network namespace'
	assert_equal "$(ns_state)" "$before"
	assert_no_leftovers
}

@test "joining a network namespace by path: isorun adds nothing to it" {
	NETNS2="$NETNS-j"
	ip netns add "$NETNS2"
	snapshot_host_state
	local before
	before=$(ip -n "$NETNS2" -o link show)
	update_config --arg p "/run/netns/$NETNS2" \
		'.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
	set_cmd 'ip -o link | cut -d: -f2 | tr -d " " | tr "\n" " "; echo; cat /sys/class/net/lo/flags'
	in_ns isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_equal "${lines[0]}" "lo "
	(((${lines[1]} & 1) == 0)) || fail "lo is up in the joined namespace (flags ${lines[1]})"
	# lo stays down: the namespace belongs to whoever made it.
	assert_equal "$(ip -n "$NETNS2" -o link show)" "$before"
	ip -n "$NETNS2" link show lo | grep -q 'state DOWN' || fail "lo of the joined namespace changed"
	# Annotations need a namespace of the container's own.
	net_annotations veth=vj0
	in_ns isorun create --bundle "$BUNDLE" "$CTR2"
	assert_one_line_error 'config.json: annotations["io.isorun.net.veth"]: needs a new network namespace'
}

@test "linux.netDevices: a create failing after the move gives the interface back, with its addresses" {
	ip -n "$NETNS" link add nd2 type veth peer name nd2-peer
	ip -n "$NETNS" addr add 10.87.0.1/24 dev nd2
	ip -n "$NETNS" addr add fd87::1/64 dev nd2 nodad
	ip -n "$NETNS" link set nd2 up
	ip -n "$NETNS" link set nd2-peer up
	local before
	before=$(ns_state)
	# The default route is refused by the kernel after nd2 was moved in.
	update_config '.linux.netDevices = {"nd2": {"name": "c2"}}'
	net_annotations veth=vf0 address=10.77.0.2/24 gateway=10.99.0.1
	in_ns isorun create --bundle "$BUNDLE" "$CTR"
	assert_one_line_error 'Nexthop has invalid gateway'
	assert_equal "$(ns_state)" "$before"
	ip -n "$NETNS" link show nd2 | grep -q 'state UP' || fail "nd2 is not up again"
	assert_no_leftovers
}

@test "veth in a container with a user namespace of its own" {
	# An identity mapping keeps the test's bundle (under a 0700 temp dir) readable; the
	# network namespace still belongs to the new user namespace.
	net_annotations veth=vu0 address=10.79.0.2/24 host-address=10.79.0.1/24
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
	set_cmd 'ping -c1 -W2 10.79.0.1 >/dev/null && echo reached-host
		[ "$(readlink /proc/self/ns/user)" != "$(cat /shared/host-userns)" ] && echo own-userns'
	bind_shared
	readlink /proc/self/ns/user >"$SHARED/host-userns"
	in_ns isorun run --bundle "$BUNDLE" "$CTR"
	assert_success
	assert_output_contains reached-host
	assert_output_contains own-userns
	! ip -n "$NETNS" link show vu0 2>/dev/null || fail "vu0 left behind"
}
