#!/usr/bin/env bash
# What the strategy pipeline's Kafka reading and writing alone cost: the
# same records from one topic to another, on a real Apache Kafka
# (tests/kafka-real.sh), through
#   kin -e IN | strategy | kout OUT      (the workflow's strategy step)
#   kin -e IN | kout OUT                  (the same, without the transform)
#   kcat -C -e IN | kcat -P OUT           (kcat both ways, idempotent like kout)
# alternating, CPU seconds (user + sys) of each process, medians. It puts
# the "throughput per CPU" of bench/vs-spark.sh in proportion: how much of
# kpipes' CPU is the C Kafka client's.
#
#   bench/pipeline-floor.sh [MESSAGES] [RUNS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n="${1:-2000000}"
runs="${2:-5}"
need kin kout ktopic mockgen strategy kcat
work=$(mktemp -d)
real_dir=""
cleanup() {
	[ -n "$real_dir" ] && "$root/tests/kafka-real.sh" stop "$real_dir" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

real_dir="$work/kafka"
B=$("$root/tests/kafka-real.sh" start "$real_dir" 2>/dev/null)
"$bin/ktopic" -b "$B" create -p 4 IN OUT >/dev/null
"$bin/mockgen" -r 0 -n "$n" --seed 7 --id | "$bin/kout" -b "$B" IN

cases=(kpipes kin-kout kcat-kcat)
# cpu K COMMAND...: runs it; its CPU seconds (user, sys) go to $work/t.K.
cpu() {
	local k=$1
	shift
	/usr/bin/time -f '%U %S' -o "$work/t.$k" "$@"
}
# run CASE: one pass of IN to OUT; appends "total stage1 stage2 [stage3]".
run() {
	case $1 in
	kpipes) cpu 1 "$bin/kin" -b "$B" -e IN | cpu 2 "$bin/strategy" | cpu 3 "$bin/kout" -b "$B" OUT ;;
	kin-kout) cpu 1 "$bin/kin" -b "$B" -e IN | cpu 2 "$bin/kout" -b "$B" OUT ;;
	kcat-kcat) cpu 1 kcat -C -b "$B" -t IN -e -o beginning -q |
		cpu 2 kcat -P -b "$B" -X enable.idempotence=true -t OUT ;;
	esac
	local s stages=""
	for s in "$work"/t.?; do
		stages+=" $(tail -n 1 "$s" | awk '{ print $1 + $2 }')"
	done
	echo "$(tr ' ' '\n' <<< "$stages" | awk '{ s += $1 } END { print s }')$stages" >> "$work/$1"
	rm -f "$work"/t.?
}
for _ in $(seq "$runs"); do
	for c in "${cases[@]}"; do run "$c"; done
done

echo "## The strategy pipeline's CPU, and what Kafka I/O alone costs"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(machine)"
echo "- $n mockgen records (--seed 7 --id) on a real Apache Kafka (KRaft, 1 node), 4 partitions each way"
echo "- reproduce: bench/pipeline-floor.sh $n $runs"
echo
echo "| pipeline | CPU s per run (all processes) | median | per million | stages (median CPU s) |"
echo "| --- | --- | --- | --- | --- |"
# shellcheck disable=SC2016	# backquotes for markdown
label() {
	case $1 in
	kpipes) echo '`kin -e IN \| strategy \| kout OUT`' ;;
	kin-kout) echo '`kin -e IN \| kout OUT`' ;;
	kcat-kcat) echo '`kcat -C -e IN \| kcat -P -X enable.idempotence=true OUT`' ;;
	esac
}
for c in "${cases[@]}"; do
	med=$(cut -d' ' -f1 "$work/$c" | median)
	st=""
	for k in 2 3 4; do
		[ -n "$(cut -d' ' -f$k "$work/$c" | head -n 1)" ] || continue
		st+="$(cut -d' ' -f$k "$work/$c" | median) "
	done
	echo "| $(label "$c") | $(cut -d' ' -f1 "$work/$c" | tr '\n' ' ') | $med | $(awk -v m="$med" -v n="$n" 'BEGIN { printf "%.2f", m / n * 1e6 }') | $st|"
done
