#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/run-vm.sh [--automake] MODE [BATS-OPTION...] FILE.bats...
#
# Runs bats files inside a VM that is a stock host: Debian's own kernel (linux-image-amd64)
# under qemu (KVM where /dev/kvm exists, TCG emulation otherwise), pure cgroup v2, and in
# systemd mode systemd as PID 1 with D-Bus.  No image is built: the guest sees this machine's /
# read-only over 9p, under a tmpfs overlay, so the source and build trees, bats, jq and the
# runtime are where they are here.  /tmp in the guest is a plain tmpfs: the trees, the runtime
# and the files of the run that lie under this machine's /tmp are bound back onto it at their
# paths (a CI clone may be anywhere).
#
#   MODE bare      the initramfs' init mounts proc, sys, cgroup2 (every controller enabled for
#                  the root's children), devpts, then runs the tests as PID 1 (tests/vm/guest.sh)
#   MODE systemd   switch_root to /lib/systemd/systemd; isorun-vm.service runs the tests once
#                  D-Bus is up, then powers off
#   MODE systemd-hybrid  the same, with the v1 controllers: systemd mounts its hybrid layout
#                  (name=systemd and every v1 controller hierarchy, cgroup2 on
#                  /sys/fs/cgroup/unified), as a host booted with
#                  systemd.unified_cgroup_hierarchy=0 has it
#   MODE systemd-legacy  the same without the cgroup2 mount (also
#                  systemd.legacy_systemd_cgroup_controller=1): cgroup v1 only
#
# The files run through tests/integration/run-in-ns.sh in the guest (--automake is passed on to
# it), with ISORUN (default: the isorun of the build tree), ISORUN_SRCDIR, ISORUN_BUILDDIR and
# any other ISORUN_*, ISO_* and BATS_* variable of this environment.  The TAP stream comes back
# on stdout as the tests run; the exit status is run-in-ns.sh's in the guest.  A VM that does
# not boot, dies or runs out of time reports every test it did not run as failed (`not ok`, the
# count from `bats --count` here), prints the console's tail on stderr and exits non-zero: a
# broken VM is never a green or skipped run.
#
# Environment: ISORUN_VM_TIMEOUT (seconds for the whole VM run, default 3600),
# ISORUN_VM_DEADLINE (a time, in seconds since the epoch, that the run never goes past: it
# shortens ISORUN_VM_TIMEOUT, so that a job running several VMs ends in time even when they hang),
# ISORUN_VM_BOOT_TIMEOUT (seconds until the tests start, default 300), ISORUN_VM_CACHE (where the
# initramfs is kept, default tests/vm/.cache of the build tree), ISORUN_VM_KERNEL (default: the
# newest /boot/vmlinuz-*), ISORUN_VM_MEM (default 4G), ISORUN_VM_CPUS (default 2),
# ISORUN_VM_TCG_CPU (the CPU model without KVM, default qemu64),
# ISORUN_VM_CONSOLE=1 (the serial console on stderr as it comes), ISORUN_VM_KEEP=1 (keep the
# run's directory: console.log, tap, stderr), ISORUN_VM_APPEND (more words for the kernel's
# command line, e.g. "apparmor=1 security=apparmor").
#
# Needs root (the 9p share of / must read every file), and the Debian packages qemu-system-x86,
# linux-image-amd64 and busybox-static.
set -u

automake=
if [ "${1:-}" = --automake ]; then
	automake=--automake
	shift
