#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-in-ns.sh [BATS-OPTION...] FILE.bats...
#
# Runs bats files (TAP on stdout) inside a private mount + uts namespace, so that no test,
# and no runtime bug, can mount onto the host's file systems or rename the host.  It is the
# LOG_COMPILER of `make check` for .bats files, and the way to run a file by hand:
#
#   ISORUN=$PWD/isorun bash tests/integration/run-in-ns.sh tests/integration/lifecycle.bats
#   ISORUN=/usr/sbin/runc bash tests/integration/run-in-ns.sh -f 'kill' tests/integration/lifecycle.bats
#
# The exit status is bats' (non-zero when a test failed).  With --automake as the first argument
# (what Makefile.am's BATS_LOG_COMPILER passes), failed tests are reported only through the TAP
# stream, so automake's TAP driver does not count a failing file once more as an ERROR; a file
# that could not run, bailed out, or timed out still exits non-zero (the driver also flags a TAP
# stream that falls short of its plan).
#
# By default the tests also get their own pid namespace (with a /proc of their own): a process
# a test leaves behind is then visible to the leftover check without noise from the rest of the
# machine, and is killed when the file ends.  ISORUN_TEST_PIDNS=0 turns that off.
#
# Environment: ISORUN (the runtime binary to test; default ./isorun of the source tree; `make check`
# sets it to the one it built), ISORUN_TEST_RUNTIME (overrides ISORUN, also under `make check`:
# `ISORUN_TEST_RUNTIME=/usr/sbin/runc make check` runs the suite against runc), ISORUN_SRCDIR
# (the source tree), ISORUN_TEST_FILE_TIMEOUT (seconds per invocation, default 900),
# BATS_TEST_TIMEOUT (seconds per test, default 300).
set -u

automake=0
if [ "${1:-}" = --automake ]; then
	automake=1
	shift
fi
if [ $# -eq 0 ]; then
	echo "usage: $0 [--automake] [bats options] FILE.bats..." >&2
	exit 2
fi

bail() {
	echo "1..1"
	echo "Bail out! $*"
	exit 1
}

[ "$(id -u)" = 0 ] || bail "the integration tests need root (they create namespaces and mounts)"
command -v bats >/dev/null 2>&1 || bail "bats not found: install the Debian package bats"
command -v unshare >/dev/null 2>&1 || bail "unshare not found: install the Debian package util-linux"
command -v jq >/dev/null 2>&1 || bail "jq not found: install the Debian package jq"

here=$(cd "$(dirname "$0")" && pwd)
: "${ISORUN_SRCDIR:=$(cd "$here/../.." && pwd)}"
: "${ISORUN:=$ISORUN_SRCDIR/isorun}"
if [ -n "${ISORUN_TEST_RUNTIME:-}" ]; then
	ISORUN=$ISORUN_TEST_RUNTIME
fi
: "${BATS_TEST_TIMEOUT:=300}"
export ISORUN ISORUN_SRCDIR BATS_TEST_TIMEOUT

echo "# runtime under test: ISORUN=$ISORUN"

pidns="--pid --fork --kill-child --mount-proc"
if [ "${ISORUN_TEST_PIDNS:-1}" = 0 ]; then
	pidns=""
fi

# --propagation private: nothing mounted in here propagates back to the host (unshare's default
# is already private; say so).  timeout: a hung test must not hang `make check` forever.
# shellcheck disable=SC2086
timeout --kill-after=30 "${ISORUN_TEST_FILE_TIMEOUT:-900}" \
	unshare --mount --uts --propagation private $pidns \
	bats --tap "$@"
rc=$?
case $rc in
124 | 137) echo "# run-in-ns.sh: timed out after ${ISORUN_TEST_FILE_TIMEOUT:-900}s" ;;
1) [ $automake = 1 ] && rc=0 ;; # bats: some test failed; the TAP says which
esac
exit $rc
