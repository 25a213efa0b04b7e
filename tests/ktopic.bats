#!/usr/bin/env bats
# ktopic against $KAFKA_BROKERS: the embedded kbroker (librdkafka's mock
# cluster, which has no controller for the Admin API) or a real Kafka.

load test_helper
bats_require_minimum_version 1.5.0

# Succeeds if ktopic list shows the topic.
listed() {
	ktopic list | grep -qx -- "$1"
}

# Produces the numbers 1..N to partition 0 of a topic.
produce_p0() {
	seq "$2" | with_timeout 30 kcat -P -b "$KAFKA_BROKERS" -t "$1" -p 0
}

# A topic with (on a real Kafka) 1 partition, or (embedded) the 4 it makes.
make_topic() {
	if [ "$(broker_kind)" = real ]; then
		ktopic create -p 1 "$1"
	else
		ktopic create "$1" 2>/dev/null
	fi
}

@test "-V prints the version" {
	run ktopic -V
	assert_success
	assert_output --regexp '^ktopic [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "usage errors exit 2 with a message, before any connection" {
	# Each line: arguments (word-split). The broker is unreachable on purpose:
	# a usage error must be found before ktopic tries to connect.
	while read -r args; do
		run -2 ktopic -b 127.0.0.1:1 $args
		[ -n "$output" ] || fail "no message for: $args"
	done <<-'EOF'

	bogus
	-z list
	list extra
	list --bogus
	create
	create -p 0 t
	create -p x t
	create -p 3x t
	create -r 0 t
	create -c novalue t
	create bad/name
	create ..
	create ok .
	delete a/b
	describe bad/name
	describe ok ..
	lag -g g a/b
	delete
	describe
	lag
	lag -g
	lag t
	--timeout never list
	--timeout 0 list
	-X no.such.property=1 list
	EOF
	run -2 --separate-stderr ktopic -b 127.0.0.1:1 describe "bad topic"
	assert_equal "$stderr" 'ktopic: "bad topic": not a topic name (1 to 249 of a-z A-Z 0-9 . _ -)'
	run -2 ktopic -b 127.0.0.1:1 describe ""
	run -2 ktopic -b 127.0.0.1:1 describe "$(printf 'a%.0s' $(seq 250))"
}

@test "an unreachable broker fails with exit 1 within the timeout" {
	for cmd in list "describe t" "create t" "delete t" "lag -g g"; do
		start=$(date +%s%N)
		run -1 ktopic -b 127.0.0.1:1 --timeout 2s $cmd
		elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
		[ "$elapsed_ms" -lt 5000 ] || fail "$cmd took $elapsed_ms ms"
		assert_output --partial '127.0.0.1:1'
		assert_output --partial 'Connection refused'
	done
}

@test "create then describe shows the partitions (real) or says why not (embedded)" {
	need_broker
	t=$(new_topic)
	if [ "$(broker_kind)" = real ]; then
		run ktopic create -p 3 "$t"
		assert_success
		run ktopic -J describe "$t"
		assert_success
		[ "$(jq -s 'length' <<<"$output")" -eq 3 ]
		[ "$(jq -s '[.[].partition]' -c <<<"$output")" = '[0,1,2]' ]
		[ "$(jq -s 'all(.leader != null and .low == 0 and .high == 0)' <<<"$output")" = true ]
	else
		start=$(date +%s%N)
		run -1 ktopic create -p 3 "$t"
		[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 ]
		assert_output --partial "kbroker -t $t:3"
		assert_output --partial "no controller"
		# Nothing was created behind our back.
		run ! listed "$t"
	fi
}

@test "create without -p: the broker's default, or auto-creation with 4 partitions" {
	need_broker
	t=$(new_topic)
	run --separate-stderr ktopic -J create "$t"
	assert_success
	if [ "$(broker_kind)" = real ]; then
		assert_output "{\"topic\":\"$t\",\"result\":\"created\"}"
	else
		assert_output "{\"topic\":\"$t\",\"result\":\"auto-created\"}"
		[[ "$stderr" == *"created by asking for its metadata, with 4 partitions"* ]]
		[ "$(ktopic describe "$t" | grep -c "^$t ")" -eq 4 ]
	fi
	listed "$t"
}

@test "create --if-not-exists twice succeeds; without it an existing topic is exit 1" {
	need_broker
	t=$(new_topic)
	run ktopic create --if-not-exists "$t"
	assert_success
	start=$(date +%s%N)
	run --separate-stderr ktopic -J create --if-not-exists "$t"
	assert_success
	assert_output "{\"topic\":\"$t\",\"result\":\"exists\"}"
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 ]
	run -1 ktopic create "$t"
	assert_output --partial "$t: topic already exists"
}

