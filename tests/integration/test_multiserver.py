#!/usr/bin/env python3
"""test_multiserver.py - two servers on one PostgreSQL database, one killed.

Two `gimark serve` processes share one database (GIMARK_TEST_PG: see
gimark_test.py). What must hold:
  - a session signed in through one server works on the other;
  - a batch requested through one, approved and issued through the other, is
    found at once by both (not UNKNOWN), and once activated is GENUINE on both;
  - under mixed load - consumers scanning through both servers, and the
    cooperative asking both at once for batches of 10 against a quota of 60 -
    server B is SIGKILLed midway and A goes on;
  - then every database connection of A is cut, and A goes on (new ones);
  - afterwards: exactly 6 batches were accepted (the quota is exact across
    servers) and each one answered 201 is stored; every scan A answered and
    every scan B reported stored before its death is a row, no code has more
    rows than requests sent for it (nothing stored twice), each code's total
    equals its rows, and the audit chain verifies whole;
  - with --count-reload 1 and a repeat threshold of 2, on two more servers: a
    code's first scan on one counts the client the other stored, and a server
    holding the code takes in the other's client within seconds while a
    client hammers the code through it, so the third distinct client draws
    the warning; every scan answered is stored once. (A scan always pending
    at a reload, which a faster hammer would cause, is test_scan's.)

On SQLite (one server per database file) it says it is skipped.

Run from the repository root: python3 tests/integration/test_multiserver.py
"""

import collections
import json
import os
import re
import signal
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402
from test_pages import Browser  # noqa: E402

OPERATOR_A = "93451003MA815908XM"  # operator 1, Tianyang (451003)
QUOTA, EACH = 60, 10
DEADLINE = 60  # seconds any phase may take before the test gives up


def call(s, method, path, token, body=None):
    return g.api_call(s, method, path, token, body)[:2]


def verdict(s, code):
    status, _, raw = s.request("GET", "/api/v1/verify/" + code)
    return json.loads(raw)["verdict"] if status == 200 else "HTTP %d" % status


def committed(s):
    """gimark_scans_committed_total: the scans this server has stored."""
    st, _, body = s.get("/metrics")
    m = re.search(rb"^gimark_scans_committed_total (\d+)$", body, re.M)
    return int(m.group(1)) if st == 200 and m else -1


def seed(w):
    w.gimark("init")
    w.gimark("demo")
    tokens = {
        "coop": g.add_user(w, "coop", "operator", operator=OPERATOR_A),
        "reg": g.add_user(w, "reg", "regulator", scope="45"),
    }
    p = w.json("product", "add", "--name-zh", "田阳香芒（配额）", "--region", "451003",
               "--reg-number", "CNIPA Announcement No. 475")
    a = w.json("auth", "grant", "--operator", OPERATOR_A, "--product", p["id"], "--quota", QUOTA)
    w.gimark("auth", "approve", a["id"], "--doc", "CNIPA Announcement No. 475")
    _, codes = w.batch(1, 40)
    return tokens, a["id"], codes


def test_sessions(t, a, b):
    ba = Browser(a)
    status, _, _, _ = ba.sign_in("coop")
    t.check(status == 303, "signs in through server A", status)
    bb = Browser(b)
    bb.cookies = dict(ba.cookies)
    status, _, html, _ = bb.get("/coop/")
    t.check(status == 200 and "csrf" in html, "the session works on server B", status)
    ba.post("/logout", {"csrf": ba.csrf(ba.get("/coop/")[2])})
    status, _, _, _ = bb.get("/coop/")
    t.check(status == 303, "signed out through A, the session is gone on B too", status)


def test_issue_across(t, a, b, tokens):
    status, doc = call(a, "POST", "batches", tokens["coop"],
                       {"auth_id": 1, "count": 3, "lot_number": "ACROSS-1"})
    t.check(status == 201, "batch requested through A", status)
    bid = doc["id"]
    status, _ = call(b, "POST", "batches/%d/approve" % bid, tokens["reg"], {"note": "ok"})
    t.check(status == 200, "approved through B", status)
    status, _ = call(a, "POST", "batches/%d/issue" % bid, tokens["reg"])
    t.check(status == 200, "issued through A", status)
    status, _, body = b.request("GET", "/api/v1/batches/%d/labels?format=csv" % bid,
                                headers={"Authorization": "Bearer " + tokens["coop"]})
    codes = [r.split(",")[0].replace("-", "") for r in body.decode().splitlines()[1:]]
    t.check(status == 200 and len(codes) == 3, "its labels listed by B", status)
    t.check(all(verdict(b, c) == "NOT_ACTIVATED" for c in codes),
            "B knows the labels A issued at once (not yet activated)")
    status, _ = call(b, "POST", "batches/%d/activate" % bid, tokens["coop"], {})
    t.check(status == 200, "activated through B", status)
    t.check(all(verdict(a, c) == "GENUINE" and verdict(b, c) == "GENUINE" for c in codes),
            "genuine on both servers")
    return len(codes)  # the scans made through A


