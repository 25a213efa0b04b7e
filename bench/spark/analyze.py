#!/usr/bin/env python3
"""Measuring and checking for bench/vs-spark.sh (standard library only).

  analyze.py cpu PID                      CPU seconds of PID and its descendants
  analyze.py cpus PID [BASE]              the same by command name, as JSON,
                                          less BASE (an earlier such JSON)
  analyze.py stamp                        kin -E lines from stdin to stdout,
                                          "timestamp" made the arrival time
  analyze.py procmon OUT PID              sample memory and CPU of PID's tree
                                          until SIGTERM or PID exits; OUT: JSON
  analyze.py count TOPIC_DESCRIBE_J       sum of "high" in ktopic describe -J
  analyze.py refjoin C D WINDOW_S         every pair within the window (ids)
  analyze.py latency-strategy IN OUT T0 T1
  analyze.py latency-join C D OUT T0 T1
  analyze.py expected-join C D T0 T1 WINDOW_S   pairs among inputs appended in [T0, T1]
  analyze.py append-range ENVELOPES       smallest and largest message timestamp
  analyze.py compare-strategy IN SYS=ENV...    IN: the inputs, plain NDJSON
  analyze.py compare-join C D WINDOW_S SYS=ENV...   C, D: the inputs, plain NDJSON
  analyze.py report RESULTS               the markdown section

IN, OUT, C, D, ENV are `kin -E -e` envelope files (or plain NDJSON where
said); SYS names a system (kp, kpx, ks, ksx, sp), the first one being the
reference the others are compared with. Times are milliseconds since the epoch. Processes named bash, sh or
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


def cmd_cpus(root, base="{}"):
    by = {}
    for comm, cpu in tree(int(root)).values():
        by[comm] = by.get(comm, 0) + cpu / TICK
    for comm, cpu in json.loads(base).items():
        by[comm] = by.get(comm, 0) - cpu
    print(json.dumps({k: round(v, 2) for k, v in sorted(by.items())}))


def cmd_stamp():
    """Each `kin -E` line with its "timestamp" the time it was read here."""
    def stop(*_):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    out = sys.stdout
    try:
        for line in sys.stdin:
            now = int(time.time() * 1000)
            i = line.find('"timestamp":')
            if i >= 0:
                j = i + 12
                while j < len(line) and (line[j].isdigit() or line[j] == "-"):
                    j += 1
                line = "%s%d%s" % (line[:i + 12], now, line[j:])
            out.write(line)
    finally:
        out.flush()


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


def summarize(found, expected_keys):
    """Each system's output (key -> [(raw, value)]) against the expected
    keys, and against the first system's record for the same key."""
    names = list(found)
    ref = found[names[0]]
    r = {"expected": len(expected_keys), "reference": names[0], "systems": {}}
    for name, m in found.items():
        common = [k for k in expected_keys if k in m and k in ref]
        unequal = [k for k in common if not same_value(m[k][0][1], ref[k][0][1])]
        bytediff = [k for k in common if m[k][0][0] != ref[k][0][0]]
        r["systems"][name] = {
            "records": sum(len(x) for x in m.values()),
            "missing": sum(1 for k in expected_keys if k not in m),
            "unexpected": sum(len(m[k]) for k in m if k not in expected_keys),
            "duplicates": sum(len(x) - 1 for x in m.values() if len(x) > 1),
            "both": len(common),
            "equal": len(common) - len(unequal),
            "byte_identical": len(common) - len(bytediff),
            "examples_unequal": [[ref[k][0][0], m[k][0][0]] for k in unequal[:2]],
            "examples_bytes": [[ref[k][0][0], m[k][0][0]] for k in bytediff[:1]],
            "examples_missing": [list(k) for k in list(set(expected_keys) - set(m))[:3]],
        }
    return r


def outputs(specs, keyof):
    """{system: {key: [(raw, value)]}} from SYS=ENV arguments."""
    found = {}
    for spec in specs:
        name, path = spec.split("=", 1)
        m = found.setdefault(name, {})
        for _, raw, v in envelopes(path):
            k = keyof(v)
            if k is not None:
                m.setdefault(k, []).append((raw, v))
    return found


