#!/usr/bin/env python3
"""test_standby.py - `gimark serve --db-read` against a real streaming standby.

The standby is made of the test cluster (GIMARK_TEST_PG) by
`sh tests/pg-cluster.sh standby` (pg_basebackup -R, its own port) and stopped
at the end, on failure too. Where a lookup ran is read from the standby's own
pg_stat_activity: a gimark backend there whose last statement is the label
lookup, started after the request was sent. What must hold:
  - a label issued before the server started verifies, looked up on the standby;
  - with replay paused on the standby, a label voided on the primary reads
    VOID within the bound (a second, db/pg.c) although the standby still has
    it unvoided, and from a second after the void every answer does (whichever
    worker thread answers); a batch issued then verifies (the standby lacks
    it: the primary answers); meanwhile no lookup runs on the standby;
  - replay resumed, the standby catches up and takes the lookups again;
  - the standby stopped while the server runs: every verification is answered
    (no 5xx) from the primary; started again, it takes the lookups again;
  - a --db-read that is a file is refused at start.

On SQLite it says it is skipped.

Run from the repository root: python3 tests/integration/test_standby.py
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOUND = 1.0  # seconds: a standby's answers are at most this old (REPLICA_STALE_MS)
LOOKUP = "FROM label l LEFT JOIN label_void"  # the label lookup's text (db/labels.c)


def cluster(*args):
    p = subprocess.run(["sh", os.path.join(ROOT, "tests", "pg-cluster.sh")] + list(args),
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("pg-cluster.sh %s: %s" % (" ".join(args), p.stderr.strip()))
    return p.stdout.strip()


def sql(uri, query):
    """One query on its own connection (the standby goes down and up)."""
    p = subprocess.run([g.PSQL, "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1",
                        "-d", uri, "-c", query], capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        raise RuntimeError("psql %s: %s" % (query, p.stderr.strip()))
    return p.stdout.strip()


def as_user(uri, user, db):
    """uri with its user and database replaced."""
    u = urllib.parse.urlsplit(uri)
    return urllib.parse.urlunsplit((u.scheme, "%s@%s:%d" % (user, u.hostname, u.port),
                                    "/" + db, u.query, u.fragment))


def primary_dir():
    """The directory tests/pg-cluster.sh made for the cluster of GIMARK_TEST_PG, or None."""
    data = sql(as_user(g.PG, "postgres", "postgres"), "SHOW data_directory")
    d = os.path.dirname(data)
    return d if os.path.basename(data) == "data" and os.path.isfile(
        os.path.join(d, ".pg-cluster")) else None


def until(cond, timeout, what):
    """Polls cond() until it is true; raises when timeout seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise RuntimeError("timed out after %.0f s waiting until %s" % (timeout, what))
        time.sleep(0.02)


def verdict(s, code):
    status, _, raw = s.request("GET", "/api/v1/verify/" + code)
    v = json.loads(raw)["verdict"] if status == 200 else "HTTP %d" % status
    return "GENUINE" if v == "GENUINE_REPEATED" else v


class Standby:
    def __init__(self, primary, w):
        self.dir = tempfile.mkdtemp(prefix="gimark-sb-")
        self.w = w
        base = cluster("standby", primary, self.dir)
        self.uri = as_user(base, "gimark", w.pg_name)          # what gimark reads
        self.admin = as_user(base, "postgres", w.pg_name)      # pause, statistics
        self.primary = as_user(g.PG, "gimark", w.pg_name)

    def stop(self):
        cluster("stop", self.dir)

    def caught_up(self):
        """Polls until the standby has replayed all the primary has written now."""
        lsn = sql(self.primary, "SELECT pg_current_wal_insert_lsn()")
        until(lambda: sql(self.admin, "SELECT pg_last_wal_replay_lsn() >= '%s'" % lsn) == "t",
              10, "the standby replays %s" % lsn)

    def now(self):
        return sql(self.admin, "SELECT clock_timestamp()")

    def lookups_since(self, at):
        """gimark backends on the standby whose last statement is a label
        lookup that started at or after `at` (the standby's clock)."""
        return int(sql(self.admin,
                       "SELECT count(*) FROM pg_stat_activity WHERE usename = 'gimark' "
                       "AND datname = current_database() AND query LIKE '%%%s%%' "
                       "AND query_start >= '%s'" % (LOOKUP, at)))

    def has(self, code):
        return sql(self.admin, "SELECT count(*) FROM label WHERE code = '%s'" % code) == "1"

    def voided(self, code):
        return sql(self.admin, "SELECT count(*) FROM label_void WHERE code = '%s'" % code) == "1"


def looked_up_on_standby(sb, server, code, want, timeout):
    """Verifies code until it reads want and a lookup started on the standby
    since this call; True when both happened before timeout seconds."""
    at = sb.now()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if verdict(server, code) == want and sb.lookups_since(at) > 0:
            return True
        time.sleep(0.05)
    return False


