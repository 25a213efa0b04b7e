#!/usr/bin/env bats
# A secured Kafka: SASL_PLAINTEXT with PLAIN and SCRAM-SHA-256 users and
# ACLs, on a broker of this file's own (tests/kafka-real.sh start-sasl),
# started once for the file on the real run; the embedded broker knows no
# SASL, and there only the tests that need no broker run. alice is a super
# user, bob has no ACL. What is checked: a refusal (a wrong password, a
# missing ACL) is a configuration error, exit 2 at once with the broker's
# reason; secrets are never printed; kpipes -F reaches the secured Kafka.
# kafka-python (tests/helpers/kpy.py -F) is the independent client.

load test_helper
bats_require_minimum_version 1.5.0

setup_file() {
	[ "${KPIPES_BROKER_KIND:-}" = real ] || return 0
	export SASL_DIR="$BATS_FILE_TMPDIR/kafka"
	SASL_B=$("$KP_ROOT/tests/kafka-real.sh" start-sasl "$SASL_DIR")
	export SASL_B
}

teardown_file() {
	[ -z "${SASL_DIR:-}" ] || "$KP_ROOT/tests/kafka-real.sh" stop "$SASL_DIR" >/dev/null 2>&1
}

setup() {
	T=$(new_topic auth)
	export KPIPES_RUN="$BATS_TEST_TMPDIR/run"
	export KPIPES_PREFIX="a${BATS_TEST_NUMBER}_$$_${RANDOM}_"
}

teardown() {
	[ ! -d "$KPIPES_RUN" ] || with_timeout 60 kpipes down --keep-broker >/dev/null 2>&1 || true
}

need_sasl() {
	[ -n "${SASL_B:-}" ] || skip "the SASL broker runs on the real run only"
}

# props USER PASSWORD [MECHANISM]: a client properties file, mode 0600; prints its path.
props() {
	local f="$BATS_TEST_TMPDIR/$1-${3:-PLAIN}-$RANDOM.properties"
	(umask 077 && printf '%s\n' security.protocol=SASL_PLAINTEXT \
	    "sasl.mechanisms=${3:-PLAIN}" "sasl.username=$1" \
	    "sasl.password=$2" >"$f")
	echo "$f"
}

# within_ms MS COMMAND...: runs it (status in $status, output in $output,
# stderr merged) and fails if it took MS or longer.
within_ms() {
	local limit=$1 start elapsed
	shift
	start=$(date +%s%N)
	run "$@"
	elapsed=$((($(date +%s%N) - start) / 1000000))
	echo "# $*: exit $status in $elapsed ms" >&3
	[ "$elapsed" -lt "$limit" ] || fail "took $elapsed ms: $*"
}

@test "auth: a wrong password (PLAIN, SCRAM-SHA-256): kin, kin -g, kout, ktopic exit 2 within 5 s with the broker's reason" {
	need_sasl
	for mech in PLAIN SCRAM-SHA-256; do
		f=$(props alice wrong-password "$mech")
		if [ "$mech" = PLAIN ]; then
			why='Invalid username or password'
		else
			why='invalid credentials with SASL mechanism SCRAM-SHA-256'
		fi
		# Before: 30 s (the connect timeout), then exit 1 "no broker answered".
		for cmd in "kin -e $T" "kin -g g_$T $T" "ktopic list" "ktopic create $T" \
		    "ktopic lag -g g_$T"; do
			# shellcheck disable=SC2086
			within_ms 5000 -2 $cmd -b "$SASL_B" -F "$f"
			assert_output --partial "refused: "
			assert_output --partial "$why"
			refute_output --partial 'no broker answered'
		done
		within_ms 5000 -2 bash -c 'echo "{\"a\":1}" | kout -b "$1" -F "$2" "$3"' _ \
		    "$SASL_B" "$f" "$T"
		assert_output --partial "$why"
	done
}

@test "auth: the right password, PLAIN and SCRAM-SHA-256: kout's lines read by kafka-python, kafka-python's by kin" {
	need_sasl
	plain=$(props alice alice-secret PLAIN)
	scram=$(props alice alice-secret SCRAM-SHA-256)
	run ktopic -b "$SASL_B" -F "$scram" create -p 2 "$T"
	assert_success
	run ktopic -b "$SASL_B" -F "$plain" -J describe "$T"
	assert_success
	assert_equal "${#lines[@]}" 2

	mockgen -r 0 -n 300 --id -s A > "$BATS_TEST_TMPDIR/in"
	run -0 kout -b "$SASL_B" -F "$scram" "$T" < "$BATS_TEST_TMPDIR/in"
	"$KP_ROOT/tests/helpers/kpy.py" -F "$plain" consume "$SASL_B" "$T" 300 |
	    sort > "$BATS_TEST_TMPDIR/out"
	assert_equal "$(sort "$BATS_TEST_TMPDIR/in" | cmp - "$BATS_TEST_TMPDIR/out" && echo same)" same

	"$KP_ROOT/tests/helpers/kpy.py" -F "$scram" produce "$SASL_B" "${T}_2" \
	    < "$BATS_TEST_TMPDIR/in"
	with_timeout 60 kin -b "$SASL_B" -F "$plain" -e "${T}_2" | sort > "$BATS_TEST_TMPDIR/out2"
	assert_equal "$(sort "$BATS_TEST_TMPDIR/in" | cmp - "$BATS_TEST_TMPDIR/out2" && echo same)" same
}

