#!/usr/bin/env bats
# Exactly-once through a shell pipe: kin --eos | filters | kout --eos.
# Kafka transactions are only skin-deep on the embedded broker (kbroker(1)),
# so the guarantees are tested on the real Kafka; usage is tested on both.

load test_helper
bats_require_minimum_version 1.5.0

setup() {
	need_broker
	T=$(new_topic eos)
	G="g_${T}"
	GROUPX=(-X session.timeout.ms=6000 -X heartbeat.interval.ms=500)
}

need_real() {
	[ "$(broker_kind)" = real ] || skip "transactions are not real on the embedded broker (kbroker(1))"
}

@test "eos: SIGKILL of a random stage, 4 times, with restarts: every id exactly once, results right" {
	need_real
	mockgen -r 0 -n 30000 --id --seed 11 -s A | kout "$T"
	run --separate-stderr with_timeout 300 "$KP_ROOT/tests/helpers/chaos.sh" eos "$T" "${T}_out" "$G" 4 "$RANDOM"
	echo "$stderr" | grep '^chaos' | sed 's|^|# |' >&3 || true
	assert_success
	kin -e -X isolation.level=read_committed "${T}_out" > "$BATS_TEST_TMPDIR/out"
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/out")" 30000
	assert_equal "$(jq .id "$BATS_TEST_TMPDIR/out" | sort -n | uniq | wc -l)" 30000
	# The position member is gone, and each result is the rule applied to its value.
	run grep -c _kp_src "$BATS_TEST_TMPDIR/out"
	assert_output 0
	run jq -r 'select(.result != (if .value < 30 then .value*2 elif .value <= 60 then .value*1.5+10 else .value*.value/100 end)) | .id' "$BATS_TEST_TMPDIR/out"
	assert_output ""
	# Everything was committed for the group.
	run ktopic -J lag -g "$G" "$T"
	assert_equal "$(jq -s 'map(.lag) | add' <<<"$output")" 0
}

@test "default mode: SIGKILL of kin at random moments, 4 times, with restarts: every id at least once" {
	# kin -g commits a line once it is written: killing it loses nothing. (Killing a
	# later stage loses the lines in the pipes: that is what --eos is for; kin(1).)
	mockgen -r 0 -n 30000 --id --seed 12 -s A | kout "$T"
	run --separate-stderr env CHAOS_VICTIMS=kin "$KP_ROOT/tests/helpers/chaos.sh" default "$T" "${T}_out" "$G" 4 "$RANDOM"
	echo "$stderr" | grep '^chaos' | sed 's|^|# |' >&3 || true
	assert_success
	kin -e "${T}_out" > "$BATS_TEST_TMPDIR/out"
	assert_equal "$(jq .id "$BATS_TEST_TMPDIR/out" | sort -n | uniq | wc -l)" 30000
	echo "# $(wc -l < "$BATS_TEST_TMPDIR/out") records for 30000 ids" >&3
}

@test "eos: kin --eos attaches the source position; kout --eos removes it; values of every kind survive" {
	need_real
	printf '%s\n' '{"a":1}' '{ "sp" : 2 }' '{}' '[1,2]' '"s"' | kout -P 0 "$T"
	printf 'plain text\n' | kcat -b "$KAFKA_BROKERS" -P -t "$T" -p 0
	# No kout commits these: nothing to wait for when the partitions are given up.
	run --separate-stderr with_timeout 60 kin --eos --drain-timeout 0 -g "$G" "${GROUPX[@]}" -e "$T"
	assert_success
	# [group, topic, partition, offset, generation, member id]
	local gen='[0-9]+,"rdkafka-[0-9a-f-]+"'
	assert_line --index 0 --regexp "^\{\"a\":1,\"_kp_src\":\[\"$G\",\"$T\",0,0,$gen\]\}$"
	assert_line --index 3 --regexp "^\{\"_kp_value\":\[1,2\],\"_kp_src\":\[\"$G\",\"$T\",0,3,$gen\]\}$"
	assert_line --index 5 --regexp "^\{\"_kp_text\":\"plain text\",\"_kp_src\":\[\"$G\",\"$T\",0,5,$gen\]\}$"
	[[ "$stderr" == *"revoked partitions not committed downstream"* ]]
	with_timeout 60 kin --eos -g "$G" "${GROUPX[@]}" -e "$T" | kout --eos -P 0 "${T}_copy"
	run kin -e -X isolation.level=read_committed "${T}_copy"
	assert_output "$(printf '%s\n' '{"a":1}' '{ "sp" : 2 }' '{}' '[1,2]' '"s"' 'plain text')"
	# A second run finds everything committed and copies nothing more.
	with_timeout 60 kin --eos -g "$G" "${GROUPX[@]}" -e "$T" | kout --eos -P 0 "${T}_copy"
	run kin -e "${T}_copy"
	assert_equal "${#lines[@]}" 6
}

