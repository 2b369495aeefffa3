#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/init.sh: the /init of the test VM's initramfs (run-vm.sh packs it with busybox-static
# and the kernel modules named in /modules.order).  It mounts the host's / (9p tag "host",
# read-only) under a tmpfs overlay, the results share (9p tag "out") at /isovm/out of the new
# root, reads the job there, puts a tmpfs on /tmp (the job's paths under it bound back), and
# switch_roots: in bare mode into tests/vm/guest.sh of the job's source tree, in the systemd
# modes into systemd with the isorun-vm.target of that tree.
/bin/busybox --install -s /bin
export PATH=/bin

die() {
	echo "isorun-vm init: $*" >&2
	[ -d /out ] && echo "init: $*" >/out/boot-error 2>/dev/null
	echo o >/proc/sysrq-trigger
	sleep 5
	poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mount -t tmpfs -o mode=0755 dev /dev

for m in $(cat /modules.order); do
	insmod "/modules/$m" || die "insmod $m failed"
done

mkdir -p /lower /rw /newroot /out
# cache=loose: the host's / does not change under a run (the trees are built before it), and
# without a cache each exec reread ld.so and libc over 9p (a process start cost 20% more)
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose host /lower || die "cannot mount the host's / (9p tag host)"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /out || die "cannot mount the results share (9p tag out)"
mount -t tmpfs -o mode=0755 rw /rw || die "tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	die "cannot mount the overlay on the host's /"

[ -f /out/job.env ] || die "no job.env on the results share"
mode=$(sed -n 's/^ISOVM_MODE=//p' /out/job.env)
src=$(sed -n 's/^ISOVM_SRCDIR=//p' /out/job.env)
[ -d "/newroot$src/tests/vm" ] || die "the source tree $src is not visible in the guest"
echo "isorun-vm init: host / mounted; mode $mode" >&2

# This machine may be a container: its marker files would make systemd (and tests) take the VM
# for one; systemd then reads its command line from its argv, not the kernel's, and ignores the
# systemd.mask= that run-vm.sh passes.
rm -f /newroot/.dockerenv /newroot/run/.containerenv

# The tests copy rootfs trees and stack overlays in /tmp: a plain tmpfs, not the overlay over
# 9p.  What run-vm.sh keeps (ISOVM_KEEP: the trees, the runtime, the test files that lie under
# this machine's /tmp) is set aside and bound back onto the tmpfs at its own path.
keep=$(sed -n 's/^ISOVM_KEEP=//p' /out/job.env)
i=0
for p in $keep; do
	mkdir -p /keep/$i && mount --bind "/newroot$p" /keep/$i || die "cannot keep $p (not in the guest's /)"
	i=$((i + 1))
done
mount -t tmpfs -o mode=1777,nosuid,nodev,size=75% tmp /newroot/tmp || die "cannot mount a tmpfs on /tmp"
i=0
for p in $keep; do
	mkdir -p "/newroot$p" && mount --move /keep/$i "/newroot$p" || die "cannot bind $p back onto /tmp"
	i=$((i + 1))
done

mkdir -p /newroot/isovm/out
mount --move /out /newroot/isovm/out
mount --move /dev /newroot/dev
mount --move /sys /newroot/sys
mount --move /proc /newroot/proc

case $mode in
bare)
	exec switch_root /newroot /bin/bash "$src/tests/vm/guest.sh" bare
	;;
systemd | systemd-hybrid | systemd-legacy)
	for u in isorun-vm.target isorun-vm.service; do
		cp "/newroot$src/tests/vm/$u" /newroot/etc/systemd/system/$u || die "cannot install $u"
	done
	sed -i "s|@SRCDIR@|$src|g" /newroot/etc/systemd/system/isorun-vm.service
	# systemd.unit=isorun-vm.target is on the kernel command line (run-vm.sh)
	exec switch_root /newroot /lib/systemd/systemd
	;;
*) die "unknown mode '$mode'" ;;
esac
die "switch_root failed"
