#!/usr/bin/env bash
# kpipes against the tutorial's own engine, PySpark Structured Streaming
# (local[2]), on one real Apache Kafka (tests/kafka-real.sh), the same
# records, one system at a time: the strategy job (X_input -> X_output) and
# the +-5 minute stream-stream join (C_output x D_input -> D_input_ready).
#
#   bench/vs-spark.sh [--quick]
#
# Per job and system: (1) throughput: a pre-filled backlog of N records is
# drained by a running job (Spark warmed up on other topics first, so JVM
# start and code generation are not counted); (2) latency at fixed input
# rates: from a record's append to its input topic to its result's append to
# the output topic, both broker clocks (the topics use LogAppendTime), read
# afterwards by a separate consumer (kin -E); (3) CPU seconds of the
# system's processes (/proc/PID/stat) per million input records; (4) peak
# resident memory (VmHWM, summed over the system's processes); and the
# pre-filled records' results of both systems compared. Spark's side is
# installed by bench/spark/setup.sh (PyPI and Maven Central, cached).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

quick=0
case "${1:-}" in
--quick) quick=1 ;;
"") ;;
*) echo "usage: bench/vs-spark.sh [--quick]" >&2; exit 2 ;;
esac
if [ "$quick" = 1 ]; then
	n_a=200000 n_cd=40000 phase_s=10 tp_timeout=180 tp_runs=1
else
	n_a=2000000 n_cd=400000 phase_s=60 tp_timeout=900 tp_runs=3
fi
# The drain of the backlog, the throughput figure, is run this many times a
# system, alternating kpipes and Spark (the last with the latency phases
# after it); the report gives every run and the medians.
tp_runs=${VS_SPARK_TP_RUNS:-$tp_runs}
rates="1000 10000"
window_s=300
delay=2m
need kin kout ktopic mockgen strategy wjoin