fi
if [ $# -lt 2 ]; then
	echo "usage: $0 [--automake] bare|systemd|systemd-hybrid|systemd-legacy FILE.bats..." >&2
	exit 2
fi
mode=$1
shift

# The job's tests that have no result yet fail, each with the reason; then the run ends.  What
# the guest's TAP stream already said (the first $off bytes of $run/tap went to stdout) counts;
# before the count is known (bad arguments) there is one failure.
planned=
off=0
bail() {
	local said="" plan reported i
	[ "$off" -eq 0 ] || said=$(head -c "$off" "$run/tap")
	[ -z "$said" ] || [ -z "$(head -c "$off" "$run/tap" | tail -c 1)" ] || echo # end a cut line
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' <<<"$said" | head -n 1)
	if [ -z "$plan" ]; then
		plan=${planned:-1}
		echo "1..$plan"
	fi
	reported=$(grep -c '^\(not \)\?ok ' <<<"$said")
	for ((i = reported + 1; i <= plan; i++)); do
		echo "not ok $i - not run: run-vm.sh ($mode): $*"
	done
	echo "# run-vm.sh ($mode): $*"
	exit 1
}

case $mode in
bare | systemd | systemd-hybrid | systemd-legacy) ;;
*)
	echo "run-vm.sh: unknown mode '$mode' (bare, systemd, systemd-hybrid or systemd-legacy)" >&2
	exit 2
	;;
esac

here=$(cd "$(dirname "$0")" && pwd)
: "${ISORUN_SRCDIR:=$(cd "$here/../.." && pwd)}"
: "${ISORUN_BUILDDIR:=$ISORUN_SRCDIR}"
ISORUN_SRCDIR=$(cd "$ISORUN_SRCDIR" && pwd)
ISORUN_BUILDDIR=$(cd "$ISORUN_BUILDDIR" && pwd)
: "${ISORUN:=$ISORUN_BUILDDIR/isorun}"
if [ -n "${ISORUN_TEST_RUNTIME:-}" ]; then
	ISORUN=$ISORUN_TEST_RUNTIME
fi
: "${ISORUN_VM_TIMEOUT:=3600}"
if [ -n "${ISORUN_VM_DEADLINE:-}" ]; then
	left=$((ISORUN_VM_DEADLINE - $(date +%s)))
	[ "$left" -ge 1 ] || left=1
	[ "$left" -ge "$ISORUN_VM_TIMEOUT" ] || ISORUN_VM_TIMEOUT=$left
fi
: "${ISORUN_VM_BOOT_TIMEOUT:=300}"
[ "$ISORUN_VM_BOOT_TIMEOUT" -le "$ISORUN_VM_TIMEOUT" ] || ISORUN_VM_BOOT_TIMEOUT=$ISORUN_VM_TIMEOUT
: "${ISORUN_VM_CACHE:=$ISORUN_BUILDDIR/tests/vm/.cache}"
: "${ISORUN_VM_MEM:=4G}"
: "${ISORUN_VM_CPUS:=2}"
export ISORUN ISORUN_SRCDIR ISORUN_BUILDDIR

# The job: bats options and files (absolute paths), and how many tests it has.
files=()
paths=()
optarg=0
for f in "$@"; do
	if [ $optarg = 1 ]; then # the value of a bats option
		files+=("$f")
		optarg=0
		continue
	fi
	case $f in
	-f | --filter | --filter-status | --filter-tags | -j | --jobs | -x | --trace) ;;
	-*) ;; # a bats option
	*) [ -e "$f" ] || bail "no such file: $f" ;;
	esac
	case $f in
	-f | --filter | --filter-status | --filter-tags | -j | --jobs)
		files+=("$f")
		optarg=1
		;;
	-*) files+=("$f") ;;
	*)
		files+=("$(cd "$(dirname "$f")" && pwd -P)/$(basename "$f")")
		paths+=("${files[-1]}")
		;;
	esac
done
planned=$(bats --count "${files[@]}" 2>/dev/null) || planned=
for p in "$ISORUN_SRCDIR" "$ISORUN_BUILDDIR" "$ISORUN" "${paths[@]}"; do
	case $p in *[!A-Za-z0-9/._+-]*) bail "the path '$p' has characters the guest's init does not take" ;; esac
done

# What the guest must see at its path although it lies under this machine's /tmp, which the
# guest's own tmpfs hides: the trees, the runtime's directory, the files' directories.  A path
# below another one kept needs nothing of its own.
keep=()
for p in "$ISORUN_SRCDIR" "$ISORUN_BUILDDIR" "$(dirname "$ISORUN")" "${paths[@]%/*}"; do
	case $p in /tmp/?*) keep+=("${p%/}") ;; esac
