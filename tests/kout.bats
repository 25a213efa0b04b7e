#!/usr/bin/env bats
# kout: NDJSON lines to Kafka messages.

load test_helper
bats_require_minimum_version 1.5.0

setup() {
	need_broker
	T=$(new_topic kout)
}

@test "kout: awkward lines arrive byte for byte, in order on one partition" {
	run kout -P 0 "$T" < "$FIXTURES/awkward.ndjson"
	assert_success
	run kin -e "$T"
	assert_success
	assert_output "$(cat "$FIXTURES/awkward.ndjson")"
}

@test "kout: a 200 KB line survives unchanged" {
	python3 -c 'import json; print(json.dumps({"blob": "x" * 200000, "n": 1.5e300}))' > "$BATS_TEST_TMPDIR/big"
	run kout "$T" < "$BATS_TEST_TMPDIR/big"
	assert_success
	kin -e "$T" > "$BATS_TEST_TMPDIR/back"
	cmp "$BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/back"
}

@test "kout: bad lines are reported by line number, set aside, the rest is delivered, exit 1" {
	run --separate-stderr kout -P 0 --rejects "$BATS_TEST_TMPDIR/rej" "$T" < "$FIXTURES/mixed-bad.ndjson"
	assert_failure 1
	[[ "$stderr" == *"kout: <stdin>:2: not JSON"* ]]
	[[ "$stderr" == *"kout: <stdin>:4: empty line"* ]]
	[[ "$stderr" == *"kout: 6 bad lines set aside"* ]]
	run jq -c '[.line, .reason]' "$BATS_TEST_TMPDIR/rej"
	assert_output "$(printf '%s\n' '[2,"not JSON"]' '[3,"unterminated string"]' '[4,"empty line"]' \
	    '[6,"more than one JSON value on the line"]' '[7,"bad escape in string"]' '[9,"object key is not a string"]')"
	run jq -r .raw "$BATS_TEST_TMPDIR/rej"
	assert_line --index 0 "not json"
	run kin -e "$T"
	assert_output "$(printf '{"ok":%d}\n' 1 2 3 4)"
}

@test "kout: --strict stops at the first bad line, exit 1, and what came before is delivered" {
	run --separate-stderr kout -P 0 --strict "$T" < "$FIXTURES/mixed-bad.ndjson"
	assert_failure 1
	[[ "$stderr" == *"<stdin>:2: not JSON"* ]]
	[[ "$stderr" != *"<stdin>:3"* ]]
	run kin -e "$T"
	assert_output '{"ok":1}'
}

@test "kout: -k sets the key from a jq expression, -T routes each line to its topic" {
	printf '%s\n' '{"strategy":"A","id":1}' '{"strategy":"B","id":2}' '{"strategy":"A","id":3}' |
	    kout -k '.id' -T "\"${T}_\" + .strategy"
	run kin -E -e "${T}_A"
	assert_success
	assert_equal "$(jq -r .key <<<"$output" | sort | tr '\n' ' ')" "1 3 "
	run kin -e "${T}_B"
	assert_output '{"strategy":"B","id":2}'
}

@test "kout: -E copies key, headers, timestamp and value from an envelope" {
	printf 'plain text\n' | kcat -b "$KAFKA_BROKERS" -P -t "$T" -k key1 -H h1=v1 -H h2=v2
	printf '{"json":1}\n' | kcat -b "$KAFKA_BROKERS" -P -t "$T" -k key2 -p 0
	kin -E -e "$T" | kout -E "${T}_copy"
	run kin -E -e "$T"
	orig=$(jq -c 'del(.topic, .partition, .offset)' <<<"$output" | sort)
	run kin -E -e "${T}_copy"
	copy=$(jq -c 'del(.topic, .partition, .offset)' <<<"$output" | sort)
	assert_equal "$copy" "$orig"
	[[ "$copy" == *'"key":"key1","headers":[["h1","v1"],["h2","v2"]],"value_text":"plain text"'* ]]
	[[ "$copy" == *'"key":"key2","headers":[],"value":{"json":1}'* ]]
}

@test "kout: what kout writes, kcat and kafka-python read unchanged" {
	kout -P 0 "$T" < "$FIXTURES/awkward.ndjson"
	run kcat -b "$KAFKA_BROKERS" -C -t "$T" -e -q
	assert_output "$(cat "$FIXTURES/awkward.ndjson")"
	run with_timeout 60 "$KP_ROOT/tests/helpers/kpy.py" consume "$KAFKA_BROKERS" "$T" 10
	assert_success
	assert_output "$(cat "$FIXTURES/awkward.ndjson")"
}