def served(t, w, sb, s, old):
    # (the server's start wrote to the primary: the standby may take a moment)
    t.check(looked_up_on_standby(sb, s, old[0], "GENUINE", 5),
            "a label issued before verifies, looked up on the standby (its "
            "pg_stat_activity)", verdict(s, old[0]))

    # replay paused: the standby stays where it is, the primary goes on
    sql(sb.admin, "SELECT pg_wal_replay_pause()")
    until(lambda: sql(sb.admin, "SELECT pg_get_wal_replay_pause_state()") == "paused", 10,
          "replay is paused")
    w.gimark("batch", "void", 1, old[1], "--reason", "roll reported stolen")
    voided_at = time.monotonic()
    seen = []
    while time.monotonic() < voided_at + BOUND + 4:  # poll: VOID, or give up
        seen.append(verdict(s, old[1]))
        if seen[-1] == "VOID":
            break
        time.sleep(0.02)
    took = time.monotonic() - voided_at
    t.check(not sb.voided(old[1]) and sb.has(old[1]),
            "the standby still has the voided label unvoided", old[1])
    t.check(seen[-1] == "VOID" and took <= BOUND + 1.0,
            "a label voided on the primary reads VOID within the bound, the standby "
            "behind (%s after %.2f s)" % (seen[-1], took))
    t.check(set(seen) <= {"GENUINE", "VOID"}, "... every answer meanwhile 200", set(seen))
    print("standby: the void read VOID after %.2f s (%d answers GENUINE before it)"
          % (took, seen.count("GENUINE")))
    # each worker thread keeps its own view of the primary's position: the bound
    # holds for all of them, so from a second after the void every answer reads it
    # (this waits for the bound to pass: the time is what is tested, not a race)
    time.sleep(max(0.0, voided_at + BOUND + 0.1 - time.monotonic()))
    after = [verdict(s, old[1]) for _ in range(20)]
    t.check(after == ["VOID"] * 20, "a second after the void, every answer reads VOID",
            sorted(set(after)))
    _, new = w.batch(1, 2)
    t.check(not sb.has(new[0]), "replay paused: the standby lacks a batch issued now")
    t.check(verdict(s, new[0]) == "GENUINE", "... which verifies (the primary answers)",
            verdict(s, new[0]))
    at = sb.now()
    answers = [verdict(s, c) for c in (old[0], old[1], new[0], new[1])]
    t.check(answers == ["GENUINE", "VOID", "GENUINE", "GENUINE"],
            "the standby behind: every verdict is the primary's", answers)
    t.check(sb.lookups_since(at) == 0, "... and no lookup runs on the standby",
            sb.lookups_since(at))

    # replay resumed: it catches up and takes the lookups again
    sql(sb.admin, "SELECT pg_wal_replay_resume()")
    sb.caught_up()
    t.check(sb.voided(old[1]) and sb.has(new[0]), "resumed, the standby caught up")
    t.check(looked_up_on_standby(sb, s, new[0], "GENUINE", 5),
            "caught up, the standby takes the lookups again")
    t.check(verdict(s, old[1]) == "VOID", "the void reads VOID on it too")

    # the standby stopped while the server runs
    cluster("down", sb.dir)
    answers = [verdict(s, c) for c in (old[0], old[1], new[0], new[1]) * 5]
    t.check(answers == ["GENUINE", "VOID", "GENUINE", "GENUINE"] * 5,
            "the standby down: verifications go on from the primary (no 5xx)",
            sorted(set(answers)))
    _, later = w.batch(1, 1)
    t.check(verdict(s, later[0]) == "GENUINE", "... a batch issued meanwhile verifies")
    cluster("up", sb.dir)
    t.check(looked_up_on_standby(sb, s, later[0], "GENUINE", 10),
            "the standby back: it catches up and takes the lookups again")
    t.check(s.alive(), "the server ran throughout")


def test(t, w, sb):
    _, old = w.batch(1, 3)  # before the server: on both once replayed
    sb.caught_up()
    t.check(sb.has(old[0]), "the standby has a label issued before")
    s = g.Server(w, "--db-read", sb.uri).start()
    try:
        served(t, w, sb, s, old)
    finally:
        rc = s.stop()
    t.check(rc == 0, "the server stops cleanly (exit status 0)",
            "%s: %s" % (rc, s.stderr()[-300:]))

    bad = g.Server(w, "--db-read", os.path.join(w.dir, "x.db"))
    try:
        bad.start()
        bad.stop()
        t.check(False, "a --db-read that is a file is refused")
    except RuntimeError as e:
        t.check("standby" in str(e), "a --db-read that is a file is refused", str(e)[-200:])


def main():
    t = g.Tally("standby")
    if g.engine() != "postgresql":
        print("standby: skipped on sqlite: a streaming standby is PostgreSQL's")
        t.finish()
        return
    primary = primary_dir()
    if not primary:
        print("standby: skipped on postgresql: the cluster of GIMARK_TEST_PG was not made by "
              "tests/pg-cluster.sh start (no directory of its to make a standby of)")
        t.finish()
        return
    w = g.Workdir()
    sb = None
    try:
        w.gimark("init")
        w.gimark("demo")
        sb = Standby(primary, w)
        test(t, w, sb)
    finally:
        if sb:
            sb.stop()
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
