#!/usr/bin/env bats
# The launcher's own rules (bin/kpipes, bin/kpipes-supervise): every name,
# path and option value is passed to the programs as one word, never read
# by a shell; the supervisor's interface. The workflow itself, on both
# brokers, is tests/workflow.bats.

load test_helper
bats_require_minimum_version 1.5.0

setup() {
	export KPIPES_RUN="$BATS_TEST_TMPDIR/run"
	export KPIPES_PREFIX="k${BATS_TEST_NUMBER}_$$_${RANDOM}_"
	P=$KPIPES_PREFIX
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	local f
	with_timeout 60 kpipes down --keep-broker >/dev/null 2>&1 || true
	# What a failed test may have left of the supervisors it started itself.
	for f in "$KPIPES_RUN"/p/*/pid; do
		[ -f "$f" ] && pgrep -f kpipes-supervise | grep -qx "$(cat "$f")" &&
			kill -KILL -- "-$(cat "$f")" 2>/dev/null
	done
	return 0
}

# hostile NAME: a value that, read by a shell, would run three commands that
# each make a file NAME.N (relative: file names cannot hold a slash, and
# every command here runs in the test's directory or the run directory
# below it). It holds ; $(...) a backtick pair, both quotes and a blank.
hostile() {
	printf '%s' "x;touch $1.1;\$(touch $1.2)\`touch $1.3\`'\" y"
}

# no_marker: no command of a hostile value ran.
no_marker() {
	local found
	found=$(find "$BATS_TEST_TMPDIR" -name 'pwned*')
	[ -z "$found" ] || fail "a value was run as shell code: $found"
}

# words FILE: a stage file's words, one a line.
words() {
	tr '\0' '\n' <"$1"
}

# supervise DIR ARG...: starts kpipes-supervise as kpipes up does, in a
# session of its own, its log in DIR/log.
supervise() {
	local dir=$1
	shift
	setsid kpipes-supervise "$@" </dev/null >"$dir/log" 2>&1 3>&- &
}

@test "kpipes: a prefix, a stop time-out or a topic holding shell code is refused with exit 2, and nothing runs" {
	run -2 env KPIPES_PREFIX="a;\$(touch $BATS_TEST_TMPDIR/pwned.p)\`touch $BATS_TEST_TMPDIR/pwned.q\`'" kpipes up
	assert_output --partial "only letters, digits, '.', '_' and '-' may be used"
	[ ! -e "$KPIPES_RUN/p" ]
	# Arithmetic in bash evaluates an array subscript: a number is checked first.
	run -2 env KPIPES_STOP_TIMEOUT="a[\$(touch $BATS_TEST_TMPDIR/pwned.t)]" kpipes down
	assert_output --partial 'not a number of seconds'
	run -2 kpipes -b 127.0.0.1:1 peek "$(hostile pwned.topic)"
	assert_output --partial 'not a topic name'
	run -1 kpipes logs "$(hostile pwned.log)"
	assert_output --partial 'no log for x;touch pwned.log.1;'
	no_marker
}

@test "kpipes: brokers and mockgen options holding shell code reach the programs as they are" {
	need_broker
	# A broker list whose second entry is shell code: librdkafka is given
	# it whole, and answers from the first.
	run -0 with_timeout 60 kpipes -b "$KAFKA_BROKERS,127.0.0.1:1;$(hostile pwned.b)" topics
	assert_line --regexp "^${P}A_input	[0-9]+ partitions$"
	# After --, each word is one mockgen argument: this one is not a time.
	run -2 with_timeout 60 kpipes produce -n 1 -s A -- --start "$(hostile pwned.start)"
	assert_output --partial "mockgen -n 1 -s A --start 'x;touch pwned.start.1;"
	assert_output --partial "mockgen: "
	no_marker
}

@test "kpipes up -F: a client file whose name holds shell code reaches every kin and kout as one word; every record goes through" {
	need_broker
	f="$BATS_TEST_TMPDIR/$(hostile pwned.f).properties"
	printf 'client.id=kpipes-test;$(touch pwned.id)\n' >"$f"
	run -0 with_timeout 60 kpipes up -F "$f" --producer -n 20 -r 0 -s A --no-join
	no_marker
	# The pipelines are kept as words; the line printed for people is quoted
	# so that a shell would read it back as the same words.
	assert_equal "$(words "$KPIPES_RUN/p/strategy-A/stage.1")" \
	    "$(printf '%s\n' kin -F consumer.properties -F "$f" -g "${P}strategy-A" "${P}A_input")"
	assert_equal "$(words "$KPIPES_RUN/p/strategy-A/stage.3")" \
	    "$(printf '%s\n' kout -F "$f" "${P}A_output")"
	assert_equal "$(words "$KPIPES_RUN/p/producer/stage.2")" "$(printf '%s\n' kout -F "$f" "${P}A_input")"
	line=$(sed -n 's/^kpipes: strategy-A: //p' <<<"$output")
	assert_equal "$(python3 -c 'import shlex, sys; print("\n".join(shlex.split(sys.argv[1])))' "$line")" \
	    "$(printf '%s\n' kin -F consumer.properties -F "$f" -g "${P}strategy-A" "${P}A_input" '|' strategy '|' kout -F "$f" "${P}A_output")"
	grep -qxF "CLIENT_CONFIG=$f" "$KPIPES_RUN/config"
	wait_for 60 state_is producer finished
	run -0 with_timeout 120 kpipes down --drain -t 90
	refute_output --partial behind
	assert_equal "$(with_timeout 60 kin -F "$f" -e "${P}A_output" | jq -s 'map(select(.result != null)) | length')" 20
	grep -q 'stopped (kin=0 strategy=0 kout=0)' "$KPIPES_RUN/logs/strategy-A.log"
	no_marker
}

@test "kpipes-supervise: runs a pipeline with a process substitution from its words, and a producer that ends is finished" {
	run_dir=$KPIPES_RUN
	d="$run_dir/p/pairs"
	mkdir -p "$d"
	rejects=$(hostile pwned.r)
	printf '%s\0' mockgen -n 3 -r 0 -s C --seed 1 --start 2026-11-24T00:00:00Z --step 1s >"$d/stage.1"
	printf '%s\0' wjoin -w 1m >"$d/stage.2"
	printf '%s\0' mockgen -n 3 -r 0 -s D --seed 2 --start 2026-11-24T00:00:00Z --step 1s >"$d/stage.2.input"
	printf '%s\0' strategy -f .left.value --rejects "$rejects" >"$d/stage.3"
	echo "C | wjoin <(D) | strategy" >"$d/cmd"
	supervise "$d" -P "$run_dir" pairs
	wait_for 30 state_is pairs finished
	assert_equal "$(cat "$d/exit")" "0 0 0"
	assert_equal "$(cat "$d/restarts")" 0
	run cat "$d/log"
	assert_line --regexp 'kpipes\[pairs\]: started: C \| wjoin <\(D\) \| strategy$'
	assert_line --regexp 'kpipes\[pairs\]: finished \(mockgen=0 wjoin=0 strategy=0\)$'
	# Every C pairs with every D (all within a minute): 3 x 3, each with
	# its result.
	assert_equal "$(grep '^{' "$d/log" | jq -r 'select(.result != null) | "\(.left.ts) \(.right.ts)"' | sort -u | wc -l)" 9
	# The argument reached strategy as it was: its rejects file has that
	# name, in the run directory, where the pipeline runs.
	[ -f "$run_dir/$rejects" ]
	no_marker
}

@test "kpipes-supervise: a producer whose kout delivers for seconds after mockgen ended is finished, not run again" {
	run_dir=$KPIPES_RUN
	d="$run_dir/p/slow"
	mkdir -p "$d" "$BATS_TEST_TMPDIR/slowbin"
	# A kout that takes 4 s to deliver once its input has ended (a loaded
	# broker): it keeps the lines it was given, then appends them to out.
	cat >"$BATS_TEST_TMPDIR/slowbin/kout" <<EOF
#!/bin/bash
cat >"$BATS_TEST_TMPDIR/held"
sleep 4
cat "$BATS_TEST_TMPDIR/held" >>"$BATS_TEST_TMPDIR/out"
EOF
	chmod +x "$BATS_TEST_TMPDIR/slowbin/kout"
	printf '%s\0' mockgen -n 5 -r 0 --id >"$d/stage.1"
	printf '%s\0' kout T >"$d/stage.2"
	PATH="$BATS_TEST_TMPDIR/slowbin:$PATH" supervise "$d" -P "$run_dir" slow
	wait_for 30 state_is slow finished
	assert_equal "$(cat "$d/restarts")" 0
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/out")" 5
	run cat "$d/log"
	refute_line --partial 'a stage has exited'
}

@test "kpipes-supervise: a usage error is not restarted; SIGTERM stops a pipeline from its head; bad arguments exit 2" {
	run_dir=$KPIPES_RUN
	d="$run_dir/p/bad"
	mkdir -p "$d"
	printf '%s\0' mockgen -n 1 -r 0 >"$d/stage.1"
	printf '%s\0' strategy --bogus >"$d/stage.2"
	supervise "$d" "$run_dir" bad
	wait_for 30 state_is bad failed
	run cat "$d/log"
	assert_output --regexp 'exited with a usage or configuration error \(mockgen=[0-9]+ strategy=2\): not restarting'
	assert_equal "$(cat "$d/restarts")" 0

	d="$run_dir/p/live"
	mkdir -p "$d"
	printf '%s\0' mockgen -r 2 -s A >"$d/stage.1"
	printf '%s\0' strategy >"$d/stage.2"
	supervise "$d" -t 5 "$run_dir" live
	wait_for 30 state_is live running
	wait_for 30 grep -q '"result"' "$d/log"
	pid=$(cat "$d/pid")
	kill -TERM "$pid"
	wait_for 30 state_is live stopped
	run cat "$d/log"
	assert_output --partial 'stopping: SIGTERM to its first programs'
	assert_output --regexp 'stopped \(mockgen=0 strategy=0\)'
	refute_output --partial 'killing it'

	run -2 kpipes-supervise
	run -2 kpipes-supervise -t soon "$run_dir" live
	run -2 kpipes-supervise "$run_dir" none
	assert_output --partial 'no such pipeline'
	# Not started with setsid: it could not tell its programs from others.
	run -2 kpipes-supervise "$run_dir" live
	assert_output --partial 'session of its own'
	mkdir -p "$run_dir/p/one"
	printf '%s\0' mockgen >"$run_dir/p/one/stage.1"
	run -2 setsid kpipes-supervise "$run_dir" one
	assert_output --partial '1 stages'
}
