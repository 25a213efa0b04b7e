#!/usr/bin/env bats
# wjoin: the interval join, checked against SQL (sqlite3) on generated
# streams: in order, out of order within the delay, keyed and unkeyed, at
# exact boundary distances, through files, slow pipes, FIFOs and Kafka.

load test_helper

bats_require_minimum_version 1.5.0

setup() {
	F="$FIXTURES/wjoin"
	W="$BATS_TEST_TMPDIR"
	GEN="$KP_ROOT/tests/helpers/wjoin-gen.py"
}

# gen ARGS...: wjoin-gen.py (tests/helpers), which any python3 runs.
gen() {
	python3 "$GEN" "$@"
}

# The event time of a record in ms, in SQL: mockgen's and wjoin-gen's ISO
# form (YYYY-MM-DDTHH:MM:SS.mmmZ) or epoch milliseconds.
SQL_TS="CASE json_type(value, '\$.ts')
	WHEN 'text' THEN unixepoch(substr(json_extract(value, '\$.ts'), 1, 19)) * 1000 +
	    CAST(substr(json_extract(value, '\$.ts'), 21, 3) AS INTEGER)
	ELSE json_extract(value, '\$.ts') END"

# oracle LEFT RIGHT BEFORE_MS AFTER_MS [TYPE [CONDITION]]: the pairs an SQL
# interval join finds, "LEFT_ID|RIGHT_ID" a line, null for a missing side,
# sorted. CONDITION is SQL over l.j and r.j, the records.
oracle() {
	local l=$1 r=$2 before=$3 after=$4 type=${5:-inner} cond=${6:-1} join
	case $type in
	inner) join="JOIN" ;;
	left) join="LEFT JOIN" ;;
	right) join="RIGHT JOIN" ;;
	full) join="FULL JOIN" ;;
	esac
	sed '1s/^/[/; $!s/$/,/; $s/$/]/' "$l" > "$W/oracle.l.json"
	sed '1s/^/[/; $!s/$/,/; $s/$/]/' "$r" > "$W/oracle.r.json"
	sqlite3 -batch :memory: <<-SQL | sort
	CREATE TABLE l AS SELECT value AS j, $SQL_TS AS t
	    FROM json_each(CAST(readfile('$W/oracle.l.json') AS TEXT));
	CREATE TABLE r AS SELECT value AS j, $SQL_TS AS t
	    FROM json_each(CAST(readfile('$W/oracle.r.json') AS TEXT));
	SELECT coalesce(json_extract(l.j, '\$.id'), 'null') || '|' ||
	    coalesce(json_extract(r.j, '\$.id'), 'null')
	FROM l $join r ON r.t BETWEEN l.t - ($before) AND l.t + ($after) AND ($cond);
	SQL
}

# ids: wjoin's output as "LEFT_ID|RIGHT_ID" lines, sorted.
ids() {
	jq -r '"\(.left.id)|\(.right.id)"' | sort
}

# split_cd FILE: mockgen -s C,D output into FILE.C and FILE.D.
split_cd() {
	grep '"strategy":"C"' "$1" > "$1.C" || true
	grep '"strategy":"D"' "$1" > "$1.D" || true
}

# same_as_sql LEFT RIGHT BEFORE_MS AFTER_MS TYPE CONDITION WJOIN_ARGS...
same_as_sql() {
	local l=$1 r=$2 before=$3 after=$4 type=$5 cond=$6
	shift 6
	oracle "$l" "$r" "$before" "$after" "$type" "$cond" > "$W/want"
	wjoin "$@" --type "$type" "$r" < "$l" > "$W/out"
	ids < "$W/out" > "$W/got"
	[ -s "$W/want" ] || { echo "the oracle found nothing: a useless test"; return 1; }
	diff -u "$W/want" "$W/got"
}

# disordered PREFIX SEED: 2000 records, keys u0 to u2, times in epoch ms on a
# 100 ms grid (so that windows of 0 and exact bounds find pairs), each up to
# 3.8 s behind the newest before it.
disordered() {
	python3 -c 'import random, sys
rnd = random.Random(int(sys.argv[2]))
for i in range(2000):
    t = 1795478400000 + 200 * i + 100 * rnd.randint(0, 10) - 100 * rnd.randint(0, 30)
    print("{\"id\":\"%s%d\",\"k\":\"u%d\",\"ts\":%d}" % (sys.argv[1], i, rnd.randrange(3), t))' "$1" "$2"
}

# at_watermark DELAY_MS SIDE: into $W/l and $W/r, records such that, read
# in event-time order, the join's watermark is exactly T when SIDE's (l or
# r) records at T and at T - 1 ms come: the other input sends T + DELAY,
# then T + DELAY + 2 ms; SIDE sends T + DELAY + 1 ms, T, T - 1 ms. With
# -w DELAY+1ms the pairs are then l0|r0, l0|r1 and l1|r0, and SIDE's third
# record is late (one more pair if it were not).
at_watermark() {
	local t=1795478400000 d=$1 side=$2 other
	other=$([ "$side" = l ] && echo r || echo l)
	printf '{"id":"%s","ts":%s}\n' "${side}0" $(( t + d + 1 )) "${side}1" "$t" \
	    "${side}2" $(( t - 1 )) > "$W/$side"
	printf '{"id":"%s","ts":%s}\n' "${other}0" $(( t + d )) "${other}1" $(( t + d + 2 )) \
	    > "$W/$other"
}

# trickle SECONDS: copies stdin to stdout a line at a time, pausing after each.
trickle() {
	python3 -uc 'import sys, time
for line in sys.stdin:
    sys.stdout.write(line)
    time.sleep(float(sys.argv[1]))' "$1"
}

@test "a pair is both records as they came: bytes, spacing and number forms kept" {
	cd "$F"
	run --separate-stderr wjoin -w 1s bytes.right < bytes.left
	assert_success
	assert_equal "$stderr" ""
	diff -u bytes.out <(printf '%s\n' "$output")
	# The line is one JSON value with the records inside unchanged.
	run bash -c 'jq -c .left < bytes.out | head -n 1'
	assert_output '{"id":"l1","ts":"2026-11-24T00:00:00Z","v":1.5,"s":"café"}'
}

@test "SQL: in order, ISO times, distances of exactly the window are in" {
	mockgen -r 0 -n 2000 -s C,D --id --seed 7 --start 2026-11-24T00:00:00Z --step 1s > "$W/cd"
	split_cd "$W/cd"
	# C and D share each second: every C meets 5 Ds, two of them exactly 2s away.
	same_as_sql "$W/cd.C" "$W/cd.D" 2000 2000 inner 1 -w 2s
	run wc -l < "$W/out"
	assert_output $(( 1000 * 5 - 6 ))
}

