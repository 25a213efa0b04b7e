#!/usr/bin/env bash
# wagg against PySpark Structured Streaming (local[2]) running the same
# windowed aggregation on one real Apache Kafka (tests/kafka-real.sh), the
# same records, one system at a time:
#
#   kin A_output B_output C_output D_output |
#       wagg -k .strategy -w 1m 'count, avg(.result), max(.value), p99(.result)' |
#       kout strategy_stats
#
# and groupBy(window(ts, "1 minute"), strategy).agg(count, avg(result),
# max(value), percentile_approx(result, 0.99)) with withWatermark(ts, 60 s),
# wagg's default -d, in append mode (bench/spark/wagg_job.py).
#
#   bench/wagg-vs-spark.sh [--quick]
#
# (1) throughput: a pre-filled backlog of N strategy outputs is drained by a
# running job (Spark warmed up on other topics first, so JVM start and code
# generation are not counted), CPU seconds of the system's processes from
# /proc; (2) latency at fixed input rates: from a window's close (the append
# of the first input record whose event time passes the window's end plus
# the delay) to the append of its row to the output topic, every topic
# stamped by the broker (LogAppendTime) and read back afterwards (kin -E);
# (3) peak resident memory (VmHWM summed over the system's processes); (4)
# both systems' rows compared with exact ones computed from the backlog
# (bench/spark/wagg_analyze.py). Prints the markdown for bench/RESULTS.md.
#
# Environment, for working on it: WAGG_SPARK_TP_RUNS (drains a system),
# WAGG_SPARK_PHASES (latency phases, RATE:SPEED:SECONDS each, SPEED being
# event seconds per second: 1 stamps records with the wall clock),
# WAGG_SPARK_KEEP=1 keeps the work directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if quick_option "$@"; then
	quick=1 n=100000 warm=10000 tp_runs=1 phases="1000:60:15" tp_timeout=180
else
	quick=0 n=2000000 warm=20000 tp_runs=3 phases="1000:1:180 1000:60:60 10000:60:60" tp_timeout=900
fi
tp_runs=${WAGG_SPARK_TP_RUNS:-$tp_runs}
phases=${WAGG_SPARK_PHASES:-$phases}
window_s=60
delay_s=60	# wagg's default -d, given to Spark's withWatermark
AGG='count, avg(.result), max(.value), p99(.result)'
STRATEGIES="A B C D"
need kin kout ktopic mockgen strategy wagg python3

