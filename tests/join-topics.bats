#!/usr/bin/env bats
# The design card's join over Kafka topics with several partitions,
#
#   kin C_output | wjoin --window 5m <(kin D_input)
#
# with no flag beyond the window (and -o beginning -e, or -g, to replay),
# fed by producers that spread records over partitions: kout without a key
# (sticky, 10 ms) and kafka-python writing each record to a random
# partition. The oracle is SQLite's interval join over the records the
# topics hold (tests/helpers/sqljoin.py): every pair it finds, no other.

load test_helper

bats_require_minimum_version 1.5.0

setup() {
	need_broker
	W=$BATS_TEST_TMPDIR
	H=$KP_ROOT/tests/helpers
	C=$(new_topic C)
	D=$(new_topic D)
	KB_PID=""
	JOIN_PID=""
}

teardown() {
	if [ -n "$JOIN_PID" ]; then
		kill -KILL -- "-$JOIN_PID" 2>/dev/null || true
		wait "$JOIN_PID" 2>/dev/null || true
	fi
	if [ -n "$KB_PID" ]; then
		kill -KILL "$KB_PID" 2>/dev/null || true
		wait "$KB_PID" 2>/dev/null || true
	fi
}

# topics N TOPIC...: the topics with N partitions each. The suite's embedded
# broker cannot create topics (kbroker(1)) and auto-creates them with 4, so
# for another N the test gets a kbroker of its own, made with them, in
# KAFKA_BROKERS (stopped by teardown).
topics() {
	local n=$1 t
	local args=()
	shift
	if [ "$(broker_kind)" != embedded ]; then
		ktopic create -p "$n" "$@"
	elif [ "$n" -ne 4 ]; then
		for t; do args+=(-t "$t:$n"); done
		kbroker "${args[@]}" >"$W/kb.addr" 2>"$W/kb.err" 3>&- &
		KB_PID=$!
		for _ in $(seq 100); do
			[ -s "$W/kb.addr" ] && break
			sleep 0.05
		done
		KAFKA_BROKERS=$(head -n 1 "$W/kb.addr")
		[ -n "$KAFKA_BROKERS" ] || fail "kbroker printed no address: $(cat "$W/kb.err")"
		export KAFKA_BROKERS
	fi
}

# spread TOPIC N COUNT: TOPIC has N partitions, each holding some of its
# COUNT records, so the join really reads several partitions.
spread() {
	local held
	held=$(ktopic -J describe "$1" | jq -s -c '[.[] | .high - .low]')
	[ "$(jq length <<<"$held")" -eq "$2" ] || fail "$1: partitions holding $held, not $2"
	jq -e 'all(. > 0)' <<<"$held" >/dev/null || fail "$1: an empty partition: $held"
	[ "$(jq add <<<"$held")" -eq "$3" ] || fail "$1: $held records, not $3"
}

# stop_when_quiet FILE: once FILE, the live join's output, has not grown
# for 4 s (at most 90 s), stops the join (JOIN_PID's process group).
stop_when_quiet() {
	local n last=-1 still=0
	for _ in $(seq 180); do
		n=$(wc -l < "$1")
		if [ "$n" -eq "$last" ]; then
			still=$((still + 1))
			[ "$still" -lt 8 ] || break
		else
			still=0
			last=$n
		fi
		sleep 0.5
	done
	kill -TERM -- "-$JOIN_PID"
	wait "$JOIN_PID" || true
	JOIN_PID=""
}

# live_join_equals_sql: after a live producer wrote 500 records to each of
# $C and $D (4 partitions): once the join's output is quiet, stops it and
# compares its pairs with SQL's over what the topics hold, read by
# kafka-python.
live_join_equals_sql() {
	spread "$C" 4 500
	spread "$D" 4 500
	stop_when_quiet "$W/pairs"
	with_timeout 60 "$H/kpy.py" consume "$KAFKA_BROKERS" "$C" 500 > "$W/held.C"
	with_timeout 60 "$H/kpy.py" consume "$KAFKA_BROKERS" "$D" 500 > "$W/held.D"
	"$H/sqljoin.py" "$W/held.C" "$W/held.D" 5m > "$W/want"
	same_pairs "$W/pairs" "$W/want"
}

# split_cd FILE: mockgen -s C,D output into FILE.C and FILE.D.
split_cd() {
	grep '"strategy":"C"' "$1" > "$1.C" || true
	grep '"strategy":"D"' "$1" > "$1.D" || true
}

