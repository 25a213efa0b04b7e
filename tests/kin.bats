#!/usr/bin/env bats
# kin: Kafka messages to NDJSON lines.

load test_helper
bats_require_minimum_version 1.5.0

setup() {
	need_broker
	T=$(new_topic kin)
	G="g_${T}"
	# The embedded broker forgets a member that left only after its session
	# timeout (see kbroker(1)); keep it short so a restarted member rejoins fast.
	GROUPX=(-X session.timeout.ms=6000 -X heartbeat.interval.ms=500)
}

# produce N records {"n":1}..{"n":N} on partition P (default: spread by kout)
produce_n() {
	seq 1 "$1" | sed 's/.*/{"n":&}/' | kout ${2:+-P "$2"} "$T"
}

@test "kin: -e stops at the end of every partition; -c stops after N lines" {
	produce_n 20
	run kin -e "$T"
	assert_success
	assert_equal "${#lines[@]}" 20
	assert_equal "$(jq .n <<<"$output" | sort -n | tr '\n' ' ')" "$(seq 1 20 | tr '\n' ' ')"
	run kin -c 5 "$T"
	assert_success
	assert_equal "${#lines[@]}" 5
}

@test "kin: -e ends on a topic written to all the time, round its partitions" {
	produce_n 8
	# kout sends each of these slow lines to the next partition: at any
	# moment some partition has news, so they reach their ends in turn.
	# (kin -e used to wait for all of them to be at the end at once, and
	# here it waited for ever, 1 to 4 times in 6).
	(mockgen -r 5 -n 300 | kout "$T") &
	local writer=$! i
	sleep 3
	for i in 1 2 3 4 5 6 7 8; do
		run with_timeout 10 kin -e -o -2 "$T"
		assert_success
		[ "${#lines[@]}" -ge 8 ]
	done
	kill "$writer" 2>/dev/null || true
	wait "$writer" 2>/dev/null || true
}

@test "kin: -o beginning, end, N, -N and @TIME pick the starting offset" {
	produce_n 10 0
	# Partitions 1 to 3 are empty: offset 7 is out of their range (a warning).
	run --separate-stderr kin -e -o 7 "$T"
	assert_output "$(printf '{"n":%d}\n' 8 9 10)"
	run kin -e -o -2 "$T"
	assert_output "$(printf '{"n":%d}\n' 9 10)"
	run kin -e -o beginning -c 1 "$T"
	assert_output '{"n":1}'
	run with_timeout 20 kin -e -o end "$T"
	assert_success
	assert_output ""
	if [ "$(broker_kind)" != real ]; then
		# The embedded broker cannot look offsets up by time: said, exit 1.
		run --separate-stderr kin -e -o @2026-11-24T10:00:00Z "$T"
		assert_failure 1
		assert_equal "$stderr" "kin: -o @2026-11-24T10:00:00.000Z: the broker cannot look up offsets by time (it answered: Unknown broker error); the embedded broker, kbroker, cannot"
		skip "the embedded broker cannot look offsets up by time (kbroker(1))"
	fi
	sleep 1.2
	mid=$(date +%s%3N)
	sleep 0.2
	seq 11 13 | sed 's/.*/{"n":&}/' | kout -P 0 "$T"
	run kin -e -o "@$mid" "$T"
	assert_output "$(printf '{"n":%d}\n' 11 12 13)"
	iso=$(date -u -d "@$((mid / 1000))" +%Y-%m-%dT%H:%M:%S).$(printf %03d $((mid % 1000)))Z
	run kin -e -o "@$iso" "$T"
	assert_output "$(printf '{"n":%d}\n' 11 12 13)"
}

@test "kin: -p reads only the listed partitions" {
	produce_n 3 0
	seq 4 5 | sed 's/.*/{"n":&}/' | kout -P 2 "$T"
	run kin -e -p 2 "$T"
	assert_output "$(printf '{"n":%d}\n' 4 5)"
	run kin -e -p 0,2 "$T"
	assert_equal "${#lines[@]}" 5
}

