#!/usr/bin/env bats
# kout: NDJSON lines to Kafka messages.

load test_helper
bats_require_minimum_version 1.5.0

setup() {
	need_broker
	T=$(new_topic kout)
}

# Creates topic $1 to keep what it is given: Kafka deletes records stamped
# further back than retention.ms (7 days) within minutes of their writing,
# even in the active segment. The embedded broker deletes nothing, and
# cannot create topics with settings.
keep_forever() {
	[ "$(broker_kind)" = real ] || return 0
	ktopic create -c retention.ms=-1 -p 4 "$1"
}

# Each message of topic $1 as kcat prints it: "TIMESTAMP_MS VALUE".
stamps() {
	with_timeout 60 kcat -C -b "$KAFKA_BROKERS" -t "$1" -e -q -f '%T %s\n'
}

# Reads stamps' lines and fails on a message whose timestamp is not its
# record's .ts truncated to the millisecond, as Python's datetime (an ISO
# string, no zone being UTC) or decimal (a number counting unit $1) reads
# it. Prints how many it checked.
stamps_match() {
	python3 -c '
import json, sys
from datetime import datetime, timezone
from decimal import Decimal
per_ms = {"s": Decimal(1000), "ms": Decimal(1), "us": Decimal("0.001")}[sys.argv[1]]
n = 0
for line in sys.stdin:
    t, value = line.rstrip("\n").split(" ", 1)
    ts = json.loads(value, parse_float=Decimal)["ts"]
    if isinstance(ts, str):
        d = datetime.fromisoformat(ts.replace("Z", "+00:00"))
        if d.tzinfo is None:
            d = d.replace(tzinfo=timezone.utc)
        want = (d - datetime(1970, 1, 1, tzinfo=timezone.utc)) // datetime.resolution // 1000
    else:
        want = int(Decimal(ts) * per_ms)
    if int(t) != want:
        sys.exit("timestamp %s, want %d: %s" % (t, want, value))
    n += 1
print(n)' "$1"
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

# Lines RFC 8259 allows that libjq 1.6 cannot read, or reads changed:
# lone surrogate escapes, and nesting past its parser's limit (an array
# counts one of 256 levels, an object two). Each line holds "id" $1+i.
hostile_lines() {
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
for i, tail in enumerate([
        '"s":"\\ud800"', '"s":"\\udc00"', '"s":"x\\ud800\\ud800"',
        '"d":' + '{"a":' * 128 + '1' + '}' * 128,     # 129 objects
        '"d":' + '[' * 255 + ']' * 255,               # 2 + 255 levels
        '"s":["\\ude00\\ud83d"]']):
    print('{"id":%d,%s}' % (n + i, tail))
PY
}

@test "kout -k/-T: a line libjq cannot read (a lone surrogate, nesting past its limit) is a bad line by number, never an abort; the rest arrive" {
	{
		echo '{"id":1}'
		hostile_lines 2 | head -n 2
		echo '{"id":4,"s":"\ud83d\ude00"}'
		hostile_lines 2 | sed -n 4,5p
		python3 -c 'print("{\"id\":7,\"d\":" + "{\"a\":" * 127 + "1" + "}" * 128)'
		python3 -c 'print("{\"id\":8,\"d\":" + "[" * 254 + "]" * 254 + "}")'
	} > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr kout -k .id -T "\"$T\"" --rejects "$BATS_TEST_TMPDIR/rej" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" != *Assertion* ]]
	[[ "$stderr" == *'kout: <stdin>:2: unpaired UTF-16 surrogate in a \u escape'* ]]
	[[ "$stderr" == *'kout: <stdin>:5: nested too deeply'* ]]
	[[ "$stderr" == *"kout: 4 bad lines set aside"* ]]
	run jq -c '[.line, .reason]' "$BATS_TEST_TMPDIR/rej"
	assert_output "$(printf '%s\n' '[2,"unpaired UTF-16 surrogate in a \\u escape"]' \
	    '[3,"unpaired UTF-16 surrogate in a \\u escape"]' '[5,"nested too deeply"]' '[6,"nested too deeply"]')"
	assert_equal "$(jq -r .raw "$BATS_TEST_TMPDIR/rej")" "$(sed -n '2p;3p;5p;6p' "$BATS_TEST_TMPDIR/in")"
	# The others arrive unchanged, each with its key: 128 objects and 256 levels are fine.
	run kin -E -e "$T"
	assert_equal "$(jq -r .key <<<"$output" | sort -n | tr '\n' ' ')" "1 4 7 8 "
	assert_equal "$(kin -e "$T" | sort)" "$(sed -n '1p;4p;7p;8p' "$BATS_TEST_TMPDIR/in" | sort)"
}

@test "kout -k: kin -g G -e SRC | kout -k .id DST over 5,000 good lines and 6 libjq cannot read: DST holds every good one, --rejects the 6 by line, and kin committed all 5,006" {
	G="g_$T"
	hostile_lines 9000 > "$BATS_TEST_TMPDIR/hostile"
	# The six go at lines 1, 778, 2502, 2503, 4003 and 5006.
	python3 - "$BATS_TEST_TMPDIR/hostile" > "$BATS_TEST_TMPDIR/in" <<'PY'
import sys
hostile = open(sys.argv[1]).read().splitlines()
good = ['{"id":%d,"v":"x"}' % i for i in range(1, 5001)]
out = good[:]
for at, h in zip([0, 777, 2501, 2502, 4002, 5005], hostile):
    out.insert(at, h)
print("\n".join(out))
PY
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/in")" 5006
	# Not kout: it refuses them. One partition, so kout's line numbers are offsets + 1.
	kcat -b "$KAFKA_BROKERS" -P -t "$T" -p 0 < "$BATS_TEST_TMPDIR/in"
	with_timeout 120 bash -c 'kin -g "$1" -e "$2" | kout -k .id --rejects "$3" "$4"; echo "${PIPESTATUS[*]}" > "$5"' \
	    _ "$G" "$T" "$BATS_TEST_TMPDIR/rej" "${T}_dst" "$BATS_TEST_TMPDIR/status" 2> "$BATS_TEST_TMPDIR/err" || true
	cat "$BATS_TEST_TMPDIR/err"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/status")" "0 1"
	run grep -c Assertion "$BATS_TEST_TMPDIR/err"
	assert_output 0
	run ktopic -J lag -g "$G" "$T"
	assert_success
	committed=$(jq -s 'map(.committed // 0) | add' <<<"$output")
	delivered=$(kin -e "${T}_dst" | wc -l)
	set_aside=$(wc -l < "$BATS_TEST_TMPDIR/rej")
	echo "# committed $committed, delivered $delivered, set aside $set_aside" >&3
	assert_equal "$committed" 5006
	assert_equal "$delivered" 5000
	assert_equal "$set_aside" 6
	assert_equal "$(jq -c .line "$BATS_TEST_TMPDIR/rej" | tr '\n' ' ')" "1 778 2502 2503 4003 5006 "
	assert_equal "$(jq -r .raw "$BATS_TEST_TMPDIR/rej")" "$(cat "$BATS_TEST_TMPDIR/hostile")"
	assert_equal "$(kin -E -e "${T}_dst" | jq -r .key | sort -n | uniq | wc -l)" 5000
	assert_equal "$(kin -E -e "${T}_dst" | jq -r .key | sort -n | sed -n '1p;$p' | tr '\n' ' ')" "1 5000 "
}

@test "kout -E -k: a value that is not JSON (value_text, base64) is a bad line for -k, named by its number" {
	printf '%s\n' '{"value_text":"plain","key":"a","headers":[]}' '{"value":{"id":2},"headers":[]}' \
	    '{"value_base64":"AP4=","headers":[]}' '{"value":{"id":4},"key":"k","headers":[]}' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr kout -E -k .id --rejects "$BATS_TEST_TMPDIR/rej" "$T" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" == *"kout: <stdin>:1: -k: the record's value is not JSON (not JSON)"* ]]
	[[ "$stderr" == *"kout: <stdin>:3: -k: the record's value is not JSON (not JSON)"* ]]
	[[ "$stderr" == *"kout: 2 bad lines set aside"* ]]
	run kin -E -e "$T"
	assert_equal "$(jq -c '[.key, .value]' <<<"$output" | sort)" "$(printf '%s\n' '["2",{"id":2}]' '["4",{"id":4}]')"
}

@test "kout -E: base64 that is not the canonical form of its bytes (AP7=) is a bad line; AP4= is the bytes 00 fe" {
	printf '%s\n' '{"value_base64":"AP7=","headers":[]}' '{"value_base64":"AP4=","headers":[]}' \
	    '{"key_base64":"AB==","value":1,"headers":[]}' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr kout -E -P 0 --rejects "$BATS_TEST_TMPDIR/rej" "$T" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" == *"kout: <stdin>:1: envelope: value_base64 is not base64"* ]]
	[[ "$stderr" == *"kout: <stdin>:3: envelope: key_base64 is not base64"* ]]
	assert_equal "$(jq -c .line "$BATS_TEST_TMPDIR/rej" | tr '\n' ' ')" "1 3 "
	run bash -c "kcat -b '$KAFKA_BROKERS' -C -t '$T' -e -q -f '%s' | od -An -tx1"
	assert_output " 00 fe"
}

@test "kout -k: a key nested deeper than jq prints is a bad line, not jq's '<stripped: exceeds max depth>'" {
	# 254 arrays around a number: 256 levels in [[.d]], 257 in [[[.d]]].
	python3 -c 'print("{\"id\":1,\"d\":" + "[" * 254 + "1" + "]" * 254 + "}")' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr kout -k '[[.d]]' "$T" < "$BATS_TEST_TMPDIR/in"
	assert_success
	run --separate-stderr kout -k '[[[.d]]]' "$T" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" == *"kout: <stdin>:1: -k: the expression gave a value nested more than 256 deep, which jq cannot print"* ]]
	[[ "$stderr" == *"kout: 1 bad line set aside"* ]]
	run kin -E -e "$T"
	assert_equal "${#lines[@]}" 1
	assert_equal "$(jq -r .key <<<"$output" | tr -d '[]')" 1
	[[ "$output" != *stripped* ]]
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

@test "kout -E: kin -E | kout -E copies records nested to the limit byte for byte (in value_text where the envelope would be too deep)" {
	{
		python3 -c 'print("{\"id\":1,\"d\":" + "{\"a\":" * 127 + "1" + "}" * 128)'
		python3 -c 'print("[" * 256 + "]" * 256)'
		python3 -c 'print("{\"id\":3,\"d\":" + "{\"a\":" * 126 + "1" + "}" * 127)'
	} > "$BATS_TEST_TMPDIR/in"
	run kout -P 0 "$T" < "$BATS_TEST_TMPDIR/in"
	assert_success
	kin -E -e "$T" > "$BATS_TEST_TMPDIR/env"
	assert_equal "$(jq -r 'if has("value") then "value" else "value_text" end' "$BATS_TEST_TMPDIR/env" | tr '\n' ' ')" \
	    "value_text value_text value "
	run kout -E -P 0 "${T}_copy" < "$BATS_TEST_TMPDIR/env"
	assert_success
	assert_equal "$(kin -e "${T}_copy")" "$(cat "$BATS_TEST_TMPDIR/in")"
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

# replay REJECTS: each line a rejects file keeps, byte for byte, as kout(1)
# says to replay them: "raw", or "raw_base64" when the bytes are not UTF-8.
replay() {
	jq -r '.raw_base64 // (.raw | @base64)' "$1" |
	    while read -r b; do printf %s "$b" | base64 -d; echo; done
}

@test "kout: a line Kafka refuses as too large is kept in --rejects with its reason, byte for byte, in plain, -k, -t and -E modes" {
	local big mode now
	now=$(date +%s%3N)
	big=$(python3 -c 'import sys; print("{\"ts\":" + sys.argv[1] + ",\"x\":\"" + "y" * 5000 + "\"}")' "$now")
	printf '{"a":1,"ts":%s}\n%s\n{"a":3,"ts":%s}\n' "$now" "$big" "$now" > "$BATS_TEST_TMPDIR/in"
	jq -c '{topic: "'"$T"'_e", key: "k", headers: [["h", "v"]], timestamp: .ts, value: .}' \
	    "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/in.e"
	for mode in plain -k -t -E; do
		rm -f "$BATS_TEST_TMPDIR/rej"
		case $mode in
		plain) run --separate-stderr kout -X message.max.bytes=2000 -P 0 --rejects "$BATS_TEST_TMPDIR/rej" "$T" < "$BATS_TEST_TMPDIR/in" ;;
		-k) run --separate-stderr kout -X message.max.bytes=2000 -k .a --rejects "$BATS_TEST_TMPDIR/rej" "${T}_k" < "$BATS_TEST_TMPDIR/in" ;;
		-t) run --separate-stderr kout -X message.max.bytes=2000 -t .ts --rejects "$BATS_TEST_TMPDIR/rej" "${T}_t" < "$BATS_TEST_TMPDIR/in" ;;
		-E) run --separate-stderr kout -X message.max.bytes=2000 -E --rejects "$BATS_TEST_TMPDIR/rej" < "$BATS_TEST_TMPDIR/in.e" ;;
		esac
		assert_failure 1
		[[ "$stderr" == *"<stdin>:2: not produced to ${T}"*"Message size too large"* ]]
		[[ "$stderr" == *"1 of 3 lines not delivered (lines 2)"* ]]
		assert_equal "$(jq -c '[.source, .line]' "$BATS_TEST_TMPDIR/rej")" '["<stdin>",2]'
		[[ "$(jq -r .reason "$BATS_TEST_TMPDIR/rej")" == *"Message size too large" ]]
		if [ "$mode" = -E ]; then
			cmp <(sed -n 2p "$BATS_TEST_TMPDIR/in.e") <(replay "$BATS_TEST_TMPDIR/rej")
		else
			cmp <(sed -n 2p "$BATS_TEST_TMPDIR/in") <(replay "$BATS_TEST_TMPDIR/rej")
		fi
	done
	run kin -e --order fetch "$T" "${T}_k" "${T}_t"
	assert_equal "$(jq -c .a <<<"$output" | sort | tr '\n' ' ')" "1 1 1 3 3 3 "
	run kin -E -e "${T}_e"
	assert_equal "$(jq -c '[.key, .value.a]' <<<"$output" | sort | tr '\n' ' ')" '["k",1] ["k",3] '
}