@test "SQL: exact boundaries, W - 1ms, W and W + 1ms, both ways" {
	gen -n 300 --prefix l --ts ms --step 1000 > "$W/l"
	gen -n 300 --prefix r --ts ms --step 1000 --start 1795478400001 > "$W/r"
	# r - l is 1ms, then 1001ms, ...; and -999ms, -1999ms, ...
	same_as_sql "$W/l" "$W/r" 999 999 inner 1 -w 999ms
	same_as_sql "$W/l" "$W/r" 1000 1000 inner 1 -w 1000ms
	same_as_sql "$W/l" "$W/r" 1001 1001 inner 1 -w 1001ms
	same_as_sql "$W/l" "$W/r" 0 1 inner 1 --before 0 --after 1ms
	same_as_sql "$W/l" "$W/r" 0 1 inner 1 --after 1ms
	same_as_sql "$W/l" "$W/r" 999 0 inner 1 --before 999ms
	run wc -l < "$W/out"
	assert_output 299
	run wjoin --before 998ms --after 0 "$W/r" < "$W/l"
	assert_success
	assert_output ""
}

@test "SQL: --before and --after apart, r.ts - l.ts in [-before, +after]" {
	gen -n 400 --prefix l --seed 1 --step 700 --jitter 300 > "$W/l"
	gen -n 400 --prefix r --seed 2 --step 700 --jitter 300 > "$W/r"
	same_as_sql "$W/l" "$W/r" 3000 500 inner 1 --before 3s --after 500ms
	same_as_sql "$W/l" "$W/r" 500 3000 inner 1 --before 500ms --after 3s
	same_as_sql "$W/l" "$W/r" 2000 1500 inner 1 -w 2s --after 1.5s
}

@test "SQL: windows that hold 0 or not, random disorder within -d, inner, left, right and full" {
	local window type before after nulls=0
	disordered l 81 > "$W/l"
	disordered r 82 > "$W/r"
	# BEFORE_MS AFTER_MS: r.ts - l.ts in [-5s, 5s], [1s, 3s], [-3s, -1s],
	# [0, 0], and [30s, 32s], beyond the delay.
	for window in "5000 5000" "-1000 3000" "3000 -1000" "0 0" "-30000 32000"; do
		read -r before after <<< "$window"
		for type in inner left right full; do
			same_as_sql "$W/l" "$W/r" "$before" "$after" "$type" \
			    "json_extract(l.j, '\$.k') = json_extract(r.j, '\$.k')" \
			    -k .k --before "${before}ms" --after "${after}ms" -d 4s
			nulls=$(( nulls + $(grep -c null "$W/want" || true) ))
		done
	done
	# [1s, 3s] the other way round: the right input as the left.
	for type in inner left right full; do
		same_as_sql "$W/r" "$W/l" -1000 3000 "$type" 1 --before -1s --after 3s -d 4s
	done
	# Null rows were checked too, and the disorder needed the delay.
	[ "$nulls" -gt 1000 ]
	run --separate-stderr wjoin -k .k -w 5s -d 0 "$W/r" < "$W/l"
	[[ "$stderr" == *"late records not joined"* ]]
}

@test "SQL: Flink's l.t BETWEEN r.t + 1s AND r.t + 3s is --before 3s --after -1s" {
	disordered l 83 > "$W/l"
	disordered r 84 > "$W/r"
	same_as_sql "$W/l" "$W/r" 1000000 1000000 full \
	    "l.t BETWEEN r.t + 1000 AND r.t + 3000" --before 3s --after -1s -d 4s
}

@test "SQL: Spark's strict l.t < r.t - 5s, with an upper bound, is --before -5001ms on whole milliseconds" {
	printf '%s\n' '{"id":"l","ts":1795478400000}' > "$W/l"
	for d in 4999 5000 5001 5002 9999 10000 10001; do
		printf '{"id":"r%s","ts":%s}\n' "$d" $(( 1795478400000 + d ))
	done > "$W/r"
	same_as_sql "$W/l" "$W/r" 1000000 1000000 inner \
	    "l.t < r.t - 5000 AND l.t >= r.t - 10000" --before -5001ms --after 10s
	assert_equal "$(cat "$W/got")" $'l|r10000\nl|r5001\nl|r5002\nl|r9999'
}

@test "the default delay is a minute: 20 s of disorder loses nothing, a record exactly 1m behind is joined, 1m 1ms is late" {
	mockgen -r 0 -n 6000 -s C,D --id --seed 9 --start 2026-11-24T00:00:00Z \
	    --step 1s --disorder 20s --ts-format epoch-ms > "$W/cd"
	split_cd "$W/cd"
	same_as_sql "$W/cd.C" "$W/cd.D" 5000 5000 inner 1 -w 5s
	same_as_sql "$W/cd.C" "$W/cd.D" 5000 5000 full 1 -w 5s
	run --separate-stderr wjoin -w 5s --stats 1000 "$W/cd.D" < "$W/cd.C"
	assert_success
	[[ "$stderr" == *'"late":0,'* ]]
	local side
	for side in l r; do
		at_watermark 60000 "$side"
		run --separate-stderr wjoin -w 60001ms --late "$W/late.$side" "$W/r" < "$W/l"
		assert_success
		assert_equal "$(ids <<< "$output")" $'l0|r0\nl0|r1\nl1|r0'
		[[ "$stderr" == "wjoin: 1 late record not joined "* ]]
		assert_equal "$(jq -r .id "$W/late.$side")" "${side}2"
	done
}

@test "late means below the watermark: with -d 20s a record exactly 20 s behind is joined, 20.001 s behind is late" {
	local side
	for side in l r; do
		at_watermark 20000 "$side"
		run --separate-stderr wjoin -w 20001ms -d 20s --late "$W/late" "$W/r" < "$W/l"
		assert_success
		assert_equal "$(ids <<< "$output")" $'l0|r0\nl0|r1\nl1|r0'
		[[ "$stderr" == "wjoin: 1 late record not joined "* ]]
		assert_equal "$(jq -r .id "$W/late")" "${side}2"
		rm "$W/late"
		# A millisecond more delay, and that one is joined too.
		run --separate-stderr wjoin -w 20001ms -d 20001ms "$W/r" < "$W/l"
		assert_success
		assert_equal "$stderr" ""
		assert_equal "$(wc -l <<< "$output")" 4
	done
}

@test "SQL: out of order within the delay, epoch-ms times: nothing is late" {
	mockgen -r 0 -n 6000 -s C,D --id --seed 9 --start 2026-11-24T00:00:00Z \
	    --step 1s --disorder 20s --ts-format epoch-ms > "$W/cd"
	split_cd "$W/cd"
	same_as_sql "$W/cd.C" "$W/cd.D" 5000 5000 inner 1 -w 5s -d 20s --stats 1000
	run --separate-stderr wjoin -w 5s -d 20s --stats 1000 "$W/cd.D" < "$W/cd.C"
	assert_success
	[[ "$stderr" == *'"late":0,'* ]]
	# With less delay than disorder, records come after the watermark.
	run --separate-stderr wjoin -w 5s -d 5s "$W/cd.D" < "$W/cd.C"
	assert_success
	[[ "$stderr" == *"late records not joined"* ]]
}