@test "eos: records read before their partition moved are not committed by a late kout (KIP-447 fencing)" {
	need_real
	# The output exists before anything is (not) produced to it.
	ktopic create "${T}_out"
	mockgen -r 0 -n 20 --id -s A | kout -P 0 "$T"
	# A member reads the records and leaves; its kout has not committed them yet.
	with_timeout 60 kin --eos --drain-timeout 0 -g "$G" "${GROUPX[@]}" -e "$T" > "$BATS_TEST_TMPDIR/stale" 2>/dev/null
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/stale")" 20
	# The partition has moved on (the member left, the group's generation is over):
	# the late commit is refused, nothing is produced, and the exit status says so.
	run --separate-stderr kout --eos "${T}_out" < "$BATS_TEST_TMPDIR/stale"
	assert_failure 1
	[[ "$stderr" == *"moved to another group member"* ]]
	run kin -e -X isolation.level=read_committed "${T}_out"
	assert_output ""
	# The records are still there for the next member, and a live pipeline commits them.
	run bash -c 'timeout 60 kin --eos -g "$1" "${@:4}" -e "$2" | kout --eos "$3"' _ "$G" "$T" "${T}_out" "${GROUPX[@]}"
	assert_success
	run kin -e -X isolation.level=read_committed "${T}_out"
	assert_equal "${#lines[@]}" 20
}

# join_data N SEED PREFIX: N records a second of event time, out of order by up to 3 s.
join_data() {
	python3 "$KP_ROOT/tests/helpers/wjoin-gen.py" -n "$1" --seed "$2" --prefix "$3" \
	    --step 1000 --jitter 500 --disorder 3000 --ts ms
}

# eos_join LEFT RIGHT OUT GROUP [KIN-ARG...]: the exactly-once join, each kin in a group
# of its own.
eos_join() {
	with_timeout 120 bash -c 'kin --eos -g "$4_l" "${@:5}" -e "$1" |
	    wjoin -w 5s -d 5s <(kin --eos -g "$4_r" "${@:5}" -e "$2") |
	    kout --eos "$3"' _ "$1" "$2" "$3" "$4" "${GROUPX[@]}" "${@:5}"
}