def cmd_compare_strategy(inp, *specs):
    keys = set(rkey(v) for _, v in plain(inp))
    found = outputs(specs, lambda v: rkey(v) if rkey(v) in keys else None)
    print(json.dumps(summarize(found, keys)))


def cmd_compare_join(c, d, window_s, *specs):
    ck = [rkey(v) for _, v in plain(c)]
    dk = [rkey(v) for _, v in plain(d)]
    keys = ref_pairs(ck, dk, int(window_s))
    cs, ds = set(ck), set(dk)

    def pair(v):
        lk, rk = rkey(v["left"]), rkey(v["right"])
        return (lk, rk) if lk in cs and rk in ds else None
    r = summarize(outputs(specs, pair), keys)
    # Pairs are keyed by (id, ts) twice: show the ids.
    for t in r["systems"].values():
        t["examples_missing"] = [[x[0][0], x[1][0]] for x in t["examples_missing"]]
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


LABEL = {"kp": "kpipes", "kpx": "kpipes, exactly-once", "ks": "Kafka Streams",
         "ksx": "Kafka Streams, exactly-once", "sp": "Spark"}
JOBS = (("strategy", "strategy (X_input -> X_output)"),
        ("join", "join (C_output x D_input -> D_input_ready)"))


def tp_runs(g, j, s):
    """The drains of job j by system s, in the order they ran."""
    runs = [g("tp_%s_%s_r%d" % (j, s, i)) for i in range(2, int(g("tp_runs") or 1) + 1)]
    return [t for t in runs + [g("tp_%s_%s" % (j, s))] if t and t.get("cpu")]


def per_cpu(t):
    return t["records"] / t["cpu"]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def drains(g, j, s):
    """Medians over the drains of job j by system s, or None."""
    ts = tp_runs(g, j, s)
    if not ts:
        return None
    procs = {}
    for t in ts:
        for k, v in t.get("procs", {}).items():
            procs.setdefault(k, []).append(v)
    return {"n": len(ts), "ms": med([t["ms"] for t in ts]), "cpu": med([t["cpu"] for t in ts]),
            "broker_cpu": med([t.get("broker_cpu") for t in ts]),
            "per_cpu": med([per_cpu(t) for t in ts]),
            "procs": {k: med(v) for k, v in procs.items()},
            "complete": all(t["out"] >= t.get("target", t["out"]) for t in ts)}


def kp_procs(d):
    """'kout 1.0, kin 0.3, strategy 0.2': kpipes' CPU by process."""
    ps = sorted(((v, k) for k, v in d["procs"].items() if v and v >= 0.005), reverse=True)
    return ", ".join("%s %.2f" % (k, v) for v, k in ps)


def read_results(path):
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
    return R


def cmd_report(path):
    R = read_results(path)
    g = R.get
    systems = g("systems") or ["kp", "sp"]
    rates = g("rates", [])
    print("## kpipes vs Kafka Streams (and Spark)")
    print()
    for k in ("date", "machine", "versions", "reproduce", "mode"):
        if g(k):
            print("- %s: %s" % (k, g(k)))
    print()
    report_side_by_side(g, systems, rates)
    report_drains(g, systems)
    report_latency(g, systems, rates)
    report_cpu(g, systems, rates)
    report_memory(g, systems)
    report_compared(g, systems)
    report_goals(g, systems, rates)


