#!/usr/bin/env python3
"""Runs the examples of README.md and the man pages' EXAMPLES sections.

    examples.py [-l] [-v] DOCUMENT...

Sources: README.md's ```console and ```sh blocks, and in man/*.1 and man/*.7
the EXAMPLES section's .Bd -literal blocks and .Dl lines (roff escapes
turned back into what a reader types).

A block with "$ " prompts and printed output is a console transcript: each
command is run and what it prints (stdout and stderr) must match the
printed lines, both sides normalised (a run of digits is one placeholder, a
run of blanks one space, trailing blanks dropped), so that random values
and times do not matter but lines, keys, words and shapes do; a printed
line "..." matches any number of lines. A command's continuation lines are
those that bash needs to complete it.

Other examples (commands alone, live pipelines that never end) are run with
a short time limit and must not fail with a usage error (exit status 2), a
shell syntax error or an unknown command (127); a missing input file or
the time limit is fine.

Every README section (or man page) runs in one bash session, in order, with
job control (set -m), in one scratch directory per document, with PATH
holding the build (KPIPES_BIN, else build/san/bin, then bin/) and a fresh
embedded broker started as `kpipes broker` starts it (the tutorial's
topics) in KAFKA_BROKERS and KPIPES_RUN=SCRATCH/.run; the scratch
directory has a link bin -> the repository's bin, as if run from the
repository. Background jobs are stopped at the end of their section; at the
end of the document every process the examples started is stopped.

Escape hatches, each with a reason that is printed:
    <!-- examples: skip: REASON -->        right before a README block
    <!-- examples: run-only: REASON -->    run it, do not compare its output
    .\\" examples: skip: REASON             before a man page block (same for run-only)
Commands that install, build or need Docker (docker, docker-compose,
make, tests/install-deps.sh) are skipped, with that reason.

A sanitizer report in any output fails too.

Exit status: 0 every example works as printed, 1 one did not, 2 usage.
"""

import difflib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_TIMEOUT = float(os.environ.get("EXAMPLES_RUN_TIMEOUT", "5"))
TRANSCRIPT_TIMEOUT = float(os.environ.get("EXAMPLES_TIMEOUT", "90"))
MARK = "\x01KPEX"
MARK_RE = re.compile(r"\x01KPEX (BEGIN|END) (\d+)((?: -?\d+)*)\x01\n")

AUTO_SKIP = [
    (re.compile(r"(^|[\s;&|(])docker(-compose)?\s"), "needs Docker"),
    (re.compile(r"(^|[\s;&|(])make(\s|$)"), "builds or installs the project (make)"),
    (re.compile(r"install-deps\.sh"), "installs packages"),
]


class Block:
    def __init__(self, doc, line, section, lines, prompt, note):
        self.doc = doc
        self.line = line          # line number of the block's first line
        self.section = section
        self.lines = lines        # the example's text, one string a line
        self.prompt = prompt      # may hold "$ " prompts (console, .Bd)
        self.note = note          # (kind, reason) or None
        self.chapter = 0          # a README chapter (## heading) has a broker of its own

    def where(self):
        return "%s:%d" % (os.path.basename(self.doc), self.line)


class Command:
    def __init__(self, block, text, expected, compare, line):
        self.block = block
        self.text = text
        self.expected = expected  # printed lines, or None: no comparison
        self.compare = compare
        self.line = line
        self.skip = None

    def where(self):
        return "%s:%d" % (os.path.basename(self.block.doc), self.line)


# ------------------------------------------------------------ extraction --

NOTE_MD = re.compile(r"^\s*<!--\s*examples:\s*(skip|run-only):\s*(.*?)\s*-->\s*$")
NOTE_ROFF = re.compile(r'^\.\\"\s*examples:\s*(skip|run-only):\s*(.*?)\s*$')


