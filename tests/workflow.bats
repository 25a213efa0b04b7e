#!/usr/bin/env bats
# The tutorial's workflow end to end through the kpipes launcher (bin/kpipes)
# and the demo (bin/kpipes-demo), on the embedded broker and on a real Kafka:
# results checked record by record, join pairs against a jq oracle, counts
# against what went in, and no process left behind.

load test_helper
bats_require_minimum_version 1.5.0

setup() {
	# Every test has a run directory and topic and group names of its own,
	# so tests can share the broker of the run.
	export KPIPES_RUN="$BATS_TEST_TMPDIR/run"
	export KPIPES_PREFIX="w${BATS_TEST_NUMBER}_$$_${RANDOM}_"
	P=$KPIPES_PREFIX
}

teardown() {
	with_timeout 60 kpipes down --keep-broker >/dev/null 2>&1 || true
}

# Event time in ms of mockgen's ISO timestamps, for jq.
JQ_MS='def ms: (.[0:19] + "Z" | fromdateiso8601) * 1000 + (.[20:23] | tonumber);'

# The strategy rule, as the tutorial states it.
JQ_RULE='if .value < 30 then .value * 2 elif .value <= 60 then .value * 1.5 + 10
	else .value * .value / 100 end'

# count TOPIC: the records a topic holds.
count() {
	ktopic -J describe "$1" | jq -s 'map(.high - .low) | add'
}

# read_all TOPIC: every record of the topic, within a time limit.
read_all() {
	with_timeout 60 kin -e "$1"
}

# more_than TOPIC N: the topic holds more than N records.
more_than() {
	[ "$(count "$1")" -gt "$2" ]
}

# gone PID: the process has exited (a zombie not yet reaped counts).
gone() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	[ "${stat:0:1}" = Z ]
}