@test "auth: a user no ACL allows: kout, kin, kin -g, ktopic create and lag exit 2 at once with the broker's reason" {
	need_sasl
	alice=$(props alice alice-secret)
	bob=$(props bob bob-secret)
	echo '{"a":1}' | kout -b "$SASL_B" -F "$alice" "$T"

	within_ms 5000 -2 bash -c 'echo "{\"a\":1}" | kout -b "$1" -F "$2" "$3"' _ \
	    "$SASL_B" "$bob" "$T"
	assert_output --partial 'Cluster authorization failed'
	# Without idempotence the topic's ACL refuses: kout reads no more
	# (before: it read on, 10 s, and exited 1).
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	{ printf '{"a":%d}\n' 1 2 3; sleep 10; printf '{"a":%d}\n' 4 5 6; } \
	    > "$BATS_TEST_TMPDIR/fifo" 2>/dev/null 3>&- &
	writer=$!
	within_ms 8000 -2 kout -b "$SASL_B" -F "$bob" -X enable.idempotence=false "$T" \
	    < "$BATS_TEST_TMPDIR/fifo"
	pkill -P "$writer" sleep || true
	assert_output --partial 'Topic authorization failed'
	assert_output --partial '3 of 3 lines not delivered'

	within_ms 5000 -2 kin -b "$SASL_B" -F "$bob" -e "$T"
	assert_output --partial 'Topic authorization failed'
	# Before: waited for ever, repeating the group's refusal.
	within_ms 10000 -2 with_timeout 60 kin -b "$SASL_B" -F "$bob" -g "g_$T" "$T"
	assert_output --partial 'Group authorization failed'
	within_ms 5000 -2 ktopic -b "$SASL_B" -F "$bob" create "${T}_new"
	assert_output --partial 'Authorization failed'
	within_ms 5000 -2 ktopic -b "$SASL_B" -F "$bob" lag -g "g_$T"
	assert_output --partial 'Group authorization failed'
}

@test "auth: secret values are never printed: a 'key: value' line of -F, -X without '=', librdkafka's own messages" {
	cd "$BATS_TEST_TMPDIR"
	(umask 077 && printf 'security.protocol=SASL_PLAINTEXT\nsasl.username=alice\n\nsasl.password: alice-secret-7\n' > f)
	for tool in "kin -e t" "kout t" "ktopic list"; do
		# shellcheck disable=SC2086
		run -2 $tool -F f
		assert_output --partial 'f:4: expected key=value, not "sasl.password: ***"'
		refute_output --partial 'alice-secret-7'
		# shellcheck disable=SC2086
		run -2 $tool -X 'ssl.key.password:alice-secret-7'
		assert_output --partial 'ssl.key.password:***'
		refute_output --partial 'alice-secret-7'
	done
	# librdkafka quotes a bad OAUTHBEARER config in its error; the value
	# is hidden, and the refusal is exit 2.
	for tool in "kin -e t" "ktopic list"; do
		# shellcheck disable=SC2086
		run -2 with_timeout 30 $tool -b 127.0.0.1:1 -X security.protocol=SASL_PLAINTEXT \
		    -X sasl.mechanisms=OAUTHBEARER -X enable.sasl.oauthbearer.unsecure.jwt=true \
		    -X 'sasl.oauthbearer.config=principal alice-secret-7'
		assert_output --partial 'sasl.oauthbearer.config'
		refute_output --partial 'alice-secret-7'
	done
}

@test "auth: an -F file holding a secret that its group or others can read is warned about; 0600 is not" {
	cd "$BATS_TEST_TMPDIR"
	printf 'sasl.username=alice\nsasl.password=alice-secret\n' > f
	printf 'client.id=x\nsasl.username=alice\n' > plain
	chmod 644 plain
	for mode in 644 640 604 600; do
		chmod "$mode" f
		run -1 kin -b 127.0.0.1:1 --connect-timeout 1s -F f -F plain -e t
		case $mode in
		644|604) assert_output --partial "f holds a secret (sasl.password) and can be read by every user (mode 0$mode): chmod go-rwx f" ;;
		640) assert_output --partial "f holds a secret (sasl.password) and can be read by its group (mode 0640)" ;;
		600) refute_output --partial 'holds a secret' ;;
		esac
		refute_output --partial 'plain holds'
		refute_output --partial 'alice-secret'
	done
}

