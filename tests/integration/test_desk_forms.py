"""test_desk_forms.py - forms that keep the work and changes that ask first:
revoking an authorisation, activating a batch and voiding a whole batch
change nothing until their second step (which carries the CSRF token like
every form; an operator, an auditor or a city regulator outside its region is
refused at either step); a refused form answers with its error beside the
field, every value as typed and the way back; a page answering a POST
switches language on a GET page; a request's notice names the batch; the
regulator records an operator, grants it and creates its account (password
shown once, then signing in with it), and disables the account; consumer
reports are limited per client and code, not per address alone; the charts
count what the scope holds.
"""

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402
from test_pages import PASSWORD, Browser  # noqa: E402

OPERATOR_A = "93451003MA815908XM"  # operator 1, Tianyang, inside the city 4510
OPERATOR_B = "91450100MA8609132C"  # operator 2, Nanning, outside it


def seed(w):
    w.gimark("init")
    w.gimark("demo")
    for name, args in (("coop-a", ["--role", "operator", "--operator", OPERATOR_A]),
                       ("coop-b", ["--role", "operator", "--operator", OPERATOR_B]),
                       ("reg", ["--role", "regulator", "--scope", "45"]),
                       ("city", ["--role", "regulator", "--scope", "4510"]),
                       ("aud", ["--role", "auditor", "--scope", "45"])):
        w.gimark("user", "add", name, *args, stdin=PASSWORD + "\n")


def signed_in(s, name, home):
    b = Browser(s)
    status, _, _, _ = b.sign_in(name)
    assert status == 303, (name, status)
    b.token = b.csrf(b.get(home + "?lang=en")[2])
    return b


def auth_status(w, aid):
    return w.sql("select status from authorisation where id = %d" % aid)


def batch_status(w, bid):
    return w.sql("select status from batch where id = %d" % bid)


def lang_link(html):
    m = re.search(r'<a class="lang" href="([^"]*)"', html)
    return m.group(1) if m else None


def test_revoke(t, w, reg, city, aud, coop):
    path = "/admin/authorisations/2/revoke?lang=en"
    before = w.fingerprint()
    status, _, html, _ = reg.post(path, {"reason": "left the region", "csrf": reg.token})
    t.check(status == 200 and "#2" in html and "left the region" in html and
            'name="confirm" value="1"' in html, "revoke: the first step names the record",
            status)
    t.check(OPERATOR_A in html, "revoke: the confirmation names the operator's USCC")
    t.check(lang_link(html) == "/admin/authorisations?lang=zh",
            "revoke: the confirmation's language link goes to a GET page", lang_link(html))
    t.check(w.fingerprint() == before and auth_status(w, 2) == "approved",
            "revoke: nothing changes at the first step")
    status, _, _, _ = reg.post(path, {"reason": "", "csrf": reg.token})
    t.check(status == 400, "revoke without a reason: refused at the first step", status)
    for label, extra in (("without a CSRF token", {}), ("with a wrong one", {"csrf": "x" * 43})):
        status, _, _, _ = reg.post(path, dict({"reason": "left", "confirm": "1"}, **extra))
        t.check(status == 403, "revoke's second step %s: 403" % label, status)
    for who, b, aid, want in (("a city regulator outside its region", city, 3, 404),
                              ("an auditor", aud, 2, 403)):
        for step in ({}, {"confirm": "1"}):
            status, _, _, _ = b.post("/admin/authorisations/%d/revoke?lang=en" % aid,
                                     dict({"reason": "x"}, csrf=b.token, **step))
            t.check(status == want, "revoke by %s (%s): %d" % (
                who, "second step" if step else "first step", want), status)
    status, h, _, _ = coop.post(path, {"reason": "x", "confirm": "1", "csrf": coop.token})
    t.check(status == 303 and h.get("Location", "").startswith("/coop/"),
            "revoke by an operator: sent to its own desk", status)
    t.check(w.fingerprint() == before, "revoke: every refusal left everything as it was")
    status, h, _, _ = reg.post(path, {"reason": "left the region", "confirm": "1",
                                      "csrf": reg.token})
    t.check(status == 303 and auth_status(w, 2) == "revoked",
            "revoke: the second step revokes", status)