def report_side_by_side(g, systems, rates):
    """The issue's table: kpipes against each engine, same delivery mode."""
    table_head("Side by side (medians of the drains; ratio = the engine's cost over kpipes')", None,
               ("job, measure", "kpipes", "Kafka Streams", "KS/kpipes", "Spark", "Spark/kpipes"))
    for j, _ in JOBS:
        for mode, kp, ks, sp in (("at-least-once", "kp", "ks", "sp"), ("exactly-once", "kpx", "ksx", None)):
            d = {s: drains(g, j, s) if s in systems else None for s in (kp, ks, sp) if s}
            if not d.get(kp):
                continue
            other = [(d.get(ks)), (d.get(sp) if sp else None)]

            def row(what, val, show):
                a = val(d[kp])
                cells = [show(d[kp], a)]
                for o in other:
                    b = val(o) if o else None
                    cells += [show(o, b) if o else "-", ratio(a, b, better_low=True) if o else "-"]
                print("| %s, %s: %s | %s |" % (j, mode, what, " | ".join(cells)))
            row("drain wall time", lambda x: x["ms"], lambda x, v: "%s ms" % fmt(v))
            row("CPU-s of the drain", lambda x: x["cpu"],
                lambda x, v: "%.2f%s" % (v, " (%s)" % kp_procs(x) if x is d[kp] else ""))
            row("broker CPU-s of the drain", lambda x: x["broker_cpu"],
                lambda x, v: "-" if v is None else "%.2f" % v)
            mem = {s: g("mem_%s_%s" % (j, s)) for s in (kp, ks, sp) if s}
            cells = ["%s MB" % fmt(mem[kp]["hwm_sum_mb"]) if mem.get(kp) else "-"]
            for s in (ks, sp):
                m = mem.get(s) if s else None
                cells += ["%s MB" % fmt(m["hwm_sum_mb"]) if m else "-",
                          ratio(mem[kp]["hwm_sum_mb"], m["hwm_sum_mb"], better_low=True) if m and mem.get(kp) else "-"]
            print("| %s, %s: peak RSS | %s |" % (j, mode, " | ".join(cells)))
            for rate in rates:
                lat = {s: g("lat_%s_%s_%s" % (j, rate, s)) for s in (kp, ks, sp) if s}
                a = lat.get(kp) or {}
                cells = ["%s / %s ms" % (fmt(a.get("p50")), fmt(a.get("p99")))]
                for s in (ks, sp):
                    b = lat.get(s) if s else None
                    cells += ["%s / %s ms" % (fmt(b.get("p50")), fmt(b.get("p99"))) if b else "-",
                              ratio(max(a.get("p99") or 0, 1), b.get("p99"), better_low=True) + " p99" if b and a.get("p99") is not None else "-"]
                print("| %s, %s: p50 / p99 latency at %s/s | %s |" % (j, mode, fmt(rate), " | ".join(cells)))
    print()


def table_head(title, note, columns):
    """A report section's title, its note, and its table's header."""
    print("### " + title)
    print()
    if note:
        print(note)
        print()
    print("| %s |" % " | ".join(columns))
    print("| %s |" % " | ".join("---" for _ in columns))


def report_drains(g, systems):
    table_head("Throughput: every drain of the pre-filled backlog, and the medians",
               "Each drain starts a fresh job on a fresh output topic; the last one of each system then "
               "ran the latency phases. The JVMs' clocks start once they are up (and warm, but with "
               "--quick); kpipes' clock includes its start.",
               ("job", "system", "drain", "drain time", "first output", "outputs", "complete", "CPU s",
                "records per CPU s", "broker CPU s", "CPU s by process"))
    for j, _ in JOBS:
        for s in systems:
            ts = tp_runs(g, j, s)
            for i, t in enumerate(ts):
                print("| %s | %s | %d | %s ms | %s ms | %s | %s | %.2f | %s | %s | %s |" % (
                    j, LABEL[s], i + 1, fmt(t.get("ms")), fmt(t.get("first_ms")), fmt(t["out"]),
                    "yes" if t["out"] >= t.get("target", t["out"]) else "NO (of %s)" % fmt(t.get("target")),
                    t["cpu"], fmt(per_cpu(t)),
                    "-" if t.get("broker_cpu") is None else "%.2f" % t["broker_cpu"],
                    ", ".join("%s %.2f" % kv for kv in sorted(t.get("procs", {}).items()) if kv[1] >= 0.005)))
            d = drains(g, j, s)
            if d and d["n"] > 1:
                print("| %s | %s | median | %s ms | | | | %.2f | %s | %s | |" % (
                    j, LABEL[s], fmt(d["ms"]), d["cpu"], fmt(d["per_cpu"]),
                    "-" if d["broker_cpu"] is None else "%.2f" % d["broker_cpu"]))
    starts = [(j, s, g("startup_%s_%s" % (j, s))) for j, _ in JOBS for s in systems]
    starts = ["%s %s %s ms" % (LABEL[s], j, fmt(v)) for j, s, v in starts if v]
    if starts:
        print()
        print("Not counted above: the JVMs' start and warm-up run: %s." % "; ".join(starts))
    print()