# MOCKGEN: 1500 C and 1500 D records, ids 1..3000, 15 s of event time apart,
# 6 h 15 min in all: each C record has 41 D records within 5 minutes.
MOCKGEN=(-n 3000 -s C,D --start 2026-11-24T00:00:00Z --step 15s --id)

# write_with_kout SEED JQ [MOCKGEN ARGS...]: mockgen's records, through the
# jq filter JQ, into kout without a key at 500 a second of wall time (so
# that its sticky partitioner moves every 10 ms): C to $C, D to $D. What
# was sent is kept in $W/cd.C and $W/cd.D.
write_with_kout() {
	local seed=$1 filter=$2
	shift 2
	mockgen -r 250 "${MOCKGEN[@]}" --seed "$seed" "$@" |
	    jq -c --unbuffered "$filter" | tee "$W/cd" |
	    with_timeout 150 kout -T "if .strategy == \"C\" then \"$C\" else \"$D\" end"
	split_cd "$W/cd"
}

# write_with_kafka_python SEED JQ [MOCKGEN ARGS...]: the same records as
# fast as possible, through JQ, each to a random partition by kafka-python.
write_with_kafka_python() {
	local seed=$1 filter=$2
	shift 2
	mockgen -r 0 "${MOCKGEN[@]}" --seed "$seed" "$@" | jq -c "$filter" > "$W/cd"
	split_cd "$W/cd"
	# Generous limits: a loaded machine (CI) slows the broker a lot.
	with_timeout 150 "$H/kpy-spread.py" replay "$KAFKA_BROKERS" "$C" "$seed" < "$W/cd.C" 2>>"$W/kpy.err" ||
	    { cat "$W/kpy.err" >&2; return 1; }
	with_timeout 150 "$H/kpy-spread.py" replay "$KAFKA_BROKERS" "$D" "$seed" < "$W/cd.D" 2>>"$W/kpy.err" ||
	    { cat "$W/kpy.err" >&2; return 1; }
}

# replay_join OUT KIN_ARGS [WJOIN ARGS...]: the card's join, each kin given
# the words of KIN_ARGS; wjoin's output in OUT, its stderr in OUT.err.
replay_join() {
	local out=$1 kin_args=$2
	shift 2
	# shellcheck disable=SC2086
	with_timeout 180 bash -c 'set -o pipefail
		k=$1 c=$2 d=$3; shift 3
		kin $k "$c" | wjoin "$@" --window 5m <(kin $k "$d")' \
	    _ "$kin_args" "$C" "$D" "$@" > "$out" 2> "$out.err" ||
	    fail "the join failed ($?): $(head -c 2000 "$out.err")"
}

# same_pairs OUT WANT: the pairs wjoin wrote in OUT, as ids, are exactly
# the oracle's list WANT, each once. The counts go to the TAP output.
same_pairs() {
	"$H/wjoin-ids.sh" < "$1" > "$1.ids"
	local got want
	got=$(wc -l < "$1.ids")
	want=$(wc -l < "$2")
	echo "# $(broker_kind): $(basename "$1"): wjoin $got, SQL $want" >&3
	[ "$want" -gt 0 ] || fail "SQL found nothing: a useless test"
	diff "$2" "$1.ids" > "$1.diff" ||
	    fail "wjoin wrote $got lines, SQL finds $want: $(grep -c '^<' "$1.diff") missing, $(grep -c '^>' "$1.diff") not in SQL, e.g.
$(grep '^[<>]' "$1.diff" | head -n 5)
wjoin said: $(head -c 1000 "$1.err" 2>/dev/null)"
}

@test "join over topics: a replay of two 4-partition topics written by kout finds every pair SQL's interval join finds" {
	topics 4 "$C" "$D"
	write_with_kout 11 .
	spread "$C" 4 1500
	spread "$D" 4 1500
	"$H/sqljoin.py" "$W/cd.C" "$W/cd.D" 5m > "$W/want"
	replay_join "$W/pairs" "-o beginning -e"
	same_pairs "$W/pairs" "$W/want"
}

@test "join over topics: a replay of two 12-partition topics written by kafka-python finds every pair SQL finds" {
	topics 12 "$C" "$D"
	write_with_kafka_python 12 .
	spread "$C" 12 1500
	spread "$D" 12 1500
	"$H/sqljoin.py" "$W/cd.C" "$W/cd.D" 5m > "$W/want"
	replay_join "$W/pairs" "-o beginning -e"
	same_pairs "$W/pairs" "$W/want"
}