@test "kin: a consumer group resumes where it stopped, nothing twice, nothing lost" {
	produce_n 40
	run with_timeout 60 kin -g "$G" "${GROUPX[@]}" -c 15 "$T"
	assert_success
	first=$output
	assert_equal "${#lines[@]}" 15
	run with_timeout 90 kin -g "$G" "${GROUPX[@]}" -e "$T"
	assert_success
	second=$output
	assert_equal "${#lines[@]}" 25
	assert_equal "$(printf '%s\n%s\n' "$first" "$second" | jq .n | sort -n | tr '\n' ' ')" \
	    "$(seq 1 40 | tr '\n' ' ')"
}

@test "kin: SIGINT commits what was written, leaves the group, exit 0" {
	produce_n 10
	kin -g "$G" "${GROUPX[@]}" "$T" > "$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 150); do
		[ "$(wc -l < "$BATS_TEST_TMPDIR/out")" -ge 10 ] && break
		sleep 0.2
	done
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$BATS_TEST_TMPDIR/err"; false; }
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/out")" 10
	seq 11 12 | sed 's/.*/{"n":&}/' | kout "$T"
	run with_timeout 90 kin -g "$G" "${GROUPX[@]}" -e "$T"
	assert_success
	assert_equal "$(jq .n <<<"$output" | sort -n | tr '\n' ' ')" "11 12 "
}

@test "kin: a closed stdout is a quiet, clean stop" {
	produce_n 5000
	run --separate-stderr bash -c 'kin -e "$1" | head -n 1; echo "${PIPESTATUS[0]}" >&2' _ "$T"
	assert_equal "${#lines[@]}" 1
	assert_equal "$stderr" "0"
	# Idle, with nothing more to write, kin still sees the pipe closed.
	run --separate-stderr with_timeout 30 bash -c 'kin -e "$1" | take 1; sleep 1; kin "$1" | take 1' _ "$T"
	assert_success
	assert_equal "${#lines[@]}" 2
}

# committed_total: the sum of the offsets group $G committed on $T, as
# kafka-python (not our code) reads them; 0 where none.
committed_total() {
	with_timeout 60 "$KP_ROOT/tests/helpers/kpy.py" committed "$KAFKA_BROKERS" "$G" "$T" |
	    awk '{ n += ($2 == "-" ? 0 : $2) } END { print n + 0 }'
}

# take K: reads K lines one byte at a time (bash's read on a pipe), prints
# them, and exits, closing the pipe: nothing read beyond them.
take() {
	local i l
	for ((i = 0; i < $1; i++)); do
		IFS= read -r l || break
		printf '%s\n' "$l"
	done
}
export -f take

@test "kin -g: a commit covers the lines the next program read; one that took K lines leaves the group right after them" {
	local K n=6000 i
	seq 1 "$n" | sed 's/.*/{"n":&,"pad":"0123456789012345678901234567890"}/' | kout -P 0 "$T"
	# 7 in kin's first batch; 3000 past a 64 KiB pipe, kin blocked writing.
	for K in 1 7 3000; do
		G="g_${T}_$K"
		run --separate-stderr with_timeout 60 bash -c 'kin -g "$2" "${@:4}" "$3" | take "$1"' _ \
		    "$K" "$G" "$T" "${GROUPX[@]}"
		assert_success
		assert_equal "${#lines[@]}" "$K"
		assert_equal "$(committed_total)" "$K"
		run with_timeout 90 kin -g "$G" "${GROUPX[@]}" -e -c 1 "$T"
		assert_output "$(sed -n "$((K + 1))p" < <(seq 1 "$n" | sed 's/.*/{"n":&,"pad":"0123456789012345678901234567890"}/'))"
	done
	# Four partitions, merged: the commits add up to what was read, and the
	# next reader of the group reads the rest, each line once.
	T="${T}_4"
	G="g_$T"
	produce_n 4000
	run --separate-stderr with_timeout 60 bash -c 'kin -g "$1" "${@:3}" "$2" | take 2500' _ "$G" "$T" "${GROUPX[@]}"
	assert_success
	first=$output
	assert_equal "$(committed_total)" 2500
	run --separate-stderr with_timeout 90 kin -g "$G" "${GROUPX[@]}" -e "$T"
	assert_success
	assert_equal "$(printf '%s\n%s\n' "$first" "$output" | jq .n | sort -n | tr '\n' ' ')" "$(seq 1 4000 | tr '\n' ' ')"
}

