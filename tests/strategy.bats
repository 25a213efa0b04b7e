#!/usr/bin/env bats
# strategy: the per-record computation as a filter; needs no broker.

load test_helper

bats_require_minimum_version 1.5.0

JQ_STRATEGY='.result = (if .value < 30 then .value*2 elif .value <= 60 then .value*1.5+10 else .value*.value/100 end)'

setup() {
	F="$FIXTURES/strategy"
}

@test "boundaries: 29.999, 30, 60, 60.0001, negatives, integers, huge values" {
	run --separate-stderr strategy < "$F/boundaries.in"
	assert_success
	assert_equal "$stderr" ""
	diff -u "$F/boundaries.out" <(strategy < "$F/boundaries.in")
}

@test "the numbers are the ones jq computes" {
	command -v jq >/dev/null || skip "no jq"
	diff <(jq -c "$JQ_STRATEGY | .result" "$F/boundaries.in") \
	    <(strategy < "$F/boundaries.in" | jq -c .result)
}

@test "byte for byte what jq writes, on mockgen records" {
	command -v jq >/dev/null || skip "no jq"
	mockgen -r 0 -n 20000 --seed 11 --start 2026-11-24T00:00:00Z > "$BATS_TEST_TMPDIR/in"
	strategy < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/ours"
	jq -c "$JQ_STRATEGY" < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/jq"
	cmp "$BATS_TEST_TMPDIR/ours" "$BATS_TEST_TMPDIR/jq"
}

@test "other fields, their order, spacing and number forms are kept" {
	diff -u "$F/fields.out" <(strategy < "$F/fields.in")
}

@test "an existing result is replaced where it stands, as jq does" {
	run strategy <<< '{"result":"stale","value":31,"after":1}'
	assert_success
	assert_output '{"result":56.5,"value":31,"after":1}'
}

@test "one line out per line in, in input order" {
	mockgen -r 0 -n 5000 --seed 3 --id --start 0 > "$BATS_TEST_TMPDIR/in"
	run bash -c 'strategy < "$1" | wc -l' _ "$BATS_TEST_TMPDIR/in"
	assert_output 5000
	# Taking the result off again gives back the input, line for line.
	cmp "$BATS_TEST_TMPDIR/in" \
	    <(strategy < "$BATS_TEST_TMPDIR/in" | sed 's/,"result":[^,}]*}$/}/')
}

@test "-f takes a nested path and -o names the result" {
	run strategy -f .m.v -o score <<< '{"m":{"v":70},"value":1}'
	assert_success
	assert_output '{"m":{"v":70},"value":1,"score":49}'
	run strategy --field '."a b"' --output r <<< '{"a b":2}'
	assert_output '{"a b":2,"r":4}'
}

@test "every kind of bad line is reported with its line number; the rest flows" {
	run --separate-stderr strategy < "$F/bad.in"
	assert_failure 1
	diff -u "$F/bad.out" <(printf '%s\n' "$output")
	diff -u "$F/bad.err" <(printf '%s\n' "$stderr")
}

@test "--rejects keeps each bad line with its reason" {
	run strategy --rejects "$BATS_TEST_TMPDIR/rej" < "$F/bad.in"
	assert_failure 1
	run wc -l < "$BATS_TEST_TMPDIR/rej"
	assert_output 16
	run head -n 1 "$BATS_TEST_TMPDIR/rej"
	assert_output '{"source":"<stdin>","line":2,"reason":"not JSON","raw":"not json"}'
	run sed -n 6p "$BATS_TEST_TMPDIR/rej"
	assert_output '{"source":"<stdin>","line":8,"reason":"no field .value","raw":"{}"}'
}

@test "--strict stops at the first bad line" {
	run --separate-stderr strategy --strict < "$F/bad.in"
	assert_failure 1
	assert_output $'{"value":1,"result":2}'
	assert_equal "$(head -n 1 <<< "$stderr")" "strategy: <stdin>:2: not JSON"
	[[ "$stderr" == *"--strict"* ]]
}

