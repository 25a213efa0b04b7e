#!/usr/bin/env bats
# mockgen: the tutorial's producer as a generator; needs no broker.

load test_helper

bats_require_minimum_version 1.5.0

ISO='"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"'

# Event times of NDJSON lines on stdin, in epoch milliseconds, one a line.
ts_ms() {
	sed -E 's/.*"ts":"?([^",}]*)"?.*/\1/' |
	    while read -r t; do
		if [[ $t == *T* ]]; then
			echo "$(date -u -d "$t" +%s%3N)"
		else
			echo "$t"
		fi
	    done
}

@test "records look like the tutorial's, strategies in turn" {
	run mockgen -n 8 -r 0
	assert_success
	assert_equal "${#lines[@]}" 8
	local i s
	for i in 0 1 2 3 4 5 6 7; do
		s=$(printf 'ABCD' | cut -c$((i % 4 + 1)))
		[[ ${lines[$i]} =~ ^\{\"strategy\":\"$s\",\"value\":-?[0-9]+(\.[0-9]{1,2})?,\"ts\":$ISO\}$ ]] ||
		    fail "line $i: ${lines[$i]}"
	done
}

@test "-n writes exactly that many records, then exits 0" {
	run bash -c 'mockgen -r 0 -n 12345 | wc -l'
	assert_output 12345
	run mockgen -n 0
	assert_success
	assert_output ""
}

@test "the same flags with --seed, --start and --step give the same bytes" {
	local flags=(-r 0 -n 2000 --seed 7 --start 2026-11-24T02:27:28.123Z --step 250ms)
	run cmp <(mockgen "${flags[@]}") <(mockgen "${flags[@]}")
	assert_success
	run cmp <(mockgen "${flags[@]}") <(mockgen "${flags[@]:0:4}" --seed 8 "${flags[@]:6}")
	assert_failure
	# Values are fixed by the seed alone, whatever the clock says.
	run cmp <(mockgen -r 0 -n 500 --seed 7 | cut -d, -f1-2) \
	    <(mockgen "${flags[@]}" | head -n 500 | cut -d, -f1-2)
	assert_success
}

@test "a pinned record from --seed 1 (a change of generator shows here)" {
	run mockgen -r 0 -n 5 --seed 1 --start 2026-11-24T02:27:28.123Z
	assert_success
	assert_output - <<'EOF'
{"strategy":"A","value":70.29,"ts":"2026-11-24T02:27:28.123Z"}
{"strategy":"B","value":52.04,"ts":"2026-11-24T02:27:28.123Z"}
{"strategy":"C","value":57.41,"ts":"2026-11-24T02:27:28.123Z"}
{"strategy":"D","value":39.13,"ts":"2026-11-24T02:27:28.123Z"}
{"strategy":"A","value":69.72,"ts":"2026-11-24T02:27:29.123Z"}
EOF
}

@test "--start and --step: one event time per round of strategies" {
	run mockgen -r 0 -n 6 -s X,Y --start 1000 --step 1.5s --ts-format epoch-ms
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]}" | ts_ms | tr '\n' ' ')" "1000 1000 2500 2500 4000 4000 "
	# Without --step, simulated time moves 1/RATE a round.
	run bash -c 'mockgen -r 4 -n 4 -s A --start 2026-01-01T00:00:00Z | sed -E "s/.*T(.*)Z.*/\1/"'
	assert_output $'00:00:00.000\n00:00:00.250\n00:00:00.500\n00:00:00.750'
}

@test "--start takes only a time that exists: February 31, hour 24, second 60, offset +24:00 are usage errors" {
	local t
	for t in 2026-02-31T00:00:00Z 2025-02-29 2026-01-01T24:00:00Z 2026-12-31T23:59:60Z \
	    2026-01-01T00:00:00+24:00 2026-01-01T00:00:00+99:99 0000-01-01; do
		run --separate-stderr mockgen -r 0 -n 1 --start "$t"
		assert_failure 2
		assert_equal "$stderr" "mockgen: --start $t: not an ISO 8601 time or epoch milliseconds"
	done
	run mockgen -r 0 -n 1 --ts-format epoch-ms --start 2024-02-29T00:00:00+23:59 --seed 1
	assert_output --partial '"ts":1709078460000}'
}

@test "--ts-format epoch-ms writes a number" {
	run mockgen -r 0 -n 1 --ts-format epoch-ms --start 2026-11-24T02:27:28.123Z --seed 1
	assert_output '{"strategy":"A","value":70.29,"ts":1795487248123}'
	run --separate-stderr mockgen --ts-format rfc2822
	assert_failure 2
}

@test "wall-clock event times are now" {
	local before after t
	before=$(date +%s%3N)
	t=$(mockgen -n 1 --ts-format epoch-ms | ts_ms)
	after=$(date +%s%3N)
	(( t >= before - 5 && t <= after + 5 )) || fail "$before <= $t <= $after"
}

@test "--min and --max bound the values, ends included" {
	run bash -c 'mockgen -r 0 -n 20000 --seed 5 --min -1 --max 1 | sed -E "s/.*\"value\":([^,]*),.*/\1/" | sort -g | sed -n "1p;\$p"'
	assert_output $'-1\n1'
	run --separate-stderr mockgen --min 5 --max 1
	assert_failure 2
	run --separate-stderr mockgen --max 1e13
	assert_failure 2
}

@test "-s names the strategies, JSON-escaped" {
	run mockgen -r 0 -n 3 -s 'X,say "hi",Z'
	assert_success
	[[ ${lines[1]} == '{"strategy":"say \"hi\"",'* ]]
	[[ ${lines[2]} == '{"strategy":"Z",'* ]]
	run --separate-stderr mockgen -s 'A,,B'
	assert_failure 2
}

@test "--id adds a unique increasing id" {
	run bash -c 'mockgen -r 0 -n 1000 --id | sed -E "s/.*\"id\":([0-9]+)\}$/\1/"'
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]}" | head -n 1)" 1
	assert_equal "$(printf '%s\n' "${lines[@]}" | sort -n -c && echo sorted)" sorted
	assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" 1000
}

