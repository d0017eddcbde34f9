#!/usr/bin/env python3
"""test_hostile.py - the real server against hostile input.

Well over a hundred bad requests, most written byte for byte over raw
sockets: over-long request lines and headers, huge bodies (declared and
chunked), bodies on GET, invalid UTF-8, broken percent-encoding, NUL bytes,
SQL and HTML injection in codes, queries, headers and report text, path
traversal, wrong and made-up methods on every route, HTTP/0.9 and garbage
request lines, a missing Host, absurd Content-Length values, half-sent
requests. For each: no 5xx, the server still runs, at most one well-formed
response per request, and nothing we injected comes back unescaped in HTML.

Then the consumer report flow: the rate limit (burst 3, then
--reports-per-hour) answers 429 with an HTML page, and every accepted report
is stored exactly as sent. Finally the server still verifies a genuine code,
stops cleanly on SIGTERM, and the database passes PRAGMA integrity_check with
its tables intact.

Run from the repository root: python3 tests/integration/test_hostile.py
(VERBOSE=1 prints each bad request with the statuses it got back.)
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gimark_test import Server, Tally, Workdir, seed_verdicts  # noqa: E402

T = Tally("hostile")
READ_TIMEOUT = 5.0  # a request must be answered or its connection closed by then
VERBOSE = os.environ.get("VERBOSE") == "1"  # VERBOSE=1: one line per bad request

# Markup that must never come back unescaped in an HTML response; pages
# carry no script or svg elements of their own, and their only images are the
# emblem and a product's photo, never with src=x.
GENERIC_MARKERS = [b"<script", b"<img src=x", b"<svg", b"<iframe"]
XSS = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '</textarea><script>alert(2)</script>',
    '<iframe src=javascript:alert(3)>',
]
SQLI = [
    "' OR 1=1--",
    "1;DROP TABLE label",
    "1' UNION SELECT code FROM label--",
    '" OR ""="',
    "'; DELETE FROM scan; --",
]


def q(s):
    """Percent-encodes everything but unreserved characters."""
    return urllib.parse.quote(s, safe="")


# --- raw HTTP --------------------------------------------------------------------


def exchange(port, data, src="127.0.0.1", half_close=False, timeout=READ_TIMEOUT):
    """Connects from src, sends data, reads until the server closes.
    Returns (received bytes, note): note is None, or says what went wrong
    ("timeout" when the server neither answered nor closed in time)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    note = None
    buf = b""
    try:
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        try:
            s.sendall(data)
        except OSError as e:  # the server may refuse before reading everything
            note = "send: %s" % e.__class__.__name__
        if half_close:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                note = "timeout"
                break
            s.settimeout(left)
            try:
                d = s.recv(65536)
            except socket.timeout:
                note = "timeout"
                break
            except OSError as e:  # a reset after the answer: the answer still counts
                note = note or "recv: %s" % e.__class__.__name__
                break
            if not d:
                break
            buf += d
    finally:
        s.close()
    return buf, note


def parse_responses(buf, head=False):
    """Splits buf into HTTP/1.x responses framed by Content-Length (or
    chunked). Returns ([(status, headers, head bytes, body)], leftover bytes
    that are no complete response)."""
    out = []
    while buf:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            break
        lines = buf[:end].decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.[01] (\d{3})( |$)", lines[0])
        if not m:
            break
        headers = {}
        ok = True
        for line in lines[1:]:
            k, sep, v = line.partition(":")
            if not sep or not k.strip():
                ok = False
                break
            headers[k.strip().lower()] = v.strip()
        if not ok:
            break
        rest = buf[end + 4:]
        if head or m.group(1) in ("204", "304"):
            body = b""
        elif "content-length" in headers:
            try:
                n = int(headers["content-length"])
            except ValueError:
                break
            if n < 0 or len(rest) < n:
                break
            body, rest = rest[:n], rest[n:]
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                e = rest.find(b"\r\n")
                if e < 0:
                    return out, buf
                try:
                    n = int(rest[:e].split(b";")[0], 16)
                except ValueError:
                    return out, buf
                rest = rest[e + 2:]
                if n == 0:
                    e = rest.find(b"\r\n")
                    rest = rest[e + 2:] if e >= 0 else b""
                    break
                body += rest[:n]
                rest = rest[n + 2:]
        else:
            body, rest = rest, b""
        out.append((int(m.group(1)), headers, buf[:end + 4], body))
        buf = rest
    return out, buf


