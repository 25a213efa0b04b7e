#!/usr/bin/env python3
"""Compares wagg's rows with the oracle's.

    wagg-cmp.py GOT WANT [NAME]

Both NDJSON, one object per window and key. Rows are matched on
window_start, window_end and key; every member of WANT must be in the
row with the same value (numbers within 1e-9, relatively: sums and
averages may round differently), and GOT may have no other rows. Window
bounds written in ISO 8601 are read as epoch ms. Prints
the counts (WANT's named NAME, by default SQL) and up to 5 differences;
exit 1 if any.
"""
import datetime
import json
import math
import sys


def ms(t):
    """A window bound: epoch ms, or ISO 8601 (as wagg writes for ISO input)."""
    if isinstance(t, str):
        d = datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
        return round(d.timestamp() * 1000)
    return t


def load(path):
    rows = {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            r["window_start"] = ms(r["window_start"])
            r["window_end"] = ms(r["window_end"])
            k = (r["window_start"], r["window_end"],
                 json.dumps(r.get("key"), sort_keys=True))
            if k in rows:
                sys.exit("%s: window %r twice" % (path, k))
            rows[k] = r
    return rows


def same(x, y):
    if isinstance(x, (int, float)) and isinstance(y, (int, float)) \
            and not isinstance(x, bool) and not isinstance(y, bool):
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
    return x == y


got, want = load(sys.argv[1]), load(sys.argv[2])
bad = []
for k, w in want.items():
    g = got.get(k)
    if g is None:
        bad.append("missing %r" % (k,))
        continue
    for m, v in w.items():
        if m not in g or not same(g[m], v):
            bad.append("%r %s: got %r, SQL %r" % (k, m, g.get(m, "(none)"), v))
for k in got:
    if k not in want:
        bad.append("not in SQL: %r" % (k,))
name = sys.argv[3] if len(sys.argv) > 3 else "SQL"
print("wagg %d rows, %s %d rows, %d differences" % (len(got), name,
                                                   len(want), len(bad)))
for b in bad[:5]:
    print("  " + b)
sys.exit(1 if bad or not want else 0)
