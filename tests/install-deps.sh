#!/usr/bin/env bash
# Installs the Debian packages kpipes needs to build, test and benchmark.
# Run as root (or with sudo). Prints what it installs; exits non-zero if apt fails.
set -euo pipefail

packages=(
	build-essential pkg-config          # the compiler and make
	librdkafka-dev libjq-dev libonig-dev # Kafka client, jq library (and its regex engine)
	bats bats-assert bats-support bats-file # the test suite
	kcat jq python3-kafka sqlite3       # peers and oracles the tests compare against
	mandoc                              # man page lint
	docker-compose                      # validates docker-compose.yaml (no engine needed)
	procps psmisc                       # ps, pkill, killall for the process tests
)
# The real Kafka the tests start needs Java 17+ and Maven (tests/kafka-real.sh).
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: everything is installed"
	exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