@test "--disorder puts event times out of order, within the span" {
	local prev=0 t back out_of_order=0 i=0
	while read -r t; do
		back=$(( 1000000 + (i / 4) * 1000 - t ))
		(( back >= 0 && back <= 500 )) || fail "record $i is $back ms back"
		(( t < prev )) && out_of_order=$((out_of_order + 1))
		prev=$t
		i=$((i + 1))
	done < <(mockgen -r 0 -n 400 --seed 2 --start 1000000 --step 1s --disorder 500ms --ts-format epoch-ms | ts_ms)
	assert_equal "$i" 400
	(( out_of_order > 20 )) || fail "only $out_of_order records out of order"
}

@test "--late makes about that share of records arrive far behind" {
	local late
	late=$(mockgen -r 0 -n 4000 --seed 4 --start 10000000 --step 1s --late 0.1 --late-by 2h --ts-format epoch-ms |
	    ts_ms | awk '{ due = 10000000 + int((NR - 1) / 4) * 1000; if (due - $1 == 7200000) n++ } END { print n + 0 }')
	(( late > 300 && late < 500 )) || fail "$late of 4000 late"
	run --separate-stderr mockgen --late 1.5
	assert_failure 2
}

@test "--rate is per strategy per second, spread evenly" {
	local start end t prev gap min=100000 max=0 n=0
	start=$(date +%s%3N)
	# 20 a second for each of 2 strategies: one record every 25 ms.
	while read -r t; do
		if (( n > 0 )); then
			gap=$((t - prev))
			(( gap < min )) && min=$gap
			(( gap > max )) && max=$gap
		fi
		prev=$t
		n=$((n + 1))
	done < <(mockgen -r 20 -s A,B -n 40 --ts-format epoch-ms | ts_ms)
	end=$(date +%s%3N)
	assert_equal "$n" 40
	# 39 gaps of 25 ms: no bursts (the tutorial sends a round at once),
	# and slack only for a busy machine's late wake-ups.
	(( end - start >= 900 && end - start < 2500 )) || fail "took $((end - start)) ms"
	(( min >= 5 && max <= 150 )) || fail "gaps from $min to $max ms"
}

@test "records are written as they fall due, not held back" {
	local pid
	coproc GEN { exec mockgen -r 2 -s A; }
	pid=$GEN_PID
	local line
	read -t 3 -r line <&"${GEN[0]}" || fail "no first record"
	read -t 3 -r line <&"${GEN[0]}" || fail "no second record"
	kill -TERM "$pid"
	wait "$pid" || local rc=$?
	assert_equal "${rc:-0}" 0
}

@test "-r 0 runs as fast as the pipe takes them" {
	local start end
	start=$(date +%s%3N)
	run bash -c 'mockgen -r 0 -n 200000 | wc -l'
	end=$(date +%s%3N)
	assert_output 200000
	(( end - start < 5000 )) || fail "took $((end - start)) ms"
}

@test "a closed pipe is a quiet, clean stop" {
	run --separate-stderr bash -c 'mockgen -r 0 | head -n 3 >/dev/null; echo "${PIPESTATUS[0]}"'
	assert_output 0
	assert_equal "$stderr" ""
	run --separate-stderr bash -c 'mockgen -r 10 | head -n 2 >/dev/null; echo "${PIPESTATUS[0]}"'
	assert_output 0
	assert_equal "$stderr" ""
}

@test "SIGINT and SIGTERM stop it cleanly with whole lines written" {
	local sig
	for sig in INT TERM; do
		mockgen -r 0 > "$BATS_TEST_TMPDIR/out" &
		local pid=$!
		sleep 0.3
		kill -"$sig" "$pid"
		wait "$pid" || fail "exit status $? on SIG$sig"
		[ -s "$BATS_TEST_TMPDIR/out" ]
		run tail -c 1 "$BATS_TEST_TMPDIR/out"
		assert_output ""	# ends in a newline
		run bash -c "tail -n 1 '$BATS_TEST_TMPDIR/out' | grep -c '^{.*}\$'"
		assert_output 1
	done
}

@test "usage errors exit 2 with the synopsis" {
	local bad
	for bad in "-r -1" "-r fast" "-n -5" "-n 1x" "--seed x" "--start yesterday" \
	    "--step 5parsecs" "--disorder -1s" "--bogus" "extra"; do
		run --separate-stderr mockgen $bad
		assert_failure 2
	done
	run --separate-stderr mockgen --bogus
	[[ "$stderr" == *"usage: mockgen [-hV] [-n count] [-r rate] [-s list]"* ]]
	run mockgen -h
	assert_success
	[[ "$output" == "usage: mockgen "* ]]
	run mockgen -V
	assert_output --regexp '^mockgen [0-9]+\.[0-9]+\.[0-9]+$'
}
