"""test_login.py - sign-in limits an attacker cannot turn against the owner,
and sign-in that never starves the verify path, against the real server.

The server trusts 127.0.0.1 as a proxy, so each request names its client in
X-Forwarded-For (web/client.h): many clients from one test.

- Another client's wrong guesses do not refuse the owner's right password:
  the failing clients wait (429 with Retry-After), the owner signs in.
- IPv6 clients count by /64: a new address in a failing /64 waits too, the
  next /64 does not.
- Beyond the cap on password checks at once (--login-hashes 1), a sign-in is
  answered 503 with Retry-After, nothing else 5xx, and a consumer
  verification answers meanwhile.
- A password past the limit costs an existing account what it costs a
  missing one (medians of several tries; a fair factor, the machine is
  shared).
- `user passwd` and `user disable` end the account's sessions; a disabled
  account's tokens stop working; `token revoke --all` ends every token.
"""

import json
import os
import re
import statistics
import sys
import threading
import time
from urllib.parse import urlencode

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "another long enough secret"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Client:
    """A browser at one client address (sent as X-Forwarded-For)."""

    def __init__(self, server, address):
        self.s = server
        self.address = address
        self.cookies = {}

    def request(self, method, path, fields=None, timeout=30):
        headers = {"X-Forwarded-For": self.address}
        if fields is not None:
            headers.update(FORM)
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        c = self.s.conn(timeout=timeout)
        try:
            c.request(method, path, body=urlencode(fields) if fields is not None else None,
                      headers=headers)
            r = c.getresponse()
            body = r.read().decode("utf-8", "replace")
            for sc in r.headers.get_all("Set-Cookie") or []:
                name, value = sc.split(";")[0].split("=", 1)
                if "Max-Age=0" in sc:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            return r.status, {k.lower(): v for k, v in r.getheaders()}, body
        finally:
            c.close()

    def sign_in(self, name, password=PASSWORD):
        """(status, headers) of one sign-in, its form fetched first."""
        _, _, html = self.request("GET", "/login?lang=en")
        m = re.search(r'name="csrf" value="([^"]+)"', html)
        status, h, _ = self.request("POST", "/login?lang=en",
                                    {"username": name, "password": password,
                                     "csrf": m.group(1) if m else ""})
        return status, h

    def desk(self):
        """The status of the regulator desk with this client's cookies."""
        return self.request("GET", "/admin/?lang=en")[0]


def retry_after_ok(h):
    return h.get("retry-after", "").isdigit() and int(h["retry-after"]) >= 1


def test_owner_not_locked_out(t, s):
    attacker = Client(s, "203.0.113.66")
    got = [attacker.sign_in("reg", "not the password %d" % i) for i in range(8)]
    statuses = [st for st, _ in got]
    t.check(statuses[:3] == [401] * 3 and statuses[3:] == [429] * 5,
            "the guessing client gets 3 tries, then waits", statuses)
    t.check(all(retry_after_ok(h) for st, h in got if st == 429),
            "its 429s carry Retry-After", [h.get("retry-after") for _, h in got])
    second = Client(s, "203.0.113.67")
    statuses = [second.sign_in("reg", "still not it %d" % i)[0] for i in range(3)]
    t.check(statuses == [401, 401, 429],
            "a second guessing client: the name is under attack after 5 wrong, and a client "
            "that failed on it waits", statuses)
    owner = Client(s, "198.51.100.10")
    status, h = owner.sign_in("reg")
    t.check(status == 303 and "gimark_session" in owner.cookies,
            "the owner's right password from a client that has not failed signs in", (status, h))
    t.check(owner.desk() == 200, "and its session works")
    t.check(attacker.sign_in("reg")[0] == 429,
            "the client that failed still waits, even with the right password")
    return owner


def test_ipv6_by_64(t, s):
    first = Client(s, "2001:db8:1:2::1")
    statuses = [first.sign_in("aud", "wrong guess %d" % i)[0] for i in range(3)]
    t.check(statuses == [401] * 3, "three wrong from 2001:db8:1:2::1", statuses)
    status, _ = Client(s, "2001:db8:1:2:ffff:1:2:3").sign_in("aud", "wrong guess again")
    t.check(status == 429, "another address of the same /64 counts as the same client", status)
    status, _ = Client(s, "2001:db8:1:3::1").sign_in("aud", "wrong guess again")
    t.check(status == 401, "the next /64 is another client", status)


