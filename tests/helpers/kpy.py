#!/usr/bin/python3
"""kafka-python as an independent client for the interoperability tests.

  kpy.py produce BROKERS TOPIC < lines     one message per stdin line, bytes unchanged
  kpy.py consume BROKERS TOPIC COUNT       prints COUNT message values, one per line
  kpy.py committed BROKERS GROUP TOPIC     "PARTITION OFFSET" a line, the offset the
                                           group committed, or - if none
"""
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def produce(brokers, topic):
    producer = KafkaProducer(bootstrap_servers=brokers, acks="all")
    futures = []
    for line in sys.stdin.buffer:
        futures.append(producer.send(topic, line.rstrip(b"\n"), partition=0))
    producer.flush()
    for f in futures:
        f.get(timeout=30)
    producer.close()


def consume(brokers, topic, count):
    consumer = KafkaConsumer(topic, bootstrap_servers=brokers,
                             auto_offset_reset="earliest",
                             enable_auto_commit=False,
                             consumer_timeout_ms=20000)
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


def committed(brokers, group, topic):
    consumer = KafkaConsumer(bootstrap_servers=brokers, group_id=group,
                             enable_auto_commit=False)
    for p in sorted(consumer.partitions_for_topic(topic) or ()):
        offset = consumer.committed(TopicPartition(topic, p))
        print(p, "-" if offset is None else offset)
    consumer.close()


if __name__ == "__main__":
    if sys.argv[1] == "produce":
        produce(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "committed":
        committed(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        consume(sys.argv[2], sys.argv[3], int(sys.argv[4]))
