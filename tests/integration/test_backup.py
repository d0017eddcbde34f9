#!/usr/bin/env python3
"""test_backup.py - `gimark backup` under write load.

The real server answers verify requests (each one a scan it records) on
several threads while a loop of CLI processes requests, approves and issues
batches, and `gimark backup` copies the database several times meanwhile.
Each copy must pass SQLite's integrity check and `gimark audit verify`, hold
every issued batch whole (as many labels as the batch counts, and the audit
row of its issue) and no scan that the live database does not hold. Between
two backups the loop issues at least one more batch, so the copies are taken
at different points of the load: waits are on events with a time limit, never
on a fixed sleep.

Run from the repository root: python3 tests/integration/test_backup.py
"""

import http.client
import json
import os
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gimark_test import GIMARK, REVIEWER, Server, Tally, Workdir  # noqa: E402

T = Tally("backup")
VERIFY_THREADS = 4
BACKUPS = 6
BATCH = 2000  # labels a batch: an issue is one transaction of this many rows
WAIT = 20  # seconds any wait may take before the test gives up on it


class Load:
    """Verify requests on several threads and a loop issuing batches."""

    def __init__(self, w, srv, codes):
        self.w, self.srv, self.codes = w, srv, codes
        self.stop = threading.Event()
        self.lock = threading.Condition()
        self.issued = []  # ids of batches issued
        self.answered = 0
        self.errors = []
        self.slowest = 0.0
        self.threads = [threading.Thread(target=self.verify, args=(k,))
                        for k in range(VERIFY_THREADS)]
        self.threads.append(threading.Thread(target=self.issue))

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=WAIT)

    def verify(self, k):
        c = self.srv.conn(timeout=WAIT)
        i = k
        while not self.stop.is_set():
            code = self.codes[i % len(self.codes)]
            i += VERIFY_THREADS
            t0 = time.monotonic()
            try:
                c.request("GET", "/api/v1/verify/%s" % code)
                r = c.getresponse()
                body = r.read()
                ok = r.status == 200 and json.loads(body)["verdict"].startswith("GENUINE")
            except (OSError, http.client.HTTPException, ValueError, KeyError) as e:
                ok = False
                body = repr(e)
                c.close()
                c = self.srv.conn(timeout=WAIT)
            took = time.monotonic() - t0
            with self.lock:
                self.answered += ok
                self.slowest = max(self.slowest, took)
                if not ok:
                    self.errors.append(body[:200])
        c.close()

    def issue(self):
        while not self.stop.is_set():
            try:
                b = self.w.json("batch", "request", "--auth", 1, "--count", BATCH, "--lot", "LOAD")
                self.w.gimark("batch", "approve", b["id"], "--actor", REVIEWER)
                self.w.gimark("batch", "issue", b["id"])
            except RuntimeError as e:
                with self.lock:
                    self.errors.append(str(e)[:200])
                    self.lock.notify_all()
                return
            with self.lock:
                self.issued.append(b["id"])
                self.lock.notify_all()

    def wait_issued(self, n):
        """Waits until n batches are issued; False when that takes too long."""
        with self.lock:
            return self.lock.wait_for(lambda: len(self.issued) >= n or self.errors, timeout=WAIT) \
                and len(self.issued) >= n


def backup(w, out):
    """Runs gimark backup; returns (its JSON report, seconds)."""
    t0 = time.monotonic()
    p = subprocess.run([GIMARK, "--db", w.db, "--json", "backup", "--out", out],
                       capture_output=True, text=True)
    took = time.monotonic() - t0
    if not T.check(p.returncode == 0, "backup %s exits 0" % out, p.stderr):
        return None, took
    return json.loads(p.stdout), took


def sql(path, query, scans=None):
    """One query on a copy, with its scans file attached as `scans` when given."""
    script = ("ATTACH '%s' AS scans;\n" % scans if scans else "") + query
    return subprocess.run(["sqlite3", path], input=script, capture_output=True, text=True,
                          check=True).stdout.strip()