class Load:
    """Consumers scanning through both servers, and batch requests racing."""

    def __init__(self, servers, codes, tokens, auth):
        self.servers = servers  # name -> Server; B leaves when killed
        self.codes = codes
        self.tokens = tokens
        self.auth = auth
        self.lock = threading.Lock()
        self.sent = collections.Counter()  # code -> requests sent
        self.answered = collections.Counter()  # server name -> scans answered 200
        self.after_kill = 0
        self.errors = []
        self.batches = []  # (server, status, id)
        self.stop = threading.Event()
        self.killed = threading.Event()

    def scanner(self, k):
        i = k
        while not self.stop.is_set():
            name = "a" if self.killed.is_set() or i % 2 else "b"
            code = self.codes[i % len(self.codes)]
            i += 1
            with self.lock:
                self.sent[code] += 1
            try:
                status, _, _ = self.servers[name].request("GET", "/V/" + code)
            except OSError:
                status = None
            with self.lock:
                if status == 200:
                    self.answered[name] += 1
                    self.after_kill += self.killed.is_set() and name == "a"
                elif name == "a" or not self.killed.is_set():
                    self.errors.append((name, status))

    def requester(self, name):
        while not self.stop.is_set():
            try:
                status, doc = call(self.servers[name], "POST", "batches", self.tokens["coop"],
                                   {"auth_id": self.auth, "count": EACH, "lot_number": "RACE"})
            except OSError:
                return  # the server is gone
            with self.lock:
                self.batches.append((name, status, doc.get("id") if status == 201 else None))
            if status != 201:
                return  # over quota (or B killed): this racer is done


def wait_until(what, cond):
    end = time.monotonic() + DEADLINE
    while not cond():
        if time.monotonic() > end:
            raise RuntimeError("gave up waiting for " + what)
        time.sleep(0.01)


