#!/usr/bin/env bash
# Runs the exactly-once join
#   kin --eos -g GROUP_l -e LEFT | wjoin ARGS <(kin --eos -g GROUP_r -e RIGHT) | kout --eos OUT
# again and again, SIGKILLing one of its four processes (chosen at random)
# at a random moment in each of ROUNDS rounds, then twice more to the end
# without a kill (the second finds nothing left and must add nothing).
#
#   tests/helpers/chaos-join.sh LEFT RIGHT OUT GROUP ROUNDS SEED WJOIN-ARGS...
#
# Prints one line per round to stderr. The caller checks OUT.
set -uo pipefail

left=$1 right=$2 out=$3 group=$4 rounds=$5
RANDOM=$6
shift 6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A member killed without leaving holds its partitions for the session timeout.
groupx=(-X session.timeout.ms=6000 -X heartbeat.interval.ms=500)

run_round() {
	local kill_after=$1 victim pids names i
	shift
	mkfifo "$work/l" "$work/r" "$work/j"
	kin --eos -g "${group}_l" "${groupx[@]}" -e "$left" > "$work/l" 2>>"$work/log" &
	pids=($!)
	kin --eos -g "${group}_r" "${groupx[@]}" -e "$right" > "$work/r" 2>>"$work/log" &
	pids+=($!)
	wjoin "$@" "$work/r" < "$work/l" > "$work/j" 2>>"$work/log" &
	pids+=($!)
	kout --eos "$out" < "$work/j" 2>>"$work/log" &
	pids+=($!)
	names=(kin-left kin-right wjoin kout)
	if [ -n "$kill_after" ]; then
		sleep "$kill_after"
		i=$((RANDOM % 4))
		victim=${names[$i]}
		if kill -KILL "${pids[$i]}" 2>/dev/null; then
			echo "chaos: round killed $victim after ${kill_after}s" >&2
		else
			echo "chaos: $victim had already finished after ${kill_after}s" >&2
		fi
	fi
	for i in 0 1 2 3; do
		wait "${pids[$i]}" 2>/dev/null
		echo "chaos:   ${names[$i]} exit $?" >&2
	done
	rm -f "$work/l" "$work/r" "$work/j"
}

for r in $(seq "$rounds"); do
	run_round "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.1 + r % 120 / 100 }')" "$@"
done
run_round "" "$@"
run_round "" "$@"
cat "$work/log" >&2