@test "join over topics: new consumer groups replaying 4-partition topics (kin -g -e) find every pair SQL finds" {
	topics 4 "$C" "$D"
	write_with_kout 13 .
	spread "$C" 4 1500
	spread "$D" 4 1500
	"$H/sqljoin.py" "$W/cd.C" "$W/cd.D" 5m > "$W/want"
	# One group a stream, as the tutorial's join-C and join-D.
	G=$(new_topic G)
	with_timeout 180 bash -c 'set -o pipefail
		kin -g "$1.C" -e "$2" | wjoin --window 5m <(kin -g "$1.D" -e "$3")' \
	    _ "$G" "$C" "$D" > "$W/pairs" 2> "$W/pairs.err" ||
	    fail "the join failed: $(head -c 2000 "$W/pairs.err")"
	same_pairs "$W/pairs" "$W/want"
}

@test "join over topics: records out of order by up to 20 s within each partition lose no pair on a replay" {
	topics 4 "$C" "$D"
	write_with_kafka_python 14 . --disorder 20s
	spread "$C" 4 1500
	spread "$D" 4 1500
	# The data is out of order at all: some record is older than one before it.
	jq -n -e '[inputs.ts] | . != sort' "$W/cd.C" >/dev/null
	jq -n -e '[inputs.ts] | . != sort' "$W/cd.D" >/dev/null
	"$H/sqljoin.py" "$W/cd.C" "$W/cd.D" 5m > "$W/want"
	replay_join "$W/pairs" "-o beginning -e"
	same_pairs "$W/pairs" "$W/want"
}

@test "join over topics: a live join of topics kafka-python writes to random partitions, ts = now, finds every pair SQL finds in them" {
	topics 4 "$C" "$D"
	# No -e: the join runs live, from the topics' beginnings, while
	# records arrive; stopped once its output has stopped growing.
	setsid bash -c 'kin "$1" | wjoin --window 5m <(kin "$2")' _ "$C" "$D" \
	    > "$W/pairs" 2> "$W/pairs.err" &
	JOIN_PID=$!
	sleep 1
	with_timeout 60 "$H/kpy-spread.py" live "$KAFKA_BROKERS" "$C" "$D" 10 50 2> "$W/sent"
	live_join_equals_sql
}

@test "join over topics: a live join in consumer groups, fed by confluent-kafka writing keyed records to hashed partitions, finds every pair SQL finds" {
	topics 4 "$C" "$D"
	local g="g_$C"
	setsid bash -c 'kin -g "$3.C" -X session.timeout.ms=6000 "$1" |
	    wjoin --window 5m <(kin -g "$3.D" -X session.timeout.ms=6000 "$2")' _ "$C" "$D" "$g" \
	    > "$W/pairs" 2> "$W/pairs.err" &
	JOIN_PID=$!
	sleep 1
	with_timeout 60 "$H/ck-live.py" "$KAFKA_BROKERS" "$C" "$D" 10 50
	live_join_equals_sql
	! grep -q late "$W/pairs.err"
}

# The card's join in consumer groups $g.C and $g.D with the window kept in
# $W/S across stops (wjoin --state), live (no -e): wjoin's output appended
# to $W/pairs, its stderr to $W/pairs.err.N; the pipeline's process group
# in JOIN_PID.
start_state_join() {
	setsid bash -c 'kin -g "$3.C" -X session.timeout.ms=6000 "$1" |
	    wjoin --window 5m --state "$4" <(kin -g "$3.D" -X session.timeout.ms=6000 "$2")' \
	    _ "$C" "$D" "$g" "$W/S" >> "$W/pairs" 2> "$W/pairs.err.$1" &
	JOIN_PID=$!
}

