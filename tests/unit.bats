#!/usr/bin/env bats
# The C unit tests (tests/unit/*.c), each run as one test under the sanitizers.

load test_helper

UNIT_DIR="$KP_ROOT/build/san/unit"

run_unit() {
	[ -x "$UNIT_DIR/$1" ] || { echo "not built: $UNIT_DIR/$1 (make SAN=1 unit-run)"; return 1; }
	run "$UNIT_DIR/$1"
	echo "$output"
	assert_success
	refute_output --partial "not ok"
}

@test "unit: eosruns_test" {
	run_unit eosruns_test
}

@test "unit: kpsrc_test" {
	run_unit kpsrc_test
}

@test "unit: base64_test" {
	run_unit base64_test
}

@test "unit: xalloc_test" {
	run_unit xalloc_test
}

@test "unit: jqexpr_test" {
	run_unit jqexpr_test
}

@test "unit: jsonwalk_test" {
	run_unit jsonwalk_test
}

@test "unit: mockgen_test" {
	run_unit mockgen_test
}

@test "unit: numfmt_test" {
	run_unit numfmt_test
}

@test "unit: strategy_test" {
	run_unit strategy_test
}

@test "unit: jsonscan_test" {
	run_unit jsonscan_test
}

@test "unit: envelope_test" {
	run_unit envelope_test
}

@test "unit: opt_test" {
	run_unit opt_test
}

@test "unit: timeparse_test" {
	run_unit timeparse_test
}

@test "unit: jsonpath_test" {
	run_unit jsonpath_test
}

@test "unit: wjoin_join_test" {
	run_unit wjoin_join_test
}

@test "unit: wjoin_record_test" {
	run_unit wjoin_record_test
}

@test "unit: wjoin_watermark_test" {
	run_unit wjoin_watermark_test
}

@test "unit: wjoin_window_test" {
	run_unit wjoin_window_test
}

@test "unit: wagg_window_test" {
	run_unit wagg_window_test
}

@test "unit: wagg_sketch_test" {
	run_unit wagg_sketch_test
}

@test "unit: kin_taken_test" {
	run_unit kin_taken_test
}

@test "unit: kconf_test" {
	run_unit kconf_test
}

@test "unit: kin_merge_test" {
	run_unit kin_merge_test
}

@test "unit: kout_eos_test" {
	run_unit kout_eos_test
}
