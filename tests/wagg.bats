#!/usr/bin/env bats
# wagg: windowed aggregation on event time, checked against SQL (SQLite's
# GROUP BY over window buckets, tests/helpers/sqlagg.py) on random keyed
# records with disorder and late records (tests/helpers/wagg-gen.py), for
# each window kind and aggregate, through files, pipes and Kafka topics of
# several partitions.

load test_helper

bats_require_minimum_version 1.5.0

setup() {
	W=$BATS_TEST_TMPDIR
	H=$KP_ROOT/tests/helpers
	KB_PID=""
}

teardown() {
	if [ -n "$KB_PID" ]; then
		kill -KILL "$KB_PID" 2>/dev/null || true
		wait "$KB_PID" 2>/dev/null || true
	fi
}

# Every aggregate, over the members sqlagg.py computes.
AGG='count, count(.value), sum(.value), avg(.value), min(.value), max(.value), first(.value), last(.value), count_distinct(.c), p50(.value), p90(.value), p99(.value)'

gen() {
	python3 "$H/wagg-gen.py" "$@"
}

# same_rows GOT WANT: wagg's rows are SQL's (tests/helpers/wagg-cmp.py).
same_rows() {
	run python3 "$H/wagg-cmp.py" "$1" "$2"
	echo "# $(basename "$1"): $output" | head -n 1 >&3
	[ "$status" -eq 0 ] || fail "$output"
}

@test "wagg: tumbling windows per key, every aggregate, records out of order within the delay: SQL's GROUP BY rows" {
	gen 1 3000 > "$W/in"
	run -0 wagg -k .strategy -w 1m "$AGG" < "$W/in"
	printf '%s\n' "$output" > "$W/got"
	[ -z "$(grep -v '^{' "$W/got")" ] || fail "not only rows: $output"
	python3 "$H/sqlagg.py" -k .strategy "$W/in" 1m > "$W/want"
	same_rows "$W/got" "$W/want"
	# Rows come out as windows close: by their end.
	jq -s -e '[.[].window_end] == ([.[].window_end] | sort)' "$W/got" >/dev/null
}

@test "wagg: hopping windows (-w 5m --hop 1m): each record in 5 windows, SQL's rows" {
	gen 2 3000 > "$W/in"
	wagg -k .strategy -w 5m --hop 1m "$AGG" < "$W/in" > "$W/got"
	python3 "$H/sqlagg.py" -k .strategy --hop 1m "$W/in" 5m > "$W/want"
	same_rows "$W/got" "$W/want"
	[ "$(jq -s 'map(.count) | add' "$W/got")" -eq 15000 ]
}

@test "wagg: session windows (--session 8s) per key, merging out-of-order records: SQL's sessions" {
	gen 3 3000 > "$W/in"
	wagg -k .strategy --session 8s "$AGG" < "$W/in" > "$W/got"
	python3 "$H/sqlagg.py" -k .strategy --session 8s "$W/in" - > "$W/want"
	same_rows "$W/got" "$W/want"
	[ "$(jq -s 'map(.count) | add' "$W/got")" -eq 3000 ]
}

@test "wagg: without -k one row a window and no key member; ISO 8601 times in, ISO 8601 window bounds out" {
	gen --iso 4 3000 > "$W/in"
	wagg -w 1m "$AGG" < "$W/in" > "$W/got"
	python3 "$H/sqlagg.py" "$W/in" 1m > "$W/want"
	same_rows "$W/got" "$W/want"
	run -0 jq -r 'has("key"), .window_start' "$W/got"
	[ "${lines[0]}" = false ]
	[ "${lines[1]}" = "2026-11-24T00:00:00.000Z" ]
}

@test "wagg: records behind the watermark go to --late, are counted on stderr, and are in no row; the rest are SQL's" {
	gen --late 40 5 3000 > "$W/in"
	run -0 --separate-stderr wagg -k .strategy -w 1m --late "$W/late" "$AGG" < "$W/in"
	printf '%s\n' "$output" > "$W/got"
	python3 "$H/sqlagg.py" -k .strategy --late "$W/late.want" "$W/in" 1m > "$W/want"
	same_rows "$W/got" "$W/want"
	n=$(wc -l < "$W/late.want")
	[ "$n" -ge 20 ] || fail "SQL finds only $n late records: a weak test"
	cmp "$W/late" "$W/late.want"
	[ "$stderr" = "wagg: $n late records not counted" ]
	[ "$(jq -s 'map(.count) | add' "$W/got")" -eq $((3000 - n)) ]
}

