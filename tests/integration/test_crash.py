#!/usr/bin/env python3
"""test_crash.py - SIGKILL at random moments: issuing a 1,000,000-code batch,
and the server while it records scans under load.

a) Issuance. One database with the demo data and a 1,000,000-code batch
   approved. An uninterrupted issue on a copy gives the run's length D and
   the time its commit takes (from the progress bar's last step, drawn on a
   pseudo-terminal, to the exit). Then, at least KILLS times: start
   `gimark batch issue`, SIGKILL it after a delay drawn uniformly from [0, D]
   or, every END_EVERY-th kill, once the last code is inserted, after a delay
   drawn from the commit's length (so kills land in the commit and the WAL
   checkpoint after it). A run that ends before its kill (the machine got
   less busy) is the new measure of D. After each kill, gimark opens the
   database first (its recovery is the restart), then: `gimark audit verify`
   passes; both files pass PRAGMA integrity_check; the batch holds 0 labels
   and is still approved with no batch.issue audit row, or holds exactly
   1,000,000 and is issued with one such row. A complete batch refuses a
   second issue and the database is put back as before the issue; an absent
   one is issued again by the next run. The loop ends with a run left to
   finish: 1,000,000 distinct codes with sequence numbers 1..1,000,000, all
   in the code alphabet, a sample that `gimark verify` finds in the batch.

b) Scans. Client threads ask for the pages of a few activated codes; the
   server is SIGKILLed at a random moment, restarted, and again, SERVER_KILLS
   times. Scans are answered before their group commit, so an answered scan
   not yet committed is lost by a SIGKILL; what must hold is:
   - both files pass integrity_check after each kill (before the restart)
     and after the last, clean stop;
   - every scan the server reported as stored (gimark_scans_committed_total,
     read before the kill) is in the scan table, and no code has more new
     rows than requests were sent for it (nothing doubled);
   - the per-code totals equal the scan rows up to scan_merged.through_id
     (merges are one transaction with their mark), through_id <= max(id);
   - after the restart a code's JSON verdict counts every stored row plus
     itself (the totals caught up), and after a clean stop the totals equal
     all the rows.

The delays are drawn from random.Random(seed); the seed is printed and
CRASH_SEED=N replays the same delays.

Run from the repository root: python3 tests/integration/test_crash.py
"""

import collections
import http.client
import json
import os
import pty
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gimark_test import GIMARK, REVIEWER, Server, Tally, Workdir  # noqa: E402

T = Tally("crash")
COUNT = 1000000
KILLS = 14         # issue runs killed, at least (3 or more aimed at the commit)
END_EVERY = 4      # every 4th kill aims at the commit
SERVER_KILLS = 5
SCAN_CODES = 20
CLIENTS = 3
ALPHABET_GLOB = "*[^0-9A-HJKMNP-TV-Z]*"  # a character outside Crockford base32
RUN_LIMIT_S = 300  # an issue that takes longer has hung
RUNNING = []       # issue processes not yet ended: killed in main()'s finally


def display(code):
    return "-".join(code[i:i + 4] for i in range(0, 16, 4))


def cli(w, *args):
    """Runs gimark on w's database; returns the CompletedProcess, whatever its exit."""
    env = dict(os.environ, GIMARK_DB=w.db)
    env.pop("GIMARK_NOW", None)
    return subprocess.run([GIMARK] + [str(a) for a in args], env=env, capture_output=True,
                          text=True)


def db_files(base):
    """The files of the database at base: main and scans, each with its WAL and index."""
    scans = base[:-3] + "-scans.db"
    return [f + s for f in (base, scans) for s in ("", "-wal", "-shm")]


def remove_db(base):
    for f in db_files(base):
        if os.path.exists(f):
            os.unlink(f)


def copy_db(src, dst):
    """Makes dst the database src is (both files), removing what dst had."""
    remove_db(dst)
    for s, d in zip(db_files(src), db_files(dst)):
        if os.path.exists(s):
            shutil.copyfile(s, d)


