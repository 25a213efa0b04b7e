#!/usr/bin/env bash
# How wjoin's and kout's cost per record grows with the window, the number
# of partners a record has and the number of keys: CPU seconds (user +
# system) per input record and per pair, and peak RSS, medians of RUNS runs.
# The inputs (bench/growth-gen.py) give every left record exactly P
# partners, so pairs = slots x P; kout writes wjoin's pairs to the embedded
# broker (bin/kbroker).
#
#   bench/cost-growth.sh [PAIRS [RUNS]]	(default 500000 pairs a case, 3 runs)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pairs=${1:-500000}
runs=${2:-3}
need wjoin kout kbroker python3
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }

bench_work
start_kbroker 2>/dev/null

# The cases: NAME WINDOW PARTNERS KEYS. One thing varies at a time, around
# the tutorial's 5-minute window, 10 partners and 1,000 keys.
cases=(
	"w1m 1m 10 1000" "w5m 5m 10 1000" "w30m 30m 10 1000"
	"p1 5m 1 1000" "p100 5m 100 1000" "p1000 5m 1000 1000"
	"k1 5m 10 1" "k1M 5m 10 1000000"
)
window_ms() { case $1 in 1m) echo 60000 ;; 5m) echo 300000 ;; 30m) echo 1800000 ;; esac; }

# cpu_of FILE: user + system seconds from /usr/bin/time -f '%U %S %M'.
cpu_of() { awk '{ printf "%.3f", $1 + $2 }' "$1"; }

for c in "${cases[@]}"; do
	read -r name w p k <<<"$c"
	slots=$((pairs / p))
	python3 "$root/bench/growth-gen.py" --slots "$slots" --partners "$p" --keys "$k" \
	    --window-ms "$(window_ms "$w")" "$work/$name.l" "$work/$name.r"
	for _ in $(seq "$runs"); do
		/usr/bin/time -o "$work/time" -f '%U %S %M' \
		    "$bin/wjoin" -k .k -w "$w" "$work/$name.r" < "$work/$name.l" > "$work/pairs"
		cpu_of "$work/time" >> "$work/wjoin-cpu.$name"; echo >> "$work/wjoin-cpu.$name"
		awk '{ print $3 }' "$work/time" >> "$work/wjoin-rss.$name"
		/usr/bin/time -o "$work/time" -f '%U %S %M' \
		    "$bin/kout" -b "$B" "growth_$name" < "$work/pairs"
		cpu_of "$work/time" >> "$work/kout-cpu.$name"; echo >> "$work/kout-cpu.$name"
	done
	wc -l < "$work/pairs" > "$work/n.$name"
	[ "$(cat "$work/n.$name")" -eq $((slots * p)) ] ||
	    echo "bench: $name: $(cat "$work/n.$name") pairs, not $((slots * p))" >&2
	echo $(( $(wc -l < "$work/$name.l") + $(wc -l < "$work/$name.r") )) > "$work/in.$name"
	wc -c < "$work/pairs" > "$work/bytes.$name"
done

ns() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%.0f", s * 1e9 / n }'; }
echo "## How cost grows: wjoin and kout against window, partners and keys"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(machine)"
echo "- inputs: bench/growth-gen.py (every left record has exactly P partners of its key; keys come back 2.2 windows apart)"
echo "- wjoin: \`wjoin -k .k -w WINDOW right < left > pairs\`; kout: \`kout pairs-topic < pairs\` on the embedded broker"
echo "- CPU = user + system seconds, median of $runs runs; ns per record = CPU / (left + right records); ns per pair = CPU / pairs"
echo "- reproduce: bench/cost-growth.sh $pairs $runs"
echo
echo "| case | window | partners | keys | records in | pairs | wjoin CPU s | wjoin ns/record | wjoin ns/pair | wjoin peak RSS | kout CPU s | kout ns/pair | pair bytes |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for c in "${cases[@]}"; do
	read -r name w p k <<<"$c"
	n=$(cat "$work/n.$name") in=$(cat "$work/in.$name")
	wc_=$(median < "$work/wjoin-cpu.$name") kc=$(median < "$work/kout-cpu.$name")
	rss=$(sort -n "$work/wjoin-rss.$name" | tail -n 1)
	echo "| $name | $w | $p | $k | $in | $n | $wc_ | $(ns "$wc_" "$in") | $(ns "$wc_" "$n") | $((rss / 1024)) MB | $kc | $(ns "$kc" "$n") | $(( $(cat "$work/bytes.$name") / n )) |"
done
