#!/usr/bin/env bash
# Run a real single-node Apache Kafka (KRaft, combined broker+controller)
# for tests, using only java (17+) and mvn (jars come from Maven Central).
#
#   tests/kafka-real.sh fetch          download broker jars into the cache
#   tests/kafka-real.sh start [DIR]    start a broker; prints 127.0.0.1:PORT
#   tests/kafka-real.sh stop [DIR]     stop it and remove DIR (default: the
#                                      broker this user started last, named
#                                      on stderr; never another user's)
#   tests/kafka-real.sh halt DIR       stop the broker, keep its data (fault tests)
#   tests/kafka-real.sh resume DIR     start it again at the same address
#   tests/kafka-real.sh start-sasl DIR a broker whose client listener is
#                                      SASL_PLAINTEXT (PLAIN, SCRAM-SHA-256)
#                                      with ACLs; prints 127.0.0.1:PORT and
#                                      writes DIR/alice.properties (a super
#                                      user) and DIR/bob.properties (no ACL);
#                                      stop it with stop DIR
#
# Only `start` writes to stdout (the bootstrap address, one line); all
# diagnostics go to stderr.  Typical use:
#
#   dir=$(mktemp -d)
#   addr=$(tests/kafka-real.sh start "$dir") || exit 1
#   trap 'tests/kafka-real.sh stop "$dir"' EXIT
#
# Environment:
#   KPIPES_CACHE         cache root (default $HOME/.cache/kpipes)
#   KAFKA_VERSION        org.apache.kafka:kafka_2.13 version (default below)
#   KAFKA_HEAP_OPTS      JVM heap flags (default -Xms64m -Xmx512m)
#   KAFKA_START_TIMEOUT  seconds to wait for the broker (default 60)
#   JAVA                 java binary (default: java)
set -euo pipefail

KAFKA_VERSION=${KAFKA_VERSION:-4.1.1}
# 4.1.1: Kafka 4.x brokers need Java 17 (bytecode 61), which is what we have.
# Kafka's binary distribution logs through slf4j 1.7 -> log4j2; the Maven pom
# of kafka_2.13 lacks the slf4j binding (and 4.0.x lacks log4j entirely), so
# fetch adds it.  LOG4J_FALLBACK is used when the pom names no log4j-core.
LOG4J_FALLBACK=2.24.3
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
CACHE_ROOT=${KPIPES_CACHE:-${HOME:-/root}/.cache/kpipes}
KAFKA_HOME=$CACHE_ROOT/kafka-$KAFKA_VERSION
LIBS=$KAFKA_HOME/libs
LAST_FILE=$CACHE_ROOT/kafka-real.last
MARKER=.kpipes-kafka-real
JAVA=${JAVA:-java}
START_TIMEOUT=${KAFKA_START_TIMEOUT:-60}

log() { printf 'kafka-real: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
    exit 2
}

# ---------------------------------------------------------------- fetch ---

# mvn -q in DIR, its output shown (on stderr) only if it fails.
mvn_q() {
    local dir=$1
    shift
    if ! (cd "$dir" && mvn -B -q -Dstyle.color=never "$@") \
        >"$dir/mvn.log" 2>&1 </dev/null; then
        cat "$dir/mvn.log" >&2
        return 1
    fi
}

