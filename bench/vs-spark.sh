#!/usr/bin/env bash
# kpipes against two stream engines on one real Apache Kafka
# (tests/kafka-real.sh): Kafka Streams 4.1.1 (bench/kstreams/, built here
# with mvn) and the tutorial's own engine, PySpark Structured Streaming
# (local[2]); the same records, one system at a time: the strategy job
# (X_input -> X_output) and the +-5 minute stream-stream join (C_output x
# D_input -> D_input_ready). (The name stays vs-spark.sh: the sections of
# bench/RESULTS.md written before Kafka Streams came name it to reproduce
# them, and VS_SPARK_SYSTEMS="kp sp" still does.)
#
#   bench/vs-spark.sh [--quick]
#
# The systems (VS_SPARK_SYSTEMS picks some, default all, in this order):
#   kp   kpipes, at-least-once: kin -g G | strategy | kout
#   kpx  kpipes, exactly-once:  kin --eos -g G | strategy | kout --eos
#   ks   Kafka Streams, processing.guarantee=at_least_once
#   ksx  Kafka Streams, processing.guarantee=exactly_once_v2
#   sp   Spark (at-least-once only: its Kafka sink has no transactions)
#
# Per job and system: (1) throughput: a pre-filled backlog of N records is
# drained by a running job (the JVMs warmed up on other topics first, so
# JVM start and code generation are not counted); (2) latency at fixed input
# rates: from a record's append to its input topic to its result's append to
# the output topic, both broker clocks (the topics use LogAppendTime), read
# afterwards by a separate consumer (kin -E); under exactly-once, where a
# record is appended before its transaction commits, to the moment a live
# read_committed consumer receives it; (3) CPU seconds of the system's
# processes (/proc/PID/stat) per million input records, and the broker's;
# (4) peak resident memory (VmHWM, summed over the system's processes); and
# the pre-filled records' results of every system compared. Spark's side is
# installed by bench/spark/setup.sh (PyPI and Maven Central, cached), Kafka
# Streams' by bench/kstreams/setup.sh (Maven Central, cached).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

quick=0
case "${1:-}" in
--quick) quick=1 ;;
"") ;;
*) echo "usage: bench/vs-spark.sh [--quick]" >&2; exit 2 ;;
esac
# --quick, a check that everything runs (within bench/run --quick's five
# minutes): small inputs, one drain a system, 2-second phases, and the JVMs
# (Kafka Streams, Spark) not warmed up first.
if [ "$quick" = 1 ]; then
	n_a=50000 n_cd=10000 phase_s=2 tp_timeout=180 tp_runs=1 stall_s=5
else
	n_a=2000000 n_cd=400000 phase_s=60 tp_timeout=900 tp_runs=3 stall_s=15
fi
# The drain of the backlog, the throughput figure, is run this many times a
# system, the systems in turn (the last with the latency phases after it);
# the report gives every run and the medians. VS_SPARK_N_A, VS_SPARK_N_CD
# and VS_SPARK_PHASE_S set the sizes (a reduced run on a busy machine).
tp_runs=${VS_SPARK_TP_RUNS:-$tp_runs}
n_a=${VS_SPARK_N_A:-$n_a}
n_cd=${VS_SPARK_N_CD:-$n_cd}
phase_s=${VS_SPARK_PHASE_S:-$phase_s}
systems=${VS_SPARK_SYSTEMS:-kp kpx ks ksx sp}
for s in $systems; do
	case $s in
	kp|kpx|ks|ksx|sp) ;;
	*) echo "vs-spark: VS_SPARK_SYSTEMS: no system $s (kp kpx ks ksx sp)" >&2; exit 2 ;;
	esac
done
rates="1000 10000"
window_s=300
delay=2m
# Kafka Streams' stream threads: its default, 1 (on these 2 cores, 2 threads
# took longer and more CPU for the join).
ks_threads=${KSTREAMS_THREADS:-1}
need kin kout ktopic mockgen strategy wjoin python3

