#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input: each case in its own test, with the message it must give (one line on stderr,
# naming the file and the field or object at fault), a non-zero status, and nothing left behind
# (no mount, cgroup, --root entry or process: assert_no_leftovers right after the failure).

load helpers

# create_fails SUBSTRING...: `create` of $CTR over $BUNDLE fails, leaves nothing, and its
# one-line message contains every SUBSTRING.
create_fails() {
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	local s
	for s in "$@"; do
		assert_one_line_error "$s"
	done
	iso_run isorun state "$CTR"
	assert_failure
}

# ---------------------------------------------------------------------------------------------
# The bundle and its config.json

@test "create: a missing bundle directory is named" {
	local missing="$BATS_TEST_TMPDIR/no-such-bundle"
	iso_run isorun create --bundle "$missing" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "$missing"
}

@test "create: a bundle that is a file, not a directory, is an error" {
	local file="$BATS_TEST_TMPDIR/not-a-dir"
	echo x >"$file"
	iso_run isorun create --bundle "$file" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "$file"
}

@test "create: a bundle path or an id that is not UTF-8 is refused (state.json must read back)" {
	local odd
	odd="$BATS_TEST_TMPDIR/$(printf 'bundle-\377')"
	mv "$BUNDLE" "$odd"
	iso_run isorun create --bundle "$odd" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "the path is not valid UTF-8"
	mv "$odd" "$BUNDLE"
	iso_run isorun create --bundle "$BUNDLE" "$(printf 'id-\377')"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "invalid container id: not UTF-8"
	# A UTF-8 path that is not ASCII is fine, and the container can be deleted again.
	odd="$BATS_TEST_TMPDIR/bündle"
	mv "$BUNDLE" "$odd"
	iso_run isorun create --bundle "$odd" "$CTR"
	assert_success
	assert_equal "$(isorun state "$CTR" | jq -r .bundle)" "$odd"
	iso_run isorun delete --force "$CTR"
	assert_success
	assert_no_leftovers
}

@test "create: config.json absent" {
	rm "$BUNDLE/config.json"
	create_fails "config.json"
}

@test "create: config.json truncated" {
	head -c 200 "$ISORUN_SRCDIR/bundles/hello/config.json" >"$BUNDLE/config.json"
	create_fails "config.json: "
}

@test "create: config.json empty" {
	: >"$BUNDLE/config.json"
	create_fails "config.json: "
}

@test "create: config.json is not an object" {
	echo '[1, 2, 3]' >"$BUNDLE/config.json"
	create_fails "config.json: " "object"
}

@test "create: config.json with trailing garbage after the object" {
	{
		cat "$ISORUN_SRCDIR/bundles/hello/config.json"
		echo '{"more": 1}'
	} >"$BUNDLE/config.json"
	create_fails "config.json: "
}

@test "run: a config.json that is a FIFO is refused at once, not waited on with TERM blocked" {
	rm "$BUNDLE/config.json"
	mkfifo "$BUNDLE/config.json"
	iso_run --timeout 10 isorun run --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "$BUNDLE/config.json: not a regular file"
}

@test "create: a config.json that is a FIFO or a directory is refused, naming it" {
	rm "$BUNDLE/config.json"
	mkfifo "$BUNDLE/config.json"
	iso_run --timeout 10 isorun create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "$BUNDLE/config.json: not a regular file"
	rm "$BUNDLE/config.json"
	mkdir "$BUNDLE/config.json"
	create_fails "$BUNDLE/config.json: not a regular file"
}

@test "create: a NUL byte or invalid UTF-8 in config.json names the field" {
	update_config '.process.args = ["/bin/sh", "BAD"]'
	local good="$BATS_TEST_TMPDIR/good.json"
	cp "$BUNDLE/config.json" "$good"
	sed 's/"BAD"/"a\xffb"/' "$good" >"$BUNDLE/config.json"
	create_fails "config.json: process.args[1]: invalid UTF-8"
	sed 's/"BAD"/"a\x00b"/' "$good" >"$BUNDLE/config.json"
	create_fails "config.json: process.args[1]: contains a NUL byte"
	sed 's/"BAD"/"a\\u0000b"/' "$good" >"$BUNDLE/config.json"
	create_fails "config.json: process.args[1]: \\u0000 in a string is not supported"
	sed 's/"BAD"/"ok"/; s/"args"/"a\xffrgs"/' "$good" >"$BUNDLE/config.json"
	create_fails "config.json: a key in process: invalid UTF-8"
}