@test "kin -g | head -n K: the group goes on after what head read, K lines and at most its 8 KiB buffer more" {
	local K n=20000 c bound
	seq 1 "$n" | sed 's/.*/{"n":&,"pad":"0123456789012345678901234567890"}/' > "$BATS_TEST_TMPDIR/in"
	kout -P 0 "$T" < "$BATS_TEST_TMPDIR/in"
	for K in 1 100 5000; do
		G="g_${T}_$K"
		run --separate-stderr with_timeout 60 bash -c 'kin -g "$2" "${@:4}" "$3" | head -n "$1"; echo "${PIPESTATUS[0]}" >&2' _ \
		    "$K" "$G" "$T" "${GROUPX[@]}"
		assert_equal "${#lines[@]}" "$K"
		assert_equal "$(tail -n 1 <<<"$stderr")" 0
		c=$(committed_total)
		# head(1) reads up to 8 KiB (BUFSIZ) at a time, and drops what it
		# read past line K: its last read began within line K.
		bound=$(head -n "$K" "$BATS_TEST_TMPDIR/in" | wc -c)
		bound=$(head -c "$((bound + 8191))" "$BATS_TEST_TMPDIR/in" | wc -l)
		[ "$c" -ge "$K" ] && [ "$c" -le "$bound" ] || { echo "K=$K committed=$c bound=$bound"; false; }
	done
}

@test "kin -g: lines in the pipe at the end are committed once read; a reader that reads none leaves them to the group" {
	produce_n 200 0
	run --separate-stderr with_timeout 60 bash -c 'kin -g "$1" "${@:3}" -e "$2" | { sleep 2; cat; }' _ "$G" "$T" "${GROUPX[@]}"
	assert_success
	assert_equal "${#lines[@]}" 200
	assert_equal "$(committed_total)" 200
	# sleep reads nothing: after --drain-timeout, kin says so and commits
	# none of them, and the next reader of the group has them all.
	T="${T}_b"
	G="g_$T"
	produce_n 200 0
	mkfifo "$BATS_TEST_TMPDIR/pipe"
	with_timeout 60 kin -g "$G" "${GROUPX[@]}" -e --drain-timeout 1s "$T" > "$BATS_TEST_TMPDIR/pipe" 2> "$BATS_TEST_TMPDIR/err" &
	local pid=$! rc=0 rfd
	exec {rfd}< "$BATS_TEST_TMPDIR/pipe"
	wait "$pid" || rc=$?
	exec {rfd}<&-
	[ "$rc" -eq 0 ] || { cat "$BATS_TEST_TMPDIR/err"; false; }
	grep -q "kin: 200 lines written were not read by the next program within --drain-timeout: not committed, the group reads them again" "$BATS_TEST_TMPDIR/err"
	assert_equal "$(committed_total)" 0
	run with_timeout 90 kin -g "$G" "${GROUPX[@]}" -e "$T"
	assert_equal "${#lines[@]}" 200
}