@test "kout: a batch the broker refuses as too large for the topic: the line to blame is kept, the rest delivered" {
	[ "$(broker_kind)" = real ] || skip "the embedded broker takes messages of any size"
	ktopic create -p 1 -c max.message.bytes=20000 "$T"
	seq 1 300 | sed 's/.*/{"n":&,"pad":"0123456789012345678901234567890123456789"}/' > "$BATS_TEST_TMPDIR/in"
	python3 -c 'print("{\"n\":0,\"x\":\"" + "y" * 30000 + "\"}")' > "$BATS_TEST_TMPDIR/big"
	sed -i "150r $BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/in"
	# The client would send it (message.max.bytes 1000000); the topic refuses
	# the batch it is in, with lines that were not to blame.
	run --separate-stderr kout --rejects "$BATS_TEST_TMPDIR/rej" "$T" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" == *"<stdin>:151: refused by the broker (Broker: Message size too large)"* ]]
	[[ "$stderr" != *"not delivered"* ]]
	assert_equal "$(jq -c '[.line, .reason]' "$BATS_TEST_TMPDIR/rej")" '[151,"refused by the broker (Broker: Message size too large)"]'
	cmp "$BATS_TEST_TMPDIR/big" <(replay "$BATS_TEST_TMPDIR/rej")
	# Halves of a refused batch go again after what followed it.
	run kin -e "$T"
	assert_equal "$(sort <<<"$output")" "$(grep -v '"n":0,' "$BATS_TEST_TMPDIR/in" | sort)"
}

