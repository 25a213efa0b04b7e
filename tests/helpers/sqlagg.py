#!/usr/bin/env python3
"""The oracle for the wagg tests: windowed aggregation in SQL (SQLite).

    sqlagg.py [-k PATH] [-d DELAY] [--hop DUR | --session GAP] [--late FILE]
              FILE WINDOW

FILE holds NDJSON records in arrival order with an event time "ts" (epoch
ms or ISO 8601 with ms) and "value" and "c" members. A record is late if
its time is below the largest time before it minus DELAY (default 60s);
late records go to --late FILE, in order, and count in no window. Each
other record falls in the tumbling windows of WINDOW ([start, start +
WINDOW), starts multiples of WINDOW in epoch ms), the hopping windows
every --hop, or its key's session (a new session where the time is GAP
or more after the key's last). Prints one JSON object per window and key:

    window_start, window_end, key, count, count_value, sum_value,
    avg_value, min_value, max_value, first_value, last_value,
    count_distinct_c, p50_value, p90_value, p99_value

each computed by SQL: COUNT(*), COUNT, SUM, AVG, MIN, MAX over "value"
(NULL for null or missing), the value of the earliest and latest record
with one, COUNT(DISTINCT c), and the value of rank floor(q * (n - 1))
in ascending order (exact). Times are printed as epoch ms numbers.
Python only loads lines and prints what SQLite returns.
"""
import argparse
import json
import re
import sqlite3
import sys

UNITS = {"ms": 1, "s": 1000, "m": 60000, "h": 3600000}


def dur(s):
    m = re.fullmatch(r"(\d+)(ms|s|m|h)?", s)
    return int(m.group(1)) * UNITS[m.group(2) or "s"]


p = argparse.ArgumentParser()
p.add_argument("-k")
p.add_argument("-d", default="60s")
p.add_argument("--hop")
p.add_argument("--session")
p.add_argument("--late")
p.add_argument("file")
p.add_argument("window")
a = p.parse_args()

db = sqlite3.connect(":memory:")
db.execute("CREATE TABLE raw (seq INTEGER PRIMARY KEY, j TEXT)")
with open(a.file) as f:
    db.executemany("INSERT INTO raw (j) VALUES (?)",
                   ((line,) for line in f if line.strip()))
keyexpr = ("json_extract(j, '$%s')" % a.k) if a.k else "NULL"
db.executescript("""
CREATE TABLE r AS SELECT seq, j,
    CASE json_type(j, '$.ts') WHEN 'text' THEN
        CAST(round((julianday(json_extract(j, '$.ts')) - 2440587.5)
            * 86400000) AS INTEGER)
    ELSE json_extract(j, '$.ts') END AS t,
    %s AS k,
    json_extract(j, '$.value') AS v,
    json_extract(j, '$.c') AS c
FROM raw;
CREATE TABLE late AS SELECT seq FROM (
    SELECT seq, t, max(t) OVER (ORDER BY seq ROWS BETWEEN UNBOUNDED
        PRECEDING AND 1 PRECEDING) AS before FROM r)
    WHERE t < before - %d;
CREATE TABLE ok AS SELECT * FROM r WHERE seq NOT IN (SELECT seq FROM late);
""" % (keyexpr, dur(a.d)))
if a.late:
    with open(a.late, "w") as f:
        for (j,) in db.execute("SELECT j FROM r WHERE seq IN "
                               "(SELECT seq FROM late) ORDER BY seq"):
            f.write(j.rstrip("\n") + "\n")

w = dur(a.window) if a.window != "-" else 0
if a.session:
    gap = dur(a.session)
    db.executescript("""
    CREATE TABLE s AS SELECT *, sum(new) OVER (PARTITION BY k ORDER BY t)
        AS sid FROM (SELECT *, CASE WHEN t - lag(t) OVER (PARTITION BY k
        ORDER BY t) < %d THEN 0 ELSE 1 END AS new FROM ok);
    CREATE TABLE a AS SELECT s.*, b.ws, b.we FROM s JOIN (SELECT k AS bk,
        sid AS bsid, min(t) AS ws, max(t) + %d AS we FROM s GROUP BY k, sid)
        b ON b.bk IS s.k AND b.bsid = s.sid;
    """ % (gap, gap))
else:
    hop = dur(a.hop) if a.hop else w
    db.execute("CREATE TABLE n (i INTEGER)")
    db.executemany("INSERT INTO n VALUES (?)",
                   ((i,) for i in range((w + hop - 1) // hop)))
    db.execute("""CREATE TABLE a AS SELECT ok.*, (t / %d) * %d - i * %d
        AS ws, (t / %d) * %d - i * %d + %d AS we FROM ok, n
        WHERE t < (t / %d) * %d - i * %d + %d""" % (
        hop, hop, hop, hop, hop, hop, w, hop, hop, hop, w))

same = "b.ws = o.ws AND b.we = o.we AND b.k IS o.k"
db.execute("""CREATE TABLE rk AS SELECT ws, we, k, v, row_number() OVER
    (PARTITION BY ws, we, k ORDER BY v) - 1 AS rn, count(*) OVER
    (PARTITION BY ws, we, k) AS n FROM a WHERE v IS NOT NULL""")
quant = lambda q: """(SELECT v FROM rk b WHERE %s AND
    rn = CAST(%r * (n - 1) + 1e-9 AS INTEGER))""" % (same, q)
edge = lambda order: """(SELECT json_extract(j, '$.value') FROM a b
    WHERE %s AND v IS NOT NULL ORDER BY t %s LIMIT 1)""" % (same, order)
q = """SELECT json_object('window_start', ws, 'window_end', we, %s
    'count', count(*), 'count_value', count(v), 'sum_value', sum(v),
    'avg_value', avg(v), 'min_value', min(v), 'max_value', max(v),
    'first_value', %s, 'last_value', %s, 'count_distinct_c',
    count(DISTINCT c), 'p50_value', %s, 'p90_value', %s, 'p99_value', %s)
    FROM a o GROUP BY ws, we, k ORDER BY we, ws, k""" % (
    "'key', k," if a.k else "", edge("ASC"), edge("DESC"),
    quant(0.5), quant(0.9), quant(0.99))
for (row,) in db.execute(q):
    print(row)
