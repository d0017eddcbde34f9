#!/usr/bin/env python3
"""test_consumer_abuse.py - what a passer-by cannot do to the consumer routes.

a) Brand a genuine label as copied: one client's reloads, language switches,
   JSON checks and HEADs count once towards the repeat warning, so a second
   client still reads GENUINE; threshold + 1 distinct clients make it warn.
   Clients are told apart by the X-Forwarded-For of a trusted proxy.
b) The window: a client counts while its last scan is younger than
   --repeat-window; once the others' scans are older, the warning goes.
c) HEAD is a scan like GET: counted, stored, and limited like GET (a HEAD
   flood of unknown codes gets 429 too).
d) A client trickling its request head one byte at a time is disconnected
   once --head-timeout has passed, however busy it keeps the connection
   (libmicrohttpd's own timeout counts idle time only); on a kept-alive
   connection, once the idle timeout and --head-timeout have passed since the
   last answer.
e) 4,000 trickling connections from 35 loopback addresses (127.0.0.2 to
   127.0.0.36) leave room for a new client, which is served; the per-address
   share keeps them from filling the connection limit.

Run from the repository root: python3 tests/integration/test_consumer_abuse.py
"""

import json
import os
import resource
import select
import socket
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gimark_test import Server, Tally, Workdir, soon, verification_as  # noqa: E402

T = Tally("consumer_abuse")
THRESHOLD = 10


class Serving(Server):
    """Server as a with-block that checks the server exits cleanly on SIGTERM."""

    def __exit__(self, *exc):
        rc = self.stop()
        T.check(rc == 0, "the server stops cleanly (%s)" % " ".join(self.extra), rc)


def as_client(srv, method, path, client):
    """One request as client (an address a trusted proxy forwards)."""
    return srv.request(method, path, headers={"X-Forwarded-For": client})


def test_one_client_counts_once(w, code):
    with Serving(w, "--trusted-proxy", "127.0.0.1", "--repeat-threshold", THRESHOLD) as srv:
        me = "198.51.100.1"
        kinds = [("GET", "/v/%s"), ("GET", "/v/%s?lang=en"), ("GET", "/v/%s?lang=zh"),
                 ("HEAD", "/v/%s"), ("GET", "/api/v1/verify/%s")]
        for i in range(3 * THRESHOLD):
            method, path = kinds[i % len(kinds)]
            st, _, body = as_client(srv, method, path % code, me)
            T.check(st == 200, "one client's %s %s: 200" % (method, path), st)
        doc = verification_as(srv, code, me)
        T.check(doc.get("scans") == 3 * THRESHOLD + 1 and doc.get("clients") == 1
                and doc.get("verdict") == "GENUINE",
                "%d scans from one client: every one counted, one client, GENUINE"
                % (3 * THRESHOLD + 1), doc)
        st, _, body = as_client(srv, "GET", "/v/%s?lang=en" % code, "198.51.100.2")
        page = body.decode()
        T.check(st == 200 and "Genuine label" in page and "Caution" not in page,
                "a second client sees a genuine label and no warning", page[-800:])
        for k in range(3, THRESHOLD + 2):
            doc = verification_as(srv, code, "198.51.100.%d" % k)
            want = "GENUINE" if k <= THRESHOLD else "GENUINE_REPEATED"
            T.check(doc.get("verdict") == want and doc.get("clients") == k,
                    "distinct client %d: %s" % (k, want), doc)
        st, _, body = as_client(srv, "GET", "/v/%s?lang=en" % code, "198.51.100.99")
        T.check("from more than %d different devices" % THRESHOLD in body.decode(),
                "past the threshold of clients, the page warns")
        # a client's X-Forwarded-For from an untrusted address is not believed: one client
        st, _, body = srv.request("GET", "/api/v1/verify/" + code,
                                  headers={"X-Forwarded-For": "203.0.113.7"},
                                  conn=srv.conn(source="127.0.0.5"))
        st2, _, body2 = srv.request("GET", "/api/v1/verify/" + code,
                                    headers={"X-Forwarded-For": "203.0.113.8"},
                                    conn=srv.conn(source="127.0.0.5"))
        T.check(json.loads(body2)["clients"] == json.loads(body)["clients"],
                "forged X-Forwarded-For from an untrusted address: still one client",
                (body, body2))
    return srv


