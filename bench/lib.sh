# Shared by the bench scripts: where the programs are, timing, medians.
# The optimised build (bin/) is measured, never the sanitizer one.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${KPIPES_BENCH_BIN:-$root/bin}"

# need PROGRAM...: each must be built (make) or on PATH for outside tools.
need() {
	local p
	for p in "$@"; do
		if [ -x "$bin/$p" ]; then
			continue
		elif ! command -v "$p" >/dev/null; then
			echo "bench: $p is missing (run make, or install it)" >&2
			exit 2
		fi
	done
}

# ms COMMAND...: runs it and prints its wall-clock time in milliseconds.
ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@"
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}

# median: of the numbers on stdin, one a line.
median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# machine: one line saying what ran the bench.
machine() {
	local cpu mem
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "$(nproc) cores ($cpu), $mem memory, $(uname -sr)"
}

# now_ms: the wall clock in milliseconds since the epoch.
now_ms() { date +%s%3N; }

# topic_count BROKERS TOPIC: the messages TOPIC holds, its partitions' high
# watermarks summed.
topic_count() {
	"$bin/ktopic" -b "$1" describe -J "$2" |
	    awk -F'"high":' '{ split($2, a, /[,}]/); s += a[1] } END { print s + 0 }'
}

# wait_topic_count BROKERS TOPIC TARGET TIMEOUT_S [PID]: waits until TOPIC
# holds TARGET messages, or, once it holds some, 15 s go by without a new
# one, or TIMEOUT_S go by, or PID is gone (each said on stderr); prints the
# count it reached.
wait_topic_count() {
	local n prev=-1 moved end=$(( $(date +%s) + $4 ))
	moved=$(date +%s)
	while n=$(topic_count "$1" "$2"); [ "$n" -lt "$3" ]; do
		[ "$n" = "$prev" ] || { prev=$n; moved=$(date +%s); }
		if [ "$n" -gt 0 ] && [ "$(date +%s)" -ge $((moved + 15)) ]; then
			echo "bench: $2: $n of $3, nothing new for 15 s" >&2
			break
		elif [ "$(date +%s)" -ge "$end" ]; then
			echo "bench: $2: $n of $3 after $4 s" >&2
			break
		elif [ -n "${5:-}" ] && ! kill -0 "$5" 2>/dev/null; then
			echo "bench: $2: $n of $3, process $5 gone" >&2
			break
		fi
		sleep 0.1
	done
	echo "$n"
}

# stop_group PID GRACE_S: gives the process PID GRACE_S seconds to exit by
# itself, then sends SIGTERM to its process group (a job started with
# setsid), gives the group 30 s and kills what is left.
stop_group() {
	local i
	for ((i = 0; i < $2 * 5; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
	kill -TERM -- "-$1" 2>/dev/null || return 0
	for ((i = 0; i < 150; i++)); do kill -0 -- "-$1" 2>/dev/null || return 0; sleep 0.2; done
	kill -KILL -- "-$1" 2>/dev/null || true
}

# quick_option ARGS...: true for --quick, false for no argument; anything
# else is a usage error (exit 2).
quick_option() {
	[ $# = 0 ] && return 1
	[ $# = 1 ] && [ "$1" = --quick ] && return 0
	echo "usage: bench/${0##*/} [--quick]" >&2
	exit 2
}

# wait_for_file FILE TIMEOUT_S PID: until FILE exists; false if TIMEOUT_S
# go by or the process PID is gone first.
wait_for_file() {
	local end=$(( $(date +%s) + $2 ))
	until [ -e "$1" ]; do
		if ! kill -0 "$3" 2>/dev/null || [ "$(date +%s)" -ge "$end" ]; then
			return 1
		fi
		sleep 0.2
	done
}

# A work directory ($work) and the brokers a script starts, all gone when it
# exits: start_kbroker and start_real set $B.
kb_pid=""
real_dir=""
bench_cleanup() {
	[ -n "$kb_pid" ] && kill "$kb_pid" 2>/dev/null
	[ -n "$real_dir" ] && "$root/tests/kafka-real.sh" stop "$real_dir" >/dev/null 2>&1
	rm -rf "$work"
}
bench_work() {
	work=$(mktemp -d)
	trap bench_cleanup EXIT
}

# start_kbroker ARG...: the embedded broker (bin/kbroker ARG...), its
# topics made up front (it has no CreateTopics).
start_kbroker() {
	"$bin/kbroker" "$@" > "$work/kb.addr" &
	kb_pid=$!
	for _ in $(seq 100); do [ -s "$work/kb.addr" ] && break; sleep 0.05; done
	B=$(head -n 1 "$work/kb.addr")
}
stop_kbroker() {
	kill "$kb_pid"
	wait "$kb_pid" 2>/dev/null || true
	kb_pid=""
}

# start_real: a real Apache Kafka (tests/kafka-real.sh) in $work/kafka.
start_real() {
	real_dir="$work/kafka"
	B=$("$root/tests/kafka-real.sh" start "$real_dir" 2>/dev/null)
}
