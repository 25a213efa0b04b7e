#!/usr/bin/env bash
# Installs the Debian packages kpipes needs to build, test and benchmark.
# Run as root (or with sudo). Prints what it installs; exits non-zero if apt fails.
#
#   tests/install-deps.sh [--build] [--check]
#
# --build: only what building and running the programs and the demo need
# (make demo uses it). --check: install nothing; print the missing packages
# on one line and exit 1 if there are any.
set -euo pipefail

build_only=0
check_only=0
for arg in "$@"; do
	case $arg in
	--build) build_only=1 ;;
	--check) check_only=1 ;;
	*) echo "usage: tests/install-deps.sh [--build] [--check]" >&2; exit 2 ;;
	esac
done

packages=(
	build-essential pkg-config          # the compiler and make
	librdkafka-dev libjq-dev libonig-dev # Kafka client, jq library (and its regex engine)
	uthash-dev                          # wjoin's hash tables (header only)
	curl libssl-dev libsasl2-dev libzstd-dev zlib1g-dev # librdkafka 2.12 from source (tests/librdkafka.sh)
	jq procps                           # the kpipes launcher and demo: jq, pgrep, pkill
)
if [ "$build_only" = 0 ]; then
	packages+=(
		bats bats-assert bats-support bats-file # the test suite
		kcat python3-kafka python3-confluent-kafka sqlite3 # peers and oracles the tests compare against
		mandoc                          # man page lint
		docker-compose                  # validates docker-compose.yaml (no engine needed)
		psmisc shellcheck               # killall for the process tests; script lint
		time                            # GNU time: peak RSS in wjoin's tests and bench
		clang libclang-rt-14-dev        # the libFuzzer harnesses (make fuzz, tests/fuzz.bats)
	)
	# The real Kafka the tests start needs Java 17+ and Maven (tests/kafka-real.sh).
	command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jre-headless)
	command -v mvn >/dev/null 2>&1 || packages+=(maven)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "$check_only" = 1 ]; then
	[ ${#missing[@]} -eq 0 ] && exit 0
	echo "${missing[*]}"
	exit 1
fi
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: every package is installed"
else
	echo "install-deps: installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# librdkafka 2.12.0, built once into build/deps (the Makefile links it when
# it is there). Without it kpipes still builds, on Debian's 2.0.2.
if ! "$(dirname "$0")/librdkafka.sh"; then
	echo "install-deps: librdkafka 2.12.0 could not be built: kpipes links" \
	    "the system's librdkafka instead (slower pipes, kin(1) CAVEATS)" >&2
fi
echo "install-deps: done"