def test_batch_steps(t, w, coop, coop_b):
    for action, fields, want in (("activate", {}, "activated"),
                                 ("void", {"codes": " \n", "reason": "flood"}, "voided")):
        bid, _ = w.batch(1, 2, activate=False, lot="STEP-" + action.upper())
        path = "/coop/batches/%d/%s?lang=en" % (bid, action)
        before = w.fingerprint()
        status, _, html, _ = coop.post(path, dict(fields, csrf=coop.token))
        t.check(status == 200 and ("batch %d" % bid) in html and "STEP-" + action.upper() in html,
                "%s: the first step names the batch and its lot" % action, status)
        t.check(w.fingerprint() == before and batch_status(w, bid) == "issued",
                "%s: nothing changes at the first step" % action)
        t.check(lang_link(html) == "/coop/?lang=zh",
                "%s: the confirmation's language link goes to the desk" % action, lang_link(html))
        second = dict(fields, confirm="1")
        for label, extra in (("without a CSRF token", {}), ("with a wrong one",
                                                             {"csrf": "y" * 43})):
            status, _, _, _ = coop.post(path, dict(second, **extra))
            t.check(status == 403, "%s's second step %s: 403" % (action, label), status)
        for step in (fields, second):
            status, _, _, _ = coop_b.post(path, dict(step, csrf=coop_b.token))
            t.check(status == 404, "%s by another operator: not found" % action, status)
        t.check(w.fingerprint() == before, "%s: the refusals changed nothing" % action)
        status, _, _, _ = coop.post(path, dict(second, csrf=coop.token))
        t.check(status == 303 and batch_status(w, bid) == want,
                "%s: the second step does it" % action, status)


def test_kept_values(t, w, reg, city, coop):
    good = g.uscc_with_checks("93451002MA000007")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    name = "右江<b>保留</b>合作社"
    operators = w.sql("select count(*) from operator")
    status, _, html, _ = reg.post("/admin/operators/new?lang=en", {
        "uscc": bad.lower(), "name": name, "kind": "company", "region_code": "451002",
        "contact": "0776-1234567", "csrf": reg.token})
    t.check(status == 400, "a USCC with a wrong check character: 400", status)
    t.check(w.sql("select count(*) from operator") == operators, "the refused operator is not recorded")
    t.check('value="%s"' % bad.lower() in html, "the USCC is kept as typed")
    t.check("右江&lt;b&gt;保留&lt;/b&gt;合作社" in html and "<b>保留" not in html,
            "the name is kept, escaped")
    t.check('value="0776-1234567"' in html, "the contact is kept")
    t.check('<option value="company" selected>' in html, "the kind is kept")
    t.check(re.search(r'id="o-region_code"[^>]*value="451002"', html), "the region is kept")
    t.check('<option value="451003">' in html and '<option value="450127">' in html,
            "the region picker offers the scope's regions")
    t.check(re.search(r'class="field-error" id="o-uscc-error"[^>]*>[^<]*check', html) is not None,
            "the error stands beside the USCC field")
    t.check(re.search(r'id="o-uscc"[^>]*aria-invalid="true"', html) is not None,
            "the USCC field is marked invalid")
    t.check('href="/admin/operators?lang=en"' in html, "the refused form offers the way back")
    t.check(lang_link(html) == "/admin/operators/new?lang=zh",
            "the language link of the refused form goes to its GET page", lang_link(html))
    # hostile values: a bidi override in the name, bytes that are no UTF-8, a quota past
    # any limit, a region outside the city's scope
    status, _, html, _ = reg.post("/admin/operators/new?lang=en", {
        "uscc": good, "name": "\u202eevil", "kind": "company", "region_code": "451002",
        "csrf": reg.token})
    t.check(status == 400 and 'id="o-name-error"' in html and "\u202eevil" in html,
            "a bidi control in the name: refused beside the name, kept", status)
    status, _, html, _ = reg.post("/admin/operators/new?lang=en", {
        "uscc": good, "name": b"\xff\xfe co-op", "kind": "company", "region_code": "451002",
        "csrf": reg.token})
    t.check(status == 400, "a name that is no UTF-8: refused", status)
    status, _, _, _ = city.post("/admin/operators/new?lang=en", {
        "uscc": good, "name": "南宁某合作社", "kind": "company", "region_code": "450102",
        "csrf": city.token})
    t.check(status == 404, "a city regulator recording an operator outside its region: 404",
            status)
    t.check(w.sql("select count(*) from operator") == operators, "none of them is recorded")
    status, _, html, _ = reg.post("/admin/operators/1/grant?lang=en", {
        "product_id": "1", "yearly_quota": "99999999999999999999999", "csrf": reg.token})
    t.check(status == 400 and 'id="g-yearly_quota-error"' in html, "a huge quota: refused", status)
    # a grant with a quota that is no number keeps the document typed
    status, _, html, _ = reg.post("/admin/operators/1/grant?lang=en", {
        "product_id": "1", "yearly_quota": "lots", "approval_doc": "桂知发〔2026〕12号",
        "csrf": reg.token})
    t.check(status == 400 and 'value="桂知发〔2026〕12号"' in html and 'value="lots"' in html,
            "a refused grant keeps what was typed", status)
    t.check('id="g-yearly_quota-error"' in html, "the quota's error stands beside it")
    # a refused request keeps the lot and says why beside the count
    batches = w.sql("select count(*) from batch")
    status, _, html, _ = coop.post("/coop/batches?lang=en", {
        "auth_id": "1", "count": "0", "lot_number": "LOT-KEPT", "harvest_date": "2026-07-01",
        "csrf": coop.token})
    t.check(status == 400 and 'value="LOT-KEPT"' in html and 'value="2026-07-01"' in html,
            "a refused request keeps its values", status)
    t.check('id="count-error"' in html, "the count's error stands beside it")
    t.check(w.sql("select count(*) from batch") == batches, "the refused request stores nothing")
    t.check(lang_link(html) == "/coop/?lang=zh", "its language link goes to the desk",
            lang_link(html))
    # a refused product keeps what was typed, the error beside its field
    products = w.sql("select count(*) from product")
    status, _, html, _ = reg.post("/admin/products?lang=en", {
        "name_zh": "保留<i>香芒</i>", "region_code": "45999x", "standard": "GB/T 1",
        "csrf": reg.token})
    t.check(status == 400 and w.sql("select count(*) from product") == products,
            "a product in no known region: refused, nothing recorded", status)
    t.check('id="p-region_code-error"' in html and 'value="45999x"' in html
            and "保留&lt;i&gt;香芒&lt;/i&gt;" in html and 'value="GB/T 1"' in html,
            "the refused product keeps what was typed, the error beside the region")
    t.check(lang_link(html) == "/admin/register?lang=zh",
            "its language link goes to the GET page", lang_link(html))
    before = w.sql("select name_zh from product where id = 1")
    status, _, html, _ = reg.post("/admin/products/1/edit?lang=en", {
        "name_zh": "改名<b>x</b>", "region_code": "4501x", "csrf": reg.token})
    t.check(status == 400 and w.sql("select name_zh from product where id = 1") == before,
            "a refused edit changes nothing", status)
    t.check('id="e-region_code-error"' in html and "改名&lt;b&gt;x&lt;/b&gt;" in html
            and 'value="4501x"' in html, "the refused edit keeps what was typed")
    # a request accepted: the notice names the batch and what comes next
    status, h, _, _ = coop.post("/coop/batches?lang=en", {
        "auth_id": "1", "count": "5", "lot_number": "LOT-NAMED", "csrf": coop.token})
    location = h.get("Location", "")
    m = re.search(r"batch=(\d+)", location)
    t.check(status == 303 and m, "a request goes to the desk with its batch", location)
    if m:
        _, _, html, _ = coop.get(location.split("#")[0])
        t.check(("Batch %s" % m.group(1)) in html and "LOT-NAMED" in html and "regulator" in html,
                "the notice names the batch, its lot and what happens next")


