#!/usr/bin/env python3
"""Random keyed records for the wagg tests, with disorder.

    wagg-gen.py [--iso] [--late N] SEED COUNT

One JSON object a line: {"id", "ts", "strategy", "value", "result", "c"}.
Times are unique, 0.5 s to 1.5 s apart from 2026-11-24T00:00:00Z, epoch
milliseconds (ISO 8601 with --iso); each record is then moved fewer than 20
places from where it belongs (disorder of up to about 30 s of event
time), and with --late N, N records are moved 200 places back (several
minutes behind: late for a delay of a minute). "value" is an integer, a
fraction, null or missing; "result" a fraction with two decimals; "c" one
of a few strings and numbers (for count_distinct).
"""
import argparse
import datetime
import json
import random

p = argparse.ArgumentParser()
p.add_argument("--iso", action="store_true")
p.add_argument("--late", type=int, default=0)
p.add_argument("seed", type=int)
p.add_argument("count", type=int)
a = p.parse_args()
rnd = random.Random(a.seed)
base = 1795478400000  # 2026-11-24T00:00:00Z
t = base
recs = []
for i in range(a.count):
    t += rnd.randint(500, 1500)
    r = {"id": i + 1, "ts": t, "strategy": rnd.choice("ABCD")}
    u = rnd.random()
    if u < 0.05:
        r["value"] = None
    elif u < 0.1:
        pass
    elif u < 0.5:
        r["value"] = rnd.randint(-50, 1000)
    else:
        r["value"] = round(rnd.uniform(-10, 100), 3)
    r["result"] = round(rnd.gauss(50, 20), 2)
    r["c"] = rnd.choice(["x", "y", "z", 1, 2, 2.0])
    recs.append(r)
order = sorted(range(len(recs)), key=lambda i: i + rnd.uniform(0, 20))
recs = [recs[i] for i in order]
for _ in range(a.late):
    i = rnd.randint(400, len(recs) - 1)
    recs.insert(i + 200 if i + 200 < len(recs) else len(recs), recs.pop(i))
for r in recs:
    if a.iso:
        r["ts"] = datetime.datetime.fromtimestamp(
            r["ts"] / 1000, datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%S.%f")[:23] + "Z"
    print(json.dumps(r, separators=(",", ":")))
