#!/usr/bin/env bats
# docker-compose.yaml and the Dockerfile, without a Docker engine: the
# compose file validates (Debian's docker-compose), its listeners and ports
# are those the README gives, and the image is built as the README builds.

load test_helper
bats_require_minimum_version 1.5.0

setup() {
	cd "$KP_ROOT"
}

# The compose file as docker-compose resolves it, in JSON.
compose_json() {
	docker-compose -f docker-compose.yaml config |
	    /usr/bin/python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'
}

@test "compose: docker-compose validates docker-compose.yaml" {
	run docker-compose -f docker-compose.yaml config -q
	assert_success
	assert_output ""
}

@test "compose: Kafka in KRaft mode, kafka:29092 inside, localhost:9092 outside; Kafka-UI on 8084; kpipes on kafka:29092" {
	run compose_json
	assert_success
	json=$output
	q() { jq -r "$1" <<<"$json"; }
	assert_equal "$(q '.services | keys | join(" ")')" "kafka kafka-ui kpipes"
	[[ $(q '.services.kafka.image') =~ ^(confluentinc/cp-kafka:7\.6|apache/kafka:3\.[7-9]) ]]
	assert_equal "$(q '.services.kafka.environment.KAFKA_PROCESS_ROLES')" "broker,controller"
	assert_equal "$(q '.services.kafka.environment.KAFKA_ADVERTISED_LISTENERS')" \
	    "PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092"
	# Every advertised listener is one the broker listens on.
	q '.services.kafka.environment.KAFKA_LISTENERS' | grep -q 'PLAINTEXT://kafka:29092'
	q '.services.kafka.environment.KAFKA_LISTENERS' | grep -q 'PLAINTEXT_HOST://0.0.0.0:9092'
	assert_equal "$(q '.services.kafka.ports[] | "\(.published):\(.target)"')" "9092:9092"
	assert_equal "$(q '.services["kafka-ui"].ports[] | "\(.published):\(.target)"')" "8084:8080"
	assert_equal "$(q '.services["kafka-ui"].environment.KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS')" "kafka:29092"
	assert_equal "$(q '.services.kpipes.environment.KAFKA_BROKERS')" "kafka:29092"
	assert_equal "$(q '.services.kpipes.build.context')" "$KP_ROOT"
	assert_equal "$(q '.services.kpipes.command | join(" ")')" "kpipes up --foreground --producer"
	assert_equal "$(q '.services.kpipes.depends_on.kafka.condition')" "service_healthy"
}

@test "compose: the Dockerfile builds with the README's steps and installs the libraries the programs link" {
	# The README's build: its first two commands under "## Building".
	readme=$(sed -n '/^## Building/,/^## /p' README.md | sed -n '/^```sh/,/^```/p' |
	    grep -E '^(sudo )?(tests/install-deps.sh|make) ' | head -n 2 |
	    sed 's/^sudo //; s/ *#.*//' | paste -sd '&' - | sed 's/&/ \&\& /')
	assert_equal "$readme" "tests/install-deps.sh && make"
	run grep -x "RUN $readme" Dockerfile
	assert_success
	# The runtime stage has each shared library the programs need.
	[ -x "$KPIPES_BIN/kin" ]
	for lib in $(ldd "$KPIPES_BIN/kin" "$KPIPES_BIN/wjoin" | awk '/=>/ { print $1 }' |
	    grep -E '^lib(rdkafka|jq|onig)\.' | sort -u); do
		pkg=$(dpkg -S "*/$lib" | head -n 1 | cut -d: -f1)
		grep -Eq "apt-get install .*\b$pkg\b" Dockerfile || fail "$lib ($pkg) is not installed by the Dockerfile"
	done
	grep -q 'jq procps' Dockerfile
	# The launcher scripts reach the image; the programs are built in it.
	run grep -x '!bin/kpipes' .dockerignore
	assert_success
	run grep -x '!bin/kpipes-supervise' .dockerignore
	assert_success
	run grep -x 'bin/\*' .dockerignore
	assert_success
}