class Issue:
    """`gimark batch issue ID` with its stderr on a pseudo-terminal, so that
    it draws its progress bar; a thread reads how far the inserts got."""

    def __init__(self, db, batch_id):
        master, slave = pty.openpty()
        env = dict(os.environ, GIMARK_DB=db)
        env.pop("GIMARK_NOW", None)
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen([GIMARK, "batch", "issue", str(batch_id)], env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=slave)
        os.close(slave)
        self.master = master
        self.inserted = 0           # labels inserted, by the last progress step seen
        self.inserted_at = None     # seconds from the start to the last insert
        self.ended_at = None
        self.moved = threading.Event()  # all inserted, or the terminal closed
        self.tail = b""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        RUNNING.append(self)

    def _read(self):
        buf = b""
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # EIO: the process's end of the terminal is closed
                break
            if not chunk:
                break
            buf = buf[-64:] + chunk
            for n in re.findall(rb"(\d+)/%d" % COUNT, buf):
                self.inserted = max(self.inserted, int(n))
            if self.inserted == COUNT and self.inserted_at is None:
                self.inserted_at = time.monotonic() - self.t0
                self.moved.set()
        self.tail = buf
        self.moved.set()

    def phase(self):
        """Where the run is, as far as its progress bar tells."""
        if self.inserted == 0:
            return "start"  # drawing, sorting, the first 65536 inserts
        return "commit" if self.inserted == COUNT else "insert"

    def sleep_until(self, seconds):
        """Waits until seconds after the start (the delay before a kill)."""
        left = self.t0 + seconds - time.monotonic()
        if left > 0:
            time.sleep(left)

    def end(self, kill):
        """SIGKILLs the process if kill and it still runs, else waits for its end (bounded);
        returns (exit status, was killed)."""
        killed = kill and self.proc.poll() is None
        if killed:
            self.proc.send_signal(signal.SIGKILL)
        try:
            rc = self.proc.wait(timeout=RUN_LIMIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.ended_at = time.monotonic() - self.t0
        RUNNING.remove(self)
        self.reader.join(10)
        os.close(self.master)
        return rc, killed


def batch_state(w, bid):
    """(labels of the batch, labels in all, batch status, batch.issue audit rows)."""
    row = w.sql("select (select count(*) from label where batch_id = %d), "
                "(select count(*) from label), (select status from batch where id = %d), "
                "(select count(*) from audit_log where action = 'batch.issue' "
                "and entity = 'batch' and entity_id = %d)" % (bid, bid, bid))
    n, total, status, audited = row.split("|")
    return int(n), int(total), status, int(audited)


def check_files(w, when):
    T.check(w.sql("pragma integrity_check") == "ok", "%s: integrity_check of the main file" % when)
    T.check(w.scans_sql("pragma integrity_check") == "ok",
            "%s: integrity_check of the scans file" % when)


def check_after_kill(w, bid, when):
    """The checks after a killed issue; returns 'complete', 'absent' or 'partial'."""
    # gimark opens the database first: recovering from the kill is its job.
    p = cli(w, "audit", "verify")
    T.check(p.returncode == 0, "%s: audit verify passes" % when, p.stdout + p.stderr)
    p = cli(w, "--json", "batch", "show", bid)
    shown = json.loads(p.stdout)["status"] if p.returncode == 0 else p.stderr
    check_files(w, when)
    n, total, status, audited = batch_state(w, bid)
    T.check(shown == status, "%s: batch show reads the batch" % when, shown)
    state = {(COUNT, COUNT, "issued", 1): "complete",
             (0, 0, "approved", 0): "absent"}.get((n, total, status, audited), "partial")
    T.check(state != "partial", "%s: the batch is complete or absent" % when,
            "%d labels (%d in all), status %s, %d batch.issue audit rows" % (n, total, status,
                                                                             audited))
    return state


def check_complete_batch(w, bid, rng):
    """The checks of a batch issued in full; returns whether it was."""
    n, total, status, audited = batch_state(w, bid)
    whole = T.check((n, status, audited) == (COUNT, "issued", 1),
                    "the last run issued the whole batch", (n, status, audited))
    # code is the key, so the rows are distinct codes; nothing but issuance keeps seq unique
    row = w.sql("select count(*), count(distinct seq), min(seq), max(seq), "
                "sum(length(code) != 16 or code glob '%s') from label where batch_id = %d"
                % (ALPHABET_GLOB, bid))
    T.check(row == "%d|%d|1|%d|0" % (COUNT, COUNT, COUNT),
            "1,000,000 distinct codes of 16 symbols, sequence 1..1,000,000 once each", row)
    seqs = sorted(rng.sample(range(1, COUNT + 1), 20))
    sample = w.sql("select code from label where batch_id = %d and seq in (%s) order by seq"
                   % (bid, ",".join(map(str, seqs)))).split()
    bad = []
    for code, seq in zip(sample, seqs):
        p = cli(w, "--json", "verify", display(code).lower())
        v = json.loads(p.stdout) if p.returncode == 0 else {}
        if (v.get("verdict"), v.get("code"), v.get("batch", {}).get("id"), v.get("seq")) != \
                ("NOT_ACTIVATED", code, bid, seq):
            bad.append((code, seq, p.stdout[:100] + p.stderr))
    T.check(len(sample) == 20 and not bad,
            "20 sampled codes parse (check symbol) and verify as labels of the batch", bad[:3])
    p = cli(w, "audit", "verify")
    T.check(p.returncode == 0, "audit verify passes after the full issue", p.stdout + p.stderr)
    check_files(w, "after the full issue")
    return whole


def timings(run):
    """(the length of an uninterrupted run, the time from its last insert to its exit)."""
    return run.ended_at, run.ended_at - (run.inserted_at or 0)


def issue_kills(w, bid, rng, figures):
    pristine = os.path.join(w.dir, "pristine.db")
    copy_db(w.db, pristine)

    # An uninterrupted run on a copy: how long a run and its commit take.
    trial = os.path.join(w.dir, "trial.db")
    copy_db(pristine, trial)
    run = Issue(trial, bid)
    rc, _ = run.end(kill=False)
    T.check(rc == 0 and run.inserted_at is not None, "an uninterrupted issue succeeds",
            "exit %d, %r" % (rc, run.tail))
    remove_db(trial)
    whole, commit = timings(run)
    figures["issue_s"] = [whole]
    print("crash: an uninterrupted issue of %d codes: %.2f s, of which %.2f s after the last "
          "insert (commit, checkpoint, exit)" % (COUNT, whole, commit))

    outcomes = collections.Counter()  # (phase killed in, what the batch was after)
    finished = 0
    kills = 0
    last = None
    runs = 0
    while (kills < KILLS or last != "absent") and runs < 4 * KILLS:
        runs += 1
        at_commit = kills % END_EVERY == END_EVERY - 1
        run = Issue(w.db, bid)
        if at_commit:
            run.moved.wait(timeout=RUN_LIMIT_S)
            delay = (run.inserted_at or 0) + rng.uniform(0, commit)
        else:
            delay = rng.uniform(0, whole)
        run.sleep_until(delay)
        phase = run.phase()
        rc, killed = run.end(kill=True)
        when = "run %d (%s at %.3f s, %s)" % (runs, "killed" if killed else "not killed",
                                              delay, phase)
        if killed:
            kills += 1
        else:
            # The machine got faster: this run is the new measure of a run's length.
            finished += 1
            T.check(rc == 0, "%s: a run that ended before the kill succeeded" % when,
                    "exit %s: %r" % (rc, run.tail))
            whole, commit = timings(run)
            figures["issue_s"].append(whole)
        last = check_after_kill(w, bid, when)
        if killed:
            outcomes[phase, last] += 1
        print("crash: %s -> batch %s" % (when, last))
        sys.stdout.flush()
        if last == "complete":
            p = cli(w, "batch", "issue", bid)
            T.check(p.returncode == 2 and "issued" in p.stderr,
                    "%s: a second issue of the complete batch is refused" % when,
                    "exit %d: %s" % (p.returncode, p.stderr))
            copy_db(pristine, w.db)
        elif last == "partial":
            break
    T.check(kills >= KILLS, "at least %d issue runs killed" % KILLS, kills)
    T.check(all(o != "partial" for _, o in outcomes), "no kill left a partial batch", outcomes)

    # The restart after the last kill, left to finish.
    run = Issue(w.db, bid)
    rc, _ = run.end(kill=False)
    T.check(rc == 0, "the run after the last kill issues the batch",
            "exit %d: %r" % (rc, run.tail))
    figures["issue_s"].append(run.ended_at)
    figures["completed"] = check_complete_batch(w, bid, rng)
    figures.update(kills=kills, outcomes=outcomes, finished=finished)


# --- b) the server killed while it records scans ------------------------------------------


class Load:
    """Client threads asking for the pages of random codes until the server dies."""

    def __init__(self, srv, codes, seed):
        self.srv = srv
        self.codes = codes
        self.sent = collections.Counter()
        self.answered = collections.Counter()
        self.wrong = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, args=(seed + k,), daemon=True)
                        for k in range(CLIENTS)]
        for t in self.threads:
            t.start()

    def _client(self, seed):
        rng = random.Random(seed)
        c = self.srv.conn(timeout=10)
        try:
            while True:
                code = rng.choice(self.codes)
                with self.lock:
                    self.sent[code] += 1
                c.request("GET", "/v/%s?lang=en" % code)
                r = c.getresponse()
                body = r.read()
                with self.lock:
                    if r.status == 200 and display(code).encode() in body:
                        self.answered[code] += 1
                    elif len(self.wrong) < 3:
                        self.wrong.append((r.status, body[:100]))
        except (OSError, http.client.HTTPException):  # the kill ends the load
            pass
        finally:
            c.close()

    def join(self):
        for t in self.threads:
            t.join(30)
        return not any(t.is_alive() for t in self.threads)


