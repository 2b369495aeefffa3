# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the benchmark scripts (sourced): medians and interleaved rounds.

# bench_median FILE [DIVISOR [DECIMALS]]: the median of the numbers in FILE (one a line), divided
# by DIVISOR (default 1), with DECIMALS digits (default 2); "n/a" for an empty file.
bench_median() {
	sort -n "$1" | awk -v d="${2:-1}" -v p="${3:-2}" '{ v[NR] = $1 }
		END { if (NR == 0) { print "n/a"; exit }
		      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf("%." p "f", m / d) }'
}

# bench_interleave WARM N VARIANT...: calls the script's `sample VARIANT TAG [record]`, WARM
# unrecorded rounds first, then N recorded ones, each round starting with the next variant so
# that none always runs right after the same other one.
bench_interleave() {
	local warm=$1 n=$2 i j v
	shift 2
	local -a vs=("$@")
	for ((i = 0; i < warm; i++)); do for v in "${vs[@]}"; do sample "$v" "w$i-$v"; done; done
	for ((i = 0; i < n; i++)); do
		for ((j = 0; j < ${#vs[@]}; j++)); do
			v=${vs[$(((i + j) % ${#vs[@]}))]}
			sample "$v" "r$i-$v" record
		done
	done
}
