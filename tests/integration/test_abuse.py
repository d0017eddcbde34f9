#!/usr/bin/env python3
"""test_abuse.py - the real server under sustained mixed load and under a
flood of unknown codes, on loopback.

a) LOAD_SECONDS (default 15) of 64 keep-alive connections on mixed routes:
   consumer pages in both languages, the GS1 Digital Link form, the JSON
   verdict, unknown codes, the REST API with a token, the sign-in page,
   health, metrics and the stylesheet. Every answer must have the status its
   route gives (0 errors, 0 connection failures), and after SIGTERM every
   scan answered is stored: nothing lost.
b) One client floods the server with unknown codes. It is answered 404 up to
   its allowance (--unknown-per-minute), then 429 with Retry-After, and the
   refused inputs are not stored as scans; meanwhile other clients are
   served their pages and their own unknown codes as usual, and the
   flooding client itself still gets its genuine pages. The server runs
   with --trusted-proxy 127.0.0.1, so clients are told apart by the
   X-Forwarded-For a proxy would send; without it, a flooder cannot escape
   its limit by sending X-Forwarded-For itself.

Run from the repository root: python3 tests/integration/test_abuse.py
"""

import http.client
import json
import os
import random
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gimark_test import Server, Tally, Workdir, seed_verdicts  # noqa: E402

T = Tally("abuse")
CONNECTIONS = 64
LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "15"))
ALLOWANCE = 30  # --unknown-per-minute of the flood test
PASSWORD = "correct horse battery staple"