@test "create: process.user.uid of the wrong type" {
	update_config '.process.user.uid = "x"'
	create_fails "config.json: process.user.uid: expected an unsigned 32-bit integer"
}

@test "create: process.user.uid negative" {
	update_config '.process.user.uid = -1'
	create_fails "config.json: process.user.uid: expected an unsigned 32-bit integer"
}

@test "create: process.user.uid above 2^32-1" {
	update_config '.process.user.uid = 4294967296'
	create_fails "config.json: process.user.uid: expected an unsigned 32-bit integer"
}

@test "create: process of the wrong type" {
	update_config '.process = "sh"'
	create_fails "config.json: process"
}

@test "create: root.readonly of the wrong type" {
	update_config '.root.readonly = "yes"'
	create_fails "config.json: root.readonly"
}

@test "create: a mount destination of the wrong type names its index" {
	update_config '.mounts += [{"destination": 5, "type": "tmpfs", "source": "tmpfs"}]'
	create_fails "config.json: mounts[7].destination"
}

@test "create: an unknown namespace type" {
	update_config '.linux.namespaces += [{"type": "bogus"}]'
	create_fails "config.json: linux.namespaces[5].type"
}

# timeOffsets were once read in the init, after the mounts: a secs that is not a number became 0
# and the container ran with the wrong clock.
@test "create: linux.timeOffsets with a value of the wrong type or an unknown clock" {
	update_config '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"boottime": {"secs": "86400"}}'
	create_fails "config.json: linux.timeOffsets.boottime.secs"
	update_config '.linux.timeOffsets = {"realtime": {"secs": 1}}'
	create_fails "config.json: linux.timeOffsets.realtime: unknown clock"
	update_config '.linux.timeOffsets = {"monotonic": {"nanosecs": -1}}'
	create_fails "config.json: linux.timeOffsets.monotonic.nanosecs"
}

@test "create: ociVersion missing" {
	update_config 'del(.ociVersion)'
	create_fails "config.json: ociVersion"
}

@test "create: root.path missing" {
	update_config 'del(.root.path)'
	create_fails "config.json: root.path"
}

@test "create: root.path names a directory that does not exist" {
	update_config '.root.path = "no-such-rootfs"'
	create_fails "no-such-rootfs"
}

@test "create: root.path that is / or a symlink to it is refused, naming root.path" {
	update_config '.root.path = "/"'
	create_fails "config.json: root.path: / is the host's /"
	ln -s / "$BUNDLE/hostroot"
	update_config '.root.path = "hostroot"'
	create_fails "config.json: root.path: $BUNDLE/hostroot is the host's /"
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_one_line_error "root.path"
	assert_no_leftovers
}

@test "create: process.args missing" {
	update_config 'del(.process.args)'
	create_fails "config.json: process.args"
}

@test "create: process.args empty" {
	update_config '.process.args = []'
	create_fails "config.json: process.args"
}

@test "create: an rlimit above the hard limit names it (RLIMIT_NOFILE 30000:30000)" {
	# The hard nofile limit of this machine is 20000; even root cannot raise it (HOST.md).
	[ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 30000 ] ||
		skip "hard RLIMIT_NOFILE here is $(ulimit -Hn): 30000 is not above it"
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 30000, "hard": 30000}]'
	create_fails "RLIMIT_NOFILE"
}

@test "create: memory.limit -2 is blamed on memory.limit, not on swap" {
	update_config '.linux.resources.memory = {limit: -2, swap: 1073741824}'
	create_fails "linux.resources.memory.limit" "must be at least -1"
	[[ "$stderr" != *swap* ]] || fail "blamed on swap"
}

