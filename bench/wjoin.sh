#!/usr/bin/env bash
# wjoin on RECORDS records (half a side), unkeyed and keyed: records/s
# and peak RSS, medians of RUNS runs, against `jq -c .` re-printing the
# same records as a floor for the cost of JSON.
#
#   bench/wjoin.sh [RECORDS [RUNS]]	(default 1000000 records, 3 runs)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

records=${1:-1000000}
runs=${2:-3}
side=$((records / 2))
need mockgen wjoin jq python3
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kpipes-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Unkeyed: the tutorial's C and D records, a round of both every second.
mock=(mockgen -r 0 -n "$records" -s C,D --id --seed 42 --start 2026-11-24T00:00:00Z --step 1s)
"$bin/${mock[0]}" "${mock[@]:1}" > "$work/cd"
grep '"strategy":"C"' "$work/cd" > "$work/c"
grep '"strategy":"D"' "$work/cd" > "$work/d"
# Keyed: 1000 users, a record every 10 ms a side, so a user comes back
# every 10 s or so on each side and a 5 s window finds about one partner.
gen=(tests/helpers/wjoin-gen.py -n "$side" --keys 1000 --step 10)
python3 "$root/${gen[0]}" "${gen[@]:1}" --prefix l --seed 1 > "$work/l"
python3 "$root/${gen[0]}" "${gen[@]:1}" --prefix r --seed 2 > "$work/r"
cat "$work/l" "$work/r" > "$work/lr"

# case_cmd NAME: one run of a case, under GNU time for its peak RSS.
case_cmd() {
	local t=(/usr/bin/time -o "$work/rss" -f %M)
	# shellcheck disable=SC2002 # cat: the point is a pipe
	case $1 in
	unkeyed) "${t[@]}" "$bin/wjoin" -w 500ms "$work/d" < "$work/c" ;;
	unkeyed-pipes) cat "$work/c" | "${t[@]}" "$bin/wjoin" -w 500ms <(cat "$work/d") ;;
	keyed-path) "${t[@]}" "$bin/wjoin" -k .k -w 5s "$work/r" < "$work/l" ;;
	keyed-jq) "${t[@]}" "$bin/wjoin" -k '.k // "none"' -w 5s "$work/r" < "$work/l" ;;
	jq-cd) "${t[@]}" jq -c . "$work/cd" ;;
	jq-lr) "${t[@]}" jq -c . "$work/lr" ;;
	esac > "$work/out"
}
# run_case NAME: appends its ms to t.NAME, peak KB to m.NAME; output lines to n.NAME.
run_case() {
	ms case_cmd "$1" >> "$work/t.$1"
	tail -n 1 "$work/rss" >> "$work/m.$1"
	wc -l < "$work/out" > "$work/n.$1"
}

cases=(unkeyed unkeyed-pipes keyed-path keyed-jq jq-cd jq-lr)
# Alternating runs, so a change in machine load hits all alike.
for _ in $(seq "$runs"); do
	for c in "${cases[@]}"; do
		run_case "$c"
	done
done

rate() { awk -v n="$records" -v t="$1" 'BEGIN { printf "%.0f", n / t * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b / a }'; }
echo "## wjoin"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(machine)"
echo "- unkeyed input: ${mock[*]}, split into C and D ($side records each, $(wc -c < "$work/cd") bytes)"
echo "- keyed input: ${gen[*]}, --seed 1 and 2 ($side records a side, $(wc -c < "$work/lr") bytes)"
echo "- reproduce: bench/wjoin.sh $records $runs"
echo
declare -A med
echo "| case | runs (ms) | median | records/s | peak RSS | output lines |"
echo "| --- | --- | --- | --- | --- | --- |"
for c in "${cases[@]}"; do
	m=$(median < "$work/t.$c")
	kb=$(sort -n "$work/m.$c" | tail -n 1)
	case $c in
	unkeyed) what="wjoin -w 500ms d < c" ;;
	unkeyed-pipes) what="cat c \\| wjoin -w 500ms <(cat d)" ;;
	keyed-path) what="wjoin -k .k -w 5s r < l" ;;
	keyed-jq) what="wjoin -k '.k // \"none\"' -w 5s r < l" ;;
	jq-cd) what="jq -c . (C and D records)" ;;
	jq-lr) what="jq -c . (keyed records)" ;;
	esac
	echo "| $what | $(paste -sd' ' "$work/t.$c") | ${m} ms | $(rate "$m") | $((kb / 1024)) MB | $(cat "$work/n.$c") |"
	med[$c]=$m
done
echo
echo "- throughput over jq -c . on the same records: unkeyed $(ratio "${med[unkeyed]}" "${med[jq-cd]}")x," \
    "through pipes $(ratio "${med[unkeyed-pipes]}" "${med[jq-cd]}")x," \
    "keyed by a path $(ratio "${med[keyed-path]}" "${med[jq-lr]}")x," \
    "keyed by a jq expression $(ratio "${med[keyed-jq]}" "${med[jq-lr]}")x (goal: at least 2x)"
echo "- Spark (the tutorial's merge_c_d.py on the same broker and records): measured by bench/vs-spark.sh (see its section)"
