#!/usr/bin/env python3
"""Measuring and checking for bench/vs-spark.sh (standard library only).

  analyze.py cpu PID                      CPU seconds of PID and its descendants
  analyze.py procmon OUT PID              sample memory and CPU of PID's tree
                                          until SIGTERM or PID exits; OUT: JSON
  analyze.py count TOPIC_DESCRIBE_J       sum of "high" in ktopic describe -J
  analyze.py refjoin C D WINDOW_S         every pair within the window (ids)
  analyze.py latency-strategy IN OUT T0 T1
  analyze.py latency-join C D OUT T0 T1
  analyze.py expected-join C D T0 T1 WINDOW_S   pairs among inputs appended in [T0, T1]
  analyze.py append-range ENVELOPES       smallest and largest message timestamp
  analyze.py compare-strategy IN KP SP     IN: the inputs, plain NDJSON
  analyze.py compare-join C D WINDOW_S KP SP   C, D: the inputs, plain NDJSON
  analyze.py report RESULTS               the markdown section

IN, OUT, C, D, KP, SP are `kin -E -e` envelope files (or plain NDJSON where
said). Times are milliseconds since the epoch. Processes named bash, sh or
setsid are left out of CPU and memory: they are the harness's, not the
system's.
"""
import bisect
import json
import os
import signal
import statistics
import sys
import time
from datetime import datetime, timezone

SHELLS = {"bash", "sh", "setsid", "timeout", "env"}
TICK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------ processes ---

def _stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    comm = s[s.index("(") + 1:s.rindex(")")]
    rest = s[s.rindex(")") + 2:].split()
    # rest[0] is field 3 (state): ppid is field 4, utime and stime 14 and
    # 15, cutime and cstime (children waited for, such as the chmod and
    # readlink that Hadoop's local file system runs for Spark's
    # checkpoints) 16 and 17.
    return comm, int(rest[1]), sum(int(x) for x in rest[11:15])


def tree(root):
    """{pid: (comm, cpu_ticks)} for root and its descendants, shells left out."""
    procs = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                procs[int(d)] = _stat(int(d))
            except (OSError, ValueError):
                pass
    kids = {}
    for pid, (_, ppid, _) in procs.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = {}, [root]
    while todo:
        p = todo.pop()
        if p in procs:
            comm, _, cpu = procs[p]
            if comm not in SHELLS:
                out[p] = (comm, cpu)
            todo.extend(kids.get(p, []))
    return out