@test "--left-delay, --right-delay: a disordered input loses nothing with its own delay, the other keeps 0" {
	# The left is out of order by up to 19 s and goes on after the right,
	# in order, has ended: from then on the join's watermark is the left's
	# own, its newest time minus its own delay.
	gen -n 1000 --prefix l --seed 71 --step 1000 --disorder 20000 > "$W/l"
	gen -n 300 --prefix r --seed 72 --step 1000 --jitter 900 > "$W/r"
	same_as_sql "$W/l" "$W/r" 5000 5000 left 1 -w 5s --left-delay 20s --right-delay 0
	# -d is the delay of an input not given one.
	same_as_sql "$W/l" "$W/r" 5000 5000 left 1 -w 5s -d 0 --left-delay 20s
	run --separate-stderr wjoin -w 5s --type left -d 0 --left-delay 20s "$W/r" < "$W/l"
	assert_success
	assert_equal "$stderr" ""
	# The same delay on the other input, or on neither, does not help the left.
	local args
	for args in "--left-delay 0 --right-delay 20s" "-d 0"; do
		run --separate-stderr wjoin -w 5s --type left $args "$W/r" < "$W/l"
		assert_success
		[[ "$stderr" =~ late\ records\ not\ joined\ \(([0-9]+)\ left,\ 0\ right\) ]]
		[ "${BASH_REMATCH[1]}" -gt 100 ]
	done
}

@test "SQL: keyed by a path, out of order, many keys" {
	gen -n 3000 --prefix l --seed 3 --keys 20 --step 200 --disorder 3000 > "$W/l"
	gen -n 3000 --prefix r --seed 4 --keys 20 --step 200 --disorder 3000 > "$W/r"
	same_as_sql "$W/l" "$W/r" 2000 2000 inner \
	    "json_extract(l.j, '\$.k') = json_extract(r.j, '\$.k')" -k .k -w 2s -d 3s
}

@test "SQL: keys from jq expressions, different on each side" {
	mockgen -r 0 -n 3000 -s C,D --id --seed 5 --start 2026-11-24T00:00:00Z --step 300ms > "$W/cd"
	split_cd "$W/cd"
	same_as_sql "$W/cd.C" "$W/cd.D" 4000 4000 inner \
	    "json_extract(l.j, '\$.id') % 7 = (json_extract(r.j, '\$.id') + 3) % 7" \
	    --left-key '.id % 7' --right-key '(.id + 3) % 7' -w 4s
	same_as_sql "$W/cd.C" "$W/cd.D" 1000 1000 inner \
	    "CAST(json_extract(l.j, '\$.value') / 10 AS INTEGER) = CAST(json_extract(r.j, '\$.value') / 10 AS INTEGER)" \
	    -k '.value / 10 | floor' -w 1s
}

@test "SQL: outer joins, every record once, null only if it never matched" {
	local type
	gen -n 500 --prefix l --seed 11 --keys 4 --step 1000 --jitter 2000 --disorder 500 > "$W/l"
	gen -n 500 --prefix r --seed 12 --keys 4 --step 1000 --jitter 2000 --disorder 500 > "$W/r"
	for type in left right full; do
		same_as_sql "$W/l" "$W/r" 1500 1500 "$type" \
		    "json_extract(l.j, '\$.k') = json_extract(r.j, '\$.k')" \
		    -k .k -w 1.5s -d 2500ms
	done
	# In the full join, every record of both sides is there.
	run bash -c 'jq -r ".left.id, .right.id | values" "$1/out" | sort -u | wc -l' _ "$W"
	assert_output 1000
	grep -q '|null$' "$W/got"
	grep -q '^null|' "$W/got"
}

@test "the same pairs from files, pipes trickling at different speeds, and FIFOs" {
	gen -n 150 --prefix l --seed 21 --keys 3 --step 1000 --disorder 1500 > "$W/l"
	gen -n 150 --prefix r --seed 22 --keys 3 --step 1000 --disorder 1500 > "$W/r"
	oracle "$W/l" "$W/r" 2000 2000 full \
	    "json_extract(l.j, '\$.k') = json_extract(r.j, '\$.k')" > "$W/want"
	set -- -k .k -w 2s -d 1500ms --type full
	wjoin "$@" "$W/r" < "$W/l" | ids > "$W/files"
	diff -u "$W/want" "$W/files"
	trickle 0.001 < "$W/l" | wjoin "$@" <(trickle 0.008 < "$W/r") | ids > "$W/slow-right"
	diff -u "$W/want" "$W/slow-right"
	trickle 0.008 < "$W/l" | wjoin "$@" <(trickle 0.001 < "$W/r") | ids > "$W/slow-left"
	diff -u "$W/want" "$W/slow-left"
	# A FIFO whose writer comes only after wjoin has started.
	mkfifo "$W/fifo"
	wjoin "$@" "$W/fifo" < "$W/l" > "$W/fifo.out" &
	sleep 0.5
	trickle 0.002 < "$W/r" > "$W/fifo"
	wait $!
	ids < "$W/fifo.out" > "$W/fifo.ids"
	diff -u "$W/want" "$W/fifo.ids"
}

@test "Kafka: kin -e C | wjoin <(kin -e D) finds what SQL finds" {
	need_broker
	local tc td
	tc=$(new_topic C)
	td=$(new_topic D)
	mockgen -r 0 -n 400 -s C,D --id --seed 31 --start 2026-11-24T00:00:00Z \
	    --step 1s --disorder 3s > "$W/cd"
	split_cd "$W/cd"
	# One partition each, so the topics keep the order.
	kout -P 0 "$tc" < "$W/cd.C"
	kout -P 0 "$td" < "$W/cd.D"
	oracle "$W/cd.C" "$W/cd.D" 5000 5000 > "$W/want"
	with_timeout 60 bash -c 'kin -e "$1" | wjoin -w 5s -d 3s <(kin -e "$2")' _ "$tc" "$td" |
	    ids > "$W/got"
	[ -s "$W/want" ]
	diff -u "$W/want" "$W/got"
}

@test "late records go to --late, are counted, and nothing else is lost" {
	gen -n 2000 --prefix l --seed 41 --step 500 --late 0.05 --late-by 60000 > "$W/l"
	gen -n 2000 --prefix r --seed 42 --step 500 --late 0.05 --late-by 60000 > "$W/r"
	# -d 0: a minute behind is within the default delay.
	run --separate-stderr wjoin --type full -w 1s -d 0 --late "$W/late" --stats 1000 \
	    "$W/r" < "$W/l"
	assert_success
	printf '%s\n' "$output" > "$W/out"
	[[ "$stderr" =~ wjoin:\ ([0-9]+)\ late\ records\ not\ joined\ \(([0-9]+)\ left,\ ([0-9]+)\ right\) ]]
	local late=${BASH_REMATCH[1]}
	[ "$late" -gt 100 ]
	[ "$(wc -l < "$W/late")" -eq "$late" ]
	[[ "$stderr" == *"\"late\":$late,"* ]]
	# Every record is in the output or in --late, and not in both.
	jq -r '.left.id, .right.id | values' "$W/out" | sort -u > "$W/joined"
	jq -r .id "$W/late" | sort > "$W/late.ids"
	cat "$W/l" "$W/r" | jq -r .id | sort > "$W/all"
	[ -z "$(comm -12 "$W/joined" "$W/late.ids")" ]
	diff -u "$W/all" <(sort "$W/joined" "$W/late.ids")
	# The late file keeps the lines as they came.
	cat "$W/l" "$W/r" | grep -qxF "$(head -n 1 "$W/late")"
	# What was joined is what SQL joins of the records that were not late.
	grep -vxFf "$W/late" "$W/l" > "$W/l.ontime"
	grep -vxFf "$W/late" "$W/r" > "$W/r.ontime"
	oracle "$W/l.ontime" "$W/r.ontime" 1000 1000 full > "$W/want"
	ids < "$W/out" > "$W/got"
	diff -u "$W/want" "$W/got"
}

