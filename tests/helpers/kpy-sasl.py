#!/usr/bin/python3
"""kafka-python over SASL_PLAINTEXT, an independent client for tests/auth.bats.

  kpy-sasl.py produce BROKERS TOPIC PROPS < lines     one message per line
  kpy-sasl.py consume BROKERS TOPIC PROPS COUNT       COUNT values, one a line

PROPS is a librdkafka properties file as kin -F reads it; its
sasl.mechanisms, sasl.username and sasl.password are used.
"""
import sys

from kafka import KafkaConsumer, KafkaProducer


def sasl(path):
    props = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                props[key] = value
    return {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": props.get("sasl.mechanisms", "PLAIN"),
        "sasl_plain_username": props["sasl.username"],
        "sasl_plain_password": props["sasl.password"],
    }


def produce(brokers, topic, path):
    producer = KafkaProducer(bootstrap_servers=brokers, acks="all",
                             **sasl(path))
    futures = [producer.send(topic, line.rstrip(b"\n"))
               for line in sys.stdin.buffer]
    producer.flush()
    for f in futures:
        f.get(timeout=30)
    producer.close()


def consume(brokers, topic, path, count):
    consumer = KafkaConsumer(topic, bootstrap_servers=brokers,
                             auto_offset_reset="earliest",
                             enable_auto_commit=False,
                             consumer_timeout_ms=20000, **sasl(path))
    got = 0
    out = sys.stdout.buffer
    for msg in consumer:
        out.write(msg.value + b"\n")
        got += 1
        if got >= count:
            break
    consumer.close()
    out.flush()
    if got < count:
        sys.exit("kpy-sasl: only %d of %d messages" % (got, count))


if __name__ == "__main__":
    if sys.argv[1] == "produce":
        produce(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        consume(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