done
mapfile -t keep < <(printf '%s\n' "${keep[@]}" | LC_ALL=C sort -u |
	awk 'NF { for (k in kept) if (index($0 "/", kept[k] "/") == 1) next; kept[NR] = $0; print }')

[ "$(id -u)" = 0 ] || bail "needs root (the guest's / is this machine's, shared read-only over 9p)"
qemu=$(command -v qemu-system-x86_64) || bail "qemu-system-x86_64 not found: install the Debian package qemu-system-x86"
[ -x /bin/busybox ] || bail "/bin/busybox not found: install the Debian package busybox-static"
command -v cpio >/dev/null || bail "cpio not found: install the Debian package cpio"
# The kernel: Debian's, with its modules here.
if [ -z "${ISORUN_VM_KERNEL:-}" ]; then
	ISORUN_VM_KERNEL=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
fi
[ -r "${ISORUN_VM_KERNEL:-}" ] || bail "no kernel in /boot: install the Debian package linux-image-amd64"
kver=${ISORUN_VM_KERNEL##*/vmlinuz-}
[ -d "/lib/modules/$kver" ] || bail "no /lib/modules/$kver for $ISORUN_VM_KERNEL"

# The initramfs: busybox, init.sh and the modules for 9p and overlay, in dependency order.
# Cached by kernel version and init.sh's contents.
mkdir -p "$ISORUN_VM_CACHE" || bail "cannot make $ISORUN_VM_CACHE"
key=$(cat "$here/init.sh" /bin/busybox "/lib/modules/$kver/modules.dep" | sha256sum | cut -c1-16)
initrd=$ISORUN_VM_CACHE/initramfs-$kver-$key.cpio
# Two VMs may start at once (make check-vm): each builds under its own names and renames.
if [ ! -s "$initrd" ]; then
	for f in "$ISORUN_VM_CACHE"/initramfs-*.cpio; do
		[ "$f" = "$initrd" ] || rm -f "$f"
	done
	stage=$(mktemp -d "$ISORUN_VM_CACHE/stage.XXXXXX") || bail "mktemp failed"
	(
		set -e
		mkdir -p "$stage/bin" "$stage/modules" "$stage/proc" "$stage/sys" "$stage/dev"
		cp /bin/busybox "$stage/bin/busybox"
		cp "$here/init.sh" "$stage/init"
		chmod 755 "$stage/init"
		: >"$stage/modules.order"
		for m in virtio_pci 9pnet_virtio 9p overlay; do
			modprobe -S "$kver" --show-depends "$m" | while read -r kind path _; do
				[ "$kind" = insmod ] || continue
				name=${path##*/}
				case $name in *.ko.xz) name=${name%.xz} ;; *.ko.zst) name=${name%.zst} ;; esac
				grep -qx "$name" "$stage/modules.order" && continue
				case $path in
				*.xz) xz -dc "$path" >"$stage/modules/$name" ;;
				*.zst) zstd -dcq "$path" >"$stage/modules/$name" ;;
				*) cp "$path" "$stage/modules/$name" ;;
				esac
				echo "$name" >>"$stage/modules.order"
			done
		done
		grep -q '^9p.ko$' "$stage/modules.order"
		cd "$stage" && find . | cpio -o -H newc --quiet >"$initrd.$$.tmp"
	) || {
		rm -rf "$stage" "$initrd.$$.tmp"
		bail "could not build the initramfs (modprobe -S $kver --show-depends)"
	}
	mv "$initrd.$$.tmp" "$initrd"
	rm -rf "$stage"
fi

# The run's directory, shared writable with the guest as tag "out".
run=$(mktemp -d "${TMPDIR:-/tmp}/isorun-vm.XXXXXX") || bail "mktemp failed"
qpid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
	if [ "${ISORUN_VM_KEEP:-0}" = 1 ]; then
		echo "# run-vm.sh: the run's files are in $run" >&2
	else
		rm -rf "$run"
	fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

