#!/usr/bin/env python3
"""Random ISO 8601 stamps, valid and not, and what Python's datetime makes
of them: the oracle for what the tools take as an event time.

Writes DIR/stamps (record i: {"id":i,"ts":"STAMP"}), DIR/times (for each
stamp datetime.fromisoformat reads: {"id":i,"ts":MICROSECONDS since the
epoch}, no zone being UTC) and DIR/invalid (the line numbers of the others),
and prints "VALID INVALID". Stamps are in the form kpipes reads:
YYYY-MM-DD, then T, t or a space and HH:MM, :SS, a fraction of 1 to 9
digits after '.' or ',', and Z, +HH:MM or +HHMM (or -); each field at
times out of its range (day 0 to 32, hour 24 and 25, second 60 and 61,
offsets of 24 hours and more, year 0000). Years are 1700 to 2250, whose
microseconds a JSON number (a double) holds exactly. Python 3.11 reads an
offset's minutes past 59 as more hours ("+01:60" is +02:00): those count as
invalid here, as in ISO 8601.
"""
import json
import random
import sys
from datetime import datetime, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def pick(rng, common, rare):
    """A value from range common, or now and then one of rare."""
    if rng.random() < 0.05:
        return rng.choice(rare)
    return rng.randint(*common)


def stamp(rng):
    year = rng.choice([0, 1700, 1800, 1900, 1969, 1970, 2000, 2024, 2025,
                       2026, 2100, 2200, rng.randint(1700, 2250)])
    month = pick(rng, (1, 12), [0, 13, 19, 99])
    # Days near the ends of months are where calendars go wrong.
    if rng.random() < 0.05:
        day = rng.choice([0, 32, 99])
    else:
        day = rng.choice([rng.randint(1, 28), rng.randint(28, 31)])
    s = "%04d-%02d-%02d" % (year, month, day)
    offmin = None
    if rng.random() < 0.9:
        s += rng.choice("TTTt ")
        s += "%02d:%02d" % (pick(rng, (0, 23), [24, 25, 99]),
                            pick(rng, (0, 59), [60, 99]))
        if rng.random() < 0.8:
            s += ":%02d" % pick(rng, (0, 59), [60, 61, 99])
            if rng.random() < 0.5:
                s += rng.choice(".,") + "".join(
                    rng.choice("0123456789") for _ in range(rng.randint(1, 9)))
        zone = rng.random()
        if zone < 0.4:
            s += "Z"
        elif zone < 0.8:
            offmin = pick(rng, (0, 59), [60, 99])
            s += "%s%02d%s%02d" % (rng.choice("+-"),
                                   pick(rng, (0, 23), [24, 25, 99]),
                                   rng.choice([":", ""]), offmin)
    return s, offmin


def micros(s, offmin):
    """The stamp's microseconds since the epoch, or None if Python refuses it."""
    if offmin is not None and offmin > 59:
        return None
    try:
        d = datetime.fromisoformat(s)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return (d - EPOCH) // datetime.resolution


def main():
    n, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    valid = invalid = 0
    with open(out + "/stamps", "w") as fs, open(out + "/times", "w") as ft, \
            open(out + "/invalid", "w") as fi:
        for i in range(1, n + 1):
            s, offmin = stamp(rng)
            fs.write(json.dumps({"id": i, "ts": s}, separators=(",", ":")) + "\n")
            us = micros(s, offmin)
            if us is None:
                fi.write("%d\n" % i)
                invalid += 1
            else:
                ft.write('{"id":%d,"ts":%d}\n' % (i, us))
                valid += 1
    print(valid, invalid)


if __name__ == "__main__":
    main()