def stored_scans(w):
    """{code: scan rows} for every code scanned."""
    out = w.scans_sql("select code, count(*) from scan where code is not null group by code")
    return dict((c, int(n)) for c, n in (line.split("|") for line in out.splitlines()))


MERGED_MISMATCH = (
    "with r as (select code, count(*) as n from scan where code is not null and id <= "
    "(select through_id from scan_merged) group by code) "
    "select (select count(*) from "
    "(select code, n from r except select code, count from scan_total)) + (select count(*) from "
    "(select code, count from scan_total except select code, n from r)),"
    " (select through_id from scan_merged), (select coalesce(max(id), 0) from scan)")


def check_totals(w, when, all_merged):
    """scan_total holds exactly the rows up to through_id (all rows when all_merged)."""
    mismatched, through, top = map(int, w.scans_sql(MERGED_MISMATCH).split("|"))
    T.check(mismatched == 0, "%s: scan totals == scan rows merged through id %d" % (when, through),
            "%d codes differ" % mismatched)
    T.check(through == top if all_merged else through <= top,
            "%s: merged through id %d %s the last row %d" % (when, through,
                                                            "is" if all_merged else "<=", top))


def committed_scans(srv):
    """gimark_scans_committed_total from /metrics: scans this server has stored."""
    st, _, body = srv.get("/metrics")
    m = re.search(rb"^gimark_scans_committed_total (\d+)$", body, re.M)
    return int(m.group(1)) if st == 200 and m else -1