@test "--idle: a quiet side stops holding back the watermark and the state" {
	gen -n 200 --prefix r --step 1000 > "$W/r"
	local first='{"id":"l0","ts":"2026-11-24T00:00:00.000Z"}'
	# The left sends one record and stays open; the right sends 200 s
	# (-d 0: with the default delay, the last minute of them would wait).
	{ echo "$first"; sleep 4; } |
	    wjoin -w 1s -d 0 --type right --idle 500ms --stats 0.5 <(cat "$W/r"; sleep 4) \
	    > "$W/idle.out" 2> "$W/idle.err" &
	{ echo "$first"; sleep 4; } |
	    wjoin -w 1s -d 0 --type right --stats 0.5 <(cat "$W/r"; sleep 4) \
	    > "$W/busy.out" 2> "$W/busy.err" &
	sleep 2.5
	# While both inputs are still open:
	cp "$W/idle.out" "$W/idle.early"
	cp "$W/busy.out" "$W/busy.early"
	wait
	# With --idle, the right records went out once the left was idle...
	[ "$(wc -l < "$W/idle.early")" -ge 198 ]
	[ "$(grep -c '"left":null' "$W/idle.early")" -ge 196 ]
	grep -q '"state":[0-2],' "$W/idle.err"
	# ...without it, only the two pairs, and the right records wait.
	[ "$(wc -l < "$W/busy.early")" -eq 2 ]
	grep -q '"state":201,' "$W/busy.err"
	# Both end with the same output.
	diff <(sort "$W/idle.out") <(sort "$W/busy.out")
}