@test "kout: lines not delivered (the broker went away) are kept in --rejects with the reason, and replayed arrive unchanged" {
	local b2 pid mode
	for mode in plain -E; do
		kbroker > "$BATS_TEST_TMPDIR/b2" 2>/dev/null &
		pid=$!
		for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/b2" ] && break; sleep 0.05; done
		b2=$(head -n 1 "$BATS_TEST_TMPDIR/b2")
		rm -f "$BATS_TEST_TMPDIR/rej"
		printf '{"topic":"%s","key":"k%d","headers":[["h","\u00e9"]],"timestamp":%s,"value":{"n":%d}}\n' \
		    "$T" 2 "$(date +%s%3N)" 2 "$T" 3 "$(date +%s%3N)" 3 > "$BATS_TEST_TMPDIR/late.e"
		if [ "$mode" = -E ]; then
			(sleep 1; cat "$BATS_TEST_TMPDIR/late.e") |
			    kout -b "$b2" -E -X message.timeout.ms=1500 --rejects "$BATS_TEST_TMPDIR/rej" \
			    2>"$BATS_TEST_TMPDIR/err" &
		else
			(sleep 1; printf '{"n":2}\n{"n":3}\n') |
			    kout -b "$b2" -X message.timeout.ms=1500 --rejects "$BATS_TEST_TMPDIR/rej" "$T" \
			    2>"$BATS_TEST_TMPDIR/err" &
		fi
		local kp=$!
		sleep 0.5
		kill "$pid"
		wait "$pid" || true
		rc=0
		wait "$kp" || rc=$?
		[ "$rc" -eq 1 ] || { cat "$BATS_TEST_TMPDIR/err"; false; }
		grep -q "<stdin>:2: not delivered to $T: Local: Message timed out" "$BATS_TEST_TMPDIR/err"
		assert_equal "$(jq -c '[.line, .reason]' "$BATS_TEST_TMPDIR/rej" | tr '\n' ' ')" \
		    "[1,\"not delivered to $T: Local: Message timed out\"] [2,\"not delivered to $T: Local: Message timed out\"] "
		if [ "$mode" = -E ]; then
			cmp "$BATS_TEST_TMPDIR/late.e" <(replay "$BATS_TEST_TMPDIR/rej")
			replay "$BATS_TEST_TMPDIR/rej" | kout -E "${T}_again"
			run kin -E -e "${T}_again"
			assert_equal "$(jq -c '[.key, .headers, .timestamp, .value]' <<<"$output" | sort | tr '\n' ' ')" \
			    "$(jq -c '[.key, .headers, .timestamp, .value]' "$BATS_TEST_TMPDIR/late.e" | tr '\n' ' ')"
		else
			cmp <(printf '{"n":2}\n{"n":3}\n') <(replay "$BATS_TEST_TMPDIR/rej")
		fi
	done
}

