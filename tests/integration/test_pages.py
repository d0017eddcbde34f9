"""test_pages.py - the signed-in pages against the real server: sign-in with
its CSRF cookie and throttling, session cookies, the operator desk (request,
download, activate), the regulator desk (approve, issue), an auditor's
read-only view, CSRF refusals that change nothing, sign-out.
"""

import os
import re
import sys
from urllib.parse import urlencode

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402

PASSWORD = "correct horse battery staple"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Browser:
    """Just enough of a browser: cookies by name, forms, no redirects followed."""

    def __init__(self, server):
        self.s = server
        self.cookies = {}

    def request(self, method, path, fields=None):
        headers = dict(FORM) if fields is not None else {}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        c = self.s.conn()
        try:
            c.request(method, path, body=urlencode(fields) if fields is not None else None,
                      headers=headers)
            r = c.getresponse()
            body = r.read()
            set_cookies = r.headers.get_all("Set-Cookie") or []
            for sc in set_cookies:
                name, value = sc.split(";")[0].split("=", 1)
                if "Max-Age=0" in sc:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            return r.status, r.headers, body.decode("utf-8", "replace"), set_cookies
        finally:
            c.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        return self.request("POST", path, fields)

    def csrf(self, html):
        m = re.search(r'name="csrf" value="([^"]+)"', html)
        return m.group(1) if m else None

    def sign_in(self, name, password=PASSWORD):
        _, _, html, _ = self.get("/login?lang=en")
        return self.post("/login?lang=en",
                         {"username": name, "password": password, "csrf": self.csrf(html)})


def seed(w):
    w.gimark("init")
    w.gimark("demo")
    for name, role, extra in (("coop", "operator", ["--operator", "93451003MA815908XM"]),
                              ("reg", "regulator", ["--scope", "45"]),
                              ("city", "regulator", ["--scope", "4510"]),
                              ("aud", "auditor", ["--scope", "45"])):
        w.gimark("user", "add", name, "--role", role, *extra, stdin=PASSWORD + "\n")


def batches(w):
    return int(w.sql("select count(*) from batch"))


def test_sign_in(t, s):
    b = Browser(s)
    status, _, html, cookies = b.get("/login")
    t.check(status == 200 and 'type="password"' in html and b.csrf(html), "sign-in form")
    t.check(any(c.startswith("gimark_login=") and "HttpOnly" in c and "SameSite=Strict" in c
                for c in cookies), "sign-in CSRF cookie is HttpOnly, SameSite=Strict", cookies)
    status, _, _, cookies = b.post("/login", {"username": "coop", "password": PASSWORD})
    t.check(status == 403 and not any("gimark_session" in c for c in cookies),
            "sign-in without the CSRF token: 403, no session", status)
    other = Browser(s)
    status, _, html, _ = other.get("/login")
    status, _, _, _ = b.post("/login", {"username": "coop", "password": PASSWORD,
                                        "csrf": other.csrf(html)})
    t.check(status == 403, "sign-in with another browser's token: 403", status)
    status, _, html, _ = b.sign_in("coop", "wrong password!")
    t.check(status == 401 and "Wrong username or password" in html, "wrong password: 401")
    status, h, _, cookies = b.sign_in("coop")
    t.check(status == 303 and h["Location"].startswith("/coop/"), "operator lands on /coop/",
            (status, h.get("Location")))
    session = [c for c in cookies if c.startswith("gimark_session=")]
    t.check(session and "HttpOnly" in session[0] and "SameSite=Strict" in session[0]
            and "Secure" in session[0] and "Max-Age=28800" in session[0],
            "session cookie: HttpOnly, SameSite=Strict, Secure (https base), expires", session)
    return b