def readme_blocks(path):
    blocks = []
    section = ""
    chapter = 0
    prev = ""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(#+)\s+(.*)", line)
        if m:
            section = m.group(2)
            if len(m.group(1)) <= 2:
                chapter += 1
        fence = re.match(r"^```(\S*)\s*$", line)
        if fence:
            lang = fence.group(1)
            start = i + 1
            j = start
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            body = lines[start:j]
            note = None
            n = NOTE_MD.match(prev)
            if n:
                note = (n.group(1), n.group(2))
            if lang in ("console", "sh"):
                blocks.append(Block(path, start + 1, section, body,
                                    lang == "console", note))
                blocks[-1].chapter = chapter
            prev = ""
            i = j + 1
            continue
        if line.strip():
            prev = line
        i += 1
    return blocks


ROFF_ESCAPES = [
    (r"\(dq", '"'), (r"\(aq", "'"), (r"\(ga", "`"), (r"\(ti", "~"),
    (r"\(ha", "^"), (r"\(rs", "\\"), (r"\&", ""), (r"\-", "-"),
    (r"\e", "\\"), (r"\\", "\\"),
]


def unroff(s):
    out = []
    i = 0
    while i < len(s):
        for esc, rep in ROFF_ESCAPES:
            if s.startswith(esc, i):
                out.append(rep)
                i += len(esc)
                break
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def man_blocks(path):
    blocks = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    section = os.path.basename(path)
    in_examples = False
    note = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(".Sh "):
            in_examples = line.split(None, 1)[1].strip() == "EXAMPLES"
            i += 1
            continue
        if not in_examples:
            i += 1
            continue
        n = NOTE_ROFF.match(line)
        if n:
            note = (n.group(1), n.group(2))
        elif line.startswith(".Bd") and "-literal" in line:
            start = i + 1
            j = start
            body = []
            while j < len(lines) and not lines[j].startswith(".Ed"):
                if not lines[j].startswith('.\\"'):
                    body.append(unroff(lines[j]))
                j += 1
            blocks.append(Block(path, start + 1, section, body, True, note))
            note = None
            i = j + 1
            continue
        elif line.startswith(".Dl "):
            blocks.append(Block(path, i + 1, section, [unroff(line[4:])], True, note))
            note = None
        i += 1
    return blocks


def bash_check(text):
    """None if TEXT is a complete command, "incomplete", or the syntax error."""
    if re.search(r"\\\s*$", text):
        return "incomplete"
    p = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
    if p.returncode == 0:
        return None
    if re.search(r"unexpected end of file|unexpected EOF", p.stderr):
        return "incomplete"
    return p.stderr.strip().replace("bash: line ", "line ")


def commands(block):
    """The block's commands, with their printed output when it is a transcript."""
    lines = block.lines
    prompt = block.prompt and any(l.startswith("$ ") for l in lines)
    cmds = []
    i = 0
    if not prompt:
        while i < len(lines):
            if not lines[i].strip() or lines[i].lstrip().startswith("#"):
                i += 1
                continue
            start = i
            text = lines[i]
            i += 1
            while bash_check(text) == "incomplete" and i < len(lines):
                text += "\n" + lines[i]
                i += 1
            cmds.append(Command(block, text, None, False, block.line + start))
        return cmds
    while i < len(lines):
        if not lines[i].startswith("$ "):
            if lines[i].strip():
                c = Command(block, lines[i], None, False, block.line + i)
                c.skip = "not a command: printed output before the first prompt"
                cmds.append(c)
            i += 1
            continue
        start = i
        text = lines[i][2:]
        i += 1
        while bash_check(text) == "incomplete" and i < len(lines) \
                and not lines[i].startswith("$ "):
            text += "\n" + lines[i]
            i += 1
        out = []
        while i < len(lines) and not lines[i].startswith("$ "):
            out.append(lines[i])
            i += 1
        while out and not out[-1].strip():
            out.pop()
        cmds.append(Command(block, text, out, True, block.line + start))
    # Commands shown without any output are commands to run, not a transcript.
    if not any(c.expected for c in cmds):
        for c in cmds:
            c.expected, c.compare = None, False
    return cmds


# ------------------------------------------------------------- comparison --

JOB_NOTICE = re.compile(r"^\[\d+\][+-]?\s+(Done|Terminated|Killed|Exit \d+|Stopped|Interrupt|Hangup)\b")


def normalise(line):
    line = re.sub(r"\d+(?:\.\d+)*", "0", line)
    line = re.sub(r"[ \t]+", " ", line)
    return line.rstrip()


def matches(expected, actual):
    """Whether the normalised lines match, "..." standing for any lines."""
    exp = [normalise(l) for l in expected]
    act = [normalise(l) for l in actual]
    memo = {}

    def m(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(exp):
            r = j == len(act)
        elif exp[i].strip() == "...":
            r = any(m(i + 1, k) for k in range(j, len(act) + 1))
        else:
            r = j < len(act) and exp[i] == act[j] and m(i + 1, j + 1)
        memo[(i, j)] = r
        return r

    return m(0, 0)


# ------------------------------------------------------------------ runs --

def proc_table():
    """pid -> (ppid, pgid, sid) of every process."""
    t = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rfind(")") + 2:].split()
        t[int(d)] = (int(rest[1]), int(rest[2]), int(rest[3]))
    return t


def descendants(pid, table):
    kids = {}
    for p, (pp, _, _) in table.items():
        kids.setdefault(pp, []).append(p)
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def stop_tagged(tag):
    """Stops every process the examples started (whatever their session)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = tagged(tag)
        for _ in range(30):
            if not pids:
                return
            if sig == signal.SIGKILL or _ == 0:
                kill_pids(pids, sig)
            time.sleep(0.1)
            pids = [p for p in pids if os.path.exists("/proc/%d" % p)]


def tagged(tag):
    """Processes whose environment holds the run's tag: those it started."""
    needle = ("KP_EXAMPLES_TAG=" + tag).encode()
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open("/proc/%s/environ" % d, "rb") as f:
                if needle in f.read().split(b"\0"):
                    pids.append(int(d))
        except OSError:
            pass
    return pids


def kill_pids(pids, sig):
    for p in pids:
        try:
            os.kill(p, sig)
        except OSError:
            pass


def stop_foreground(bash_pid, background):
    """Stops what the session runs in the foreground, not its background jobs:
    SIGTERM, and SIGKILL to those still there 3 s later."""
    table = proc_table()
    if bash_pid not in table:
        return
    _, bash_pgid, bash_sid = table[bash_pid]
    victims = []
    for p in descendants(bash_pid, table):
        _, pgid, sid = table.get(p, (0, 0, 0))
        if sid == bash_sid and pgid not in background:
            victims.append((p, table[p]))
    kill_pids([p for p, _ in victims], signal.SIGTERM)
    for _ in range(30):
        now = proc_table()
        left = [p for p, st in victims if now.get(p) == st]
        if not left:
            return
        time.sleep(0.1)
    kill_pids(left, signal.SIGKILL)


class Session:
    """One bash session running a list of commands, with markers between them."""

    def __init__(self, cmds, cwd, env):
        self.cmds = cmds
        self.cwd = cwd
        self.env = env

    def script(self):
        s = ["set -m", "exec </dev/null"]
        for i, c in enumerate(self.cmds):
            if c.skip:
                continue
            s.append("printf '%s BEGIN %d\\001\\n'" % (MARK, i))
            s.append(c.text)
            s.append('printf \'%s END %d %%s\\001\\n\' "${PIPESTATUS[*]}"' % (MARK, i))
            if re.search(r"(^|[^&])&\s*(#.*)?$", c.text):
                # A background job: remember its process group.
                s.append("printf '%s END %d %%s\\001\\n' \"$(ps -o pgid= -p $! | tr -d ' ')\"" % (MARK, i + 100000))
        return "\n".join(s) + "\n"

    def run(self):
        """Runs the commands; sets each one's output, status and timed_out."""
        path = os.path.join(self.cwd, ".examples-session.sh")
        with open(path, "w") as f:
            f.write(self.script())
        p = subprocess.Popen(["bash", "-c", "source " + path], cwd=self.cwd, env=self.env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True)
        buf = b""
        current = None
        deadline = None
        background = set()
        fd = p.stdout.fileno()
        outputs = {}
        for c in self.cmds:
            c.output, c.status, c.timed_out = [], None, False
        stopped_at = None
        while True:
            now = time.monotonic()
            wait = 0.2 if deadline is None else max(0.0, min(0.2, deadline - now))
            r, _, _ = select.select([fd], [], [], wait)
            if not r and p.poll() is not None:
                # Bash has ended; background jobs may still hold the pipe.
                break
            if r:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                buf += chunk
                text = buf.decode("utf-8", "replace")
                pos = 0
                for m in MARK_RE.finditer(text):
                    if current is not None:
                        outputs.setdefault(current, []).append(text[pos:m.start()])
                    kind, n = m.group(1), int(m.group(2))
                    pos = m.end()
                    if kind == "BEGIN":
                        current = n
                        c = self.cmds[n]
                        limit = TRANSCRIPT_TIMEOUT if c.compare and not is_background(c.text) else RUN_TIMEOUT
                        deadline = time.monotonic() + limit
                        stopped_at = None
                    elif n >= 100000:
                        if m.group(3).strip():
                            background.add(int(m.group(3)))
                    else:
                        self.cmds[n].status = [int(x) for x in m.group(3).split()]
                        current = None
                        deadline = None
                # Keep what may be the start of a marker for the next read.
                rest = text[pos:]
                cut = rest.rfind("\x01")
                if cut >= 0 and MARK_RE.match(rest[cut:]) is None and "\n" not in rest[cut:]:
                    keep = rest[cut:]
                    rest = rest[:cut]
                else:
                    keep = ""
                if current is not None:
                    outputs.setdefault(current, []).append(rest)
                buf = keep.encode("utf-8")
            if deadline is not None and time.monotonic() >= deadline:
                if stopped_at is None:
                    self.cmds[current].timed_out = True
                    stop_foreground(p.pid, background)
                    stopped_at = time.monotonic()
                    deadline = stopped_at + 10
                else:
                    # A shell loop that outlives its children: end the session.
                    self.cmds[current].status = None
                    os.killpg(p.pid, signal.SIGKILL)
                    deadline = None
        p.wait()
        for pg in background:
            try:
                os.killpg(pg, signal.SIGTERM)
            except OSError:
                pass
        # A stopped pipeline drains (strategy and wjoin read on for up to 2 s).
        for _ in range(50):
            if not any(p[1] in background for p in proc_table().values()):
                break
            time.sleep(0.1)
        else:
            for pg in background:
                try:
                    os.killpg(pg, signal.SIGKILL)
                except OSError:
                    pass
        for n, parts in outputs.items():
            lines = "".join(parts).split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            self.cmds[n].output = [l for l in lines if not JOB_NOTICE.match(l)]
        os.unlink(path)


def is_background(text):
    return re.search(r"(^|[^&])&\s*(#.*)?$", text) is not None


def judge(c):
    """None if the command did what its example says, else why not."""
    st = c.status
    if st is None:
        return "did not finish (the session was stopped)"
    out = "\n".join(c.output)
    if 127 in st:
        return "command not found (exit status 127)"
    if re.search(r"runtime error:|ERROR: AddressSanitizer", out):
        return "a sanitizer report"
    if c.compare:
        if c.timed_out:
            return "did not finish within %gs" % TRANSCRIPT_TIMEOUT
        if not matches(c.expected, c.output):
            return "output differs from the printed one"
        return None
    if c.timed_out:
        return None
    if 2 in st and "No such file or directory" not in out:
        return "exit status 2 (usage error), statuses %s" % " ".join(map(str, st))
    return None


def start_broker(env, log):
    p = subprocess.run(["kpipes", "broker"], env=env, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        log("examples: kpipes broker failed: %s" % p.stderr.strip())
        return None
    return p.stdout.strip().split("\n")[0]


def run_document(doc, verbose, log):
    blocks = readme_blocks(doc) if doc.endswith(".md") else man_blocks(doc)
    sessions = []
    for b in blocks:
        if not sessions or sessions[-1][0] != b.section:
            sessions.append((b.section, []))
        sessions[-1][1].append(b)
    scratch = tempfile.mkdtemp(prefix="kpipes-examples.")
    tag = uuid.uuid4().hex
    kbin = os.environ.get("KPIPES_BIN", os.path.join(ROOT, "build", "san", "bin"))
    env = dict(os.environ)
    env.update({
        "PATH": "%s:%s:%s" % (kbin, os.path.join(ROOT, "bin"), os.environ.get("PATH", "")),
        "KPIPES_BIN": kbin,
        "KPIPES_RUN": os.path.join(scratch, ".run"),
        "KP_EXAMPLES_TAG": tag,
        "HOME": os.environ.get("HOME", scratch),
        # LeakSanitizer on, as in tests/test_helper.bash (which sets both
        # in the suite): a leak makes a command exit 23.
        "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0"),
        "LSAN_OPTIONS": os.environ.get("LSAN_OPTIONS", "suppressions=%s:print_suppressions=0:exitcode=23"
                                       % os.path.join(ROOT, "tests", "lsan.supp")),
        "UBSAN_OPTIONS": os.environ.get("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1"),
        "LC_ALL": "C.UTF-8",
    })
    env.pop("KPIPES_PREFIX", None)
    os.symlink(os.path.join(ROOT, "bin"), os.path.join(scratch, "bin"))
    failed = ran = skipped = 0
    chapter = None
    try:
        for section, sblocks in sessions:
            if chapter is not None and sblocks[0].chapter != chapter:
                stop_tagged(tag)
            chapter = sblocks[0].chapter
            cmds = []
            for b in sblocks:
                bc = commands(b)
                for c in bc:
                    if b.note and b.note[0] == "skip":
                        c.skip = "skip: " + b.note[1]
                    elif b.note and b.note[0] == "run-only":
                        c.compare = False
                        c.runonly = b.note[1]
                    if not c.skip:
                        for rx, why in AUTO_SKIP:
                            if rx.search(c.text):
                                c.skip = "skip: " + why
                                break
                    if not c.skip:
                        err = bash_check(c.text)
                        if err:
                            c.skip = "FAIL: shell syntax error: %s" % err
                cmds.extend(bc)
            if all(c.skip for c in cmds):
                for c in cmds:
                    if report_skip(c, log, verbose):
                        failed += 1
                    else:
                        skipped += 1
                continue
            senv = dict(env)
            addr = start_broker(senv, log)
            if addr is None:
                return 1
            senv["KAFKA_BROKERS"] = addr
            Session(cmds, scratch, senv).run()
            for c in cmds:
                if c.skip:
                    if report_skip(c, log, verbose):
                        failed += 1
                    else:
                        skipped += 1
                    continue
                ran += 1
                why = judge(c)
                if why:
                    failed += 1
                report(c, log, verbose, why)
    finally:
        stop_tagged(tag)
        if os.environ.get("EXAMPLES_KEEP"):
            log("examples: kept %s" % scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    log("examples: %s: %d commands run, %d failed, %d skipped"
        % (os.path.relpath(doc, ROOT), ran, failed, skipped))
    return 1 if failed else 0


def report_skip(c, log, verbose):
    """Reports a command that was not run; true if that is a failure."""
    report(c, log, verbose)
    return c.skip.startswith("FAIL")


def report(c, log, verbose, why=None):
    first = c.text.split("\n")[0]
    if c.skip:
        kind = "FAIL" if c.skip.startswith("FAIL") else "skip"
        reason = c.skip.split(": ", 1)[1]
        log("%s %s: %s  (%s)" % (kind, c.where(), first, reason))
        return
    if why is None:
        if verbose:
            note = getattr(c, "runonly", None)
            extra = " (run only: %s)" % note if note else ""
            extra += " (stopped after %gs)" % RUN_TIMEOUT if c.timed_out else ""
            log("ok   %s: %s%s; exit statuses: %s" % (c.where(), first, extra,
                " ".join(map(str, c.status or []))))
            for l in c.output[-3:]:
                log("     | " + l)
        elif getattr(c, "runonly", None):
            log("ok   %s: %s  (run only: %s)" % (c.where(), first, c.runonly))
        return
    log("FAIL %s: %s" % (c.where(), c.text.replace("\n", "\n         ")))
    log("     %s; exit statuses: %s" % (why, " ".join(map(str, c.status or [])) or "-"))
    if c.compare and c.expected is not None:
        for l in difflib.unified_diff(c.expected, c.output, "printed", "actual", lineterm="", n=3):
            log("     " + l)
    else:
        for l in c.output[-20:]:
            log("     | " + l)


def main(argv):
    import getopt
    try:
        opts, args = getopt.getopt(argv, "lv", ["list", "verbose"])
    except getopt.GetoptError as e:
        print("examples.py: %s" % e, file=sys.stderr)
        print("usage: examples.py [-lv] document ...", file=sys.stderr)
        return 2
    listing = any(o in ("-l", "--list") for o, _ in opts)
    verbose = any(o in ("-v", "--verbose") for o, _ in opts)
    if not args:
        print("usage: examples.py [-lv] document ...", file=sys.stderr)
        return 2

    def log(s):
        print(s, flush=True)

    status = 0
    for doc in args:
        if not os.path.exists(doc):
            print("examples.py: %s: no such file" % doc, file=sys.stderr)
            return 2
        if listing:
            blocks = readme_blocks(doc) if doc.endswith(".md") else man_blocks(doc)
            for b in blocks:
                for c in commands(b):
                    kind = "transcript" if c.compare else "run"
                    if b.note:
                        kind += " [%s: %s]" % b.note
                    log("%s [%s] %s: %s" % (c.where(), b.section, kind, c.text.replace("\n", "\\n")))
                    if c.compare:
                        for l in c.expected:
                            log("    | " + l)
            continue
        status = max(status, run_document(os.path.abspath(doc), verbose, log))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
