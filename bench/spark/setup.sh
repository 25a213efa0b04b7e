#!/usr/bin/env bash
# Installs the Spark side of bench/vs-spark.sh, idempotently, into a cache:
# PySpark from PyPI in a venv, and the Kafka source and sink
# (org.apache.spark:spark-sql-kafka-0-10_2.13, same version) with the jars
# it needs beyond PySpark's own, from Maven Central through mvn.
#
#   bench/spark/setup.sh          install if missing; prints nothing on stdout
#   bench/spark/setup.sh env      install if missing, then print SPARK_PYTHON=
#                                 and SPARK_JARS= (comma-separated) lines
#
# Environment: KPIPES_CACHE (default ~/.cache/kpipes), SPARK_VERSION (4.2.0:
# the newest version whose Kafka connector Maven Central serves; PyPI has
# pyspark 4.3.0 but not its connector), PYTHON (default python3).
set -euo pipefail

SPARK_VERSION=${SPARK_VERSION:-4.2.0}
CACHE_ROOT=${KPIPES_CACHE:-${HOME:-/root}/.cache/kpipes}
VENV=$CACHE_ROOT/spark-venv-$SPARK_VERSION
JARS=$CACHE_ROOT/spark-kafka-$SPARK_VERSION
PYTHON=${PYTHON:-python3}
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

log() { printf 'spark-setup: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/spark-setup.lock"
flock 9

if [[ ! -f $VENV/.complete ]]; then
	log "installing pyspark==$SPARK_VERSION into $VENV"
	rm -rf "$VENV"
	"$PYTHON" -m venv "$VENV" || die "$PYTHON -m venv failed"
	"$VENV/bin/pip" install -q --disable-pip-version-check \
	    "pyspark==$SPARK_VERSION" >&2 || die "pip install pyspark failed"
	touch "$VENV/.complete"
fi

if [[ ! -f $JARS/.complete ]]; then
	command -v mvn >/dev/null || die "mvn not found"
	log "fetching spark-sql-kafka-0-10_2.13:$SPARK_VERSION with mvn into $JARS"
	tmp=$(mktemp -d "$CACHE_ROOT/spark-fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kpipes.bench</groupId>
  <artifactId>spark-kafka-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.spark</groupId>
      <artifactId>spark-sql-kafka-0-10_2.13</artifactId>
      <version>$SPARK_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
	(cd "$tmp" && mvn -B -q -Dstyle.color=never "$DEP_PLUGIN:copy-dependencies" \
	    -DincludeScope=runtime -DoutputDirectory="$tmp/libs") \
	    >"$tmp/mvn.log" 2>&1 </dev/null || { cat "$tmp/mvn.log" >&2; die "mvn failed"; }
	# Keep only the jars PySpark lacks (any version of the same artifact in
	# pyspark/jars wins, so the classpath has one copy of each library).
	pyjars=$("$VENV/bin/python" -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')
	mkdir -p "$tmp/keep"
	for f in "$tmp"/libs/*.jar; do
		b=${f##*/}
		a=$(sed -E 's/-[0-9][^-]*(-[A-Za-z0-9]+)?\.jar$//' <<<"$b")
		compgen -G "$pyjars/$a-[0-9]*.jar" >/dev/null || cp "$f" "$tmp/keep/"
	done
	[[ -f $tmp/keep/spark-sql-kafka-0-10_2.13-$SPARK_VERSION.jar ]] ||
	    die "spark-sql-kafka-0-10_2.13-$SPARK_VERSION.jar missing after fetch"
	echo "$SPARK_VERSION" >"$tmp/keep/.complete"
	rm -rf "$JARS"
	mv -T "$tmp/keep" "$JARS"
	log "jars: $(cd "$JARS" && echo *.jar)"
fi

if [[ ${1:-} == env ]]; then
	echo "SPARK_PYTHON=$VENV/bin/python"
	echo "SPARK_JARS=$(ls "$JARS"/*.jar | paste -sd, -)"
fi
