#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The container's file system: mounts, read-only root, masked and read-only paths, devices,
# mount destinations that are symlinks out of the rootfs, hostname/domainname, the loopback
# interface of a new network namespace, and sysctls.

load helpers

# run_ctr 'SCRIPT': run the container with /bin/sh -c SCRIPT (output in $output, status in $status)
run_ctr() {
	set_cmd "$1"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
}

@test "tmpfs: size= and mode= options apply, and the size is enforced" {
	add_mount /mnt/t tmpfs tmpfs nosuid nodev size=1m mode=1770
	run_ctr 'stat -c "mode %a" /mnt/t
		grep " /mnt/t " /proc/self/mountinfo
		if dd if=/dev/zero of=/mnt/t/big bs=1024 count=2048 2>/tmp/dd.err; then echo WROTE 2M; fi
		cat /tmp/dd.err'
	assert_success
	assert_output_contains "mode 1770"
	assert_output_contains "size=1024k"
	assert_output_contains "tmpfs"
	assert_output_contains "nosuid"
	assert_output_not_contains "WROTE 2M"
	assert_output_contains "No space left on device"
	assert_no_leftovers
}

@test "tmpfs tmpcopyup: the mount's mode=/uid= win over the covered directory's; content is copied" {
	local d
	for d in data tight owned keep; do
		mkdir -m 0755 "$BUNDLE/rootfs/$d"
		echo "old $d" >"$BUNDLE/rootfs/$d/old"
	done
	chmod 0750 "$BUNDLE/rootfs/keep"
	chown 123:456 "$BUNDLE/rootfs/keep" "$BUNDLE/rootfs/owned"
	add_mount /data tmpfs tmpfs tmpcopyup mode=1777
	add_mount /tight tmpfs tmpfs tmpcopyup mode=700
	add_mount /owned tmpfs tmpfs tmpcopyup uid=1000 gid=1000
	add_mount /keep tmpfs tmpfs tmpcopyup size=1m
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	run_ctr 'stat -c "%n %a %u:%g" /data /tight /owned /keep
		cat /data/old /owned/old
		echo x >/data/new && echo "wrote /data as $(id -u)"'
	assert_success
	assert_output_contains "/data 1777 0:0"
	assert_output_contains "/tight 700 0:0"
	assert_output_contains "/owned 755 1000:1000"
	assert_output_contains "/keep 750 123:456"
	assert_output_contains "old data"
	assert_output_contains "old owned"
	assert_output_contains "wrote /data as 1000"
	assert_no_leftovers
}

@test "bind ro: a host directory can be read but not written" {
	local src="$BATS_TEST_TMPDIR/hostdir"
	mkdir "$src"
	echo "from host" >"$src/hostfile"
	add_mount /data bind "$src" bind ro
	run_ctr 'cat /data/hostfile; touch /data/new 2>&1 || echo "touch failed"'
	assert_success
	assert_output_contains "from host"
	assert_output_contains "Read-only file system"
	assert_output_contains "touch failed"
	[ ! -e "$src/new" ] || fail "the container wrote to the host directory"
	# the host's own view of the directory stays writable (ro did not leak out)
	touch "$src/host-still-writable"
	assert_no_leftovers
}

@test "bind rw: writes reach the host directory" {
	local src="$BATS_TEST_TMPDIR/hostdir"
	mkdir "$src"
	add_mount /data bind "$src" rbind rw
	run_ctr 'echo "from container" >/data/written'
	assert_success
	assert_equal "$(cat "$src/written")" "from container"
}

# tree_with_submount DIR: DIR with a tmpfs mounted on DIR/sub (unmounted by the caller).
tree_with_submount() {
	mkdir -p "$1/sub"
	mount -t tmpfs -o size=1m tmpfs "$1/sub"
}

