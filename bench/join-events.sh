#!/usr/bin/env bash
# The design card's join on topics of several partitions, on one real Apache
# Kafka (tests/kafka-real.sh), with kin's default event-time merge and
# wjoin's default delay (1 minute):
#
#   kin C_output | wjoin --window 5m -k .bucket <(kin D_input) | kout D_input_ready
#
#   bench/join-events.sh [--quick]
#
# (1) Live: producers write C_output (through strategy) and D_input at a
# fixed rate, event time = now, spread over 4 partitions by kout's sticky
# partitioner; latency from the later input's append to the pair's append
# (LogAppendTime on every topic, read back by kin -E), wjoin's --stats
# state, peak RSS of each process (VmHWM), and the pairs against SQLite's
# interval join (tests/helpers/sqljoin.py) over what the topics held.
# (2) Replay: a day of event time pre-filled into 4- and 12-partition
# topics, read with kin -o beginning -e, in time order (the default) and
# with --order fetch: wall time, peak RSS (GNU time), state_max, late
# records and the pairs against the same oracle.
#
# JOIN_EVENTS_PHASES picks phases (default "live-1000 live-10000 replay-4
# replay-12"); JOIN_EVENTS_KEEP=1 keeps the work directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

quick=0
case "${1:-}" in
--quick) quick=1 ;;
"") ;;
*) echo "usage: bench/join-events.sh [--quick]" >&2; exit 2 ;;
esac
if [ "$quick" = 1 ]; then
	live_s=30 fast_s=20 runs=1 day_n=60000
else
	live_s=600 fast_s=120 runs=3 day_n=300000
fi
phases=${JOIN_EVENTS_PHASES:-"live-1000 live-10000 replay-4 replay-12"}
need kin kout ktopic mockgen strategy wjoin python3
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }

