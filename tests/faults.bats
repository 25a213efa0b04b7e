#!/usr/bin/env bats
# Surviving faults: a broker that goes away, members that die, copies that
# share partitions, a full disk.

load test_helper
bats_require_minimum_version 1.5.0

setup() {
	need_broker
	T=$(new_topic faults)
	G="g_${T}"
	GROUPX=(-X session.timeout.ms=6000 -X heartbeat.interval.ms=500)
}

teardown() {
	# Whatever a test left running in the background.
	local pids
	pids=$(jobs -p)
	[ -z "$pids" ] || kill $pids 2>/dev/null || true
	[ -z "${KR_DIR:-}" ] || "$KP_ROOT/tests/kafka-real.sh" stop "$KR_DIR" >/dev/null 2>&1 || true
}

# wait_lines FILE N SECONDS: until FILE has N lines.
wait_lines() {
	local i
	for ((i = 0; i < $3 * 5; i++)); do
		[ "$(wc -l < "$1")" -ge "$2" ] && return 0
		sleep 0.2
	done
	echo "only $(wc -l < "$1") of $2 lines in $1" >&2
	return 1
}

# wait_ids FILE N SECONDS: until FILE holds N distinct .id values (a consumer
# that lost its group while the broker was away reads some records again, at
# least once: counting lines would stop it before the last ones came).
wait_ids() {
	local i
	for ((i = 0; i < $3 * 5; i++)); do
		[ "$(jq .id "$1" | sort -u | wc -l)" -ge "$2" ] && return 0
		sleep 0.2
	done
	echo "only $(jq .id "$1" | sort -u | wc -l) of $2 ids in $1 ($(wc -l < "$1") lines)" >&2
	return 1
}

# broker_outage_report BROKERS FILE: where the ids FILE lacks are in the
# topic (or that the topic lacks them too), what the group committed, and
# what kout and kin said: a lost record is told from a late one.
broker_outage_report() {
	local all="$BATS_TEST_TMPDIR/topic"
	kin -b "$1" -e -E "$T" > "$all" || true
	echo "the topic holds $(wc -l < "$all") records, $(jq .value.id "$all" | sort -u | wc -l) ids" >&2
	jq -r .id "$2" | sort -u > "$BATS_TEST_TMPDIR/got"
	jq .value.id "$all" | sort -u | comm -23 - "$BATS_TEST_TMPDIR/got" |
		while read -r id; do
			echo "missing id $id: $(jq -c --argjson id "$id" 'select(.value.id == $id) | {partition, offset, timestamp}' "$all")" >&2
		done
	ktopic -b "$1" lag -g "$G" "$T" >&2 || true
	sed 's/^/kout: /' "$BATS_TEST_TMPDIR/kout.err" >&2
	sed 's/^/kin: /' "$BATS_TEST_TMPDIR/kin.err" >&2
}

@test "faults: the broker stopped for 10 s and restarted: kout and kin neither lose, hang nor exit" {
	[ "$(broker_kind)" = real ] || skip "the embedded broker cannot be restarted with its data"
	KR_DIR="$BATS_TEST_TMPDIR/kafka"
	B=$("$KP_ROOT/tests/kafka-real.sh" start "$KR_DIR")
	out="$BATS_TEST_TMPDIR/out"
	: > "$out"
	mockgen -r 100 -n 2000 --id -s A | kout -b "$B" "$T" 2>"$BATS_TEST_TMPDIR/kout.err" &
	producer=$!
	kin -b "$B" -g "$G" "${GROUPX[@]}" "$T" > "$out" 2>"$BATS_TEST_TMPDIR/kin.err" &
	consumer=$!
	wait_lines "$out" 300 60
	"$KP_ROOT/tests/kafka-real.sh" halt "$KR_DIR"
	sleep 10
	kill -0 "$producer" && kill -0 "$consumer"	# still running, not exited
	"$KP_ROOT/tests/kafka-real.sh" resume "$KR_DIR"
	rc=0
	with_timeout 120 tail --pid="$producer" -f /dev/null || rc=$?
	wait "$producer" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$BATS_TEST_TMPDIR/kout.err"; false; }
	# Late is not lost: a rejoin after the outage may take a while under
	# load; past 60 s the wait is said (CI once had 4 of 2000 missing at
	# 60 s, not reproduced since), past 150 s it fails with the report.
	since=$SECONDS
	wait_ids "$out" 2000 150 || { broker_outage_report "$B" "$out"; false; }
	if ((SECONDS - since > 60)); then
		echo "# the last ids came $((SECONDS - since)) s after the producer ended; kin said:" >&3
		grep -v 'Connect to\|Disconnected' "$BATS_TEST_TMPDIR/kin.err" | sed 's/^/#   /' >&3 || true
	fi
	kill -INT "$consumer"
	wait "$consumer"
	assert_equal "$(jq .id "$out" | sort -n | uniq | wc -l)" 2000
	# The idempotent producer wrote each line once, whatever it had to retry.
	run kin -b "$B" -e "$T"
	assert_equal "${#lines[@]}" 2000
}

