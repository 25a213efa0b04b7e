#!/usr/bin/env bats
# kbroker: every test starts its own broker, whatever $KAFKA_BROKERS says.

load test_helper
bats_require_minimum_version 1.5.0

KB_PID=""

# Starts kbroker with the given arguments; sets KB_PID and KB_ADDR.
start_kbroker() {
	kbroker "$@" >"$BATS_TEST_TMPDIR/addr" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	KB_PID=$!
	for _ in $(seq 100); do
		[ -s "$BATS_TEST_TMPDIR/addr" ] && break
		sleep 0.05
	done
	KB_ADDR=$(head -n 1 "$BATS_TEST_TMPDIR/addr")
	[ -n "$KB_ADDR" ] || fail "kbroker printed no address: $(cat "$BATS_TEST_TMPDIR/err")"
}

teardown() {
	if [ -n "$KB_PID" ] && kill -0 "$KB_PID" 2>/dev/null; then
		kill -KILL "$KB_PID"
		wait "$KB_PID" 2>/dev/null || true
	fi
}

# Sends a signal and checks that kbroker exits 0 within a few seconds.
stop_kbroker() {
	local start rc
	start=$(date +%s%N)
	kill "-$1" "$KB_PID"
	rc=0
	wait "$KB_PID" || rc=$?
	KB_PID=""
	[ "$rc" -eq 0 ] || fail "kbroker exited $rc on SIG$1"
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$elapsed_ms" -lt 3000 ] || fail "SIG$1 took $elapsed_ms ms"
}

# Partition count of a topic as kcat -L reports it (which must not create it).
kcat_partitions() {
	kcat -b "$KB_ADDR" -L | sed -n "s/^  topic \"$1\" with \([0-9]*\) partitions:$/\1/p"
}

@test "prints the bootstrap address as its only stdout line and keeps serving" {
	start_kbroker
	[[ "$KB_ADDR" =~ ^127\.0\.0\.1:[0-9]+$ ]]
	sleep 0.3
	kill -0 "$KB_PID"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/addr")" -eq 1 ]
	stop_kbroker TERM
}

@test "-n 3 gives three brokers, all on loopback" {
	start_kbroker -n 3
	[[ "$KB_ADDR" =~ ^127\.0\.0\.1:[0-9]+,127\.0\.0\.1:[0-9]+,127\.0\.0\.1:[0-9]+$ ]]
	run kcat -b "$KB_ADDR" -L
	assert_success
	assert_output --partial ' 3 brokers:'
}

@test "kcat round trip: what is produced is consumed back" {
	start_kbroker -t rt:1
	printf 'one\ntwo\n{"n":3}\n' | with_timeout 20 kcat -P -b "$KB_ADDR" -t rt
	run with_timeout 20 kcat -C -b "$KB_ADDR" -t rt -o beginning -e -q
	assert_success
	assert_output "$(printf 'one\ntwo\n{"n":3}')"
}

@test "-t NAME:N creates topics with N partitions, 4 by default" {
	start_kbroker -t three:3 -t one:1 -t plain
	[ "$(kcat_partitions three)" -eq 3 ]
	[ "$(kcat_partitions one)" -eq 1 ]
	[ "$(kcat_partitions plain)" -eq 4 ]
	# ktopic sees the same.
	[ "$(ktopic -b "$KB_ADDR" -J list | jq -c -s 'map([.topic, .partitions])')" = \
	    '[["one",1],["plain",4],["three",3]]' ]
}

@test "every partition has min(3, brokers) replicas" {
	start_kbroker -n 5 -t t5:2
	run ktopic -b "$KB_ADDR" -J describe t5
	assert_success
	[ "$(jq -s 'map(.replicas | length)' -c <<<"$output")" = '[3,3]' ]
	stop_kbroker TERM
	start_kbroker -n 1 -t t1:2
	run ktopic -b "$KB_ADDR" -J describe t1
	[ "$(jq -s 'map(.replicas)' -c <<<"$output")" = '[[1],[1]]' ]
}

@test "SIGTERM and SIGINT stop it promptly with exit 0, clients connected or not" {
	start_kbroker -t busy:2
	with_timeout 30 kcat -C -b "$KB_ADDR" -t busy -q >/dev/null 2>&1 3>&- &
	consumer=$!
	sleep 1
	stop_kbroker TERM
	kill "$consumer" 2>/dev/null || true
	wait "$consumer" 2>/dev/null || true
	start_kbroker -n 3
	stop_kbroker INT
}

@test "bad arguments exit 2 with a message and start nothing" {
	while read -r args; do
		run -2 --separate-stderr kbroker $args
		[ -z "$output" ] || fail "stdout for: $args"
		[ -n "$stderr" ] || fail "no message for: $args"
	done <<-'EOF'
	-n 0
	-n 33
	-n 3x
	-n
	-t
	-t a:0
	-t a:x
	-t a:
	-t a:2:1
	-t :3
	-t bad/name
	-t a -t a:2
	-z
	extra
	EOF
}

@test "-h prints the synopsis to stdout; -V the version" {
	run --separate-stderr kbroker -h
	assert_success
	[ -z "$stderr" ]
	assert_output --regexp '^usage: kbroker '
	run kbroker -V
	assert_success
	assert_output --regexp '^kbroker [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "a topic is created with 4 partitions when a client asks for its metadata" {
	start_kbroker
	[ -z "$(kcat_partitions asked)" ]
	kcat -b "$KB_ADDR" -L -t asked -X allow.auto.create.topics=false >/dev/null
	[ "$(kcat_partitions asked)" -eq 4 ]
}

@test "the Admin API has no controller: ktopic create -p 3 fails at once and says why" {
	start_kbroker
	start=$(date +%s%N)
	run -1 ktopic -b "$KB_ADDR" create -p 3 adm
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 ]
	assert_output --partial 'controller 0 is none of its brokers'
	assert_output --partial 'kbroker -t adm:3'
}

@test "a partition keeps about 5 MB: older messages are dropped silently" {
	start_kbroker -t big:1
	# 20000 messages of 1000 bytes: 20 MB.
	yes "$(head -c 999 /dev/zero | tr '\0' x)" | head -n 20000 |
	    with_timeout 60 kcat -P -b "$KB_ADDR" -t big
	run ktopic -b "$KB_ADDR" -J describe big
	assert_success
	low=$(jq '.low' <<<"$output")
	high=$(jq '.high' <<<"$output")
	[ "$high" -eq 20000 ]
	kept=$((high - low))
	# About 5 MB of 1000-byte messages.
	[ "$kept" -gt 3000 ] && [ "$kept" -lt 8000 ] || fail "kept $kept of $high"
}