def test_operator_desk(t, s, w, coop):
    status, _, html, _ = coop.get("/coop/?lang=en")
    t.check(status == 200 and "Operator desk" in html and "田阳香芒" in html
            and "Request labels" in html and "93451003MA815908XM" in html, "operator desk")
    t.check('<html lang="en"' in html and "Yearly quota" in html, "desk in English")
    status, _, html_zh, _ = coop.get("/coop/")
    t.check("经营者工作台" in html_zh and '<html lang="zh-CN"' in html_zh, "desk in Chinese")
    before = batches(w)
    fields = {"auth_id": "1", "count": "4", "lot_number": "WEB-1", "harvest_date": "2026-07-01"}
    status, _, _, _ = coop.post("/coop/batches", fields)
    t.check(status == 403 and batches(w) == before, "request without CSRF: 403, nothing stored")
    status, _, _, _ = coop.post("/coop/batches", dict(fields, csrf="x" * 43))
    t.check(status == 403 and batches(w) == before, "request with a wrong CSRF token: 403, "
            "nothing stored")
    status, h, _, _ = coop.post("/coop/batches", dict(fields, csrf=coop.csrf(html)))
    t.check(status == 303 and "done=1" in h["Location"] and batches(w) == before + 1,
            "request with the token: stored", status)
    status, _, page, _ = coop.post("/coop/batches", dict(fields, count="0", csrf=coop.csrf(html)))
    t.check(status == 400 and batches(w) == before + 1, "a count of 0 is refused", status)
    status, h, _, _ = coop.get("/admin/")
    t.check(status == 303 and h["Location"].startswith("/coop/"), "operator sent away from /admin/")
    return int(w.sql("select max(id) from batch"))


def test_regulator_desk(t, s, w, bid):
    reg = Browser(s)
    status, h, _, _ = reg.sign_in("reg")
    t.check(status == 303 and h["Location"].startswith("/admin/"), "regulator lands on /admin/")
    status, _, html, _ = reg.get("/admin/?lang=en")
    t.check(status == 200 and "Regulator desk" in html and "/ 1000 target" in html
            and "<svg" in html and 'role="img"' in html, "dashboard with progress", html[:300])
    t.check("/admin/batches/%d/approve" % bid in html, "the new batch waits for approval")
    status, _, _, _ = reg.post("/admin/batches/%d/approve" % bid, {"note": "ok"})
    t.check(status == 403 and w.sql("select status from batch where id=%d" % bid) == "requested",
            "approval without CSRF: refused, unchanged")
    token = reg.csrf(html)
    status, _, _, _ = reg.post("/admin/batches/%d/approve" % bid, {"note": "ok", "csrf": token})
    t.check(status == 303 and w.sql("select status from batch where id=%d" % bid) == "approved",
            "regulator approves")
    status, _, _, _ = reg.post("/admin/batches/%d/issue" % bid, {"csrf": token})
    t.check(status == 303 and w.sql("select status from batch where id=%d" % bid) == "issued",
            "regulator issues")
    status, _, html, _ = reg.post("/admin/batches/%d/issue" % bid, {"csrf": token})
    t.check(status == 409, "issuing twice: 409 with the reason", status)
    status, h, _, _ = reg.get("/coop/")
    t.check(status == 303 and h["Location"].startswith("/admin/"), "regulator sent to /admin/")
    return reg


