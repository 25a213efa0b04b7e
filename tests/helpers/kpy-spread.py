#!/usr/bin/python3
"""kafka-python, a client kpipes did not write, spreading records over
random partitions, as the tutorial's producer.py would write them.

  kpy-spread.py replay BROKERS TOPIC SEED < lines
      one message per stdin line, bytes unchanged, each to a partition
      drawn at random (random.Random(SEED)) among the topic's partitions.
  kpy-spread.py live BROKERS C_TOPIC D_TOPIC SECONDS RATE
      for SECONDS, RATE records a second to each topic, alternating, each
      to a random partition, stamped "ts" = now (UTC, ISO 8601, ms) at the
      moment it is sent: {"strategy","value","ts","id"}, ids c1.., d1...

Prints on stderr how many messages went to each partition; exits 1 unless
the broker acknowledged every message.
"""
import collections
import datetime
import json
import random
import sys
import time

from kafka import KafkaProducer


def partitions(producer, topic):
    parts = sorted(producer.partitions_for(topic) or ())
    if not parts:
        sys.exit("kpy-spread: %s: no partitions" % topic)
    return parts


def finish(producer, futures):
    producer.flush()
    where = collections.Counter()
    for f in futures:
        md = f.get(timeout=30)
        where[(md.topic, md.partition)] += 1
    producer.close()
    for (topic, part), n in sorted(where.items()):
        print("kpy-spread: %s[%d] %d" % (topic, part, n), file=sys.stderr)


def replay(brokers, topic, seed):
    producer = KafkaProducer(bootstrap_servers=brokers, acks="all",
                             linger_ms=5)
    parts = partitions(producer, topic)
    rnd = random.Random(seed)
    futures = [producer.send(topic, line.rstrip(b"\n"),
                             partition=rnd.choice(parts))
               for line in sys.stdin.buffer]
    finish(producer, futures)


def live(brokers, c_topic, d_topic, seconds, rate):
    producer = KafkaProducer(bootstrap_servers=brokers, acks="all")
    parts = {t: partitions(producer, t) for t in (c_topic, d_topic)}
    every = 1.0 / (2 * rate)
    futures = []
    t0 = time.monotonic()
    for i in range(int(seconds * rate * 2)):
        topic, strategy = (c_topic, "C") if i % 2 == 0 else (d_topic, "D")
        rec = {"strategy": strategy,
               "value": round(random.uniform(0, 100), 2),
               "ts": datetime.datetime.now(datetime.timezone.utc)
               .isoformat(timespec="milliseconds"),
               "id": "%s%d" % (strategy.lower(), i // 2 + 1)}
        futures.append(producer.send(topic, json.dumps(rec).encode(),
                                     partition=random.choice(parts[topic])))
        pause = t0 + (i + 1) * every - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    finish(producer, futures)


if __name__ == "__main__":
    if sys.argv[1] == "replay":
        replay(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "live":
        live(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]),
             float(sys.argv[6]))
    else:
        sys.exit(__doc__)
