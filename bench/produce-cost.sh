#!/usr/bin/env bash
# What producing one message costs: kout against kcat -P (plain, and with
# kout's guarantee, enable.idempotence=true) on the same broker, for 60-byte
# and 300-byte records, uncompressed and with lz4 and zstd, alternating,
# medians of CPU seconds (user + sys) and wall time. CPU per message is
# what the join and the strategy pipeline pay for writing.
#
#   bench/produce-cost.sh [MESSAGES] [RUNS] [embedded|real]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# MESSAGES RUNS KIND, their defaults in turn.
read -r n runs kind <<< "${1:-1000000} ${2:-5} ${3:-real}"
need kout kbroker ktopic mockgen kcat
bench_work

# The 60-byte lines are mockgen's; the 300-byte ones the same with a
# 240-byte "note" member.
"$bin/mockgen" -r 0 -n "$n" --seed 7 --start 2026-11-24T00:00:00Z --step 10ms > "$work/in60"
pad=$(printf '%0240d' 0 | tr 0 x)
sed "s/}\$/,\"note\":\"${pad:0:228}\"}/" "$work/in60" > "$work/in300"

topics=()
for size in 60 300; do
	for codec in none lz4 zstd; do
		for p in kout kcat kcati; do topics+=("${p}_${size}_$codec"); done
	done
done
if [ "$kind" = embedded ]; then
	# 32 partitions: the embedded broker keeps about 5 MB of each.
	# shellcheck disable=SC2046	# the arguments are words
	start_kbroker $(for t in "${topics[@]}"; do echo "-t $t:32"; done)
else
	start_real
	"$bin/ktopic" -b "$B" create -p 4 "${topics[@]}" >/dev/null
fi
# Warm-up, not timed: the broker's first idempotent producer waits for its coordinator.
head -n 100 "$work/in60" | "$bin/kout" -b "$B" "kout_60_none" 2>/dev/null

# timed NAME COMMAND...: appends "wall_s cpu_s" to $work/NAME.
timed() {
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$work/time.out" "$@"
	awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$work/time.out" >> "$work/$name"
}
for size in 60 300; do
	for codec in none lz4 zstd; do
		for _ in $(seq "$runs"); do
			timed "kout_${size}_$codec" sh -c '"$1" -b "$2" -X compression.type="$3" "$4" < "$5"' _ \
			    "$bin/kout" "$B" "$codec" "kout_${size}_$codec" "$work/in$size"
			timed "kcat_${size}_$codec" sh -c 'kcat -b "$1" -P -X compression.type="$2" -t "$3" < "$4"' _ \
			    "$B" "$codec" "kcat_${size}_$codec" "$work/in$size"
			timed "kcati_${size}_$codec" sh -c 'kcat -b "$1" -P -X enable.idempotence=true -X compression.type="$2" -t "$3" < "$4"' _ \
			    "$B" "$codec" "kcati_${size}_$codec" "$work/in$size"
		done
	done
done

med() { awk -v f="$2" '{ print $f }' "$work/$1" | median; }
us() { awk -v c="$1" -v n="$n" 'BEGIN { printf "%.2f", c * 1e6 / n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

echo "## What producing one message costs: kout and kcat -P"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(machine)"
echo "- $kind broker; $n mockgen lines (--seed 7), and the same with a 228-byte \"note\" member; $runs runs each, alternating, medians"
echo "- reproduce: bench/produce-cost.sh $n $runs $kind"
echo "- kout at its defaults (idempotent, acks=all, linger.ms=5); kcat -P at librdkafka's (acks=all), and with enable.idempotence=true"
echo
echo "| record | compression | kout CPU us/msg | kcat -P | kcat -P idempotent | CPU: kcat/kout | idempotent kcat/kout | wall s: kout | kcat | kcat idempotent |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for size in 60 300; do
	bytes=$(( $(wc -c < "$work/in$size") / n ))
	for codec in none lz4 zstd; do
		ko=$(med "kout_${size}_$codec" 2); kc=$(med "kcat_${size}_$codec" 2); ki=$(med "kcati_${size}_$codec" 2)
		echo "| $bytes B | $codec | $(us "$ko") | $(us "$kc") | $(us "$ki") | $(ratio "$kc" "$ko") | $(ratio "$ki" "$ko") | $(med "kout_${size}_$codec" 1) | $(med "kcat_${size}_$codec" 1) | $(med "kcati_${size}_$codec" 1) |"
	done
done