# nothing_left: no process of any pipeline of this run is alive, supervisors
# included (zombies, which init reaps late, do not count).
nothing_left() {
	local f pg p
	for f in "$KPIPES_RUN"/p/*/pid; do
		[ -f "$f" ] || continue
		pg=$(cat "$f")
		for p in $(pgrep -g "$pg"); do
			gone "$p" && continue
			echo "left behind: $(ps -o pid=,args= -p "$p")" >&2
			return 1
		done
	done
	! pgrep -f -- "kpipes-supervise .*$KPIPES_RUN" >/dev/null
}

# Blanks and line breaks squeezed to one space.
squeeze() {
	tr -s ' \t\n' ' ' | sed 's/^ //; s/ $//'
}

@test "kpipes: -h prints kpipes(1)'s synopsis, a bad command or option exits 2" {
	run --separate-stderr kpipes -h
	assert_success
	[ -z "$stderr" ]
	assert_equal "$(printf '%s\n' "$output" | sed 's/^usage: //' | squeeze)" \
	    "$(mandoc -Tascii "$KP_ROOT/man/kpipes.1" | col -b |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | squeeze)"
	run -2 kpipes bogus
	run -2 kpipes up --bogus
	run -2 kpipes up -r fast
	run -2 kpipes topics -p 0
	run -2 kpipes down -t soon
	run -2 kpipes peek
}

@test "kpipes, kpipes-supervise, kpipes-demo: shellcheck clean" {
	command -v shellcheck >/dev/null || skip "shellcheck is not installed"
	run shellcheck "$KP_ROOT/bin/kpipes" "$KP_ROOT/bin/kpipes-supervise" "$KP_ROOT/bin/kpipes-demo"
	assert_success
}

@test "workflow: produce, up, drain: every result right, every join pair in the window, counts match" {
	need_broker
	run with_timeout 60 kpipes topics
	assert_success
	assert_line --regexp "^${P}D_input_ready	[0-9]+ partitions$"
	# 50 rounds of the four strategies, 20 s of event time apart: the run
	# spans 16 minutes, so the 5 minute window leaves most C-D pairs out.
	run with_timeout 60 kpipes produce -n 200 -r 0 -- --seed 7 --id \
	    --start 2026-11-24T00:00:00Z --step 20s
	assert_success
	run with_timeout 60 kpipes up
	assert_success
	run with_timeout 150 kpipes down --drain -t 100
	assert_success
	nothing_left

	cd "$BATS_TEST_TMPDIR"
	for s in A B C D; do
		read_all "${P}${s}_input" > "in.$s"
		read_all "${P}${s}_output" > "out.$s"
		assert_equal "$(wc -l < "in.$s")" 50
		assert_equal "$(wc -l < "out.$s")" 50
		# Each output is its input record with the rule's result added.
		assert_equal "$(jq -c "select(.result != ($JQ_RULE))" "out.$s")" ""
		assert_equal "$(jq -c 'del(.result)' "out.$s" | sort)" "$(jq -c . "in.$s" | sort)"
	done
	read_all "${P}D_input_ready" > pairs
	[ -s pairs ]
	assert_equal "$(jq -c "$JQ_MS"' select(((.left.ts | ms) - (.right.ts | ms)) | fabs > 300000)' pairs)" ""
	# The pairs are exactly those an interval join of C_output and D_input
	# on |ts difference| <= 5 minutes finds.
	jq -r '"\(.left.id)|\(.right.id)"' pairs | sort > got
	jq -rn --slurpfile c out.C --slurpfile d in.D "$JQ_MS"'
		$c[] as $l | $d[] as $r |
		select(((($l.ts | ms) - ($r.ts | ms)) | fabs) <= 300000) |
		"\($l.id)|\($r.id)"' | sort > want
	assert_equal "$(wc -l < got)" "$(wc -l < want)"
	run diff got want
	assert_success
	# A left record is a C_output record, a right one a D_input record.
	assert_equal "$(jq -r '"\(.left.strategy)\(.right.strategy)\(.left.result != null)"' pairs | sort -u)" "CDtrue"
}

@test "workflow: status shows every pipeline; a killed stage is reported and restarted; down leaves nothing" {
	need_broker
	run with_timeout 60 kpipes up --producer -r 5 -s B --no-join
	assert_success
	wait_for 60 more_than "${P}B_output" 3
	run with_timeout 30 kpipes status -i 1
	assert_success
	assert_line --regexp '^producer +running +0 '
	assert_line --regexp '^strategy-B +running +0 +[0-9]+s +[0-9.]+ +[0-9.]+ +[0-9]+$'
	assert_line --regexp "^${P}B_output +[0-9]+ +[0-9.]+$"

	pg=$(cat "$KPIPES_RUN/p/strategy-B/pid")
	old=$(pgrep -g "$pg" -x strategy)
	[ -n "$old" ]
	kill -KILL "$old"
	wait_for 60 grep -q 'restarting in' "$KPIPES_RUN/logs/strategy-B.log"
	wait_for 60 state_is strategy-B running
	new=$(pgrep -g "$pg" -x strategy)
	[ -n "$new" ] && [ "$new" != "$old" ]
	# Records flow again once the new kin has joined the group.
	n=$(count "${P}B_output")
	wait_for 60 more_than "${P}B_output" $((n + 5))

	run kpipes logs strategy-B
	assert_success
	assert_output --regexp 'exited \(kin=0 strategy=137 kout=0\); restarting in 1s \(restart 1\)'
	run with_timeout 30 kpipes status -i 0.5
	assert_line --regexp '^strategy-B +running +1 '
	run with_timeout 30 kpipes peek -n 2 B_output
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$(printf '%s\n' "${lines[@]}" | jq -r '.strategy + (.result | type)' | sort -u)" "Bnumber"

	run with_timeout 60 kpipes down
	assert_success
	assert_output --partial 'stopped 2 pipelines'
	nothing_left
	grep -q 'stopped (mockgen=0 kout=0)' "$KPIPES_RUN/logs/producer.log"
	grep -q 'stopped (kin=0 strategy=0 kout=0)' "$KPIPES_RUN/logs/strategy-B.log"
}

@test "workflow: up --eos: a strategy job killed and restarted writes every record exactly once" {
	need_broker
	[ "$(broker_kind)" = real ] ||
	    skip "the embedded broker's transactions never commit the group's offsets (kbroker(1))"
	run with_timeout 60 kpipes up --eos --producer -r 20 -n 300 -s A --no-join
	assert_success
	assert_output --partial "kin --eos -F consumer.properties -g ${P}strategy-A ${P}A_input | strategy | kout --eos --txn-id ${P}kpipes-strategy-A ${P}A_output"
	wait_for 60 more_than "${P}A_output" 40
	pg=$(cat "$KPIPES_RUN/p/strategy-A/pid")
	kill -KILL "$(pgrep -g "$pg" -x strategy)"
	wait_for 60 grep -q 'restart 1' "$KPIPES_RUN/logs/strategy-A.log"
	wait_for 60 state_is producer finished
	run with_timeout 120 kpipes down --drain -t 90
	assert_success
	nothing_left
	cd "$BATS_TEST_TMPDIR"
	read_all "${P}A_input" > in
	# kin reads committed messages only (librdkafka's default isolation).
	read_all "${P}A_output" > out
	assert_equal "$(wc -l < in)" 300
	assert_equal "$(wc -l < out)" 300
	assert_equal "$(jq -c 'del(.result)' out | sort)" "$(jq -c . in | sort)"
	assert_equal "$(jq -c "select(.result != ($JQ_RULE))" out)" ""
}

@test "workflow: up --eos with the join: down --drain ends (the join's consumers commit past the markers), status counts records" {
	need_broker
	[ "$(broker_kind)" = real ] ||
	    skip "the embedded broker's transactions never commit the group's offsets (kbroker(1))"
	run with_timeout 60 kpipes up --eos --producer -r 20 -n 200 -s C,D
	assert_success
	wait_for 60 state_is producer finished
	wait_for 60 more_than "${P}D_input_ready" 100
	# C_output is written in transactions: its offsets outnumber its records.
	run with_timeout 60 kpipes status -i 0.5
	assert_success
	echo "$output" | grep "^${P}C_output " >&3 || true
	assert_line --regexp "^${P}C_output +100 "
	start=$SECONDS
	run with_timeout 120 kpipes down --drain -t 60
	assert_success
	echo "# down --drain took $((SECONDS - start)) s" >&3
	refute_output --partial "behind"
	nothing_left
}

@test "workflow: down kills what a killed supervisor left behind" {
	need_broker
	run with_timeout 60 kpipes up -s A --no-join
	assert_success
	pg=$(cat "$KPIPES_RUN/p/strategy-A/pid")
	wait_for 30 pgrep -g "$pg" -x kout
	kill -KILL "$pg"
	run with_timeout 60 kpipes down
	assert_failure 1
	assert_output --partial 'strategy-A: killing what is left of it'
	nothing_left
}

@test "workflow: the join restarts with its inputs, and several copies share a group" {
	need_broker
	run with_timeout 60 kpipes up --producer -r 4 -s C,D -c 2
	assert_success
	wait_for 60 more_than "${P}D_input_ready" 10
	# Two copies of each strategy job, one consumer group: the partitions are
	# shared, so each copy is given some (4 partitions, 2 members).
	for n in strategy-C strategy-C.2; do
		pg=$(cat "$KPIPES_RUN/p/$n/pid")
		[ -n "$(pgrep -g "$pg" -x kin)" ]
	done
	run with_timeout 30 kpipes status -i 0.5
	assert_line --regexp '^strategy-C +running 2/2 +0 '
	# Killing the join's right-hand kin (in the process substitution) is
	# noticed too: the pipeline is restarted whole.
	pg=$(cat "$KPIPES_RUN/p/join/pid")
	right=$(pgrep -g "$pg" -f "kin .*-g ${P}join-D")
	kill -KILL "$right"
	wait_for 60 grep -q 'restart 1' "$KPIPES_RUN/logs/join.log"
	wait_for 60 state_is join running
	# The rest of the pipeline stopped in order: its window was kept and read back.
	wait_for 30 grep -q 'join.state: [0-9]* records\{0,1\} of the last run back in the window' "$KPIPES_RUN/logs/join.log"
	n=$(count "${P}D_input_ready")
	wait_for 60 more_than "${P}D_input_ready" "$n"
	run with_timeout 90 kpipes down --drain -t 60
	assert_success
	nothing_left
	read_all "${P}D_input_ready" > "$BATS_TEST_TMPDIR/pairs"
	assert_equal "$(jq -c "$JQ_MS"' select(((.left.ts | ms) - (.right.ts | ms)) | fabs > 300000)' "$BATS_TEST_TMPDIR/pairs")" ""
}

@test "workflow: up --foreground (the docker-compose service) shows the logs, stops everything on SIGTERM, exits 0" {
	need_broker
	kpipes up --foreground -s A --no-join >"$BATS_TEST_TMPDIR/fg.out" 2>&1 3>&- &
	fg=$!
	wait_for 60 state_is strategy-A running
	wait_for 30 grep -q 'kpipes\[strategy-A\]: started: kin' "$BATS_TEST_TMPDIR/fg.out"
	kill -TERM "$fg"
	wait_for 60 gone "$fg"
	run wait "$fg"
	assert_success
	nothing_left
	grep -q 'kpipes\[strategy-A\]: stopped (kin=0 strategy=0 kout=0)' "$KPIPES_RUN/logs/strategy-A.log"
}

@test "make demo: a short run exits 0, every check passes, nothing is left running" {
	need_broker
	demo_env=(DEMO_SECONDS=6 DEMO_RATE=2 KPIPES_RUN="$BATS_TEST_TMPDIR/run")
	if [ "$(broker_kind)" = embedded ]; then
		# From scratch: the demo starts its own embedded broker.
		demo_env+=(KAFKA_BROKERS=)
	fi
	run with_timeout 180 env -u KPIPES_PREFIX "${demo_env[@]}" make -s -C "$KP_ROOT" demo
	assert_success
	assert_output --partial 'every check passed'
	assert_output --regexp 'D_input_ready: [0-9]+ records'
	refute_output --partial 'FAIL'
	nothing_left
	if [ "$(broker_kind)" = embedded ]; then
		kb=$(sed -n 's/.*embedded broker (kbroker, pid \([0-9]*\)).*/\1/p' <<<"$output")
		[ -n "$kb" ]
		gone "$kb"
	fi
}
