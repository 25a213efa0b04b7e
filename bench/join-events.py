#!/usr/bin/env python3
"""Measuring and checking for bench/join-events.sh (standard library only).

  join-events.py values ENVELOPES           each message's value, one a line
  join-events.py ids ENVELOPES              "LEFT_ID RIGHT_ID" of each pair
                                            message, sorted as sqljoin.py sorts
  join-events.py compare WANT GOT           two "L R" lists: missing, extra,
                                            duplicated (JSON)
  join-events.py latency C D OUT [SLICE_S]  pair latency, ms, from the later
                                            input's append to the pair's append
                                            (JSON; "slices": p99 and max in
                                            each SLICE_S seconds of appends)
  join-events.py stats WJOIN_STDERR         wjoin --stats lines summed up (JSON)
  join-events.py report RESULTS             the markdown section

ENVELOPES, C, D, OUT are `kin -E -e` files. The timestamps are the broker's
(the topics use LogAppendTime). A pair's inputs are found by (id, ts) of its
left and right members, as bench/spark/analyze.py latency-join does.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "spark"))
import analyze as spark_analyze  # noqa: E402


def envelopes(path):
    """(append_ms, raw value text) for each line of `kin -E`: the reader
    of bench/spark/analyze.py."""
    for t, raw, _ in spark_analyze.envelopes(path):
        yield t, raw


def cmd_values(path):
    out = sys.stdout
    for _, raw in envelopes(path):
        out.write(raw + "\n")


def cmd_ids(path):
    rows = []
    for _, raw in envelopes(path):
        v = json.loads(raw)
        rows.append("%s %s" % (v["left"]["id"], v["right"]["id"]))
    rows.sort()
    sys.stdout.write("".join(r + "\n" for r in rows))


def cmd_compare(want, got):
    def count(path):
        m = {}
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    m[line] = m.get(line, 0) + 1
        return m
    w, g = count(want), count(got)
    r = {
        "expected": sum(w.values()),
        "written": sum(g.values()),
        "missing": sum(1 for k in w if k not in g),
        "extra": sum(n for k, n in g.items() if k not in w),
        "duplicated": sum(n - 1 for n in g.values() if n > 1),
        "examples_missing": [k for k in w if k not in g][:3],
        "examples_extra": [k for k in g if k not in w][:3],
    }
    r["same"] = r["missing"] == 0 and r["extra"] == 0 and r["duplicated"] == 0
    print(json.dumps(r))


def pct(xs, q):
    return xs[min(len(xs) - 1, max(0, int(-(-q * len(xs) // 1)) - 1))]


def cmd_latency(c, d, out, slice_s="60"):
    slice_ms = int(float(slice_s) * 1000)
    sides = []
    for path in (c, d):
        m = {}
        for t, raw in envelopes(path):
            v = json.loads(raw)
            m[(v["id"], v["ts"])] = t
        sides.append(m)
    cs, ds = sides
    lat, seen, unknown = [], set(), 0
    first = None
    for t, raw in envelopes(out):
        v = json.loads(raw)
        lk = (v["left"]["id"], v["left"]["ts"])
        rk = (v["right"]["id"], v["right"]["ts"])
        if lk not in cs or rk not in ds:
            unknown += 1
            continue
        if (lk, rk) in seen:
            continue
        seen.add((lk, rk))
        later = max(cs[lk], ds[rk])
        first = later if first is None else min(first, later)
        lat.append((later, t - later))
    r = {"n": len(lat), "unknown": unknown}
    if lat:
        xs = sorted(x for _, x in lat)
        r.update(p50=pct(xs, 0.5), p99=pct(xs, 0.99), p999=pct(xs, 0.999),
                 max=xs[-1], mean=round(sum(xs) / len(xs), 1),
                 over_100ms=sum(1 for x in xs if x > 100),
                 over_1s=sum(1 for x in xs if x > 1000))
        sl = {}
        for later, x in lat:
            sl.setdefault((later - first) // slice_ms, []).append(x)
        r["slice_s"] = slice_ms / 1000
        r["slices"] = []
        for k in sorted(sl):
            ys = sorted(sl[k])
            r["slices"].append({"n": len(ys), "p50": pct(ys, 0.5),
                                "p99": pct(ys, 0.99), "max": ys[-1]})
        worst = sorted(lat, key=lambda p: -p[1])[:5]
        r["worst"] = [{"at_s": round((a - first) / 1000, 1), "ms": x} for a, x in worst]
    print(json.dumps(r))


def cmd_stats(path):
    lines = []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{") and '"state_max"' in line:
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    pass
    if not lines:
        print(json.dumps({"lines": 0}))
        return
    last = lines[-1]
    r = {"lines": len(lines), "state_max": max(s["state_max"] for s in lines),
         "state_bytes_max": max(s.get("state_bytes", 0) for s in lines),
         "state": [s["state"] for s in lines]}
    for k in ("left_in", "right_in", "pairs", "late", "left_late",
              "right_late", "rejected", "watermark_lag_ms"):
        r[k] = last.get(k)
    print(json.dumps(r))


def fmt(x):
    if x is None:
        return "-"
    if isinstance(x, float):
        return "{:,.1f}".format(x)
    if isinstance(x, int):
        return "{:,}".format(x)
    return str(x)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def mb(kb):
    return "%.0f" % (kb / 1024)


def cmd_report(path):
    R = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" in line:
                k, v = line.split("=", 1)
                R[k] = json.loads(v)
    g = R.get
    print("### The join on multi-partition topics (event-time merge)")
    print()
    for k in ("date", "machine", "versions", "reproduce"):
        if g(k):
            print("- %s: %s" % (k, g(k)))
    print("- the join: `%s` (kin's default order, time; wjoin's default delay, 1 minute)" % g("join_cmd"))
    print()
    lives = [r for r in (1000, 10000) if g("live_%d" % r)]
    if lives:
        print("#### Live: producers at a fixed rate, 4 partitions a topic, event time = now")
        print()
        print("Latency in ms, from the later input's append to the pair's append "
              "(broker timestamps, LogAppendTime).")
        print()
        print("| records/s (C+D) | seconds | records produced (achieved/s) | pairs written / SQL | missing | extra | dup | p50 | p99 | p99.9 | max | pairs > 100 ms | > 1 s |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in lives:
            L, lat, c = g("live_%d" % r), g("live_%d_lat" % r), g("live_%d_cmp" % r)
            n = L["c"] + L["d"]
            print("| %s | %d | %s (%s) | %s / %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                fmt(r), L["secs"], fmt(n), fmt(round(n / L["produce_ms"] * 1000)),
                fmt(c["written"]), fmt(c["expected"]), c["missing"], c["extra"], c["duplicated"],
                fmt(lat.get("p50")), fmt(lat.get("p99")), fmt(lat.get("p999")), fmt(lat.get("max")),
                fmt(lat.get("over_100ms")), fmt(lat.get("over_1s"))))
        print()
        print("| records/s | wjoin state_max | bound: rate x (5 min + 1 min), or every record | state each minute (--stats 10, every 6th line) | late | peak RSS, MB (VmHWM) | CPU s per million input records | load average before / after |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in lives:
            L, s, m = g("live_%d" % r), g("live_%d_stats" % r), g("live_%d_mem" % r)
            st = s.get("state", [])[5::6]
            print("| %s | %s | %s | %s | %s | %s | %.1f | %s / %s |" % (
                fmt(r), fmt(s.get("state_max")), fmt(min(r * 360, L["c"] + L["d"])), " ".join(str(x) for x in st),
                fmt(s.get("late")), " ".join(m["procs"]), L["cpu"] / (L["c"] + L["d"]) * 1e6,
                g("live_%d_load0" % r), g("live_%d_load1" % r)))
        print()
        for r in lives:
            lat, L = g("live_%d_lat" % r), g("live_%d" % r)
            print("- %s/s, p99 / max latency in each %g s of appends: %s" % (
                fmt(r), lat.get("slice_s", 0),
                " ".join("%d/%d" % (x["p99"], x["max"]) for x in lat.get("slices", []))))
            print("  - worst pairs (seconds into the run: ms): %s" % ", ".join(
                "%.1f: %d" % (w["at_s"], w["ms"]) for w in lat.get("worst", [])))
            print("  - records a partition held: C %s, D %s; key: `bucket` random below %s; "
                  "kin's stderr: %s lines %s" % (L["held_c"], L["held_d"], fmt(L["k"]),
                  g("live_%d_kin_err" % r)["lines"], g("live_%d_kin_err" % r)["first"] or ""))
        print()
    reps = [n for n in (4, 12) if g("replay_%d_held" % n)]
    if reps:
        runs = int(g("runs") or 1)
        print("#### Replay: a day of event time, read with `kin -o beginning -e`")
        print()
        print("Input: `%s`." % g("day"))
        print()
        print("| partitions | kin order | wall runs (ms) | median | pairs written / SQL | missing | extra | late | wjoin state_max | peak RSS, MB: kin C, kin D, wjoin, kout | exit |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for n in reps:
            for order in ("time", "fetch"):
                rs = [g("replay_%d_%s_%d" % (n, order, i)) for i in range(1, runs + 1)]
                rs = [x for x in rs if x]
                if not rs:
                    continue
                last = rs[-1]
                cmps = set((x["cmp"]["written"], x["cmp"]["missing"], x["cmp"]["extra"], x["stats"].get("late")) for x in rs)
                agree = "" if len(cmps) == 1 else " (runs differ: %s)" % sorted(cmps)
                rss = "%s, %s, %s, %s" % tuple(mb(max(x["rss_kb"][p] for x in rs)) for p in ("kin_c", "kin_d", "wjoin", "kout"))
                print("| %d | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s |" % (
                    n, "time (default)" if order == "time" else "fetch (`--order fetch`)",
                    " ".join(str(x["ms"]) for x in rs), fmt(median([x["ms"] for x in rs])),
                    fmt(last["cmp"]["written"]), fmt(last["cmp"]["expected"]), fmt(last["cmp"]["missing"]),
                    fmt(last["cmp"]["extra"]), fmt(last["stats"].get("late")) + agree,
                    fmt(max(x["stats"].get("state_max", 0) for x in rs)), rss,
                    " ".join(str(x["rc"]) for x in rs)))
        f = g("replay_files")
        if f:
            print("| - | files, no Kafka: `wjoin --window 5m -k .bucket D < C` | | | %s / %s | | | %s | %s | | |" % (
                fmt(f["pairs"]), fmt(g("replay_%d_held" % reps[0])["want"]), fmt(f["stats"].get("late")),
                fmt(f["stats"].get("state_max"))))
        print()
        for n in reps:
            h = g("replay_%d_held" % n)
            print("- %d partitions: records a partition held: C %s, D %s" % (n, h["c"], h["d"]))


def main():
    cmds = {"values": cmd_values, "ids": cmd_ids, "compare": cmd_compare,
            "latency": cmd_latency, "stats": cmd_stats,
            "report": cmd_report}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