def server_kills(w, codes, rng, figures):
    stored = stored_scans(w)
    srv = Server(w).start()
    since = dict(stored)   # the rows when this server process started
    asked = collections.Counter()  # scans sent to this server process
    answered = lost = reported = 0
    try:
        for r in range(1, SERVER_KILLS + 1):
            when = "server kill %d" % r
            load = Load(srv, codes, rng.randrange(1 << 30))
            time.sleep(rng.uniform(0.2, 1.2))
            committed = committed_scans(srv)
            time.sleep(rng.uniform(0, 0.3))
            rc = srv.stop(signal.SIGKILL)
            T.check(rc == -signal.SIGKILL, "%s: the server died of SIGKILL" % when, rc)
            T.check(load.join(), "%s: the clients stopped" % when)
            T.check(not load.wrong, "%s: every answered page showed its code" % when,
                    load.wrong)
            asked.update(load.sent)

            # The files as the kill left them, before any restart.
            check_files(w, when)
            check_totals(w, when, all_merged=False)
            stored = stored_scans(w)
            new = {c: stored.get(c, 0) - since.get(c, 0) for c in codes}
            T.check(sum(new.values()) >= committed >= 0,
                    "%s: the %d scans reported stored before the kill are stored"
                    % (when, committed),
                    "%d new rows" % sum(new.values()))
            doubled = [(c, new[c], asked[c]) for c in codes if new[c] > asked[c]]
            T.check(not doubled, "%s: no code has more new rows than requests" % when, doubled)
            got = sum(load.answered.values())
            answered += got
            reported += committed
            lost += max(0, sum(asked.values()) - sum(new.values()))
            print("crash: %s: %d pages answered, %d scans reported stored before the kill, "
                  "%d stored after it, %d asked for and not stored" %
                  (when, got, committed, sum(new.values()),
                   sum(asked.values()) - sum(new.values())))

            # The restart: it merges what the dead server left unmerged.
            srv = Server(w).start()
            since = dict(stored)
            asked = collections.Counter()
            late = []
            for c in codes:
                st, _, body = srv.get("/api/v1/verify/" + c)
                asked[c] += 1
                got = json.loads(body).get("scans") if st == 200 else None
                if got != stored.get(c, 0) + 1:
                    late.append((c, got, stored.get(c, 0)))
            T.check(not late, "%s: after the restart each code counts its stored scans + 1" % when,
                    late[:3])
    finally:
        rc = srv.stop()
    T.check(rc == 0, "the last server stops cleanly on SIGTERM",
            "%s %s" % (rc, srv.stderr()[-300:]))
    stored = stored_scans(w)
    T.check(all(stored.get(c, 0) - since.get(c, 0) == asked[c] for c in codes),
            "after a clean stop every scan asked for is stored")
    check_totals(w, "after a clean stop", all_merged=True)
    check_files(w, "after a clean stop")
    T.check(reported > 0, "the servers reported scans stored before their kills", reported)
    figures.update(server_kills=SERVER_KILLS, answered=answered, lost=lost)


