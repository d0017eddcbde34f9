#!/usr/bin/env python3
"""test_load.py - the real server under concurrent load, on shutdown, and
with idle connections.

a) 8 client threads x 500 keep-alive requests for one code's page; every
   answered request is one stored scan, also when SIGTERM comes right after
   the last answer (the scan queue is flushed on stop), and the JSON API
   counts the same scans.
b) 1000 idle TCP connections that send nothing do not keep normal traffic
   from its pages: with no per-address limit (all 1000 held) four clients
   are served 400 pages, none slower than a second; with the default limit
   of 64, a client from another address is served.
c) The idle timeout closes connections that send nothing, or half a request,
   or nothing more after an answer.

Run from the repository root: python3 tests/integration/test_load.py
"""

import http.client
import json
import os
import re
import resource
import select
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gimark_test import Server, Tally, Workdir, seed_verdicts  # noqa: E402

T = Tally("load")
THREADS = 8
PER_THREAD = 500
IDLE = 1000
TRAFFIC_THREADS = 4
TRAFFIC_EACH = 100


def raise_nofile():
    """1000 idle sockets and more must fit: the soft limit goes up to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > 65536:
        hard = 65536
    if soft != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def display(code):
    return "-".join(code[i:i + 4] for i in range(0, 16, 4))


def scans_stored(w, code):
    return int(w.scans_sql("select count(*) from scan where code = '%s'" % code))


# --- a) concurrency and shutdown ------------------------------------------------------


def concurrency(w, code):
    before = scans_stored(w, code)
    srv = Server(w).start()
    answered = [0] * THREADS
    wrong = [0] * THREADS
    counts = [[] for _ in range(THREADS)]  # the scan count each page showed
    errors = []
    start = threading.Barrier(THREADS)
    want = display(code).encode()

    def client(k):
        c = srv.conn(timeout=30)
        start.wait()
        for i in range(PER_THREAD):
            try:
                c.request("GET", "/v/%s?lang=en" % code)
                r = c.getresponse()
                body = r.read()
            except (OSError, http.client.HTTPException) as e:
                # Counted, and the connection opened again; the request is
                # not repeated, so a lost answer cannot be counted twice.
                errors.append("thread %d request %d: %r" % (k, i, e))
                c.close()
                c = srv.conn(timeout=30)
                continue
            if r.status == 200 and want in body:
                answered[k] += 1
                m = re.search(rb"has been checked (\d+) times", body)
                counts[k].append(int(m.group(1)) if m else
                                 1 if b"This is the first check" in body else None)
            else:
                wrong[k] += 1
                if wrong[k] <= 3:
                    errors.append("thread %d request %d: %d %r" % (k, i, r.status, body[:120]))
        c.close()

    try:
        t0 = time.monotonic()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        total = sum(answered)
        T.check(total == THREADS * PER_THREAD, "every request answered 200 with the page",
                "%d of %d; %s" % (total, THREADS * PER_THREAD, errors[:5]))
        T.check(not errors, "no connection errors or other answers", errors[:5])
        # Each page counts its own scan: the counts shown are before+1 .. before+total,
        # each once, however the requests interleaved.
        shown = sorted(n for ns in counts for n in ns if n is not None)
        T.check(shown == list(range(before + 1, before + total + 1)),
                "the pages showed each scan count from %d to %d once" % (before + 1, before + total),
                "%d counts, %d distinct, range %s..%s" % (len(shown), len(set(shown)),
                                                         shown[:1], shown[-1:]))

        # The JSON request is one more scan: it sees every page request before it.
        st, _, body = srv.get("/api/v1/verify/" + code)
        j = json.loads(body) if st == 200 else {}
        T.check(st == 200 and j.get("scans") == before + total + 1,
                "JSON scans after %d page requests is %d" % (total, before + total + 1),
                "%d: %s" % (st, j.get("scans")))
    finally:
        # SIGTERM right after the last answer: every queued scan must be stored.
        rc = srv.stop()
    T.check(rc == 0, "SIGTERM right after the load: exit status 0", "%s %s" % (rc, srv.stderr()[-300:]))
    stored = scans_stored(w, code) - before
    T.check(stored == total + 1, "scans stored == requests answered (+1 JSON)",
            "stored %d, answered %d + 1" % (stored, total))
    print("load: %d x %d requests in %.2f s (%.0f/s): %d answered 200, %d scans stored "
          "(incl. 1 JSON request), %d errors" % (THREADS, PER_THREAD, elapsed, total / elapsed,
                                                   total, stored, len(errors)))


# --- b) idle connections --------------------------------------------------------------------


def open_idle(port, n):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        socks.append(s)
    return socks


def closed_by_server(socks, want, limit_s=5.0):
    """Counts the sockets the server closed, polling (bounded) until want of
    them are closed or the time is up. Sends nothing."""
    closed = set()
    deadline = time.monotonic() + limit_s
    while True:
        open_ = [s for s in socks if s.fileno() not in closed]
        if len(closed) >= want or not open_:
            break
        left = deadline - time.monotonic()
        if left <= 0:
            break
        # select() takes fds below FD_SETSIZE only; poll has no such limit.
        p = select.poll()
        for s in open_:
            p.register(s.fileno(), select.POLLIN | select.POLLHUP | select.POLLERR)
        for fd, _ in p.poll(min(left, 0.5) * 1000):
            s = next(x for x in open_ if x.fileno() == fd)
            try:
                s.setblocking(False)
                data = s.recv(1)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                closed.add(fd)
    return len(closed)


def timed_get(port, path, source=None):
    """GET on a fresh connection; returns (status, body, seconds)."""
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=source)
    try:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        return r.status, body, time.monotonic() - t0
    except (OSError, http.client.HTTPException) as e:
        return None, repr(e).encode(), time.monotonic() - t0
    finally:
        c.close()


def traffic(port, path, want):
    """TRAFFIC_THREADS clients, TRAFFIC_EACH pages each on fresh connections;
    returns (pages right, answers wrong, sorted seconds)."""
    right, wrong, secs = [0], [], []
    lock = threading.Lock()

    def client():
        for _ in range(TRAFFIC_EACH):
            st, body, t = timed_get(port, path)
            with lock:
                secs.append(t)
                if st == 200 and want in body:
                    right[0] += 1
                else:
                    wrong.append((st, body[:80]))

    threads = [threading.Thread(target=client) for _ in range(TRAFFIC_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return right[0], wrong, sorted(secs)


def idle_connections(w, code):
    want = display(code).encode()
    figures = []

    # No limit per address: all idle connections are held open.
    srv = Server(w, "--max-conns-per-ip", 0).start()
    socks = []
    try:
        socks = open_idle(srv.port, IDLE)
        n_pages = TRAFFIC_THREADS * TRAFFIC_EACH
        right, wrong, secs = traffic(srv.port, "/v/" + code, want)
        T.check(right == n_pages and not wrong,
                "%d pages served among %d idle connections" % (n_pages, IDLE),
                "%d right, %s" % (right, wrong[:3]))
        T.check(secs[-1] < 1.0, "... none slower than 1 s", "%.3f s" % secs[-1])
        figures.append(("%d idle, no per-address limit, slowest of %d pages" % (IDLE, n_pages),
                        secs[-1]))
        n = closed_by_server(socks, 1, limit_s=0.2)
        T.check(n == 0, "no per-address limit: all %d idle connections still open" % IDLE,
                "%d closed" % n)
    finally:
        for s in socks:
            s.close()
        rc = srv.stop()
    T.check(rc == 0, "stopped with idle connections: exit status 0", rc)

    # The default limit of 64 per address: the idle crowd from 127.0.0.1
    # keeps 64, the rest is closed; a client from 127.0.0.2 is served.
    srv = Server(w).start()
    socks = []
    try:
        socks = open_idle(srv.port, IDLE)
        st, body, secs = timed_get(srv.port, "/v/" + code, source=("127.0.0.2", 0))
        T.check(st == 200 and want in body,
                "page served to 127.0.0.2 among %d idle connections from 127.0.0.1" % IDLE,
                "%s %r" % (st, body[:120]))
        T.check(secs < 1.0, "... within 1 s", "%.3f s" % secs)
        figures.append(("%d idle from 127.0.0.1, limit 64 per address, client 127.0.0.2" % IDLE,
                        secs))
        n = closed_by_server(socks, IDLE - 64)
        T.check(n == IDLE - 64, "per-address limit: %d of %d idle connections closed" %
                (IDLE - 64, IDLE), "%d closed" % n)
    finally:
        for s in socks:
            s.close()
        rc = srv.stop()
    T.check(rc == 0, "stopped with idle connections: exit status 0", rc)
    for what, secs in figures:
        print("load: normal client served in %.3f s (%s)" % (secs, what))


# --- c) the idle timeout --------------------------------------------------------------------------


def wait_closed(s, limit_s):
    """Blocks (bounded) until the server closes s; returns seconds, or None."""
    t0 = time.monotonic()
    s.settimeout(limit_s)
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
    except socket.timeout:
        return None
    except OSError:
        pass  # a reset is a close too
    return time.monotonic() - t0


def idle_timeout(w, code):
    srv = Server(w, "--timeout", 2).start()
    try:
        silent = socket.create_connection(("127.0.0.1", srv.port))
        half = socket.create_connection(("127.0.0.1", srv.port))
        half.sendall(b"GET /v/" + code.encode())
        after = socket.create_connection(("127.0.0.1", srv.port))
        after.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        after.settimeout(5)
        got = b""
        while b"ok\n" not in got:
            d = after.recv(4096)
            if not d:
                break
            got += d
        T.check(got.startswith(b"HTTP/1.1 200") and b"ok\n" in got,
                "keep-alive answer before the idle wait", got[:100])

        secs = wait_closed(silent, 10)
        T.check(secs is not None, "a connection that sent nothing is closed within 10 s (--timeout 2)")
        T.check(secs is None or secs >= 1.0, "... and not at once, but after the timeout",
                secs)
        for s, what in ((half, "half a request"), (after, "nothing after its answer")):
            rest = wait_closed(s, 10)
            T.check(rest is not None, "a connection that sent %s is closed by the timeout" % what)
        T.check(srv.alive(), "server alive after closing idle connections")
        for s in (silent, half, after):
            s.close()
        print("load: idle connection closed after %s s (--timeout 2)" %
              ("%.2f" % secs if secs is not None else "more than 10"))
    finally:
        rc = srv.stop()
    T.check(rc == 0, "stopped: exit status 0", rc)


def main():
    nofile = raise_nofile()
    T.check(nofile >= IDLE + 100, "open files limit fits %d sockets" % IDLE, nofile)
    w = Workdir()
    try:
        codes = seed_verdicts(w)
        # A code nobody else in this file scans: its stored scans are ours alone.
        concurrency(w, codes["GENUINE"])
        idle_connections(w, codes["GENUINE_REPEATED"])
        idle_timeout(w, codes["NOT_ACTIVATED"])
    finally:
        w.cleanup()
    T.finish()


if __name__ == "__main__":
    main()