{
	echo "ISOVM_MODE=$mode"
	echo "ISOVM_SRCDIR=$ISORUN_SRCDIR"
	echo "ISOVM_KEEP=${keep[*]}"
	printf 'ISOVM_FILES=('
	printf ' %q' "${files[@]}"
	printf ' )\n'
	printf 'ISOVM_RUN_ARGS=%q\n' "$automake"
	# the run as a whole has ISORUN_VM_TIMEOUT; so have the tests inside
	printf 'export ISORUN_TEST_FILE_TIMEOUT=%q\n' "${ISORUN_TEST_FILE_TIMEOUT:-$ISORUN_VM_TIMEOUT}"
	while IFS='=' read -r name _; do
		case $name in
		ISORUN_VM_* | ISORUN_TEST_FILE_TIMEOUT) ;;
		ISORUN* | ISO_* | BATS_*) printf 'export %s=%q\n' "$name" "${!name}" ;;
		esac
	done < <(env)
} >"$run/job.env"

# kvm_boots MODEL: under KVM with that CPU model, the kernel prints its banner within 10 s
# (under 1 s where KVM works; TCG takes about 5).  /dev/kvm alone proves nothing: under some
# nested hypervisors qemu aborts at the first vCPU reset (an MSR that `-cpu host` names is
# refused), or the guest hangs silently once the kernel is entered.
kvm_boots() {
	local log=$run/kvm-probe.log pid i
	"$qemu" -nodefaults -no-user-config -nographic -no-reboot -accel kvm -cpu "$1" \
		-machine q35 -m 256 -kernel "$ISORUN_VM_KERNEL" \
		-append "console=ttyS0 earlyprintk=ttyS0 panic=-1" \
		-serial "file:$log" -monitor none </dev/null >/dev/null 2>&1 &
	pid=$!
	# no "Aborted" job notice for the qemu that dies
	disown $pid
	for i in $(seq 100); do
		grep -aq "Linux version" "$log" 2>/dev/null && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	kill $pid 2>/dev/null
	grep -aq "Linux version" "$log" 2>/dev/null
}

# TCG's CPU: qemu64 (SSE2, no AVX, 4-level paging) rather than max: a process start (fork,
# exec, ld.so) took about 45 ms against 60 to 70 ms with max, whose AVX string functions and
# 5-level page tables TCG emulates the slow way.
accel=(-accel tcg,thread=multi -cpu "${ISORUN_VM_TCG_CPU:-qemu64}")
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	for model in host host,-arch-capabilities; do
		if kvm_boots "$model"; then
			accel=(-accel kvm -cpu "$model")
			break
		fi
		echo "# run-vm.sh: KVM does not boot the kernel with -cpu $model" >&2
	done
fi
# no_timer_check: under TCG on a loaded machine the kernel's IO-APIC timer check can miss its
# ticks and panic at boot ("IO-APIC + timer doesn't work"), seen here with four VMs on 2 cores
cmdline="console=ttyS0 panic=-1 no_timer_check quiet loglevel=4"
# systemd 252 still mounts the v1 layouts when asked on its command line
case $mode in
systemd-hybrid) cmdline+=" systemd.unified_cgroup_hierarchy=0" ;;
systemd-legacy) cmdline+=" systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=1" ;;
*) cmdline+=" cgroup_no_v1=all" ;;
esac
cmdline+="${ISORUN_VM_APPEND:+ $ISORUN_VM_APPEND}"
if [ "$mode" != bare ]; then
	cmdline+=" systemd.unit=isorun-vm.target systemd.mask=tmp.mount systemd.mask=systemd-tmpfiles-setup.service"
	cmdline+=" systemd.mask=systemd-tmpfiles-setup-dev.service systemd.mask=systemd-tmpfiles-setup-dev-early.service"
	cmdline+=" systemd.mask=systemd-tmpfiles-clean.timer systemd.show_status=0"