@test "kout: --rejects keeps a line that is not UTF-8 in raw_base64, and kout(1)'s replay gives back its bytes" {
	printf '{"ok":1}\n{"s":"a\377b"}\nnot json \376\n{"ok":2}\n\300\200\n' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr kout -P 0 --rejects "$BATS_TEST_TMPDIR/rej" "$T" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_equal "$(jq -c '[.line, has("raw"), has("raw_base64")]' "$BATS_TEST_TMPDIR/rej" | tr '\n' ' ')" \
	    '[2,false,true] [3,false,true] [5,false,true] '
	# Python decodes the base64, not our code.
	python3 - "$BATS_TEST_TMPDIR/rej" "$BATS_TEST_TMPDIR/in" <<-'PY'
	import base64, json, sys
	got = [base64.b64decode(json.loads(l)["raw_base64"], validate=True) for l in open(sys.argv[1])]
	want = open(sys.argv[2], "rb").read().split(b"\n")
	assert got == [want[1], want[2], want[4]], (got, want)
	PY
	cmp <(sed -n '2p;3p;5p' "$BATS_TEST_TMPDIR/in") <(replay "$BATS_TEST_TMPDIR/rej")
	run kin -e "$T"
	assert_output "$(printf '{"ok":%d}\n' 1 2)"
}

