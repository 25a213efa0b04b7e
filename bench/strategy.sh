#!/usr/bin/env bash
# strategy against the same transform in jq, on mockgen lines: medians of
# RUNS runs each, the throughput ratio, and a byte comparison of outputs.
#
#   bench/strategy.sh [LINES [RUNS]]	(default 1000000 lines, 3 runs)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

lines=${1:-1000000}
runs=${2:-3}
JQ_STRATEGY='.result = (if .value < 30 then .value*2 elif .value <= 60 then .value*1.5+10 else .value*.value/100 end)'
need mockgen strategy jq

work=$(mktemp -d "${TMPDIR:-/tmp}/kpipes-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
gen=(mockgen -r 0 -n "$lines" --seed 42 --start 2026-11-24T00:00:00Z --step 86ms)
"$bin/${gen[0]}" "${gen[@]:1}" > "$work/in"

run_strategy() { "$bin/strategy" < "$work/in" > "$work/out.strategy"; }
run_jq() { jq -c "$JQ_STRATEGY" < "$work/in" > "$work/out.jq"; }

# Alternating runs, so a change in machine load hits both alike.
for _ in $(seq "$runs"); do
	ms run_strategy >> "$work/t.strategy"
	ms run_jq >> "$work/t.jq"
done
s=$(median < "$work/t.strategy")
j=$(median < "$work/t.jq")
differ=$(diff --unchanged-line-format= --old-line-format='x
' --new-line-format= "$work/out.strategy" "$work/out.jq" | wc -l)

echo "## strategy vs jq"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(machine)"
echo "- input: ${gen[*]} ($(wc -c < "$work/in") bytes)"
echo "- reproduce: bench/strategy.sh $lines $runs"
echo
echo "| program | runs (ms) | median | lines/s |"
echo "| --- | --- | --- | --- |"
echo "| strategy | $(paste -sd' ' "$work/t.strategy") | ${s} ms | $(awk -v n="$lines" -v t="$s" 'BEGIN { printf "%.0f", n / t * 1000 }') |"
echo "| jq -c | $(paste -sd' ' "$work/t.jq") | ${j} ms | $(awk -v n="$lines" -v t="$j" 'BEGIN { printf "%.0f", n / t * 1000 }') |"
echo
echo "- throughput ratio strategy/jq: $(awk -v s="$s" -v j="$j" 'BEGIN { printf "%.1f", j / s }')x (goal: at least 5x)"
echo "- outputs: $differ of $lines lines differ$(cmp -s "$work/out.strategy" "$work/out.jq" && echo ' (byte-identical files)')"
if [ "$differ" -gt 0 ]; then
	echo "- first differences (strategy, then jq):"
	diff "$work/out.strategy" "$work/out.jq" | grep '^[<>]' | head -n 6 | sed 's/^/    /'
fi
