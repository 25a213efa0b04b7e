#!/usr/bin/env bash
# kout against kcat -P and kin against kcat -C: the same mockgen messages
# (about 70 bytes each), the same broker, the same run, alternating, medians.
# Runs on the embedded broker and on a real Apache Kafka (tests/kafka-real.sh).
#
#   bench/kafka-io.sh [MESSAGES] [RUNS] [embedded|real|both]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n="${1:-1000000}"
runs="${2:-5}"
which_brokers="${3:-both}"
need kin kout kbroker mockgen kcat
bench_work

"$bin/mockgen" -r 0 -n "$n" --seed 7 --start 2026-11-24T00:00:00Z --step 10ms > "$work/in"
bytes=$(wc -c < "$work/in")

# timed NAME COMMAND...: appends wall ms to $work/NAME and CPU ms (user+sys) to $work/NAME.cpu.
timed() {
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$work/time.out" "$@"
	awk '{ printf "%.0f\n", $1 * 1000 }' "$work/time.out" >> "$work/$name"
	awk '{ printf "%.0f\n", ($2 + $3) * 1000 }' "$work/time.out" >> "$work/$name.cpu"
}

# rate COUNT MS: per second.
rate() {
	awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.0f", n * 1000 / ms }'
}

# row DIRECTION PROGRAM FILE PEERFILE COUNT: one table row (ratios > 1 mean faster or cheaper than kcat).
row() {
	local m pm c pc
	m=$(median < "$work/$3"); pm=$(median < "$work/$4")
	c=$(median < "$work/$3.cpu"); pc=$(median < "$work/$4.cpu")
	echo "| $1 | $2 | $(tr '\n' ' ' < "$work/$3")| $m | $(rate "$5" "$m") | $(awk -v a="$pm" -v b="$m" 'BEGIN { printf "%.2fx", a / b }') | $c | $(awk -v a="$pc" -v b="$c" 'BEGIN { printf "%.2fx", a / b }') |"
}

# bench_one KIND BROKERS PARTITIONS
bench_one() {
	local kind=$1 b=$2 parts=$3 i t
	local f
	for f in p.kout p.kcat p.kcati c.kin c.kcat q.kin q.kcat; do : > "$work/$f"; : > "$work/$f.cpu"; done
	# Warm-up, not timed: the broker's first idempotent producer waits for its coordinator.
	head -n 100 "$work/in" | "$bin/kout" -b "$b" bench_warmup 2>/dev/null
	head -n 100 "$work/in" | kcat -b "$b" -P -t bench_warmup
	for i in $(seq "$runs"); do
		t="bench_kout_$i"
		timed p.kout sh -c '"$1" -b "$2" "$3" < "$4"' _ "$bin/kout" "$b" "$t" "$work/in"
		echo "$t" > "$work/topic.kout"
		t="bench_kcat_$i"
		timed p.kcat sh -c 'kcat -b "$1" -P -t "$2" < "$3"' _ "$b" "$t" "$work/in"
		echo "$t" > "$work/topic.kcat"
		# kcat with kout's guarantee: the idempotent producer.
		t="bench_kcati_$i"
		timed p.kcati sh -c 'kcat -b "$1" -P -X enable.idempotence=true -t "$2" < "$3"' _ "$b" "$t" "$work/in"
	done
	# Consume what the last kout run wrote, with both consumers, alternating.
	t=$(cat "$work/topic.kout")
	local have
	have=$("$bin/kin" -b "$b" -e "$t" | wc -l)
	for i in $(seq "$runs"); do
		timed c.kin sh -c '"$1" -b "$2" -e "$3" > "$4"' _ "$bin/kin" "$b" "$t" "$work/out.kin"
		timed c.kcat sh -c 'kcat -b "$1" -C -e -q -t "$2" > "$3"' _ "$b" "$t" "$work/out.kcat"
		[ "$(wc -l < "$work/out.kin")" -eq "$have" ] || { echo "bench: kin read $(wc -l < "$work/out.kin") of $have" >&2; exit 1; }
		[ "$(wc -l < "$work/out.kcat")" -eq "$have" ] || { echo "bench: kcat read $(wc -l < "$work/out.kcat") of $have" >&2; exit 1; }
	done
	cmp <(sort "$work/out.kin") <(sort "$work/out.kcat") >/dev/null && same=identical || same=DIFFERENT
	# The same consumers, both with a deeper prefetch queue (the embedded
	# broker's fetches are paced by it).
	for i in $(seq "$runs"); do
		timed q.kin sh -c '"$1" -b "$2" -e -X queued.min.messages=1000000 "$3" > "$4"' _ "$bin/kin" "$b" "$t" "$work/out.kin"
		timed q.kcat sh -c 'kcat -b "$1" -C -e -q -X queued.min.messages=1000000 -t "$2" > "$3"' _ "$b" "$t" "$work/out.kcat"
	done

	echo
	echo "### $kind broker ($parts partitions per topic; $have of $n messages kept for the consume runs)"
	echo
	echo "| direction | program | wall runs (ms) | median | msgs/s | ratio vs kcat | CPU median (ms) | CPU ratio (kcat/ours) |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
	row produce kout p.kout p.kcat "$n"
	row produce "kcat -P" p.kcat p.kcat "$n"
	row produce "kout, vs kcat -P idempotent" p.kout p.kcati "$n"
	row produce "kcat -P -X enable.idempotence=true" p.kcati p.kcati "$n"
	row consume "kin -e" c.kin c.kcat "$have"
	row consume "kcat -C -e" c.kcat c.kcat "$have"
	row consume "kin -e, queued.min.messages=1000000" q.kin q.kcat "$have"
	row consume "kcat -C -e, queued.min.messages=1000000" q.kcat q.kcat "$have"
	echo
	echo "- consumed output of kin and kcat: $same (as sorted multisets)"
}

echo "## kin and kout vs kcat"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(machine)"
echo "- input: mockgen -r 0 -n $n --seed 7 ($bytes bytes, $((bytes / n)) bytes a line)"
echo "- reproduce: bench/kafka-io.sh $n $runs $which_brokers"
echo "- kout runs with its defaults (idempotent, acks=all); kcat with librdkafka's (acks=all, not idempotent)"

if [ "$which_brokers" != real ]; then
	# The embedded broker keeps about 5 MB a partition: 32 partitions hold 1M
	# messages.
	# shellcheck disable=SC2046	# the arguments are words
	start_kbroker $(for i in $(seq "$runs"); do echo "-t bench_kout_$i:32 -t bench_kcat_$i:32 -t bench_kcati_$i:32"; done)
	bench_one embedded "$B" 32
	stop_kbroker
fi
if [ "$which_brokers" != embedded ]; then
	start_real
	for i in $(seq "$runs"); do
		"$bin/ktopic" -b "$B" create -p 4 "bench_kout_$i" "bench_kcat_$i" "bench_kcati_$i" >/dev/null
	done
	bench_one real "$B" 4
fi