# create_fails_first [GLOBAL-OPTION...] -- SUBSTRING...: as create_fails, and the config is
# refused before create makes anything: killed by fault injection at the state directory (the
# first thing it makes), create would exit 137 and leave that directory; it must fail first.
create_fails_first() {
	"$ISORUN" --help 2>/dev/null | grep -q 'ISORUN_FAULT_INJECT=STEP' ||
		skip "isorun was built without fault injection (./configure --enable-fault-injection)"
	local -a global=()
	while [ "$1" != -- ]; do
		global+=("$1")
		shift
	done
	shift
	iso_run env ISORUN_FAULT_INJECT=state-dir "$ISORUN" --root "$ROOT" "${global[@]}" \
		create --bundle "$BUNDLE" "$CTR"
	assert_failure 1
	assert_no_leftovers
	local s
	for s in "$@"; do
		assert_one_line_error "$s"
	done
}

# linux.resources is parsed with the rest of config.json (spec.c), before the state directory,
# the start fifo or the namespaces exist: one test per member of the object.
@test "create: linux.resources.memory of the wrong type is refused before anything is made" {
	update_config '.linux.resources.memory = {limit: "1G"}'
	create_fails_first -- "config.json: linux.resources.memory.limit: expected a 64-bit integer"
}

@test "create: linux.resources.cpu of the wrong type is refused before anything is made" {
	update_config '.linux.resources.cpu = {shares: -5}'
	create_fails_first -- "config.json: linux.resources.cpu.shares: expected an unsigned 64-bit"
}

@test "create: linux.resources.pids without a limit is refused before anything is made" {
	update_config '.linux.resources.pids = {}'
	create_fails_first -- "config.json: linux.resources.pids.limit: required"
}

@test "create: linux.resources.blockIO out of range is refused before anything is made" {
	update_config '.linux.resources.blockIO = {weight: 5}'
	create_fails_first -- "config.json: linux.resources.blockIO.weight: must be between 10 and 1000"
}

@test "create: linux.resources.hugepageLimits with a bad page size is refused before anything is made" {
	update_config '.linux.resources.hugepageLimits = [{pageSize: "2MB/../x", limit: 0}]'
	create_fails_first -- "config.json: linux.resources.hugepageLimits[0].pageSize:"
}

@test "create: linux.resources.network of the wrong type is refused before anything is made" {
	update_config '.linux.resources.network = {classID: "x"}'
	create_fails_first -- "config.json: linux.resources.network.classID: expected an unsigned 32-bit"
}

@test "create: linux.resources.devices with a bad access is refused before anything is made" {
	update_config '.linux.resources.devices = [{allow: true, access: "rwx"}]'
	create_fails_first -- "config.json: linux.resources.devices[0].access:"
}

@test "create: linux.resources.unified naming no controller file is refused before anything is made" {
	update_config '.linux.resources.unified = {"cgroup.procs": "1"}'
	create_fails_first -- "config.json: linux.resources.unified: \"cgroup.procs\" is not a controller file"
}

@test "create --cgroup-manager disabled: a limit is refused before anything is made" {
	update_config '.linux.resources.pids = {limit: 64}'
	create_fails_first --cgroup-manager disabled -- \
		"config.json: linux.resources.pids: the container has no cgroup (--cgroup-manager disabled)"
}

@test "create: an unknown rlimit type is named" {
	update_config '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	create_fails "RLIMIT_BOGUS"
}

# ---------------------------------------------------------------------------------------------
# Container ids

@test "create: an id that already exists" {
	bind_shared
	set_cmd 'while [ ! -e /shared/go ]; do sleep 0.05; done'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	local pid
	pid=$(ctr_pid "$CTR")
	snapshot_host_state after-first
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers after-first
	assert_one_line_error "container \"$CTR\" already exists"
	# the first one is untouched
	assert_equal "$(ctr_status "$CTR")" created
	assert_equal "$(ctr_pid "$CTR")" "$pid"
	host_pid_alive "$pid"
}