def report_latency(g, systems, rates):
    table_head("End-to-end latency at a fixed input rate (ms, input append to output append)",
               "Under exactly-once, to the output's arrival at a live read_committed consumer instead "
               "(after its transaction's commit).",
               ("job", "rate (records/s)", "system", "outputs", "p50", "p99", "max",
                "p99 over kpipes' (same mode)"))
    for j, _ in JOBS:
        for rate in rates:
            for s in systems:
                t = g("lat_%s_%s_%s" % (j, rate, s))
                if not t:
                    continue
                base = g("lat_%s_%s_%s" % (j, rate, "kpx" if s in ("kpx", "ksx") else "kp"))
                rat = ratio(max((base or {}).get("p99") or 0, 1), t.get("p99"), better_low=True) \
                    if base and not s.startswith("kp") and t.get("p99") is not None else ""
                exp = t.get("expected", t.get("inputs"))
                print("| %s | %s | %s | %s of %s | %s | %s | %s | %s |" % (
                    j, fmt(rate), LABEL[s], fmt(t.get("n")), fmt(exp), fmt(t.get("p50")),
                    fmt(t.get("p99")), fmt(t.get("max")), rat))
    print()


def report_cpu(g, systems, rates):
    table_head("CPU seconds per million input records (the system's own, and + the broker's)", None,
               ["job", "phase"] + [LABEL[s] for s in systems])
    for j, _ in JOBS:
        phases = [("saturation (median drain)", None)] + [("%s records/s" % fmt(r), r) for r in rates]
        for label, rate in phases:
            cells = []
            for s in systems:
                if rate is None:
                    d = drains(g, j, s)
                    t = d and {"cpu": d["cpu"], "broker_cpu": d["broker_cpu"], "records": tp_runs(g, j, s)[0]["records"]}
                else:
                    t = g("cpu_%s_%s_%s" % (j, rate, s))
                if not t or not t.get("records"):
                    cells.append("-")
                    continue
                m = 1e6 / t["records"]
                b = t.get("broker_cpu")
                cells.append("%s (+%s)" % (fmt(t["cpu"] * m, 2), fmt(b * m, 2)) if b is not None else fmt(t["cpu"] * m, 2))
            print("| %s | %s | %s |" % (j, label, " | ".join(cells)))
    print()


def report_memory(g, systems):
    table_head("Peak memory (resident set, MB, over the job's whole run)", None,
               ("job", "system", "sum of VmHWM", "processes"))
    for j, _ in JOBS:
        for s in systems:
            m = g("mem_%s_%s" % (j, s))
            if m:
                print("| %s | %s | %s | %s |" % (j, LABEL[s], fmt(m["hwm_sum_mb"], 1), " ".join(m["procs"])))
    print()


def report_compared(g, systems):
    print("### Results compared (the pre-filled records, the last drain of each system)")
    print()
    for j, _ in JOBS:
        c = g("cmp_%s" % j)
        if not c:
            continue
        what = "records" if j == "strategy" else "pairs (every pair of C and D within +-5 min)"
        ref = LABEL[c["reference"]]
        print("- %s: %s %s expected." % (j, fmt(c["expected"]), what))
        for s, t in c["systems"].items():
            line = "  - %s wrote %s (%s missing, %s duplicated, %s unexpected)" % (
                LABEL[s], fmt(t["records"]), fmt(t["missing"]), fmt(t["duplicates"]), fmt(t["unexpected"]))
            if s != c["reference"]:
                line += "; of %s also in %s' output, %s equal as JSON (numbers as doubles), %s byte-identical" % (
                    fmt(t["both"]), ref, fmt(t["equal"]), fmt(t["byte_identical"]))
            print(line + ".")
            for a, b in t["examples_unequal"]:
                print("    - unequal: %s `%s` / %s `%s`" % (ref, a, LABEL[s], b))
            for a, b in t["examples_bytes"]:
                print("    - bytes differ, e.g.: %s `%s` / %s `%s`" % (ref, a, LABEL[s], b))
            if t["missing"]:
                print("    - missing, e.g. %s" % t["examples_missing"])
    print()