@test "eos: wjoin in the middle, run in two parts: the window is read again, every pair once" {
	need_real
	ktopic create -p 1 "${T}_c" "${T}_d" "${T}_out"
	join_data 2000 21 c > "$BATS_TEST_TMPDIR/c"
	join_data 2000 22 d > "$BATS_TEST_TMPDIR/d"
	"$KP_ROOT/tests/helpers/pairs.py" "$BATS_TEST_TMPDIR/c" "$BATS_TEST_TMPDIR/d" 5000 > "$BATS_TEST_TMPDIR/want"
	# The first run sees all of C's first half but only 1500 records of D.
	head -1000 "$BATS_TEST_TMPDIR/c" | kout "${T}_c"
	head -1500 "$BATS_TEST_TMPDIR/d" | kout "${T}_d"
	eos_join "${T}_c" "${T}_d" "${T}_out" "$G"
	# What may still meet a later record stays uncommitted, to be read again.
	run ktopic -J lag -g "${G}_r" "${T}_d"
	assert [ "$(jq .lag <<<"$output")" -gt 0 ]
	tail -n +1001 "$BATS_TEST_TMPDIR/c" | kout "${T}_c"
	tail -n +1501 "$BATS_TEST_TMPDIR/d" | kout "${T}_d"
	eos_join "${T}_c" "${T}_d" "${T}_out" "$G"
	kin -e -X isolation.level=read_committed "${T}_out" > "$BATS_TEST_TMPDIR/out"
	run grep -c _kp_src "$BATS_TEST_TMPDIR/out"
	assert_output 0
	jq -r '"\(.left.id) \(.right.id)"' "$BATS_TEST_TMPDIR/out" | sort > "$BATS_TEST_TMPDIR/got"
	[ -s "$BATS_TEST_TMPDIR/want" ]
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "eos: wjoin run three times, the second stopping inside the window it read again: every pair once" {
	need_real
	ktopic create -p 1 "${T}_c" "${T}_d" "${T}_out"
	join_data 2000 31 c > "$BATS_TEST_TMPDIR/c"
	join_data 2000 32 d > "$BATS_TEST_TMPDIR/d"
	"$KP_ROOT/tests/helpers/pairs.py" "$BATS_TEST_TMPDIR/c" "$BATS_TEST_TMPDIR/d" 5000 > "$BATS_TEST_TMPDIR/want"
	head -1000 "$BATS_TEST_TMPDIR/c" | kout "${T}_c"
	head -1500 "$BATS_TEST_TMPDIR/d" | kout "${T}_d"
	eos_join "${T}_c" "${T}_d" "${T}_out" "$G"
	tail -n +1001 "$BATS_TEST_TMPDIR/c" | kout "${T}_c"
	tail -n +1501 "$BATS_TEST_TMPDIR/d" | kout "${T}_d"
	# The second run reads 5 records a side, all of them read again, and stops: what
	# it commits must not forget how far the first run went (that made duplicates).
	eos_join "${T}_c" "${T}_d" "${T}_out" "$G" -c 5
	run ktopic -J lag -g "${G}_r" "${T}_d"
	assert [ "$(jq .lag <<<"$output")" -gt 500 ]
	eos_join "${T}_c" "${T}_d" "${T}_out" "$G"
	kin -e -X isolation.level=read_committed "${T}_out" |
	    jq -r '"\(.left.id) \(.right.id)"' | sort > "$BATS_TEST_TMPDIR/got"
	echo "# $(wc -l < "$BATS_TEST_TMPDIR/got") pairs, $(wc -l < "$BATS_TEST_TMPDIR/want") expected" >&3
	[ -s "$BATS_TEST_TMPDIR/want" ]
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "eos: SIGKILL of a random stage of kin | wjoin <(kin) | kout, 5 times, with restarts: every pair once" {
	need_real
	ktopic create -p 1 "${T}_c" "${T}_d" "${T}_out"
	join_data 40000 23 c > "$BATS_TEST_TMPDIR/c"
	join_data 40000 24 d > "$BATS_TEST_TMPDIR/d"
	"$KP_ROOT/tests/helpers/pairs.py" "$BATS_TEST_TMPDIR/c" "$BATS_TEST_TMPDIR/d" 5000 > "$BATS_TEST_TMPDIR/want"
	kout "${T}_c" < "$BATS_TEST_TMPDIR/c"
	kout "${T}_d" < "$BATS_TEST_TMPDIR/d"
	run --separate-stderr with_timeout 300 "$KP_ROOT/tests/helpers/chaos-join.sh" "${T}_c" "${T}_d" "${T}_out" "$G" 5 "$RANDOM" -w 5s -d 5s
	echo "$stderr" | grep '^chaos: [^ ]' | sed 's|^|# |' >&3 || true
	assert_success
	kin -e -X isolation.level=read_committed "${T}_out" |
	    jq -r '"\(.left.id) \(.right.id)"' | sort > "$BATS_TEST_TMPDIR/got"
	echo "# $(wc -l < "$BATS_TEST_TMPDIR/got") pairs, $(wc -l < "$BATS_TEST_TMPDIR/want") expected" >&3
	# Every pair once, nothing else.
	echo "# $(uniq -d "$BATS_TEST_TMPDIR/got" | wc -l) pairs written twice" >&3
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "eos: a window filter's lines without their position are not committed: abort, exit 1" {
	need_real
	ktopic create -p 1 "${T}_out"
	mockgen -r 0 -n 2 --id -s A | kout -P 0 "$T"
	# A position line, its pair lines, then lines whose position never came (wjoin died).
	# (The pause lets kout commit the first two on its own: the input went idle.)
	run --separate-stderr bash -c '{ printf "%s\n" "{\"pair\":1,\"_kp_src\":\"+\"}" \
	    "{\"_kp_src\":[[\"$1\",\"$2\",0,0,-1,\"\",1]]}"; sleep 2
	    printf "%s\n" "{\"pair\":2,\"_kp_src\":\"+\"}"; } | kout --eos "$3"' _ "$G" "$T" "${T}_out"
	assert_failure 1
	[[ "$stderr" == *"the input ended before the position of its last lines"* ]]
	run kin -e -X isolation.level=read_committed "${T}_out"
	assert_output '{"pair":1}'
	# Committed: resume at 0 (still in the window), processed up to 1 in the metadata.
	run ktopic -J lag -g "$G" "$T"
	assert_equal "$(jq -c 'select(.partition == 0) | .committed' <<<"$output")" 0
	run kin --eos --drain-timeout 0 -g "$G" "${GROUPX[@]}" -e "$T"
	# Record 0 is read again (processed before up to offset 1: an older wjoin's line,
	# one run, "p"), record 1 is new.
	assert_line --index 0 --regexp ',0,0,[0-9]+,"[^"]*",\[\["p",1\]\]\]\}$'
	assert_line --index 1 --regexp ',0,1,[0-9]+,"[^"]*"\]\}$'
}

@test "eos: a half-written last line is not produced and its offset not committed, exit 1" {
	need_real
	seq 0 2 | sed 's/.*/{"n":&}/' | kout -P 0 "$T"
	run --separate-stderr bash -c 'printf "%s\n%s" "{\"n\":0,\"_kp_src\":[\"$1\",\"$2\",0,0]}" "{\"n\":1,\"_kp_s" | kout --eos "$3"' _ "$G" "$T" "${T}_out"
	assert_failure 1
	[[ "$stderr" == *"last line has no newline: not produced"* ]]
	run kin -e "${T}_out"
	assert_output '{"n":0}'
	run ktopic -J lag -g "$G" "$T"
	assert_equal "$(jq -c 'select(.partition == 0) | .committed' <<<"$output")" 1
}

@test "eos: a line without a source position, or with one no kin wrote (partition 1e20, offset 1e300 or 9.5), is reported and set aside, exit 1" {
	need_real
	run --separate-stderr kout --eos "$T" <<<'{"a":1}'
	assert_failure 1
	[[ "$stderr" == *"<stdin>:1: no _kp_src"* ]]
	printf '%s\n' "{\"a\":1,\"_kp_src\":[\"$G\",\"$T\",1e20,0]}" \
	    "{\"a\":2,\"_kp_src\":[\"$G\",\"$T\",0,1e300]}" \
	    "{\"a\":3,\"_kp_src\":[\"$G\",\"$T\",0,9.5]}" \
	    "{\"a\":4,\"_kp_src\":[\"$G\",\"$T\",0,0,1e10,\"m\"]}" > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr kout --eos --rejects "$BATS_TEST_TMPDIR/rej" "${T}_out" < "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_equal "$(jq -r '"\(.line) \(.reason)"' "$BATS_TEST_TMPDIR/rej")" "$(printf '%d _kp_src is not [group, topic, partition, offset, generation, member]\n' 1 2 3 4)"
}

@test "eos: usage: --eos needs a group, takes no -E, --txn-id needs --eos" {
	run kin --eos "$T"
	assert_failure 2
	run kin --eos -g G -E "$T"
	assert_failure 2
	run kout --eos -E "$T"
	assert_failure 2
	run kout --txn-id x "$T"
	assert_failure 2
}