@test "state: an unknown id does not exist" {
	iso_run isorun state "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "container \"$CTR\" does not exist"
}

@test "start: an unknown id does not exist" {
	iso_run isorun start "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "container \"$CTR\" does not exist"
}

@test "kill: an unknown id does not exist" {
	iso_run isorun kill "$CTR" 9
	assert_failure
	assert_no_leftovers
	assert_one_line_error "container \"$CTR\" does not exist"
}

@test "delete: an unknown id does not exist" {
	iso_run isorun delete "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "container \"$CTR\" does not exist"
}

@test "create: the id ../x is invalid and nothing is made outside --root" {
	iso_run isorun create --bundle "$BUNDLE" "../x"
	assert_failure
	assert_no_leftovers
	assert_one_line_error 'invalid container id "../x"'
	[ ! -e "$BATS_TEST_TMPDIR/x" ] || fail "create made $BATS_TEST_TMPDIR/x"
}

@test "state: the id ../x is invalid (never looked up outside --root)" {
	mkdir -p "$BATS_TEST_TMPDIR/x"
	echo '{"id": "x", "status": "running", "pid": 1}' >"$BATS_TEST_TMPDIR/x/state.json"
	iso_run isorun state "../x"
	assert_one_line_error 'invalid container id "../x"'
}

@test "create: an id with a slash is invalid" {
	iso_run isorun create --bundle "$BUNDLE" "a/b"
	assert_failure
	assert_no_leftovers
	assert_one_line_error 'invalid container id "a/b"'
}

@test "create: a 1000-character id is invalid" {
	local long
	long=$(printf 'a%.0s' $(seq 1000))
	iso_run isorun create --bundle "$BUNDLE" "$long"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "invalid container id"
}

# ---------------------------------------------------------------------------------------------
# The user program

@test "run: args[0] not found (absolute) is named and run exits 127" {
	set_args /bin/no-such-program arg1
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "/bin/no-such-program"
	assert_status 127
	assert_stderr_contains "\"/bin/no-such-program\": no such file or directory"
	[[ "$stderr" != *'$PATH'* ]] || fail "an absolute path is blamed on \$PATH"
}

@test "run: args[0] not found in PATH is named and run exits 127" {
	set_args no-such-program
	iso_run isorun run --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_no_leftovers
	assert_one_line_error "no-such-program"
	assert_status 127
	assert_stderr_contains "executable file not found in \$PATH"
}

@test "create/start: args[0] not found is an error naming it, at create or at start" {
	set_args /bin/no-such-program
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	if [ "$status" -eq 0 ]; then
		iso_run isorun start "$CTR"
	fi
	assert_error "/bin/no-such-program"
	iso_run isorun delete --force "$CTR"
	assert_no_leftovers
}

@test "start: a running container cannot be started again" {
	bind_shared
	set_cmd 'echo started >>/shared/starts; while [ ! -e /shared/go ]; do sleep 0.05; done'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun start "$CTR"
	assert_success
	wait_for_status "$CTR" running
	wait_for_file "$SHARED/starts"
	local pid
	pid=$(ctr_pid "$CTR")
	iso_run isorun start "$CTR"
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
	assert_equal "$(ctr_status "$CTR")" running
	assert_equal "$(ctr_pid "$CTR")" "$pid"
	sleep 0.2
	assert_equal "$(cat "$SHARED/starts")" started
}

@test "start: a stopped container cannot be started again" {
	set_cmd 'exit 0'
	iso_run isorun create --bundle "$BUNDLE" "$CTR"
	assert_success
	iso_run isorun start "$CTR"
	assert_success
	wait_for_status "$CTR" stopped
	iso_run isorun start "$CTR"
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
	assert_equal "$(ctr_status "$CTR")" stopped
}

# ---------------------------------------------------------------------------------------------
# The --log file on errors (what containerd and podman read)