@test "kout --eos: a line too large to produce is kept in --rejects, its offset committed with the rest" {
	[ "$(broker_kind)" = real ] || skip "transactions are not real on the embedded broker (kbroker(1))"
	local G="g_$T"
	seq 1 3 | sed 's/.*/{"n":&}/' | kout -P 0 "$T"
	kin --eos -g "$G" -e "$T" | jq --unbuffered -c 'if .n == 2 then .pad = ("y" * 5000) else . end' |
	    kout --eos -X message.max.bytes=2000 --rejects "$BATS_TEST_TMPDIR/rej" "${T}_out" 2>"$BATS_TEST_TMPDIR/err" &&
	    { cat "$BATS_TEST_TMPDIR/err"; false; }
	grep -q "<stdin>:2: not produced to ${T}_out: Broker: Message size too large" "$BATS_TEST_TMPDIR/err"
	assert_equal "$(jq -c '[.line, (.raw | fromjson | .n, ._kp_src[1:4])]' "$BATS_TEST_TMPDIR/rej")" "[2,2,[\"$T\",0,1]]"
	run kin -e "${T}_out"
	# Possibly in two partitions, stamped the same millisecond: any order.
	assert_equal "$(sort <<<"$output")" "$(printf '{"n":%d}\n' 1 3)"
	# Not read again: the rejects file holds its only copy.
	run with_timeout 60 kin --eos -g "$G" -e --drain-timeout 0 "$T"
	assert_success
	assert_output ""
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

@test "kout -t: each message's Kafka timestamp is its record's event time (ISO with zones and fractions, epoch ms)" {
	printf '%s\n' \
	    '{"id":1,"ts":"2026-11-24T10:00:00.123+02:00"}' \
	    '{"id":2,"ts":"2026-11-24T08:00:00.5Z"}' \
	    '{"id":3,"ts":"2026-11-24 07:59:59.1239-01:30"}' \
	    '{"id":4,"ts":"2026-11-24T08:00:01"}' \
	    '{"id":5,"ts":"2026-11-24T08:00:02.999999Z"}' \
	    '{"id":6,"ts":1795507200999}' \
	    '{"id":7,"ts":1795507201000.7}' \
	    '{"id":8,"ts":"1969-12-31T23:00:00.001-01:00"}' > "$BATS_TEST_TMPDIR/in"
	keep_forever "$T"
	keep_forever "${T}_keyed"
	run kout -t .ts -P 0 "$T" < "$BATS_TEST_TMPDIR/in"
	assert_success
	run stamps "$T"
	assert_equal "$(cut -d' ' -f2- <<<"$output")" "$(cat "$BATS_TEST_TMPDIR/in")"
	assert_line --index 0 "1795507200123 $(sed -n 1p "$BATS_TEST_TMPDIR/in")"
	assert_line --index 7 "1 $(sed -n 8p "$BATS_TEST_TMPDIR/in")"
	run stamps_match ms <<<"$output"
	assert_success
	assert_output 8
	# Keyed lines go the same way, to every partition.
	mockgen -r 0 -n 400 --id --seed 5 --start 2026-11-24T00:00:00Z --step 250ms |
	    kout -t .ts -k .id "${T}_keyed"
	run stamps "${T}_keyed"
	run stamps_match ms <<<"$output"
	assert_success
	assert_output 400
}

@test "kout -t --ts-unit: epoch seconds and microseconds, fractions truncated to the millisecond" {
	keep_forever "$T"
	keep_forever "${T}_us"
	printf '%s\n' '{"ts":1764000000}' '{"ts":1764000000.25}' '{"ts":1764000000.9999}' \
	    '{"ts":1.7640000011e9}' '{"ts":"2026-11-24T08:00:00.5Z"}' |
	    kout -t .ts --ts-unit s -P 0 "$T"
	run stamps "$T"
	assert_equal "$(cut -d' ' -f1 <<<"$output" | tr '\n' ' ')" \
	    "1764000000000 1764000000250 1764000000999 1764000001100 1795507200500 "
	run stamps_match s <<<"$output"
	assert_output 5
	printf '%s\n' '{"t":{"us":1764000000123456}}' | kout --ts .t.us --ts-unit us -P 0 "${T}_us"
	run stamps "${T}_us"
	assert_output '1764000000123 {"t":{"us":1764000000123456}}'
}

@test "kout -t: a line without a readable time is a bad line: named, in --rejects with its reason, the rest delivered, exit 1" {
	printf '%s\n' '{"id":1,"ts":"2026-11-24T08:00:00Z"}' '{"id":2}' '{"id":3,"ts":"yesterday"}' \
	    '{"id":4,"ts":true}' '{"id":5,"ts":0}' '{"id":6,"ts":-5}' '[1,2]' \
	    '{"id":8,"ts":1795507200000}' > "$BATS_TEST_TMPDIR/in"
	keep_forever "$T"
	run --separate-stderr kout -t .ts -P 0 --rejects "$BATS_TEST_TMPDIR/rej" "$T" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" == *"kout: <stdin>:2: no field .ts"* ]]
	[[ "$stderr" == *"kout: <stdin>:3: .ts is not an ISO 8601 time"* ]]
	[[ "$stderr" == *"kout: 6 bad lines set aside"* ]]
	run jq -r '"\(.line) \(.raw) \(.reason)"' "$BATS_TEST_TMPDIR/rej"
	assert_line --index 0 '2 {"id":2} no field .ts'
	assert_line --index 1 --partial '3 {"id":3,"ts":"yesterday"} .ts is not an ISO 8601 time'
	assert_line --index 2 '4 {"id":4,"ts":true} .ts is not a time (a string or a number)'
	assert_line --index 3 --partial '5 {"id":5,"ts":0} .ts is before 1970-01-01T00:00:00.001Z'
	assert_line --index 4 --partial '6 {"id":6,"ts":-5} .ts is before 1970'
	assert_line --index 5 '7 [1,2] no field .ts'
	run stamps "$T"
	assert_output "$(printf '%s\n' '1795507200000 {"id":1,"ts":"2026-11-24T08:00:00Z"}' \
	    '1795507200000 {"id":8,"ts":1795507200000}')"
}

@test "kout -t: a timestamp the broker refuses (2 h ahead) is a bad line with the broker's reason; 30 days back is kept" {
	[ "$(broker_kind)" = real ] ||
	    skip "the embedded broker (librdkafka's mock) takes any timestamp"
	now=$(date +%s)
	printf '%s\n' "{\"id\":1,\"ts\":$((now - 60))}" "{\"id\":2,\"ts\":$((now + 7200))}" \
	    "{\"id\":3,\"ts\":$((now - 30 * 86400))}" > "$BATS_TEST_TMPDIR/in"
	keep_forever "$T"
	run --separate-stderr kout -t .ts --ts-unit s -P 0 --rejects "$BATS_TEST_TMPDIR/rej" "$T" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" == *"kout: <stdin>:2: refused by the broker (Broker: Invalid timestamp), timestamp $(date -u -d "@$((now + 7200))" +%Y-%m-%dT%H:%M:%S.000Z)"* ]]
	[[ "$stderr" == *"kout: 1 bad line set aside"* ]]
	run jq -c '[.line, .raw]' "$BATS_TEST_TMPDIR/rej"
	assert_output "[2,$(sed -n 2p "$BATS_TEST_TMPDIR/in" | jq -R .)]"
	run stamps "$T"
	assert_output "$(printf '%s\n' "$(((now - 60) * 1000)) $(sed -n 1p "$BATS_TEST_TMPDIR/in")" \
	    "$(((now - 30 * 86400) * 1000)) $(sed -n 3p "$BATS_TEST_TMPDIR/in")")"
}

@test "kout -t: lines refused with their batch go again: one bad line in 3000 costs only itself" {
	[ "$(broker_kind)" = real ] ||
	    skip "the embedded broker (librdkafka's mock) takes any timestamp"
	now=$(date +%s)
	seq 3000 | awk -v now="$now" '{ printf "{\"id\":%d,\"ts\":%d}\n", $1, ($1 == 1234 ? now + 7200 : now - 3600 + $1 / 10) }' \
	    > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr kout -t .ts --ts-unit s --rejects "$BATS_TEST_TMPDIR/rej" "$T" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" == *"<stdin>:1234: refused by the broker"* ]]
	[[ "$stderr" == *"kout: 1 bad line set aside"* ]]
	[[ "$stderr" != *"not delivered"* ]]
	assert_equal "$(jq .line "$BATS_TEST_TMPDIR/rej")" 1234
	stamps "$T" > "$BATS_TEST_TMPDIR/out"
	run stamps_match s < "$BATS_TEST_TMPDIR/out"
	assert_output 2999
	assert_equal "$(cut -d' ' -f2- "$BATS_TEST_TMPDIR/out" | jq .id | sort -n | uniq | wc -l)" 2999
}

@test "kout -t: kin -o @TIME starts each partition at its first record at or after TIME, from out-of-order past event times" {
	[ "$(broker_kind)" = real ] ||
	    skip "the embedded broker (librdkafka's mock) cannot look up offsets by time"
	base=$(( $(date +%s) - 3 * 3600 ))
	iso() { date -u -d "@$((base + $1))" +%Y-%m-%dT%H:%M:%SZ; }
	# One partition, minutes out of order: 0 5 2 10 3 20.
	for id_min in 1:0 2:5 3:2 4:10 5:3 6:20; do
		printf '{"id":%d,"ts":"%s"}\n' "${id_min%:*}" "$(iso $(( ${id_min#*:} * 60 )))"
	done | kout -t .ts -P 0 "$T"
	ids_from() { kin -e -o "@$1" "$2" | jq -c .id | tr '\n' ' '; }
	assert_equal "$(ids_from "$(iso 240)" "$T")" "2 3 4 5 6 "
	assert_equal "$(ids_from "$(iso 360)" "$T")" "4 5 6 "
	assert_equal "$(ids_from "$((base * 1000 + 1200000))" "$T")" "6 "
	assert_equal "$(ids_from "$(iso 1201)" "$T")" ""
	# Keyed to every partition, event times from three hours ago shuffled
	# within 10 minutes: kin's start, partition by partition, is where
	# kcat's timestamps say it should be.
	seq 400 | awk -v base="$base" 'BEGIN { srand(7) } { printf "{\"id\":%d,\"ts\":%d}\n", $1, base + $1 * 10 + int(rand() * 600) - 300 }' |
	    kout -t .ts --ts-unit s -k .id "${T}_k"
	at=$(( (base + 2000) * 1000 ))
	kin -e -o "@$at" "${T}_k" > "$BATS_TEST_TMPDIR/kin.out"
	jq .id "$BATS_TEST_TMPDIR/kin.out" | sort -n > "$BATS_TEST_TMPDIR/kin"
	# Some start behind TIME: kin starts at an offset, it does not filter.
	[ "$(jq "select(.ts * 1000 < $at)" "$BATS_TEST_TMPDIR/kin.out" | wc -l)" -gt 0 ]
	with_timeout 60 kcat -C -b "$KAFKA_BROKERS" -t "${T}_k" -e -q -f '%p %T %s\n' |
	    awk -v at="$at" '$2 >= at && !(($1) in from) { from[$1] = 1 } ($1) in from { print $3 }' |
	    jq .id | sort -n > "$BATS_TEST_TMPDIR/want"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/want")" -gt 150 ]
	[ "$(wc -l < "$BATS_TEST_TMPDIR/want")" -lt 250 ]
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/kin"
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
	run --separate-stderr kout -E -t .ts
	assert_failure 2
	assert_equal "$stderr" "kout: -t and -E do not go together: the envelope has the timestamp"
	run kout --ts-unit s "$T"
	assert_failure 2
	run kout -t .ts --ts-unit h "$T"
	assert_failure 2
	run kout -t 'ts' "$T"
	assert_failure 2
}

