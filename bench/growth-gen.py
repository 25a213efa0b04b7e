#!/usr/bin/env python3
"""Two NDJSON inputs for wjoin with an exact number of partners a record.

  growth-gen.py --slots N --partners P --keys K --window-ms W LEFT RIGHT

Slot i has key i mod K, one left record at t_i and P right records of the
same key spread over [t_i, t_i + 0.9 W]: P pairs a slot, N * P in all.
Slots are 2.2 W / K apart, so a key comes back 2.2 W later and no record
meets another slot's. Times are epoch milliseconds (fractions kept as
microsecond decimals where slots are closer than a millisecond). Both files
are in event-time order, as a replay would read them.
"""
import argparse
import heapq

ap = argparse.ArgumentParser()
ap.add_argument("--slots", type=int, required=True)
ap.add_argument("--partners", type=int, required=True)
ap.add_argument("--keys", type=int, required=True)
ap.add_argument("--window-ms", type=float, required=True)
ap.add_argument("left")
ap.add_argument("right")
a = ap.parse_args()

t0 = 1_796_000_000_000.0        # 2026-12-01
step = 2.2 * a.window_ms / a.keys
pad = "x" * 24                  # about the tutorial's record size


def ts(t):
    return "%.3f" % t if step < 1 else "%d" % round(t)


def record(f, side, slot, rid, t):
    f.write('{"k":%d,"id":%d,"ts":%s,"side":"%s","pad":"%s"}\n'
            % (slot % a.keys, rid, ts(t), side, pad))


with open(a.left, "w") as left:
    for i in range(a.slots):
        record(left, "L", i, i, t0 + i * step)


def right_records():
    for i in range(a.slots):
        base = t0 + i * step
        for j in range(a.partners):
            yield (base + 0.9 * a.window_ms * j / a.partners, i, j)


with open(a.right, "w") as right:
    # Slots overlap in time when K > 1: merge them into time order.
    heap, it = [], right_records()
    horizon = 0.9 * a.window_ms
    for rec in it:
        heapq.heappush(heap, rec)
        while heap and heap[0][0] <= rec[0] - horizon - step:
            t, i, j = heapq.heappop(heap)
            record(right, "R", i, i * a.partners + j, t)
    while heap:
        t, i, j = heapq.heappop(heap)
        record(right, "R", i, i * a.partners + j, t)