def test_download_and_activate(t, s, w, coop, bid):
    status, h, body, _ = coop.get("/coop/batches/%d/labels?format=csv" % bid)
    rows = body.splitlines()[1:]
    t.check(status == 200 and len(rows) == 4 and "text/csv" in h["Content-Type"],
            "operator downloads the CSV", (status, body[:100]))
    c = s.conn()
    c.request("GET", "/coop/batches/%d/labels?format=pdf" % bid,
              headers={"Cookie": "gimark_session=" + coop.cookies["gimark_session"]})
    r = c.getresponse()
    pdf = r.read()
    c.close()
    t.check(r.status == 200 and pdf.startswith(b"%PDF"), "operator downloads the PDF")
    _, _, html, _ = coop.get("/coop/?lang=en")
    t.check('action="/coop/batches/%d/labels"' % bid in html and 'name="symbology"' in html
            and 'name="label-size"' in html, "the desk offers symbology and label size")
    status, h, _, _ = coop.get("/coop/batches/%d/labels?format=svg&symbology=datamatrix&"
                               "label-size=70x35" % bid)
    t.check(status == 200 and h["Content-Type"] == "image/svg+xml",
            "the desk's download takes the symbology and label size", status)
    status, _, html, _ = coop.get("/coop/batches/%d/labels?format=pdf&label-size=1x1&lang=en" % bid)
    t.check(status == 400 and "choose a larger label" in html, "a label too small: 400, says why", status)
    _, _, html, _ = coop.get("/coop/")
    status, _, page, _ = coop.post("/coop/batches/%d/activate" % bid, {"csrf": coop.csrf(html)})
    t.check(status == 200 and w.sql("select status from batch where id=%d" % bid) == "issued",
            "activating asks first, and changes nothing", status)
    status, _, _, _ = coop.post("/coop/batches/%d/activate" % bid,
                                {"csrf": coop.csrf(page), "confirm": "1"})
    t.check(status == 303 and w.sql("select status from batch where id=%d" % bid) == "activated",
            "operator activates")
    code = rows[0].split(",")[0]
    verdict = g.verdict_once_activated(s, code)
    t.check(verdict in ("GENUINE", "GENUINE_REPEATED"), "a consumer sees GENUINE", verdict)
    _, _, html, _ = coop.get("/coop/")
    misprint = rows[1].split(",")[0]
    status, _, _, _ = coop.post("/coop/batches/%d/void" % bid,
                                {"codes": misprint, "reason": "", "csrf": coop.csrf(html)})
    t.check(status == 400 and w.sql("select count(*) from label_void") == "0",
            "voiding without a reason is refused", status)
    status, _, _, _ = coop.post("/coop/batches/%d/void" % bid,
                                {"codes": misprint.lower() + "\n", "reason": "misprint",
                                 "csrf": coop.csrf(html)})
    t.check(status == 303 and w.sql("select count(*) from label_void") == "1" and
            w.sql("select status from batch where id=%d" % bid) == "activated",
            "operator voids one misprinted label, the batch stays", status)


def test_auditor(t, s, w):
    aud = Browser(s)
    aud.sign_in("aud")
    _, _, _, _ = aud.get("/admin/")
    w.gimark("batch", "request", "--auth", 1, "--count", 2, "--lot", "AUD")
    bid = int(w.sql("select max(id) from batch"))
    status, _, html, _ = aud.get("/admin/?lang=en")
    t.check(status == 200 and "Regulator desk" in html and "/approve" not in html,
            "auditor sees the desk without decision forms")
    status, _, _, _ = aud.post("/admin/batches/%d/approve" % bid, {"csrf": aud.csrf(html)})
    t.check(status == 403 and w.sql("select status from batch where id=%d" % bid) == "requested",
            "auditor's approval: 403, unchanged", status)
    for page in ("authorisations", "reports", "audit"):
        status, _, html, _ = aud.get("/admin/%s?lang=en" % page)
        t.check(status == 200 and 'method="post" action="/admin/' not in html,
                "auditor reads /admin/%s without forms" % page, status)


