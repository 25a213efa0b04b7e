#!/usr/bin/python3
"""confluent-kafka (Debian's python3-confluent-kafka), another client kpipes
did not write, as a live producer of keyed records:

  ck-live.py BROKERS C_TOPIC D_TOPIC SECONDS RATE

For SECONDS, RATE records a second to each topic, alternating, keyed by a
user id drawn from 50 (so the client's own partitioner, by the key's hash,
picks the partition), stamped "ts" = now (UTC, ISO 8601, ms) as it is
sent, the Kafka timestamp left to the client: {"strategy","value","ts",
"id","user"}, ids c1.., d1... Exits 1 unless every message was delivered.
"""
import datetime
import json
import random
import sys
import time

from confluent_kafka import Producer


def main():
    brokers, c_topic, d_topic = sys.argv[1:4]
    seconds, rate = float(sys.argv[4]), float(sys.argv[5])
    failed = []
    producer = Producer({"bootstrap.servers": brokers, "linger.ms": 5,
                         "enable.idempotence": True})

    def report(err, msg):
        if err is not None:
            failed.append(str(err))

    every = 1.0 / (2 * rate)
    t0 = time.monotonic()
    for i in range(int(seconds * rate * 2)):
        topic, strategy = (c_topic, "C") if i % 2 == 0 else (d_topic, "D")
        user = random.randrange(50)
        rec = {"strategy": strategy,
               "value": round(random.uniform(0, 100), 2),
               "ts": datetime.datetime.now(datetime.timezone.utc)
               .isoformat(timespec="milliseconds"),
               "id": "%s%d" % (strategy.lower(), i // 2 + 1), "user": user}
        producer.produce(topic, json.dumps(rec).encode(),
                         key=str(user).encode(), on_delivery=report)
        producer.poll(0)
        pause = t0 + (i + 1) * every - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    left = producer.flush(30)
    if left or failed:
        sys.exit("ck-live: %d not delivered, %d failed: %s" %
                 (left, len(failed), failed[:3]))


if __name__ == "__main__":
    main()