eval "$("$root/bench/spark/setup.sh" env)"
export SPARK_JARS
an() { python3 "$root/bench/spark/analyze.py" "$@"; }
wan() { python3 "$root/bench/spark/wagg_analyze.py" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kpipes-wagg-vs-spark.XXXXXX")
kdir=""
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do stop_group "$p" 0; done
	[ -n "$kdir" ] && "$root/tests/kafka-real.sh" stop "$kdir" >/dev/null 2>&1
	if [ -n "${WAGG_SPARK_KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "wagg-vs-spark: $*" >&2; }
res() { echo "$1=$2" >> "$work/results"; }
spent() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
# topics SYS: the system's four input topics, one a line.
topics() {
	local x
	for x in $STRATEGIES; do echo "$1_${x}_output"; done
}

# ------------------------------------------------------------ the data ---

say "starting a real Kafka"
kdir="$work/kafka"
B=$("$root/tests/kafka-real.sh" start "$kdir")
lat=(-c message.timestamp.type=LogAppendTime)
for s in kp sp; do
	# 4 partitions each, as kpipes topics makes them (the tutorial's).
	# shellcheck disable=SC2046	# topic names are words
	"$bin/ktopic" -b "$B" create -p 4 "${lat[@]}" $(topics "$s") ${s}_strategy_stats
	for i in $(seq 2 "$tp_runs"); do
		"$bin/ktopic" -b "$B" create -p 4 "${lat[@]}" "${s}_strategy_stats_r$i"
	done
done >/dev/null
# shellcheck disable=SC2046
"$bin/ktopic" -b "$B" create -p 4 $(topics sp_warm) sp_warm_out >/dev/null

# Four strategies a round, 20 ms of event time a round (3,000 records a
# window and key: past wagg's 1024 exact numbers, below Spark's 10000),
# moved back by up to 5 s (less than the delay: no record is late).
gen=(mockgen -r 0 -n "$n" --seed 42 --start 2001-01-01T00:00:00Z --step 20ms --disorder 5s --id)
"$bin/mockgen" "${gen[@]:1}" | "$bin/strategy" > "$work/in.ndjson"
for s in kp sp; do
	"$bin/kout" -b "$B" -T "\"${s}_\"+.strategy+\"_output\"" < "$work/in.ndjson"
done 2>/dev/null
"$bin/mockgen" -r 0 -n "$warm" --seed 1 --start 2000-01-01T00:00:00Z --step 20ms | "$bin/strategy" |
    "$bin/kout" -b "$B" -T '"sp_warm_"+.strategy+"_output"' 2>/dev/null
wan windows "$window_s" "$work/in.ndjson" > "$work/backlog.windows"
rows=$(wan expected "$window_s" "$delay_s" "$work/backlog.windows")
say "inputs ready: $n records, $rows rows to come"

# ------------------------------------------------------------- systems ---

kp_cmd="kin -g kp-wagg kp_A_output kp_B_output kp_C_output kp_D_output | wagg -k .strategy -w 1m '$AGG' | kout kp_strategy_stats"

# start SYS [R]: the job in its own process group, its output topic
# SYS_strategy_stats[R]; sets $pid.
start() {
	local s=$1 r=${2:-} log="$work/$1${2:-}.log"
	if [ "$s" = kp ]; then
		# shellcheck disable=SC2046,SC2016
		setsid bash -c 'export PATH="$1:$PATH" KAFKA_BROKERS=$2
		    group=$3 agg=$4 out=$5; shift 5
		    kin -g "$group" "$@" | wagg -k .strategy -w 1m "$agg" | kout "$out"' \
		    _ "$bin" "$B" "kp-wagg$r" "$AGG" "kp_strategy_stats$r" $(topics kp) > "$log" 2>&1 &
	else
		# shellcheck disable=SC2046
		setsid "$SPARK_PYTHON" "$root/bench/spark/wagg_job.py" --brokers "$B" \
		    --watermark "$delay_s seconds" --checkpoint "$work/ckpt$r" \
		    --input "$(topics sp | paste -sd, -)" --output "sp_strategy_stats$r" \
		    $(topics sp_warm | sed 's/^/--warmup /') --warmup-output sp_warm_out \
		    --ready "$work/ready" --go "$work/go" --stop "$work/stop" \
		    --progress "$work/sp$r.progress" > "$log" 2>&1 &
	fi
	pid=$!
	pids+=("$pid")
}

# stop SYS PID: Spark through its stop file (a clean stop: 30 s to leave),
# kpipes by SIGTERM to the group (kin commits and leaves, wagg writes its
# open windows, kout drains).
stop() {
	if [ "$1" = sp ]; then
		touch "$work/stop"
		stop_group "$2" 30
	else
		stop_group "$2" 0
	fi
	wait "$2" 2>/dev/null || true
}

# drain SYS [R]: starts a job, times its drain of the backlog, records
# tp_wagg_SYS[R] and leaves it running ($pid, its output topic $out).
# Without R, the memory monitor runs too ($mon).
drain() {
	local s=$1 r=${2:-} cpu0=0 cpu1 t_go c first last
	rm -f "$work/ready" "$work/go" "$work/stop"
	out=${s}_strategy_stats$r
	say "$s$r: starting"
	t_go=$(now_ms)
	start "$s" "$r"
	if [ -z "$r" ]; then
		an procmon "$work/mem_$s.json" "$pid" &
		mon=$!
	fi
	if [ "$s" = sp ]; then
		if ! wait_for_file "$work/ready" 300 "$pid"; then
			tail -n 30 "$work/$s$r.log" >&2
			say "Spark not up and warm after 300 s, or gone"
			exit 1
		fi
		if [ -z "$r" ]; then res startup "$(( $(now_ms) - t_go ))"; fi
		say "Spark up and warm after $(( $(now_ms) - t_go )) ms"
		cpu0=$(an cpu "$pid")
		t_go=$(now_ms)
		touch "$work/go"
	fi
	c=$(wait_topic_count "$B" "$out" "$rows" "$tp_timeout" "$pid")
	cpu1=$(an cpu "$pid")
	"$bin/kin" -b "$B" -E -e "$out" > "$work/tp_$s$r.env"
	read -r first last < <(an append-range "$work/tp_$s$r.env")
	res "tp_wagg_$s$r" "{\"records\":$n,\"out\":$c,\"target\":$rows,\"ms\":$((last - t_go)),\"first_ms\":$((first - t_go)),\"cpu\":$(spent "$cpu0" "$cpu1")}"
	say "$s$r: $c of $rows rows in $((last - t_go)) ms"
}

# produce SYS RATE SPEED SECONDS: RATE records a second (the four
# strategies in turn) for SECONDS, their event time the wall clock (SPEED
# 1) or SPEED times faster, from past the event time of the phase before.
produce() {
	local s=$1 rate=$2 speed=$3 secs=$4 per=$(($2 / 4)) step from
	local gen=(-r "$per" -n $((rate * secs)) --id --seed "$rate$speed")
	if [ "$speed" != 1 ]; then
		step=$((speed * 1000 / per))
		from=$(now_ms)
		[ "$from" -gt "$event_next" ] || from=$event_next
		event_next=$((from + (rate * secs / 4 + 1) * step + 1000))
		gen+=(--start "$from" --step "${step}ms")
	fi
	"$bin/mockgen" "${gen[@]}" | "$bin/strategy" | tee -a "$work/live_$s.ndjson" |
	    "$bin/kout" -b "$B" -T "\"${s}_\"+.strategy+\"_output\""
}

# run SYS: the last drain, then the latency phases, on one running job.
run() {
	local s=$1 ph rate speed secs c0 c cpu0 t0 t1 target
	drain "$s"
	: > "$work/live_$s.ndjson"
	: > "$work/phases_$s"
	event_next=0
	for ph in $phases; do
		IFS=: read -r rate speed secs <<< "$ph"
		c0=$(topic_count "$B" "$out")
		cpu0=$(an cpu "$pid")
		t0=$(now_ms)
		produce "$s" "$rate" "$speed" "$secs" 2>/dev/null
		t1=$(now_ms)
		target=$(wan expected "$window_s" "$delay_s" "$work/backlog.windows" "$work/live_$s.ndjson")
		c=$(wait_topic_count "$B" "$out" "$target" 120 "$pid")
		say "$s: $rate records/s, event time x$speed, for $secs s: $((c - c0)) rows"
		res "cpu_${rate}_${speed}_$s" "{\"records\":$((rate * secs)),\"cpu\":$(spent "$cpu0" "$(an cpu "$pid")")}"
		echo "${rate}_$speed $t0 $t1" >> "$work/phases_$s"
	done
	stop "$s" "$pid"
	wait "$mon" 2>/dev/null || true
	res "mem_$s" "$(< "$work/mem_$s.json")"
	if grep -q 'query failed\|Traceback' "$work/$s.log"; then tail -n 20 "$work/$s.log" >&2; fi

	# Latency, from what a separate consumer reads back.
	read -r _ t0 _ < "$work/phases_$s"
	# shellcheck disable=SC2046
	"$bin/kin" -b "$B" -E -e -o "@$t0" $(topics "$s") > "$work/lat_in.env"
	"$bin/kin" -b "$B" -E -e -o "@$t0" "$out" > "$work/lat_out.env"
	while read -r ph t0 t1; do
		res "lat_${ph}_$s" "$(wan latency "$window_s" "$delay_s" "$work/lat_in.env" "$work/lat_out.env" "$t0" "$t1")"
	done < "$work/phases_$s"
}

# The repeated drains first: the latency phases add to the inputs.
for i in $(seq 2 "$tp_runs"); do
	for s in kp sp; do
		drain "$s" "_r$i"
		stop "$s" "$pid"
	done
done
run kp
run sp
res cmp "$(wan compare "$window_s" "$delay_s" "$work/in.ndjson" "$work/tp_kp.env" "$work/tp_sp.env")"

# shellcheck disable=SC2086	# echo squeezes the spaces between phases
res phases "[[$(echo $phases | sed 's/:/,/g; s/ /],[/g')]]"
res tp_runs "$tp_runs"
res date "$(date -u +%Y-%m-%dT%H:%MZ)"
res machine "$(machine)"
rdk=$("$root/tests/librdkafka.sh" --check && echo "librdkafka 2.12.0 (tests/librdkafka.sh)" || echo "the system's librdkafka")
res versions "kpipes $("$bin/wagg" -V 2>&1 | head -n 1) on $rdk, PySpark $("$SPARK_PYTHON" -c 'import pyspark; print(pyspark.__version__)') with spark-sql-kafka-0-10_2.13 (local[2]), $(java -version 2>&1 | head -n 1), Apache Kafka ${KAFKA_VERSION:-4.1.1} (KRaft, 1 node)"
res query "\`$kp_cmd\`; \`bench/spark/wagg_job.py\` (groupBy(window(ts, 1 minute), strategy), withWatermark 60 s, append mode)"
res reproduce "bench/wagg-vs-spark.sh$([ "$quick" = 1 ] && echo ' --quick')"
res mode "$([ "$quick" = 1 ] && echo quick || echo full): $n pre-filled records, $tp_runs drain(s) a system, latency phases $phases (rate:speed:seconds)"
wan report "$work/results"
cat <<EOF

### How it was run

- Backlog (the same bytes into each system's own four topics, 4 partitions each, LogAppendTime):
  \`${gen[*]} | strategy | kout -T '"SYS_"+.strategy+"_output"'\`.
- kpipes: \`$kp_cmd\` (kin in a new group for each drain; wagg's default delay, 60 s).
- Spark: \`bench/spark/wagg_job.py --input sp_A_output,...,sp_D_output --output sp_strategy_stats
  --watermark '60 seconds'\`: \`local[2]\`, default trigger, \`spark.sql.shuffle.partitions=4\`,
  UI off, default driver memory; its clock starts after its session is up and a warm-up run
  over $warm other records has finished.
- Latency phases: \`mockgen -r RATE/4 --id [--start T --step S] | strategy | kout -T ...\`;
  at "event time = now" each record's time is the wall clock when written (a 1-minute window
  closes a minute after it ends: few rows a phase), at "60x" the event time runs 60 times
  faster than the wall clock (a window closes every second: many rows). Latency is measured
  from a window's close, the same in both, so the speed changes how many windows close, not
  what is measured.
- CPU: utime+stime (and children waited for) of the system's processes from /proc, between
  the start signal and the last row (drains) or over a phase and the wait for its rows.
  Memory: VmHWM of each of the system's processes living a second or more, summed.
EOF