@test "wagg: -d sets how far behind a record may be: with -d 10m nothing of the same stream is late" {
	gen --late 40 5 3000 > "$W/in"
	run -0 --separate-stderr wagg -k .strategy -w 1m -d 10m "$AGG" < "$W/in"
	printf '%s\n' "$output" > "$W/got"
	python3 "$H/sqlagg.py" -k .strategy -d 10m "$W/in" 1m > "$W/want"
	same_rows "$W/got" "$W/want"
	[ -z "$stderr" ]
	[ "$(jq -s 'map(.count) | add' "$W/got")" -eq 3000 ]
}

@test "wagg: a record exactly the delay (60 s) behind the newest is on time; a millisecond more is late" {
	printf '%s\n' '{"ts":120000}' '{"ts":60000}' '{"ts":59999}' > "$W/in"
	run -0 --separate-stderr wagg -w 1m --late "$W/late" < "$W/in"
	[ "$output" = '{"window_start":60000,"window_end":120000,"count":1}
{"window_start":120000,"window_end":180000,"count":1}' ]
	[ "$stderr" = "wagg: 1 late record not counted" ]
	[ "$(cat "$W/late")" = '{"ts":59999}' ]
}

@test "wagg: a window's row is written when the watermark passes its end, not at the end of the input" {
	mkfifo "$W/fifo"
	wagg -w 1m -d 0s < "$W/fifo" > "$W/got" &
	exec 4>"$W/fifo"
	printf '%s\n' '{"ts":1000}' '{"ts":2000}' '{"ts":61000}' >&4
	for _ in $(seq 50); do [ -s "$W/got" ] && break; sleep 0.1; done
	run cat "$W/got"
	exec 4>&-
	wait
	[ "$output" = '{"window_start":0,"window_end":60000,"count":2}' ]
	[ "$(sed -n 2p "$W/got")" = '{"window_start":60000,"window_end":120000,"count":1}' ]
}

@test "wagg: --emit update writes changed rows marked final:false as the input pauses, and each window once final:true" {
	gen 6 2000 > "$W/in"
	wagg -k .strategy -w 1m "$AGG" < "$W/in" > "$W/append"
	(head -n 1000 "$W/in"; sleep 0.5; tail -n +1001 "$W/in") |
	    wagg -k .strategy -w 1m --emit update "$AGG" > "$W/update"
	jq -c 'select(.final) | del(.final)' "$W/update" > "$W/final"
	cmp "$W/final" "$W/append"
	[ "$(jq -s 'map(select(.final == false)) | length' "$W/update")" -gt 0 ]
	[ "$(jq -s 'map(select(has("final") | not)) | length' "$W/update")" -eq 0 ]
}

@test "wagg: bad lines are named by number, kept with --rejects, counted, and exit 1; the good ones still count" {
	printf '%s\n' '{"ts":1000,"value":1}' 'not json' '{"value":2}' \
	    '{"ts":2000,"value":"x"}' '[1]' '{"ts":3000,"value":3}' > "$W/in"
	run -1 --separate-stderr wagg -w 1m --rejects "$W/rej" 'count, sum(.value)' < "$W/in"
	[ "$output" = '{"window_start":0,"window_end":60000,"count":2,"sum_value":4}' ]
	[[ "$stderr" == *"wagg: <stdin>:2: not JSON"* ]]
	[[ "$stderr" == *"wagg: <stdin>:3: "*"ts"* ]]
	[[ "$stderr" == *'wagg: <stdin>:4: sum_value: "x" is not a number'* ]]
	[[ "$stderr" == *"wagg: <stdin>:5: not a JSON object"* ]]
	[[ "$stderr" == *"wagg: 4 bad lines set aside"* ]]
	[ "$(jq -r .line "$W/rej" | paste -sd,)" = 2,3,4,5 ]
}

@test "wagg: --strict stops at the first bad line with exit 1" {
	printf '%s\n' '{"ts":1000}' 'oops' '{"ts":2000}' > "$W/in"
	run -1 --separate-stderr wagg --strict -w 1m < "$W/in"
	[[ "$stderr" == *"<stdin>:2: not JSON"* ]]
}

@test "wagg: null and missing values are skipped as SQL's NULL: avg of none is null, count(EXPR) counts the rest" {
	printf '%s\n' '{"ts":1,"v":null}' '{"ts":2}' '{"ts":3,"v":4}' '{"ts":70000}' > "$W/in"
	run -0 wagg -w 1m 'count, count(.v), avg(.v), sum(.v), first(.v), count_distinct(.v), p50(.v)' < "$W/in"
	[ "${lines[0]}" = '{"window_start":0,"window_end":60000,"count":3,"count_v":1,"avg_v":4,"sum_v":4,"first_v":4,"count_distinct_v":1,"p50_v":4}' ]
	[ "${lines[1]}" = '{"window_start":60000,"window_end":120000,"count":1,"count_v":0,"avg_v":null,"sum_v":null,"first_v":null,"count_distinct_v":0,"p50_v":null}' ]
}

@test "wagg: jq expressions, 'as NAME', quantile(EXPR; Q), a jq key: the values jq computes" {
	printf '%s\n' '{"ts":1,"a":1,"b":2,"s":{"k":"x"}}' '{"ts":2,"a":3,"b":4,"s":{"k":"x"}}' \
	    '{"ts":3,"a":5,"b":6,"s":{"k":"y"}}' > "$W/in"
	run -0 wagg -k '.s.k | ascii_upcase' -w 1m 'sum(.a * .b) as dot, quantile(.a; 0.5), max([.a, .b] | max), count_distinct(.s)' < "$W/in"
	want=$(jq -s -c 'group_by(.s.k) | map({window_start: 0, window_end: 60000, key: (.[0].s.k | ascii_upcase),
	    dot: (map(.a * .b) | add), p50_a: (map(.a) | sort | .[((length - 1) * 0.5 | floor)]),
	    max_a_b_max: (map([.a, .b] | max) | max), count_distinct_s: (map(.s) | unique | length)}) | .[]' "$W/in")
	[ "$output" = "$want" ]
}

