#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/check-vm.sh: `make check-vm`'s driver.  Runs each VM suite (one VM, one TAP stream,
# read by automake's TAP driver into tests/vm/SUITE.log and .trs) with up to VM_JOBS VMs at a
# time, the suites started in the order of VM_SUITES (put the longest first: it is the schedule),
# and prints one line per suite, in that order, once all have ended.  Exit status 1 when a suite
# has a failing result or could not run.
#
# Why several at a time: under TCG a VM's tests are one serial stream of process starts, which
# keeps one host core busy; two single-vCPU VMs on this 2-core machine do about 1.5 times the
# work of one (measured: a fork+exec took 1.2 to 1.5 times as long in each).  Two 2-vCPU VMs are
# far worse (3 times as long each): TCG's cross-vCPU TLB flushes wait for every vCPU thread of a
# VM to run.  So with VM_JOBS > 1 each VM gets one vCPU, unless ISORUN_VM_CPUS says otherwise.
#
# Environment (set by the Makefile): VM_SUITES, VM_JOBS, AM_TAP_AWK, the trees' ISORUN_*, and per
# suite its files: VM_BARE_TESTS, VM_BARE_CRASH_TESTS, VM_BARE_CGROUP_TESTS, VM_SYSTEMD_TESTS,
# VM_SYSTEMD_CLIENT_TESTS, VM_SYSTEMD_HYBRID_TESTS (see Makefile.am for what each suite is).
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=${ISORUN_SRCDIR:?}
jobs=${VM_JOBS:-1}
[ "$jobs" -ge 1 ] 2>/dev/null || {
	echo "check-vm: VM_JOBS=$jobs is not a number of VMs" >&2
	exit 2
}
[ "$jobs" -eq 1 ] || export ISORUN_VM_CPUS=${ISORUN_VM_CPUS:-1}
mkdir -p tests/vm

# suite_spec SUITE: sets mode, files, opts (bats options), envs (more environment).
suite_spec() {
	opts='' envs=''
	case $1 in
	bare) mode=bare files=${VM_BARE_TESTS:-} ;;
	bare-crash) mode=bare files=${VM_BARE_CRASH_TESTS:-} ;;
	bare-cgroup) mode=bare files=${VM_BARE_CGROUP_TESTS:-} opts='--filter-tags cgroup' ;;
	systemd) mode=systemd files=${VM_SYSTEMD_TESTS:-} ;;
	systemd-clients)
		mode=systemd files=${VM_SYSTEMD_CLIENT_TESTS:-}
		envs='ISORUN_TEST_PIDNS=0 ISO_CMD_TIMEOUT=240 BATS_TEST_TIMEOUT=1200'
		;;
	systemd-hybrid)
		mode=systemd-hybrid files=${VM_SYSTEMD_HYBRID_TESTS:-}
		envs='BATS_TEST_TIMEOUT=900'
		;;
	*) return 1 ;;
	esac
}

# run_suite SUITE: one VM; its summary line goes to tests/vm/SUITE.sum.
run_suite() {
	local suite=$1 mode files opts envs f paths=() start counts
	local log=tests/vm/$suite.log trs=tests/vm/$suite.trs sum=tests/vm/$suite.sum
	rm -f "$log" "$trs" "$sum"
	suite_spec "$suite" || {
		echo "check-vm: unknown suite $suite" >"$sum"
		return 1
	}
	for f in $files; do
		if [ -f "$srcdir/$f" ]; then
			paths+=("$srcdir/$f")
		else
			echo "check-vm: $suite: $f does not exist: left out"
		fi
	done
	if [ ${#paths[@]} -eq 0 ]; then
		echo "check-vm: $suite: no file to run" >"$sum"
		return 0
	fi
	echo "check-vm: $suite ($mode VM) started:${opts:+ $opts} ${paths[*]}"
	start=$(date +%s)
	# shellcheck disable=SC2086 # envs and opts are word lists
	env $envs bash "$srcdir/build-aux/tap-driver.sh" --test-name "vm-$suite" --log-file "$log" --trs-file "$trs" \
		--color-tests no --enable-hard-errors yes --expect-failure no -- \
		bash "$here/run-vm.sh" --automake "$mode" --timing $opts "${paths[@]}"
	counts=$(sed -n 's/^:test-result: *\([A-Z]*\).*/\1/p' "$trs" 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ')
	{
		grep '^# run-vm.sh' "$log"
		echo "check-vm: $suite: ${counts:-no result }in $(($(date +%s) - start))s (log: $log)"
	} >"$sum"
	echo "check-vm: $suite ended: ${counts:-no result}"
	[ -n "$counts" ] && ! grep -q '^:test-result: *\(FAIL\|ERROR\|XPASS\)' "$trs"
}

rc=0
running=0
for suite in $VM_SUITES; do
	if [ $running -ge "$jobs" ]; then
		wait -n || rc=1
		running=$((running - 1))
	fi
	run_suite "$suite" &
	running=$((running + 1))
done
while [ $running -gt 0 ]; do
	wait -n || rc=1
	running=$((running - 1))
done
for suite in $VM_SUITES; do
	cat "tests/vm/$suite.sum" 2>/dev/null || {
		echo "check-vm: $suite: no summary"
		rc=1
	}
done
exit $rc
