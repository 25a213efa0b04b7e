#!/usr/bin/env bats
# The libFuzzer harnesses (tests/fuzz/*.c, built by make fuzz), each run for
# FUZZ_SECONDS (default 20) from its seed corpus with a fixed seed, so that
# a regression in a parser fails the build. They need no broker: they run in
# the embedded broker's pass of tests/run only.

load test_helper

setup() {
	[ "$(broker_kind)" != real ] || skip "no broker involved: run in the embedded pass"
}

fuzz() {
	run "$KP_ROOT/tests/fuzz/run" "${FUZZ_SECONDS:-20}" "$1"
	echo "$output"
	assert_success
}

@test "fuzz jsonscan: the JSON scanner accepts only what libjq parses, and its member finders agree" {
	fuzz jsonscan
}

@test "fuzz strategy: strategy's transform equals jq's .result = f(.value), other members untouched" {
	fuzz strategy
}

@test "fuzz record: wjoin's path key (.id) and jq key (.id|.) take the same lines with the same key" {
	fuzz record
}

@test "fuzz join: the join core writes exactly the brute-force pair list, null rows and late records" {
	fuzz join
}

@test "fuzz envelope: envelope parsing takes no out-of-range partition or timestamp, no undefined cast" {
	fuzz envelope
}

@test "fuzz jsonpath: a path looked up in the raw text finds the value jq finds" {
	fuzz jsonpath
}

@test "fuzz numfmt: numbers print shortest and read back to the same double" {
	fuzz numfmt
}

@test "fuzz timeparse: a time read is a real instant and formats back the same" {
	fuzz timeparse
}

@test "fuzz base64: base64 round trips, and only canonical text decodes" {
	fuzz base64
}

@test "fuzz eosruns: exactly-once commit metadata parses safely and round trips" {
	fuzz eosruns
}

@test "fuzz kpsrc: exactly-once positions parse within the arity rule and round trip; wrapped values unwrap to the same value" {
	fuzz kpsrc
}
