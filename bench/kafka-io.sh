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
work=$(mktemp -d)
kb_pid=""
real_dir=""
cleanup() {
	[ -n "$kb_pid" ] && kill "$kb_pid" 2>/dev/null
	[ -n "$real_dir" ] && "$root/tests/kafka-real.sh" stop "$real_dir" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

"$bin/mockgen" -r 0 -n "$n" --seed 7 --start 2026-11-24T00:00:00Z --step 10ms > "$work/in"
bytes=$(wc -c < "$work/in")

# bench_one KIND BROKERS PARTITIONS
bench_one() {
	local kind=$1 b=$2 parts=$3 i t
	: > "$work/p.kout"; : > "$work/p.kcat"; : > "$work/c.kin"; : > "$work/c.kcat"
	for i in $(seq "$runs"); do
		t="bench_kout_$i"
		ms "$bin/kout" -b "$b" "$t" < "$work/in" >> "$work/p.kout"
		echo "$t" > "$work/topic.kout"
		t="bench_kcat_$i"
		ms kcat -b "$b" -P -t "$t" < "$work/in" >> "$work/p.kcat"
		echo "$t" > "$work/topic.kcat"
	done
	# Consume what the last kout run wrote, with both consumers, alternating.
	t=$(cat "$work/topic.kout")
	local have
	have=$("$bin/kin" -b "$b" -e "$t" | wc -l)
	for i in $(seq "$runs"); do
		ms sh -c '"$1" -b "$2" -e "$3" > "$4"' _ "$bin/kin" "$b" "$t" "$work/out.kin" >> "$work/c.kin"
		ms sh -c 'kcat -b "$1" -C -e -q -t "$2" > "$3"' _ "$b" "$t" "$work/out.kcat" >> "$work/c.kcat"
		[ "$(wc -l < "$work/out.kin")" -eq "$have" ] || { echo "bench: kin read $(wc -l < "$work/out.kin") of $have" >&2; exit 1; }
		[ "$(wc -l < "$work/out.kcat")" -eq "$have" ] || { echo "bench: kcat read $(wc -l < "$work/out.kcat") of $have" >&2; exit 1; }
	done
	cmp <(sort "$work/out.kin") <(sort "$work/out.kcat") >/dev/null && same=identical || same=DIFFERENT

	local pk pc ck cc
	pk=$(median < "$work/p.kout"); pc=$(median < "$work/p.kcat")
	ck=$(median < "$work/c.kin"); cc=$(median < "$work/c.kcat")
	echo
	echo "### $kind broker ($parts partitions per topic; $have of $n messages kept for the consume runs)"
	echo
	echo "| direction | program | runs (ms) | median | msgs/s | ratio vs kcat |"
	echo "| --- | --- | --- | --- | --- | --- |"
	echo "| produce | kout | $(tr '\n' ' ' < "$work/p.kout")| $pk ms | $((n * 1000 / pk)) | $(awk -v a="$pc" -v b="$pk" 'BEGIN { printf "%.2fx", a / b }') |"
	echo "| produce | kcat -P | $(tr '\n' ' ' < "$work/p.kcat")| $pc ms | $((n * 1000 / pc)) | 1 |"
	echo "| consume | kin -e | $(tr '\n' ' ' < "$work/c.kin")| $ck ms | $((have * 1000 / ck)) | $(awk -v a="$cc" -v b="$ck" 'BEGIN { printf "%.2fx", a / b }') |"
	echo "| consume | kcat -C -e | $(tr '\n' ' ' < "$work/c.kcat")| $cc ms | $((have * 1000 / cc)) | 1 |"
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
	# messages. Its topics are made up front (it has no CreateTopics).
	"$bin/kbroker" $(for i in $(seq "$runs"); do echo "-t bench_kout_$i:32 -t bench_kcat_$i:32"; done) > "$work/kb.addr" &
	kb_pid=$!
	for _ in $(seq 100); do [ -s "$work/kb.addr" ] && break; sleep 0.05; done
	bench_one embedded "$(head -n 1 "$work/kb.addr")" 32
	kill "$kb_pid"; wait "$kb_pid" 2>/dev/null || true
	kb_pid=""
fi
if [ "$which_brokers" != embedded ]; then
	real_dir="$work/kafka"
	addr=$("$root/tests/kafka-real.sh" start "$real_dir")
	for i in $(seq "$runs"); do
		"$bin/ktopic" -b "$addr" create -p 4 "bench_kout_$i" "bench_kcat_$i" >/dev/null
	done
	bench_one real "$addr" 4
fi
