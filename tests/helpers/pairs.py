#!/usr/bin/env python3
"""Every pair of an interval join, by brute force: for each record l of
LEFT and r of RIGHT (NDJSON, "ts" in epoch ms, an "id") with
|r.ts - l.ts| <= WINDOW_MS, a line "l.id r.id", sorted.

    pairs.py LEFT RIGHT WINDOW_MS
"""
import bisect
import json
import sys


def main():
    left = [json.loads(x) for x in open(sys.argv[1])]
    right = sorted((json.loads(x) for x in open(sys.argv[2])),
                   key=lambda r: r["ts"])
    w = int(sys.argv[3])
    rts = [r["ts"] for r in right]
    out = []
    for l in left:
        i = bisect.bisect_left(rts, l["ts"] - w)
        while i < len(right) and rts[i] <= l["ts"] + w:
            out.append("%s %s" % (l["id"], right[i]["id"]))
            i += 1
    out.sort()
    sys.stdout.write("".join(x + "\n" for x in out))


if __name__ == "__main__":
    main()