@test "both inputs ahead of each other in turn: state stays a window's worth" {
	# Two recorded streams over the same 20000 s; read naively, one side
	# would all be stored before the other is read.
	gen -n 20000 --prefix l --step 1000 --seed 51 --jitter 500 > "$W/l"
	gen -n 20000 --prefix r --step 1000 --seed 52 --jitter 500 > "$W/r"
	# -d 0: the default delay would keep a minute's worth more.
	run --separate-stderr wjoin -w 5s -d 0 --stats 1000 "$W/r" < "$W/l"
	assert_success
	[[ "$stderr" =~ \"state_max\":([0-9]+), ]]
	echo "state_max ${BASH_REMATCH[1]}"
	[ "${BASH_REMATCH[1]}" -le 30 ]
}

@test "peak memory stays flat when the stream grows 10x" {
	[ -x /usr/bin/time ] || skip "GNU time is not installed (tests/install-deps.sh)"
	local small big
	gen -n 20000 --prefix l --seed 61 --step 100 --keys 50 --pad 200 > "$W/l1"
	gen -n 20000 --prefix r --seed 62 --step 100 --keys 50 --pad 200 > "$W/r1"
	gen -n 200000 --prefix l --seed 61 --step 100 --keys 50 --pad 200 > "$W/l10"
	gen -n 200000 --prefix r --seed 62 --step 100 --keys 50 --pad 200 > "$W/r10"
	# Freed memory is reused at once, as without the sanitizer.
	export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
	small=$( { /usr/bin/time -f %M wjoin -k .k -w 5s "$W/r1" < "$W/l1" > /dev/null; } 2>&1)
	big=$( { /usr/bin/time -f %M wjoin -k .k -w 5s "$W/r10" < "$W/l10" > /dev/null; } 2>&1)
	echo "peak RSS: $small KB for 20000 records a side, $big KB for 200000"
	[ "$big" -le $(( small * 12 / 10 + 2048 )) ]
}

@test "live: a pair is written as soon as its second record arrives" {
	# With the default delay of a minute: a delay holds back no inner pair.
	local pid out
	mkfifo "$W/right"
	coproc JOIN { exec wjoin -w 1m "$W/right"; }
	pid=$JOIN_PID
	exec {rfd}> "$W/right"
	echo '{"id":"l1","ts":"2026-11-24T00:00:00Z"}' >&"${JOIN[1]}"
	echo '{"id":"r1","ts":"2026-11-24T00:00:30Z"}' >&"$rfd"
	read -t 5 -r out <&"${JOIN[0]}"
	assert_equal "$(jq -r '"\(.left.id)|\(.right.id)"' <<< "$out")" "l1|r1"
	echo '{"id":"r2","ts":"2026-11-24T00:00:40Z"}' >&"$rfd"
	echo '{"id":"l2","ts":"2026-11-24T00:00:50Z"}' >&"${JOIN[1]}"
	read -t 5 -r out <&"${JOIN[0]}"
	assert_equal "$(jq -r '"\(.left.id)|\(.right.id)"' <<< "$out")" "l1|r2"
	read -t 5 -r out <&"${JOIN[0]}"
	read -t 5 -r out2 <&"${JOIN[0]}"
	assert_equal "$(sort <<< "$out"$'\n'"$out2" | jq -r '"\(.left.id)|\(.right.id)"')" $'l2|r1\nl2|r2'
	# SIGTERM: a clean stop, exit 0, with the inputs still open.
	kill -TERM "$pid"
	wait "$pid" || local rc=$?
	assert_equal "${rc:-0}" 0
	exec {rfd}>&-
}

@test "live: a quiet input holds back no pair, the other's records are joined as they come" {
	local pid out i
	mkfifo "$W/right"
	coproc JOIN { exec wjoin -w 1m "$W/right"; }
	pid=$JOIN_PID
	exec {rfd}> "$W/right"
	echo '{"id":"r1","ts":"2026-11-24T00:00:00Z"}' >&"$rfd"
	# The right now sends nothing, its input open, and is behind the left in
	# event time: wjoin waits for it at most 10 ms, not for its next record.
	for i in 1 2 3 4 5; do
		sleep 0.2
		echo "{\"id\":\"l$i\",\"ts\":\"2026-11-24T00:00:0${i}Z\"}" >&"${JOIN[1]}"
		out=
		read -t 1 -r out <&"${JOIN[0]}" || true
		assert_equal "$(jq -r '"\(.left.id)|\(.right.id)"' <<< "$out")" "l$i|r1"
	done
	kill -TERM "$pid"
	wait "$pid" || true
	exec {rfd}>&-
}

@test "live, both inputs streaming: each pair goes out while they still flow" {
	# A record every 5 ms, alternating sides, for 3 s. Each pair used to
	# wait in wjoin's output buffer for as long as neither input paused
	# (p50 1.3 s here); it must go out within a few intervals.
	run python3 "$BATS_TEST_DIRNAME/helpers/live-join.py" 3 5 --ts-unit ms -w 1500ms
	echo "$output"
	assert_success
	read -r _ n _ p50 _ p99 _ max _ during <<< "$output"
	[ "$n" -ge 590 ]
	[ "$p99" -lt 200 ]
	[ "$during" -ge $(( n * 9 / 10 )) ]
	# The same from kin --eos records: a position line may now come while
	# a record waits for the other side; each must be one kout can commit.
	run env LIVE_JOIN_EOS=1 python3 "$BATS_TEST_DIRNAME/helpers/live-join.py" 2 5 --ts-unit ms -w 1500ms
	echo "$output"
	assert_success
}

@test "a closed stdout is a quiet stop" {
	mockgen -r 0 -n 200000 -s C,D --id --seed 1 --start 2026-11-24T00:00:00Z --step 1s > "$W/cd"
	split_cd "$W/cd"
	run --separate-stderr bash -c 'wjoin -w 1h "$1.D" < "$1.C" | head -n 2 > /dev/null; echo "${PIPESTATUS[0]}"' _ "$W/cd"
	assert_output 0
	assert_equal "$stderr" ""
}

@test "--as names the two members, --emit shapes each output" {
	cd "$F"
	run wjoin -w 1s --as c,d bytes.right < bytes.left
	assert_success
	assert_equal "$(jq -r '"\(.c.id)|\(.d.id)"' <<< "$output")" $'l1|r1\nl2|r2'
	[[ "${lines[0]}" == '{"c": {"id":"l1", "ts"'* ]]
	run wjoin -w 1s --as 'a "b",x' bytes.right < bytes.left
	[[ "${lines[0]}" == '{"a \"b\"": {"id":"l1"'* ]]
	run wjoin -w 1s --emit '{l: .left.id, r: .right.id}' bytes.right < bytes.left
	assert_output $'{"l":"l1","r":"r1"}\n{"l":"l2","r":"r2"}'
	# None or several lines per pair; a comment is fine.
	run wjoin -w 1s --emit 'select(.left.id == "l2") | .left.id, .right.id # ids' \
	    bytes.right < bytes.left
	assert_output $'"l2"\n"r2"'
	run wjoin -w 1s --type left --as a,b --emit '[.a.id, .b]' bytes.right < /dev/null
	assert_output ''
	run wjoin -w 1s --type right --as a,b --emit '[.a, .b.id]' bytes.right < /dev/null
	assert_output $'[null,"r1"]\n[null,"r2"]'
}

@test "--emit errors set the pair aside like a bad line" {
	cd "$F"
	run --separate-stderr wjoin -w 1s --emit '.left.v * 2' --rejects "$W/rej" bytes.right < bytes.left
	assert_failure 1
	assert_output '3'
	[[ "$stderr" == *'wjoin: <output>:2: --emit: null (null) and number (2) cannot be multiplied'* ]]
	run jq -r '.source, .line, (.raw | fromjson | .left.id)' "$W/rej"
	assert_output $'<output>\n2\nl2'
}

@test "bad lines of both inputs are reported, set aside, and the rest joined" {
	cd "$F"
	run --separate-stderr wjoin -w 1s bad.right < bad.left
	assert_failure 1
	diff -u bad.out <(printf '%s\n' "$output")
	diff -u bad.err <(printf '%s\n' "$stderr")
}

@test "--rejects keeps the bad lines, --strict stops at the first" {
	cd "$F"
	run wjoin -w 1s --rejects "$W/rej" bad.right < bad.left
	assert_failure 1
	[ "$(wc -l < "$W/rej")" -eq 8 ]
	run jq -c 'select(.line == 2)' "$W/rej"
	assert_output $'{"source":"<stdin>","line":2,"reason":"not JSON","raw":"not json"}\n{"source":"bad.right","line":2,"reason":".ts is not a time (a string or a number)","raw":"{\\"id\\":\\"r2\\",\\"ts\\":true}"}'
	run --separate-stderr wjoin -w 1s --strict bad.right < bad.left
	assert_failure 1
	assert_equal "$(head -n 1 <<< "$stderr")" "wjoin: <stdin>:2: not JSON"
	[[ "$stderr" == *"--strict"* ]]
	# A key expression that fails makes a bad line too.
	run --separate-stderr wjoin -w 1s -k '.id | ltrimstr("l") | tonumber' bad.right < bad.left
	assert_failure 1
	[[ "$stderr" == *'wjoin: bad.right:1: -k: Invalid numeric literal'* ]]
}

@test "--strict: every record before the bad line is joined, on either side, then it stops" {
	local i
	for i in $(seq 1 10); do
		printf '{"id":"l%d","ts":%d000}\n' "$i" "$i"
	done > "$W/good.l"
	for i in $(seq 1 30); do
		printf '{"id":"r%d","ts":%d000}\n' "$i" "$i"
	done > "$W/r"
	{ cat "$W/good.l"; echo bad; printf '{"id":"l11","ts":11000}\n'; } > "$W/l"
	# The pairs SQL finds for the lines before the bad one (l10 with r9,
	# r10 and r11 too: --strict used to stop before r10 was read).
	oracle "$W/good.l" "$W/r" 1000 1000 > "$W/want"
	grep -qx 'l10|r11' "$W/want"
	run --separate-stderr wjoin -w 1s --strict "$W/r" < "$W/l"
	assert_failure 1
	diff -u "$W/want" <(ids <<< "$output")
	assert_equal "$(head -n 1 <<< "$stderr")" "wjoin: <stdin>:11: not JSON"
	# The bad line on the right: what the left brought up to it is joined.
	run --separate-stderr wjoin -w 1s --strict --as right,left "$W/l" < "$W/r"
	assert_failure 1
	diff -u "$W/want" <(ids <<< "$output")
	# Without waiting for the other input to end: once its watermark has
	# passed every record before the bad line, wjoin stops.
	run --separate-stderr with_timeout 20 wjoin -w 1s -d 0s --strict \
	    <(cat "$W/r"; sleep 15) < "$W/l"
	assert_failure 1
	diff -u "$W/want" <(ids <<< "$output")
	[[ "$stderr" == *"stopped at the first bad line (--strict)"* ]]
}

@test "-t and --ts-unit: nested paths, epoch seconds and microseconds, zones" {
	printf '%s\n' '{"id":"l1","m":{"t":1795478400}}' '{"id":"l2","m":{"t":1795478400.5}}' > "$W/l"
	printf '%s\n' '{"id":"r1","m":{"t":"2026-11-24T01:00:00.250+01:00"}}' > "$W/r"
	run wjoin -t .m.t --ts-unit s --after 250ms "$W/r" < "$W/l"
	assert_equal "$(ids <<< "$output")" "l1|r1"
	printf '%s\n' '{"id":"l1","ts":1795478400000000}' > "$W/l"
	printf '%s\n' '{"id":"r1","ts":"2026-11-24T00:00:00.000001Z"}' > "$W/r"
	run wjoin --ts-unit us --after 1ms "$W/r" < "$W/l"
	assert_equal "$(ids <<< "$output")" "l1|r1"
	run wjoin --ts-unit us --before 1s "$W/r" < "$W/l"
	assert_output ""
}

@test "event times: 30,000 random ISO stamps, valid and not: wjoin takes exactly those Python's datetime takes, at the microsecond it reads, and names the others by line" {
	# tests/helpers/isostamps.py: February 29 to 31, day 0 and 32, hour 24,
	# second 60, offsets of 24 hours and more, each now and then.
	read -r valid invalid < <(python3 "$KP_ROOT/tests/helpers/isostamps.py" 30000 15 "$W")
	[ "$valid" -gt 10000 ] && [ "$invalid" -gt 10000 ]
	# Each stamp meets its own time, in microseconds as Python reads it,
	# and nothing else: at distance 0, and never late (the delay spans
	# the years drawn).
	run --separate-stderr wjoin -k .id -w 0 -d 250000d --ts-unit us \
	    --rejects "$W/rej" "$W/times" < "$W/stamps"
	assert_failure 1
	[[ "$stderr" == *"wjoin: $invalid bad lines set aside"* ]]
	[[ "$stderr" != *late* ]]
	assert_equal "$(jq -r 'select(.left.id == .right.id) | .left.id' <<< "$output" | sort -n)" \
	    "$(jq -r .id "$W/times" | sort -n)"
	assert_equal "$(jq -r .line "$W/rej" | sort -n)" "$(sort -n "$W/invalid")"
	assert_equal "$(jq -r '.source + " " + (.reason | startswith(".ts is not an ISO 8601 time") | tostring)' "$W/rej" | sort -u)" \
	    "<stdin> true"
	# The first are named on stderr, with why.
	first=$(head -n 1 "$W/invalid")
	[[ "$stderr" == *"wjoin: <stdin>:$first: .ts is not an ISO 8601 time ("* ]]
	printf '%s\n' '{"id":1,"ts":"2026-02-31T00:00:00Z"}' '{"id":2,"ts":"2026-03-03T00:00:00Z"}' \
	    '{"id":3,"ts":"2026-03-03T12:00:00+24:00"}' '{"id":4,"ts":"2026-03-03T23:59:60Z"}' > "$W/l"
	printf '%s\n' '{"id":1,"ts":"2026-03-03T00:00:00Z"}' > "$W/r"
	run --separate-stderr wjoin -w 1d "$W/r" < "$W/l"
	assert_failure 1
	assert_equal "$(ids <<< "$output")" "2|1"
	assert_equal "$stderr" "$(printf '%s\n' \
	    'wjoin: <stdin>:1: .ts is not an ISO 8601 time (no such day in that month): "2026-02-31T00:00:00Z"' \
	    'wjoin: <stdin>:3: .ts is not an ISO 8601 time (offset beyond 23:59): "2026-03-03T12:00:00+24:00"' \
	    'wjoin: <stdin>:4: .ts is not an ISO 8601 time (second past 59: leap seconds are not counted): "2026-03-03T23:59:60Z"' \
	    'wjoin: 3 bad lines set aside')"
}

@test "keys: equal as jq sees them, null never matches, numbers by value" {
	printf '%s\n' '{"id":"l1","k":1,"ts":0}' '{"id":"l2","k":"\u0041","ts":0}' \
	    '{"id":"l3","k":null,"ts":0}' '{"id":"l4","k":{"b":1,"a":[2]},"ts":0}' \
	    '{"id":"l5","ts":0}' > "$W/l"
	printf '%s\n' '{"id":"r1","k":1.0,"ts":0}' '{"id":"r2","k":"A","ts":0}' \
	    '{"id":"r3","k":null,"ts":0}' '{"id":"r4","k":{"a":[2.0],"b":1},"ts":0}' \
	    '{"id":"r5","k":"1","ts":0}' > "$W/r"
	run wjoin -k .k -w 1s --type full "$W/r" < "$W/l"
	assert_success
	assert_equal "$(ids <<< "$output")" "$(printf '%s\n' 'l1|r1' 'l2|r2' 'l3|null' 'l4|r4' 'l5|null' 'null|r3' 'null|r5' | sort)"
}

@test "--stats writes JSON lines to stderr" {
	gen -n 100 --prefix l > "$W/l"
	gen -n 100 --prefix r > "$W/r"
	run --separate-stderr wjoin -w 1s --stats 0.1 "$W/r" < "$W/l"
	assert_success
	run jq -sc 'last | [.left_in, .right_in, .pairs, .late, .rejected, .state, .watermark]' <<< "$stderr"
	assert_output '[100,100,298,0,0,0,"end"]'
}

@test "records from kin --eos: _kp_src taken out, pairs marked, positions written, two replayed records not paired again" {
	# Left C[0] offsets 10-12, right D[0] offsets 5-6; C 10 and D 5 were processed before (up to 11 and 6),
	# as an older kin says it: a number, one earlier run.
	printf '%s\n' '{"id":1,"ts":1000,"_kp_src":["gl","C",0,10,3,"m1",11]}' \
	    '{"id":2,"ts":2000,"_kp_src":["gl","C",0,11,3,"m1"]}' \
	    '{"id":3,"ts":90000,"_kp_src":["gl","C",0,12,3,"m1"]}' > "$W/l"
	printf '%s\n' '{"id":11,"ts":1500,"_kp_src":["gr","D",0,5,7,"m2",6]}' \
	    '{"id":12,"ts":2500,"_kp_src":["gr","D",0,6,7,"m2"]}' > "$W/r"
	run --separate-stderr wjoin -w 5s --stats 1000 "$W/r" < "$W/l"
	assert_success
	# 1-11 is not written again; the rest are, marked; the end of the inputs keeps the window.
	assert_equal "$(grep -c '"_kp_src":"+"}$' <<<"$output")" 3
	refute_output --partial '"left":{"id":1,"ts":1000},"right":{"id":11'
	refute_output --partial '"ts":1000,"_kp_src"'
	assert_line --index 3 --regexp '^\{"_kp_src":\[\["gl","C",0,10,3,"m1",13,\[\["p",11\],\["([0-9a-f]{16})",13\]\]\],\["gr","D",0,5,7,"m2",7,\[\["p",6\],\["\1",7\]\]\]\]\}$'
	[[ "$stderr" == *'"pairs":3,"pairs_replayed":1,'* ]]
	# Each run has its own id.
	run1=$(sed -n 4p <<<"$output" | jq -r '._kp_src[0][7][1][0]')
	run --separate-stderr wjoin -w 5s "$W/r" < "$W/l"
	[ "$(sed -n 4p <<<"$output" | jq -r '._kp_src[0][7][1][0]')" != "$run1" ]
	# Only an inner join, each input its own group, and a half-written line is not joined.
	run wjoin -w 5s --type left "$W/r" < "$W/l"
	assert_failure 2
	run --separate-stderr wjoin -w 5s "$W/l" < "$W/l"
	assert_failure 1
	[[ "$stderr" == *"both inputs read by one consumer group"* ]]
	# A seventh element that is not the runs beyond the record's offset.
	printf '%s\n' '{"id":9,"ts":1000,"_kp_src":["gl","C",0,10,3,"m1",[["a",10]]]}' > "$W/bad"
	run --separate-stderr wjoin -w 5s "$W/r" < "$W/bad"
	assert_failure 1
	[[ "$stderr" == *"not the runs that joined the record"* ]]
	printf '%s' '{"id":4,"ts":3000,"_kp_src":["gl","C",0,13' >> "$W/l"
	run --separate-stderr wjoin -w 5s "$W/r" < "$W/l"
	assert_failure 1
	[[ "$stderr" == *"last line has no newline: not joined"* ]]
}

@test "records from kin --eos: a _kp_src no kin wrote (partition 1e20, offset 1e300 or 9.5, generation 1e10, runs at 9.5) is a bad line, named by line" {
	printf '%s\n' '{"id":1,"ts":1000,"_kp_src":["gl","C",1e20,10,3,"m1"]}' \
	    '{"id":2,"ts":1000,"_kp_src":["gl","C",0,1e300,3,"m1"]}' \
	    '{"id":3,"ts":1000,"_kp_src":["gl","C",0,9.5,3,"m1"]}' \
	    '{"id":4,"ts":1000,"_kp_src":["gl","C",-1,10,3,"m1"]}' \
	    '{"id":5,"ts":1000,"_kp_src":["gl","C",0,10,1e10,"m1"]}' \
	    '{"id":6,"ts":1000,"_kp_src":["gl","C",0,10,3,"m1",[["a",11.5]]]}' \
	    '{"id":7,"ts":1000,"_kp_src":["gl","C",0,10,3,"m1",1e300]}' \
	    '{"id":8,"ts":1000,"_kp_src":["gl","C",2147483647,9007199254740992,3,"m1"]}' > "$W/l"
	printf '%s\n' '{"id":11,"ts":1500,"_kp_src":["gr","D",0,5,7,"m2"]}' > "$W/r"
	run --separate-stderr wjoin -w 5s --rejects "$W/rej" "$W/r" < "$W/l"
	assert_failure 1
	assert_equal "$(jq -r .line "$W/rej" | tr '\n' ' ')" "1 2 3 4 5 6 7 "
	[[ "$stderr" == *'wjoin: <stdin>:1: _kp_src is not [group, topic, partition, offset, generation, member] as kin --eos -g writes it'* ]]
	[[ "$stderr" == *'wjoin: <stdin>:6: _kp_src'"'"'s seventh element is not the runs'* ]]
	# The largest there are go through: partition 2^31-1, offset 2^53.
	assert_equal "$(jq -c 'select(.left) | [.left.id, .right.id]' <<<"$output")" "[8,11]"
	assert_line --regexp '\["gl","C",2147483647,9007199254740992,3,"m1",'
}

@test "records from kin --eos read again by several runs: pairs skipped only when one run joined both" {
	# Run a joined C 20 and D 40; run b joined C 20 and 21; D 41 is new.
	printf '%s\n' '{"id":20,"ts":1000,"_kp_src":["gl","C",0,20,3,"m1",[["a",21],["b",22]]]}' \
	    '{"id":21,"ts":2000,"_kp_src":["gl","C",0,21,3,"m1",[["b",22]]]}' > "$W/l"
	printf '%s\n' '{"id":40,"ts":1500,"_kp_src":["gr","D",0,40,7,"m2",[["a",41]]]}' \
	    '{"id":41,"ts":2500,"_kp_src":["gr","D",0,41,7,"m2"]}' > "$W/r"
	run --separate-stderr wjoin -w 5s --stats 1000 "$W/r" < "$W/l"
	assert_success
	# 20-40 were paired by run a; 21-40 by none (a run that stopped between them), so it is written.
	assert_equal "$(grep '"left"' <<<"$output" | jq -r '"\(.left.id)-\(.right.id)"' | sort | tr '\n' ' ')" "20-41 21-40 21-41 "
	[[ "$stderr" == *'"pairs":3,"pairs_replayed":1,'* ]]
	# The earlier runs that still reach beyond the resume offset go on, then this run's
	# (each partition's latest position line entry).
	last() { grep '^{"_kp_src":\[\[' <<<"$output" | jq -c "._kp_src[] | select(.[1] == \"$1\")" | tail -n 1; }
	assert_equal "$(last C | jq -c '.[3:7]')" '[20,3,"m1",22]'
	assert_equal "$(last C | jq -c '[.[7][] | .[1]]')" '[21,22,22]'
	assert_equal "$(last D | jq -c '[.[7][] | .[1]]')" '[41,42]'
	assert_equal "$(last C | jq -r '.[7][0:2] | map(.[0]) | join(",")')" 'a,b'
}

# halves PREFIX: mockgen's C and D records (15 s apart, 6 h 15 min) in
# PREFIX.C and PREFIX.D, and each cut in two at the same time, 3 h in:
# PREFIX.C1, PREFIX.C2, PREFIX.D1, PREFIX.D2.
halves() {
	mockgen -r 0 -n 3000 -s C,D --start 2026-11-24T00:00:00Z --step 15s --id --seed 5 > "$1"
	split_cd "$1"
	head -n 750 "$1.C" > "$1.C1"
	tail -n +751 "$1.C" > "$1.C2"
	head -n 750 "$1.D" > "$1.D1"
	tail -n +751 "$1.D" > "$1.D2"
}

@test "--state: a join run in two parts, its window kept in FILE between them, writes exactly the pairs SQL finds over both" {
	halves "$W/cd"
	oracle "$W/cd.C" "$W/cd.D" 300000 300000 > "$W/want"
	run --separate-stderr wjoin -w 5m --state "$W/S" "$W/cd.D1" < "$W/cd.C1"
	assert_success
	echo "$output" > "$W/p1"
	# The window: a header, then records waiting for a partner, "L1 " or "R0 " and the line.
	assert_equal "$(head -c 26 "$W/S")" "wjoin-state 1 max_ts 17954"
	kept=$(($(wc -l < "$W/S") - 1))
	[ "$kept" -gt 10 ]
	run grep -vc '^[LR][01] {"strategy":"[CD]",' "$W/S"
	assert_output 1
	run --separate-stderr wjoin -w 5m --state "$W/S" "$W/cd.D2" < "$W/cd.C2"
	assert_success
	[[ "$stderr" == *"--state $W/S: $kept records of the last run back in the window"* ]]
	echo "$output" > "$W/p2"
	cat "$W/p1" "$W/p2" | ids > "$W/got"
	diff -u "$W/want" "$W/got"
	# Pairs across the cut exist, and without the window they are lost.
	wjoin -w 5m "$W/cd.D1" < "$W/cd.C1" > "$W/q1"
	wjoin -w 5m "$W/cd.D2" < "$W/cd.C2" > "$W/q2"
	[ "$(cat "$W/q1" "$W/q2" | wc -l)" -lt "$(wc -l < "$W/want")" ]
}

@test "--state: a left join in two parts writes a null row once, for a record that met no partner, when its window closes in either part" {
	halves "$W/cd"
	# Every fourth D record missing: some C records meet none.
	awk 'NR % 4 != 0' "$W/cd.D1" > "$W/d1"
	awk 'NR % 4 != 0' "$W/cd.D2" > "$W/d2"
	sed -n '200,750p' "$W/d1" > "$W/d1s"
	sed -n '1,300p;420,480p' "$W/d2" > "$W/d2s"
	cat "$W/d1s" "$W/d2s" > "$W/d"
	wjoin -w 20s --type left "$W/d" < "$W/cd.C" | ids > "$W/one"
	wjoin -w 20s --type left --state "$W/S" "$W/d1s" < "$W/cd.C1" > "$W/p1"
	wjoin -w 20s --type left --state "$W/S" "$W/d2s" < "$W/cd.C2" > "$W/p2"
	cat "$W/p1" "$W/p2" | ids > "$W/two"
	# The last part's unmatched records are still in the window (L0): their
	# null rows are the one run's only extra lines.
	grep '^L0 ' "$W/S" | cut -c 4- | jq -r '"\(.id)|null"' | sort > "$W/pending"
	[ -s "$W/pending" ]
	[ "$(grep -c '|null$' "$W/two")" -gt 100 ]
	assert_equal "$(sort -m "$W/two" "$W/pending")" "$(cat "$W/one")"
}

@test "--state: after SIGTERM wjoin reads its inputs to their end (up to 2 s), so the window it keeps holds every record it was sent" {
	halves "$W/cd"
	head -n 300 "$W/cd.C1" > "$W/c1a"
	tail -n +301 "$W/cd.C1" > "$W/c1b"
	wjoin -w 5m --state "$W/S" <(cat "$W/cd.D1"; sleep 1) < <(cat "$W/c1a"; sleep 1; cat "$W/c1b") > "$W/p1" 2> "$W/p1.err" &
	pid=$!
	sleep 0.5
	kill -TERM "$pid"
	wait "$pid"
	[ "$(wc -l < "$W/p1")" -gt 0 ]
	wjoin -w 5m --state "$W/S" "$W/cd.D2" < "$W/cd.C2" > "$W/p2"
	oracle "$W/cd.C" "$W/cd.D" 300000 300000 > "$W/want"
	cat "$W/p1" "$W/p2" | ids > "$W/got"
	diff -u "$W/want" "$W/got"
	# A second signal stops at once, and says what the window misses.
	wjoin -w 5m --state "$W/S2" <(sleep 5) < <(cat "$W/c1a"; sleep 5) > /dev/null 2> "$W/e2" &
	pid=$!
	sleep 0.5
	kill -TERM "$pid"
	sleep 0.2
	kill -TERM "$pid"
	wait "$pid"
	grep -q "stopped before the end of either input" "$W/e2"
	[ "$(wc -l < "$W/S2")" -gt 1 ]
}

@test "--state: refused with records from kin --eos (exit 2); a file that is not a window is left alone (exit 1)" {
	printf '%s\n' '{"id":1,"ts":1000,"_kp_src":["gl","C",0,10,3,"m1"]}' > "$W/l"
	printf '%s\n' '{"id":11,"ts":1500,"_kp_src":["gr","D",0,5,7,"m2"]}' > "$W/r"
	run --separate-stderr wjoin -w 5s --state "$W/S" "$W/r" < "$W/l"
	assert_failure 2
	[[ "$stderr" == *"--state: records from kin --eos"* ]]
	echo '{"not":"a state"}' > "$W/S"
	run --separate-stderr wjoin -w 5s --state "$W/S" /dev/null < /dev/null
	assert_failure 1
	[[ "$stderr" == *"not a state file of this wjoin"* ]]
	assert_equal "$(cat "$W/S")" '{"not":"a state"}'
	# A record that no longer parses (-t changed) goes to --rejects.
	printf '%s\n' 'wjoin-state 1 max_ts 1500000 - watermark -' 'L0 {"id":1,"ts":1000}' > "$W/S"
	run --separate-stderr wjoin -w 5s -t .time --rejects "$W/rj" --state "$W/S" /dev/null < /dev/null
	assert_failure 1
	assert_equal "$(jq -r .source "$W/rj")" "$W/S"
}

@test "usage errors exit 2" {
	run --separate-stderr wjoin -w 1s
	assert_failure 2
	[[ "$stderr" == *"usage: wjoin [-hV]"* ]]
	run --separate-stderr wjoin /dev/null
	assert_failure 2
	assert_equal "$stderr" "wjoin: no window: give -w, or --before and --after"
	run --separate-stderr wjoin -w 5x /dev/null
	assert_failure 2
	assert_equal "$stderr" "wjoin: -w 5x: not a duration like 1500ms, 30s, 5m, 2h"
	run --separate-stderr wjoin -w 1s --type outer /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s --ts-unit ns /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s -t ts /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s --as left /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s --as a,a /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s --left-key .a /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s -k '.a |||' /dev/null
	assert_failure 2
	[[ "$stderr" == *"-k"* ]]
	run --separate-stderr wjoin -w 1s --emit '{' /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s --stats 0 /dev/null
	assert_failure 2
	# Bounds may be negative, but the window not empty.
	run --separate-stderr wjoin --before 1s --after -2s /dev/null
	assert_failure 2
	assert_equal "$stderr" "wjoin: an empty window: r.ts - l.ts at least -1000ms (minus --before) and at most -2000ms (--after)"
	run --separate-stderr wjoin --before -1s /dev/null
	assert_failure 2
	[[ "$stderr" == *"empty window"* ]]
	run --separate-stderr wjoin --before 1s --after -1001ms /dev/null
	assert_failure 2
	run --separate-stderr wjoin --before 1s --after -1s /dev/null < /dev/null
	assert_success
	run --separate-stderr wjoin --after -x /dev/null
	assert_failure 2
	assert_equal "$stderr" "wjoin: --after -x: not a duration like 1500ms, 30s, -5m"
	run --separate-stderr wjoin --after --1s /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w -1s /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s -d -1s /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s --left-delay -1s /dev/null
	assert_failure 2
	assert_equal "$stderr" "wjoin: --left-delay -1s: not a duration like 1500ms, 30s, 5m, 2h"
	run --separate-stderr wjoin -w 1s --right-delay 1x /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s --late /nonexistent/dir/x /dev/null
	assert_failure 2
	run --separate-stderr wjoin -w 1s /nonexistent/file < /dev/null
	assert_failure 1
	assert_equal "$stderr" "wjoin: /nonexistent/file: No such file or directory"
}

@test "-h prints the synopsis to stdout, -V the version" {
	run wjoin -h
	assert_success
	assert_line --index 0 --partial "usage: wjoin [-hV] [-d dur] [-k expr] [-t path] [-w dur]"
	assert_line --index 2 --partial "[--right-delay dur] [--right-key expr]"
	assert_line --index 3 --partial "[--state file] [--stats seconds] [--strict] [--ts-unit unit] [--type type]"
	assert_line --index 4 --regexp "^ +file$"
	run wjoin -V
	assert_success
	assert_output --regexp '^wjoin [0-9]+\.[0-9]+\.[0-9]+$'
}
