#!/usr/bin/env bash
# mockgen unthrottled: records per second into /dev/null and through a
# pipe, medians of RUNS runs.
#
#   bench/mockgen.sh [RECORDS [RUNS]]	(default 5000000 records, 3 runs)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

records=${1:-5000000}
runs=${2:-3}
need mockgen

to_null() { "$bin/mockgen" -r 0 -n "$records" --seed 1 > /dev/null; }
to_pipe() { "$bin/mockgen" -r 0 -n "$records" --seed 1 | cat > /dev/null; }
to_null_id() { "$bin/mockgen" -r 0 -n "$records" --seed 1 --id --disorder 5s > /dev/null; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kpipes-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
for _ in $(seq "$runs"); do
	ms to_null >> "$work/null"
	ms to_pipe >> "$work/pipe"
	ms to_null_id >> "$work/id"
done

rate() { awk -v n="$records" -v t="$1" 'BEGIN { printf "%.0f", n / t * 1000 }'; }
echo "## mockgen"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(machine)"
echo "- reproduce: bench/mockgen.sh $records $runs"
echo
echo "| case | runs (ms) | median | records/s |"
echo "| --- | --- | --- | --- |"
for c in null pipe id; do
	m=$(median < "$work/$c")
	case $c in
	null) what="mockgen -r 0 -n $records > /dev/null" ;;
	pipe) what="mockgen -r 0 -n $records \\| cat > /dev/null" ;;
	id) what="same, with --id --disorder 5s, > /dev/null" ;;
	esac
	echo "| $what | $(paste -sd' ' "$work/$c") | ${m} ms | $(rate "$m") |"
done
echo
echo "- goal: at least 1000000 records/s unthrottled"
