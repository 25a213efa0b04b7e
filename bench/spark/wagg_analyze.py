#!/usr/bin/env python3
"""Checking and reporting for bench/wagg-vs-spark.sh (standard library only;
CPU and memory are measured by analyze.py, whose helpers this reuses).

  wagg_analyze.py windows WINDOW_S IN     one record per window and key of IN,
                                          and its newest record: a small file
                                          that closes the same rows as IN
  wagg_analyze.py expected WINDOW_S DELAY_S FILE...
                                          rows the records of FILEs close: the
                                          windows and keys whose end is at or
                                          below the watermark, newest - DELAY
  wagg_analyze.py compare WINDOW_S DELAY_S IN KP SP
                                          both systems' rows against exact
                                          ones computed from IN
  wagg_analyze.py latency WINDOW_S DELAY_S INS OUT T0 T1
                                          from a window's close to its row
  wagg_analyze.py report RESULTS          the markdown section

IN and FILEs are plain NDJSON (the strategy outputs); INS, OUT, KP and SP are
`kin -E -e` envelope files. A window closes, in both systems, when the
watermark (the newest event time seen less DELAY) reaches its end; its close
time here is the append time of the first input record (in append order)
whose event time is at least the window's end plus DELAY: the earliest
moment either system could know that the window is complete.
"""
import bisect
import json
import math
import statistics
import sys
from datetime import datetime, timezone

import analyze

# Up to this many numbers a window, wagg's p99 is exact; past it, within 1%.
WAGG_EXACT = 1024
WAGG_REL = 0.01
# percentile_approx's default accuracy: a rank error of at most n / 10000.
SPARK_ACCURACY = 10000


def ms(ts):
    """Milliseconds since the epoch of an ISO 8601 UTC time."""
    return round(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000)