@test "kout: a full producer queue holds the input back and loses nothing" {
	seq 1 20000 | sed 's/.*/{"n":&}/' > "$BATS_TEST_TMPDIR/in"
	run kout -X queue.buffering.max.messages=50 -X linger.ms=50 "$T" < "$BATS_TEST_TMPDIR/in"
	assert_success
	run kin -e "$T"
	assert_equal "$(jq .n <<<"$output" | sort -n | uniq | wc -l)" 20000
	assert_equal "${#lines[@]}" 20000
}

@test "kout: lines without a key go in batches, in turn to every partition, each in input order" {
	run kout "$T" < <(mockgen -r 2000 -n 4000 --id --seed 3)
	assert_success
	local p n total=0 used=0
	for p in 0 1 2 3; do
		kin -e -p "$p" "$T" | jq .id > "$BATS_TEST_TMPDIR/p$p"
		n=$(wc -l < "$BATS_TEST_TMPDIR/p$p")
		total=$((total + n))
		[ "$n" -eq 0 ] || used=$((used + 1))
		sort -n -c "$BATS_TEST_TMPDIR/p$p"	# ascending: the input's order
	done
	assert_equal "$total" 4000
	assert_equal "$(cat "$BATS_TEST_TMPDIR"/p? | sort -n | uniq | wc -l)" 4000
	assert_equal "$used" 4
}

@test "kout: a producer queue smaller than a batch: every line, in order" {
	seq 1 20000 | sed 's/.*/{"n":&}/' > "$BATS_TEST_TMPDIR/in"
	run kout -P 0 -X queue.buffering.max.messages=50 "$T" < "$BATS_TEST_TMPDIR/in"
	assert_success
	kin -e "$T" > "$BATS_TEST_TMPDIR/back"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/back"
}

@test "kout: a message the broker refuses is reported with its line number, exit 1" {
	kin_big=$(python3 -c 'print("{\"x\":\"" + "y" * 5000 + "\"}")')
	run --separate-stderr kout -X message.max.bytes=2000 -P 0 "$T" < <(printf '{"a":1}\n%s\n{"a":3}\n' "$kin_big")
	assert_failure 1
	[[ "$stderr" == *"<stdin>:2: not produced to $T"* ]]
	[[ "$stderr" == *"1 of 3 lines not delivered (lines 2)"* ]]
	run kin -e "$T"
	assert_output "$(printf '{"a":1}\n{"a":3}')"
}

@test "kout: a partition that does not exist fails delivery, named by line, exit 1" {
	run --separate-stderr with_timeout 60 kout -P 97 -X message.timeout.ms=5000 "$T" <<<'{"a":1}'
	assert_failure 1
	[[ "$stderr" == *"<stdin>:1: not"* ]]
	[[ "$stderr" == *"1 of 1 lines not delivered"* ]]
}

@test "kout: unreachable brokers: a clear error and exit 1 within the connect timeout" {
	SECONDS=0
	run --separate-stderr kout -b 127.0.0.1:1 --connect-timeout 2s "$T" <<<'{"a":1}'
	assert_failure 1
	[[ "$stderr" == *"no broker answered within 2000 ms"* ]]
	[ "$SECONDS" -lt 10 ]
}

@test "kout: SIGINT mid-stream delivers every line it was given, exit 0" {
	fifo="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$fifo"
	( seq 1 3000 | sed 's/.*/{"n":&}/'; exec sleep 30 ) > "$fifo" &
	writer=$!
	kout "$T" < "$fifo" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	sleep 1.5
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	pkill -P "$writer" sleep || true
	[ "$rc" -eq 0 ] || { cat "$BATS_TEST_TMPDIR/err"; false; }
	run kin -e "$T"
	assert_equal "${#lines[@]}" 3000
}

@test "kout: usage errors exit 2" {
	run kout
	assert_failure 2
	run kout -P x "$T"
	assert_failure 2
	run kout -k '.[' "$T"
	assert_failure 2
	run kout -T '.a' "$T"
	assert_failure 2
	run kout -X no.such.property=1 "$T"
	assert_failure 2
	run kout --connect-timeout soon "$T"
	assert_failure 2
}

@test "kout: --help prints the synopsis on stdout, exit 0; -V the version" {
	run kout --help
	assert_success
	assert_line --index 0 --partial "usage: kout"
	run kout -V
	assert_success
	assert_output --regexp '^kout [0-9]+\.[0-9]+\.[0-9]+$'
}