@test "join over topics: a join in consumer groups replayed in two parts (kin -g -e, wjoin --state) finds every pair SQL finds over both" {
	topics 4 "$C" "$D"
	local g="g_$C"
	mockgen -r 0 "${MOCKGEN[@]}" --seed 21 > "$W/cd"
	split_cd "$W/cd"
	# The topics get the first 3 h, the join reads them; then the rest.
	head -n 750 "$W/cd.C" > "$W/C1"; tail -n +751 "$W/cd.C" > "$W/C2"
	head -n 750 "$W/cd.D" > "$W/D1"; tail -n +751 "$W/cd.D" > "$W/D2"
	for part in 1 2; do
		with_timeout 150 "$H/kpy-spread.py" replay "$KAFKA_BROKERS" "$C" "$part" < "$W/C$part" 2>>"$W/kpy.err"
		with_timeout 150 "$H/kpy-spread.py" replay "$KAFKA_BROKERS" "$D" "$part" < "$W/D$part" 2>>"$W/kpy.err"
		with_timeout 180 bash -c 'set -o pipefail
			kin -g "$1.C" -e "$2" | wjoin --window 5m --state "$4" <(kin -g "$1.D" -e "$3")' \
		    _ "$g" "$C" "$D" "$W/S" > "$W/pairs.$part" 2> "$W/pairs.$part.err" ||
		    fail "the join failed: $(head -c 2000 "$W/pairs.$part.err")"
	done
	spread "$C" 4 1500
	spread "$D" 4 1500
	# The second part began with the first's window.
	grep -q -- "--state $W/S: [0-9]* records of the last run back in the window" "$W/pairs.2.err"
	cat "$W/pairs.1" "$W/pairs.2" > "$W/pairs"
	with_timeout 60 "$H/kpy.py" consume "$KAFKA_BROKERS" "$C" 1500 > "$W/held.C"
	with_timeout 60 "$H/kpy.py" consume "$KAFKA_BROKERS" "$D" 1500 > "$W/held.D"
	"$H/sqljoin.py" "$W/held.C" "$W/held.D" 5m > "$W/want"
	same_pairs "$W/pairs" "$W/want"
	# Pairs across the cut exist: without the window they are lost.
	[ "$(wc -l < "$W/pairs.1")" -lt "$(wc -l < "$W/want")" ]
}

@test "join over topics: a live join in consumer groups stopped by SIGINT (as Ctrl-C) and started again (wjoin --state) finds every pair SQL finds" {
	topics 4 "$C" "$D"
	local g="g_$C"
	: > "$W/pairs"
	start_state_join 1
	sleep 1
	with_timeout 60 "$H/kpy-spread.py" live "$KAFKA_BROKERS" "$C" "$D" 10 50 2> "$W/sent" &
	local producer=$!
	sleep 5
	# Ctrl-C: every program of the pipeline gets SIGINT; kin commits what
	# it wrote, wjoin reads it to the end and keeps its window.
	kill -INT -- "-$JOIN_PID"
	wait "$JOIN_PID" || true
	[ -s "$W/S" ] || fail "no window kept: $(cat "$W/pairs.err.1")"
	local first
	first=$(wc -l < "$W/pairs")
	[ "$first" -gt 0 ]
	sleep 1
	start_state_join 2
	wait "$producer"
	live_join_equals_sql
	grep -q -- "records of the last run back in the window" "$W/pairs.err.2"
	! grep -q "stopped before the end" "$W/pairs.err.1"
}

@test "join over topics: --type left and --type full on a replay write each unmatched record once with null, as SQL's LEFT and FULL JOIN" {
	topics 4 "$C" "$D"
	# Gaps of 15 minutes: no C records in rounds 300-359, no D records in
	# rounds 900-959, so 20 D and 20 C records meet nobody.
	write_with_kout 16 'select(if .strategy == "C"
	    then .id < 601 or .id > 720 else .id < 1801 or .id > 1920 end)'
	spread "$C" 4 1440
	spread "$D" 4 1440
	"$H/sqljoin.py" -t left "$W/cd.C" "$W/cd.D" 5m > "$W/want.left"
	"$H/sqljoin.py" -t full "$W/cd.C" "$W/cd.D" 5m > "$W/want.full"
	[ "$(grep -c ' null$' "$W/want.left")" -eq 20 ]
	[ "$(grep -c 'null' "$W/want.full")" -eq 40 ]
	replay_join "$W/left" "-o beginning -e" --type left
	same_pairs "$W/left" "$W/want.left"
	replay_join "$W/full" "-o beginning -e" --type full
	same_pairs "$W/full" "$W/want.full"
}

@test "join over topics: a keyed join (-k .key) on a replay pairs exactly the records SQL pairs on key and time" {
	topics 4 "$C" "$D"
	write_with_kafka_python 17 '.key = (.id % 5)'
	spread "$C" 4 1500
	spread "$D" 4 1500
	"$H/sqljoin.py" -k .key "$W/cd.C" "$W/cd.D" 5m > "$W/want"
	replay_join "$W/pairs" "-o beginning -e" -k .key
	same_pairs "$W/pairs" "$W/want"
}
