#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# contrib/: the bash completion completes verbs, flags and container ids from the runtime
# itself.  (The podman and containerd snippets are exercised by the end-to-end client tests.)

load helpers

# complete_words WORD...: COMPREPLY for the command line WORD... (the last word is completed)
complete_words() {
	local dir="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$dir"
	ln -sf "$ISORUN" "$dir/isorun"
	PATH="$dir:$PATH"
	# shellcheck source=/dev/null
	source "$ISORUN_SRCDIR/contrib/completion/isorun"
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_isorun
	output="${COMPREPLY[*]}"
}

@test "completion: verbs" {
	complete_words isorun ex
	assert_equal "$output" exec
	complete_words isorun ""
	for v in create start state kill delete run exec list spec features; do
		[[ " $output " == *" $v "* ]] || fail "verb $v not offered: $output"
	done
}

@test "completion: the flags of a verb come from its --help" {
	complete_words isorun exec --pi
	assert_equal "$output" --pid-file
	complete_words isorun --root /x run --de
	assert_equal "$output" --detach
}

@test "completion: --cgroup-manager takes a value, and the verb comes after it" {
	complete_words isorun --cgroup-m
	assert_equal "$output" --cgroup-manager
	complete_words isorun --cgroup-manager d
	assert_equal "$output" disabled
	complete_words isorun --cgroup-manager disabled run --de
	assert_equal "$output" --detach
}

@test "completion: container ids under the --root being typed" {
	set_args /bin/sleep 60
	iso_run isorun run --detach --bundle "$BUNDLE" "$CTR"
	assert_success
	complete_words isorun --root "$ROOT" kill "${CTR:0:4}"
	[[ " $output " == *" $CTR "* ]] || fail "id $CTR not offered: $output"
	iso_run isorun delete --force "$CTR"
}
