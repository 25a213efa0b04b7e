#!/usr/bin/python3
"""confluent-kafka writing in transactions, as kout --eos does: each
transaction's commit marker takes an offset of every partition it wrote.

  txn-write.py BROKERS TOPIC TXNS PER [ABORTED]

TXNS committed transactions of PER records each to partition 0, then
ABORTED (default 0) transactions of PER records aborted.
"""
import sys

from confluent_kafka import Producer

brokers, topic, txns, per = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
aborted = int(sys.argv[5]) if len(sys.argv) > 5 else 0
p = Producer({"bootstrap.servers": brokers, "transactional.id": "txn-write-" + topic})
p.init_transactions(30)
n = 0
for t in range(txns + aborted):
    p.begin_transaction()
    for _ in range(per):
        n += 1
        p.produce(topic, b'{"n":%d}' % n, partition=0)
    if t < txns:
        p.commit_transaction(30)
    else:
        p.flush(30)
        p.abort_transaction(30)