def report_goals(g, systems, rates):
    print("### Goals (issue 18)")
    print()

    def ok(c):
        return "met" if c else "NOT met"
    d = {(j, s): drains(g, j, s) for j, _ in JOBS for s in systems}
    kx, sx = d.get(("strategy", "kpx")), d.get(("strategy", "ksx"))
    if kx and sx:
        r = sx["ms"] / kx["ms"]
        print("- strategy, exactly-once: kpipes drains at least 2x faster than Kafka Streams: %.2fx "
              "(median %s ms against %s ms), %s" % (r, fmt(kx["ms"]), fmt(sx["ms"]), ok(r >= 2)))
        if kx["broker_cpu"] is not None and sx["broker_cpu"] is not None:
            print("- strategy, exactly-once: the broker's CPU no higher than under Kafka Streams: "
                  "%.2f s against %.2f s, %s" % (kx["broker_cpu"], sx["broker_cpu"],
                                                ok(kx["broker_cpu"] <= sx["broker_cpu"])))
    k1 = d.get(("strategy", "kp"))
    if kx and k1 and kx["procs"].get("kout") and k1["procs"].get("kout"):
        r = kx["procs"]["kout"] / k1["procs"]["kout"]
        print("- strategy: kout's CPU under --eos within 1.5x of at-least-once: %.2fx (%.2f s against %.2f s), %s" % (
            r, kx["procs"]["kout"], k1["procs"]["kout"], ok(r <= 1.5)))
    if "kpx" in systems:
        t = g("lat_strategy_1000_kpx")
        if t and t.get("p99") is not None:
            print("- strategy, exactly-once: p99 latency at 1,000/s under 50 ms: %s ms, %s" % (
                fmt(t["p99"]), ok(t["p99"] < 50)))
    for j, _ in JOBS:
        for kp, others in (("kp", ("ks", "sp")), ("kpx", ("ksx",))):
            a = d.get((j, kp))
            for s in others:
                b = d.get((j, s))
                if not a or not b:
                    continue
                r = a["per_cpu"] / b["per_cpu"]
                done = a["complete"] and b["complete"]
                print("- %s: per CPU at least 10x %s: %.1fx (medians of %d and %d drains), %s" % (
                    j, LABEL[s], r, a["n"], b["n"], ok(r >= 10) if done else "NOT judged: a drain was incomplete"))
                ma, mb = g("mem_%s_%s" % (j, kp)), g("mem_%s_%s" % (j, s))
                if ma and mb:
                    r = mb["hwm_sum_mb"] / ma["hwm_sum_mb"]
                    print("- %s: memory at least 10x less than %s: %.1fx, %s" % (j, LABEL[s], r, ok(r >= 10)))
                worst = None
                for rate in rates:
                    la, lb = g("lat_%s_%s_%s" % (j, rate, kp)), g("lat_%s_%s_%s" % (j, rate, s))
                    if la and lb and la.get("p99") is not None and lb.get("p99") is not None:
                        r = lb["p99"] / max(la["p99"], 1)
                        worst = r if worst is None else min(worst, r)
                if worst is not None:
                    print("- %s: p99 latency at least 10x lower than %s at 1,000/s and 10,000/s: %.1fx at the worst rate, %s" % (
                        j, LABEL[s], worst, ok(worst >= 10)))
        c = g("cmp_%s" % j)
        if c:
            same = all(t["missing"] == 0 and t["duplicates"] == 0 and t["unexpected"] == 0
                       and t["equal"] == c["expected"] for t in c["systems"].values())
            print("- %s: identical results in every system: %s" % (j, "yes" if same else "NO (see above)"))


def main():
    cmds = {
        "cpu": cmd_cpu, "cpus": cmd_cpus, "stamp": cmd_stamp, "procmon": cmd_procmon, "count": cmd_count,
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