@test "bind rro: the top mount and every submount under it are read-only" {
	local src="$BATS_TEST_TMPDIR/tree"
	tree_with_submount "$src"
	add_mount /data bind "$src" rbind rro
	run_ctr 'touch /data/top 2>&1; touch /data/sub/inner 2>&1; echo done'
	umount "$src/sub"
	assert_success
	assert_output_contains "done"
	[ "$(grep -c "Read-only file system" <<<"$output")" -eq 2 ] ||
		fail "expected EROFS on the top and on the submount"
	[ ! -e "$src/top" ] || fail "the container wrote to the top of the tree"
	assert_no_leftovers
}

@test "bind rbind,ro: only the top mount is read-only, as in runc; the submount stays writable" {
	local src="$BATS_TEST_TMPDIR/tree"
	tree_with_submount "$src"
	add_mount /data bind "$src" rbind ro
	run_ctr 'touch /data/top 2>&1; touch /data/sub/inner && echo "sub writable"'
	[ -e "$src/sub/inner" ] || fail "the write to the submount did not reach it"
	umount "$src/sub"
	assert_success
	assert_output_contains "Read-only file system"
	assert_output_contains "sub writable"
	[ ! -e "$src/top" ] || fail "the container wrote to the top of the tree"
	assert_no_leftovers
}

@test "bind rrw: a recursive option the kernel refuses (a locked read-only submount) fails, naming the mount" {
	local src="$BATS_TEST_TMPDIR/tree" n
	mkdir -p "$src/sub"
	mount -t tmpfs -o ro,size=1m tmpfs "$src/sub"
	# In a user namespace the submount's read-only flag is locked: rrw cannot clear it.
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
	n=$(jq '.mounts | length' "$BUNDLE/config.json")
	add_mount /data bind "$src" rbind rrw
	run_ctr 'true'
	umount "$src/sub"
	assert_one_line_error "mounts[$n] (/data): recursive mount options"
	assert_no_leftovers
}

@test "bind: a missing source is an error naming it" {
	add_mount /data bind "$BATS_TEST_TMPDIR/no-such-dir" bind ro
	# Repeated: the init dies of this while the runtime sets up its network namespace, and the
	# init's error (not the runtime's failure to open a gone namespace) must be the one shown.
	for i in $(seq 1 60); do
		iso_run isorun create --bundle "$BUNDLE" "$CTR"
		assert_failure
		assert_stderr_contains "no-such-dir"
	done
	assert_no_leftovers
}