@test "create makes the topics it can and reports the others" {
	need_broker
	t1=$(new_topic a)
	t2=$(new_topic b)
	ktopic create "$t1" 2>/dev/null
	run -1 --separate-stderr ktopic -J create "$t1" "$t2"
	[[ "$stderr" == *"$t1: topic already exists"* ]]
	assert_output --partial "\"topic\":\"$t2\""
	listed "$t2"
}

@test "create -c and -r: honoured by a real Kafka, refused by the embedded one" {
	need_broker
	t=$(new_topic)
	if [ "$(broker_kind)" = real ]; then
		run ktopic create -r 1 -c retention.ms=3600000 -c cleanup.policy=delete "$t"
		assert_success
		run -1 ktopic create -c no.such.setting=1 "$(new_topic bad)"
		assert_output --partial 'no.such.setting'
	else
		run -1 ktopic create -c retention.ms=3600000 "$t"
		assert_output --partial 'cannot create with -c settings'
	fi
	# A single broker cannot keep more replicas, on either.
	run -1 ktopic create -r 2 "$(new_topic r)"
}

@test "describe shows leader, replicas and watermarks; -J parses with jq" {
	need_broker
	t=$(new_topic)
	make_topic "$t"
	produce_p0 "$t" 10
	run ktopic -J describe "$t"
	assert_success
	p0=$(jq -c 'select(.partition == 0) | [.low, .high]' <<<"$output")
	[ "$p0" = '[0,10]' ]
	[ "$(jq -s 'all(.replicas | length >= 1) and all(.isr | type == "array")' <<<"$output")" = true ]
	[ "$(jq -s 'map(.topic) | unique' -c <<<"$output")" = "[\"$t\"]" ]
	run ktopic describe "$t"
	assert_success
	assert_line --index 0 --regexp '^TOPIC +PARTITION +LEADER +REPLICAS +ISR +LOW +HIGH$'
	assert_line --regexp "^$t +0 +[0-9]+ +[0-9,]+ +[0-9,]+ +0 +10$"
}

@test "describe of a missing topic is exit 1 and does not create it" {
	need_broker
	t=$(new_topic)
	run -1 ktopic describe "$t"
	assert_output --partial "$t: no such topic"
	run ! listed "$t"
}

