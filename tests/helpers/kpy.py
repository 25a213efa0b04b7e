#!/usr/bin/python3
"""kafka-python as an independent client for the interoperability tests.

  kpy.py [-F PROPS] produce BROKERS TOPIC < lines     one message per stdin
                                                      line, bytes unchanged
  kpy.py [-F PROPS] consume BROKERS TOPIC COUNT       prints COUNT message
                                                      values, one per line
  kpy.py [-F PROPS] committed BROKERS GROUP TOPIC     "PARTITION OFFSET" a
                                                      line, the offset the
                                                      group committed, or -

-F PROPS: a librdkafka properties file as kin -F reads it (tests/auth.bats);
its sasl.mechanisms, sasl.username and sasl.password are used over
SASL_PLAINTEXT. Without it, PLAINTEXT.
"""
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def sasl(path):
    """kafka-python's settings for the librdkafka properties file path."""
    if path is None:
        return {}
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


def produce(brokers, topic, auth):
    producer = KafkaProducer(bootstrap_servers=brokers, acks="all", **auth)
    futures = []
    for line in sys.stdin.buffer:
        futures.append(producer.send(topic, line.rstrip(b"\n"), partition=0))
    producer.flush()
    for f in futures:
        f.get(timeout=30)
    producer.close()


def consume(brokers, topic, count, auth):
    consumer = KafkaConsumer(topic, bootstrap_servers=brokers,
                             auto_offset_reset="earliest",
                             enable_auto_commit=False,
                             consumer_timeout_ms=20000, **auth)
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
        sys.exit("kpy: only %d of %d messages" % (got, count))


def committed(brokers, group, topic, auth):
    consumer = KafkaConsumer(bootstrap_servers=brokers, group_id=group,
                             enable_auto_commit=False, **auth)
    for p in sorted(consumer.partitions_for_topic(topic) or ()):
        offset = consumer.committed(TopicPartition(topic, p))
        print(p, "-" if offset is None else offset)
    consumer.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    props = None
    if args[:1] == ["-F"]:
        props, args = args[1], args[2:]
    auth = sasl(props)
    if args[0] == "produce":
        produce(args[1], args[2], auth)
    elif args[0] == "committed":
        committed(args[1], args[2], args[3], auth)
    else:
        consume(args[1], args[2], int(args[3]), auth)
