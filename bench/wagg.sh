#!/usr/bin/env bash
# wagg against the same windowed aggregation in jq (jq -s 'group_by(...)'),
# on the tutorial's records with results (mockgen | strategy): medians of
# RUNS runs each, alternating, peak RSS (GNU time), and the rows compared
# (tests/helpers/wagg-cmp.py: the same windows and keys, numbers within
# 1e-9 relatively).
#
#   bench/wagg.sh [LINES [RUNS]]	(default 1000000 lines, 3 runs)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

lines=${1:-1000000}
runs=${2:-3}
need mockgen strategy wagg jq python3
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time (GNU time) is missing" >&2; exit 2; }

AGG='count, avg(.result), max(.value), p99(.result)'
# The same in jq: windows of 60 s of .ts, per .strategy; p99 is the value of
# rank floor(0.99 * (n - 1)), as wagg(1) defines it; times as wagg writes them.
JQ_AGG='def iso: todate | sub("Z$"; ".000Z");
	map(.w = ((.ts[0:19] + "Z" | fromdateiso8601) / 60 | floor) * 60)
	| group_by([.w, .strategy]) | .[]
	| (map(.result) | sort) as $r
	| {window_start: (.[0].w | iso), window_end: (.[0].w + 60 | iso),
	   key: .[0].strategy, count: length, avg_result: ($r | add / length),
	   max_value: (map(.value) | max),
	   p99_result: $r[(($r | length) - 1) * 0.99 + 1e-9 | floor]}'

work=$(mktemp -d "${TMPDIR:-/tmp}/kpipes-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
gen=(mockgen -r 0 -n "$lines" --seed 42 --start 2026-11-24T00:00:00Z --step 86ms)
"$bin/${gen[0]}" "${gen[@]:1}" | "$bin/strategy" > "$work/in"

# timed NAME COMMAND...: wall ms to $work/t.NAME, peak RSS (KB) to $work/m.NAME.
timed() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s%N)
	/usr/bin/time -f %M -o "$work/rss" "$@"
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 )) >> "$work/t.$name"
	cat "$work/rss" >> "$work/m.$name"
}
for _ in $(seq "$runs"); do
	timed wagg sh -c 'exec "$1" -k .strategy -w 1m "$2" < "$3" > "$4"' _ \
	    "$bin/wagg" "$AGG" "$work/in" "$work/out.wagg"
	timed jq sh -c 'exec jq -s -c "$1" < "$2" > "$3"' _ \
	    "$JQ_AGG" "$work/in" "$work/out.jq"
done
w=$(median < "$work/t.wagg")
j=$(median < "$work/t.jq")
wm=$(median < "$work/m.wagg")
jm=$(median < "$work/m.jq")
same=$(python3 "$root/tests/helpers/wagg-cmp.py" "$work/out.wagg" "$work/out.jq" jq | head -n 1)

echo "## wagg vs jq"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(machine)"
echo "- input: ${gen[*]} | strategy ($(wc -c < "$work/in") bytes)"
echo "- query: wagg -k .strategy -w 1m '$AGG'; jq -s -c 'group_by([window, .strategy]) | ...' (bench/wagg.sh)"
echo "- reproduce: bench/wagg.sh $lines $runs"
echo
echo "| program | runs (ms) | median | records/s | peak RSS | rows |"
echo "| --- | --- | --- | --- | --- | --- |"
echo "| wagg | $(paste -sd' ' "$work/t.wagg") | ${w} ms | $(awk -v n="$lines" -v t="$w" 'BEGIN { printf "%.0f", n / t * 1000 }') | $((wm / 1024)) MB | $(wc -l < "$work/out.wagg") |"
echo "| jq -s group_by | $(paste -sd' ' "$work/t.jq") | ${j} ms | $(awk -v n="$lines" -v t="$j" 'BEGIN { printf "%.0f", n / t * 1000 }') | $((jm / 1024)) MB | $(wc -l < "$work/out.jq") |"
echo
echo "- throughput ratio wagg/jq: $(awk -v w="$w" -v j="$j" 'BEGIN { printf "%.1f", j / w }')x; memory ratio jq/wagg: $(awk -v w="$wm" -v j="$jm" 'BEGIN { printf "%.0f", j / w }')x"
echo "- rows: $same"