has() { [[ " $systems " == *" $1 "* ]]; }
is_eos() { [ "$1" = kpx ] || [ "$1" = ksx ]; }
is_jvm() { [ "$1" = sp ] || [ "$1" = ks ] || [ "$1" = ksx ]; }
an() { python3 "$root/bench/spark/analyze.py" "$@"; }
if has sp; then
	eval "$("$root/bench/spark/setup.sh" env)"
	export SPARK_JARS
fi
if has ks || has ksx; then
	eval "$("$root/bench/kstreams/setup.sh" env)"
	# shellcheck disable=SC2206	# options are words
	ks_java=(java ${KSTREAMS_JAVA_OPTS:-} -cp "$KSTREAMS_CLASSPATH" kpipes.bench.Main)
fi

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
# count TOPIC: the messages it holds; for a topic written in transactions
# (an exactly-once system's output, named kpx_ or ksx_), the committed
# records, counted by a read_committed consumer from where it last stopped.
count() {
	case $1 in
	kpx_*|ksx_*)
		"$bin/ktopic" -b "$B" -J count --since "$work/count_$1" "$1" |
		    awk -F'"records":' '{ split($2, a, /[,}]/); s += a[1] } END { print s + 0 }' ;;
	*)
		"$bin/ktopic" -b "$B" describe -J "$1" |
		    awk -F'"high":' '{ split($2, a, /[,}]/); s += a[1] } END { print s + 0 }' ;;
	esac
}
envelopes() { "$bin/kin" -b "$B" -E -e "$1" > "$2"; }

# wait_count TOPIC TARGET TIMEOUT_S [PID]: until TOPIC holds TARGET messages,
# nothing new came for stall_s seconds after the first, the time is up, or
# PID died.
wait_count() {
	local topic=$1 target=$2 deadline=$(( $(date +%s) + $3 )) pid=${4:-} c last=-1 since
	since=$(date +%s)
	while :; do
		c=$(count "$topic")
		[ "$c" -ge "$target" ] && break
		if [ "$c" != "$last" ]; then last=$c; since=$(date +%s); fi
		if [ "$c" -gt 0 ] && [ $(( $(date +%s) - since )) -ge "$stall_s" ]; then
			say "$topic: stalled at $c of $target"; break
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then say "$topic: $c of $target at time-out"; break; fi
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then say "$topic: job died at $c of $target"; break; fi
		case $topic in kpx_*|ksx_*) sleep 0.5 ;; *) sleep 0.1 ;; esac
	done
	echo "$c"
}

# ------------------------------------------------------------ the data ---

say "starting a real Kafka"
kdir="$work/kafka"
B=$("$root/tests/kafka-real.sh" start "$kdir")
broker_pid=$(cat "$kdir/kafka.pid")
lat=(-c message.timestamp.type=LogAppendTime)
for s in $systems; do
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
"$bin/ktopic" -b "$B" create -p 4 warm_A warm_out_sp warm_out_ks >/dev/null
"$bin/ktopic" -b "$B" create -p 1 warm_C warm_D >/dev/null

gen_a=(mockgen -s A -r 0 -n "$n_a" --seed 42 --start 2001-01-01T00:00:00Z --step 10ms --id)
gen_cd=(mockgen -s C,D -r 0 -n "$n_cd" --seed 43 --start 2001-01-01T00:00:00Z --step 150s --disorder 60s --id)
"$bin/mockgen" "${gen_a[@]:1}" > "$work/A.in"
"$bin/mockgen" "${gen_cd[@]:1}" > "$work/CD.in"
grep '"strategy":"C"' "$work/CD.in" | "$bin/strategy" > "$work/C.in"
grep '"strategy":"D"' "$work/CD.in" > "$work/D.in"
for s in $systems; do
	"$bin/kout" -b "$B" ${s}_A_input < "$work/A.in"
	"$bin/kout" -b "$B" ${s}_C_output < "$work/C.in"
	"$bin/kout" -b "$B" ${s}_D_input < "$work/D.in"
done 2>/dev/null
# The JVMs' warm-up input: 20000 A records, and 4000 C and D records.
warm_a=20000 warm_cd=4000
"$bin/mockgen" -s A -r 0 -n $warm_a --seed 1 --start 2000-01-01T00:00:00Z --step 10ms --id |
    "$bin/kout" -b "$B" warm_A 2>/dev/null
