#!/usr/bin/env bash
# Builds librdkafka 2.12.0 from source into build/deps/librdkafka (a static
# library, headers and pkg-config files); the Makefile links it when it is
# there, Debian's librdkafka (2.0.2) otherwise.
#
#   tests/librdkafka.sh [--check]
#
# Why: librdkafka before 2.4 backs a consumer's fetcher off for a fixed
# second whenever its pre-fetch queue is full, so a pipeline slower than the
# broker stalls a second at a time (bench/RESULTS.md, "Strategy throughput
# per CPU"); 2.4 made that back-off a setting, fetch.queue.backoff.ms, which
# kin sets. Debian 12 has 2.0.2 and nothing newer; the source comes from the
# npm registry, where node-rdkafka 3.6.1 ships librdkafka 2.12.0's tree
# (checked against the sha256 below). --check: exit 0 if the build is there.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
version=2.12.0
url=https://registry.npmjs.org/node-rdkafka/-/node-rdkafka-3.6.1.tgz
sha256=148f7e7b65c510314c70762d8f1be052c8fe1fdf03a128e6c78083a729a57a30
dest="$root/build/deps/librdkafka"
stamp="$dest/.kpipes-$version"

say() { echo "librdkafka: $*" >&2; }

if [ -e "$stamp" ]; then
	[ "${1:-}" = --check ] || say "$version already built in $dest"
	exit 0
fi
[ "${1:-}" = --check ] && exit 1

work=$(mktemp -d "${TMPDIR:-/tmp}/kpipes-librdkafka.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "fetching librdkafka $version (in $url)"
if ! curl -fsSL --retry 3 -o "$work/src.tgz" "$url"; then
	# Some networks let npm through and not curl.
	(cd "$work" && npm pack --silent node-rdkafka@3.6.1 >/dev/null) &&
	    mv "$work"/node-rdkafka-3.6.1.tgz "$work/src.tgz"
fi
echo "$sha256  $work/src.tgz" | sha256sum -c --quiet - ||
    { say "checksum mismatch: not building"; exit 1; }
tar -xzf "$work/src.tgz" -C "$work" package/deps/librdkafka
cd "$work/package/deps/librdkafka"
grep -q "define RD_KAFKA_VERSION 0x020c00ff" src/rdkafka.h ||
    { say "not librdkafka $version inside"; exit 1; }

say "building (a minute or two)"
# The features of Debian's package: SSL, SASL (GSSAPI, SCRAM, OAUTHBEARER),
# zlib, zstd; lz4 and snappy are built in.
./configure --prefix="$dest" --disable-curl \
    --disable-lz4-ext > "$work/configure.log" 2>&1 ||
    { tail -n 30 "$work/configure.log" >&2; exit 1; }
grep 'BUILT_WITH' "$work/configure.log" | sed 's/^ */librdkafka: /' >&2
make -j"$(nproc)" -C src lib > "$work/make.log" 2>&1 ||
    { tail -n 30 "$work/make.log" >&2; exit 1; }
rm -rf "$dest"
make -C src install > "$work/install.log" 2>&1 ||
    { tail -n 30 "$work/install.log" >&2; exit 1; }
touch "$stamp"
say "$version in $dest"