eval "$("$root/bench/spark/setup.sh" env)"
export SPARK_JARS
an() { "$SPARK_PYTHON" "$root/bench/spark/analyze.py" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kpipes-vs-spark.XXXXXX")
kdir=""
pids=()		# process groups we started (their leaders)
cleanup() {
	local p i alive
	for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
	for i in $(seq 100); do
		alive=0
		for p in "${pids[@]}"; do kill -0 -- "-$p" 2>/dev/null && alive=1; done
		[ "$alive" = 0 ] && break
		sleep 0.2
	done
	for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
	[ -n "$kdir" ] && "$root/tests/kafka-real.sh" stop "$kdir" >/dev/null 2>&1
	if [ -n "${VS_SPARK_KEEP:-}" ]; then echo "vs-spark: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "vs-spark: $*" >&2; }
now_ms() { date +%s%3N; }
res() { echo "$1=$2" >> "$work/results"; }
count() {
	"$bin/ktopic" -b "$B" describe -J "$1" |
	    awk -F'"high":' '{ split($2, a, /[,}]/); s += a[1] } END { print s + 0 }'
}
envelopes() { "$bin/kin" -b "$B" -E -e "$1" > "$2"; }

# wait_count TOPIC TARGET TIMEOUT_S [PID]: until TOPIC holds TARGET messages,
# nothing new came for 15 s after the first, the time is up, or PID died.
wait_count() {
	local topic=$1 target=$2 deadline=$(( $(date +%s) + $3 )) pid=${4:-} c last=-1 since
	since=$(date +%s)
	while :; do
		c=$(count "$topic")
		[ "$c" -ge "$target" ] && break
		if [ "$c" != "$last" ]; then last=$c; since=$(date +%s); fi
		if [ "$c" -gt 0 ] && [ $(( $(date +%s) - since )) -ge 15 ]; then
			say "$topic: stalled at $c of $target"; break
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then say "$topic: $c of $target at time-out"; break; fi
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then say "$topic: job died at $c of $target"; break; fi
		sleep 0.1
	done
	echo "$c"
}

# ------------------------------------------------------------ the data ---

say "starting a real Kafka"
kdir="$work/kafka"
B=$("$root/tests/kafka-real.sh" start "$kdir")
lat=(-c message.timestamp.type=LogAppendTime)
for s in kp sp; do
	"$bin/ktopic" -b "$B" create -p 4 "${lat[@]}" ${s}_A_input ${s}_A_output
	# One partition each: the join's inputs stay in event-time order (a
	# record's lateness then depends on the data, not on how partitions
	# interleave), as in the tutorial's single-producer setup.
	"$bin/ktopic" -b "$B" create -p 1 "${lat[@]}" ${s}_C_output ${s}_D_input ${s}_D_input_ready
	for i in $(seq 2 "$tp_runs"); do	# the outputs of the repeated drains
		"$bin/ktopic" -b "$B" create -p 4 "${lat[@]}" ${s}_A_output_r$i
		"$bin/ktopic" -b "$B" create -p 1 "${lat[@]}" ${s}_D_input_ready_r$i
	done
done >/dev/null
"$bin/ktopic" -b "$B" create -p 4 sp_warm_A sp_warm_out >/dev/null
"$bin/ktopic" -b "$B" create -p 1 sp_warm_C sp_warm_D >/dev/null

gen_a=(mockgen -s A -r 0 -n "$n_a" --seed 42 --start 2001-01-01T00:00:00Z --step 10ms --id)
gen_cd=(mockgen -s C,D -r 0 -n "$n_cd" --seed 43 --start 2001-01-01T00:00:00Z --step 150s --disorder 60s --id)
"$bin/mockgen" "${gen_a[@]:1}" > "$work/A.in"
"$bin/mockgen" "${gen_cd[@]:1}" > "$work/CD.in"
grep '"strategy":"C"' "$work/CD.in" | "$bin/strategy" > "$work/C.in"
grep '"strategy":"D"' "$work/CD.in" > "$work/D.in"
for s in kp sp; do
	"$bin/kout" -b "$B" ${s}_A_input < "$work/A.in"
	"$bin/kout" -b "$B" ${s}_C_output < "$work/C.in"
	"$bin/kout" -b "$B" ${s}_D_input < "$work/D.in"
done 2>/dev/null
"$bin/mockgen" -s A -r 0 -n 20000 --seed 1 --start 2000-01-01T00:00:00Z --step 10ms --id |
    "$bin/kout" -b "$B" sp_warm_A 2>/dev/null
"$bin/mockgen" -s C,D -r 0 -n 4000 --seed 2 --start 2000-01-01T00:00:00Z --step 150s --id |
    "$bin/strategy" | "$bin/kout" -b "$B" -T '"sp_warm_"+.strategy' 2>/dev/null
pairs_cd=$(an refjoin "$work/C.in" "$work/D.in" "$window_s")
say "inputs ready: $n_a A records, $n_cd C and D records ($pairs_cd pairs within +-5 min)"

# ------------------------------------------------------------- systems ---

# The commands; R (_r2, ...) names a repeated drain's output topic and group.
kp_strategy() { echo "kin -g kp-strategy$1 kp_A_input | strategy | kout kp_A_output$1"; }
kp_join() { echo "kin kp_C_output | wjoin -w 5m -d $delay <(kin kp_D_input) | kout kp_D_input_ready$1"; }
kp_strategy_cmd=$(kp_strategy "")
kp_join_cmd=$(kp_join "")
sp_common=(--brokers "$B" --watermark "${delay%m} minutes")

# start SYS JOB [R]: starts it in its own process group, sets $pid.
start() {
	local sys=$1 job=$2 r=${3:-} log="$work/$1_$2${3:-}.log"
	case "$sys/$job" in
	kp/strategy) setsid bash -c "export PATH=\"$bin:\$PATH\" KAFKA_BROKERS=$B; $(kp_strategy "$r")" > "$log" 2>&1 & ;;
	kp/join) setsid bash -c "export PATH=\"$bin:\$PATH\" KAFKA_BROKERS=$B; $(kp_join "$r")" > "$log" 2>&1 & ;;
	sp/strategy)
		setsid "$SPARK_PYTHON" "$root/bench/spark/strategy_job.py" "${sp_common[@]}" --checkpoint "$work/ckpt_$job$r" \
		    --input sp_A_input --output sp_A_output$r --warmup sp_warm_A \
		    --warmup-output sp_warm_out --ready "$work/ready" --go "$work/go" \
		    --stop "$work/stop" --progress "$work/sp_strategy.progress" > "$log" 2>&1 & ;;
	sp/join)
		setsid "$SPARK_PYTHON" "$root/bench/spark/merge_c_d.py" "${sp_common[@]}" --checkpoint "$work/ckpt_$job$r" \
		    --left sp_C_output --right sp_D_input --output sp_D_input_ready$r \
		    --key "${VS_SPARK_JOIN_KEY:-bucket}" \
		    --warmup sp_warm_C --warmup sp_warm_D --warmup-output sp_warm_out \
		    --ready "$work/ready" --go "$work/go" --stop "$work/stop" \
		    --progress "$work/sp_join.progress" > "$log" 2>&1 & ;;
	esac
	pid=$!
	pids+=("$pid")
}