def check_copy(w, path, rep):
    """Checks one copy; returns (labels, scans, issued batches) in it."""
    scans = path[:-3] + "-scans.db"
    T.check(sql(path, "PRAGMA integrity_check") == "ok", "%s: integrity check" % path)
    T.check(sql(scans, "PRAGMA integrity_check") == "ok", "%s: integrity check" % scans)
    issued = int(sql(path, "SELECT count(*) FROM batch WHERE status IN ('issued', 'activated')"))
    partial = sql(path, "SELECT b.id, b.status, b.count, (SELECT count(*) FROM label l "
                  "WHERE l.batch_id = b.id) AS n FROM batch b WHERE n <> "
                  "(CASE WHEN b.status IN ('issued', 'activated') THEN b.count ELSE 0 END)")
    T.check(partial == "", "%s: every batch is whole (labels = count when issued, else none)"
            % path, partial)
    issues = int(sql(path, "SELECT count(*) FROM audit_log WHERE action = 'batch.issue'"))
    T.check(issues == issued, "%s: one audit row per issued batch" % path,
            "%d rows, %d batches" % (issues, issued))
    orphans = sql(path, "SELECT count(*) FROM scans.scan WHERE code IS NOT NULL AND "
                  "code NOT IN (SELECT code FROM label)", scans=scans)
    T.check(orphans == "0", "%s: every scan names a label of the copy" % path, orphans)
    labels = int(sql(path, "SELECT count(*) FROM label"))
    nscans = int(sql(scans, "SELECT count(*) FROM scan"))
    T.check(rep["labels"] == labels and rep["scans"] == nscans and rep["integrity"] == "ok",
            "%s: backup reports what the copy holds" % path, rep)
    # last: gimark opening the copy is a use of it
    p = subprocess.run([GIMARK, "--db", path, "audit", "verify"], capture_output=True, text=True)
    T.check(p.returncode == 0 and "intact" in p.stdout, "%s: audit verify" % path, p.stderr)
    return labels, nscans, issued


def main():
    w = Workdir()
    srv = None
    load = None
    try:
        w.gimark("init")
        w.gimark("demo")
        _, codes = w.batch(1, 50)
        srv = Server(w).start()
        load = Load(w, srv, codes).start()
        copies = []
        T.check(load.wait_issued(1), "the load issues a first batch", load.errors)
        t_start = time.monotonic()
        for k in range(BACKUPS):
            out = os.path.join(w.dir, "copy%d.db" % k)
            rep, took = backup(w, out)
            if rep:
                copies.append((out, rep, took))
            # the next copy is taken after at least one more batch
            T.check(load.wait_issued(len(load.issued) + 1), "the load goes on", load.errors)
        load_seconds = time.monotonic() - t_start
        load.finish()
        T.check(srv.stop() == 0, "server stops cleanly")
        srv = None
        live_scans = int(w.scans_sql("SELECT count(*) FROM scan"))
        live_labels = int(w.sql("SELECT count(*) FROM label"))
        T.check(not load.errors, "no verify request or CLI command failed", load.errors[:3])

        seen = []
        for out, rep, took in copies:
            labels, nscans, issued = check_copy(w, out, rep)
            T.check(nscans <= live_scans, "%s: scans in the copy <= live scans after" % out,
                    "%d > %d" % (nscans, live_scans))
            seen.append((labels, nscans, issued, took))
        T.check(len(seen) == BACKUPS, "%d backups taken" % BACKUPS, len(seen))
        grew = all(b[0] > a[0] for a, b in zip(seen, seen[1:]))
        T.check(grew, "each copy holds more labels than the one before (taken under load)",
                [s[0] for s in seen])
        T.check(seen and seen[-1][1] > seen[0][1], "scans were recorded between the copies",
                [s[1] for s in seen])

        print("backups taken under load: %d in %.1f s; %d verify requests answered "
              "(slowest %.0f ms), %d batches of %d labels issued"
              % (len(seen), load_seconds, load.answered, load.slowest * 1000,
                 len(load.issued), BATCH))
        for i, (labels, nscans, issued, took) in enumerate(seen):
            print("  copy %d: %6d labels (%d batches issued), %6d scans, %.2f s"
                  % (i, labels, issued, nscans, took))
        print("  live after: %d labels, %d scans" % (live_labels, live_scans))
    finally:
        if load:
            load.finish()
        if srv:
            srv.stop()
        w.cleanup()
    T.finish()


if __name__ == "__main__":
    main()