@test "wagg: usage errors exit 2 with a reason" {
	run -2 wagg 'count' < /dev/null
	[[ "$output" == *"give a window"* ]]
	run -2 wagg -w 1m 'median(.x)' < /dev/null
	[[ "$output" == *"median: no such aggregate"* ]]
	run -2 wagg -w 1m 'avg(.x), avg(.x)' < /dev/null
	[[ "$output" == *"two aggregates named avg_x"* ]]
	run -2 wagg -w 1m --hop 2m < /dev/null
	[[ "$output" == *"--hop longer than -w"* ]]
	run -2 wagg -w 1m --session 5s < /dev/null
	[[ "$output" == *"one kind of window"* ]]
	run -2 wagg -w 1x < /dev/null
	[[ "$output" == *"-w 1x: not a duration"* ]]
	run -2 wagg -w 1m 'sum(.x |||)' < /dev/null
	run -2 wagg -w 1m 'quantile(.x; 2)' < /dev/null
	run -2 wagg -w 1m --emit sometimes < /dev/null
}

@test "wagg: exactly-once input (kin --eos, records with _kp_src) is refused with exit 2, not half kept" {
	printf '%s\n' '{"ts":1000,"_kp_src":["g","t",0,5,1,"m"]}' > "$W/in"
	run -2 --separate-stderr wagg -w 1m < "$W/in"
	[ -z "$output" ]
	[[ "$stderr" == *"wagg does not take part in exactly-once"* ]]
}

@test "wagg: --stats reports counts, open windows and the watermark as JSON on stderr" {
	gen 7 3000 > "$W/in"
	run -0 --separate-stderr wagg -k .strategy -w 1m --stats 60 count < "$W/in"
	last=$(printf '%s\n' "$stderr" | tail -n 1)
	[ "$(jq -c '[.in, .late, .rejected, .rows, .windows, .watermark]' <<<"$last")" = '[3000,0,0,200,0,"end"]' ]
	# State is held per open window and key, not per record: 1m windows,
	# 60 s delay, 4 keys: at most about 3 windows of 4 keys open at once.
	[ "$(jq .windows_max <<<"$last")" -le 16 ]
}

@test "wagg: SIGINT reads on to the end of the input (kin closes it as it stops) and every record read is in a row" {
	gen 8 3000 > "$W/in"
	mkfifo "$W/fifo"
	wagg -w 1m < "$W/fifo" > "$W/got" 2> "$W/err" &
	pid=$!
	exec 4>"$W/fifo"
	head -n 1000 "$W/in" >&4
	sleep 0.3
	kill -INT "$pid"
	sleep 0.3
	tail -n +1001 "$W/in" >&4
	exec 4>&-
	wait "$pid"
	[ "$(jq -s 'map(.count) | add' "$W/got")" -eq 3000 ]
}

# topic4 TOPIC: a topic of 4 partitions (the embedded broker makes them so
# when first written to; kbroker(1)).
topic4() {
	if [ "$(broker_kind)" != embedded ]; then
		ktopic create -p 4 "$1"
	fi
}

# spread4 TOPIC COUNT: each of the 4 partitions holds some of COUNT records.
spread4() {
	local held
	held=$(ktopic -J describe "$1" | jq -s -c '[.[] | .high - .low]')
	jq -e 'length == 4 and all(. > 0) and add == '"$2" <<<"$held" >/dev/null ||
	    fail "$1: partitions holding $held, not 4 holding $2"
}