@test "live: a record that arrives is written out without waiting for more" {
	local pid
	coproc STRAT { exec strategy; }
	pid=$STRAT_PID
	local i out
	for i in 10 45 70; do
		echo "{\"value\":$i}" >&"${STRAT[1]}"
		read -t 5 -r out <&"${STRAT[0]}"
		case $i in
		10) assert_equal "$out" '{"value":10,"result":20}' ;;
		45) assert_equal "$out" '{"value":45,"result":77.5}' ;;
		70) assert_equal "$out" '{"value":70,"result":49}' ;;
		esac
	done
	# A bad record in between does not hold up the next good one.
	echo 'oops' >&"${STRAT[1]}"
	echo '{"value":1}' >&"${STRAT[1]}"
	read -t 5 -r out <&"${STRAT[0]}"
	assert_equal "$out" '{"value":1,"result":2}'
	exec {STRAT[1]}>&-
	wait "$pid" || local rc=$?
	assert_equal "${rc:-0}" 1
}

@test "a last line without a newline is still transformed" {
	run bash -c 'printf "{\"value\":1}\n{\"value\":2}" | strategy'
	assert_success
	assert_output $'{"value":1,"result":2}\n{"value":2,"result":4}'
}

@test "CRLF lines keep their carriage return" {
	run bash -c 'printf "{\"value\":3}\r\n" | strategy | od -c | head -n 2'
	assert_success
	[[ "$output" == *'}  \r  \n'* ]]
}

@test "a closed stdout is a quiet stop" {
	run --separate-stderr bash -c 'mockgen -r 0 -n 2000000 --seed 1 | strategy | head -n 2 > /dev/null; echo "${PIPESTATUS[1]}"'
	assert_output 0
	assert_equal "$stderr" ""
}

@test "SIGTERM ends a waiting filter cleanly" {
	local pid
	coproc STRAT { exec strategy; }
	pid=$STRAT_PID
	echo '{"value":2}' >&"${STRAT[1]}"
	read -t 5 -r out <&"${STRAT[0]}"
	assert_equal "$out" '{"value":2,"result":4}'
	kill -TERM "$pid"
	wait "$pid" || local rc=$?
	assert_equal "${rc:-0}" 0
}

@test "SIGINT (Ctrl-C) mid-stream: strategy reads its input to the end, up to 2 s, so what kin wrote and committed is not lost; a second signal stops it at once" {
	mockgen -r 0 -n 3000 --seed 4 --id > "$BATS_TEST_TMPDIR/in"
	head -n 1000 "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/a"
	tail -n +1001 "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/b"
	{ cat "$BATS_TEST_TMPDIR/a"; sleep 1; cat "$BATS_TEST_TMPDIR/b"; } |
	    strategy > "$BATS_TEST_TMPDIR/out" &
	local pid=$!
	sleep 0.4
	kill -INT "$pid"
	wait "$pid"
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/out")" 3000
	# A second signal: what came before it, not the rest.
	{ cat "$BATS_TEST_TMPDIR/a"; sleep 3; cat "$BATS_TEST_TMPDIR/b"; } |
	    strategy > "$BATS_TEST_TMPDIR/out2" &
	pid=$!
	sleep 0.4
	kill -INT "$pid"
	sleep 0.2
	kill -INT "$pid"
	wait "$pid"
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/out2")" 1000
}

@test "usage errors exit 2 with the synopsis" {
	run --separate-stderr strategy -f value
	assert_failure 2
	assert_equal "$stderr" "strategy: -f value: not a path like .value or .a.b"
	run --separate-stderr strategy -o ''
	assert_failure 2
	run --separate-stderr strategy --bogus
	assert_failure 2
	[[ "$stderr" == *"usage: strategy [-hV] [-f path] [-o name] [--rejects file] [--strict]"* ]]
	run --separate-stderr strategy extra
	assert_failure 2
	run --separate-stderr strategy --rejects /nonexistent/dir/file < /dev/null
	assert_failure 2
}

@test "-h prints the synopsis to stdout, -V the version" {
	run strategy -h
	assert_success
	assert_output "usage: strategy [-hV] [-f path] [-o name] [--rejects file] [--strict]"
	run strategy -V
	assert_success
	assert_output --regexp '^strategy [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "strategy: bad lines without --rejects leak nothing (LeakSanitizer on)" {
	printf '{"value":1}\nbad\nworse\n{"value":2}\n' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 strategy < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	[[ "$stderr" != *LeakSanitizer* ]] || fail "$stderr"
	assert_equal "${#lines[@]}" 2
}
