#!/usr/bin/env python3
"""test_label_rules.py - what the labelling rules ask printed, on the server:

- a product with no announcement or registration number and no standard is
  refused at every download (API and the cooperative's desk, every format)
  with the message a user sees: the missing number, the desk's product form
  and the decision's command and page; nothing is audited;
- a regulator records the decision on the desk's page
  /admin/products/{id}/numbers with a reason (audited as
  product.unnumbered.allow under the regulator's name), after which the
  downloads work and the page shows the reason, escaped; withdrawing it
  refuses the downloads again; hostile reasons (overlong, bidi controls,
  non-UTF-8, markup) are refused or shown inert; the form without its CSRF
  token changes nothing;
- ?approval-no=1 prints the authorisation's approval document number whole
  (read back from the PDF); a value that is no flag is refused naming the
  choice.
"""

import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gimark_test as g  # noqa: E402
from test_pages import PASSWORD, Browser  # noqa: E402

FORMATS = ("csv", "pdf", "svg", "png", "zip")
BASE = "https://gi.example.cn"
OPERATOR_A = "93451003MA815908XM"
PRODUCT = 2  # 田阳香芒, of the demo's authorisation 1; the demo records its decision


def seed(w):
    w.gimark("init")
    w.gimark("demo")
    bid, _ = w.batch(1, 3, activate=False)
    token = g.add_user(w, "coop-api", "operator", operator=OPERATOR_A)
    for name, role, extra in (("coop", "operator", ["--operator", OPERATOR_A]),
                              ("reg", "regulator", ["--scope", "45"]),
                              ("aud", "auditor", ["--scope", "45"])):
        w.gimark("user", "add", name, "--role", role, *extra, stdin=PASSWORD + "\n")
    return bid, token


def get(s, token, path):
    status, _, body = s.request("GET", path, headers={"Authorization": "Bearer " + token})
    return status, body


def exports(w):
    return int(w.sql("select count(*) from audit_log where action = 'batch.export'"))


def decision(w):
    return w.sql("select unnumbered_reason from product where id = %d" % PRODUCT)


def audit_rows(w, action):
    return w.sql("select actor || ' ' || detail from audit_log where action = '%s' "
                 "and entity_id = %d order by id" % (action, PRODUCT)).splitlines()


def signed_in(s, name):
    b = Browser(s)
    status, _, _, _ = b.sign_in(name)
    assert status == 303, "sign-in of %s: %s" % (name, status)
    return b


def post_decision(b, action, reason, csrf=True):
    _, _, html, _ = b.get("/admin/products/%d/numbers?lang=en" % PRODUCT)
    fields = {"reason": reason}
    if csrf:
        fields["csrf"] = b.csrf(html)
    status, headers, body, _ = b.post("/admin/products/%d/%s?lang=en" % (PRODUCT, action),
                                      fields)
    return status, headers, body


def downloads_refused(t, w, s, token, coop, bid, what):
    before = exports(w)
    for fmt in FORMATS:
        status, body = get(s, token, "/api/v1/batches/%d/labels?format=%s" % (bid, fmt))
        text = body.decode("utf-8", "replace")
        t.check(status == 409 and "no announcement or registration number and no standard"
                in text and "/admin/products/%d/edit" % PRODUCT in text
                and "gimark product allow-unnumbered %d --reason" % PRODUCT in text
                and "/admin/products/%d/numbers" % PRODUCT in text,
                "%s: API %s refused naming the number and both ways out" % (what, fmt),
                (status, text[:300]))
        status, _, html, _ = coop.get("/coop/batches/%d/labels?format=%s&lang=en" % (bid, fmt))
        t.check(status == 409 and "no announcement or registration number" in html
                and "allow-unnumbered" in html,
                "%s: desk %s refused with the message" % (what, fmt), (status, html[:300]))
    t.check(exports(w) == before, "%s: no export audited" % what)