def main():
    seed = int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(1 << 31))
    print("crash: seed %d (CRASH_SEED=%d replays the same delays)" % (seed, seed))
    rng = random.Random(seed)
    t0 = time.monotonic()
    figures = {}
    w = Workdir()
    try:
        w.gimark("init")
        w.gimark("demo")
        # a product of Fuchuan, where the operator is seated, with a quota for the batch
        p = w.json("product", "add", "--name-zh", "富川测试产品", "--region", "451123")
        a = w.json("auth", "grant", "--operator", "93451123MA0308247J", "--product", p["id"],
                   "--quota", COUNT)
        w.gimark("auth", "approve", a["id"], "--doc", "CNIPA Announcement No. 475")
        b = w.json("batch", "request", "--auth", a["id"], "--count", COUNT, "--lot", "CRASH-1")
        w.gimark("batch", "approve", b["id"], "--actor", REVIEWER)
        issue_kills(w, b["id"], rng, figures)
    finally:
        for run in list(RUNNING):
            run.end(kill=True)
        w.cleanup()
    t1 = time.monotonic()
    # The server on a small database of its own: the checks after each kill stay quick.
    w = Workdir()
    try:
        w.gimark("init")
        w.gimark("demo")
        _, codes = w.batch(1, SCAN_CODES, lot="CRASH-SCANS")
        server_kills(w, codes, rng, figures)
    finally:
        w.cleanup()
    t2 = time.monotonic()
    outcomes = figures.get("outcomes", collections.Counter())
    ends = collections.Counter(o for _, o in outcomes.elements())
    print("crash: %d issue runs killed: %d left the batch complete, %d absent, %d partial "
          "(killed in %s); %d runs ended before their kill" %
          (figures.get("kills", 0), ends["complete"], ends["absent"], ends["partial"],
           ", ".join("%s: %d %s" % (p, n, o) for (p, o), n in sorted(outcomes.items())),
           figures.get("finished", 0)))
    print("crash: uninterrupted issues of %d codes took %s s; the last run %s the batch" %
          (COUNT, ", ".join("%.2f" % s for s in figures.get("issue_s", [])),
           "completed" if figures.get("completed") else "did NOT complete"))
    print("crash: %d server kills under load: %d pages answered, %d scans asked for and lost "
          "(answered or not, never committed)" %
          (figures.get("server_kills", 0), figures.get("answered", 0), figures.get("lost", 0)))
    print("crash: %.1f s issuing and killing, %.1f s for the server, %.1f s in all" %
          (t1 - t0, t2 - t1, t2 - t0))
    T.finish()


if __name__ == "__main__":
    main()