@test "faults: a group member killed while two others run: its partitions move, nothing is lost" {
	parts=4
	if [ "$(broker_kind)" = real ]; then
		parts=6
		ktopic create -p 6 "$T"
	fi
	for i in 1 2 3; do
		kin -g "$G" "${GROUPX[@]}" "$T" > "$BATS_TEST_TMPDIR/m$i" 2>/dev/null &
		eval "m$i=\$!"
	done
	mockgen -r 300 -n 3000 --id -s A | kout "$T" &
	producer=$!
	sleep 4
	kill -KILL "$m2"
	wait "$producer"
	all() { cat "$BATS_TEST_TMPDIR"/m1 "$BATS_TEST_TMPDIR"/m2 "$BATS_TEST_TMPDIR"/m3 | jq .id | sort -n | uniq | wc -l; }
	for _ in $(seq 150); do
		[ "$(all)" -ge 3000 ] && break
		sleep 0.2
	done
	kill -INT "$m1" "$m3"
	wait "$m1" "$m3"
	assert_equal "$(all)" 3000
	# The survivors took over the dead member's partitions.
	[ -s "$BATS_TEST_TMPDIR/m1" ] && [ -s "$BATS_TEST_TMPDIR/m3" ]
	echo "# partitions: $parts" >&3
}

@test "faults: three copies of a strategy pipeline share a 6-partition topic, output complete" {
	[ "$(broker_kind)" = real ] || skip "the embedded broker makes no 6-partition topics at run time"
	ktopic create -p 6 "$T" "${T}_out"
	for i in 1 2 3; do
		( kin -g "$G" "${GROUPX[@]}" "$T" | tee "$BATS_TEST_TMPDIR/c$i" | strategy | kout "${T}_out" ) &
		eval "c$i=\$!"
	done
	# Let the three join before the records come, and let the records come
	# over 10 s, so that a member that joins late still gets some.
	sleep 6
	mockgen -r 600 -n 6000 --id -s A | kout "$T"
	for _ in $(seq 150); do
		[ "$(cat "$BATS_TEST_TMPDIR"/c? | wc -l)" -ge 6000 ] && break
		sleep 0.2
	done
	# Stop each pipeline at its head: the later stages drain and exit.
	pkill -TERM -f -- "-g $G" || true
	wait "$c1" "$c2" "$c3"
	run kin -e "${T}_out"
	assert_equal "${#lines[@]}" 6000
	assert_equal "$(jq .id <<<"$output" | sort -n | uniq | wc -l)" 6000
	# Shared, not copied: each copy read some, none read another's.
	for i in 1 2 3; do [ -s "$BATS_TEST_TMPDIR/c$i" ]; done
	assert_equal "$(cat "$BATS_TEST_TMPDIR"/c? | wc -l)" 6000
}

# written TOPIC: how many messages TOPIC has taken (its high watermarks).
written() {
	ktopic -J describe "$1" 2>/dev/null | jq -s 'map(.high) | add // 0'
}

@test "faults: Ctrl-C (SIGINT to every stage) on kin -g | strategy | kout mid-stream, then a restart: every record arrives" {
	# A backlog of 100,000 records (the embedded broker keeps 5 MB a
	# partition); the pipeline is stopped twice while it reads them, its
	# pipes full, and then runs to the end.
	mockgen -r 0 -n 100000 --id -s A | kout "$T"
	for run in 1 2; do
		local before
		before=$(written "${T}_out")
		setsid bash -c 'kin -g "$1" -X session.timeout.ms=6000 "$2" | strategy | kout "$2_out"' _ "$G" "$T" \
		    2>>"$BATS_TEST_TMPDIR/err" &
		pg=$!
		for _ in $(seq 300); do
			[ "$(written "${T}_out")" -lt $((before + 5000)) ] || break
			sleep 0.1
		done
		kill -INT -- "-$pg"
		wait "$pg" || true
		echo "# $(broker_kind): run $run stopped at $(written "${T}_out") written" >&3
	done
	with_timeout 120 bash -c 'set -o pipefail; kin -g "$1" -X session.timeout.ms=6000 -e "$2" | strategy | kout "$2_out"' _ "$G" "$T"
	run --separate-stderr kin -e "${T}_out"
	echo "# $(broker_kind): ${#lines[@]} lines for 100000 records" >&3
	assert_equal "$(jq .id <<<"$output" | sort -n | uniq | wc -l)" 100000
	assert_equal "$(jq 'select(.result == null)' <<<"$output")" ""
}

