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
