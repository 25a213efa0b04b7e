#!/usr/bin/env bash
# What exactly-once costs: the strategy pipeline on a real Apache Kafka
# (tests/kafka-real.sh), with and without --eos, alternating:
#   kin --eos -g G -e IN | strategy | kout --eos OUT      (exactly-once)
#   kin -g G -e IN | strategy | kout OUT                  (at-least-once)
# Each drain reads the same pre-filled IN in a new group into a new OUT:
# wall time, CPU seconds of each stage and of the broker (its JVM, from
# /proc), and the transactions' commit markers in OUT. Then the latency of
# a running --eos pipeline at a fixed input rate: input append to output
# append (the topics use LogAppendTime; read back with kin -E), and input
# append to the moment a read_committed consumer has the record.
#
#   bench/eos.sh [MESSAGES] [RUNS] [RATE] [SECONDS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n="${1:-1000000}"
runs="${2:-3}"
rate="${3:-1000}"
secs="${4:-30}"
need kin kout ktopic mockgen strategy python3
bench_work
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	bench_cleanup
}
trap cleanup EXIT

start_real
broker=$(cat "$real_dir/kafka.pid")
hz=$(getconf CLK_TCK)
lat=(-c message.timestamp.type=LogAppendTime)
"$bin/ktopic" -b "$B" create -p 4 "${lat[@]}" IN LAT_IN LAT_OUT LAT_ALO >/dev/null
"$bin/mockgen" -s A -r 0 -n "$n" --seed 42 --id | "$bin/kout" -b "$B" IN 2>/dev/null

# broker_cpu: the broker's CPU seconds so far.
broker_cpu() {
	awk -v hz="$hz" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$broker/stat"
}
# cpu K COMMAND...: runs it; its CPU seconds (user + sys) go to $work/t.K.
cpu() {
	local k=$1
	shift
	/usr/bin/time -f '%U %S' -o "$work/t.$k" "$@"
}
stage() { awk '{ printf "%.2f", $1 + $2 }' "$work/t.$1"; }
# markers TOPIC: offsets that hold no record (transaction markers).
markers() {
	"$bin/ktopic" -b "$B" count "$1" | awk 'NR > 1 { r += $3; o += $4 } END { print o - r, r }'
}

# drain MODE I: one drain of IN; appends "wall kin strategy kout broker markers records".
drain() {
	local mode=$1 i=$2 out="OUT_$1_$2" eos=() b0 b1 t0 t1
	[ "$mode" = eos ] && eos=(--eos)
	"$bin/ktopic" -b "$B" create -p 4 "$out" >/dev/null
	b0=$(broker_cpu)
	t0=$(date +%s%N)
	cpu 1 "$bin/kin" -b "$B" "${eos[@]}" -g "G_${mode}_$i" -e IN 2>/dev/null |
	    cpu 2 "$bin/strategy" |
	    cpu 3 "$bin/kout" -b "$B" "${eos[@]}" "$out"
	t1=$(date +%s%N)
	b1=$(broker_cpu)
	echo "$(( (t1 - t0) / 1000000 )) $(stage 1) $(stage 2) $(stage 3) $(awk -v a="$b0" -v b="$b1" 'BEGIN { printf "%.2f", b - a }') $(markers "$out")" >> "$work/$mode"
}
for i in $(seq "$runs"); do
	drain eos "$i"
	drain alo "$i"
done

