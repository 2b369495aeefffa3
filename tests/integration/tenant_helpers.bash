# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the tenant tests (tenant*.bats): a private store ($TROOT) and state root.

# tenant ARGS...: `isorun tenant` on this test's store and state root, through iso_run.
tenant() {
	iso_run isorun tenant --tenant-root "$TROOT" "$@"
}

# add_pkg DIR: `tenant add` (with the test seccomp profile when needed); sets TID.
add_pkg() {
	tenant add "$1"
	assert_success
	TID=$(sed -n 's/^tid: //p' <<<"$output")
	[[ "$TID" =~ ^[0-9a-f]{32}$ ]] || fail "no tid printed: '$output'"
}

make_base() {
	tenant base
	assert_success
}

# copy_pkg NAME [NEW]: a copy of bundles/NAME (with its built programs) in $PKGS to edit.
copy_pkg() {
	cp -a "$ISO_PACKAGES/$1" "$PKGS/${2:-$1}"
	echo "$PKGS/${2:-$1}"
}

# edit_pkg DIR JQ-FILTER...: rewrite DIR/config.json through jq.
edit_pkg() {
	local d=$1
	shift
	jq "$@" <"$d/config.json" >"$d/config.json.tmp" && mv "$d/config.json.tmp" "$d/config.json"
}

registry_count() {
	if [ -f "$TROOT/tenants.json" ]; then jq '.tenants | length' "$TROOT/tenants.json"; else echo 0; fi
}

tenant_dirs() {
	ls -A "$TROOT/tenants" 2>/dev/null | wc -l
}

cfg() {
	jq -r "$1" "$TROOT/tenants/$TID/bundle/config.json"
}

# tenant_setup: the test's private store ($TROOT, its parents searchable by a tenant's range)
# and a directory for its packages ($PKGS).
tenant_setup() {
	iso_setup
	TROOT="$BATS_TEST_TMPDIR/store"
	PKGS="$BATS_TEST_TMPDIR/pkgs"
	mkdir -p "$PKGS"
	searchable_to "$TROOT"
}