# stop SYS PID: Spark through its stop file (a clean query stop), kpipes by
# SIGTERM (kin commits and leaves, kout drains); then the group, if need be.
stop() {
	local sys=$1 p=$2 i
	if [ "$sys" = sp ]; then touch "$work/stop"; else kill -TERM -- "-$p" 2>/dev/null || true; fi
	for i in $(seq 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
	kill -TERM -- "-$p" 2>/dev/null || true
	for i in $(seq 50); do kill -0 -- "-$p" 2>/dev/null || break; sleep 0.2; done
	kill -KILL -- "-$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
}

# produce JOB SYS RATE: the fixed-rate input of one latency phase.
produce() {
	local job=$1 s=$2 rate=$3 half start p1
	if [ "$job" = strategy ]; then
		"$bin/mockgen" -s A -r "$rate" -n $((rate * phase_s)) --id --seed "$rate" |
		    "$bin/kout" -b "$B" ${s}_A_input
	else
		half=$((rate / 2))
		# Simulated event time, 150 s a round, so each record meets a
		# few others (wall-clock time at 1000/s would pair each with
		# 300000); each phase starts past the one before.
		start=$([ "$rate" = 1000 ] && echo 2030-01-01T00:00:00Z || echo 2033-01-01T00:00:00Z)
		"$bin/mockgen" -s C -r "$half" -n $((half * phase_s)) --id --seed "1$rate" \
		    --start "$start" --step 150s --disorder 60s | "$bin/strategy" |
		    "$bin/kout" -b "$B" ${s}_C_output &
		p1=$!
		"$bin/mockgen" -s D -r "$half" -n $((half * phase_s)) --id --seed "2$rate" \
		    --start "$start" --step 150s --disorder 60s | "$bin/kout" -b "$B" ${s}_D_input &
		wait "$p1" "$!"
	fi
}

# drain SYS JOB [R]: starts the job, times its drain of the pre-filled
# backlog, records tp_JOB_SYS[R] and leaves it running ($pid, its output
# topic in $out). Without R, the memory monitor runs too ($mon).
drain() {
	local s=$1 job=$2 r=${3:-} n cpu0 cpu1 t_go c target first last i
	rm -f "$work/ready" "$work/go" "$work/stop"
	if [ "$job" = strategy ]; then out=${s}_A_output$r n=$n_a target=$n_a
	else out=${s}_D_input_ready$r n=$n_cd target=$pairs_cd; fi
	say "$s $job$r: starting"
	t_go=$(now_ms)
	start "$s" "$job" "$r"
	if [ -z "$r" ]; then
		an procmon "$work/mem_${job}_$s.json" "$pid" &
		mon=$!
	fi
	if [ "$s" = sp ]; then
		for i in $(seq 1500); do
			[ -e "$work/ready" ] && break
			kill -0 "$pid" 2>/dev/null || { tail -n 30 "$work/${s}_$job$r.log" >&2; exit 1; }
			sleep 0.2
		done
		[ -e "$work/ready" ] || { say "Spark not ready after 300 s"; exit 1; }
		[ -z "$r" ] && res "startup_$job" "$(( $(now_ms) - t_go ))"
		say "$s $job: Spark up and warm after $(( $(now_ms) - t_go )) ms"
		cpu0=$(an cpu "$pid")
		t_go=$(now_ms)
		touch "$work/go"
	else
		cpu0=0
	fi
	c=$(wait_count "$out" "$target" "$tp_timeout" "$pid")
	cpu1=$(an cpu "$pid")
	envelopes "$out" "$work/tp_${job}_$s$r.env"
	read -r first last < <(an append-range "$work/tp_${job}_$s$r.env")
	res "tp_${job}_$s$r" "{\"records\":$n,\"out\":$c,\"target\":$target,\"ms\":$((last - t_go)),\"first_ms\":$((first - t_go)),\"cpu\":$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')}"
	say "$s $job$r: $c outputs in $((last - t_go)) ms"
}

# run SYS JOB: throughput, then the latency phases, on one running job.
run() {
	local s=$1 job=$2 cpu0 cpu1 c0 c t0 t1 target rate
	drain "$s" "$job"

	for rate in $rates; do
		c0=$(count "$out")
		cpu0=$(an cpu "$pid")
		t0=$(now_ms)
		produce "$job" "$s" "$rate" 2>/dev/null
		t1=$(now_ms)
		if [ "$job" = strategy ]; then
			target=$((c0 + rate * phase_s))
		else
			envelopes ${s}_C_output "$work/c.env"
			envelopes ${s}_D_input "$work/d.env"
			target=$((c0 + $(an expected-join "$work/c.env" "$work/d.env" "$t0" "$t1" "$window_s")))
		fi
		c=$(wait_count "$out" "$target" 120 "$pid")
		cpu1=$(an cpu "$pid")
		res "cpu_${job}_${rate}_$s" "{\"records\":$((rate * phase_s)),\"cpu\":$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')}"
		echo "$rate $t0 $t1" >> "$work/phases_${job}_$s"
		say "$s $job: $rate records/s for ${phase_s} s, $((c - c0)) outputs"
	done
	stop "$s" "$pid"
	wait "$mon" 2>/dev/null || true
	res "mem_${job}_$s" "$(cat "$work/mem_${job}_$s.json")"
	if grep -q 'query failed\|Traceback' "$work/${s}_$job.log"; then
		tail -n 20 "$work/${s}_$job.log" >&2
	fi

	# Latency, from what a separate consumer reads back.
	envelopes "$out" "$work/out.env"
	if [ "$job" = strategy ]; then
		envelopes ${s}_A_input "$work/in.env"
	else
		envelopes ${s}_C_output "$work/c.env"
		envelopes ${s}_D_input "$work/d.env"
	fi
	while read -r rate t0 t1; do
		if [ "$job" = strategy ]; then
			res "lat_${job}_${rate}_$s" "$(an latency-strategy "$work/in.env" "$work/out.env" "$t0" "$t1")"
		else
			res "lat_${job}_${rate}_$s" "$(an latency-join "$work/c.env" "$work/d.env" "$work/out.env" "$t0" "$t1")"
		fi
	done < "$work/phases_${job}_$s"
}

# For working on this script: VS_SPARK_JOBS=join runs one job only,
# VS_SPARK_KEEP=1 keeps the work directory (logs, envelopes, results),
# VS_SPARK_JOIN_KEY=constant runs Spark's join on a constant key instead of
# time buckets (see bench/spark/merge_c_d.py).
for job in ${VS_SPARK_JOBS:-strategy join}; do
	# The repeated drains first: the latency phases add to the inputs.
	for i in $(seq 2 "$tp_runs"); do
		for s in kp sp; do
			drain "$s" "$job" "_r$i"
			stop "$s" "$pid"
		done
	done
	run kp "$job"
	run sp "$job"
	if [ "$job" = strategy ]; then
		res cmp_strategy "$(an compare-strategy "$work/A.in" "$work/tp_strategy_kp.env" "$work/tp_strategy_sp.env")"
	else
		res cmp_join "$(an compare-join "$work/C.in" "$work/D.in" "$window_s" "$work/tp_join_kp.env" "$work/tp_join_sp.env")"
	fi
done

res date "$(date -u +%Y-%m-%dT%H:%MZ)"
res machine "$(machine)"
rdk=$("$root/tests/librdkafka.sh" --check && echo "librdkafka 2.12.0 (tests/librdkafka.sh)" || echo "the system's librdkafka")
res versions "kpipes $("$bin/kin" -V 2>&1 | head -n 1) on $rdk, PySpark $("$SPARK_PYTHON" -c 'import pyspark; print(pyspark.__version__)') with spark-sql-kafka-0-10_2.13 (local[2]), $(java -version 2>&1 | head -n 1), Apache Kafka ${KAFKA_VERSION:-4.1.1} (KRaft, 1 node)"
res reproduce "bench/vs-spark.sh$([ "$quick" = 1 ] && echo ' --quick')"
res mode "$([ "$quick" = 1 ] && echo "quick: $n_a and $n_cd pre-filled records, ${phase_s} s per latency phase" || echo "full: $n_a and $n_cd pre-filled records, ${phase_s} s per latency phase")"
res rates "[$(echo $rates | tr ' ' ,)]"
res tp_runs "$tp_runs"
an report "$work/results"
cat <<EOF

### How it was run

- Inputs (identical bytes into each system's own topics): \`${gen_a[*]}\` into X_input
  (4 partitions); \`${gen_cd[*]}\`, the C records through \`strategy\`, into C_output and
  D_input (1 partition each). Every topic uses LogAppendTime.
- kpipes strategy: \`$kp_strategy_cmd\`
- kpipes join: \`$kp_join_cmd\`
- Spark strategy: \`bench/spark/strategy_job.py --brokers B --input sp_A_input --output sp_A_output\`
- Spark join: \`bench/spark/merge_c_d.py --brokers B --left sp_C_output --right sp_D_input --output sp_D_input_ready --watermark '${delay%m} minutes' --key ${VS_SPARK_JOIN_KEY:-bucket}\`
  (withWatermark on both inputs, \`left_k = right_k AND left_time BETWEEN right_time - 5 min AND right_time + 5 min\`,
  the key being 5-minute buckets of event time: Spark needs an equality in a stream-stream join).
- Both producers are idempotent with acks=all (kout's defaults; kafka-clients 3.9's for Spark).
- Latency: every topic stamps messages with the broker's clock on append (LogAppendTime); after
  each phase a separate consumer (\`kin -E -e\`) reads input and output topics back, and a
  record's latency is its output's timestamp minus its input's (records matched by id and ts).
- Throughput: each system drains the pre-filled backlog ${tp_runs} time(s), each time a fresh job
  (kin in a new group, Spark with a new checkpoint) writing to a fresh output topic, kpipes
  and Spark in turn; the last pair then runs the latency phases. The per-CPU goal is judged
  on the medians (set the number with VS_SPARK_TP_RUNS).
- CPU: utime+stime (and that of children waited for) of the system's processes, from /proc,
  between the start signal and the last output (throughput) or over a fixed-rate phase. Memory:
  VmHWM of each of the system's processes (those living a second or more), summed.
- Spark settings: \`local[2]\`, default trigger (a new micro-batch as soon as the last one ends),
  default driver memory (1 GB heap), UI off, \`spark.sql.shuffle.partitions=4\` (the default
  200 means 200 tasks a micro-batch on 2 cores), checkpoints in a temporary directory.
  Spark's clock starts after its session is up and a warm-up run over 20000 other records
  has finished; kpipes' clock starts before its processes are.
- Fixed-rate phases: \`mockgen -s A -r RATE --id | kout\` for ${phase_s} s; the join gets
  RATE/2 C records (through \`strategy\`) and RATE/2 D records a second, in simulated event
  time 150 s apart (\`--step 150s --disorder 60s\`). Latency of a join pair is measured
  from the later of its two inputs' appends.
EOF