def test_window(w, code):
    with Serving(w, "--trusted-proxy", "127.0.0.1", "--repeat-threshold", 2,
                "--repeat-window", 2) as srv:
        for k in (1, 2):
            T.check(verification_as(srv, code, "192.0.2.%d" % k).get("verdict") == "GENUINE",
                    "window: client %d of 2: GENUINE" % k)
        T.check(verification_as(srv, code, "192.0.2.3").get("verdict") == "GENUINE_REPEATED",
                "window: a third client inside the window: GENUINE_REPEATED")
        # the third client checks again until the first two are out of the window
        doc = soon(lambda: verification_as(srv, code, "192.0.2.3"),
                   lambda d: d.get("verdict") == "GENUINE", 10)
        T.check(doc.get("verdict") == "GENUINE" and doc.get("clients") == 1,
                "window: once the others' scans are older than it, no warning", doc)


def test_head(w, code):
    with Serving(w, "--trusted-proxy", "127.0.0.1", "--unknown-per-minute", 5) as srv:
        me = "198.51.100.50"
        before = verification_as(srv, code, me)["scans"]
        for _ in range(3):
            st, hd, body = as_client(srv, "HEAD", "/v/" + code, me)
            T.check(st == 200 and body == b"", "HEAD of a genuine code: 200, no body", st)
        after = verification_as(srv, code, me)["scans"]
        T.check(after == before + 4, "HEAD counts as a scan", (before, after))
        statuses = []
        for i in range(12):
            st, hd, _ = as_client(srv, "HEAD", "/v/K7M3-9QX2-HD4T-PW%02d" % i, me)
            statuses.append(st)
        T.check(statuses[:5] == [404] * 5 and statuses[5:] == [429] * 7,
                "a HEAD flood of unknown codes: 404 up to the allowance, then 429", statuses)
        st, hd, _ = as_client(srv, "GET", "/v/K7M3-9QX2-HD4T-PW99", me)
        T.check(st == 429 and "retry-after" in hd, "GET after the HEAD flood: 429 too", st)
        st, _, _ = as_client(srv, "HEAD", "/v/K7M3-9QX2-HD4T-PW98", "198.51.100.51")
        T.check(st == 404, "another client's HEAD of an unknown code: 404", st)
    stored = int(w.scans_sql("select count(*) from scan where raw like 'K7M3-9QX2-HD4T-PW%'"))
    T.check(stored == 6, "the HEADs within the allowance are stored as scans, the refused not",
            stored)


def readable(socks, timeout):
    """The sockets of socks with something to read (or closed), after waiting
    up to timeout seconds for one (poll: select cannot take 4,000)."""
    p = select.poll()
    by_fd = {s.fileno(): s for s in socks}
    for fd in by_fd:
        p.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return [by_fd[fd] for fd, _ in p.poll(timeout * 1000)]


def closed_by_peer(sock):
    """True once the server has closed sock (EOF or reset), without blocking."""
    try:
        if not readable([sock], 0):
            return False
        return sock.recv(4096) == b""
    except OSError:
        return True


HEAD = b"GET /healthz HTTP/1.1\r\nHost: gi.example.cn\r\nX-Padding: " + b"p" * 1000


def trickle(s, limit_s):
    """Sends HEAD to s a byte every 0.25 s; (cut off by the server, bytes sent)."""
    t0 = time.monotonic()
    sent = 0
    while time.monotonic() - t0 < limit_s:
        try:
            s.send(HEAD[sent:sent + 1])
            sent += 1
        except OSError:
            return True, sent
        if readable([s], 0.25) and closed_by_peer(s):
            return True, sent
    return False, sent


def test_trickled_head(w):
    with Serving(w, "--head-timeout", 2, "--timeout", 60) as srv:
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        t0 = time.monotonic()
        closed, sent = trickle(s, 20)  # well past the deadline
        s.close()
        T.check(closed, "a head trickled one byte every 0.25 s is cut off (idle timeout 60 s)",
                "%d bytes sent in %.1f s" % (sent, time.monotonic() - t0))
        # a prompt client on its own connection is not affected
        st, _, body = srv.get("/healthz")
        T.check(st == 200 and body == b"ok\n", "a prompt request is served", st)
        # a kept-alive connection answers, then its next head has its own deadline
        c = srv.conn()
        r1 = srv.request("GET", "/healthz", conn=c)
        r2 = srv.request("GET", "/healthz", conn=c)
        c.close()
        T.check(r1[0] == r2[0] == 200, "keep-alive: two prompt requests on one connection")
        T.check(srv.alive(), "the server is alive")
    # on a kept-alive connection, the next head is due within the idle timeout
    # and the head deadline after the last answer
    with Serving(w, "--head-timeout", 2, "--timeout", 2) as srv:
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: gi.example.cn\r\n\r\n")
        got = b""
        while b"ok\n" not in got:
            d = s.recv(4096)
            if not d:
                break
            got += d
        T.check(got.startswith(b"HTTP/1.1 200"), "keep-alive: the first request answered", got[:40])
        t0 = time.monotonic()
        closed, sent = trickle(s, 20)
        s.close()
        T.check(closed, "keep-alive: the next head trickled after an answer is cut off too",
                "%d bytes sent in %.1f s" % (sent, time.monotonic() - t0))


