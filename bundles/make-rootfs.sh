#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make-rootfs.sh DIR: populate DIR as a minimal busybox root file system.
#
# Uses Debian's busybox-static (/bin/busybox, statically linked, so the rootfs needs no
# libraries).  DIR gets:
#   bin/busybox                 a copy of the host's busybox-static binary
#   bin/APPLET -> busybox       one relative symlink per applet of `busybox --list`,
#                               except `busybox` itself (that would replace the binary)
#   proc sys dev tmp etc root home   empty directories (mount points and scratch space)
#   etc/passwd, etc/group       root (0) and nobody (65534)
#
# Idempotent and fast: a second run only fixes what is missing or different.  Nothing is
# ever removed except a stale bin/busybox symlink.  Never run it on a directory that is not
# meant to become a rootfs: it writes into DIR/bin and DIR/etc.
set -eu

usage() {
	echo "usage: $0 DIR" >&2
	exit 2
}

[ $# -eq 1 ] || usage
case "$1" in -h | --help) usage ;; esac

dir=$1
busybox=${BUSYBOX:-/bin/busybox}

if [ ! -x "$busybox" ]; then
	echo "$0: $busybox not found: install the Debian package busybox-static" >&2
	exit 1
fi
# busybox-static is what makes the rootfs self-contained; a dynamic busybox would need libc
# inside the rootfs.
if command -v file >/dev/null 2>&1 && ! file -L "$busybox" | grep -q 'statically linked'; then
	echo "$0: $busybox is not statically linked: install busybox-static" >&2
	exit 1
fi

mkdir -p "$dir"
cd "$dir"
mkdir -p bin proc sys dev tmp etc root home
chmod 1777 tmp
chmod 0700 root

# The binary: replace a stale symlink, copy only when the content differs.
if [ -L bin/busybox ]; then
	rm -f bin/busybox
fi
if ! cmp -s "$busybox" bin/busybox 2>/dev/null; then
	cp "$busybox" bin/busybox.tmp
	chmod 0755 bin/busybox.tmp
	mv -f bin/busybox.tmp bin/busybox
fi

# One symlink per applet.  perl (perl-base is essential in Debian) makes them all in one
# process; the shell loop is the fallback.
applets=$("$busybox" --list | grep -vx busybox)
if command -v perl >/dev/null 2>&1; then
	printf '%s\n' "$applets" | perl -e '
		while (my $a = <STDIN>) {
			chomp $a;
			next if $a eq "" || $a =~ m{/};
			my $l = "bin/$a";
			next if -l $l && readlink($l) eq "busybox";
			unlink $l if -l $l;
			next if -e $l;    # a real file of the same name: leave it alone
			symlink("busybox", $l) or die "symlink $l: $!\n";
		}'
else
	for a in $applets; do
		l=bin/$a
		if [ -L "$l" ] && [ "$(readlink "$l")" = busybox ]; then
			continue
		fi
		[ -L "$l" ] && rm -f "$l"
		[ -e "$l" ] || ln -s busybox "$l"
	done
fi

if [ ! -e etc/passwd ]; then
	cat >etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
fi
if [ ! -e etc/group ]; then
	cat >etc/group <<'EOF'
root:x:0:
nobody:x:65534:
EOF
fi