@test "kout: a TOPIC that is no topic name ('', a blank, a/b, .., 250 characters) is a usage error: exit 2, nothing read, nothing created" {
	local name long
	long=$(printf 'a%.0s' $(seq 250))
	for name in "" "bad topic $T" "a/$T" ".." "$long" "$T:0"; do
		# Not a line is read: stdin stays open and empty for a second.
		run --separate-stderr with_timeout 20 bash -c '(sleep 1; echo "{\"n\":1}") | kout "$1"' _ "$name"
		assert_failure 2
		[[ "$stderr" == "kout: \""*"not a topic name ("*")" ]] || fail "no reason for '$name': $stderr"
	done
	run --separate-stderr kout ".."
	assert_equal "$stderr" 'kout: "..": not a topic name ("." and ".." are not names)'
	run --separate-stderr kout "bad topic $T"
	assert_equal "$stderr" "kout: \"bad topic $T\": not a topic name (1 to 249 of a-z A-Z 0-9 . _ -)"
	run ktopic list
	refute_output --partial "bad topic"
	refute_output --partial "a/$T"
	# 249 characters is a name.
	name="$T${long:$((${#T} + 1))}"
	[ "${#name}" -eq 249 ]
	run kout "$name" <<<'{"n":1}'
	assert_success
}