def test_decision(t, w, s, token, bid):
    coop = signed_in(s, "coop")
    reg = signed_in(s, "reg")
    aud = signed_in(s, "aud")
    # the demo's decision: downloads work, the export's audit row says so
    status, body = get(s, token, "/api/v1/batches/%d/labels?format=csv" % bid)
    t.check(status == 200 and len(body.splitlines()) == 4, "the demo's decision: CSV downloads",
            status)
    detail = w.sql("select detail from audit_log where action = 'batch.export' "
                   "order by id desc limit 1")
    t.check('"unnumbered":true' in detail.replace(" ", ""),
            "the export's audit row says it went out without a number", detail)

    # the auditor reads the page, has no form, and cannot post one
    status, _, html, _ = aud.get("/admin/products/%d/numbers?lang=en" % PRODUCT)
    t.check(status == 200 and "参考数据未载公告号" in html and "withdraw-unnumbered" not in html,
            "an auditor reads the decision without a form", (status, html[-400:]))
    status, _, _ = post_decision(aud, "withdraw-unnumbered", "no")
    t.check(status == 403 and decision(w) != "", "an auditor's withdrawal: 403, kept", status)

    # withdrawn on the desk: audited under the regulator's name
    before = w.dump()
    status, _, _ = post_decision(reg, "withdraw-unnumbered", "number found", csrf=False)
    t.check(status == 403 and w.dump() == before, "a withdrawal without CSRF token: 403, nothing",
            status)
    status, headers, _ = post_decision(reg, "withdraw-unnumbered", "the number is looked up")
    t.check(status == 303 and decision(w) == "", "the regulator withdraws the decision",
            (status, headers.get("Location")))
    rows = audit_rows(w, "product.unnumbered.withdraw")
    t.check(len(rows) == 1 and rows[0].startswith("user:reg ")
            and "the number is looked up" in rows[0],
            "the withdrawal is audited with the regulator and the reason", rows)
    status, _, html, _ = reg.get("/admin/products/%d/numbers?lang=en" % PRODUCT)
    t.check(status == 200 and "No decision" in html and "allow-unnumbered" in html,
            "the page says there is no decision and offers the form", html[-600:])
    status, _, html, _ = reg.get("/admin/products?lang=en")
    t.check("/admin/products/%d/numbers" % PRODUCT in html,
            "the product list points to the product refused at export")
    downloads_refused(t, w, s, token, coop, bid, "withdrawn")

    # hostile reasons: refused, nothing stored
    before = w.dump()
    for reason, want, what in (("理" * 201, "too long", "201 characters"),
                               ("no number \u202erebmun on", "U+202E", "a bidi override"),
                               ("\u2066x\u2069", "U+2066", "a bidi isolate"),
                               (b"bad \xff byte", "UTF-8", "bytes that are not UTF-8"),
                               ("", "required", "empty")):
        status, _, html = post_decision(reg, "allow-unnumbered", reason)
        t.check(status == 400 and want in html, "a reason of %s: 400 naming it" % what,
                (status, re.sub(r"\s+", " ", html)[-300:]))
    t.check(w.dump() == before, "hostile reasons stored nothing")

    # recorded with markup in the reason: shown inert, downloads work again
    status, _, _ = post_decision(reg, "allow-unnumbered", "<script>alert(1)</script> 无编号")
    t.check(status == 303 and decision(w).startswith("<script>"),
            "the regulator records the decision", status)
    rows = audit_rows(w, "product.unnumbered.allow")
    t.check(len(rows) == 2 and rows[1].startswith("user:reg "),
            "the decision is audited (the demo's and the regulator's)", rows)
    _, _, html, _ = reg.get("/admin/products/%d/numbers?lang=en" % PRODUCT)
    t.check("&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html,
            "the reason is shown escaped")
    for fmt in FORMATS:
        status, _ = get(s, token, "/api/v1/batches/%d/labels?format=%s" % (bid, fmt))
        t.check(status == 200, "decision recorded: %s downloads" % fmt, status)
    try:
        w.gimark("audit", "verify")
        t.check(True, "the audit chain holds")
    except RuntimeError as e:
        t.check(False, "the audit chain holds", e)


def test_approval_no(t, w, s, token, bid):
    status, body = get(s, token, "/api/v1/batches/%d/labels?format=pdf&approval-no=1" % bid)
    t.check(status == 200 and body.startswith(b"%PDF"), "a PDF with the approval number", status)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(body)
        f.flush()
        text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True,
                              text=True).stdout
    flat = re.sub(r"\s+", "", text)
    t.check(flat.count("核准文号演示批准文件DEMO-2026-001") == 3,
            "each of the 3 labels carries the approval number whole", flat[:400])
    detail = w.sql("select detail from audit_log where action = 'batch.export' "
                   "order by id desc limit 1")
    t.check('"approval_no":true' in detail.replace(" ", ""),
            "the export's audit row says the approval number was printed", detail)
    # the cooperative's desk takes the same choice
    coop = signed_in(s, "coop")
    status, _, body, _ = coop.get("/coop/batches/%d/labels?format=pdf&approval-no=1" % bid)
    t.check(status == 200 and body.startswith("%PDF"), "the desk's download with approval-no=1",
            status)
    for value in ("2", "yes%E2%80%AE", "%FF"):
        status, body = get(s, token, "/api/v1/batches/%d/labels?format=pdf&approval-no=%s"
                           % (bid, value))
        t.check(status == 400 and b"approval-no" in body,
                "approval-no=%s refused naming the choice" % value, (status, body[:200]))
    status, body = get(s, token, "/api/v1/batches/%d/labels?format=pdf&approval-no=1"
                       "&label-size=40x40" % bid)
    t.check(status == 400 and b"approval document number" in body
            and b"the smallest label that holds" in body,
            "40x40 with the approval number: 400 naming the field and a size",
            (status, body[:300]))
    w.sql("update authorisation set approval_doc = '' where id = 1")
    status, body = get(s, token, "/api/v1/batches/%d/labels?format=csv&approval-no=1" % bid)
    t.check(status == 409 and b"has no approval document number" in body
            and b"gimark auth approve 1 --doc" in body,
            "an authorisation without one: 409 naming where to record it", (status, body[:300]))


def main():
    t = g.Tally("test_label_rules")
    w = g.Workdir()
    try:
        bid, token = seed(w)
        with g.Server(w, "--base-url", BASE) as s:
            test_decision(t, w, s, token, bid)
            test_approval_no(t, w, s, token, bid)
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