@test "wagg over a topic: a replay of 4 partitions written at random by kafka-python, read twice (kin -o beginning -e): SQL's rows both times" {
	need_broker
	T=$(new_topic agg)
	topic4 "$T"
	gen 9 3000 > "$W/in"
	with_timeout 150 "$H/kpy-spread.py" replay "$KAFKA_BROKERS" "$T" 9 < "$W/in" 2> "$W/kpy.err" ||
	    fail "kafka-python: $(cat "$W/kpy.err")"
	spread4 "$T" 3000
	python3 "$H/sqlagg.py" -k .strategy "$W/in" 1m > "$W/want"
	for i in 1 2; do
		with_timeout 120 bash -c 'set -o pipefail; kin -o beginning -e "$1" |
		    wagg -k .strategy -w 1m "$2"' _ "$T" "$AGG" > "$W/got$i" 2> "$W/err$i" ||
		    fail "run $i: $(cat "$W/err$i")"
		[ ! -s "$W/err$i" ] || fail "run $i said: $(cat "$W/err$i")"
		same_rows "$W/got$i" "$W/want"
	done
}

@test "wagg over a topic: hopping and session windows on a replay through a new consumer group (kin -g -e): SQL's rows" {
	need_broker
	T=$(new_topic agg)
	topic4 "$T"
	gen 10 2000 > "$W/in"
	with_timeout 150 "$H/kpy-spread.py" replay "$KAFKA_BROKERS" "$T" 10 < "$W/in" 2> "$W/kpy.err" ||
	    fail "kafka-python: $(cat "$W/kpy.err")"
	spread4 "$T" 2000
	G=$(new_topic G)
	with_timeout 120 bash -c 'set -o pipefail; kin -g "$1" -e "$2" | tee "$3" |
	    wagg -k .strategy -w 5m --hop 1m "$4"' _ "$G" "$T" "$W/read" "$AGG" > "$W/hop" 2> "$W/hop.err" ||
	    fail "$(cat "$W/hop.err")"
	python3 "$H/sqlagg.py" -k .strategy --hop 1m "$W/in" 5m > "$W/want.hop"
	same_rows "$W/hop" "$W/want.hop"
	wagg -k .strategy --session 8s "$AGG" < "$W/read" > "$W/session"
	python3 "$H/sqlagg.py" -k .strategy --session 8s "$W/in" - > "$W/want.session"
	same_rows "$W/session" "$W/want.session"
}

@test "kpipes up --stats-job: strategy_stats holds per-strategy rows per minute; after down --drain their counts and means are SQL's over the outputs" {
	need_broker
	export KPIPES_RUN="$W/run"
	export KPIPES_PREFIX="g${BATS_TEST_NUMBER}_$$_${RANDOM}_"
	P=$KPIPES_PREFIX
	run -0 with_timeout 60 kpipes topics
	[[ "$output" == *"${P}strategy_stats	"* ]]
	# 200 records, 5 s of event time apart: 17 one-minute windows.
	run -0 with_timeout 60 kpipes produce -n 200 -r 0 -- --seed 7 --id \
	    --start 2026-11-24T00:00:00Z --step 5s
	run -0 with_timeout 60 kpipes up --no-join --stats-job
	[[ "$output" == *"stats: kin -F consumer.properties -g ${P}stats ${P}A_output ${P}B_output ${P}C_output ${P}D_output | wagg -k .strategy -w 1m -d 30m"* ]]
	run -0 with_timeout 150 kpipes down --drain -t 100
	for s in A B C D; do
		with_timeout 60 kin -e "${P}${s}_output"
	done > "$W/outputs"
	[ "$(wc -l < "$W/outputs")" -eq 200 ]
	with_timeout 60 kin -e "${P}strategy_stats" > "$W/stats"
	# Nothing lost: each record is in a row or in the late file (none are
	# late with the join's 30 minutes; if one were, the rows leave it out).
	touch "$KPIPES_RUN/stats.late.ndjson"
	[ "$(jq -s 'map(.count) | add' "$W/stats")" -eq $((200 - $(wc -l < "$KPIPES_RUN/stats.late.ndjson"))) ]
	[ ! -s "$KPIPES_RUN/stats.late.ndjson" ]
	# The oracle takes "value" and "c": feed it .result as .value.
	jq -c '.value = .result' "$W/outputs" > "$W/as_value"
	python3 "$H/sqlagg.py" -k .strategy -d 10m "$W/as_value" 1m |
	    jq -c '{window_start, window_end, key, count, avg_result: .avg_value, p99_result: .p99_value}' > "$W/want"
	same_rows "$W/stats" "$W/want"
}