fetch() {
    if [[ -f $LIBS/.complete ]]; then
        return 0
    fi
    command -v mvn >/dev/null || die "mvn not found"
    mkdir -p "$KAFKA_HOME"
    # Serialize concurrent fetches (parallel test jobs on a cold cache).
    if command -v flock >/dev/null; then
        exec 9>"$KAFKA_HOME.lock"
        flock 9
        if [[ -f $LIBS/.complete ]]; then
            exec 9>&-
            return 0
        fi
    fi
    local tmp
    tmp=$(mktemp -d "$KAFKA_HOME/fetch.XXXXXX")
    FETCH_TMP=$tmp
    trap 'rm -rf "${FETCH_TMP:-}"; rmdir "$KAFKA_HOME" 2>/dev/null || true' EXIT
    cat >"$tmp/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kpipes.tests</groupId>
  <artifactId>kafka-real-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
    log "fetching kafka_2.13:$KAFKA_VERSION and dependencies with mvn"
    # mvn prints to stdout; keep our stdout clean for `start`.
    mvn_q "$tmp" "$DEP_PLUGIN:copy-dependencies" \
        -DincludeScope=runtime -DoutputDirectory="$tmp/libs" ||
        die "mvn failed to fetch kafka_2.13:$KAFKA_VERSION"

    # Add the slf4j -> log4j2 binding matching the log4j-core Kafka uses
    # (4.1+ poms bring log4j-core; 4.0.x poms bring no backend at all).
    local core log4j_ver=$LOG4J_FALLBACK a
    core=$(cd "$tmp/libs" && compgen -G 'log4j-core-*.jar' | head -n1) || core=
    if [[ -n $core ]]; then
        log4j_ver=${core#log4j-core-}
        log4j_ver=${log4j_ver%.jar}
    fi
    for a in log4j-api log4j-core log4j-slf4j-impl; do
        [[ -f $tmp/libs/$a-$log4j_ver.jar ]] && continue
        mvn_q "$tmp" "$DEP_PLUGIN:copy" \
            -Dartifact="org.apache.logging.log4j:$a:$log4j_ver" \
            -DoutputDirectory="$tmp/libs" ||
            die "mvn failed to fetch $a:$log4j_ver"
    done

    [[ -f $tmp/libs/kafka_2.13-$KAFKA_VERSION.jar ]] ||
        die "kafka_2.13-$KAFKA_VERSION.jar missing after fetch"
    echo "$KAFKA_VERSION" >"$tmp/libs/.complete"
    # Publish with a rename, so an interrupted fetch never looks complete.
    rm -rf "$LIBS"
    mv -T "$tmp/libs" "$LIBS" || die "could not install jars into $LIBS"
    rm -rf "$tmp"
    FETCH_TMP=
    exec 9>&-
    log "jars in $LIBS"
}

# ---------------------------------------------------------------- start ---

# A free loopback port below the Linux ephemeral range (32768+), so it cannot
# collide with the local ends of outgoing connections.
free_port() {
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + (RANDOM % 12000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

# Kafka cluster id: 16 random bytes, URL-safe base64 without padding,
# not starting with '-' (same rule as org.apache.kafka.common.Uuid).
cluster_id() {
    local id
    while :; do
        id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
        [[ $id == -* ]] || break
    done
    echo "$id"
}

jvm_opts() {
    # shellcheck disable=SC2206  # intentional word splitting of heap opts
    local heap=(${KAFKA_HEAP_OPTS:--Xms64m -Xmx512m})
    printf '%s\n' "${heap[@]}" \
        -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
        -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$1/log4j2.properties" \
        -Dkafka.logs.dir="$1"
}

# What every broker here is set to: one node, small thread pools, topics of
# four partitions made on first use, no rebalance delay.
common_props() {
    cat <<EOF
auto.create.topics.enable=true
num.partitions=4
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
background.threads=2
EOF
}

write_log4j() {
    local dir=$1
    cat >"$dir/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $dir/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = FILE
EOF
}

write_config() {
    local dir=$1 port=$2 cport=$3
    cat >"$dir/server.properties" <<EOF
# generated by tests/kafka-real.sh
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data

$(common_props)
log.segment.bytes=16777216
log.retention.check.interval.ms=60000
num.recovery.threads.per.data.dir=1
EOF
    write_log4j "$dir"
}

# Is DIR's broker answering?  The log line is written once KafkaRaftServer
# has finished starting (broker unfenced, listeners open); with kcat we also
# check that the broker shows up in a metadata response.
broker_ready() {
    local dir=$1 addr=$2
    grep -q 'Kafka Server started' "$dir/server.log" 2>/dev/null || return 1
    if command -v kcat >/dev/null; then
        kcat -b "$addr" -L -m 2 2>/dev/null </dev/null | grep -q ' 1 brokers:' ||
            return 1
    fi
    return 0
}

# True while PID runs (a zombie left unreaped by a minimal pid 1 counts as
# gone).
pid_alive() {
    local stat
    [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# Is PID still our broker for DIR (guards against pid reuse)?
is_our_broker() {
    local pid=$1 dir=$2
    pid_alive "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir/server.properties"
}

# EXIT trap of start: kill a broker that never answered, drop a mktemp dir.
start_abort() {
    if [[ -n ${START_PID:-} ]]; then
        kill -KILL "$START_PID" 2>/dev/null || true
        wait "$START_PID" 2>/dev/null || true
    fi
    if [[ -n ${START_RMDIR:-} ]]; then rm -rf "$START_RMDIR"; fi
}

# ----------------------------------------------------------- start-sasl ---
# For the authentication tests (tests/auth.bats): clients connect to a
# SASL_PLAINTEXT listener, which takes PLAIN and SCRAM-SHA-256. alice is a
# super user; bob authenticates but no ACL allows him anything (the
# StandardAuthorizer refuses what no ACL allows). The broker talks to itself
# and to its controller over PLAINTEXT listeners of its own, whose anonymous
# principal is a super user: tests must only hand out the SASL address.

SASL_USERS=(alice bob)

write_sasl_config() {
    local dir=$1 port=$2 iport=$3 cport=$4 u plain=""
    for u in "${SASL_USERS[@]}"; do plain+=" user_$u=\"$u-secret\""; done
    cat >"$dir/server.properties" <<EOF
# generated by tests/kafka-real.sh start-sasl
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=SASL_PLAINTEXT://127.0.0.1:$port,INTERNAL://127.0.0.1:$iport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$port,INTERNAL://127.0.0.1:$iport
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$plain;
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:alice;User:ANONYMOUS
log.dirs=$dir/data

$(common_props)
EOF
    write_log4j "$dir"
    # The clients' settings, a file for each user, 0600 as secrets should be.
    for u in "${SASL_USERS[@]}"; do
        (umask 077 && printf '%s\n' security.protocol=SASL_PLAINTEXT \
            sasl.mechanisms=PLAIN "sasl.username=$u" \
            "sasl.password=$u-secret" >"$dir/$u.properties")
    done
}

# start_broker KIND DIR: formats DIR and runs a broker of KIND (plain, or
# sasl: see write_sasl_config) there, with fresh ports, up to three times
# if a port was taken meanwhile. Prints the client address.
start_broker() {
    local kind=$1 dir=$2 attempt port iport cport addr ready pid opts deadline
    local why u label="" format_args=()
    if [[ $kind == sasl ]]; then
        label="SASL "
        for u in "${SASL_USERS[@]}"; do
            format_args+=(--add-scram "SCRAM-SHA-256=[name=$u,password=$u-secret]")
        done
    fi
    for attempt in 1 2 3; do
        rm -rf "$dir/data" "$dir/server.log" "$dir/kafka.out"
        port=$(free_port)
        cport=$(free_port)
        while [[ $cport == "$port" ]]; do cport=$(free_port); done
        addr=127.0.0.1:$port
        if [[ $kind == sasl ]]; then
            iport=$(free_port)
            while [[ $iport == "$port" || $iport == "$cport" ]]; do iport=$(free_port); done
            write_sasl_config "$dir" "$port" "$iport" "$cport"
            # Asked on the internal listener: the SASL one wants credentials.
            ready=127.0.0.1:$iport
        else
            write_config "$dir" "$port" "$cport"
            ready=$addr
        fi
        mapfile -t opts < <(jvm_opts "$dir")

        if ! "$JAVA" "${opts[@]}" -cp "$LIBS/*" kafka.tools.StorageTool format \
            -t "$(cluster_id)" -c "$dir/server.properties" "${format_args[@]}" \
            >"$dir/format.log" 2>&1 </dev/null; then
            cat "$dir/format.log" >&2
            die "kafka storage format failed"
        fi

        "$JAVA" "${opts[@]}" -cp "$LIBS/*" kafka.Kafka "$dir/server.properties" \
            </dev/null >"$dir/kafka.out" 2>&1 &
        pid=$!
        START_PID=$pid
        echo "$pid" >"$dir/kafka.pid"

        deadline=$((SECONDS + START_TIMEOUT))
        while pid_alive "$pid" && ((SECONDS < deadline)); do
            if broker_ready "$dir" "$ready"; then
                echo "$addr" >"$dir/kafka.addr"
                if [[ $kind == plain ]]; then
                    mkdir -p "$CACHE_ROOT"
                    echo "$dir" >"$LAST_FILE"
                fi
                log "${label}broker pid $pid at $addr, dir $dir"
                START_PID=
                START_RMDIR=
                trap - EXIT INT TERM HUP
                echo "$addr"
                return 0
            fi
            sleep 0.2
        done

        # Failed: stop whatever is left and report.
        why="exited"
        if pid_alive "$pid"; then
            why="did not answer within ${START_TIMEOUT}s"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
        START_PID=
        if grep -qs 'Address already in use' "$dir/server.log" "$dir/kafka.out" &&
            ((attempt < 3)); then
            log "port clash, retrying with other ports"
            continue
        fi
        log "broker failed to start ($why); log tail:"
        tail -n 40 "$dir/server.log" >&2 2>/dev/null || true
        tail -n 20 "$dir/kafka.out" >&2 2>/dev/null || true
        exit 1
    done
}

# start KIND [DIR]: DIR (made if missing, must be empty) or a new temporary
# one, which is removed again if the broker does not start.
start() {
    local kind=$1 dir=${2:-} made_dir=0
    fetch
    command -v "$JAVA" >/dev/null || die "java not found"
    if [[ -z $dir ]]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/kpipes-kafka.XXXXXX")
        made_dir=1
    else
        mkdir -p "$dir"
        [[ -z $(ls -A "$dir") ]] || die "$dir is not empty"
    fi
    dir=$(cd "$dir" && pwd -P)
    touch "$dir/$MARKER"
    # If we are interrupted before the broker answers, do not leak it.
    START_PID=
    START_RMDIR=
    if [[ $made_dir == 1 ]]; then START_RMDIR=$dir; fi
    trap 'start_abort' EXIT
    trap 'exit 130' INT TERM HUP
    start_broker "$kind" "$dir"
}

# ------------------------------------------------------- halt and resume ---
# For fault tests: halt stops the broker but keeps its data and ports;
# resume starts it again from them, at the same address.

halt() {
    local dir=${1:?usage: kafka-real.sh halt DIR}
    dir=$(cd "$dir" && pwd -P)
    [[ -f $dir/$MARKER ]] || die "$dir was not made by kafka-real.sh start"
    local pid i
    pid=$(<"$dir/kafka.pid")
    is_our_broker "$pid" "$dir" || die "no broker of $dir is running"
    kill -TERM "$pid"
    for ((i = 0; i < 150; i++)); do
        pid_alive "$pid" || break
        sleep 0.2
    done
    pid_alive "$pid" && kill -KILL "$pid"
    log "halted broker $pid of $dir"
}

resume() {
    local dir=${1:?usage: kafka-real.sh resume DIR} addr pid opts
    dir=$(cd "$dir" && pwd -P)
    [[ -f $dir/$MARKER && -f $dir/kafka.addr ]] || die "$dir was not made by kafka-real.sh start"
    addr=$(<"$dir/kafka.addr")
    mapfile -t opts < <(jvm_opts "$dir")
    # Readiness is read from the log: start it afresh.
    mv -f "$dir/server.log" "$dir/server.log.halted" 2>/dev/null || true
    "$JAVA" "${opts[@]}" -cp "$LIBS/*" kafka.Kafka "$dir/server.properties" \
        </dev/null >>"$dir/kafka.out" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/kafka.pid"
    local deadline=$((SECONDS + START_TIMEOUT))
    while pid_alive "$pid" && ((SECONDS < deadline)); do
        if broker_ready "$dir" "$addr"; then
            log "resumed broker pid $pid at $addr"
            echo "$addr"
            return 0
        fi
        sleep 0.2
    done
    tail -n 40 "$dir/server.log" >&2 2>/dev/null || true
    die "broker did not come back"
}

# ----------------------------------------------------------------- stop ---

stop() {
    local dir=${1:-}
    if [[ -z $dir ]]; then
        # The one this user started last ($LAST_FILE is under this user's
        # cache); a directory another user owns is never touched.
        [[ -f $LAST_FILE ]] || { log "nothing to stop"; return 0; }
        dir=$(<"$LAST_FILE")
        if [[ -d $dir && $(stat -c %u "$dir") != "$(id -u)" ]]; then
            die "the last broker started, in $dir, is not yours (uid $(stat -c %u "$dir")); not stopping it"
        fi
        log "stopping the broker this user started last: $dir ($(cat "$dir/kafka.addr" 2>/dev/null || echo "no address"))"
    fi
    if [[ ! -d $dir ]]; then
        log "no such dir: $dir"
        if [[ -f $LAST_FILE && $(<"$LAST_FILE") == "$dir" ]]; then
            rm -f "$LAST_FILE"
        fi
        return 0
    fi
    dir=$(cd "$dir" && pwd -P)
    [[ -f $dir/$MARKER ]] || die "$dir was not made by kafka-real.sh start; not touching it"

    local pid=""
    [[ -f $dir/kafka.pid ]] && pid=$(<"$dir/kafka.pid")
    if [[ -n $pid ]] && is_our_broker "$pid" "$dir"; then
        kill -TERM "$pid" 2>/dev/null || true
        local i
        for ((i = 0; i < 100; i++)); do
            pid_alive "$pid" || break
            sleep 0.2
        done
        if pid_alive "$pid"; then
            log "broker $pid ignored SIGTERM for 20s, killing"
            kill -KILL "$pid" 2>/dev/null || true
            for ((i = 0; i < 50; i++)); do
                pid_alive "$pid" || break
                sleep 0.1
            done
        fi
        # A minimal pid 1 (as in CI's VM) reaps orphans late; wait a little
        # for the zombie too, so `pgrep java` right after stop is clean.
        for ((i = 0; i < 50; i++)); do
            [[ -e /proc/$pid ]] || break
            sleep 0.1
        done
    fi
    rm -rf "$dir"
    if [[ -f $LAST_FILE && $(<"$LAST_FILE") == "$dir" ]]; then
        rm -f "$LAST_FILE"
    fi
    log "stopped broker in $dir"
}

case ${1:-} in
fetch) fetch ;;
start) start plain "${2:-}" ;;
stop) stop "${2:-}" ;;
halt) halt "${2:-}" ;;
resume) resume "${2:-}" ;;
start-sasl) start sasl "${2:?usage: kafka-real.sh start-sasl DIR}" ;;
*) usage ;;
esac