fi

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }
t0=$(date +%s.%N)
"$qemu" -nodefaults -no-user-config -nographic -no-reboot "${accel[@]}" \
	-machine q35 -m "$ISORUN_VM_MEM" -smp "$ISORUN_VM_CPUS" \
	-kernel "$ISORUN_VM_KERNEL" -initrd "$initrd" -append "$cmdline" \
	-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$run,mount_tag=out,security_model=none" \
	-nic none -serial "file:$run/console.log" -monitor none \
	</dev/null >"$run/qemu.out" 2>&1 &
qpid=$!
if [ "${ISORUN_VM_CONSOLE:-0}" = 1 ]; then
	tail -n +1 -F --pid=$qpid "$run/console.log" >&2 2>/dev/null &
fi

console_tail() {
	{
		echo "# run-vm.sh ($mode): the last lines of the VM's console:"
		tail -n 40 "$run/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/#   /'
		[ -s "$run/qemu.out" ] && sed 's/^/# qemu: /' "$run/qemu.out"
		[ -s "$run/boot-error" ] && sed 's/^/# guest: /' "$run/boot-error"
	} >&2
}

# Wait for the tests to start.
deadline=$(($(date +%s) + ISORUN_VM_BOOT_TIMEOUT))
while [ ! -e "$run/started" ]; do
	if ! kill -0 $qpid 2>/dev/null; then
		console_tail
		bail "the VM stopped before the tests started${run:+: $(head -c 300 "$run/boot-error" 2>/dev/null)}"
	fi
	if [ "$(date +%s)" -ge "$deadline" ]; then
		console_tail
		bail "the VM did not start the tests within ${ISORUN_VM_BOOT_TIMEOUT}s"
	fi
	sleep 0.5
done
t_start=$(date +%s.%N)
echo "# run-vm.sh: $mode VM booted to the tests in $(secs "$t_start" "$t0")s (guest uptime $(cat "$run/started")s), ${accel[1]} (-cpu ${accel[3]}), kernel $kver"

# The TAP stream, as the guest writes it, until qemu exits or the time is up.
remaining=$((ISORUN_VM_TIMEOUT - ${t_start%.*} + ${t0%.*}))
[ $remaining -gt 0 ] || remaining=1
deadline=$(($(date +%s) + remaining))
copy_tap() {
	local size
	size=$(stat -c %s "$run/tap" 2>/dev/null || echo 0)
	if [ "$size" -gt "$off" ]; then
		tail -c +$((off + 1)) "$run/tap" | head -c $((size - off))
		off=$size
	fi
}
while kill -0 $qpid 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
	copy_tap
	sleep 1
done
copy_tap
if kill -0 $qpid 2>/dev/null; then
	kill $qpid
	wait $qpid 2>/dev/null
	qpid=
	sed 's/^/# stderr: /' "$run/stderr" | tail -n 40 >&2
	console_tail
	bail "the VM run timed out after ${ISORUN_VM_TIMEOUT}s"
fi
wait $qpid 2>/dev/null
qpid=
t_end=$(date +%s.%N)
if [ ! -s "$run/rc" ]; then
	sed 's/^/# stderr: /' "$run/stderr" 2>/dev/null | tail -n 40 >&2
	console_tail
	bail "the VM stopped before the tests ended"
fi
rc=$(cat "$run/rc")
if [ -s "$run/stderr" ]; then
	sed 's/^/# stderr: /' "$run/stderr" | tail -n 60 >&2
fi
echo "# run-vm.sh: $mode: tests ran $(secs "$(cat "$run/finished")" "$(cat "$run/started")")s in the guest; whole VM run $(secs "$t_end" "$t0")s; exit status $rc"
# the tests inside stopped short of their plan (run-in-ns.sh's timeout, bats itself failed)
said=$(cat "$run/tap")
plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' <<<"$said" | head -n 1)
if [ -z "$plan" ] || [ "$(grep -c '^\(not \)\?ok ' <<<"$said")" -lt "$plan" ]; then
	bail "the tests in the VM stopped before their end (exit status $rc)"
fi
exit "$rc"
