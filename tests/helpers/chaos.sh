#!/usr/bin/env bash
# Runs `kin [--eos] -g GROUP -e IN | strategy | kout [--eos] OUT` again and
# again, SIGKILLing one stage (chosen at random) at a random moment in each
# of ROUNDS rounds, then once more to the end without a kill.
#
#   tests/helpers/chaos.sh eos|default IN OUT GROUP ROUNDS [SEED]
#
# CHAOS_VICTIMS, when set, limits the stages to kill (e.g. "kin").
# Prints one line per round to stderr. The caller checks OUT.
set -uo pipefail

mode=$1 in=$2 out=$3 group=$4 rounds=$5
RANDOM=${6:-$$}
eos=()
[ "$mode" = eos ] && eos=(--eos)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A member killed without leaving holds its partitions for the session timeout.
groupx=(-X session.timeout.ms=6000 -X heartbeat.interval.ms=500)

run_round() {
	local kill_after=$1 victim pids names i
	mkfifo "$work/a" "$work/b"
	kin "${eos[@]}" -g "$group" "${groupx[@]}" -e "$in" > "$work/a" 2>>"$work/log" &
	pids=($!)
	strategy < "$work/a" > "$work/b" 2>>"$work/log" &
	pids+=($!)
	kout "${eos[@]}" "$out" < "$work/b" 2>>"$work/log" &
	pids+=($!)
	names=(kin strategy kout)
	if [ -n "$kill_after" ]; then
		sleep "$kill_after"
		local cands=(0 1 2) c
		if [ -n "${CHAOS_VICTIMS:-}" ]; then
			cands=()
			for c in 0 1 2; do
				[[ " $CHAOS_VICTIMS " == *" ${names[$c]} "* ]] && cands+=("$c")
			done
		fi
		i=${cands[$((RANDOM % ${#cands[@]}))]}
		victim=${names[$i]}
		if kill -KILL "${pids[$i]}" 2>/dev/null; then
			echo "chaos: round killed $victim after ${kill_after}s" >&2
		else
			echo "chaos: $victim had already finished after ${kill_after}s" >&2
		fi
	fi
	for i in 0 1 2; do
		wait "${pids[$i]}" 2>/dev/null
		echo "chaos:   ${names[$i]} exit $?" >&2
	done
	rm -f "$work/a" "$work/b"
}

for r in $(seq "$rounds"); do
	run_round "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.2 + r % 130 / 100 }')"
done
run_round ""
# A member killed just after it joined can be given partitions in the final round's
# rebalance; kin -e then ends at the end of its own share, the rest still unread (and
# uncommitted) until the dead member's session ends. Run again, as a supervisor would,
# until the group has read everything.
for again in 1 2 3 4 5; do
	# A partition without a committed offset has all of it to read.
	lag=$(ktopic -J lag -g "$group" "$in" | jq -s 'map(.lag // .end) | add')
	[ "$lag" = 0 ] && break
	echo "chaos: lag $lag after the final round: once more ($again)" >&2
	run_round ""
done
cat "$work/log" >&2