@test "kout -T: a computed name that is no topic name is a bad line, named and in --rejects; the rest delivered, exit 1" {
	printf '%s\n' "{\"t\":\"$T\",\"n\":1}" '{"t":"bad topic","n":2}' '{"t":"","n":3}' \
	    '{"t":"..","n":4}' '{"t":"a\u0000b","n":5}' "{\"t\":\"$T\",\"n\":6}" > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr kout -T .t --rejects "$BATS_TEST_TMPDIR/rej" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" == *'kout: <stdin>:2: "bad topic": not a topic name (1 to 249 of a-z A-Z 0-9 . _ -)'* ]]
	[[ "$stderr" == *'kout: <stdin>:5: "a\x00b": not a topic name'* ]]
	assert_equal "$(jq -r '"\(.line) \(.reason)"' "$BATS_TEST_TMPDIR/rej")" "$(printf '%s\n' \
	    '2 "bad topic": not a topic name (1 to 249 of a-z A-Z 0-9 . _ -)' \
	    '3 "": not a topic name (empty)' \
	    '4 "..": not a topic name ("." and ".." are not names)' \
	    '5 "a\x00b": not a topic name (1 to 249 of a-z A-Z 0-9 . _ -)')"
	run kin -e "$T"
	assert_equal "$(jq -c .n <<<"$output" | sort | tr '\n' ' ')" "1 6 "
}

