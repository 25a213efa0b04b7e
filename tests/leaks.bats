#!/usr/bin/env bats
# LeakSanitizer in the suite (tests/test_helper.bash, tests/lsan.supp): a
# leak fails the test that runs the leaking program, and the suppressions
# hide only libjq's and librdkafka's own allocations.

load test_helper

bats_require_minimum_version 1.5.0

setup() {
	W=$BATS_TEST_TMPDIR
}

# Builds $W/leaker with the sanitizer: it exits with its first argument
# after losing a malloc'd block ("leak") or freeing it ("free").
build_leaker() {
	command -v "${CC:-cc}" >/dev/null || skip "no C compiler (${CC:-cc})"
	cat > "$W/leaker.c" <<-'EOF'
	#include <stdlib.h>
	#include <string.h>

	int
	main(int argc, char *argv[])
	{
		char *p = malloc(64);

		strcpy(p, argv[2]);
		if (strcmp(argv[2], "free") == 0)
			free(p);
		p = NULL;
		return atoi(argv[1]);
	}
	EOF
	"${CC:-cc}" -O0 -g -fsanitize=address -o "$W/leaker" "$W/leaker.c"
}

# Runs a command with the suite's LSAN_OPTIONS, but its report on stderr
# even when tests/run collects them (KPIPES_LSAN_LOG): these leaks are made
# on purpose.
on_stderr() {
	LSAN_OPTIONS=$(sed -E 's/(^|:)log_path=[^:]*//' <<< "$LSAN_OPTIONS") "$@"
}

@test "leaks: a lost block makes the program exit 23 with LeakSanitizer's report, also when it failed with 1 anyway" {
	build_leaker
	run --separate-stderr "$W/leaker" 0 free
	assert_success
	run --separate-stderr "$W/leaker" 1 free
	[ "$status" -eq 1 ]
	run --separate-stderr on_stderr "$W/leaker" 0 leak
	[ "$status" -eq 23 ] || fail "exit $status, not 23: $stderr"
	[[ "$stderr" == *"LeakSanitizer: detected memory leaks"* ]]
	[[ "$stderr" == *"64 byte(s) leaked in 1 allocation(s)"* ]]
	# An expected failure does not hide it: 23, not the program's 1.
	run --separate-stderr on_stderr "$W/leaker" 1 leak
	[ "$status" -eq 23 ] || fail "exit $status, not 23: $stderr"
}

@test "leaks: tests/lsan.supp names no function or file of ours" {
	local name ours n=0
	# A pattern matches any function, file or module (program) name
	# holding it.
	ours=$(cd "$KP_ROOT" && { grep -rhoE '^[A-Za-z_][A-Za-z0-9_]*\(' src |
	    tr -d '('; find "$KP_ROOT/src" -type f; for p in kin kout ktopic \
	    kbroker mockgen strategy wjoin wagg; do command -v "$p"; done; } |
	    sort -u)
	[ "$(wc -l <<< "$ours")" -gt 100 ]
	while read -r name; do
		n=$((n + 1))
		if grep -F -- "$name" <<< "$ours"; then
			fail "leak:$name matches the names above, of ours"
		fi
	done < <(sed -n 's/^leak:\([A-Za-z0-9_]*\)$/\1/p' "$KP_ROOT/tests/lsan.supp")
	# Every line is a comment, empty, or leak:FUNCTION (checked above).
	run grep -vE '^(#.*|leak:[A-Za-z0-9_]+|)$' "$KP_ROOT/tests/lsan.supp"
	assert_failure 1
	echo "$n suppressions"
	[ "$n" -ge 1 ]
}

@test "leaks: wagg --strict with a jq key exits 1 at a bad line: libjq's program stack, still held, is not reported" {
	strings "$(command -v wagg)" | grep -q __asan_init || skip "not the sanitizer build: $(command -v wagg)"
	printf '%s\n' '{"ts":"2026-01-01T00:00:00Z","s":"A"}' 'not json' > "$W/in"
	run --separate-stderr wagg --strict --rejects "$W/rejects" -w 1m \
	    -k '.s|ascii_downcase' count < "$W/in"
	[ "$status" -eq 1 ] || fail "exit $status: $stderr"
	[[ "$stderr" != *LeakSanitizer* ]]
	assert_equal "$(jq -r .line "$W/rejects")" 2
	# Without tests/lsan.supp, the same run is reported.
	LSAN_OPTIONS=exitcode=23 run --separate-stderr wagg --strict \
	    --rejects "$W/rejects" -w 1m -k '.s|ascii_downcase' count < "$W/in"
	[ "$status" -eq 23 ] || fail "exit $status without the suppressions"
	[[ "$stderr" == *jv_mem_realloc* ]]
}