def _status_kb(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cmd_cpu(root):
    print("%.2f" % (sum(c for _, c in tree(int(root)).values()) / TICK))


def cmd_procmon(out, root):
    root = int(root)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    hwm, comms, names = {}, {}, {}
    peak_rss = 0
    n = 0
    while not stop:
        # The process table is read once a second; a process is measured
        # once it has been seen twice, so short-lived helpers (a fork
        # before exec shares, and reports, its parent's memory) are not.
        if n % 10 == 0:
            now = {p: c for p, (c, _) in tree(root).items()}
            if not now and not os.path.exists("/proc/%d" % root):
                break
            comms = {p: c for p, c in now.items() if p in names}
            names.update(now)
        n += 1
        rss = 0
        for pid in comms:
            rss += _status_kb(pid, "VmRSS")
            hwm[pid] = max(hwm.get(pid, 0), _status_kb(pid, "VmHWM"))
        peak_rss = max(peak_rss, rss)
        time.sleep(0.1)
    res = {
        "peak_rss_mb": round(peak_rss / 1024, 1),
        "hwm_sum_mb": round(sum(hwm.values()) / 1024, 1),
        "procs": sorted("%s:%.0fMB" % (names.get(p, "?"), hwm[p] / 1024) for p in hwm),
    }
    with open(out, "w") as f:
        json.dump(res, f)


def cmd_count(path):
    n = 0
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                n += json.loads(line)["high"]
    print(n)


# ------------------------------------------------------------- records ---

def envelopes(path):
    """(append_ms, raw value text, parsed value) for each line of `kin -E`."""
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            i = line.index(',"value":')
            raw = line[i + 9:-1]
            env = json.loads(line[:i] + "}")
            yield env["timestamp"], raw, json.loads(raw)


def plain(path):
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                yield line, json.loads(line)


def ts_ms(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=timezone.utc).timestamp() * 1000


def rkey(v):
    return (v.get("id"), v.get("ts"))


def pcts(xs):
    xs = sorted(xs)
    if not xs:
        return {"n": 0}
    def at(q):
        return xs[min(len(xs) - 1, max(0, int(-(-q * len(xs) // 1)) - 1))]
    return {"n": len(xs), "p50": at(0.50), "p99": at(0.99), "max": xs[-1],
            "mean": round(sum(xs) / len(xs), 1)}


def cmd_latency_strategy(inp, out, t0, t1):
    t0, t1 = int(t0), int(t1)
    sent = {}
    for t, _, v in envelopes(inp):
        if t0 <= t <= t1:
            sent[rkey(v)] = t
    lat, seen = [], set()
    for t, _, v in envelopes(out):
        k = rkey(v)
        if k in sent and k not in seen:
            seen.add(k)
            lat.append(t - sent[k])
    r = pcts(lat)
    r["inputs"] = len(sent)
    print(json.dumps(r))


def cmd_latency_join(c, d, out, t0, t1):
    t0, t1 = int(t0), int(t1)
    cs, ds = {}, {}
    for src, dst in ((c, cs), (d, ds)):
        for t, _, v in envelopes(src):
            if t0 <= t <= t1:
                dst[rkey(v)] = t
    lat, seen = [], set()
    for t, _, v in envelopes(out):
        lk, rk = rkey(v["left"]), rkey(v["right"])
        if lk in cs and rk in ds and (lk, rk) not in seen:
            seen.add((lk, rk))
            lat.append(t - max(cs[lk], ds[rk]))
    r = pcts(lat)
    r["inputs"] = len(cs) + len(ds)
    r["expected"] = len(ref_pairs([v for v in cs], [v for v in ds], 300))
    print(json.dumps(r))


def cmd_expected_join(c, d, t0, t1, window_s):
    t0, t1 = int(t0), int(t1)
    keys = []
    for src in (c, d):
        keys.append([rkey(v) for t, _, v in envelopes(src) if t0 <= t <= t1])
    print(len(ref_pairs(keys[0], keys[1], int(window_s))))


def cmd_append_range(path):
    ts = [t for t, _, _ in envelopes(path)]
    print(min(ts, default=0), max(ts, default=0))


def ref_pairs(ckeys, dkeys, window_s):
    """Pairs of (id, ts) keys whose times are within window_s, inclusive."""
    w = window_s * 1000
    dl = sorted((ts_ms(ts), (i, ts)) for i, ts in dkeys)
    dt = [x[0] for x in dl]
    pairs = set()
    for i, ts in ckeys:
        t = ts_ms(ts)
        for j in range(bisect.bisect_left(dt, t - w), bisect.bisect_right(dt, t + w)):
            pairs.add(((i, ts), dl[j][1]))
    return pairs


def cmd_refjoin(c, d, window_s):
    ck = [rkey(v) for _, v in plain(c)]
    dk = [rkey(v) for _, v in plain(d)]
    print(len(ref_pairs(ck, dk, int(window_s))))


# ----------------------------------------------------------- comparing ---

def same_value(a, b):
    """JSON values equal, numbers compared as doubles (77 == 77.0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return a == b


def summarize(name_a, a, name_b, b, expected_keys):
    """Counts of a comparison between two key -> [(raw, value)] maps."""
    r = {"expected": len(expected_keys)}
    for name, m in ((name_a, a), (name_b, b)):
        r[name + "_records"] = sum(len(x) for x in m.values())
        r[name + "_missing"] = sum(1 for k in expected_keys if k not in m)
        r[name + "_unexpected"] = sum(len(m[k]) for k in m if k not in expected_keys)
        r[name + "_duplicates"] = sum(len(x) - 1 for x in m.values() if len(x) > 1)
    common = [k for k in expected_keys if k in a and k in b]
    r["both"] = len(common)
    r["equal"] = sum(1 for k in common if same_value(a[k][0][1], b[k][0][1]))
    r["byte_identical"] = sum(1 for k in common if a[k][0][0] == b[k][0][0])
    diffs = [k for k in common if not same_value(a[k][0][1], b[k][0][1])]
    r["examples_unequal"] = [[a[k][0][0], b[k][0][0]] for k in diffs[:3]]
    bytediff = [k for k in common if a[k][0][0] != b[k][0][0]]
    r["examples_bytes"] = [[a[k][0][0], b[k][0][0]] for k in bytediff[:2]]
    r["only_" + name_a] = [list(k) for k in list(set(a) - set(b))[:3]]
    r["only_" + name_b] = [list(k) for k in list(set(b) - set(a))[:3]]
    return r


def cmd_compare_strategy(inp, kp, sp):
    keys = set(rkey(v) for _, v in plain(inp))
    a, b = {}, {}
    for path, m in ((kp, a), (sp, b)):
        for _, raw, v in envelopes(path):
            if rkey(v) in keys:
                m.setdefault(rkey(v), []).append((raw, v))
    print(json.dumps(summarize("kpipes", a, "spark", b, keys)))


def cmd_compare_join(c, d, window_s, kp, sp):
    ck = [rkey(v) for _, v in plain(c)]
    dk = [rkey(v) for _, v in plain(d)]
    keys = ref_pairs(ck, dk, int(window_s))
    cs, ds = set(ck), set(dk)
    a, b = {}, {}
    for path, m in ((kp, a), (sp, b)):
        for _, raw, v in envelopes(path):
            lk, rk = rkey(v["left"]), rkey(v["right"])
            if lk in cs and rk in ds:
                m.setdefault((lk, rk), []).append((raw, v))
    r = summarize("kpipes", a, "spark", b, keys)
    # Pairs are keyed by (id, ts) twice: show the ids.
    for n in ("only_kpipes", "only_spark"):
        r[n] = [[x[0][0], x[1][0]] for x in r[n]]
    print(json.dumps(r))


# -------------------------------------------------------------- report ---

def fmt(x, nd=0):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return ("{:,.%df}" % nd).format(x)


def ratio(a, b, better_low=False):
    try:
        r = (b / a) if better_low else (a / b)
    except (TypeError, ZeroDivisionError):
        return "-"
    return "%.1fx" % r


def tp_runs(g, j, s):
    """The drains of job j by system s, in the order they ran."""
    runs = [g("tp_%s_%s_r%d" % (j, s, i)) for i in range(2, int(g("tp_runs") or 1) + 1)]
    return [t for t in runs + [g("tp_%s_%s" % (j, s))] if t and t.get("cpu")]


def per_cpu(t):
    return t["records"] / t["cpu"]


def cmd_report(path):
    R = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" in line:
                k, v = line.split("=", 1)
                try:
                    R[k] = json.loads(v)
                except ValueError:
                    R[k] = v
    g = R.get
    jobs = (("strategy", "strategy (X_input -> X_output)"),
            ("join", "join (C_output x D_input -> D_input_ready)"))
    print("## kpipes vs Spark Structured Streaming")
    print()
    for k in ("date", "machine", "versions", "reproduce", "mode"):
        if g(k):
            print("- %s: %s" % (k, g(k)))
    print()
    print("### Sustained throughput (a pre-filled backlog, drained by a running job)")
    print()
    print("| job | system | records | first output | drain time | records/s | CPU s | records per CPU s | kpipes/Spark per CPU |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for j, title in jobs:
        kp, sp = g("tp_%s_kp" % j), g("tp_%s_sp" % j)
        for name, t, other in (("kpipes", kp, sp), ("Spark", sp, None)):
            if not t:
                continue
            rps = t["records"] / t["ms"] * 1000 if t.get("ms") else None
            rpc = t["records"] / t["cpu"] if t.get("cpu") else None
            rat = "1"
            if other:
                orpc = other["records"] / other["cpu"] if other.get("cpu") else None
                rat = ratio(rpc, orpc)
            extra = " (%s pairs out)" % fmt(t["out"]) if j == "join" else ""
            print("| %s | %s | %s%s | %s ms | %s ms | %s | %.2f | %s | %s |" % (
                j, name, fmt(t["records"]), extra, fmt(t.get("first_ms")), fmt(t.get("ms")), fmt(rps),
                t.get("cpu", 0), fmt(rpc), rat))
    if g("startup_strategy") or g("startup_join"):
        print()
        print("Not counted above: Spark's start (JVM, session) and warm-up run took %s ms "
              "(strategy) and %s ms (join). kpipes' clock includes its start (for the strategy, "
              "mostly kin's consumer-group join)." % (fmt(g("startup_strategy")), fmt(g("startup_join"))))
    if int(g("tp_runs") or 1) > 1:
        print()
        print("### Throughput, every drain (the same backlog, kpipes and Spark alternating)")
        print()
        print("The table above is the last pair of drains (the jobs that then ran the latency "
              "phases). Each drain starts a fresh job on a fresh output topic. The goal is judged "
              "on the medians: the median of kpipes' records per CPU-second over the median of Spark's.")
        print()
        print("| job | drain | kpipes: drain time | CPU s | records per CPU s | complete | Spark: drain time | CPU s | records per CPU s | complete | kpipes/Spark per CPU |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for j, _ in jobs:
            kps, sps = tp_runs(g, j, "kp"), tp_runs(g, j, "sp")
            for i, (kp, sp) in enumerate(zip(kps, sps)):
                print("| %s | %d | %s ms | %.2f | %s | %s | %s ms | %.2f | %s | %s | %s |" % (
                    j, i + 1, fmt(kp.get("ms")), kp["cpu"], fmt(per_cpu(kp)),
                    "yes" if kp["out"] >= kp.get("target", kp["out"]) else "NO (%s)" % fmt(kp["out"]),
                    fmt(sp.get("ms")), sp["cpu"], fmt(per_cpu(sp)),
                    "yes" if sp["out"] >= sp.get("target", sp["out"]) else "NO (%s)" % fmt(sp["out"]),
                    ratio(per_cpu(kp), per_cpu(sp))))
            if kps and sps:
                mk, ms = statistics.median([per_cpu(t) for t in kps]), statistics.median([per_cpu(t) for t in sps])
                print("| %s | median | %s ms | %.2f | %s | | %s ms | %.2f | %s | | %s |" % (
                    j, fmt(statistics.median([t["ms"] for t in kps])), statistics.median([t["cpu"] for t in kps]), fmt(mk),
                    fmt(statistics.median([t["ms"] for t in sps])), statistics.median([t["cpu"] for t in sps]), fmt(ms),
                    ratio(mk, ms)))
    print()
    print("### End-to-end latency at a fixed input rate (ms, input append to output append)")
    print()
    print("| job | rate (records/s) | system | outputs | p50 | p99 | max | p99 Spark/kpipes |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for j, _ in jobs:
        for rate in g("rates", []):
            kp, sp = g("lat_%s_%s_kp" % (j, rate)), g("lat_%s_%s_sp" % (j, rate))
            for name, t in (("kpipes", kp), ("Spark", sp)):
                if not t:
                    continue
                exp = t.get("expected", t.get("inputs"))
                rat = ratio(kp.get("p99") if kp else None, sp.get("p99") if sp else None,
                            better_low=True) if name == "Spark" else ""
                print("| %s | %s | %s | %s of %s | %s | %s | %s | %s |" % (
                    j, fmt(rate), name, fmt(t.get("n")), fmt(exp), fmt(t.get("p50")),
                    fmt(t.get("p99")), fmt(t.get("max")), rat))
    print()
    print("### CPU seconds per million input records")
    print()
    print("| job | phase | kpipes | Spark | Spark/kpipes |")
    print("| --- | --- | --- | --- | --- |")
    for j, _ in jobs:
        phases = [("saturation", "tp_%s" % j)] + [
            ("%s records/s" % fmt(r), "cpu_%s_%s" % (j, r)) for r in g("rates", [])]
        for label, key in phases:
            vals = []
            for s in ("kp", "sp"):
                t = g("%s_%s" % (key, s))
                vals.append(t["cpu"] / t["records"] * 1e6 if t and t.get("records") else None)
            print("| %s | %s | %s | %s | %s |" % (j, label, fmt(vals[0], 2), fmt(vals[1], 2),
                                                ratio(vals[0], vals[1], better_low=True)))
    print()
    print("### Peak memory (resident set, MB, over the job's whole run)")
    print()
    print("| job | kpipes (sum of VmHWM) | Spark (sum of VmHWM) | Spark/kpipes | kpipes processes | Spark processes |")
    print("| --- | --- | --- | --- | --- | --- |")
    for j, _ in jobs:
        kp, sp = g("mem_%s_kp" % j), g("mem_%s_sp" % j)
        if not kp or not sp:
            continue
        print("| %s | %s | %s | %s | %s | %s |" % (
            j, fmt(kp["hwm_sum_mb"], 1), fmt(sp["hwm_sum_mb"], 1),
            ratio(kp["hwm_sum_mb"], sp["hwm_sum_mb"], better_low=True),
            " ".join(kp["procs"]), " ".join(sp["procs"])))
    print()
    print("### Results compared (the pre-filled records)")
    print()
    for j, _ in jobs:
        c = g("cmp_%s" % j)
        if not c:
            continue
        what = "records" if j == "strategy" else "pairs (every pair of C and D within +-5 min)"
        print("- %s: %s expected %s; kpipes wrote %s (%s missing, %s duplicated, %s unexpected), "
              "Spark wrote %s (%s missing, %s duplicated, %s unexpected); of %s in both, %s equal as JSON "
              "(numbers as doubles), %s byte-identical." % (
                  j, fmt(c["expected"]), what, fmt(c["kpipes_records"]), fmt(c["kpipes_missing"]),
                  fmt(c["kpipes_duplicates"]), fmt(c["kpipes_unexpected"]), fmt(c["spark_records"]),
                  fmt(c["spark_missing"]), fmt(c["spark_duplicates"]), fmt(c["spark_unexpected"]),
                  fmt(c["both"]), fmt(c["equal"]), fmt(c["byte_identical"])))
        for a, b in c.get("examples_unequal", []):
            print("  - unequal: kpipes `%s` / Spark `%s`" % (a, b))
        for a, b in c.get("examples_bytes", [])[:1]:
            print("  - bytes differ, e.g.: kpipes `%s` / Spark `%s`" % (a, b))
        if c.get("only_kpipes"):
            print("  - only in kpipes, e.g. %s" % c["only_kpipes"])
        if c.get("only_spark"):
            print("  - only in Spark, e.g. %s" % c["only_spark"])
    print()
    print("### Goals")
    print()
    for j, _ in jobs:
        kps, sps = tp_runs(g, j, "kp"), tp_runs(g, j, "sp")
        if kps and sps:
            r = statistics.median([per_cpu(t) for t in kps]) / statistics.median([per_cpu(t) for t in sps])
            how = "" if len(kps) == 1 else " (ratio of the medians of %d drains each; pair by pair %s)" % (
                len(kps), ", ".join(ratio(per_cpu(a), per_cpu(b)) for a, b in zip(kps, sps)))
            done = all(t["out"] >= t.get("target", t["out"]) for t in kps + sps)
            print("- %s throughput per CPU at least 10x Spark's: %.1fx%s, %s" % (
                j, r, how, ("met" if r >= 10 else "NOT met") if done else "NOT judged: a drain was incomplete"))
        worst = None
        for rate in g("rates", []):
            a, b = g("lat_%s_%s_kp" % (j, rate)), g("lat_%s_%s_sp" % (j, rate))
            if a and b and a.get("p99") is not None and b.get("p99") is not None:
                r = b["p99"] / max(a["p99"], 1)
                worst = r if worst is None else min(worst, r)
        if worst is not None:
            print("- %s p99 latency at least 20x lower: %.1fx at the worst rate, %s" % (
                j, worst, "met" if worst >= 20 else "NOT met"))
        kp, sp = g("mem_%s_kp" % j), g("mem_%s_sp" % j)
        if kp and sp:
            r = sp["hwm_sum_mb"] / kp["hwm_sum_mb"]
            print("- %s memory at least 10x lower: %.1fx, %s" % (j, r, "met" if r >= 10 else "NOT met"))
        c = g("cmp_%s" % j)
        if c:
            ok = c["equal"] == c["expected"] and c["kpipes_missing"] == 0 and c["spark_missing"] == 0
            print("- %s identical results: %s" % (j, "yes" if ok else "NO (see above)"))


def main():
    cmds = {
        "cpu": cmd_cpu, "procmon": cmd_procmon, "count": cmd_count,
        "refjoin": cmd_refjoin, "latency-strategy": cmd_latency_strategy,
        "latency-join": cmd_latency_join, "expected-join": cmd_expected_join, "append-range": cmd_append_range,
        "compare-strategy": cmd_compare_strategy, "compare-join": cmd_compare_join,
        "report": cmd_report,
    }
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
