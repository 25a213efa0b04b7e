#!/usr/bin/python3
"""confluent-kafka, a client kpipes did not write, leaving a transaction open
that commits a consumer group's offset, as a kout --eos killed mid-way does.

  open-txn.py BROKERS TOPIC GROUP COMMITTED PENDING

Commits offset COMMITTED for TOPIC [0] in GROUP (a plain commit), then
begins a transaction, produces one record to TOPIC and sends offset PENDING
for the group into it, prints "open" and waits, the transaction open, until
its standard input closes; then aborts it.
"""
import sys

from confluent_kafka import Consumer, Producer, TopicPartition

brokers, topic, group, committed, pending = sys.argv[1:6]
consumer = Consumer({"bootstrap.servers": brokers, "group.id": group,
                     "enable.auto.commit": False})
consumer.commit(offsets=[TopicPartition(topic, 0, int(committed))],
                asynchronous=False)
producer = Producer({"bootstrap.servers": brokers,
                     "transactional.id": "open-txn-" + group})
producer.init_transactions(30)
producer.begin_transaction()
producer.produce(topic, b'{"pending":1}', partition=0)
producer.flush(30)
producer.send_offsets_to_transaction(
    [TopicPartition(topic, 0, int(pending))],
    consumer.consumer_group_metadata(), 30)
print("open", flush=True)
sys.stdin.read()
producer.abort_transaction(30)
