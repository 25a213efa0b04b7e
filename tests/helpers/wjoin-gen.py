#!/usr/bin/env python3
"""Records for testing and benchmarking wjoin, one JSON object a line.

Record i has the id PREFIX<i>, a key "k" (with --keys), and an event time
"ts" of START + i*STEP (+ up to --jitter), moved back by up to --disorder
so that lines come out of order by at most that much. With --late, that
share of the records is --late-by further back instead. The same flags
and --seed give the same bytes.
"""
import argparse
import random
import sys
import time


def iso(ms):
    secs, milli = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + ".%03dZ" % milli


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=1000, help="records")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="x", help="id prefix")
    ap.add_argument("--start", type=int, default=1795478400000, help="epoch ms")
    ap.add_argument("--step", type=int, default=1000, help="ms between records")
    ap.add_argument("--jitter", type=int, default=0, help="ms added, at random")
    ap.add_argument("--disorder", type=int, default=0, help="ms moved back, at most")
    ap.add_argument("--keys", type=int, default=0, help="distinct keys (0: none)")
    ap.add_argument("--late", type=float, default=0, help="share of late records")
    ap.add_argument("--late-by", type=int, default=600000, help="ms")
    ap.add_argument("--ts", choices=["iso", "ms"], default="iso")
    ap.add_argument("--pad", type=int, default=0, help="bytes of filler per record")
    a = ap.parse_args()

    rnd = random.Random(a.seed)
    out = sys.stdout
    fill = ',"pad":"%s"' % ("p" * a.pad) if a.pad else ""
    lines = []
    for i in range(a.n):
        t = a.start + i * a.step
        if a.jitter:
            t += rnd.randint(0, a.jitter)
        if a.disorder:
            t -= rnd.randint(0, a.disorder)
        if a.late and rnd.random() < a.late:
            t -= a.late_by
        ts = '"%s"' % iso(t) if a.ts == "iso" else str(t)
        key = ',"k":"u%d"' % rnd.randrange(a.keys) if a.keys else ""
        lines.append('{"id":"%s%d"%s,"ts":%s%s}\n' % (a.prefix, i, key, ts, fill))
        if len(lines) >= 10000:
            out.write("".join(lines))
            lines = []
    out.write("".join(lines))


if __name__ == "__main__":
    main()