@test "auth: kpipes -F with no such file, or a directory, is a usage error before anything starts" {
	run -2 kpipes -F "$BATS_TEST_TMPDIR/none" up
	assert_output --partial "-F $BATS_TEST_TMPDIR/none: not a readable file"
	run -2 kpipes up -F "$BATS_TEST_TMPDIR" --no-join
	run -2 kpipes status -F "$BATS_TEST_TMPDIR/none"
	[ ! -e "$KPIPES_RUN/p" ]
}

@test "auth: kpipes up -F on the SASL Kafka: every record through, status and down use the saved file" {
	need_sasl
	export KAFKA_BROKERS=$SASL_B
	f=$(props alice alice-secret SCRAM-SHA-256)
	P=$KPIPES_PREFIX
	run with_timeout 60 kpipes up -F "$f" --producer -n 200 -r 0 -s A --no-join -- --id
	assert_success
	grep -qxF "CLIENT_CONFIG=$f" "$KPIPES_RUN/config"
	assert_output --partial "kin -F consumer.properties -F $f -g ${P}strategy-A ${P}A_input | strategy | kout -F $f ${P}A_output"
	wait_for 60 state_is producer finished
	# status reads the saved file: it sees the topics and the group.
	for ((i = 0; i < 60; i++)); do
		run with_timeout 30 kpipes status -i 0.5
		assert_success
		refute_output --partial 'no answer from Kafka'
		printf '%s\n' "${lines[@]}" | grep -Eq "^${P}A_output +200 " && break
		sleep 0.5
	done
	assert_line --regexp "^${P}A_output +200 "
	assert_line --regexp '^strategy-A +running +0 '
	run with_timeout 120 kpipes down --drain -t 60
	assert_success
	"$KP_ROOT/tests/helpers/kpy.py" -F "$f" consume "$SASL_B" "${P}A_output" 200 > "$BATS_TEST_TMPDIR/out"
	assert_equal "$(jq .id "$BATS_TEST_TMPDIR/out" | sort -un | wc -l)" 200
	grep -q 'finished (mockgen=0 kout=0)' "$KPIPES_RUN/logs/producer.log"
	grep -q 'stopped (kin=0 strategy=0 kout=0)' "$KPIPES_RUN/logs/strategy-A.log"
}

@test "auth: kpipes up with a wrong password exits 2 at once with the broker's reason, nothing started" {
	need_sasl
	export KAFKA_BROKERS=$SASL_B
	f=$(props alice wrong-password)
	# Before: 10 s, then exit 1 "no Kafka answers".
	within_ms 5000 -2 kpipes up -F "$f" -s A --no-join
	assert_output --partial 'Invalid username or password'
	assert_output --partial "refused the client configured by $f"
	[ ! -e "$KPIPES_RUN/p" ]
	within_ms 5000 -2 kpipes produce -F "$f" -n 1
	assert_output --partial 'Invalid username or password'
}

@test "auth: a pipeline refused after a password change exits 2 and is not restarted" {
	need_sasl
	export KAFKA_BROKERS=$SASL_B
	f=$(props alice alice-secret)
	run with_timeout 60 kpipes up -F "$f" -s A --no-join
	assert_success
	# Records through: kin and kout have read the file and are connected.
	mockgen -r 0 -n 5 -s A | kout -F "$f" "${KPIPES_PREFIX}A_input"
	wait_for 60 sh -c '[ "$(ktopic -F "$1" -J describe "$2" | jq -s "map(.high) | add")" = 5 ]' \
	    _ "$f" "${KPIPES_PREFIX}A_output"
	wait_for 30 state_is strategy-A running
	pg=$(cat "$KPIPES_RUN/p/strategy-A/pid")
	# The password changes; the pipeline is restarted and refused.
	(umask 077 && sed -i 's/^sasl.password=.*/sasl.password=rotated/' "$f")
	kill -KILL "$(pgrep -g "$pg" -x strategy)"
	wait_for 40 state_is strategy-A failed
	run cat "$KPIPES_RUN/logs/strategy-A.log"
	assert_output --partial 'restarting in 1s (restart 1)'
	assert_output --regexp 'exited with a usage or configuration error \(kin=2 strategy=0 kout=2\): not restarting'
	assert_output --partial 'refused: '
	refute_output --partial 'restart 2'
	assert_equal "$(cat "$KPIPES_RUN/p/strategy-A/restarts")" 1
}