class Hostile:
    """Sends bad requests and applies the checks every one of them must pass."""

    def __init__(self, server):
        self.srv = server
        self.tried = 0
        self.five = 0        # 5xx answers, expected or not
        self.five_bad = 0    # 5xx answers not explicitly expected
        self.statuses = {}

    def send(self, name, data, expect=None, must_answer=True, half_close=False, head=False,
             src="127.0.0.1", markers=(), allow_505=False, must_not_contain=(),
             single=True):
        """Sends one bad request and checks the answer.

        expect: statuses the answer may have (None: any that is not 5xx);
        must_answer: a missing answer fails (False where the server may
        rightly cut the connection, e.g. an over-long request it stops
        reading); markers: injected strings that must not come back
        unescaped in HTML; single: exactly one response must come back."""
        self.tried += 1
        buf, note = exchange(self.srv.port, data, src=src, half_close=half_close)
        resps, leftover = parse_responses(buf, head=head)
        if VERBOSE:
            print("  %-60.60s -> %s%s" % (name, [r[0] for r in resps] or "-",
                                          " (%s)" % note if note else ""))
        T.check(note != "timeout", "%s: answered or closed within %.0f s" % (name, READ_TIMEOUT),
                repr(buf[:200]))
        T.check(self.srv.alive(), "%s: server still running" % name, self.srv.stderr()[-400:])
        if must_answer:
            T.check(len(resps) >= 1, "%s: got an HTTP response" % name,
                    "%r (%s)" % (buf[:200], note))
        if single and buf:
            # One request, one response, nothing else: a second status line,
            # a body not matching its Content-Length or stray bytes all fail.
            T.check(len(resps) == 1 and not leftover,
                    "%s: exactly one well-formed HTTP response" % name,
                    "%d parsed, %d stray bytes: %r" % (len(resps), len(leftover), buf[:400]))
        for status, headers, rhead, body in resps:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if 500 <= status <= 599:
                self.five += 1
                if not (allow_505 and status == 505):
                    self.five_bad += 1
            T.check(status < 500 or (allow_505 and status == 505),
                    "%s: no 5xx answer" % name, "%d: %r" % (status, body[:200]))
            if expect is not None:
                T.check(status in expect, "%s: status in %s" % (name, sorted(expect)),
                        "%d: %r" % (status, body[:300]))
            ctype = headers.get("content-type", "")
            if ctype.startswith("application/json"):
                # JSON is data, not markup: it may carry the input verbatim,
                # but only as valid JSON that browsers will not sniff as HTML.
                T.check(headers.get("x-content-type-options") == "nosniff",
                        "%s: JSON sent with nosniff" % name, headers)
                if not head:
                    try:
                        json.loads(body)
                        valid = True
                    except ValueError:
                        valid = False
                    T.check(valid, "%s: JSON body parses" % name, body[:200])
            else:
                whole = rhead + body
                for mk in list(markers) + GENERIC_MARKERS:
                    mk = mk.encode() if isinstance(mk, str) else mk
                    T.check(mk.lower() not in whole.lower(),
                            "%s: %r not echoed unescaped" % (name, mk),
                            whole[max(0, whole.lower().find(mk.lower()) - 80):][:240])
            for bad in must_not_contain:
                T.check(bad not in rhead + body, "%s: answer holds no %r" % (name, bad),
                        (rhead + body)[:300])
        return resps


def req(method, target, headers=(), body=b"", version="HTTP/1.1", host=True, close=True):
    """A request as bytes; target and header values are bytes or str (latin-1)."""
    def b(x):
        return x if isinstance(x, bytes) else x.encode("latin-1")
    out = b(method) + b" " + b(target) + b" " + b(version) + b"\r\n"
    if host:
        out += b"Host: 127.0.0.1\r\n"
    for k, v in headers:
        out += b(k) + b": " + b(v) + b"\r\n"
    if close:
        out += b"Connection: close\r\n"
    return out + b"\r\n" + b(body)


FORM = ("Content-Type", "application/x-www-form-urlencoded")


