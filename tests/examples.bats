#!/usr/bin/env bats
# The examples of README.md and of every man page run as printed
# (tests/helpers/examples.py): console transcripts must print what the text
# shows, other examples must not fail with a usage or shell syntax error.
# Each document brings up its own embedded broker, so they run in the
# embedded broker's pass of tests/run only.

load test_helper

setup() {
	[ "$(broker_kind)" != real ] || skip "each document starts its own embedded broker: run in the embedded pass"
}

examples() {
	run python3 "$KP_ROOT/tests/helpers/examples.py" "$KP_ROOT/$1"
	echo "$output"
	assert_success
}

@test "examples: README.md's console transcripts and commands work as printed" {
	examples README.md
}

@test "examples: kbroker(1) EXAMPLES work as printed" {
	examples man/kbroker.1
}

@test "examples: kin(1) EXAMPLES work as printed" {
	examples man/kin.1
}

@test "examples: kout(1) EXAMPLES work as printed" {
	examples man/kout.1
}

@test "examples: ktopic(1) EXAMPLES work as printed" {
	examples man/ktopic.1
}

@test "examples: mockgen(1) EXAMPLES work as printed" {
	examples man/mockgen.1
}

@test "examples: strategy(1) EXAMPLES work as printed" {
	examples man/strategy.1
}

@test "examples: wjoin(1) EXAMPLES work as printed" {
	examples man/wjoin.1
}

@test "examples: wagg(1) EXAMPLES work as printed" {
	examples man/wagg.1
}

@test "examples: kpipes(1) EXAMPLES work as printed" {
	examples man/kpipes.1
}

@test "examples: kpipes(7) EXAMPLES work as printed" {
	examples man/kpipes.7
}

@test "examples: every man page's EXAMPLES has a test here" {
	local page
	for page in "$KP_ROOT"/man/*.[1-9]; do
		grep -q "examples man/${page##*/}\$" "$BATS_TEST_FILENAME" ||
			fail "man/${page##*/} has no test in tests/examples.bats"
	done
}

@test "examples: the checker fails on a transcript whose output is not as printed" {
	local doc="$BATS_TEST_TMPDIR/doc.md"
	printf '# t\n\n```console\n$ echo a b 12\na b 7\n$ echo x\ny\n```\n' >"$doc"
	run python3 "$KP_ROOT/tests/helpers/examples.py" "$doc"
	echo "$output"
	assert_failure 1
	assert_output --partial "FAIL doc.md:6: echo x"
	assert_output --partial "+x"
	refute_output --partial "FAIL doc.md:4"
}

@test "examples: the checker fails on a usage error or a syntax error, not on a timeout or a missing file" {
	local doc="$BATS_TEST_TMPDIR/doc.md"
	printf '# t\n\n```sh\nkin --no-such-option T\nkout T < missing.ndjson\nkin -g g T\necho (\n```\n' >"$doc"
	run python3 "$KP_ROOT/tests/helpers/examples.py" "$doc"
	echo "$output"
	assert_failure 1
	assert_output --partial "FAIL doc.md:4: kin --no-such-option T"
	assert_output --partial "FAIL doc.md:7: echo ("
	refute_output --partial "FAIL doc.md:5"
	refute_output --partial "FAIL doc.md:6"
}

@test "examples: a skipped block is skipped with its reason; ... matches any lines" {
	local doc="$BATS_TEST_TMPDIR/doc.md"
	printf '# t\n\n<!-- examples: skip: not here -->\n```console\n$ false\nx\n```\n\n```console\n$ seq 5\n1\n...\n5\n```\n' >"$doc"
	run python3 "$KP_ROOT/tests/helpers/examples.py" "$doc"
	echo "$output"
	assert_success
	assert_output --partial "skip doc.md:5: false  (not here)"
}