"$bin/mockgen" -s C,D -r 0 -n $warm_cd --seed 2 --start 2000-01-01T00:00:00Z --step 150s --id |
    "$bin/strategy" | "$bin/kout" -b "$B" -T '"warm_"+.strategy' 2>/dev/null
pairs_cd=$(an refjoin "$work/C.in" "$work/D.in" "$window_s")
say "inputs ready: $n_a A records, $n_cd C and D records ($pairs_cd pairs within +-5 min); systems: $systems"

# ------------------------------------------------------------- systems ---

# The kpipes commands, for system S (kp or kpx); R (_r2, ...) names a
# repeated drain's output topic and groups.
kp_strategy() {
	if [ "$1" = kpx ]; then
		echo "kin --eos -g kpx-strategy$2 kpx_A_input | strategy | kout --eos kpx_A_output$2"
	else
		echo "kin -g kp-strategy$2 kp_A_input | strategy | kout kp_A_output$2"
	fi
}
kp_join() {
	if [ "$1" = kpx ]; then
		echo "kin --eos -g kpx-join-C$2 kpx_C_output | wjoin -w 5m -d $delay <(kin --eos -g kpx-join-D$2 kpx_D_input) | kout --eos kpx_D_input_ready$2"
	else
		echo "kin kp_C_output | wjoin -w 5m -d $delay <(kin kp_D_input) | kout kp_D_input_ready$2"
	fi
}
sp_common=(--brokers "$B" --watermark "${delay%m} minutes")
sp_warm_a=(--warmup warm_A)
sp_warm_cd=(--warmup warm_C --warmup warm_D)
if [ "$quick" = 1 ]; then sp_warm_a=() sp_warm_cd=(); fi