@test "kin: a value whose bytes are not UTF-8 is named, counted at the end, and kin -E keeps every byte" {
	/usr/bin/python3 -c '
import sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=sys.argv[1])
p.send(sys.argv[2], b"a\xffb\x00c\n", partition=0).get(timeout=30)
p.send(sys.argv[2], b"two\nlines", partition=0).get(timeout=30)
p.close()' "$KAFKA_BROKERS" "$T"
	run --separate-stderr kin -e "$T"
	assert_success
	# U+FFFD in its UTF-8 bytes, as jq writes it.
	assert_line --index 0 "$(printf '"a\357\277\275b\\u0000c\\n"')"
	[[ "$stderr" == *"kin: $T [0] at offset 0: value rewritten to fit on one line, its bytes that are not UTF-8 replaced by U+FFFD (see kin(1); kin -E keeps every byte)"* ]]
	[[ "$stderr" == *"kin: 2 values rewritten to fit on one line, 1 with bytes that are not UTF-8 replaced by U+FFFD: kin -E keeps every byte"* ]]
	run --separate-stderr kin -E -e "$T"
	assert_success
	run /usr/bin/python3 -c '
import base64, json, sys
print(base64.b64decode(json.loads(sys.argv[1])["value_base64"]) == b"a\xffb\x00c\n")' "${lines[0]}"
	assert_output True
}

@test "kin -E: topic, partition, offset, timestamp, key, headers and the value embedded as JSON" {
	printf '{"v":1.000e2}\n' | kcat -b "$KAFKA_BROKERS" -P -t "$T" -p 1 -k "k1" -H "h=x" -H "h=y"
	run kin -E -e "$T"
	assert_success
	run jq -c '[.topic == "'"$T"'", .partition, .offset, (.timestamp > 1600000000000), .key, .headers]' <<<"$output"
	assert_output '[true,1,0,true,"k1",[["h","x"],["h","y"]]]'
	run kin -E -e "$T"
	[[ "$output" == *'"value":{"v":1.000e2}}' ]]
}

@test "kin -E: text, binary, tombstone and empty values are told apart" {
	printf 'plain\n' | kcat -b "$KAFKA_BROKERS" -P -t "$T" -p 0
	printf '\377\376\n' | kcat -b "$KAFKA_BROKERS" -P -t "$T" -p 0
	printf 'k:\n' | kcat -b "$KAFKA_BROKERS" -P -t "$T" -p 0 -Z -K :
	run kin -E -e "$T"
	assert_line --index 0 --partial '"value_text":"plain"'
	assert_line --index 1 --partial '"value_base64":"//4="'
	# A tombstone (-Z: empty means NULL) has no value field at all.
	run jq -c 'select(.key == "k") | [has("value"), has("value_text"), has("value_base64")]' <<<"$output"
	assert_output '[false,false,false]'
	run --separate-stderr kin -e "$T"
	assert_line --index 0 'plain'
	assert_line --index 2 'null'
}

@test "kin: a value with line breaks still becomes exactly one line" {
	printf '{\n  "pretty": [1,\n 2]\n}' | kcat -b "$KAFKA_BROKERS" -P -t "$T" -p 0 -D '\0'
	printf 'two\nlines' | kcat -b "$KAFKA_BROKERS" -P -t "$T" -p 0 -D '\0'
	run --separate-stderr kin -e "$T"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$(jq -c . <<<"${lines[0]}")" '{"pretty":[1,2]}'
	assert_equal "${lines[1]}" '"two\nlines"'
	[[ "$stderr" == *"value rewritten to fit on one line"* ]]
}

@test "kin: what kcat and kafka-python write, kin reads unchanged" {
	kcat -b "$KAFKA_BROKERS" -P -t "$T" -p 0 < "$FIXTURES/awkward.ndjson"
	run kin -e "$T"
	assert_output "$(cat "$FIXTURES/awkward.ndjson")"
	T2="${T}_py"
	run with_timeout 60 "$KP_ROOT/tests/helpers/kpy.py" produce "$KAFKA_BROKERS" "$T2" < "$FIXTURES/awkward.ndjson"
	assert_success
	run kin -e "$T2"
	assert_output "$(cat "$FIXTURES/awkward.ndjson")"
}