def test_hash_cap(t, s, code):
    """Bursts of concurrent sign-ins from distinct clients (no rate limit
    applies) until the cap answers 503; each burst also checks that a
    verification answers while the sign-ins are in flight."""
    all_statuses, retry_afters, verified_meanwhile, latencies = [], [], [], []
    deadline = time.monotonic() + 60
    burst = 0
    while time.monotonic() < deadline and 503 not in all_statuses:
        burst += 1
        results = []
        lock = threading.Lock()

        def one(i):
            st, h = Client(s, "192.0.2.%d" % (burst * 10 + i)).sign_in(
                "ghost%d-%d" % (burst, i), "some wrong password")
            with lock:
                results.append((st, h.get("retry-after")))

        threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
        for th in threads:
            th.start()
        while any(th.is_alive() for th in threads):
            t0 = time.monotonic()
            st, _, body = s.get("/api/v1/verify/" + code)
            still_running = any(th.is_alive() for th in threads)
            if st == 200 and json.loads(body).get("verdict", "").startswith("GENUINE"):
                verified_meanwhile.append(still_running)
                if still_running:
                    latencies.append(time.monotonic() - t0)
        for th in threads:
            th.join()
        all_statuses += [st for st, _ in results]
        retry_afters += [ra for st, ra in results if st == 503]
    t.check(503 in all_statuses, "beyond one password check at once, sign-ins get 503 "
            "(%d bursts of 8)" % burst, all_statuses)
    t.check(set(all_statuses) <= {401, 503}, "nothing but 401 and 503", all_statuses)
    t.check(retry_afters and all(ra and ra.isdigit() and int(ra) >= 1 for ra in retry_afters),
            "every 503 carries Retry-After", retry_afters)
    t.check(True in verified_meanwhile, "a verification answered while sign-ins were hashed",
            verified_meanwhile)
    latencies.sort()
    print("login: hash cap 1: %d sign-ins, %d answered 503; %d verifications meanwhile, "
          "median %.1f ms, p90 %.1f ms, max %.1f ms (new connection each)"
          % (len(all_statuses), all_statuses.count(503), len(latencies),
             1e3 * latencies[len(latencies) // 2] if latencies else 0,
             1e3 * latencies[len(latencies) * 9 // 10] if latencies else 0,
             1e3 * latencies[-1] if latencies else 0))


def test_refusal_timing(t, s):
    """Existing vs missing account, both with a password past the limit:
    medians of 5 alternating tries, each from a fresh client."""
    long_pw = "x" * 400
    times = {"reg": [], "no-such-user": []}
    statuses = []
    for i in range(5):
        for name in times:
            c = Client(s, "100.64.%d.%d" % (i, len(name)))
            _, _, html = c.request("GET", "/login?lang=en")
            csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
            t0 = time.monotonic()
            st, _, _ = c.request("POST", "/login?lang=en",
                                 {"username": name, "password": long_pw, "csrf": csrf})
            times[name].append(time.monotonic() - t0)
            statuses.append(st)
    have, missing = statistics.median(times["reg"]), statistics.median(times["no-such-user"])
    print("login: over-long password, medians of 5: existing %.0f ms, missing %.0f ms"
          % (have * 1e3, missing * 1e3))
    t.check(set(statuses) == {401}, "over-long passwords refused with 401", statuses)
    t.check(missing / 3 < have < missing * 3,
            "an existing account costs what a missing one does (%.0f vs %.0f ms)"
            % (have * 1e3, missing * 1e3), (times))


def test_sessions_end(t, s, w, owner):
    t.check(owner.desk() == 200, "the owner is signed in")
    w.gimark("user", "passwd", "reg", stdin=NEW_PASSWORD + "\n")
    t.check(owner.desk() == 303, "user passwd ends the account's sessions")
    again = Client(s, "198.51.100.11")
    t.check(again.sign_in("reg", NEW_PASSWORD)[0] == 303 and again.desk() == 200,
            "the new password signs in")
    token = w.json("token", "create", "reg", "--name", "test")["token"]
    bearer = {"Authorization": "Bearer " + token}
    t.check(s.get("/api/v1/me", headers=bearer)[0] == 200, "the token works")
    w.gimark("user", "disable", "reg")
    t.check(again.desk() == 303, "user disable ends the account's sessions")
    t.check(s.get("/api/v1/me", headers=bearer)[0] == 401, "a disabled account's token is refused")
    t.check(Client(s, "198.51.100.12").sign_in("reg", NEW_PASSWORD)[0] == 401,
            "a disabled account cannot sign in")
    w.gimark("user", "enable", "reg")
    t.check(s.get("/api/v1/me", headers=bearer)[0] == 200, "enabled again, the token works")
    out = w.json("token", "revoke", "--all", "reg")
    t.check(out.get("revoked") == 1, "token revoke --all says how many it revoked", out)
    t.check(s.get("/api/v1/me", headers=bearer)[0] == 401, "token revoke --all ends the token")
    actions = w.sql("select action from audit_log where action in ('account.passwd', "
                    "'account.disable', 'token.revoke_all') order by id").split()
    t.check(actions == ["account.passwd", "account.disable", "token.revoke_all"],
            "each is audited", actions)


def main():
    t = g.Tally("test_login")
    w = g.Workdir()
    try:
        w.gimark("init")
        w.gimark("demo")
        for name, scope in (("reg", "45"), ("aud", "45")):
            w.gimark("user", "add", name, "--role", "regulator" if name == "reg" else "auditor",
                     "--scope", scope, stdin=PASSWORD + "\n")
        _, codes = w.batch(1, 1)
        s = g.Server(w, "--trusted-proxy", "127.0.0.1", "--login-hashes", "1", "--threads", "4",
                     "--access-log", "off").start()
        try:
            owner = test_owner_not_locked_out(t, s)
            test_ipv6_by_64(t, s)
            test_hash_cap(t, s, codes[0])
            test_refusal_timing(t, s)
            test_sessions_end(t, s, w, owner)
        finally:
            rc = s.stop()
            t.check(rc == 0, "the server stops cleanly", (rc, s.stderr()[-2000:]))
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