def sqlite(path, query):
    """Runs query on the SQLite file at path; returns its output, or an
    error text that no check takes for a good answer."""
    p = subprocess.run(["sqlite3", path, query], capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else "error: " + p.stderr.strip()


def form_post(path, fields, extra=()):
    body = urllib.parse.urlencode(fields).encode()
    return req("POST", path, [FORM, ("Content-Length", str(len(body)))] + list(extra), body)


def chunked(body, size):
    out = b""
    for i in range(0, len(body), size):
        part = body[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


# --- the run ---------------------------------------------------------------------------


def main():
    w = Workdir()
    try:
        run(w)
    finally:
        w.cleanup()
    T.finish()


def run(w):
    codes = seed_verdicts(w)
    genuine = codes["GENUINE"]
    void = codes["VOID"]  # found (200), used where a request must name a real label
    gtin, gcode = codes["gtin"]
    labels_before = int(w.sql("select count(*) from label"))
    reports_before = int(w.sql("select count(*) from report"))
    T.check(labels_before > 0, "seeded labels", labels_before)

    srv = Server(w, "--reports-per-hour", 1, "--unknown-per-minute", 1000000).start()
    h = Hostile(srv)
    alive = False
    sent_reports = []  # (contact, text, code) of reports answered 200
    report_ok = 0
    next_src = [10]

    def rep(name, data, **kw):
        """A hostile POST to the report route from a client of its own;
        counts the reports the server accepted (each must be stored)."""
        nonlocal report_ok
        kw.setdefault("src", fresh_src())
        resps = h.send(name, data, **kw)
        report_ok += sum(1 for r in resps if r[0] == 200)
        return resps

    def fresh_src():
        """A client address of its own, so that the report rate limit (per
        client) does not refuse injected reports we want stored."""
        next_src[0] += 1
        return "127.0.0.%d" % next_src[0]

    try:
        # -- over-long request lines, headers and paths ----------------------------
        too_big = {400, 413, 414, 431}
        for n in (20 * 1024, 100 * 1024):
            h.send("path of %d KB" % (n // 1024), req("GET", "/v/" + "A" * n),
                   expect=too_big, must_answer=False)
            h.send("query of %d KB" % (n // 1024), req("GET", "/v?code=" + "B" * n),
                   expect=too_big, must_answer=False)
            h.send("API path of %d KB" % (n // 1024), req("GET", "/api/v1/verify/" + "C" * n),
                   expect=too_big, must_answer=False)
            h.send("header value of %d KB" % (n // 1024),
                   req("GET", "/", [("X-Filler", "x" * n)]), expect=too_big, must_answer=False)
            h.send("header name of %d KB" % (n // 1024),
                   req("GET", "/", [("X" * n, "1")]), expect=too_big, must_answer=False)
        h.send("2000 headers", req("GET", "/", [("X-H%d" % i, "v") for i in range(2000)]),
               expect=too_big, must_answer=False)
        h.send("300 headers", req("GET", "/", [("X-H%d" % i, "v") for i in range(300)]),
               expect={200} | too_big)
        # Long but inside the header limit: the code is looked up, not found,
        # and shown back cut short.
        resps = h.send("code of 8000 characters", req("GET", "/v/" + "D" * 8000), expect={404})
        if resps:
            T.check(b"D" * 65 not in resps[0][3], "code of 8000 characters: shown cut short")
        h.send("API code of 8000 characters", req("GET", "/api/v1/verify/" + "E" * 8000),
               expect={404})

        # -- huge bodies -----------------------------------------------------------
        rep_path = "/v/%s/report" % void
        rep("report declaring a 10 MB body",
            req("POST", rep_path, [FORM, ("Content-Length", "10000000")], b"text=" + b"a" * 1000),
            expect={413})
        rep("report sending 1 MB against a 10 MB Content-Length",
            req("POST", rep_path, [FORM, ("Content-Length", "10000000")],
                b"text=" + b"a" * (1 << 20)), expect={413}, must_answer=False)
        # A chunked body has no declared length: the server learns it is too
        # large while reading it, and must still answer 413 (not cut the
        # connection without a word).
        body = b"text=" + b"b" * (40 * 1024)
        rep("chunked report body of 40 KB",
            req("POST", rep_path, [FORM, ("Transfer-Encoding", "chunked")], chunked(body, 4096)),
            expect={413})
        rep("chunked report body of 40 KB in one chunk",
            req("POST", rep_path, [FORM, ("Transfer-Encoding", "chunked")], chunked(body, 1 << 20)),
            expect={413})
        h.send("chunked GET body of 40 KB",
               req("GET", "/v/" + void, [("Transfer-Encoding", "chunked")],
                   chunked(b"z" * (40 * 1024), 8192)), expect={413})
        rep("chunk size not hex",
            req("POST", rep_path, [FORM, ("Transfer-Encoding", "chunked")], b"zz\r\nabc\r\n0\r\n\r\n"),
            expect={400, 413})
        rep("chunk size of 2^72",
            req("POST", rep_path, [FORM, ("Transfer-Encoding", "chunked")],
                b"ffffffffffffffffff\r\nabc\r\n0\r\n\r\n"), expect={400, 413})
        rep("report text of 5000 characters (limit 2000)",
            form_post(rep_path, {"text": "t" * 5000}), expect={400, 413})
        rep("report text of 9000 bytes (over the field buffer)",
            form_post(rep_path, {"text": "u" * 9000}), expect={400, 413})
        rep("report as text/plain",
            req("POST", rep_path, [("Content-Type", "text/plain"), ("Content-Length", "9")],
                b"text=abcd"), expect={400, 415})
        rep("report as JSON",
            req("POST", rep_path, [("Content-Type", "application/json"), ("Content-Length", "15")],
                b'{"text":"abcd"}'), expect={400, 415})
        rep("report without text",
            form_post(rep_path, {"contact": "x@y.z"}), expect={400})

        # -- bodies on GET -------------------------------------------------------------
        h.send("GET with a 20-byte body",
               req("GET", "/v/" + void, [("Content-Length", "20")], b"01234567890123456789"),
               expect={200})
        h.send("GET with a chunked body",
               req("GET", "/v/" + void, [("Transfer-Encoding", "chunked")], chunked(b"hello" * 10, 7)),
               expect={200})
        h.send("GET declaring a 100 KB body",
               req("GET", "/v/" + void, [("Content-Length", "102400")], b"x" * 100), expect={413})
        h.send("API GET with a form body",
               req("GET", "/api/v1/verify/" + void, [FORM, ("Content-Length", "9")], b"text=abcd"),
               expect={200})

        # -- invalid UTF-8, broken percent-encoding, NUL bytes -------------------------
        bad_paths = [
            ("/v/%FF%FE", {404}), (b"/v/\xff\xfe", {404}), ("/v?code=%FF%FE", {404}),
            (b"/v?code=\xff\xfe\xfd", {404}), ("/api/v1/verify/%FF%FE", {404}),
            (b"/api/v1/verify/\xc3\x28", {404}), ("/v/%C0%AF", {404}), ("/v/%ED%A0%80", {404}),
            ("/v/%", {404}), ("/v/%G1", {404}), ("/v/%%", {404}), ("/v/abc%", {404}),
            ("/v?code=%", {404}), ("/v?code=%G1", {404}), ("/v?code=%%", {404}),
            ("/api/v1/verify/%%G", {404}), (b"/v/a\x00b", {404, 400}), ("/v/a%00b", {404}),
            ("/v/%00", {200, 404}), ("/v?code=a%00b", {404}), ("/v?code=%00", {200, 404}),
            ("/api/v1/verify/a%00b", {404}), ("/?lang=%FF%FE", {200}), ("/?lang=%00en", {200}),
            ("/01/%FF/21/%FE", {400}), ("/01/%00/21/" + gcode, {400}),
            ("/v/%0d%0aSet-Cookie:%20owned=1", {404}), ("/?lang=%0d%0aX-Injected:%201", {200}),
            (b"/v/\x01\x02\x7f", {404, 400}),
        ]
        for path, expect in bad_paths:
            name = "GET %r" % (path,)
            h.send(name, req("GET", path), expect=expect,
                   must_not_contain=(b"\r\nSet-Cookie", b"\r\nX-Injected"))
        for name, body in [("report text holding NUL", b"text=ab%00cd"),
                           ("report text of invalid UTF-8", b"text=%FF%FE%FDabcd"),
                           ("report text of raw 0xFF bytes", b"text=ab\xff\xfecd"),
                           ("report contact of raw 0xFF bytes", b"text=abcd&contact=\xff\xfe\xff"),
                           ("report text of a lone surrogate", b"text=%ED%A0%80"),
                           ("report text with control characters", b"text=a%01%02%1Bb")]:
            rep(name, req("POST", rep_path, [FORM, ("Content-Length", str(len(body)))], body),
                expect={400})

        # -- SQL injection in codes -------------------------------------------------------
        for s in SQLI:
            for path in ("/v/" + q(s), "/v?code=" + q(s), "/01/%s/21/%s" % (gtin, q(s))):
                # No label matches: a 404 page, never a verdict for some label.
                h.send("SQL in %s" % path.split("/")[1], req("GET", path), expect={404},
                       markers=[s] if "'" in s or '"' in s else [])
            resps = h.send("SQL in API code", req("GET", "/api/v1/verify/" + q(s)), expect={404})
            if resps and resps[0][1].get("content-type", "").startswith("application/json"):
                j = json.loads(resps[0][3])
                T.check(j.get("verdict") != "GENUINE" and "scans" not in j,
                        "SQL in API code: no label matched", j)

        # -- HTML and script injection ----------------------------------------------------
        for s in XSS:
            h.send("markup in code of /v/", req("GET", "/v/" + q(s)), expect={404}, markers=[s])
            h.send("markup in ?code", req("GET", "/v?code=" + q(s)), expect={404}, markers=[s])
            h.send("markup in ?lang", req("GET", "/v/%s?lang=%s" % (void, q(s))), expect={200},
                   markers=[s])
            h.send("markup in API code", req("GET", "/api/v1/verify/" + q(s)), expect={404})
        h.send("markup in ?lang of the home page", req("GET", "/?lang=" + q(XSS[1])), expect={200},
               markers=[XSS[1]])
        h.send("markup in ?lang and ?code together",
               req("GET", "/v?code=%s&lang=%s" % (q(XSS[0]), q(XSS[1]))), expect={404},
               markers=XSS[:2])
        h.send("markup in Accept-Language",
               req("GET", "/v/" + void, [("Accept-Language", XSS[0] + ";q=1, " + XSS[1])]),
               expect={200}, markers=XSS[:2])
        h.send("markup in User-Agent and Referer",
               req("GET", "/v/" + void, [("User-Agent", XSS[0]), ("Referer", XSS[1])]),
               expect={200}, markers=XSS[:2])
        h.send("TRACE with markup in a header",
               req("TRACE", "/", [("X-Echo", XSS[0])]), expect={405}, markers=[XSS[0]])
        rep("markup in the report route's ?lang",
            req("POST", rep_path + "?lang=" + q(XSS[2]), [FORM, ("Content-Length", "0")]),
            expect={400}, markers=[XSS[2]])

        # Reports carrying injections: accepted, shown back escaped, stored as text.
        injected = [(XSS[i % len(XSS)] + " " + SQLI[i % len(SQLI)], "inj-%d@x.cn" % i)
                    for i in range(5)]
        injected.append(("x'); DROP TABLE label;--\r\nline 2\t<b>bold</b> 测试", "inj-5'; --"))
        for text, contact in injected:
            resps = rep("report with injected text",
                        form_post(rep_path, {"text": text, "contact": contact}),
                        expect={200}, markers=XSS)
            if resps and resps[0][0] == 200:
                sent_reports.append((contact, text, void))
        # At the limits: 2000 characters of text and 100 of contact are allowed
        # (the form says maxlength 2000 and 100), in any script; one more is not.
        for text, contact, expect in [
                ("😀" * 2000, "emoji-2000", {200}),
                ("测" * 2000, "cjk-2000", {200}),
                ("limit of the contact", "联" * 100, {200}),
                ("one over the contact", "联" * 101, {400, 413}),
                ("测" * 2001, "cjk-2001", {400, 413})]:
            resps = rep("report of %d+%d characters" % (len(text), len(contact)),
                        form_post(rep_path + "?lang=en", {"text": text, "contact": contact}),
                        expect=expect)
            if resps and resps[0][0] == 200:
                sent_reports.append((contact, text, void))
        for s in [XSS[0], XSS[1], SQLI[0], SQLI[1]]:
            path = "/v/%s/report" % q(s)
            resps = rep("report on an injected code", form_post(path, {"text": "odd code"}),
                        expect={200, 400, 404}, markers=XSS)
            if resps and resps[0][0] == 200:
                sent_reports.append(("", "odd code", s))

        # -- path traversal ---------------------------------------------------------------
        for path in ["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                     "/v/../../etc/passwd", "/static/..%2f..%2f..%2fetc%2fpasswd",
                     "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/static/gimark.css/../../../etc/passwd",
                     "/..%2f..%2f..%2fetc/passwd", "/static//etc/passwd",
                     "/static/%252e%252e/etc/passwd",
                     "/static/....//....//etc/passwd", "/api/v1/verify/..%2f..%2fetc%2fpasswd",
                     "/static/..\\..\\etc\\passwd"]:
            h.send("traversal %s" % path, req("GET", path), expect={400, 404},
                   must_not_contain=(b"root:",))

        # -- wrong methods on every route ----------------------------------------------------
        routes = [("/", "GET, HEAD"), ("/v", "GET, HEAD"), ("/v/" + void, "GET, HEAD"),
                  ("/01/%s/21/%s" % (gtin, gcode), "GET, HEAD, OPTIONS"),
                  ("/api/v1/verify/" + void, "GET, HEAD"),
                  ("/healthz", "GET, HEAD"), ("/metrics", "GET, HEAD"),
                  ("/static/gimark.css", "GET, HEAD"), (rep_path, "POST")]
        for path, allow in routes:
            methods = ["PUT", "DELETE", "PATCH", "TRACE", "BREW"]
            if "OPTIONS" not in allow:  # a GS1 Digital Link answers CORS preflights
                methods.append("OPTIONS")
            if allow == "POST":
                methods += ["GET", "HEAD"]
            for m in methods:
                extra = [("Content-Length", "0")] if m in ("PUT", "PATCH") else []
                resps = h.send("%s %s" % (m, path), req(m, path, extra), expect={405},
                               head=(m == "HEAD"), )
                if resps:
                    T.check(resps[0][1].get("allow") == allow, "%s %s: Allow: %s" % (m, path, allow),
                            resps[0][1].get("allow"))
        h.send("lower-case method", req("get", "/v/" + void), expect={400, 405, 501})
        h.send("method with a NUL", req(b"G\x00T", "/"), expect={400, 405})
        h.send("method of 4 KB", req("X" * 4096, "/"), expect={400, 405, 414, 431, 501})

        # -- HTTP/0.9 and garbage request lines ------------------------------------------------
        h.send("HTTP/0.9 request", b"GET /\r\n", expect={400}, must_answer=False, half_close=True)
        h.send("HTTP/0.9 request of a code", b"GET /v/" + void.encode() + b"\r\n", expect={400},
               must_answer=False, half_close=True)
        h.send("HTTP/2.0 request line", req("GET", "/", version="HTTP/2.0"), expect={400, 505},
               allow_505=True)  # 505 HTTP Version Not Supported is the right answer here
        for line in [b"GET / HTTP/1.x\r\n", b"GET / FOO/1.1\r\n", b"GET / HTTP/3\r\n", b"GET\r\n",
                     b" / HTTP/1.1\r\n", b"GET / HTTP/1.1 extra\r\n", b" " * 200 + b"\r\n",
                     b"GET / HTTP/1.1\r\nBad Header Line\r\n", b"GET / HTTP/1.1\r\n Folded: x\r\n",
                     b"GET / HTTP/1.1\r\nX-A: 1\r\n Folded: x\r\n",
                     b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(64)),
                     b"\r\n\r\n\r\n", b"GET http://evil.example/v/" + void.encode() + b" HTTP/1.1\r\n",
                     b"GET * HTTP/1.1\r\n", b"OPTIONS * HTTP/1.1\r\n", b"GET /\x7f HTTP/1.1\r\n",
                     b"GET /\r HTTP/1.1\r\n", b"GET //////// HTTP/1.1\r\n",
                     bytes((i * 37 + 11) % 256 for i in range(1024))]:
            h.send("garbage %r" % line[:40], line + b"Host: x\r\nConnection: close\r\n\r\n",
                   must_answer=False, half_close=True)

        # A header line with no name is invalid. libmicrohttpd 0.9.75 (Debian 12's)
        # ends the header block there and reads the rest as a second request
        # (200, then 400 to "Connection: close"): a limit of the library, not
        # fixable in the handler, which never sees the line. The nginx front of
        # deploy/ refuses such a request whole; here: no crash, no 5xx.
        h.send("header line with an empty name",
               b"GET /v/" + void.encode() +
               b" HTTP/1.1\r\nHost: x\r\n: no-name\r\nConnection: close\r\n\r\n",
               expect={200, 400}, single=False)

        # -- missing or odd Host ---------------------------------------------------------------
        h.send("HTTP/1.1 without Host", req("GET", "/", host=False), expect={400})
        h.send("HTTP/1.1 without Host, a code", req("GET", "/v/" + void, host=False), expect={400})
        h.send("two Host headers", req("GET", "/", [("Host", "evil.example")]), expect={200, 400})
        h.send("Host with markup", req("GET", "/", [("Host", XSS[0])], host=False), expect={200, 400},
               markers=[XSS[0]])
        h.send("HTTP/1.0 without Host", req("GET", "/v/" + void, version="HTTP/1.0", host=False),
               expect={200})

        # -- Accept-Language with hundreds of entries and odd q-values ----------------------------
        odd_q = ["1.5", "-1", "0.0000001", "abc", "", "1.000", "0.", ".5", "99999999999999999999",
                 "0.5;q=0.9", "1e3", "NaN", "0x1"]
        entries = ["x%d;q=%s" % (i, odd_q[i % len(odd_q)]) for i in range(400)]
        al = ",".join(entries[:200] + ["en;q=0.001"] + entries[200:] + ["zh;q=abc", ";;;;", ",,,"])
        h.send("Accept-Language of %d entries" % (len(entries) + 4),
               req("GET", "/v/" + void, [("Accept-Language", al)]), expect={200})
        h.send("Accept-Language of 15 KB",
               req("GET", "/", [("Accept-Language", ("en-GB;q=0.%d," % 5) * 1200)]),
               expect={200} | too_big)
        h.send("Accept-Language of only separators",
               req("GET", "/", [("Accept-Language", ";" * 500 + "," * 500 + "q=" * 100)]), expect={200})
        h.send("Accept-Language with odd q-values",
               req("GET", "/", [("Accept-Language", "en;q=1.9999999999, zh;q=-0.5, *;q=, en;q")]),
               expect={200})

        # -- absurd Content-Length values -------------------------------------------------------
        # libmicrohttpd 0.9.75 answers a Content-Length it cannot parse itself,
        # before the handler runs, and writes that answer twice (a second status
        # line inside the first one's body): a limit of the library, refused
        # whole by the nginx front of deploy/. Here: a 4xx, no crash, no 5xx.
        for cl in ["-1", "abc", "18446744073709551616", "18446744073709551615",
                   "99999999999999999999999", "1, 2", "+5", "0x10", " 5 ", "5 5",
                   b"\xd9\xa3"]:
            rep("POST Content-Length %r" % cl,
                req("POST", rep_path, [FORM, ("Content-Length", cl)], b"text="),
                expect={400, 411, 413}, must_answer=False, half_close=True, single=False)
            h.send("GET Content-Length %r" % cl, req("GET", "/", [("Content-Length", cl)]),
                   expect={200, 400, 411, 413}, must_answer=False, half_close=True,
                   single=False)
        rep("two differing Content-Lengths",
            req("POST", rep_path, [FORM, ("Content-Length", "5"), ("Content-Length", "50")],
                b"text=hello"), expect={400, 413}, must_answer=False, half_close=True)
        rep("Content-Length with Transfer-Encoding",
            req("POST", rep_path, [FORM, ("Content-Length", "3"), ("Transfer-Encoding", "chunked")],
                chunked(b"text=hello", 4)), expect={200, 400, 413}, must_answer=False, half_close=True)

        # -- requests sent in part, then the connection closed (slowloris-like) ---------
        for part in [b"GET /v/" + void.encode()[:8], b"GET / HTTP/1.1\r\nHost: x\r\n",
                     b"POST " + rep_path.encode() +
                     b" HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\ntext=ab",
                     b"G"]:
            h.tried += 1
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            s.sendall(part)
            s.close()
            T.check(srv.alive(), "half a request %r, then closed: server still running" % part[:30])
        # ... and one left open while a normal client is served.
        h.tried += 1
        lingering = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        lingering.sendall(b"GET /v/" + void.encode()[:6])
        st, _, body = srv.get("/v/%s?lang=en" % void)
        T.check(st == 200, "served while a half-sent request waits", st)
        lingering.close()

        # -- the report rate limit -----------------------------------------------------------
        # burst 3, then 1 an hour: from one client, the 4th report in a row is refused.
        statuses = []
        for i in range(8):
            c = srv.conn()
            c.source_address = ("127.0.0.2", 0)
            text = "rate limit %d: x'); DELETE FROM report;--" % i
            form = urllib.parse.urlencode({"text": text, "contact": "rl-%d" % i})
            st, hd, body = srv.request("POST", "/v/%s/report" % genuine, body=form,
                                       headers={"Content-Type": "application/x-www-form-urlencoded"},
                                       conn=c)
            c.close()
            statuses.append(st)
            if st == 200:
                report_ok += 1
                sent_reports.append(("rl-%d" % i, text, genuine))
            if st == 429:
                T.check(hd.get("content-type", "").startswith("text/html"), "429 page is HTML",
                        hd.get("content-type"))
                T.check(body.lstrip().lower().startswith(b"<!doctype html>") and b"</html>" in body,
                        "429 page is a whole HTML document", body[:200])
                break
        T.check(429 in statuses, "a client's reports are refused with 429 at last", statuses)
        T.check(statuses[:3] == [200, 200, 200] and statuses[3:] == [429],
                "rate limit: burst of 3 accepted, the 4th refused", statuses)
        c = srv.conn()
        c.source_address = ("127.0.0.3", 0)
        st, _, _ = srv.request("POST", "/v/%s/report" % genuine, body="text=another+client",
                               headers={"Content-Type": "application/x-www-form-urlencoded"}, conn=c)
        c.close()
        T.check(st == 200, "another client's report is still accepted", st)
        if st == 200:
            report_ok += 1
            sent_reports.append(("", "another client", genuine))

        # -- the server still works ----------------------------------------------------------
        T.check(srv.alive(), "server alive after %d bad requests" % h.tried)
        st, _, body = srv.get("/v/%s?lang=en" % genuine)
        T.check(st == 200, "GET /v/GENUINE still answers 200", st)
        T.check(b"Genuine label" in body, "GET /v/GENUINE still shows the genuine verdict",
                body[:300])
        st, _, body = srv.get("/api/v1/verify/%s" % genuine)
        T.check(st == 200 and json.loads(body).get("verdict") == "GENUINE",
                "the API still answers GENUINE", body[:300])
        st, _, body = srv.get("/healthz")
        T.check(st == 200 and body == b"ok\n", "healthz ok", (st, body))
        alive = srv.alive()
    finally:
        rc = srv.stop()
    T.check(rc == 0, "SIGTERM stops the server with exit status 0", "%s: %s" % (rc, srv.stderr()[-500:]))

    # -- the database afterwards ----------------------------------------------------------------
    T.check(w.sql("PRAGMA integrity_check") == "ok", "PRAGMA integrity_check: ok")
    tables = w.tables()
    for t in ("label", "report", "batch", "product"):
        T.check(t in tables, "table %s still exists" % t, sorted(tables))
    T.check(w.scans_sql("PRAGMA integrity_check") == "ok",
            "PRAGMA integrity_check of the scans file: ok")
    T.check(int(w.scans_sql("select count(*) from scan") or 0) > 0, "scans were stored")
    T.check(int(w.sql("select count(*) from label")) == labels_before,
            "label rows unchanged", labels_before)
    stored = int(w.sql("select count(*) from report")) - reports_before
    T.check(stored == report_ok, "reports stored == reports answered 200", (stored, report_ok))
    for contact, text, code in sent_reports:
        if not contact:
            continue
        esc = contact.replace("'", "''")
        got = w.sql("select hex(text) || ' ' || hex(code) from report where contact = '%s'" % esc)
        want = "%s %s" % (text.encode().hex().upper(), code.encode().hex().upper())
        T.check(got == want, "report %r stored as sent" % contact, "got %r, want %r" % (got, want))

    print("hostile: %d bad requests tried, %d 5xx (besides %d 505 to an HTTP/2.0 request line), "
          "server %s" % (h.tried, h.five_bad, h.five - h.five_bad, "alive" if alive else "DEAD"))
    print("hostile: statuses %s; %d reports accepted, %d stored"
          % (dict(sorted(h.statuses.items())), report_ok, stored))


if __name__ == "__main__":
    main()