def test_load_and_kill(t, w, a, b, tokens, auth, codes, scanned_a):
    load = Load({"a": a, "b": b}, codes, tokens, auth)
    threads = [threading.Thread(target=load.scanner, args=(k,)) for k in range(4)]
    racers = [threading.Thread(target=load.requester, args=(n,)) for n in ("a", "b") * 4]
    threads += racers
    for th in threads:
        th.start()
    try:
        wait_until("500 scans through B", lambda: load.answered["b"] >= 500)
        stored_b = committed(b)
        load.killed.set()  # from now on a request to B may fail: it is being killed
        b.stop(signal.SIGKILL)
        wait_until("500 more scans through A", lambda: load.after_kill >= 500)
        # every connection of A cut under load (a database restart, a network
        # blip): lookups and the scan writer go on, on new ones
        wait_until("the batch requests to end", lambda: not any(r.is_alive() for r in racers))
        cut = w.sql("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                    "where datname = current_database() and pid <> pg_backend_pid() "
                    "and usename = current_user and backend_type = 'client backend'")
        t.check(int(cut) >= 2, "server A's connections cut", cut)
        wait_until("500 more scans through A after the cut",
                   lambda: load.after_kill >= 1000)
    finally:
        load.stop.set()
        for th in threads:
            th.join()
    t.check(a.alive(), "server A went on after B was killed")
    t.check(not load.errors, "no request to A failed (its connections cut included), none to B "
            "before its end", load.errors[:5])
    t.check(a.stop() == 0, "server A stops cleanly (its queue stored)")

    accepted = [bid for _, status, bid in load.batches if status == 201]
    t.check(len(accepted) == QUOTA // EACH,
            "exactly %d batches of %d fit the quota of %d, asked of both servers at once"
            % (QUOTA // EACH, EACH, QUOTA), load.batches)
    stored = w.sql("select id from batch where auth_id = %d and status <> 'rejected' "
                   "order by id" % auth).split()
    t.check(sorted(map(int, stored)) == sorted(accepted), "every batch answered 201 is stored",
            (stored, accepted))
    t.check(int(w.sql("select coalesce(sum(count), 0) from batch where auth_id = %d" % auth))
            <= QUOTA, "the quota is never exceeded")

    rows = dict((r.split("|")[0], int(r.split("|")[1])) for r in w.scans_sql(
        "select code, count(*) from scan where code is not null group by code").split())
    total = sum(rows.values())
    at_least = load.answered["a"] + scanned_a + stored_b
    t.check(total >= at_least,
            "every scan A answered (across the cut) and B reported stored is a row "
            "(%d >= %d + %d + %d)"
            % (total, load.answered["a"], scanned_a, stored_b))
    doubled = [c for c in set(codes) if rows.get(c, 0) > load.sent[c]]
    t.check(not doubled, "no code has more rows than requests sent for it", doubled[:5])
    mismatched = w.scans_sql(
        "select count(*) from scan_total t where t.count <> "
        "(select count(*) from scan s where s.code = t.code)")
    t.check(mismatched == "0", "every code's total equals its rows", mismatched)
    out = w.gimark("audit", "verify")
    t.check("intact" in out, "the audit chain verifies whole", out.strip())
    print("multiserver: %d scans through A (%d after B died), %d through B (%d stored by it), "
          "%d rows; batches %s" % (load.answered["a"], load.after_kill, load.answered["b"],
                                   stored_b, total,
                                   collections.Counter(s for _, s, _ in load.batches)))


class Hammer:
    """One client scanning one code through one server as fast as it can."""

    def __init__(self, server, code, client):
        self.server, self.code, self.client = server, code, client
        self.answered = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        conn = self.server.conn()
        while not self.stop.is_set():
            if g.verification_as(self.server, self.code, self.client, conn).get("verdict"):
                self.answered += 1


def test_count_across(t, w):
    """Two more servers, each reloading a held code's tally after a second."""
    _, (code,) = w.batch(1, 1)
    opts = ("--base-url", "https://gi.example.cn", "--trusted-proxy", "127.0.0.1",
            "--repeat-threshold", 2, "--count-reload", 1)
    c = g.Server(w, *opts).start()
    d = g.Server(w, *opts).start()
    hammer = Hammer(c, code, "198.51.100.1")
    answered, polls = 0, []
    try:
        doc = g.verification_as(c, code, "198.51.100.1")
        answered += 1
        t.check(doc.get("clients") == 1, "count: a first client through C", doc)
        wait_until("C to store its scan", lambda: committed(c) >= 1)
        doc = g.verification_as(d, code, "198.51.100.2")
        answered += 1
        t.check(doc.get("clients") == 2 and doc.get("scans") == 2
                and doc.get("verdict") == "GENUINE",
                "count: D's first scan of the code counts the client C stored", doc)
        wait_until("D to store its scan", lambda: committed(d) >= 1)
        hammer.thread.start()
        wait_until("the hammer to be under way", lambda: hammer.answered >= 50)

        def third():
            polls.append(g.verification_as(c, code, "198.51.100.3"))
            return polls[-1]
        doc = g.soon(third, lambda x: x.get("clients") == 3, 10)
        answered += len(polls)
        t.check(doc.get("clients") == 3 and doc.get("verdict") == "GENUINE_REPEATED",
                "count: C, holding the code and hammered by a client, takes in D's client "
                "and warns the third (%d polls)" % len(polls), doc)
    finally:
        hammer.stop.set()
        if hammer.thread.is_alive():
            hammer.thread.join()
        stopped = (c.stop(), d.stop())
    t.check(stopped == (0, 0), "count: both servers stop cleanly (their queues stored)", stopped)
    answered += hammer.answered
    rows = int(w.scans_sql("select count(*) from scan where code = '%s'" % code))
    total = int(w.scans_sql("select count from scan_total where code = '%s'" % code))
    t.check(rows == answered and total == rows,
            "count: every scan answered stored once and counted (%d answered, %d rows, total %d)"
            % (answered, rows, total))
    print("multiserver: %d polls of the third client through C, beside %d scans of the hammer"
          % (len(polls), hammer.answered))


def main():
    t = g.Tally("multiserver")
    if g.engine() != "postgresql":
        print("multiserver: skipped on sqlite: one SQLite database belongs to one server")
        t.finish()
        return
    w = g.Workdir()
    try:
        tokens, auth, codes = seed(w)
        a = g.Server(w, "--base-url", "https://gi.example.cn").start()
        b = g.Server(w, "--base-url", "https://gi.example.cn").start()
        try:
            test_sessions(t, a, b)
            scanned_a = test_issue_across(t, a, b, tokens)
            test_load_and_kill(t, w, a, b, tokens, auth, codes, scanned_a)
        finally:
            a.stop()
            b.stop()
        test_count_across(t, w)
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