# live MODE OUT: the pipeline running on LAT_IN while RATE records a second
# are produced for SECS seconds; a read_committed consumer of OUT stamps
# each record with the time it has it.
live() {
	local mode=$1 out=$2 eos=() kin_pid tail_pid watch_pid stamp_pid c
	[ "$mode" = eos ] && eos=(--eos)
	rm -f "$work/fifo" "$work/watch"
	mkfifo "$work/fifo" "$work/watch"
	python3 -u -c 'import sys, time
for l in sys.stdin:
    sys.stdout.write("%d %s" % (time.time() * 1000, l))' < "$work/watch" > "$work/seen.$mode" &
	stamp_pid=$!
	"$bin/kin" -b "$B" -X isolation.level=read_committed "$out" > "$work/watch" 2>/dev/null &
	watch_pid=$!
	pids+=("$watch_pid")
	"$bin/kin" -b "$B" "${eos[@]}" -g "G_live_$mode" LAT_IN > "$work/fifo" 2>/dev/null &
	kin_pid=$!
	pids+=("$kin_pid")
	"$bin/strategy" < "$work/fifo" | "$bin/kout" -b "$B" "${eos[@]}" "$out" &
	tail_pid=$!
	pids+=("$tail_pid")
	sleep 5	# the group's first join
	"$bin/mockgen" -s A -r "$rate" -n $((rate * secs)) --id --seed "$rate" |
	    "$bin/kout" -b "$B" LAT_IN 2>/dev/null
	for _ in $(seq 100); do
		c=$(wc -l < "$work/seen.$mode")
		[ "$c" -ge $((rate * secs)) ] && break
		sleep 0.2
	done
	kill -INT "$kin_pid"
	wait "$kin_pid" "$tail_pid" 2>/dev/null || true
	kill "$watch_pid" 2>/dev/null || true
	wait "$watch_pid" "$stamp_pid" 2>/dev/null || true
}
live eos LAT_OUT
"$bin/kin" -b "$B" -E -e LAT_IN > "$work/in.env"
"$bin/kin" -b "$B" -E -e LAT_OUT > "$work/out.env"

echo "## Exactly-once: what --eos costs"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(machine)"
echo "- $n mockgen records (-s A --seed 42 --id) on a real Apache Kafka (KRaft, 1 node), 4 partitions each way"
echo "- reproduce: bench/eos.sh $n $runs $rate $secs"
echo
echo "| pipeline | wall s | kin CPU s | strategy CPU s | kout CPU s | broker CPU s | commit markers | records |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for mode in eos alo; do
	label='`kin --eos -g G -e IN \| strategy \| kout --eos OUT`'
	[ "$mode" = alo ] && label='`kin -g G -e IN \| strategy \| kout OUT`'
	while read -r w k s o b m r; do
		echo "| $label | $(awk -v w="$w" 'BEGIN { printf "%.2f", w / 1000 }') | $k | $s | $o | $b | $m | $r |"
	done < "$work/$mode"
done
echo
med() { awk -v f="$2" '{ print $f }' "$work/$1" | median; }
echo "Medians: --eos wall $(med eos 1) ms, kout $(med eos 4) CPU-s, broker $(med eos 5) CPU-s;" \
    "at-least-once wall $(med alo 1) ms, kout $(med alo 4) CPU-s, broker $(med alo 5) CPU-s;" \
    "kout --eos / kout: $(awk -v a="$(med eos 4)" -v b="$(med alo 4)" 'BEGIN { printf "%.2fx", a / b }')."
echo
python3 - "$work/in.env" "$work/out.env" "$work/seen.eos" "$rate" "$secs" <<'EOF'
import json, sys

def envelopes(path):
    for line in open(path):
        i = line.index(',"value":')
        env = json.loads(line[:i] + "}")
        yield env["timestamp"], json.loads(line[i + 9:-2])

sent = {v["id"]: t for t, v in envelopes(sys.argv[1])}
appended = [t - sent[v["id"]] for t, v in envelopes(sys.argv[2]) if v["id"] in sent]
seen = []
for line in open(sys.argv[3]):
    ms, rec = line.split(" ", 1)
    v = json.loads(rec)
    if v["id"] in sent:
        seen.append(int(ms) - sent[v["id"]])

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))] if xs else float("nan")

print("Latency of the running --eos pipeline at %s records/s for %s s (ms):" % (sys.argv[4], sys.argv[5]))
print()
print("| measured to | records | p50 | p99 | max |")
print("| --- | --- | --- | --- | --- |")
for name, xs in (("output append (LogAppendTime)", appended),
                 ("a read_committed consumer has it", seen)):
    print("| %s | %d | %d | %d | %d |" % (name, len(xs), pct(xs, 50), pct(xs, 99), max(xs) if xs else -1))
EOF
