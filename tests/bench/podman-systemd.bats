#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs tests/bench/podman-systemd.sh where it can run: in the systemd test VM, in the host's pid
# namespace, and shows its report in the TAP stream.
#
#   ISORUN_TEST_PIDNS=0 ISORUN_BENCH_N=10 tests/vm/run-vm.sh systemd tests/bench/podman-systemd.bats
#
# ISORUN_BENCH_N (default 10) and ISORUN_BENCH_WARM (default 2) are its -n and -w;
# ISORUN_BENCH_ISORUN, when set, is the isorun it times in place of $ISORUN (so that one VM can
# run other bats files on another binary).  The test fails only when the benchmark does (a
# failed command), never on a timing.

@test "bench: podman run --rm with podman's systemd defaults, isorun vs runc" {
	[ "$(cat /proc/1/comm)" = systemd ] ||
		skip "systemd is not PID 1 here (no systemd, or a pid namespace of the tests' own: ISORUN_TEST_PIDNS=0)"
	local out="$BATS_TEST_TMPDIR/report"
	ISORUN=${ISORUN_BENCH_ISORUN:-$ISORUN} "$BATS_TEST_DIRNAME/podman-systemd.sh" -n "${ISORUN_BENCH_N:-10}" -w "${ISORUN_BENCH_WARM:-2}" \
		>"$out" 3>&- || {
		cat "$out"
		return 1
	}
	sed 's/^/# /' "$out" >&3
}