def iso(t):
    d = datetime.fromtimestamp(t // 1000, tz=timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t % 1000)


def records(paths):
    for p in paths:
        for _, v in analyze.plain(p):
            yield v


def closed(window_ms, delay_ms, paths):
    """{(window_start_ms, key)} whose rows the records of paths close."""
    keys, newest = set(), None
    for v in records(paths):
        t = ms(v["ts"])
        keys.add((t // window_ms * window_ms, v["strategy"]))
        newest = t if newest is None else max(newest, t)
    if newest is None:
        return set()
    wm = newest - delay_ms
    return {k for k in keys if k[0] + window_ms <= wm}


def cmd_windows(window_s, inp):
    w = int(window_s) * 1000
    seen, newest = set(), None
    for v in records([inp]):
        t = ms(v["ts"])
        k = (t // w * w, v["strategy"])
        if k not in seen:
            seen.add(k)
            print(json.dumps({"strategy": k[1], "ts": iso(k[0])}))
        if newest is None or t > newest[0]:
            newest = (t, v["strategy"])
    if newest:
        print(json.dumps({"strategy": newest[1], "ts": iso(newest[0])}))


def cmd_expected(window_s, delay_s, *paths):
    print(len(closed(int(window_s) * 1000, int(delay_s) * 1000, paths)))


# ----------------------------------------------------------- comparing ---

def exact(window_ms, inp):
    """{(window_start_ms, key): (n, exact mean, max value, sorted results)}."""
    g = {}
    for v in records([inp]):
        k = (ms(v["ts"]) // window_ms * window_ms, v["strategy"])
        e = g.get(k)
        if e is None:
            e = g[k] = [[], v["value"]]
        e[0].append(v["result"])
        e[1] = max(e[1], v["value"])
    out = {}
    for k, (res, mx) in g.items():
        res.sort()
        out[k] = (len(res), math.fsum(res) / len(res), mx, res)
    return out


def rows(path):
    """{(window_start_ms, key): [row, ...]} of an output topic's envelopes."""
    m = {}
    for _, _, v in analyze.envelopes(path):
        m.setdefault((ms(v["window_start"]), v["key"]), []).append(v)
    return m


def ranks(s, v):
    """The ranks (from 0) that v holds in the sorted list s, or None."""
    lo, hi = bisect.bisect_left(s, v), bisect.bisect_right(s, v) - 1
    return (lo, hi) if lo <= hi else None


def check_wagg_p99(ref, v):
    """wagg(1): rank floor(0.99 (n - 1)); exact up to 1024 numbers, else
    within 1% of the exact value."""
    n, s = ref[0], ref[3]
    want = s[99 * (n - 1) // 100]
    if n <= WAGG_EXACT:
        return v == want, 0.0
    err = abs(v - want) / abs(want) if want else abs(v)
    return err <= WAGG_REL, err


def check_spark_p99(ref, v):
    """percentile_approx: the value of rank ceil(0.99 n) (from 1), give or
    take n / accuracy ranks; v must be one of the numbers."""
    n, s = ref[0], ref[3]
    want = (99 * n + 99) // 100 - 1
    slack = n // SPARK_ACCURACY
    r = ranks(s, v)
    if r is None:
        return False, None
    off = 0 if r[0] <= want <= r[1] else min(abs(r[0] - want), abs(r[1] - want))
    return off <= slack, off


def cmd_compare(window_s, delay_s, inp, kp, sp):
    w = int(window_s) * 1000
    expect = closed(w, int(delay_s) * 1000, [inp])
    ref = exact(w, inp)
    got = {"kpipes": rows(kp), "spark": rows(sp)}
    r = {"expected": len(expect),
         "records_per_row": [min(ref[k][0] for k in expect), max(ref[k][0] for k in expect)] if expect else []}
    for name, m in got.items():
        bad = {"count": 0, "max_value": 0, "avg_result": 0, "p99_result": 0}
        ex = []
        worst = {"avg_rel": 0.0, "p99": 0.0}
        p99_exact = 0
        for k in expect & set(m):
            row, (n, mean, mx, s) = m[k][0], ref[k]
            if row["count"] != n:
                bad["count"] += 1
            if float(row["max_value"]) != float(mx):
                bad["max_value"] += 1
            rel = abs(row["avg_result"] - mean) / max(abs(mean), 1e-300)
            worst["avg_rel"] = max(worst["avg_rel"], rel)
            if rel > 1e-9:
                bad["avg_result"] += 1
            if name == "kpipes":
                ok, err = check_wagg_p99(ref[k], row["p99_result"])
                worst["p99"] = max(worst["p99"], err)
                p99_exact += row["p99_result"] == s[99 * (n - 1) // 100]
            else:
                ok, off = check_spark_p99(ref[k], row["p99_result"])
                worst["p99"] = max(worst["p99"], off if off is not None else math.inf)
                p99_exact += off == 0
            if not ok:
                bad["p99_result"] += 1
            if any(bad.values()) and len(ex) < 2 and not ok:
                ex.append({"row": row, "n": n, "mean": mean, "max": mx})
        r[name] = {
            "rows": sum(len(x) for x in m.values()),
            "missing": len(expect - set(m)),
            "unexpected": sum(len(m[k]) for k in set(m) - expect),
            "duplicates": sum(len(x) - 1 for x in m.values() if len(x) > 1),
            "wrong": bad, "p99_at_exact_rank": p99_exact,
            "avg_max_rel_err": worst["avg_rel"],
            # wagg: largest relative error of p99; Spark: largest rank offset.
            "p99_worst": worst["p99"], "examples": ex,
        }
    both = expect & set(got["kpipes"]) & set(got["spark"])
    a, b = got["kpipes"], got["spark"]
    r["both"] = len(both)
    r["same_count_max"] = sum(1 for k in both if a[k][0]["count"] == b[k][0]["count"]
                              and float(a[k][0]["max_value"]) == float(b[k][0]["max_value"]))
    r["avg_max_rel_diff"] = max((abs(a[k][0]["avg_result"] - b[k][0]["avg_result"])
                                 / max(abs(b[k][0]["avg_result"]), 1e-300) for k in both), default=0)
    p = [(a[k][0]["p99_result"], b[k][0]["p99_result"]) for k in both]
    r["p99_equal"] = sum(1 for x, y in p if x == y)
    r["p99_max_rel_diff"] = max((abs(x - y) / max(abs(y), 1e-300) for x, y in p), default=0)
    print(json.dumps(r))


# ------------------------------------------------------------- latency ---

def cmd_latency(window_s, delay_s, ins, out, t0, t1):
    w, d, t0, t1 = int(window_s) * 1000, int(delay_s) * 1000, int(t0), int(t1)
    inp = sorted((t, ms(v["ts"]), v["strategy"]) for t, _, v in analyze.envelopes(ins))
    appends = [a for a, _, _ in inp]
    newest, m = [], None
    for _, e, _ in inp:
        m = e if m is None else max(m, e)
        newest.append(m)
    phase = [(e, k) for a, e, k in inp if t0 <= a <= t1]
    if not phase:
        print(json.dumps({"n": 0, "inputs": 0}))
        return
    # The phase's rows: the windows and keys of its records that the records
    # read back close (the others were written, if at all, at the stop).
    expect = {(e // w * w, k) for e, k in phase}
    expect = {x for x in expect if x[0] + w + d <= newest[-1]}
    lat, seen = [], set()
    for t, _, v in analyze.envelopes(out):
        x = (ms(v["window_start"]), v["key"])
        if x not in expect or x in seen:
            continue
        seen.add(x)
        i = bisect.bisect_left(newest, x[0] + w + d)
        lat.append(t - appends[i])
    r = analyze.pcts(lat)
    r["inputs"] = len(phase)
    r["expected"] = len(expect)
    r["windows"] = len({x[0] for x in expect})
    r["event_span_s"] = round((max(phase)[0] - min(phase)[0]) / 1000)
    print(json.dumps(r))


# -------------------------------------------------------------- report ---

def value(text):
    """A results value: JSON where it parses, else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def load(path):
    """The KEY=VALUE lines the bench script wrote."""
    with open(path) as f:
        pairs = [line.rstrip("\n").split("=", 1) for line in f if "=" in line]
    return {k: value(v) for k, v in pairs}


def cmd_report(path):
    R = load(path)
    g = R.get
    fmt, ratio, per_cpu = analyze.fmt, analyze.ratio, analyze.per_cpu
    print("## wagg vs Spark Structured Streaming")
    print()
    for k in ("date", "machine", "versions", "query", "reproduce", "mode"):
        if g(k):
            print("- %s: %s" % (k, g(k)))
    print()
    print("### Throughput (a pre-filled backlog, drained by a running job)")
    print()
    print("Each drain starts a fresh job (kin in a new group, Spark with a new checkpoint) on a "
          "fresh output topic, kpipes and Spark in turn; the last pair then runs the latency "
          "phases. Drain time: from the start signal to the append of the last row. The goal "
          "is judged on the medians of records per CPU-second.")
    print()
    print("| drain | kpipes: drain time | CPU s | records per CPU s | rows | Spark: drain time | CPU s | records per CPU s | rows | kpipes/Spark per CPU |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    kps, sps = analyze.tp_runs(g, "wagg", "kp"), analyze.tp_runs(g, "wagg", "sp")

    def rows_of(t):
        return fmt(t["out"]) + ("" if t["out"] >= t["target"] else " of %s" % fmt(t["target"]))

    for i, (kp, sp) in enumerate(zip(kps, sps)):
        print("| %d | %s ms | %.2f | %s | %s | %s ms | %.2f | %s | %s | %s |" % (
            i + 1, fmt(kp["ms"]), kp["cpu"], fmt(per_cpu(kp)), rows_of(kp),
            fmt(sp["ms"]), sp["cpu"], fmt(per_cpu(sp)), rows_of(sp), ratio(per_cpu(kp), per_cpu(sp))))
    med = None
    if kps and sps:
        mk = statistics.median([per_cpu(t) for t in kps])
        ms_ = statistics.median([per_cpu(t) for t in sps])
        med = mk / ms_
        print("| median | %s ms | %.2f | %s | | %s ms | %.2f | %s | | %s |" % (
            fmt(statistics.median([t["ms"] for t in kps])), statistics.median([t["cpu"] for t in kps]), fmt(mk),
            fmt(statistics.median([t["ms"] for t in sps])), statistics.median([t["cpu"] for t in sps]), fmt(ms_),
            ratio(mk, ms_)))
        print()
        print("Records: %s a drain. Not counted for Spark: its start (JVM, session) and warm-up "
              "run, %s ms; kpipes' clock starts before its processes do." % (
                  fmt(kps[0]["records"]), fmt(g("startup"))))
    print()
    print("### Latency at a fixed input rate (ms, from a window's close to its row's append)")
    print()
    print("A window's close: the append of the first input record whose event time is at "
          "least the window's end plus the delay (the watermark can pass the window's end no "
          "sooner); its row's append to the output topic. Both read back from LogAppendTime "
          "topics by a separate consumer (`kin -E`).")
    print()
    print("| phase | system | rows | p50 | p99 | max | p99 Spark/kpipes | CPU s per million records |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    worst = None
    for rate, speed, secs in g("phases", []):
        ph = "%d_%d" % (rate, speed)
        label = "%s/s for %d s, event time %s" % (
            fmt(rate), secs, "= now" if speed == 1 else "%dx the wall clock" % speed)
        kp, sp = g("lat_%s_kp" % ph), g("lat_%s_sp" % ph)
        cpu = {s: g("cpu_%s_%s" % (ph, s)) for s in ("kp", "sp")}
        if kp and sp and kp.get("p99") is not None and sp.get("p99") is not None:
            r = sp["p99"] / max(kp["p99"], 1)
            worst = r if worst is None else min(worst, r)
        for name, s, t in (("kpipes", "kp", kp), ("Spark", "sp", sp)):
            if not t:
                continue
            c = cpu[s]
            rat = ratio(kp.get("p99") if kp else None, sp.get("p99") if sp else None,
                        better_low=True) if s == "sp" else ""
            print("| %s | %s | %s of %s | %s | %s | %s | %s | %s |" % (
                label, name, fmt(t.get("n")), fmt(t.get("expected")), fmt(t.get("p50")),
                fmt(t.get("p99")), fmt(t.get("max")), rat,
                fmt(c["cpu"] / c["records"] * 1e6, 1) if c and c.get("records") else "-"))
    print()
    print("### Peak memory (MB, VmHWM summed over the system's processes, over the last job's whole run)")
    print()
    kp, sp = g("mem_kp"), g("mem_sp")
    if kp and sp:
        print("| kpipes | Spark | Spark/kpipes | kpipes processes | Spark processes |")
        print("| --- | --- | --- | --- | --- |")
        print("| %s | %s | %s | %s | %s |" % (
            fmt(kp["hwm_sum_mb"], 1), fmt(sp["hwm_sum_mb"], 1),
            ratio(kp["hwm_sum_mb"], sp["hwm_sum_mb"], better_low=True),
            " ".join(kp["procs"]), " ".join(sp["procs"])))
    print()
    print("### Results compared (the last drains' rows)")
    print()
    c = g("cmp")
    if c:
        lo, hi = (c["records_per_row"] + [None, None])[:2]
        print("Exact rows computed from the input records (Python: math.fsum, sorted lists). "
              "Count and max_value must be equal; avg_result within 1e-9 relatively; p99_result "
              "within each system's stated bound: wagg's rank floor(0.99 (n-1)) from 0, exact up "
              "to 1024 numbers and within 1%% of the exact value past that (DDSketch); Spark's "
              "percentile_approx rank ceil(0.99 n) from 1, within n/10000 ranks (accuracy "
              "10000), and one of the numbers. %s to %s records per window and key." % (fmt(lo), fmt(hi)))
        print()
        print("| system | rows expected | written | missing | duplicated | unexpected | wrong count / max / avg / p99 | p99 at the exact rank | worst avg error | worst p99 |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, label, unit in (("kpipes", "kpipes (wagg)", "%.2g relative"), ("spark", "Spark", "%s ranks off")):
            s = c[name]
            b = s["wrong"]
            print("| %s | %s | %s | %s | %s | %s | %d / %d / %d / %d | %s | %.2g | %s |" % (
                label, fmt(c["expected"]), fmt(s["rows"]), fmt(s["missing"]), fmt(s["duplicates"]),
                fmt(s["unexpected"]), b["count"], b["max_value"], b["avg_result"], b["p99_result"],
                fmt(s["p99_at_exact_rank"]), s["avg_max_rel_err"], unit % s["p99_worst"]))
            for e in s["examples"]:
                print("  - wrong, e.g. `%s` (exact: n %d, mean %r, max %r)" % (
                    json.dumps(e["row"]), e["n"], e["mean"], e["max"]))
        print()
        print("Between the two: of %s rows in both, %s have the same count and max_value; "
              "avg_result differs by at most %.2g relatively; p99_result is the same number "
              "in %s, and differs by at most %.2g%% (the two rank rules and wagg's sketch)." % (
                  fmt(c["both"]), fmt(c["same_count_max"]), c["avg_max_rel_diff"],
                  fmt(c["p99_equal"]), c["p99_max_rel_diff"] * 100))
    print()
    print("### Goals")
    print()
    complete = all(t["out"] >= t["target"] for t in kps + sps)
    if med is not None:
        how = "" if len(kps) == 1 else " (ratio of the medians of %d drains each; drain by drain %s)" % (
            len(kps), ", ".join(ratio(per_cpu(a), per_cpu(b)) for a, b in zip(kps, sps)))
        print("- throughput per CPU at least 10x Spark's: %.1fx%s, %s" % (
            med, how, ("met" if med >= 10 else "NOT met") if complete else "NOT judged: a drain was incomplete"))
    if worst is not None:
        print("- p99 latency at least 20x lower: %.1fx at the worst phase, %s" % (
            worst, "met" if worst >= 20 else "NOT met"))
    if kp and sp:
        r = sp["hwm_sum_mb"] / kp["hwm_sum_mb"]
        print("- memory at least 10x less: %.1fx, %s" % (r, "met" if r >= 10 else "NOT met"))
    if c:
        ok = all(c[s]["missing"] == 0 and c[s]["duplicates"] == 0 and not any(c[s]["wrong"].values())
                 for s in ("kpipes", "spark"))
        print("- the same results: %s" % (
            "yes, every row within the bounds above" if ok else "NO (see above)"))


def main():
    cmds = {"windows": cmd_windows, "expected": cmd_expected, "compare": cmd_compare,
            "latency": cmd_latency, "report": cmd_report}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