@test "--log-format json: a failing create writes exactly one error object" {
	local log="$BATS_TEST_TMPDIR/log.json" missing="$BATS_TEST_TMPDIR/no-such-bundle"
	iso_run isorun --log "$log" --log-format json create --bundle "$missing" "$CTR"
	assert_failure
	[ -f "$log" ] || fail "no log file"
	assert_equal "$(wc -l <"$log" | tr -d ' ')" 1
	jq -e 'type == "object" and .level == "error" and (.msg | type == "string" and length > 0)' \
		"$log" >/dev/null || fail "the log line is not an error object: $(cat "$log")"
	jq -e '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")' "$log" \
		>/dev/null || fail "time is not RFC 3339: $(cat "$log")"
	jq -e --arg m "$missing" '.msg | contains($m)' "$log" >/dev/null ||
		fail "msg does not name the bundle: $(cat "$log")"
	assert_no_leftovers
}

@test "--log-format=json: state of an unknown id writes one error object saying so" {
	local log="$BATS_TEST_TMPDIR/log.json"
	iso_run isorun --log="$log" --log-format=json state "$CTR"
	assert_failure
	assert_equal "$(wc -l <"$log" | tr -d ' ')" 1
	jq -e '.level == "error" and (.msg | contains("does not exist"))' "$log" >/dev/null ||
		fail "unexpected log: $(cat "$log")"
}

@test "--log-format json: a config error is logged with its JSON path" {
	local log="$BATS_TEST_TMPDIR/log.json"
	update_config '.process.user.uid = "x"'
	iso_run isorun --log "$log" --log-format json create --bundle "$BUNDLE" "$CTR"
	assert_failure
	assert_equal "$(wc -l <"$log" | tr -d ' ')" 1
	jq -e '.level == "error" and (.msg | contains("process.user.uid"))' "$log" >/dev/null ||
		fail "unexpected log: $(cat "$log")"
	assert_no_leftovers
}

@test "global options: an unknown one is named once, with a single isorun: prefix" {
	iso_run isorun --bogus list
	assert_one_line_error "unknown option --bogus"
	assert_equal "$stderr" "isorun: unknown option --bogus"
}

@test "checkpoint, restore: not supported, said so (not an unknown command), status 1" {
	local verb
	for verb in checkpoint restore; do
		iso_run isorun "$verb" --image-path "$BATS_TEST_TMPDIR/img" "$CTR"
		assert_status 1
		assert_one_line_error "checkpoint/restore is not supported"
		[[ "$stderr" != *"unknown command"* ]] || fail "$verb: unknown command"
	done
	assert_no_leftovers
}

@test "options: a missing value is named as missing, not as an unknown option" {
	iso_run isorun run --bundle
	assert_one_line_error "run: option --bundle needs a value"
	iso_run isorun run -b
	assert_one_line_error "run: option -b needs a value"
	iso_run isorun --log
	assert_one_line_error "option --log needs a value"
	iso_run isorun run -x "$CTR"
	assert_one_line_error "run: unknown option -x"
}

@test "--log: the file gets the one error object when the global options are bad" {
	local log="$BATS_TEST_TMPDIR/log.json"
	iso_run isorun --log "$log" --log-format json --bogus list
	assert_one_line_error "unknown option --bogus"
	[ -f "$log" ] || fail "no log file"
	assert_equal "$(wc -l <"$log" | tr -d ' ')" 1
	jq -e '.level == "error" and (.msg | contains("unknown option --bogus"))' "$log" \
		>/dev/null || fail "unexpected log: $(cat "$log")"
	# --log after the bad option: the scan goes on, and the first error is the one logged.
	rm "$log"
	iso_run isorun --bogus --log "$log" --log-format json list
	assert_one_line_error "unknown option --bogus"
	jq -e '.level == "error" and (.msg | contains("unknown option --bogus"))' "$log" \
		>/dev/null || fail "unexpected log: $(cat "$log")"
	iso_run isorun --log "$log" --log-format yaml list
	assert_failure
	grep -q 'must be text or json' "$log" || fail "unexpected log: $(cat "$log")"
}

@test "--log-format: an unknown format is an error" {
	iso_run isorun --log "$BATS_TEST_TMPDIR/log" --log-format yaml list
	assert_failure
	[ -n "$stderr" ] || fail "no error message"
}
