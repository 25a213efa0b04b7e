#!/usr/bin/env python3
"""live-join.py SECONDS INTERVAL_MS WJOIN-ARGS...: runs `wjoin WJOIN-ARGS
FIFO` and writes a record to each input every INTERVAL_MS, alternating,
for SECONDS, with both inputs open all the while. Each record's ts is one
event-time second after the one before. Prints how long each pair took
from the write of its second record to its line on wjoin's stdout:
`pairs N p50 MS p99 MS max MS during N` (`during`: pairs read before the
inputs ended). With LIVE_JOIN_EOS=1 the records carry kin --eos source
positions (left from offset 1000, right from 2000, as after a restart)
and every position line wjoin writes is checked: each entry's processed
offset is at least its resume offset, which is not negative, as kout
--eos requires (exit 3)."""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time


def main():
    secs, every = float(sys.argv[1]), float(sys.argv[2]) / 1000
    d = tempfile.mkdtemp()
    fifo = os.path.join(d, "right")
    os.mkfifo(fifo)
    p = subprocess.Popen(["wjoin"] + sys.argv[3:] + [fifo],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    right = open(fifo, "wb", buffering=0)
    left = p.stdin
    written = {}
    got = []
    ended = [None]
    eos = os.environ.get("LIVE_JOIN_EOS") == "1"
    bad = []

    def reader():
        for line in p.stdout:
            t = time.monotonic()
            pair = json.loads(line)
            if isinstance(pair.get("_kp_src"), list):
                bad.extend(e for e in pair["_kp_src"]
                           if e[3] < 0 or e[6] < e[3])
                continue
            got.append((t, pair["left"]["id"], pair["right"]["id"]))

    th = threading.Thread(target=reader)
    th.start()
    n = int(secs / every)
    t0 = time.monotonic()
    for i in range(n):
        side, f = ("r", right) if i % 2 == 0 else ("l", left)
        rid = "%s%d" % (side, i)
        rec = {"id": rid, "ts": 1000 * i}
        if eos:
            rec["_kp_src"] = ["g" + side, side.upper(), 0,
                              (1000 if side == "l" else 2000) + i // 2, 1, "m"]
        written[rid] = time.monotonic()
        f.write((json.dumps(rec) + "\n").encode())
        f.flush()
        pause = t0 + (i + 1) * every - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    ended[0] = time.monotonic()
    left.close()
    right.close()
    th.join()
    p.wait()
    os.unlink(fifo)
    os.rmdir(d)
    lat = sorted(1000 * (t - max(written[lid], written[rid]))
                 for t, lid, rid in got)
    during = sum(1 for t, _, _ in got if t < ended[0])
    if not lat:
        print("pairs 0 during 0")
        return
    pick = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))])
    print("pairs %d p50 %d p99 %d max %d during %d" %
          (len(lat), pick(0.5), pick(0.99), round(lat[-1]), during))
    if bad:
        print("bad positions: %s" % bad[:3])
        sys.exit(3)
    sys.exit(p.returncode)


main()