py() { python3 "$root/bench/join-events.py" "$@"; }
an() { python3 "$root/bench/spark/analyze.py" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kpipes-join-events.XXXXXX")
kdir=""
pids=()		# process groups we started (their leaders)
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
	sleep 1
	for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
	[ -n "$kdir" ] && "$root/tests/kafka-real.sh" stop "$kdir" >/dev/null 2>&1
	if [ -n "${JOIN_EVENTS_KEEP:-}" ]; then echo "join-events: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "join-events: $(date -u +%H:%M:%S) $*" >&2; }
now_ms() { date +%s%3N; }
res() { echo "$1=$2" >> "$work/results"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
count() {
	"$bin/ktopic" -b "$B" describe -J "$1" |
	    awk -F'"high":' '{ split($2, a, /[,}]/); s += a[1] } END { print s + 0 }'
}
# held TOPIC: records in each partition, as a JSON list.
held() {
	"$bin/ktopic" -b "$B" describe -J "$1" |
	    awk -F'"high":' '{ split($2, a, /[,}]/); printf "%s%s", (NR > 1 ? "," : "["), a[1] } END { print "]" }'
}
envelopes() { "$bin/kin" -b "$B" --order fetch -E -e "$1" > "$2"; }
topics() { local n=$1; shift; "$bin/ktopic" -b "$B" create -p "$n" -c message.timestamp.type=LogAppendTime "$@" >/dev/null; }

# bucket K SEED: adds "bucket", a random integer below K, to each line,
# flushed line by line. (Not with sub(/}$/, ...): mawk takes time
# quadratic in the lines read for it, 33 CPU-s for 80000 lines.)
bucket() {
	awk -v K="$1" -v S="$2" 'BEGIN { srand(S) }
	    { print substr($0, 1, length($0) - 1) ",\"bucket\":" int(rand() * K) "}"; fflush() }'
}
export -f bucket

# wait_count TOPIC TARGET TIMEOUT_S PID: until TOPIC holds TARGET messages,
# nothing new came for 15 s, the time is up, or PID died.
wait_count() {
	local topic=$1 target=$2 deadline=$(( $(date +%s) + $3 )) pid=$4 c last=-1 since
	since=$(date +%s)
	while :; do
		c=$(count "$topic")
		[ "$c" -ge "$target" ] && break
		if [ "$c" != "$last" ]; then last=$c; since=$(date +%s); fi
		if [ $(( $(date +%s) - since )) -ge 15 ]; then say "$topic: stalled at $c of $target"; break; fi
		if [ "$(date +%s)" -ge "$deadline" ]; then say "$topic: $c of $target at time-out"; break; fi
		if ! kill -0 "$pid" 2>/dev/null; then say "$topic: the join died at $c of $target"; break; fi
		sleep 0.2
	done
	echo "$c"
}

say "starting a real Kafka"
kdir="$work/kafka"
B=$("$root/tests/kafka-real.sh" start "$kdir")
export PATH="$bin:$PATH"

join_cmd='kin C_output | wjoin --window 5m -k .bucket <(kin D_input) | kout D_input_ready'

# ---------------------------------------------------------------- live ---

# live RATE SECONDS: RATE records/s in all, half to each input, for SECONDS.
live() {
	local rate=$1 secs=$2 half=$(( $1 / 2 )) k d=$work/live$1 c p1 pid mon cpu0 cpu1 t0 t1 want
	k=$((300 * half))
	mkdir -p "$d"
	local C=live${rate}_C_output D=live${rate}_D_input R=live${rate}_D_input_ready
	topics 4 "$C" "$D" "$R"
	say "live $rate/s for $secs s: starting the join"
	setsid bash -c "export PATH=\"$bin:\$PATH\" KAFKA_BROKERS=$B
	    kin $C 2> $d/kin_c.err |
	    wjoin --window 5m -k .bucket --stats 10 <(kin $D 2> $d/kin_d.err) 2> $d/wjoin.err |
	    kout $R" > "$d/join.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	an procmon "$d/mem.json" "$pid" &
	mon=$!
	sleep 2
	cpu0=$(an cpu "$pid")
	res "live_${rate}_load0" "\"$(loadavg)\""
	t0=$(now_ms)
	# The producers of vs-spark.sh, with event time = now and a key:
	# K = 300 x the rate of a side, so that once the window is full each
	# record has about two partners (vs-spark's data: 800,093 pairs of
	# 400,000 records).
	setsid bash -c "mockgen -s C -r $half -n $((half * secs)) --id --seed 1$rate |
	    bucket $k 1$rate | strategy | kout -b $B $C" 2> "$d/kout_c.err" &
	p1=$!
	pids+=("$p1")
	setsid bash -c "mockgen -s D -r $half -n $((half * secs)) --id --seed 2$rate |
	    bucket $k 2$rate | kout -b $B $D" 2> "$d/kout_d.err" &
	pids+=("$!")
	wait "$p1" "$!"
	t1=$(now_ms)
	res "live_${rate}_load1" "\"$(loadavg)\""
	say "live $rate/s: produced in $((t1 - t0)) ms; the oracle"
	envelopes "$C" "$d/c.env"
	envelopes "$D" "$d/d.env"
	py values "$d/c.env" > "$d/c.ndjson"
	py values "$d/d.env" > "$d/d.ndjson"
	python3 "$root/tests/helpers/sqljoin.py" -k .bucket "$d/c.ndjson" "$d/d.ndjson" 5m > "$d/want"
	want=$(wc -l < "$d/want")
	c=$(wait_count "$R" "$want" 300 "$pid")
	cpu1=$(an cpu "$pid")
	sleep 3	# what comes after the target (a duplicate would)
	kill -TERM -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	wait "$mon" 2>/dev/null || true
	say "live $rate/s: $c pairs of $want; latency"
	envelopes "$R" "$d/out.env"
	py ids "$d/out.env" > "$d/got"
	res "live_${rate}" "{\"rate\":$rate,\"secs\":$secs,\"k\":$k,\"produce_ms\":$((t1 - t0)),\"c\":$(wc -l < "$d/c.ndjson"),\"d\":$(wc -l < "$d/d.ndjson"),\"held_c\":$(held "$C"),\"held_d\":$(held "$D"),\"cpu\":$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')}"
	res "live_${rate}_lat" "$(py latency "$d/c.env" "$d/d.env" "$d/out.env" $((secs >= 300 ? 60 : 10)))"
	res "live_${rate}_cmp" "$(py compare "$d/want" "$d/got")"
	res "live_${rate}_stats" "$(py stats "$d/wjoin.err")"
	res "live_${rate}_mem" "$(cat "$d/mem.json")"
	res "live_${rate}_kin_err" "$(cat "$d/kin_c.err" "$d/kin_d.err" | python3 -c 'import json,sys; l=sys.stdin.read().splitlines(); print(json.dumps({"lines":len(l),"first":l[:3]}))')"
}

# -------------------------------------------------------------- replay ---

# A day of event time, made once: C (through strategy) and D records every
# 576 ms of event time each (86400 s / 150000 rounds), up to 20 s out of
# order as retrying producers make them (mockgen --disorder), keyed by
# "bucket" in 500 values: about 1042 records of the other side are within
# 5 minutes of a record, so it has about two partners.
# shellcheck disable=SC2054 # C,D is one argument
day=(mockgen -s C,D -r 0 -n "$day_n" --seed 44 --start 2026-11-24T00:00:00Z --step $((86400000 * 2 / day_n))ms --disorder 20s --id)
day_k=$((day_n / 600))
day_made=0
make_day() {
	[ "$day_made" = 1 ] && return
	"$bin/mockgen" "${day[@]:1}" | bucket "$day_k" 44 > "$work/day"
	grep '"strategy":"C"' "$work/day" | "$bin/strategy" > "$work/day.C"
	grep '"strategy":"D"' "$work/day" > "$work/day.D"
	python3 "$root/tests/helpers/sqljoin.py" -k .bucket "$work/day.C" "$work/day.D" 5m > "$work/day.want"
	# The floor for the state: the same files straight into wjoin, which
	# then reads the two inputs in event time.
	"$bin/wjoin" --window 5m -k .bucket --stats 60 "$work/day.D" < "$work/day.C" 2> "$work/day.files.err" |
	    wc -l > "$work/day.files.n"
	res replay_files "{\"pairs\":$(cat "$work/day.files.n"),\"stats\":$(py stats "$work/day.files.err")}"
	day_made=1
}

# replay N: the day in N-partition topics, joined RUNS times in each order.
replay() {
	local n=$1 d=$work/replay$1 i order t0 t1 rc
	local C=day${n}_C_output D=day${n}_D_input
	mkdir -p "$d"
	make_day
	topics "$n" "$C" "$D"
	# Keyed by the join key, as a keyed producer spreads them: each
	# partition holds records of the whole day.
	"$bin/kout" -b "$B" -k .bucket "$C" < "$work/day.C"
	"$bin/kout" -b "$B" -k .bucket "$D" < "$work/day.D"
	res "replay_${n}_held" "{\"c\":$(held "$C"),\"d\":$(held "$D"),\"want\":$(wc -l < "$work/day.want")}"
	for i in $(seq "$runs"); do
		for order in time fetch; do
			local R=day${n}_out_${order}_$i o=$d/${order}_$i
			local flag=""
			[ "$order" = fetch ] && flag="--order fetch"
			topics "$n" "$R"
			say "replay $n partitions, order $order, run $i"
			t0=$(now_ms)
			rc=0
			bash -c "set -o pipefail; export PATH=\"$bin:\$PATH\" KAFKA_BROKERS=$B
			    T='/usr/bin/time -f %M -o'
			    \$T $o.rss_kin_c kin -o beginning -e $flag $C 2> $o.kin_c.err |
			    \$T $o.rss_wjoin wjoin --window 5m -k .bucket --stats 5 \
			        <(\$T $o.rss_kin_d kin -o beginning -e $flag $D 2> $o.kin_d.err) 2> $o.wjoin.err |
			    \$T $o.rss_kout kout $R 2> $o.kout.err" || rc=$?
			t1=$(now_ms)
			envelopes "$R" "$o.env"
			py ids "$o.env" > "$o.got"
			res "replay_${n}_${order}_$i" "{\"ms\":$((t1 - t0)),\"rc\":$rc,\"load\":\"$(loadavg)\",\"rss_kb\":{\"kin_c\":$(tail -n 1 "$o.rss_kin_c"),\"kin_d\":$(tail -n 1 "$o.rss_kin_d"),\"wjoin\":$(tail -n 1 "$o.rss_wjoin"),\"kout\":$(tail -n 1 "$o.rss_kout")},\"stats\":$(py stats "$o.wjoin.err"),\"cmp\":$(py compare "$work/day.want" "$o.got"),\"kin_err\":$(cat "$o.kin_c.err" "$o.kin_d.err" | wc -l)}"
		done
	done
}

for ph in $phases; do
	case $ph in
	live-1000) live 1000 "$live_s" ;;
	live-10000) live 10000 "$fast_s" ;;
	replay-4) replay 4 ;;
	replay-12) replay 12 ;;
	*) echo "join-events: unknown phase $ph" >&2; exit 2 ;;
	esac
done

res date "\"$(date -u +%Y-%m-%dT%H:%MZ)\""
res machine "\"$(machine)\""
rdk=$("$root/tests/librdkafka.sh" --check && echo "librdkafka 2.12.0 (tests/librdkafka.sh)" || echo "the system's librdkafka")
res versions "\"kpipes $("$bin/kin" -V 2>&1 | head -n 1) on $rdk, Apache Kafka ${KAFKA_VERSION:-4.1.1} (KRaft, 1 node)\""
res reproduce "\"$(if [ -n "${JOIN_EVENTS_PHASES:-}" ]; then echo "JOIN_EVENTS_PHASES='$phases' "; fi)bench/join-events.sh$([ "$quick" = 1 ] && echo ' --quick')\""
res join_cmd "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$join_cmd")"
res day "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "${day[*]} (C through strategy), \"bucket\" a random integer below $day_k")"
res runs "$runs"
py report "$work/results"
