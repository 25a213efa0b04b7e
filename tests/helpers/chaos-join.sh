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

# unblock VICTIM: a process killed before it opened its pipes leaves the
# other end of each blocked in open(2) for ever (a FIFO's open waits for
# its peer). Opening the victim's pipes for reading and writing, and
# closing them at once, lets such an open return, and the survivor then
# meets the dead peer as it would have: end of input, or a broken pipe.
# Repeated until the round ends, for a survivor that opens later.
unblock() {
	local fifos f
	case $1 in
	kin-left) fifos=(l) ;;
	kin-right) fifos=(r) ;;
	wjoin) fifos=(l r j) ;;
	kout) fifos=(j) ;;
	esac
	while :; do
		for f in "${fifos[@]}"; do
			if [ -p "$work/$f" ]; then
				exec 9<>"$work/$f"
				exec 9>&-
			fi
		done
		sleep 0.2
	done
}

run_round() {
	local kill_after=$1 victim pids names i unblocker=
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
			unblock "$victim" &
			unblocker=$!
		else
			echo "chaos: $victim had already finished after ${kill_after}s" >&2
		fi
	fi
	for i in 0 1 2 3; do
		wait "${pids[$i]}" 2>/dev/null
		echo "chaos:   ${names[$i]} exit $?" >&2
	done
	[ -z "$unblocker" ] || { kill "$unblocker" 2>/dev/null; wait "$unblocker" 2>/dev/null; }
	rm -f "$work/l" "$work/r" "$work/j"
}

for _ in $(seq "$rounds"); do
	run_round "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.1 + r % 120 / 100 }')" "$@"
done
run_round "" "$@"
run_round "" "$@"
cat "$work/log" >&2