@test "list hides internal topics unless -a; -J gives partitions" {
	need_broker
	t=$(new_topic)
	make_topic "$t"
	run ktopic list
	assert_success
	assert_line "$t"
	refute_line --regexp '^__'
	# Sorted, one name a line.
	[ "$output" = "$(sort <<<"$output")" ]
	run ktopic list -J
	assert_success
	[ "$(jq -r "select(.topic == \"$t\") | .partitions" <<<"$output")" -ge 1 ]
	run ktopic list -a
	assert_success
	assert_line "$t"
}

@test "lag after kcat produces 10 and a group consumes 4 shows 4, 10 and 6" {
	need_broker
	t=$(new_topic)
	g="g_$t"
	make_topic "$t"
	produce_p0 "$t" 10
	run with_timeout 60 kcat -b "$KAFKA_BROKERS" -G "$g" -X auto.offset.reset=earliest \
	    -c 4 -q "$t"
	assert_success
	assert_output "$(seq 4)"
	run ktopic -J lag -g "$g" "$t"
	assert_success
	[ "$(jq -c 'select(.partition == 0) | [.committed, .end, .lag]' <<<"$output")" = '[4,10,6]' ]
	[ "$(jq -r 'select(.partition == 0) | .group' <<<"$output")" = "$g" ]
	# Without topics: the ones the group has offsets for.
	run ktopic lag -g "$g"
	assert_success
	assert_line --index 0 --regexp '^TOPIC +PARTITION +COMMITTED +END +LAG$'
	assert_line --regexp "^$t +0 +4 +10 +6$"
}

@test "lag while a transaction that commits the group's offsets is open answers at once, with the last committed offset, and says so" {
	need_broker
	[ "$(broker_kind)" = real ] || skip "the embedded broker's transactions do not commit a group's offsets (kbroker(1))"
	t=$(new_topic)
	g="g_$t"
	make_topic "$t"
	produce_p0 "$t" 10
	coproc TXN { with_timeout 120 "$KP_ROOT/tests/helpers/open-txn.py" "$KAFKA_BROKERS" "$t" "$g" 4 8 2>"$BATS_TEST_TMPDIR/txn.err"; }
	read -r -t 60 line <&"${TXN[0]}" || fail "the transaction did not open: $(cat "$BATS_TEST_TMPDIR/txn.err")"
	[ "$line" = open ] || fail "open-txn.py: $line"
	start=$(date +%s%N)
	run --separate-stderr ktopic -J lag -g "$g" "$t"
	took=$((($(date +%s%N) - start) / 1000000))
	exec {TXN[1]}>&-
	wait "$TXN_PID" || true
	assert_success
	[ "$(jq -c 'select(.partition == 0) | .committed' <<<"$output")" = 4 ]
	[[ "$stderr" == *"$g: a transaction that commits the group's offsets is open"* ]]
	echo "# lag answered in $took ms" >&3
	[ "$took" -lt 5000 ]
	# Without the open transaction: no note.
	run --separate-stderr ktopic -J lag -g "$g" "$t"
	assert_success
	[[ "$stderr" != *"transaction"* ]]
}

@test "count: the records a topic holds; --since counts only what came since, and reads the log again when its start moved" {
	need_broker
	t=$(new_topic)
	make_topic "$t"
	produce_p0 "$t" 100
	run --separate-stderr ktopic -J count "$t"
	assert_success
	[ "$(jq -c 'select(.partition == 0) | [.records, .offsets]' <<<"$output")" = '[100,100]' ]
	run --separate-stderr ktopic -J count --since "$BATS_TEST_TMPDIR/since" "$t"
	assert_success
	[ "$(jq -s 'map(.records) | add' <<<"$output")" = 100 ]
	produce_p0 "$t" 5
	run --separate-stderr ktopic -J count --since "$BATS_TEST_TMPDIR/since" "$t"
	[ "$(jq -s 'map(.records) | add' <<<"$output")" = 105 ]
	# A file that says more than the log holds (another topic of that
	# name, or a log that was cut) is not believed.
	sed -i 's/"low":0/"low":7/' "$BATS_TEST_TMPDIR/since"
	run --separate-stderr ktopic -J count --since "$BATS_TEST_TMPDIR/since" "$t"
	[ "$(jq -s 'map(.records) | add' <<<"$output")" = 105 ]
	run ktopic count "$t"
	assert_line --index 0 --regexp '^TOPIC +PARTITION +RECORDS +OFFSETS$'
}

@test "count in a topic written in transactions: markers and aborted records are offsets, not records" {
	need_broker
	[ "$(broker_kind)" = real ] || skip "the embedded broker's transactions are skin-deep (kbroker(1))"
	t=$(new_topic)
	make_topic "$t"
	# 10 transactions of 3 records, then 2 of 3 aborted: 30 records in 48 offsets.
	with_timeout 60 "$KP_ROOT/tests/helpers/txn-write.py" "$KAFKA_BROKERS" "$t" 10 3 2
	run --separate-stderr ktopic -J count --since "$BATS_TEST_TMPDIR/since" "$t"
	assert_success
	[ "$(jq -c 'select(.partition == 0) | [.records, .offsets]' <<<"$output")" = '[30,48]' ]
	with_timeout 60 "$KP_ROOT/tests/helpers/txn-write.py" "$KAFKA_BROKERS" "$t" 5 2
	run --separate-stderr ktopic -J count --since "$BATS_TEST_TMPDIR/since" "$t"
	[ "$(jq -c 'select(.partition == 0) | [.records, .offsets]' <<<"$output")" = '[40,63]' ]
}

@test "lag of a group without offsets: no topics is exit 1, a named topic shows -" {
	need_broker
	t=$(new_topic)
	make_topic "$t"
	produce_p0 "$t" 3
	run -1 ktopic lag -g "nobody_$t"
	assert_output --partial 'has no committed offsets'
	run ktopic -J lag -g "nobody_$t" "$t"
	assert_success
	[ "$(jq -c 'select(.partition == 0) | [.committed, .end, .lag]' <<<"$output")" = '[null,3,null]' ]
	run -1 ktopic lag -g "nobody_$t" "$(new_topic missing)"
	assert_output --partial 'no such topic'
}

@test "delete removes a topic (real); the embedded broker says it cannot" {
	need_broker
	t=$(new_topic)
	make_topic "$t"
	if [ "$(broker_kind)" = real ]; then
		run ktopic -J delete "$t"
		assert_success
		assert_output "{\"topic\":\"$t\",\"result\":\"deleted\"}"
		run ! listed "$t"
	else
		run -1 ktopic delete "$t"
		assert_output --partial 'no controller'
		listed "$t"
	fi
}

@test "delete of a missing topic is exit 1 unless --if-exists" {
	need_broker
	t=$(new_topic)
	run -1 ktopic delete "$t"
	assert_output --partial "$t: no such topic"
	run ktopic -J delete --if-exists "$t"
	assert_success
	assert_output "{\"topic\":\"$t\",\"result\":\"absent\"}"
}

@test "global options may follow the command; -X reaches librdkafka" {
	need_broker
	t=$(new_topic)
	make_topic "$t"
	run ktopic list -J --timeout 5s -X client.id=ktopic-test
	assert_success
	[ "$(jq -r "select(.topic == \"$t\") | .topic" <<<"$output")" = "$t" ]
	run -2 ktopic list -X client.id
}
