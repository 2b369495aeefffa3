#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/guest.sh MODE: runs inside the test VM (see run-vm.sh), as PID 1 in bare mode and as
# isorun-vm.service under systemd in systemd mode.  It reads the job (/isovm/out/job.env,
# written by run-vm.sh), prepares what a host has (bare mode: the API file systems, cgroup2 with
# every controller enabled for children, lo; both modes: fuse and loop devices), and runs
# tests/integration/run-in-ns.sh with the job's bats files.  Results go to the share:
#   started   uptime (s) when the tests start      tap     bats' TAP stream
#   stderr    the tests' stderr                     rc      run-in-ns.sh's exit status
#   finished  uptime (s) when the tests ended
# Then it powers the VM off (bare mode; in systemd mode the unit's SuccessAction does).
mode=${1:?usage: guest.sh bare|systemd}
out=/isovm/out
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

poweroff_now() {
	sync
	if [ "$mode" = bare ]; then
		echo o >/proc/sysrq-trigger
		sleep 10
	fi
	exit "${1:-0}"
}
fail() {
	echo "guest.sh: $*" >&2
	echo "guest.sh: $*" >>$out/boot-error
	poweroff_now 1
}

if [ "$mode" = bare ]; then
	# PID 1 of a bare kernel: nothing is mounted but what init.sh moved here.
	mountpoint -q /proc || mount -t proc proc /proc
	mountpoint -q /sys || mount -t sysfs sysfs /sys
	mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || fail "cannot mount cgroup2"
	# every controller the kernel has, enabled for the children of the root (a stock host does
	# this through systemd); one at a time, so that one the kernel refuses does not hide the rest
	for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
		echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null ||
			echo "guest.sh: could not enable the $c controller" >&2
	done
	mkdir -p /dev/pts /dev/shm /dev/mqueue
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts
	[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
	mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
	mount -t mqueue mqueue /dev/mqueue 2>/dev/null
	ln -sfn /proc/self/fd /dev/fd
	ln -sfn /proc/self/fd/0 /dev/stdin
	ln -sfn /proc/self/fd/1 /dev/stdout
	ln -sfn /proc/self/fd/2 /dev/stderr
	mount -t tmpfs -o mode=0755,nosuid,nodev run /run
	mkdir -p /run/lock
	hostname isorun-vm
	ip link set lo up 2>/dev/null || busybox ip link set lo up
fi

# apparmor_parser and the runtimes' AppArmor checks look at securityfs (systemd may mount it)
mountpoint -q /sys/kernel/security || mount -t securityfs securityfs /sys/kernel/security 2>/dev/null

# A stock host has /dev/fuse and loop block devices (static nodes that load their module when
# first opened; nothing makes those nodes here): the devices and blockIO tests use them.
modprobe -q fuse || echo "guest.sh: no fuse module" >&2
modprobe -q loop || echo "guest.sh: no loop module" >&2

[ -f $out/job.env ] || fail "no $out/job.env"
# shellcheck disable=SC1091
. $out/job.env

# /tmp is a plain tmpfs (init.sh)
mountpoint -q /tmp || fail "/tmp is not the tmpfs init.sh mounts"
export TMPDIR=/tmp BATS_TMPDIR=/tmp HOME=/root

if [ "$mode" = systemd ]; then
	# the boot, for a look at what took its time (kept with ISORUN_VM_KEEP=1)
	journalctl -b -o short-monotonic --no-pager >$out/journal 2>&1
fi

cd "$ISOVM_SRCDIR" || fail "no source tree $ISOVM_SRCDIR"
# each result file is written aside and renamed: run-vm.sh never reads one half-written
result() { echo "$2" >"$out/.$1" && mv "$out/.$1" "$out/$1"; }
result started "$(cut -d' ' -f1 /proc/uptime)"
# shellcheck disable=SC2086
bash tests/integration/run-in-ns.sh $ISOVM_RUN_ARGS "${ISOVM_FILES[@]}" >$out/tap 2>$out/stderr
rc=$?
result finished "$(cut -d' ' -f1 /proc/uptime)"
result rc $rc
poweroff_now 0