@test "root.readonly true: writing to / fails" {
	update_config '.root.readonly = true'
	run_ctr 'touch /newfile 2>&1 || echo "touch failed"'
	assert_success
	assert_output_contains "Read-only file system"
	assert_output_contains "touch failed"
	[ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "root.readonly false: writing to / works and lands in the rootfs" {
	update_config '.root.readonly = false'
	run_ctr 'echo written >/newfile'
	assert_success
	assert_equal "$(cat "$BUNDLE/rootfs/newfile")" written
}

@test "maskedPaths: masked files read empty, masked dirs are empty, a missing path is ignored" {
	# /proc/kcore is masked by the default config, but this machine's kernel has none: test it
	# where it exists, and always test two masked files that do exist (non-empty on the host).
	[ "$(head -c 16 /proc/timer_list 2>/dev/null | wc -c)" -gt 0 ] || skip "no readable /proc/timer_list on this host"
	update_config '.linux.maskedPaths += ["/proc/no-such-path"]'
	run_ctr 'for f in /proc/kcore /proc/timer_list /proc/keys; do
			[ -e $f ] && echo "$f $(wc -c <$f)"
		done
		echo "firmware $(ls -A /sys/firmware | wc -l)"
		echo done'
	assert_success
	if [ -e /proc/kcore ]; then
		assert_output_contains "/proc/kcore 0"
	fi
	assert_output_contains "/proc/timer_list 0"
	assert_output_contains "/proc/keys 0"
	assert_output_contains "firmware 0"
	assert_output_contains done
}

@test "readonlyPaths: /proc/sys cannot be written (EROFS, not just EPERM)" {
	# Even with CAP_SYS_ADMIN, which would allow writing kernel.hostname in its own uts ns,
	# the write fails because /proc/sys is mounted read-only.
	update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	run_ctr '(echo other >/proc/sys/kernel/hostname) 2>&1 || echo "write failed"
		hostname
		grep " /proc/sys " /proc/self/mountinfo'
	assert_success
	assert_output_contains "write failed"
	assert_output_contains "Read-only file system"
	assert_output_contains hello
	assert_output_not_contains other
}

@test "default devices: the standard nodes with the right major:minor, usable" {
	run_ctr 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done
		stat -L -c "%n %t:%T" /dev/ptmx
		echo discard >/dev/null && echo "null ok"
		echo "zero $(head -c 4 /dev/zero | od -An -tx1 | tr -d " ")"
		echo "urandom $(head -c 16 /dev/urandom | wc -c)"
		echo x 2>/tmp/full.err >/dev/full || echo "full refused: $(cat /tmp/full.err)"'
	assert_success
	assert_output_contains "/dev/null character special file 1:3 666"
	assert_output_contains "/dev/zero character special file 1:5 666"
	assert_output_contains "/dev/full character special file 1:7 666"
	assert_output_contains "/dev/random character special file 1:8 666"
	assert_output_contains "/dev/urandom character special file 1:9 666"
	assert_output_contains "/dev/tty character special file 5:0 666"
	assert_output_contains "/dev/ptmx 5:2"
	assert_output_contains "null ok"
	assert_output_contains "zero 00000000"
	assert_output_contains "urandom 16"
	assert_output_contains "No space left on device"
}

@test "default devices: /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr links; pts, shm, mqueue" {
	run_ctr 'for l in fd stdin stdout stderr; do echo "$l -> $(readlink /dev/$l)"; done
		awk "{ for (i = 7; i <= NF; i++) if (\$i == \"-\") print \$5, \$(i+1) }" /proc/self/mountinfo'
	assert_success
	assert_output_contains "fd -> /proc/self/fd"
	assert_output_contains "stdin -> /proc/self/fd/0"
	assert_output_contains "stdout -> /proc/self/fd/1"
	assert_output_contains "stderr -> /proc/self/fd/2"
	assert_output_contains "/dev/pts devpts"
	assert_output_contains "/dev/shm tmpfs"
	assert_output_contains "/dev/mqueue mqueue"
	assert_output_contains "/proc proc"
	assert_output_contains "/sys sysfs"
}

@test "read-only /dev: filled before it goes read-only (devpts, nodes, links, /dev/console)" {
	update_config '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
	run_ctr 'grep -E " /dev(/pts)? " /proc/self/mountinfo | cut -d" " -f5,6
		echo x >/dev/null && head -c 1 /dev/zero >/dev/null && echo "nodes ok"
		[ "$(readlink /dev/ptmx)" = pts/ptmx ] && echo "ptmx link"
		touch /dev/new 2>&1 || true'
	assert_success
	assert_output_contains "/dev ro,"
	assert_output_contains "/dev/pts rw,"
	assert_output_contains "nodes ok"
	assert_output_contains "ptmx link"
	assert_output_contains "Read-only file system"
	[ ! -e "$BUNDLE/rootfs/dev/new" ] || fail "wrote through to the rootfs"
	# with a terminal, /dev/console is made in /dev too
	update_config '.process.terminal = true'
	set_cmd 'test -c /dev/console && echo "console ok"; touch /dev/new2 2>&1 || true'
	iso_run --in /dev/null isorun run --bundle "$BUNDLE" "$CTR2"
	assert_success
	output=$(tr -d '\r' <<<"$output")
	assert_output_contains "console ok"
	assert_output_contains "Read-only file system"
	assert_no_leftovers
}

@test "linux.devices: creates the node with its type, numbers, mode and owner" {
	update_config '.linux.devices = [{"path": "/dev/isotest", "type": "c", "major": 1, "minor": 3,
		"fileMode": 416, "uid": 1000, "gid": 5}]'
	run_ctr 'stat -c "%n %F %t:%T %a %u %g" /dev/isotest'
	assert_success
	assert_output_contains "/dev/isotest character special file 1:3 640 1000 5"
}