@test "kin: unreachable brokers: a clear error and exit 1 within the connect timeout" {
	SECONDS=0
	run --separate-stderr kin -b 127.0.0.1:1 --connect-timeout 2s "$T"
	assert_failure 1
	[[ "$stderr" == *"no broker answered within 2000 ms"* ]]
	[ "$SECONDS" -lt 10 ]
}

@test "kin: a topic that does not exist is an error on a real Kafka" {
	[ "$(broker_kind)" = real ] || skip "the embedded broker creates any topic asked for (kbroker(1))"
	run --separate-stderr kin -e "${T}_missing"
	assert_failure 1
	[[ "$stderr" == *"${T}_missing"* ]]
}

@test "kin: usage errors exit 2" {
	run kin
	assert_failure 2
	run kin -o sideways "$T"
	assert_failure 2
	run kin -o stored "$T"
	assert_failure 2
	run kin -g G -p 0 "$T"
	assert_failure 2
	run kin -c 0 "$T"
	assert_failure 2
	run kin -p x "$T"
	assert_failure 2
	run --separate-stderr kin -o @2026-02-31T00:00:00Z "$T"
	assert_failure 2
	assert_equal "$stderr" "kin: -o @2026-02-31T00:00:00Z: not a time"
}

@test "kin: a topic that is no topic name ('', a blank, a/b, .., 250 characters) is a usage error: exit 2, no connection tried" {
	local name
	for name in "" "bad topic" "a/b" ".." "$(printf 'a%.0s' $(seq 250))"; do
		# An unreachable broker: a usage error comes before any connection.
		run --separate-stderr with_timeout 20 kin -b 127.0.0.1:1 -e "$T" "$name"
		assert_failure 2
		[[ "$stderr" == "kin: \""*"not a topic name ("*")" ]] || fail "no reason for '$name': $stderr"
	done
	run --separate-stderr kin -e "a/b"
	assert_equal "$stderr" 'kin: "a/b": not a topic name (1 to 249 of a-z A-Z 0-9 . _ -)'
}

@test "kin: --help prints the synopsis on stdout, exit 0" {
	run kin --help
	assert_success
	assert_line --index 0 --partial "usage: kin"
}

# Writes records with "ts" i seconds after 10:00 to partition i % 4 in a
# shuffled partition order, so that each partition is in time order but a
# partition-at-a-time reader is not.
produce_spread() {
	local p
	for p in 3 1 0 2; do
		seq 0 199 | awk -v p="$p" '$1 % 4 == p {
		    printf "{\"i\":%d,\"ts\":\"2026-11-24T10:%02d:%02d.000Z\"}\n", $1, $1 / 60, $1 % 60 }' |
		    kout -P "$p" "$T"
	done
}

@test "kin: a multi-partition topic comes out merged in event time; --order fetch does not" {
	produce_spread
	run kin -e "$T"
	assert_success
	assert_equal "${#lines[@]}" 200
	assert_equal "$(jq .i <<<"$output" | tr '\n' ' ')" "$(seq 0 199 | tr '\n' ' ')"
	# The old order: a partition's batch at a time (this is what lost pairs).
	run kin -e --order fetch "$T"
	assert_success
	assert_equal "${#lines[@]}" 200
	[ "$(jq .i <<<"$output" | tr '\n' ' ')" != "$(seq 0 199 | tr '\n' ' ')" ]
}

@test "kin: with a group, and with -t and --ts-unit, the merge orders by the named time" {
	local p
	for p in 1 0; do
		seq 0 99 | awk -v p="$p" '$1 % 2 == p { printf "{\"i\":%d,\"m\":{\"t\":%d}}\n", $1, 1795000000 + $1 }' |
		    kout -P "$p" "$T"
	done
	run kin -g "$G" "${GROUPX[@]}" -e -t .m.t --ts-unit s "$T"
	assert_success
	assert_equal "$(jq .i <<<"$output" | tr '\n' ' ')" "$(seq 0 99 | tr '\n' ' ')"
	run kin -e -t m.t "$T"
	assert_failure 2
	run kin -e --order random "$T"
	assert_failure 2
}