def test_accounts(t, w, s, reg, city):
    uscc = g.uscc_with_checks("93451003MA000008")
    status, h, _, _ = reg.post("/admin/operators/new?lang=en", {
        "uscc": uscc, "name": "百育镇芒果合作社", "kind": "cooperative",
        "region_code": "451003", "csrf": reg.token})
    m = re.match(r"/admin/operators/(\d+)\?", h.get("Location", ""))
    t.check(status == 303 and m, "an operator recorded from the desk", h.get("Location"))
    oid = int(m.group(1)) if m else 0
    t.check(w.sql("select count(*) from audit_log where action = 'operator.add' and "
                  "entity_id = %d" % oid) == "1", "its audit row")
    status, _, html, _ = reg.get("/admin/operators/%d?lang=en" % oid)
    offered = set(re.findall(r'name="product_id".*?</select>', html, re.S))
    t.check(status == 200 and offered, "the grant form offers products", status)
    regions = set(re.findall(r'<option value="(\d+)"[^>]*>[^<]*\((\d{6})\)', "".join(offered)))
    t.check(regions and all(r[1].startswith("45") for r in regions),
            "only products of the scope are offered", regions)
    status, h, html, _ = reg.post("/admin/operators/%d/accounts?lang=en" % oid,
                                  {"username": "byu-clerk", "csrf": reg.token})
    m = re.search(r'class="serial password-once" readonly value="([^"]+)"', html)
    t.check(status == 200 and m, "the new account's password is shown", status)
    t.check(h.get("Cache-Control") == "no-store", "the password page is never cached",
            h.get("Cache-Control"))
    password = m.group(1) if m else ""
    status, _, again, _ = reg.get("/admin/operators/%d?lang=en" % oid)
    t.check(password and password not in again and "byu-clerk" in again,
            "the password is not shown again; the account is listed")
    t.check(password not in w.sql("select detail from audit_log where action = 'account.add'"),
            "the password is not in the audit log")
    clerk = Browser(s)
    status, h, _, _ = clerk.sign_in("byu-clerk", password)
    t.check(status == 303 and h.get("Location", "").startswith("/coop/"),
            "the new account signs in with it", status)
    aid = int(w.sql("select id from account where username = 'byu-clerk'"))
    status, _, _, _ = city.post("/admin/accounts/%d/disable?lang=en" % aid, {"csrf": city.token})
    t.check(status == 303, "the city regulator disables an account in its region", status)
    status, _, _, _ = Browser(s).sign_in("byu-clerk", password)
    t.check(status != 303, "a disabled account cannot sign in", status)
    t.check(clerk.get("/coop/?lang=en")[0] == 303, "its session has ended")