@test "linux.devices: a fileMode with the node's file type bits (podman's st_mode) is accepted" {
	# 8630 = 020666: what podman writes for --device /dev/fuse
	update_config '.linux.devices = [{"path": "/dev/isotest", "type": "c", "major": 1, "minor": 3,
		"fileMode": 8630, "uid": 0, "gid": 0}]'
	run_ctr 'stat -c "%n %F %t:%T %a" /dev/isotest'
	assert_success
	assert_output_contains "/dev/isotest character special file 1:3 666"
}

@test "linux.devices: fileMode type bits that contradict type are refused, naming the field" {
	update_config '.linux.devices = [{"path": "/dev/isotest", "type": "b", "major": 1, "minor": 3,
		"fileMode": 8630}]'
	run_ctr 'true'
	assert_one_line_error 'config.json: linux.devices[0].fileMode: file type bits 020000 contradict type "b"'
	assert_no_leftovers
	[ ! -e "$BUNDLE/rootfs/dev/isotest" ] || fail "left /dev/isotest in the rootfs"
}

@test "linux.devices: /dev/ptmx 5:2 (--privileged) opens a pty of the container's devpts" {
	update_config '.linux.devices = [{"path": "/dev/ptmx", "type": "c", "major": 5, "minor": 2,
		"fileMode": 8630, "uid": 0, "gid": 0}]'
	# Holding a master open makes its slave appear in /dev/pts; the host's devpts has no
	# isotest marker to tell them apart, so the count of entries is compared instead.
	run_ctr 'echo "before: $(ls /dev/pts | tr "\n" " ")"
		exec 3<>/dev/ptmx
		echo "after: $(ls /dev/pts | tr "\n" " ")"
		echo "ptmx -> $(readlink /dev/ptmx)"'
	assert_success
	assert_output_contains "before: ptmx "
	assert_output_contains "after: 0 ptmx "
	assert_output_contains "ptmx -> pts/ptmx"
}

@test "linux.devices: a default device listed again (/dev/null 1:3, /dev/tty 5:0) is kept" {
	update_config '.linux.devices = [
		{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 8630, "uid": 0, "gid": 0},
		{"path": "/dev/tty", "type": "c", "major": 5, "minor": 0, "fileMode": 8630}]'
	run_ctr 'stat -c "%n %F %t:%T %a" /dev/null /dev/tty; echo x >/dev/null && echo "null ok"'
	assert_success
	assert_output_contains "/dev/null character special file 1:3 666"
	assert_output_contains "/dev/tty character special file 5:0 666"
	assert_output_contains "null ok"
}

@test "linux.devices in a user namespace: /dev/ptmx 5:2 and /dev/null 1:3 listed (host nodes bound)" {
	# mknod is refused in a user namespace: listed nodes are the host's, bound.
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.devices = [
			{"path": "/dev/ptmx", "type": "c", "major": 5, "minor": 2, "fileMode": 8630},
			{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 8630}]'
	run_ctr 'exec 3<>/dev/ptmx && echo "pts: $(ls /dev/pts | tr "\n" " ")"
		echo x >/dev/null && echo "null ok"'
	assert_success
	assert_output_contains "pts: 0 ptmx "
	assert_output_contains "null ok"
}

@test "proc: the container sees only its own processes" {
	run_ctr 'ls -d /proc/[0-9]* | wc -l; cat /proc/1/cmdline | tr "\0" " "; echo'
	assert_success
	[ "${lines[0]}" -le 3 ] || fail "container sees ${lines[0]} processes"
	assert_output_contains "/bin/sh -c"
}