def unknown_code(rng):
    """A well-formed code that was never issued (the check character aside,
    which makes most of them MALFORMED: both verdicts answer 404)."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "".join(rng.choice(alphabet) for _ in range(16))


def mixed_routes(codes, token):
    """(weight, method, path maker, headers maker, expected status, scans it records)."""
    genuine = codes["GENUINE"]
    gtin, gtin_code = codes["gtin"]
    bearer = {"Authorization": "Bearer " + token}
    return [
        (30, "/v/" + genuine, None, 200, 1),
        (10, "/v/" + genuine + "?lang=en", None, 200, 1),
        (10, "/api/v1/verify/" + genuine, None, 200, 1),
        (5, "/01/%s/21/%s" % (gtin, gtin_code), None, 200, 1),
        (5, "/v/" + codes["VOID"], None, 200, 1),
        (10, "/v/{unknown}", None, 404, 1),  # from a new client each time: never limited
        (10, "/api/v1/products?limit=5", bearer, 200, 0),
        (3, "/api/v1/stats", bearer, 200, 0),
        (3, "/login", None, 200, 0),
        (5, "/healthz", None, 200, 0),
        (4, "/static/gimark.css", None, 200, 0),
        (2, "/metrics", None, 200, 0),
        (3, "/api/v1/products", None, 401, 0),
    ]


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(p / 100.0 * len(sorted_values)))]


def scan_count(w):
    return int(w.scans_sql("select count(*) from scan"))


def mixed_load(w, codes, token):
    routes = mixed_routes(codes, token)
    weights = [r[0] for r in routes]
    before = scan_count(w)
    srv = Server(w, "--trusted-proxy", "127.0.0.1", "--max-conns-per-ip", 0).start()
    stop_at = [0.0]
    results = [None] * CONNECTIONS
    start = threading.Barrier(CONNECTIONS + 1)

    def client(k):
        rng = random.Random(k)
        c = srv.conn(timeout=30)
        n = errors = scans = 0
        wrong = []
        latencies = []
        start.wait()
        while time.monotonic() < stop_at[0]:
            _, path, headers, want, records = rng.choices(routes, weights)[0]
            headers = dict(headers or {})
            if "{unknown}" in path:
                path = path.replace("{unknown}", unknown_code(rng))
                headers["X-Forwarded-For"] = "10.%d.%d.%d" % (k, rng.randrange(256),
                                                             rng.randrange(256))
            t0 = time.monotonic()
            try:
                c.request("GET", path, headers=headers)
                r = c.getresponse()
                r.read()
            except (OSError, http.client.HTTPException) as e:
                errors += 1
                wrong.append("%s: %r" % (path, e))
                c.close()
                c = srv.conn(timeout=30)
                continue
            latencies.append(time.monotonic() - t0)
            n += 1
            scans += records
            if r.status != want:
                errors += 1
                wrong.append("%s: %d, not %d" % (path, r.status, want))
        c.close()
        results[k] = (n, errors, scans, wrong[:3], latencies)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CONNECTIONS)]
    try:
        for t in threads:
            t.start()
        stop_at[0] = time.monotonic() + LOAD_SECONDS
        t0 = time.monotonic()
        start.wait()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
    finally:
        rc = srv.stop()
    T.check(rc == 0, "stopped after the load: exit status 0", srv.stderr()[-300:])
    total = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    answered_scans = sum(r[2] for r in results)
    wrong = [x for r in results for x in r[3]]
    lat = sorted(x for r in results for x in r[4])
    T.check(total > 0, "requests answered under load", total)
    T.check(errors == 0, "0 errors in %.0f s on %d connections" % (LOAD_SECONDS, CONNECTIONS),
            "%d errors: %s" % (errors, wrong[:5]))
    stored = scan_count(w) - before
    T.check(stored == answered_scans, "every verification answered is a stored scan",
            "answered %d, stored %d" % (answered_scans, stored))
    print("abuse: mixed load held: %d requests in %.1f s on %d connections (%.0f/s), "
          "%d errors, p50 %.1f ms, p99 %.1f ms, %d scans answered and %d stored" %
          (total, elapsed, CONNECTIONS, total / elapsed, errors, percentile(lat, 50) * 1000,
           percentile(lat, 99) * 1000, answered_scans, stored))


def get(srv, conn, path, client=None):
    headers = {"X-Forwarded-For": client} if client else {}
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    return r.status, r.getheader("Retry-After"), body


def flood(w, codes):
    rng = random.Random(7)
    flooder, others = "203.0.113.66", ["198.51.100.%d" % i for i in range(1, 9)]
    srv = Server(w, "--trusted-proxy", "127.0.0.1",
                 "--unknown-per-minute", ALLOWANCE).start()
    before = scan_count(w)
    statuses = {}
    retry_after = set()
    json_answers = []  # (status, Retry-After, body) of the flood's JSON requests
    served = {"ok": 0, "bad": []}
    flooding = threading.Event()
    done = threading.Event()

    def flood_client():
        c = srv.conn()
        for i in range(1500):
            # every 50th request asks for the JSON verdict instead of the page
            as_json = i % 50 == 49
            path = ("/api/v1/verify/" if as_json else "/v/") + unknown_code(rng)
            st, ra, body = get(srv, c, path, flooder)
            if as_json and i >= ALLOWANCE:
                json_answers.append((st, ra, body))
            statuses[st] = statuses.get(st, 0) + 1
            if st == 429:
                retry_after.add(ra)
            if i == ALLOWANCE + 10:
                flooding.set()  # well past its allowance: the others start now
        c.close()
        done.set()

    def other_client(addr):
        c = srv.conn()
        flooding.wait(30)
        k = 0
        while not done.is_set() or k < 20:
            # a typo now and then, well within the allowance
            typo = k % 10 == 1 and k < 10 * ALLOWANCE // 2
            path = "/v/" + (unknown_code(random.Random(k)) if typo else codes["GENUINE"])
            want = 404 if typo else 200
            st, _, _ = get(srv, c, path, addr)
            if st == want:
                served["ok"] += 1
            else:
                served["bad"].append((addr, path, st))
            k += 1
        c.close()

    try:
        threads = [threading.Thread(target=flood_client)]
        threads += [threading.Thread(target=other_client, args=(a,)) for a in others]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        c = srv.conn()
        st, _, body = get(srv, c, "/v/" + codes["GENUINE"], flooder)
        T.check(st == 200, "the flooding client still gets a genuine code's page", st)
        c.close()
    finally:
        rc = srv.stop()
    T.check(rc == 0, "stopped after the flood: exit status 0", srv.stderr()[-300:])
    limited = statuses.get(429, 0)
    T.check(statuses.get(404, 0) >= ALLOWANCE, "the flooder's first %d unknown codes answered 404"
            % ALLOWANCE, statuses)
    T.check(limited >= 1500 - ALLOWANCE - 30, "the rest of the flood answered 429", statuses)
    T.check(set(statuses) <= {404, 429}, "no other answers to the flood", statuses)
    T.check(retry_after and all(ra and ra.isdigit() and int(ra) >= 1 for ra in retry_after),
            "429 carries Retry-After in seconds", retry_after)
    # the bucket refills one code in two seconds, so a slow run may let one through
    refused_json = [(ra, body) for st, ra, body in json_answers if st == 429]
    T.check(len(refused_json) >= len(json_answers) - 2 and json_answers,
            "the JSON verdict refuses the flooder too",
            [a[0] for a in json_answers])
    T.check(all(ra and json.loads(body)["error"]["code"] == "rate_limited"
                for ra, body in refused_json),
            "... as a JSON error rate_limited, with Retry-After", refused_json[:2])
    T.check(not served["bad"], "other clients served as usual during the flood",
            served["bad"][:5])
    stored = scan_count(w) - before
    # what was answered 200 or 404 is stored, with the flooder's one genuine page; no 429
    T.check(stored == served["ok"] + statuses.get(404, 0) + 1,
            "refused inputs are not stored as scans, everything else is",
            "stored %d, others %d, flooder 404s %d" % (stored, served["ok"], statuses.get(404, 0)))
    print("abuse: flood of %d unknown codes from one client: %d answered 404, %d refused 429; "
          "%d requests of %d other clients served as usual; %d scans stored" %
          (sum(statuses.values()), statuses.get(404, 0), limited, served["ok"], len(others),
           stored))


def spoofed_flood(w):
    """No trusted proxy: X-Forwarded-For from a client is its own word."""
    rng = random.Random(11)
    srv = Server(w, "--unknown-per-minute", ALLOWANCE).start()
    limited = 0
    try:
        c = srv.conn()
        for i in range(ALLOWANCE + 20):
            st, _, _ = get(srv, c, "/v/" + unknown_code(rng), "192.0.2.%d" % (i % 250 + 1))
            limited += st == 429
        c.close()
    finally:
        srv.stop()
    T.check(limited >= 15, "without --trusted-proxy a made-up X-Forwarded-For does not escape "
            "the limit", "%d of %d refused" % (limited, ALLOWANCE + 20))


def main():
    w = Workdir()
    try:
        codes = seed_verdicts(w)
        w.gimark("user", "add", "load-regulator", "--role", "regulator", stdin=PASSWORD + "\n")
        token = w.json("token", "create", "load-regulator", "--name", "load")["token"]
        flood(w, codes)
        spoofed_flood(w)
        mixed_load(w, codes, token)
    finally:
        w.cleanup()
    T.finish()


if __name__ == "__main__":
    main()
