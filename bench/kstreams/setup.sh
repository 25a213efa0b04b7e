#!/usr/bin/env bash
# Builds the Kafka Streams side of bench/vs-spark.sh (this Maven project)
# once: mvn package into target/, offline first (everything it needs is then
# in ~/.m2), from Maven Central otherwise. Rebuilt when a source or the pom
# is newer than the jar.
#
#   bench/kstreams/setup.sh        build if need be; prints nothing on stdout
#   bench/kstreams/setup.sh env    then print KSTREAMS_CLASSPATH=
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
jar=target/kstreams-bench.jar

log() { printf 'kstreams-setup: %s\n' "$*" >&2; }

command -v java >/dev/null || { log "java not found"; exit 1; }
exec 9>"${TMPDIR:-/tmp}/kpipes-kstreams-setup.$(id -u).lock"
flock 9
if [[ ! -f $jar || ! -f target/lib/.complete ]] || [[ -n $(find pom.xml src -newer "$jar" -print -quit) ]]; then
	command -v mvn >/dev/null || { log "mvn not found"; exit 1; }
	log "building bench/kstreams with mvn"
	mlog=$(mktemp)
	trap 'rm -f "$mlog"' EXIT
	rm -rf target
	if ! mvn -B -q -o -Dstyle.color=never package >"$mlog" 2>&1 </dev/null; then
		rm -rf target
		mvn -B -q -Dstyle.color=never package >"$mlog" 2>&1 </dev/null ||
		    { cat "$mlog" >&2; log "mvn package failed"; exit 1; }
	fi
	touch target/lib/.complete
fi
if [[ ${1:-} == env ]]; then
	echo "KSTREAMS_CLASSPATH=$here/$jar:$here/target/lib/*"
fi