@test "faults: three exactly-once copies, each with its own --txn-id, share the partitions" {
	[ "$(broker_kind)" = real ] || skip "transactions are not real on the embedded broker (kbroker(1))"
	ktopic create -p 6 "$T" "${T}_out"
	mockgen -r 0 -n 30000 --id -s A | kout "$T"
	# Staggered, so that the group rebalances while records are in the pipes. A copy
	# whose late commit is refused exits 1 and is started again, as a supervisor would.
	for i in 1 2 3; do
		(
			for try in 1 2 3 4; do
				kin --eos -g "$G" "${GROUPX[@]}" -e "$T" 2>>"$BATS_TEST_TMPDIR/log" |
					strategy | kout --eos --txn-id "copy-$i-$T" "${T}_out" 2>>"$BATS_TEST_TMPDIR/log" && break
			done
		) &
		eval "c$i=\$!"
		sleep 0.4
	done
	wait "$c1" "$c2" "$c3"
	sed 's|^|# |' "$BATS_TEST_TMPDIR/log" >&3 || true
	run kin -e -X isolation.level=read_committed "${T}_out"
	assert_equal "${#lines[@]}" 30000
	assert_equal "$(jq .id <<<"$output" | sort -n | uniq | wc -l)" 30000
	run ktopic -J lag -g "$G" "$T"
	assert_equal "$(jq -s 'map(.lag) | add' <<<"$output")" 0
}

@test "faults: a full disk on stdout: exit 1, and kin commits nothing it could not write" {
	seq 1 50 | sed 's/.*/{"n":&}/' | kout "$T"
	run --separate-stderr bash -c 'kin -g "$1" -X session.timeout.ms=6000 -e "$2" > /dev/full' _ "$G" "$T"
	assert_failure 1
	[[ "$stderr" == *"No space left on device"* ]]
	run ktopic -J lag -g "$G" "$T"
	assert_equal "$(jq -s 'map(.committed // 0 | if . < 0 then 0 else . end) | add' <<<"$output")" 0
	run --separate-stderr bash -c 'strategy < "$1" > /dev/full' _ "$FIXTURES/strategy/fields.in"
	assert_failure 1
	run --separate-stderr bash -c 'mockgen -n 10 > /dev/full'
	assert_failure 1
	run --separate-stderr bash -c 'kin -e "$1" | wjoin -w 1s /dev/null > /dev/full' _ "$T"
	[ "${status}" -ne 0 ]
}

@test "scale: a keyed wjoin split by partition (one wjoin per partition) equals one wjoin over all" {
	# Both topics keyed by .k and with the same partition count: co-partitioned.
	python3 "$KP_ROOT/tests/helpers/wjoin-gen.py" -n 400 --keys 20 --step 1000 --seed 5 --prefix c > "$BATS_TEST_TMPDIR/c"
	python3 "$KP_ROOT/tests/helpers/wjoin-gen.py" -n 400 --keys 20 --step 1000 --seed 6 --prefix d > "$BATS_TEST_TMPDIR/d"
	if [ "$(broker_kind)" = real ]; then ktopic create -p 4 "${T}_C" "${T}_D"; fi
	kout -k .k "${T}_C" < "$BATS_TEST_TMPDIR/c"
	kout -k .k "${T}_D" < "$BATS_TEST_TMPDIR/d"
	wjoin -k .k -w 5s "$BATS_TEST_TMPDIR/d" < "$BATS_TEST_TMPDIR/c" | jq -c '[.left.id, .right.id]' | sort > "$BATS_TEST_TMPDIR/whole"
	for p in 0 1 2 3; do
		kin -e -p "$p" "${T}_C" | wjoin -k .k -w 5s <(kin -e -p "$p" "${T}_D") > "$BATS_TEST_TMPDIR/part$p" &
	done
	wait
	cat "$BATS_TEST_TMPDIR"/part? | jq -c '[.left.id, .right.id]' | sort > "$BATS_TEST_TMPDIR/split"
	[ -s "$BATS_TEST_TMPDIR/whole" ]
	diff "$BATS_TEST_TMPDIR/whole" "$BATS_TEST_TMPDIR/split"
	# Every partition did some of the work.
	for p in 0 1 2 3; do [ -s "$BATS_TEST_TMPDIR/part$p" ]; done
}