@test "kin: values without the time are ordered by their Kafka timestamp" {
	# Text values, one partition written after the other, with message
	# timestamps that interleave (kcat -K takes no timestamp; kout -E does).
	local p
	for p in 1 0; do
		seq 0 49 | awk -v p="$p" '$1 % 2 == p {
		    printf "{\"partition\":%d,\"timestamp\":1795000000%03d,\"key\":null,\"headers\":[],\"value\":\"v%d\"}\n", p, $1, $1 }' |
		    kout -E -P "$p" "$T"
	done
	run kin -e "$T"
	assert_success
	assert_equal "$(tr -d '"' <<<"$output" | tr '\n' ' ')" "$(seq 0 49 | sed 's/^/v/' | tr '\n' ' ')"
}

@test "kin: a value whose time is no time (February 31) is said, and merged at its Kafka timestamp" {
	# Every fifth record's .ts is 2026-02-31, read before as March 3, which
	# put it ahead of all the others (November).
	local p
	for p in 1 0; do
		seq 0 49 | awk -v p="$p" '$1 % 2 == p {
		    ms = sprintf("1795000000%03d", $1)
		    ts = $1 % 5 ? ms : "\"2026-02-31T00:00:00Z\""
		    printf "{\"timestamp\":%s,\"key\":null,\"value\":{\"i\":%d,\"ts\":%s}}\n", ms, $1, ts }' |
		    kout -E -P "$p" "$T"
	done
	run --separate-stderr kin -e "$T"
	assert_success
	assert_equal "$(jq .i <<<"$output" | tr '\n' ' ')" "$(seq 0 49 | tr '\n' ' ')"
	[[ "$stderr" =~ "kin: $T [0] at offset 0: .ts is not an ISO 8601 time (no such day in that month): \"2026-02-31T00:00:00Z\"; merged at its Kafka timestamp" ]]
	[[ "$stderr" =~ kin:\ [0-9]+\ records\ whose\ .ts\ is\ no\ time\ merged\ at\ their\ Kafka\ timestamps ]]
}

@test "kin: a quiet partition does not hold back what another delivers" {
	produce_n 1 0
	(sleep 2; echo '{"late":1,"ts":"2026-11-24T10:00:00Z"}' | kout -P 2 "$T") &
	local writer=$!
	# Partitions 1 and 3 never get a record, 0 has one already, 2 gets one
	# after 2 s: kin must write both well within --max-hold (5 s).
	run with_timeout 20 kin -o beginning -c 2 "$T"
	wait "$writer"
	assert_success
	assert_line --index 0 '{"n":1}'
	assert_line --index 1 '{"late":1,"ts":"2026-11-24T10:00:00Z"}'
	local t0=$SECONDS
	run with_timeout 20 kin -o beginning -c 2 "$T"
	assert_success
	[ $((SECONDS - t0)) -lt 4 ]
}

@test "kin -g on a topic written in transactions commits past the last commit marker: lag 0, so a drain ends; a record after it is read" {
	[ "$(broker_kind)" = real ] || skip "the embedded broker's transactions are skin-deep (kbroker(1))"
	ktopic create -p 1 "$T"
	# 10 transactions of 3 records: the log ends in a marker (offset 39).
	with_timeout 60 "$KP_ROOT/tests/helpers/txn-write.py" "$KAFKA_BROKERS" "$T" 10 3
	for order in time fetch; do
		run --separate-stderr with_timeout 60 kin --order "$order" -g "g_$order$T" -e "$T"
		assert_success
		assert_equal "${#lines[@]}" 30
		run ktopic -J lag -g "g_$order$T" "$T"
		[ "$(jq -c '[.committed, .end, .lag]' <<<"$output")" = '[40,40,0]' ]
	done
	# Nothing skipped: a plain record after the marker is the next one read.
	echo '{"n":31}' | kout "$T"
	run --separate-stderr with_timeout 60 kin -g "g_time$T" -e "$T"
	assert_output '{"n":31}'
}
