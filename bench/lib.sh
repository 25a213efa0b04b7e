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
