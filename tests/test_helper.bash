# Loaded by every tests/*.bats file: paths, assertions, broker helpers.
# The suite runs the sanitizer build (make SAN=1) unless KPIPES_BIN says otherwise.

KP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KPIPES_BIN="${KPIPES_BIN:-$KP_ROOT/build/san/bin}"
export PATH="$KPIPES_BIN:$KP_ROOT/bin:$PATH"
FIXTURES="$KP_ROOT/tests/fixtures"
# LeakSanitizer is on. At exit a leak (as any sanitizer error) makes the
# process exit 23, not 1: a test that expects a failing run's 1 still sees
# it. tests/lsan.supp names only librdkafka's and libjq's own allocations.
# A process killed by a signal is not checked; one that exits through
# err(3) is, and what globals or main's frame still point to is no leak.
# Stacks stop where a library has no frame pointers (libjq); for whole
# ones, and for the reports of processes whose status no test looks at,
# run tests/run with KPIPES_LSAN_LOG=DIR.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$KP_ROOT/tests/lsan.supp:print_suppressions=0:exitcode=23}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

load '/usr/lib/bats/bats-support/load.bash'
load '/usr/lib/bats/bats-assert/load.bash'

# Skips the test when the run has no broker (tests/run always provides one).
need_broker() {
	[ -n "${KAFKA_BROKERS:-}" ] || skip "KAFKA_BROKERS is not set (run through tests/run)"
}

# A topic name no other test (or earlier run against the same broker) uses.
new_topic() {
	echo "t_${BATS_TEST_NUMBER}_${1:-x}_$$_${RANDOM}${RANDOM}"
}

# Which broker this run uses: "embedded" or "real" (set by tests/run).
broker_kind() {
	echo "${KPIPES_BROKER_KIND:-unknown}"
}

# Runs a command with a time limit so a hang fails the test instead of the run.
with_timeout() {
	local secs=$1
	shift
	timeout --kill-after=5 "$secs" "$@"
}

# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 4; i++)); do
		"$@" && return 0
		sleep 0.25
	done
	return 1
}

# state_is PIPELINE STATE: what its kpipes supervisor says it is doing.
state_is() {
	[ "$(cat "$KPIPES_RUN/p/$1/state" 2>/dev/null)" = "$2" ]
}