def test_regulator_pages(t, s, w, reg):
    """The register of authorisations, recording, reports, the audit log, CSV."""
    status, _, html, _ = reg.get("/admin/authorisations?lang=en")
    t.check(status == 200 and "田阳香芒" in html and "/admin/authorisations/1/suspend" in html,
            "authorisations listed with their transitions")
    token = reg.csrf(html)
    status, _, _, _ = reg.post("/admin/authorisations/1/suspend", {"reason": "", "csrf": token})
    t.check(status == 400 and w.sql("select status from authorisation where id=1") == "approved",
            "suspending without a reason is refused", status)
    status, _, _, _ = reg.post("/admin/authorisations/1/suspend",
                               {"reason": "spot check", "csrf": token})
    t.check(status == 303 and w.sql("select status from authorisation where id=1") == "suspended",
            "regulator suspends through the page")
    status, _, _, _ = reg.post("/admin/authorisations/1/reinstate",
                               {"reason": "passed", "csrf": token})
    t.check(status == 303 and w.sql("select status from authorisation where id=1") == "approved",
            "regulator reinstates")
    status, h, body, _ = reg.get("/admin/authorisations?format=csv")
    lines = body.splitlines()
    t.check(status == 200 and h["Content-Type"].startswith("text/csv") and
            lines[0].startswith("id,product,operator") and len(lines) >= 6 and
            "attachment" in h.get("Content-Disposition", ""), "authorisations as CSV", body[:200])

    products = int(w.sql("select count(*) from product"))
    status, _, _, _ = reg.post("/admin/products", {"name_zh": "北流荔枝", "region_code": "450981",
                                                   "csrf": token})
    t.check(status == 303 and int(w.sql("select count(*) from product")) == products + 1,
            "regulator records a product")
    status, _, html, _ = reg.post("/admin/operators/new?lang=en", {
        "uscc": "91450100MA8609132D", "name": "x", "kind": "company", "region_code": "450100",
        "csrf": token})
    t.check(status == 400 and "check" in html, "an invalid USCC refused, said why", status)
    # one operator form: the register page links to it, the old route is gone
    _, _, html, _ = reg.get("/admin/register?lang=en")
    t.check('href="/admin/operators/new?lang=en"' in html and
            'action="/admin/operators?' not in html, "the register page links to the operator form")
    status, _, _, _ = reg.post("/admin/operators", {
        "uscc": g.uscc_with_checks("93450100MA000009"), "name": "x", "kind": "company",
        "region_code": "450100", "csrf": token})
    t.check(status == 405, "POST /admin/operators is no route", status)

    form = {"text": "=HYPERLINK(\"http://x\") seen at the market", "contact": "138"}
    s.request("POST", "/v/K7M39QX2HD4TPW8N/report", body=urlencode(form), headers=FORM)
    status, _, html, _ = reg.get("/admin/reports?lang=en")
    rid = int(w.sql("select max(id) from report"))
    t.check(status == 200 and "seen at the market" in html and
            "/admin/reports/%d/triaged" % rid in html, "the report queue")
    status, _, _, _ = reg.post("/admin/reports/%d/triaged" % rid, {"note": "sent to the market "
                                                                           "office", "csrf": token})
    t.check(status == 303 and w.sql("select status from report where id=%d" % rid) == "triaged",
            "regulator triages a report")
    _, _, body, _ = reg.get("/admin/reports?format=csv")
    t.check("\"'=HYPERLINK" in body, "a formula in a CSV cell is defused", body[:300])

    for page, header, at_least in (("products", "id,name_zh,name_en", 16),
                                   ("operators", "id,uscc,name", 4),
                                   ("batches", "id,auth_id,count,status", 2)):
        status, _, html, _ = reg.get("/admin/%s?lang=en" % page)
        t.check(status == 200 and "<table>" in html, "the %s list" % page, status)
        status, h, body, _ = reg.get("/admin/%s?format=csv" % page)
        lines = body.splitlines()
        t.check(status == 200 and lines[0].startswith(header) and len(lines) > at_least,
                "%s as CSV" % page, body[:200])
    _, _, body, _ = reg.get("/admin/products?format=csv")
    t.check("北流荔枝" in body, "the recorded product is listed")
    status, _, html, _ = reg.get("/admin/operators/1/edit?lang=en")
    t.check(status == 200 and 'value="0776-0000001"' in html, "operator edit form, filled in")
    status, _, _, _ = reg.post("/admin/operators/1/edit", {
        "name": "田阳区香芒种植专业合作社（演示）", "kind": "cooperative", "region_code": "451003",
        "contact": "0776-2812345", "csrf": reg.csrf(html)})
    t.check(status == 303 and w.sql("select contact from operator where id=1") == "0776-2812345",
            "regulator edits an operator through the page", status)
    t.check("operator.edit" in w.sql("select group_concat(action) from audit_log"),
            "the edit is audited")
    status, _, html, _ = reg.post("/admin/products/1/edit", {
        "name_zh": "百色芒果", "region_code": "451000", "gtin": "123", "csrf": reg.csrf(html)})
    t.check(status == 400, "a product edit with a bad GTIN is refused", status)

    status, _, html, _ = reg.get("/admin/audit?lang=en")
    t.check(status == 200 and "The audit chain verifies" in html
            and "authorisation suspended" in html and "auth.suspend" not in html,
            "the audit log with its chain status", html[:200])
    status, h, body, _ = reg.get("/admin/audit?format=csv")
    t.check(status == 200 and body.startswith("id,at,actor,action") and "user:reg" in body,
            "the audit log as CSV")