# bats test_tags=cgroup
@test "cgroup mount: /sys/fs/cgroup is mounted and read-only" {
	add_mount /sys/fs/cgroup cgroup cgroup nosuid noexec nodev relatime ro
	run_ctr 'n=0
		for d in $(awk "{ for (i = 7; i <= NF; i++) if (\$i == \"-\" && \$(i+1) ~ /^cgroup2?\$/) print \$5 }" /proc/self/mountinfo); do
			n=$((n + 1))
			mkdir "$d/isotest-x" 2>/dev/null && echo "WROTE $d"
		done
		echo "cgroup mounts $n"'
	assert_success
	[[ "$output" =~ cgroup\ mounts\ [1-9] ]] || fail "no cgroup file system under /sys/fs/cgroup"
	assert_output_not_contains WROTE
}

@test "mount destination: an absolute symlink out of the rootfs stays inside the rootfs" {
	local hostdir="$BATS_TEST_TMPDIR/hostdir" src="$BATS_TEST_TMPDIR/src"
	mkdir "$hostdir" "$src"
	echo sentinel >"$hostdir/sentinel"
	echo "from src" >"$src/src-file"
	ln -s "$hostdir" "$BUNDLE/rootfs/escape"
	add_mount /escape bind "$src" rbind rw
	run_ctr 'cat /escape/src-file; echo written >/escape/written'
	assert_success
	assert_output_contains "from src"
	# the container's /escape is the mount: its write reached the bind source
	assert_equal "$(cat "$src/written" 2>/dev/null)" written
	# and the host directory the symlink names is untouched
	assert_equal "$(ls -A "$hostdir")" sentinel
	assert_equal "$(cat "$hostdir/sentinel")" sentinel
	assert_no_leftovers
}

@test "mount destination: a relative symlink climbing out of the rootfs stays inside" {
	local hostdir="$BATS_TEST_TMPDIR/hostdir"
	mkdir "$hostdir"
	echo sentinel >"$hostdir/sentinel"
	# from $BUNDLE/rootfs, ../../hostdir is $BATS_TEST_TMPDIR/hostdir on the host;
	# inside the container, .. stops at / and it is /hostdir.
	ln -s ../../hostdir "$BUNDLE/rootfs/escape2"
	add_mount /escape2 tmpfs tmpfs size=1m
	run_ctr 'echo x >/escape2/marker && echo "marker written"
		awk "{ for (i = 7; i <= NF; i++) if (\$i == \"-\") print \$5, \$(i+1) }" /proc/self/mountinfo'
	assert_success
	assert_output_contains "marker written"
	assert_output_contains "/hostdir tmpfs"
	assert_equal "$(ls -A "$hostdir")" sentinel
	assert_no_leftovers
}

@test "mount destination: a symlink to / inside the rootfs never reaches the host root" {
	ln -s / "$BUNDLE/rootfs/slash"
	add_mount /slash/isotest-escape tmpfs tmpfs size=1m
	run_ctr 'grep -c " /isotest-escape " /proc/self/mountinfo'
	assert_success
	assert_equal "$output" 1
	[ ! -e /isotest-escape ] || fail "created /isotest-escape on the host"
	assert_no_leftovers
}

@test "hostname and domainname are set inside, the host's are not" {
	local before
	before=$(hostname)
	update_config '.hostname = "box1" | .domainname = "example.test"'
	run_ctr 'hostname; cat /proc/sys/kernel/domainname'
	assert_success
	assert_equal "${lines[0]}" box1
	assert_equal "${lines[1]}" example.test
	assert_equal "$(hostname)" "$before"
}

@test "network namespace: lo is up with 127.0.0.1, and it is the only interface" {
	run_ctr 'echo "flags $(cat /sys/class/net/lo/flags)"
		echo "ifaces $(ls /sys/class/net | tr "\n" " ")"
		ip -o addr show dev lo'
	assert_success
	local flags
	flags=$(sed -n 's/^flags //p' <<<"$output")
	(((flags & 1) == 1)) || fail "lo flags $flags: not IFF_UP"
	assert_output_contains "ifaces lo "
	assert_output_contains "inet 127.0.0.1/8"
}