@test "kout -E: what is wrong in an envelope is a bad line with its reason; what is absent is not given" {
	keep_forever "$T"
	cat > "$BATS_TEST_TMPDIR/in" <<-'EOF'
	{"timestamp":1e300,"value":{"n":1}}
	{"partition":1e10,"value":{"n":2}}
	{"timestamp":"yesterday","value":{"n":3}}
	{"key":5,"value":{"n":4}}
	{"timestamp":1795000000005,"key":"k5","value":{"n":5}}
	{"timestamp":9.5,"value":{"n":6}}
	{"timestamp":0,"value":{"n":7}}
	{"topic":"bad topic","value":{"n":8}}
	{"value_text":5}
	{"value":{"n":10},"value_text":"x"}
	{"key":"a","key_base64":"YQ==","value":{"n":11}}
	{"headers":{"a":"b"},"value":{"n":12}}
	{"headers":[["a",1]],"value":{"n":13}}
	{"partition":-2,"value":{"n":14}}
	{"offset":1.5,"value":{"n":15}}
	{"key_base64":7,"value":{"n":16}}
	{"timestamp":1795000000017,"partition":null,"offset":null,"key":null,"headers":null,"value":{"n":17}}
	{"timestamp":-1,"partition":2147483647,"offset":9007199254740992,"value":{"n":18}}
	EOF
	run --separate-stderr kout -E --rejects "$BATS_TEST_TMPDIR/rej" "$T" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" == *"kout: <stdin>:1: envelope: timestamp is not milliseconds since the epoch"* ]]
	[[ "$stderr" == *"kout: 15 bad lines set aside"* ]]
	assert_equal "$(jq -r '"\(.line) \(.reason)"' "$BATS_TEST_TMPDIR/rej")" "$(printf '%s\n' \
	    '1 envelope: timestamp is not milliseconds since the epoch, a whole number from 1 (or -1: none)' \
	    '2 envelope: partition is not a whole number from 0 to 2147483647' \
	    '3 envelope: timestamp is not milliseconds since the epoch, a whole number from 1 (or -1: none)' \
	    '4 envelope: key is not a string or null' \
	    '6 envelope: timestamp is not milliseconds since the epoch, a whole number from 1 (or -1: none)' \
	    '7 envelope: timestamp is not milliseconds since the epoch, a whole number from 1 (or -1: none)' \
	    '8 envelope: topic is not a topic name (1 to 249 of a-z A-Z 0-9 . _ -)' \
	    '9 envelope: value_text is not a string' \
	    '10 envelope: more than one of value, value_text and value_base64' \
	    '11 envelope: both key and key_base64' \
	    '12 envelope: headers is not an array' \
	    '13 envelope: a header is not [name, value], the value a string, null or {"base64":...}' \
	    '14 envelope: partition is not a whole number from 0 to 2147483647' \
	    '15 envelope: offset is not a whole number, 0 or more' \
	    '16 envelope: key_base64 is not a string')"
	# An envelope without headers, key or partition is taken as it is.
	run kin -E -e "$T"
	assert_equal "$(jq -c '[.value.n, .key, .headers]' <<<"$output" | sort)" \
	    "$(printf '%s\n' '[17,null,[]]' '[18,null,[]]' '[5,"k5",[]]')"
	assert_equal "$(jq -c 'select(.value.n != 18) | [.value.n, .timestamp]' <<<"$output" | sort)" \
	    "$(printf '%s\n' '[17,1795000000017]' '[5,1795000000005]')"
}

@test "kout: --help prints the synopsis on stdout, exit 0; -V the version" {
	run kout --help
	assert_success
	assert_line --index 0 --partial "usage: kout"
	run kout -V
	assert_success
	assert_output --regexp '^kout [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "kin, kout, ktopic: --help, -V and usage errors free what they took, exit 0 or 2 (LeakSanitizer on)" {
	strings "$(command -v kout)" | grep -q __asan_init || skip "not the sanitizer build: $(command -v kout)"
	local want cmd n=0
	while read -r want cmd; do
		# $cmd unquoted: a command and its arguments, none with spaces.
		# shellcheck disable=SC2086
		run --separate-stderr env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 $cmd
		[ "$status" -eq "$want" ] && [[ "$stderr" != *LeakSanitizer* ]] ||
		    fail "$cmd: exit $status (want $want): $stderr"
		n=$((n + 1))
	done <<-'LIST'
	0 kin --help
	0 kin -V
	2 kin
	2 kin --no-such-option T
	0 kout --help
	0 kout -V
	2 kout
	2 kout -t .ts
	2 kout --no-such-option T
	2 kout -k ( T
	0 ktopic --help
	2 ktopic
	2 ktopic --no-such-option list
	2 ktopic no-such-command
	LIST
	assert_equal "$n" 14
}
