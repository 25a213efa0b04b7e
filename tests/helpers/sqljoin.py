#!/usr/bin/env python3
"""The oracle for the join tests: the SQL interval join of two NDJSON files,
computed by SQLite.

    sqljoin.py [-k PATH] [-t inner|left|right|full] LEFT RIGHT WINDOW

Each line of LEFT and RIGHT is a JSON object with a unique "id" and an event
time "ts", an ISO 8601 string (as SQLite's julianday() reads it: 'Z' or a
'+HH:MM' offset, milliseconds) or a number of epoch milliseconds. WINDOW is
a duration as wjoin takes it: 1500ms, 30s, 5m, 2h, or a bare number of
seconds. Prints, sorted, one line "LEFT_ID RIGHT_ID" for each row of

    SELECT l.id, r.id FROM l [LEFT|RIGHT|FULL] JOIN r
        ON abs(l.ts - r.ts) <= WINDOW [AND l.key = r.key]

with "null" for the missing side of an outer row. -k PATH (.a.b) adds the
key equality; a missing or null key equals nothing, as NULL in SQL. Python
only loads the lines into SQLite and prints what SQLite returns; the times,
the window and the join are SQL. Exit 2 on a record without an id or a
readable time, or an id used twice on one side.
"""
import argparse
import re
import sqlite3
import sys

JOINS = {"inner": "JOIN", "left": "LEFT JOIN", "right": "RIGHT JOIN",
         "full": "FULL JOIN"}
UNITS = {"ms": 1, "s": 1000, "m": 60000, "h": 3600000}

# Event time in epoch milliseconds, for either form of "ts".
TS_MS = """CASE WHEN json_type(j, '$.ts') IN ('integer', 'real')
    THEN json_extract(j, '$.ts')
    ELSE CAST(round((julianday(json_extract(j, '$.ts')) - 2440587.5)
                    * 86400000.0) AS INTEGER) END"""


def window_ms(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)?", text)
    if not m:
        sys.exit("sqljoin: %s: not a duration" % text)
    return int(float(m.group(1)) * UNITS[m.group(2) or "s"])


def sql_path(path):
    if not re.fullmatch(r"(\.[A-Za-z_][A-Za-z0-9_]*)+", path):
        sys.exit("sqljoin: %s: the key must be a path like .a.b" % path)
    return "$" + path


def load(db, table, path, key):
    db.execute("CREATE TABLE raw_%s (j TEXT)" % table)
    with open(path, encoding="utf-8") as f:
        db.executemany("INSERT INTO raw_%s VALUES (?)" % table,
                       ((line,) for line in f if line.strip()))
    db.execute("""CREATE TABLE %s AS SELECT json_extract(j, '$.id') AS id,
        %s AS ts, %s AS k FROM raw_%s""" %
               (table, TS_MS, "json_extract(j, ?)" if key else "NULL", table),
               (key,) if key else ())
    bad = db.execute("SELECT count(*) FROM %s WHERE id IS NULL OR ts IS NULL"
                     % table).fetchone()[0]
    twice = db.execute("SELECT count(*) FROM (SELECT id FROM %s GROUP BY id "
                       "HAVING count(*) > 1)" % table).fetchone()[0]
    if bad or twice:
        print("sqljoin: %s: %d records without an id or a time, %d ids used "
              "more than once" % (path, bad, twice), file=sys.stderr)
        sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description="SQL interval join by SQLite")
    ap.add_argument("-k", "--key")
    ap.add_argument("-t", "--type", choices=JOINS, default="inner")
    ap.add_argument("left")
    ap.add_argument("right")
    ap.add_argument("window")
    a = ap.parse_args()
    key = sql_path(a.key) if a.key else None
    db = sqlite3.connect(":memory:")
    load(db, "l", a.left, key)
    load(db, "r", a.right, key)
    on = "abs(l.ts - r.ts) <= :w" + (" AND l.k = r.k" if key else "")
    rows = db.execute("""SELECT coalesce(l.id, 'null') || ' ' ||
        coalesce(r.id, 'null') FROM l %s r ON %s""" % (JOINS[a.type], on),
                      {"w": window_ms(a.window)})
    out = sorted(row[0] for row in rows)
    sys.stdout.write("".join(line + "\n" for line in out))


if __name__ == "__main__":
    main()