@test "network namespace: a TCP connection over loopback works" {
	# The listener's stdin is a pipe that stays open: with /dev/null (a background job's stdin)
	# busybox nc shuts its side at once, and a client that has not yet read its own stdin
	# then quits on that EOF without sending anything.  The listener only ends with its stdin,
	# so the test waits for the bytes, not for it.
	run_ctr 'sleep 60 2>/dev/null | nc -l -p 5555 127.0.0.1 >/tmp/got &
		i=0; while [ $i -lt 100 ] && ! echo ping-over-lo | nc 127.0.0.1 5555 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
		i=0; while [ $i -lt 200 ] && ! grep -q ping-over-lo /tmp/got; do sleep 0.05; i=$((i + 1)); done
		cat /tmp/got'
	assert_success
	assert_output_contains ping-over-lo
}

@test "sysctl: net.ipv4.ip_forward=1 applies inside the container's netns, not on the host" {
	local host_before
	host_before=$(cat /proc/sys/net/ipv4/ip_forward)
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run_ctr 'cat /proc/sys/net/ipv4/ip_forward'
	assert_success
	assert_equal "$output" 1
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_before"
}

@test "sysctl: a non-namespaced sysctl (vm.swappiness) is refused" {
	# Ask for the value the host already has: a runtime bug that applied it changes nothing.
	local cur
	cur=$(cat /proc/sys/vm/swappiness)
	update_config --arg v "$cur" '.linux.sysctl = {"vm.swappiness": $v}'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_stderr_contains "vm.swappiness"
	assert_equal "$(cat /proc/sys/vm/swappiness)" "$cur"
}

@test "sysctl: a net.* sysctl without a network namespace of its own is refused" {
	# Run the runtime inside a network namespace made for this test, so that even a runtime
	# bug can only change that namespace's value, which the test then reads.
	local ns="$ID_TAG-net" after
	# `ip netns` mounts /run/netns once (in this test's mount namespace): let that happen
	# before the leftover snapshot.
	ip netns add "$ns-warmup" && ip netns delete "$ns-warmup"
	snapshot_host_state
	ip netns add "$ns"
	ip netns exec "$ns" sh -c 'echo 0 >/proc/sys/net/ipv4/ip_forward'
	update_config 'del(.linux.namespaces[] | select(.type == "network"))
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	iso_run ip netns exec "$ns" "$ISORUN" --root "$ROOT" create --bundle "$BUNDLE" "$CTR"
	after=$(ip netns exec "$ns" cat /proc/sys/net/ipv4/ip_forward)
	ip netns exec "$ns" "$ISORUN" --root "$ROOT" delete --force "$CTR" >/dev/null 2>&1 3>&- || true
	ip netns delete "$ns"
	assert_failure
	assert_stderr_contains "net.ipv4.ip_forward"
	assert_equal "$after" 0
	assert_no_leftovers
}

@test "root.path: an absolute path to the rootfs works" {
	update_config --arg r "$BUNDLE/rootfs" '.root.path = $r'
	run_ctr 'echo absolute-root-ok'
	assert_success
	assert_output_contains absolute-root-ok
}

@test "user namespace: a bind source the mapped root cannot reach is opened by the runtime" {
	# the container's root is host uid 100000: it may search the bundle's directories, not
	# the 0700 one of the host's root that holds the source
	local d
	for d in "$BATS_RUN_TMPDIR" "$BATS_TEST_TMPDIR" "$BUNDLE"; do chmod o+x "$d"; done
	chown -R 100000:100000 "$BUNDLE/rootfs"
	mkdir -m 0700 "$BATS_TEST_TMPDIR/private"
	mkdir "$BATS_TEST_TMPDIR/private/src"
	echo secret >"$BATS_TEST_TMPDIR/private/src/file"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	add_mount /mnt/private bind "$BATS_TEST_TMPDIR/private/src" rbind ro
	run_ctr 'grep -c " /mnt/private " /proc/self/mountinfo; ls /mnt/private
		for f in /proc/$$/fd/*; do readlink $f; done | grep -c private || true'
	assert_success
	assert_equal "${lines[0]}" 1
	assert_output_contains file
	# the runtime's fd of the source is gone before the container's program
	assert_equal "${lines[-1]}" 0
}