def test_report_limit(t, w, s):
    """Shoppers behind one carrier address each report their own label: the
    limit (burst 3) is per client and code, not per address alone."""
    _, codes = w.batch(1, 5, lot="NAT")
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def report(code, i):
        st, _, _ = s.request("POST", "/v/%s/report?lang=en" % code,
                             body="text=seen+at+the+market+%d" % i, headers=form)
        return st

    before = int(w.sql("select count(*) from report"))
    firsts = [report(code, i) for i, code in enumerate(codes)]
    t.check(firsts == [200] * 5, "five shoppers behind one address, five codes: all accepted",
            firsts)
    same = [report(codes[0], i) for i in range(3)]
    t.check(same[:2] == [200, 200] and same[2] == 429,
            "one code from one address: the 4th report is refused", same)
    t.check(int(w.sql("select count(*) from report")) == before + 7,
            "every accepted report is stored, no refused one")
    st, _, body = s.request("POST", "/v/%s/report?lang=en" % codes[1], body="text=again",
                            headers=form)
    link = lang_link(body.decode("utf-8"))
    t.check(st == 200 and link == "/v/%s?lang=zh" % codes[1],
            "the thanks page's language link goes to the code's page", link)


def test_charts(t, w, reg, city, coop):
    """The charts: the progress figure, cities and products of the scope
    only, every day and month drawn (empty ones too) with its value."""
    w.batch(3, 2, lot="NANNING")  # operator B, outside the city, now uses the mark
    status, _, html, _ = reg.get("/admin/charts?lang=en")
    t.check(status == 200 and html.count("<svg") == 5, "five charts drawn", status)
    using = re.search(r'<p class="figure">(\d+) / 1000 \((\d+\.\d)%\)</p>', html)
    t.check(using and int(using.group(1)) == 2 and using.group(2) == "0.2",
            "the progress: operators using the mark against the target, with the percentage",
            using and using.groups())
    t.check(">Baise</text>" in html and ">Nanning</text>" in html, "the cities using the mark")
    months = re.findall(r"<title>(\d{4}-\d{2}): (\d+)</title>", html)
    t.check(len(months) == 12 and sum(1 for _, n in months if n == "0") >= 1,
            "labels a month: twelve months, empty ones included", months)
    days = re.findall(r"<title>(\d{4}-\d{2}-\d{2}): (\d+)</title>", html)
    t.check(len(days) == 14, "scans a day: fourteen days", len(days))
    t.check(coop.get("/admin/charts?lang=en")[0] == 303, "an operator is sent to its own desk")
    status, _, html, _ = city.get("/admin/charts?lang=en")
    t.check(status == 200 and ">Baise</text>" in html and "Nanning" not in html,
            "a city regulator's charts hold its city only")


def main():
    t = g.Tally("test_desk_forms")
    w = g.Workdir()
    try:
        seed(w)
        with g.Server(w) as s:
            reg = signed_in(s, "reg", "/admin/")
            city = signed_in(s, "city", "/admin/")
            aud = signed_in(s, "aud", "/admin/")
            coop = signed_in(s, "coop-a", "/coop/")
            coop_b = signed_in(s, "coop-b", "/coop/")
            test_revoke(t, w, reg, city, aud, coop)
            test_batch_steps(t, w, coop, coop_b)
            test_kept_values(t, w, reg, city, coop)
            test_accounts(t, w, s, reg, city)
            test_report_limit(t, w, s)
            test_charts(t, w, reg, city, coop)
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