def audit_ids(html_or_csv, csv):
    if csv:
        return sorted(int(line.split(",")[0].strip('"')) for line in html_or_csv.splitlines()[1:])
    return sorted(int(i) for i in re.findall(r"<tr><td>(\d+)</td>", html_or_csv))


def test_audit_scope(t, s, w, reg):
    """The audit page and its CSV narrowed to a city regulator's region; the
    chain status says it covers every row."""
    regions = g.audit_regions(w)
    city = Browser(s)
    city.sign_in("city")
    want = sorted(i for i, r in regions.items() if r and r.startswith("4510"))
    status, _, html, _ = city.get("/admin/audit?lang=en")
    t.check(status == 200 and audit_ids(html, False) == want and want,
            "a city regulator's audit page lists its city's rows only",
            (audit_ids(html, False), want))
    t.check("The audit chain verifies" in html and "verified as a whole" in html and
            ">4510<" in html and ">%d &middot;" % len(regions) in html,
            "the chain status covers every row and says the list is the city's", html[:2000])
    status, _, body, _ = city.get("/admin/audit?format=csv")
    t.check(status == 200 and audit_ids(body, True) == want, "the city's audit CSV, narrowed")
    _, _, html, _ = reg.get("/admin/audit?lang=en")
    t.check(audit_ids(html, False) == sorted(regions), "the province's audit page lists every row")
    ops = int(w.sql("select count(*) from operator where region_code like '4510%'"))
    _, _, html, _ = city.get("/admin/?lang=en")
    t.check("<dt>Operators</dt><dd>%d</dd>" % ops in html and "of your region only" in html
            and ">4510<" in html, "a city regulator's desk counts its region's operators (%d) "
            "and says so" % ops, html[html.find("card"):][:900])
    _, _, body, _ = reg.get("/admin/audit?format=csv")
    t.check(audit_ids(body, True) == sorted(regions), "the province's audit CSV lists every row")


def test_sign_out_and_throttle(t, s, coop):
    _, _, html, _ = coop.get("/coop/")
    old = coop.cookies["gimark_session"]
    status, h, _, cookies = coop.post("/logout", {"csrf": coop.csrf(html)})
    t.check(status == 303 and h["Location"].startswith("/login") and
            any(c.startswith("gimark_session=;") and "Max-Age=0" in c for c in cookies),
            "sign-out clears the cookie", cookies)
    coop.cookies["gimark_session"] = old
    status, h, _, _ = coop.get("/coop/")
    t.check(status == 303 and h["Location"].startswith("/login"), "the old session is gone")
    nobody = Browser(s)
    status, h, _, _ = nobody.get("/coop/")
    t.check(status == 303 and h["Location"].startswith("/login"), "no session: to /login")
    statuses = [Browser(s).sign_in("reg", "not the password %d" % i)[0] for i in range(8)]
    t.check(statuses[0] == 401 and statuses[-3:] == [429] * 3 and set(statuses) == {401, 429},
            "a client's wrong sign-ins on a name throttled (3, then it waits)", statuses)
    status, _, _, _ = Browser(s).sign_in("reg")
    t.check(status == 429, "even the right password waits while that client is throttled",
            status)


def main():
    t = g.Tally("test_pages")
    w = g.Workdir()
    try:
        seed(w)
        s = g.Server(w, "--base-url", "https://gi.example.cn").start()
        try:
            coop = test_sign_in(t, s)
            bid = test_operator_desk(t, s, w, coop)
            reg = test_regulator_desk(t, s, w, bid)
            test_download_and_activate(t, s, w, coop, bid)
            test_auditor(t, s, w)
            test_regulator_pages(t, s, w, reg)
            test_audit_scope(t, s, w, reg)
            test_sign_out_and_throttle(t, s, coop)
        finally:
            rc = s.stop()
        t.check(rc == 0, "clean exit", rc)
        log = s.stderr()
        t.check(PASSWORD not in log and PASSWORD not in w.sql(".dump"),
                "the password is in neither the log nor the database")
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