def test_many_tricklers(w, code):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 4000 + 1000
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if not T.check(soft >= want, "the test may open 4,000 sockets", soft):
        return
    # defaults: 4096 connections, 64 per address, head deadline 10 s
    with Serving(w) as srv:
        socks = []
        refused = 0
        t0 = time.monotonic()
        for i in range(4000):
            src = "127.0.0.%d" % (2 + i % 35)
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(3)
            try:
                s.bind((src, 0))
                s.connect(("127.0.0.1", srv.port))
                s.send(b"GET /v/%s HTTP/1.1\r\nHost: x\r\n" % code.encode())
                socks.append(s)
            except OSError:
                refused += 1
                s.close()
        opened = time.monotonic() - t0
        # trickle: one more header byte on each connection still open
        for s in socks:
            try:
                s.send(b"X")
            except OSError:
                pass
        gone = set(readable(socks, 0))
        held = [s for s in socks if s not in gone or not closed_by_peer(s)]
        print("tricklers: %d connections held by the server" % len(held))
        T.check(len(held) <= 35 * 64, "at most 64 connections an address are held",
                "%d held, %d refused at connect" % (len(held), refused))
        # a new client, while they trickle
        c = srv.conn(timeout=5)
        try:
            st, _, body = srv.request("GET", "/api/v1/verify/" + code, conn=c)
            ok = st == 200 and json.loads(body)["verdict"] == "GENUINE"
        except OSError as e:
            ok, body = False, repr(e)
        finally:
            c.close()
        T.check(ok, "a new client is served while 4,000 connections trickle from 35 addresses",
                body)
        c = srv.conn(timeout=5, source="127.0.0.40")
        try:
            st, _, _ = srv.request("GET", "/healthz", conn=c)
        except OSError as e:
            st = repr(e)
        finally:
            c.close()
        T.check(st == 200, "and another from a fresh address", st)
        # the tricklers, still sending a byte a second (so never idle), are cut
        # off at the head deadline
        deadline = time.monotonic() + 25
        while held and time.monotonic() < deadline:
            for s in held:
                try:
                    s.send(b"X")
                except OSError:
                    pass
            gone = set(readable(held, 1))
            held = [s for s in held if s not in gone or not closed_by_peer(s)]
        T.check(not held, "every trickling connection is closed at its head deadline",
                "%d still open" % len(held))
        for s in socks:
            s.close()
        print("tricklers: 4000 connections opened in %.1f s, %d refused at connect"
              % (opened, refused))
        T.check(srv.alive(), "the server is alive after the tricklers")


def test_proxy_connection(w, code):
    """A proxy's kept-alive connection carries many clients: each request is
    counted as the client it forwards, whatever came before on the connection."""
    with Serving(w, "--trusted-proxy", "127.0.0.1", "--repeat-threshold", THRESHOLD) as srv:
        c = srv.conn()
        try:
            def clients(headers):
                st, _, body = srv.request("GET", "/api/v1/verify/" + code, headers=headers,
                                          conn=c)
                return json.loads(body).get("clients") if st == 200 else st

            seen = [clients({"X-Forwarded-For": "198.51.100.1"}),
                    clients({"X-Forwarded-For": "198.51.100.1"}),
                    clients({"X-Forwarded-For": "198.51.100.2"}),
                    clients({"X-Forwarded-For": "10.0.0.1, 198.51.100.3"}),
                    clients({"X-Forwarded-For": "198.51.100.1"}),
                    clients({}),  # the proxy itself
                    clients({"X-Forwarded-For": "x" * 300 + ", 198.51.100.4"}),
                    clients({"X-Forwarded-For": "x" * 300 + ", 198.51.100.5"})]
        finally:
            c.close()
        T.check(seen == [1, 1, 2, 3, 3, 4, 5, 6],
                "one proxy connection: each forwarded client counted once, as itself", seen)


def main():
    w = Workdir()
    try:
        w.gimark("init")
        w.gimark("demo")
        _, codes = w.batch(1, 5)
        test_one_client_counts_once(w, codes[0])
        test_window(w, codes[1])
        test_head(w, codes[2])
        test_trickled_head(w)
        test_many_tricklers(w, codes[3])
        test_proxy_connection(w, codes[4])
    finally:
        w.cleanup()
    T.finish()


if __name__ == "__main__":
    main()