# start SYS JOB [R]: starts it in its own process group, sets $pid.
start() {
	local sys=$1 job=$2 r=${3:-} log="$work/$1_$2${3:-}.log" guarantee args
	case "$sys/$job" in
	kp*/strategy) setsid bash -c "export PATH=\"$bin:\$PATH\" KAFKA_BROKERS=$B; $(kp_strategy "$sys" "$r")" > "$log" 2>&1 & ;;
	kp*/join) setsid bash -c "export PATH=\"$bin:\$PATH\" KAFKA_BROKERS=$B; $(kp_join "$sys" "$r")" > "$log" 2>&1 & ;;
	ks*/*)
		guarantee=at_least_once
		[ "$sys" = ksx ] && guarantee=exactly_once_v2
		args=(--brokers "$B" --app-id "$sys-$job$r" --guarantee "$guarantee"
		    --threads "$ks_threads" --state-dir "$work/ks-state" --warmup-output warm_out_ks
		    --ready "$work/ready" --go "$work/go")
		if [ "$job" = strategy ]; then
			args+=(--input "${sys}_A_input" --output "${sys}_A_output$r")
			[ "$quick" = 1 ] || args+=(--warmup-input warm_A --warmup-records "$warm_a")
		else
			args+=(--left "${sys}_C_output" --right "${sys}_D_input" --output "${sys}_D_input_ready$r"
			    --window-ms $((window_s * 1000)) --grace-ms $((${delay%m} * 60000)))
			[ "$quick" = 1 ] || args+=(--warmup-input warm_C --warmup-input warm_D --warmup-records "$warm_cd")
		fi
		setsid "${ks_java[@]}" "$job" "${args[@]}" > "$log" 2>&1 & ;;
	sp/strategy)
		setsid "$SPARK_PYTHON" "$root/bench/spark/strategy_job.py" "${sp_common[@]}" --checkpoint "$work/ckpt_$job$r" \
		    --input sp_A_input --output sp_A_output$r "${sp_warm_a[@]}" \
		    --warmup-output warm_out_sp --ready "$work/ready" --go "$work/go" \
		    --stop "$work/stop" --progress "$work/sp_strategy.progress" > "$log" 2>&1 & ;;
	sp/join)
		setsid "$SPARK_PYTHON" "$root/bench/spark/merge_c_d.py" "${sp_common[@]}" --checkpoint "$work/ckpt_$job$r" \
		    --left sp_C_output --right sp_D_input --output sp_D_input_ready$r \
		    --key "${VS_SPARK_JOIN_KEY:-bucket}" \
		    "${sp_warm_cd[@]}" --warmup-output warm_out_sp \
		    --ready "$work/ready" --go "$work/go" --stop "$work/stop" \
		    --progress "$work/sp_join.progress" > "$log" 2>&1 & ;;
	esac
	pid=$!
	pids+=("$pid")
}

# stop SYS PID: Spark through its stop file (a clean query stop), kpipes
# and Kafka Streams by SIGTERM (kin commits and leaves, kout drains; Kafka
# Streams closes, committing); then the group, if need be.
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

# delta A B: B - A, for CPU seconds.
delta() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }

# drain SYS JOB [R]: starts the job, times its drain of the pre-filled
# backlog, records tp_JOB_SYS[R] and leaves it running ($pid, its output
# topic in $out). Without R, the memory monitor runs too ($mon).
drain() {
	local s=$1 job=$2 r=${3:-} n cpu0=0 cpu1 procs0='{}' bcpu0 bcpu1 t_go c target first last i
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
	if is_jvm "$s"; then
		for i in $(seq 1500); do
			[ -e "$work/ready" ] && break
			kill -0 "$pid" 2>/dev/null || { tail -n 30 "$work/${s}_$job$r.log" >&2; exit 1; }
			sleep 0.2
		done
		[ -e "$work/ready" ] || { say "$s not ready after 300 s"; exit 1; }
		[ -z "$r" ] && res "startup_${job}_$s" "$(( $(now_ms) - t_go ))"
		say "$s $job$r: up and warm after $(( $(now_ms) - t_go )) ms"
		cpu0=$(an cpu "$pid")
		procs0=$(an cpus "$pid")
		t_go=$(now_ms)
		touch "$work/go"
	fi
	bcpu0=$(an cpu "$broker_pid")
	c=$(wait_count "$out" "$target" "$tp_timeout" "$pid")
	cpu1=$(an cpu "$pid")
	bcpu1=$(an cpu "$broker_pid")
	envelopes "$out" "$work/tp_${job}_$s$r.env"
	read -r first last < <(an append-range "$work/tp_${job}_$s$r.env")
	res "tp_${job}_$s$r" "{\"records\":$n,\"out\":$c,\"target\":$target,\"ms\":$((last - t_go)),\"first_ms\":$((first - t_go)),\"cpu\":$(delta "$cpu0" "$cpu1"),\"broker_cpu\":$(delta "$bcpu0" "$bcpu1"),\"procs\":$(an cpus "$pid" "$procs0")}"
	say "$s $job$r: $c outputs in $((last - t_go)) ms"
}

# run SYS JOB: throughput, then the latency phases, on one running job.
run() {
	local s=$1 job=$2 cpu0 cpu1 bcpu0 bcpu1 c0 c t0 t1 target rate live=""
	drain "$s" "$job"

	# Under exactly-once a record is appended before its transaction
	# commits: what counts is when a read_committed consumer has it, so
	# one reads along, its arrival times standing as the timestamps.
	if is_eos "$s"; then
		setsid bash -c "\"$bin/kin\" -b \"$B\" -E -o end --order fetch $out | python3 \"$root/bench/spark/analyze.py\" stamp" \
		    > "$work/live_${job}_$s.env" 2> "$work/live_${job}_$s.log" &
		live=$!
		pids+=("$live")
		sleep 2
	fi
	for rate in $rates; do
		c0=$(count "$out")
		cpu0=$(an cpu "$pid")
		bcpu0=$(an cpu "$broker_pid")
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
		bcpu1=$(an cpu "$broker_pid")
		res "cpu_${job}_${rate}_$s" "{\"records\":$((rate * phase_s)),\"cpu\":$(delta "$cpu0" "$cpu1"),\"broker_cpu\":$(delta "$bcpu0" "$bcpu1")}"
		echo "$rate $t0 $t1" >> "$work/phases_${job}_$s"
		say "$s $job: $rate records/s for ${phase_s} s, $((c - c0)) outputs"
	done
	if [ -n "$live" ]; then
		sleep 1
		kill -TERM -- "-$live" 2>/dev/null || true
		wait "$live" 2>/dev/null || true
	fi
	stop "$s" "$pid"
	wait "$mon" 2>/dev/null || true
	res "mem_${job}_$s" "$(cat "$work/mem_${job}_$s.json")"
	if grep -q 'query failed\|Traceback\|Exception' "$work/${s}_$job.log"; then
		tail -n 20 "$work/${s}_$job.log" >&2
	fi

	# Latency, from what a separate consumer reads back (or read along).
	if [ -n "$live" ]; then
		cp "$work/live_${job}_$s.env" "$work/out.env"
	else
		envelopes "$out" "$work/out.env"
	fi
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
# VS_SPARK_SYSTEMS="kp ks" some systems only, VS_SPARK_KEEP=1 keeps the
# work directory (logs, envelopes, results), VS_SPARK_JOIN_KEY=constant runs
# Spark's join on a constant key instead of time buckets (see
# bench/spark/merge_c_d.py).
for job in ${VS_SPARK_JOBS:-strategy join}; do
	# The repeated drains first: the latency phases add to the inputs.
	for i in $(seq 2 "$tp_runs"); do
		for s in $systems; do
			drain "$s" "$job" "_r$i"
			stop "$s" "$pid"
		done
	done
	cmp=()
	for s in $systems; do
		run "$s" "$job"
		cmp+=("$s=$work/tp_${job}_$s.env")
	done
	if [ "$job" = strategy ]; then
		res cmp_strategy "$(an compare-strategy "$work/A.in" "${cmp[@]}")"
	else
		res cmp_join "$(an compare-join "$work/C.in" "$work/D.in" "$window_s" "${cmp[@]}")"
	fi
done

res date "$(date -u +%Y-%m-%dT%H:%MZ)"
res machine "$(machine)"
rdk=$("$root/tests/librdkafka.sh" --check && echo "librdkafka 2.12.0 (tests/librdkafka.sh)" || echo "the system's librdkafka")
versions="kpipes $("$bin/kin" -V 2>&1 | head -n 1) on $rdk"
if has ks || has ksx; then
	versions+=", Kafka Streams 4.1.1 (stream threads: $ks_threads; the JVM's defaults${KSTREAMS_JAVA_OPTS:+ and $KSTREAMS_JAVA_OPTS})"
fi
if has sp; then
	versions+=", PySpark $("$SPARK_PYTHON" -c 'import pyspark; print(pyspark.__version__)') with spark-sql-kafka-0-10_2.13 (local[2])"
fi
res versions "$versions, $(java -version 2>&1 | head -n 1), Apache Kafka ${KAFKA_VERSION:-4.1.1} (KRaft, 1 node)"
reproduce=bench/vs-spark.sh
if [ "$quick" = 1 ]; then reproduce+=" --quick"; fi
for v in KSTREAMS_JAVA_OPTS KSTREAMS_THREADS VS_SPARK_PHASE_S VS_SPARK_N_CD VS_SPARK_N_A VS_SPARK_TP_RUNS VS_SPARK_JOBS VS_SPARK_SYSTEMS; do
	if [ -n "${!v:-}" ]; then reproduce="$v='${!v}' $reproduce"; fi
done
res reproduce "$reproduce"
res mode "$([ "$quick" = 1 ] && echo "quick (the JVMs not warmed up)" || echo full): $n_a and $n_cd pre-filled records, ${phase_s} s per latency phase, $tp_runs drain(s) a system"
res rates "[$(echo $rates | tr ' ' ,)]"
res tp_runs "$tp_runs"
res systems "[\"$(echo $systems | sed 's/ /","/g')\"]"
an report "$work/results"
cat <<EOF

### How it was run

- Inputs (identical bytes into each system's own topics): \`${gen_a[*]}\` into X_input
  (4 partitions); \`${gen_cd[*]}\`, the C records through \`strategy\`, into C_output and
  D_input (1 partition each). Every topic uses LogAppendTime.
- kpipes strategy: \`$(kp_strategy kp "")\`; exactly-once: \`$(kp_strategy kpx "")\`
- kpipes join: \`$(kp_join kp "")\`; exactly-once: \`$(kp_join kpx "")\`
- Kafka Streams (bench/kstreams/: \`kafka-streams\` 4.1.1 and Jackson 2.19 from Maven Central,
  Java 17): the strategy is \`stream(X_input).mapValues(transform).filter(not bad).to(X_output)\`,
  the transform parsing each record with Jackson and writing the input's bytes with
  \`,"result":N\` added, N laid out as kpipes lays numbers out; the join is
  \`C.selectKey(constant).join(D.selectKey(constant), {"left":C,"right":D},
  JoinWindows.ofTimeDifferenceAndGrace(5 min, $delay)).to(D_input_ready)\` with a
  TimestampExtractor reading \`ts\` on both inputs (the constant key means a repartition topic
  each), its window stores in memory and \`max.task.idle.ms=1000\` (see
  bench/kstreams/src/main/java/kpipes/bench/Join.java: with RocksDB stores and the default 0 it
  lost pairs). Values stay bytes throughout. \`processing.guarantee\` at_least_once (ks) or
  exactly_once_v2 (ksx), every other setting at Kafka Streams' defaults (commit.interval.ms
  30 s, or 100 ms under exactly-once; the producer's linger.ms 100 ms), $ks_threads stream
  thread(s), the JVM's default heap and collector.
- Spark strategy: \`bench/spark/strategy_job.py --brokers B --input sp_A_input --output sp_A_output\`
- Spark join: \`bench/spark/merge_c_d.py --brokers B --left sp_C_output --right sp_D_input --output sp_D_input_ready --watermark '${delay%m} minutes' --key ${VS_SPARK_JOIN_KEY:-bucket}\`
  (withWatermark on both inputs, \`left_k = right_k AND left_time BETWEEN right_time - 5 min AND right_time + 5 min\`,
  the key being 5-minute buckets of event time: Spark needs an equality in a stream-stream join).
- Every producer is idempotent with acks=all (kout's defaults; kafka-clients' for Kafka
  Streams and Spark); the exactly-once systems write in transactions and read read_committed.
- Latency: every topic stamps messages with the broker's clock on append (LogAppendTime); after
  each phase a separate consumer (\`kin -E -e\`) reads input and output topics back, and a
  record's latency is its output's timestamp minus its input's (records matched by id and ts).
  For the exactly-once systems the output's time is instead when a live read_committed
  consumer (\`kin -E -o end --order fetch\`, started before the phases) received it, so the
  wait for the transaction's commit is counted.
- Throughput: each system drains the pre-filled backlog ${tp_runs} time(s), each time a fresh job
  (kin in a new group, a new application.id, Spark with a new checkpoint) writing to a fresh
  output topic, the systems in turn; the last drain of each then runs the latency phases.
  A drain ends at its last output's append (under exactly-once its commit follows within a
  commit interval, 100 ms for both kout --eos and Kafka Streams).
- CPU: utime+stime (and that of children waited for) of the system's processes, from /proc,
  between the start signal and the last output (throughput) or over a fixed-rate phase; the
  broker's over the same span. Memory: VmHWM of each of the system's processes (those living a
  second or more), summed.
- Spark settings: \`local[2]\`, default trigger (a new micro-batch as soon as the last one ends),
  default driver memory (1 GB heap), UI off, \`spark.sql.shuffle.partitions=4\` (the default
  200 means 200 tasks a micro-batch on 2 cores), checkpoints in a temporary directory.
- The JVMs' clocks (Kafka Streams and Spark) start after the JVM is up and (but with --quick)
  a warm-up run of the same job over other topics ($warm_a A records; $warm_cd C and D records)
  has finished; kpipes' clock starts before its processes are.
- Fixed-rate phases: \`mockgen -s A -r RATE --id | kout\` for ${phase_s} s; the join gets
  RATE/2 C records (through \`strategy\`) and RATE/2 D records a second, in simulated event
  time 150 s apart (\`--step 150s --disorder 60s\`). Latency of a join pair is measured
  from the later of its two inputs' appends.
EOF
