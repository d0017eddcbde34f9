"""test_usage.py - use reports and the output value against the real server:
who sees and does what (API and desk: no token, operator A, operator B,
auditor, provincial regulator, city regulator), versions that are never
changed, decisions on the newest version only, the register's figures and the
flag beside a report, who did not report, the output value derived from the
accepted reports (recomputed here from the reports the API lists), hostile
values, and the CLI's view of the same database.
"""

import csv
import io
import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402
from test_pages import PASSWORD, Browser  # noqa: E402

OPERATOR_A = "93451003MA815908XM"  # Tianyang 451003 (city 4510): mango, fragrant mango
OPERATOR_B = "91450100MA8609132C"  # Hengzhou 450127 (Nanning): jasmine tea, no labels
LAST_YEAR = time.gmtime().tm_year - 1  # the demo history's last closed year


def call(s, method, path, token=None, body=None):
    return g.api_call(s, method, path, token, body)[:2]


def seed(w):
    w.gimark("init")
    w.gimark("demo", "--history")
    tokens = {
        "a": g.add_user(w, "coop-a", "operator", operator=OPERATOR_A),
        "b": g.add_user(w, "coop-b", "operator", operator=OPERATOR_B),
        "aud": g.add_user(w, "aud", "auditor", scope="45"),
        "reg": g.add_user(w, "reg", "regulator", scope="45"),
        "city": g.add_user(w, "city", "regulator", scope="4510"),
    }
    ids = {"a": int(w.sql("select id from operator where uscc = '%s'" % OPERATOR_A)),
           "b": int(w.sql("select id from operator where uscc = '%s'" % OPERATOR_B))}
    return tokens, ids


def all_reports(s, token):
    status, doc = call(s, "GET", "usage-reports?limit=500", token)
    return status, (doc or {}).get("items", [])


def test_lists(t, s, tokens, ids):
    status, _ = call(s, "GET", "usage-reports")
    t.check(status == 401, "no token: 401", status)
    _, everything = all_reports(s, tokens["reg"])
    t.check(len(everything) >= 8, "the regulator sees the demo's reports", len(everything))
    for who in ("a", "b"):
        status, items = all_reports(s, tokens[who])
        t.check(status == 200 and all(r["operator_id"] == ids[who] for r in items),
                "operator %s lists only its own reports" % who, items)
    _, a_items = all_reports(s, tokens["a"])
    t.check(len(a_items) == sum(1 for r in everything if r["operator_id"] == ids["a"]),
            "operator A lists all of its own", len(a_items))
    status, items = all_reports(s, tokens["b"])
    t.check(status == 200 and len(items) == 1, "operator B has one report", items)
    # asking for another operator's reports narrows to nothing, never widens
    status, doc = call(s, "GET", "usage-reports?operator=%d" % ids["a"], tokens["b"])
    t.check(status == 200 and doc["items"] == [], "B asking for A's: nothing", doc)
    _, city = all_reports(s, tokens["city"])
    t.check(city and all(r["operator_uscc"] in (OPERATOR_A,) for r in city),
            "the city regulator sees its region's operators only", city)
    _, aud = all_reports(s, tokens["aud"])
    t.check(len(aud) == len(everything), "the auditor reads the province's", len(aud))
    for bad in ("status=maybe", "period=2025-H9", "operator=01", "limit=0", "limit=501"):
        status, doc = call(s, "GET", "usage-reports?" + bad, tokens["reg"])
        t.check(status == 400, "bad query %s: 400" % bad, doc)
    status, doc = call(s, "GET", "usage-reports?latest=1&limit=500", tokens["reg"])
    t.check(status == 200 and all(r["latest"] for r in doc["items"]) and
            len(doc["items"]) < len(everything), "latest=1 leaves superseded versions out", doc)
    return everything


def test_one(t, s, tokens, everything):
    flagged = [r for r in everything if r["operator_uscc"] not in (OPERATOR_A, OPERATOR_B)
               and r["period"] == str(LAST_YEAR)]
    t.check(len(flagged) == 1, "the demo's Lipu report of last year", flagged)
    if not flagged:
        return
    rid = flagged[0]["id"]
    status, doc = call(s, "GET", "usage-reports/%d" % rid, tokens["reg"])
    t.check(status == 200 and "labels_used_over_issued" in doc["flags"],
            "a report claiming more labels used than issued is flagged", doc)
    reg = doc["register"]
    t.check(doc["labels_used"] > reg["labels_issued_by_period_end"] and "basis" in reg,
            "the flag rests on the register's own count", reg)
    for who, want in (("a", 404), ("b", 404), ("city", 404), ("aud", 200)):
        status, _ = call(s, "GET", "usage-reports/%d" % rid, tokens[who])
        t.check(status == want, "%s reads Lipu's report: %d" % (who, want), status)
    for path in ("usage-reports/0", "usage-reports/999999", "usage-reports/1x",
                 "usage-reports/1/approve", "usage-reports/%d/accept/x" % rid):
        status, _ = call(s, "GET", path, tokens["reg"])
        t.check(status == 404, "%s: 404" % path, status)
    status, _ = call(s, "DELETE", "usage-reports/%d" % rid, tokens["reg"])
    t.check(status == 405, "DELETE: 405", status)


def good_body(product):
    return {"product_id": product, "period": str(LAST_YEAR), "volume_produced": 1000,
            "volume_sold": 900, "volume_unit": "kg", "sales_value_fen": 12345678,
            "labels_received": 10, "labels_used": 10, "labels_voided": 0,
            "application": "每箱粘贴一枚"}


def test_filing(t, s, w, tokens, ids):
    product = int(w.sql("select product_id from authorisation where operator_id = %d "
                        "order by id limit 1" % ids["a"]))
    before = w.sql("select count(*) from usage_report")
    hostile = [
        ({"sales_value_fen": -1}, 400), ({"sales_value_fen": 10 ** 15}, 400),
        ({"sales_value_fen": 2 ** 63}, 400), ({"sales_value_fen": "100"}, 400),
        ({"sales_value_fen": 1.5}, 400), ({"labels_used": -5}, 400),
        ({"volume_unit": "斤"}, 400), ({"application": ""}, 400),
        ({"application": "x" * 501}, 400), ({"application": "abc\u202edef"}, 400),
        ({"application": "a\u0007b"}, 400), ({"period": "../../etc"}, 400),
        ({"period": "%d-H1" % LAST_YEAR}, 400), ({"period": str(LAST_YEAR + 1)}, 409),
        ({"period": "2019"}, 409), ({"product_id": 999999}, 404),
        ({"operator_id": ids["b"]}, 404), ({"surprise": 1}, 400),
    ]
    for change, want in hostile:
        body = dict(good_body(product), **change)
        status, doc = call(s, "POST", "usage-reports", tokens["a"], body)
        t.check(status == want, "hostile %r: %d" % (change, want), (status, doc))
    for raw in (b"\xff\xfe{", b"[]", b"", b'{"product_id": 1, "product_id": 2}'):
        status, _ = call(s, "POST", "usage-reports", tokens["a"], raw)
        t.check(status == 400, "body %r: 400" % raw, status)
    status, doc = call(s, "POST", "usage-reports", tokens["aud"],
                       dict(good_body(product), operator_id=ids["a"]))
    t.check(status == 403, "the auditor files nothing", doc)
    t.check(w.sql("select count(*) from usage_report") == before, "refused filings left no trace")
    # the operator files a new version; the old one stays as it was
    status, old = call(s, "GET", "usage-reports?operator=%d&product=%d&period=%d&latest=1"
                       % (ids["a"], product, LAST_YEAR), tokens["a"])
    old = old["items"][0]
    status, new = call(s, "POST", "usage-reports", tokens["a"], good_body(product))
    t.check(status == 201 and new["version"] == old["version"] + 1 and new["status"] == "filed"
            and new["operator_id"] == ids["a"], "filing again makes version n+1", new)
    status, again = call(s, "GET", "usage-reports/%d" % old["id"], tokens["a"])
    t.check(again["sales_value_fen"] == old["sales_value_fen"] and not again["latest"] and
            again["status"] == old["status"], "the older version is kept unchanged", again)
    return product, old, new


def output(s, token, year, by="product"):
    return call(s, "GET", "statistics/output?year=%d&by=%s" % (year, by), token)


def derived(items, year):
    """The output value recomputed from the listed reports: the newest
    accepted version of each operator, product and period of the year."""
    best = {}
    for r in items:
        if r["status"] != "accepted" or not r["period"].startswith(str(year)):
            continue
        key = (r["operator_id"], r["product_id"], r["period"])
        if key not in best or r["version"] > best[key]["version"]:
            best[key] = r
    return sum(r["sales_value_fen"] for r in best.values()), len(best), best


def test_decisions_and_output(t, s, tokens, old, new):
    status, before = output(s, tokens["reg"], LAST_YEAR)
    _, items = all_reports(s, tokens["reg"])
    value, received, _ = derived(items, LAST_YEAR)
    t.check(status == 200 and before["value_fen"] == value and
            before["reports_received"] == received,
            "the output value is the sum of accepted reports", (before, value, received))
    t.check(before["reports_expected"] >= received and
            before["coverage"]["denominator"] == before["reports_expected"] and
            before["coverage"]["denominator_source"] and before["basis"] and
            before["year_on_year"]["basis"], "the counts carry their basis", before)
    # the newer version counts only once accepted
    for who, want in (("a", 403), ("b", 404), ("aud", 403)):
        status, _ = call(s, "POST", "usage-reports/%d/accept" % new["id"], tokens[who], {})
        t.check(status == want, "%s accepts: %d" % (who, want), status)
    status, _ = call(s, "POST", "usage-reports/%d/accept" % old["id"], tokens["reg"], {})
    t.check(status == 409, "an older version is not decided on", status)
    status, _ = call(s, "POST", "usage-reports/%d/return" % new["id"], tokens["reg"], {})
    t.check(status == 400, "a return needs its reason", status)
    status, doc = call(s, "POST", "usage-reports/%d/return" % new["id"], tokens["city"],
                       {"reason": "发票不符 <b>"})
    t.check(status == 200 and doc["status"] == "returned" and
            doc["decision_reason"] == "发票不符 <b>", "the city regulator returns it", doc)
    status, _ = call(s, "POST", "usage-reports/%d/accept" % new["id"], tokens["reg"], {})
    t.check(status == 409, "decided once only", status)
    status, after = output(s, tokens["reg"], LAST_YEAR)
    t.check(after["value_fen"] == before["value_fen"], "a returned version changes nothing",
            after)
    body = {k: new[k] for k in ("product_id", "period", "volume_produced", "volume_sold",
                                "volume_unit", "labels_received", "labels_used",
                                "labels_voided", "application")}
    body["sales_value_fen"] = old["sales_value_fen"] + 1000
    status, third = call(s, "POST", "usage-reports", tokens["a"], body)
    t.check(status == 201 and third["version"] == new["version"] + 1, "filed again", third)
    status, doc = call(s, "POST", "usage-reports/%d/accept" % third["id"], tokens["reg"],
                       {"note": "ok"})
    t.check(status == 200 and doc["status"] == "accepted", "accepted", doc)
    status, after = output(s, tokens["reg"], LAST_YEAR)
    old_counted = old["status"] == "accepted"
    want = before["value_fen"] + 1000 if old_counted else before["value_fen"] + \
        body["sales_value_fen"]
    t.check(after["value_fen"] == want, "the newest accepted version replaces the older",
            (after["value_fen"], want))
    # scope: the city sees its region's value only; by region is city then county
    _, items = all_reports(s, tokens["city"])
    value, _, _ = derived(items, LAST_YEAR)
    status, city = output(s, tokens["city"], LAST_YEAR, "region")
    t.check(status == 200 and city["value_fen"] == value and
            all(r["key"].startswith("4510") for r in city["rows"]),
            "the city's output value counts its region only", city)
    status, reg = output(s, tokens["reg"], LAST_YEAR, "region")
    t.check(sum(r["value_fen"] for r in reg["rows"] if r["level"] == "city") ==
            reg["value_fen"] == sum(r["value_fen"] for r in reg["rows"]
                                    if r["level"] == "county"),
            "cities and counties each add up to the total", reg)
    status, by_op = output(s, tokens["reg"], LAST_YEAR, "operator")
    t.check(status == 200 and all(r.get("uscc") for r in by_op["rows"]),
            "by operator with USCC", by_op)
    # year on year on the same basis, recomputed from the reports
    _, items = all_reports(s, tokens["reg"])
    _, _, now = derived(items, LAST_YEAR)
    _, _, prev = derived(items, LAST_YEAR - 1)
    pairs_now = {(k[0], k[1]) for k in now}
    pairs_prev = {(k[0], k[1]) for k in prev}
    same = pairs_now & pairs_prev
    v_now = sum(r["sales_value_fen"] for k, r in now.items() if (k[0], k[1]) in same)
    v_prev = sum(r["sales_value_fen"] for k, r in prev.items() if (k[0], k[1]) in same)
    yoy = reg["year_on_year"]
    t.check(yoy["pairs"] == len(same) and yoy["value_fen"] == v_now and
            yoy["previous_value_fen"] == v_prev and
            yoy["change_bp"] == round((v_now - v_prev) * 10000 / v_prev),
            "year on year on the same basis", (yoy, v_now, v_prev))
    for who in ("a", "b"):
        status, _ = output(s, tokens[who], LAST_YEAR)
        t.check(status == 403, "operator %s sees no output value" % who, status)
    status, doc = output(s, tokens["aud"], LAST_YEAR)
    t.check(status == 200 and doc["value_fen"] == after["value_fen"], "the auditor reads it",
            doc)
    for q in ("year=abc", "year=1999", "year=%d&by=county" % LAST_YEAR, ""):
        status, _ = call(s, "GET", "statistics/output?" + q, tokens["reg"])
        t.check(status == 400, "output ?%s: 400" % q, status)
    status, _ = call(s, "POST", "statistics/output?year=2025", tokens["reg"], {})
    t.check(status == 405, "POST output: 405", status)
    # the audit log follows a use report's operator into the region scopes
    _, city_items = all_reports(s, tokens["city"])
    visible = {r["id"] for r in city_items}
    status, doc = call(s, "GET", "audit?limit=500", tokens["city"])
    rows = [r for r in doc["items"] if r["entity"] == "usage_report"]
    t.check(status == 200 and rows and all(r["entity_id"] in visible for r in rows),
            "the city's audit log holds its region's use reports only", rows)
    status, doc = call(s, "GET", "audit?limit=500", tokens["reg"])
    t.check(any(r["entity"] == "usage_report" and r["entity_id"] not in visible
                for r in doc["items"]), "the province's holds the others too")


def test_missing(t, s, tokens):
    status, doc = call(s, "GET", "usage-reports/missing?period=%d" % LAST_YEAR, tokens["reg"])
    t.check(status == 200 and [r["uscc"] for r in doc["items"]] == [OPERATOR_B] and
            doc["items"][0]["product_name"] and doc["basis"],
            "B did not report last year (USCC and product)", doc)
    status, doc = call(s, "GET", "usage-reports/missing?period=%d" % LAST_YEAR, tokens["city"])
    t.check(status == 200 and doc["items"] == [], "B is outside the city's scope", doc)
    status, doc = call(s, "GET", "usage-reports/missing?period=%d" % (LAST_YEAR + 1),
                       tokens["reg"])
    t.check(status == 409, "a period that has not closed: 409", doc)
    status, doc = call(s, "GET", "usage-reports/idle", tokens["reg"])
    t.check(status == 200 and OPERATOR_B in [r["uscc"] for r in doc["items"]] and
            OPERATOR_A not in [r["uscc"] for r in doc["items"]],
            "B issued no labels for two years, A did", doc)
    for who in ("a", "b"):
        status, _ = call(s, "GET", "usage-reports/missing?period=%d" % LAST_YEAR, tokens[who])
        t.check(status == 403, "operator %s: the lists are the office's" % who, status)


def test_desk(t, s, w):
    a = Browser(s)
    a.sign_in("coop-a")
    status, _, html, _ = a.get("/coop/usage?lang=en")
    t.check(status == 200 and 'name="sales_value_yuan"' in html and "File a use report" in html,
            "the operator's form", status)
    product = re.search(r'<option value="(\d+)">', html).group(1)
    fields = {"product_id": product, "period": str(LAST_YEAR), "volume_produced": "10",
              "volume_sold": "9", "volume_unit": "kg", "sales_value_yuan": "1234.5",
              "labels_received": "0", "labels_used": "0", "labels_voided": "0",
              "application": "<script>alert(1)</script> 每箱一枚"}
    before = w.sql("select count(*) from usage_report")
    status, _, _, _ = a.post("/coop/usage?lang=en", fields)
    t.check(status == 403 and w.sql("select count(*) from usage_report") == before,
            "a form without the CSRF token is refused and leaves nothing", status)
    status, h, _, _ = a.post("/coop/usage?lang=en", dict(fields, csrf=a.csrf(html)))
    t.check(status == 303 and "done=1" in h.get("Location", ""), "filed from the desk", status)
    rid = int(w.sql("select max(id) from usage_report"))
    t.check(w.sql("select sales_value_fen from usage_report where id = %d" % rid) == "123450",
            "1234.5 yuan is stored as 123450 fen")
    status, _, page, _ = a.get("/coop/usage/%d?lang=en" % rid)
    t.check(status == 200 and "&lt;script&gt;" in page and "<script>alert" not in page,
            "the operator's text is escaped", status)
    for bad in ({"sales_value_yuan": "1.234"}, {"sales_value_yuan": "-1"},
                {"labels_used": "99999999999"}, {"product_id": "x"}):
        status, _, _, _ = a.post("/coop/usage?lang=en", dict(fields, csrf=a.csrf(html), **bad))
        t.check(status == 400, "desk form %r: 400" % bad, status)
    # a refused filing comes back with what was typed, the error beside its field
    before = w.sql("select count(*) from usage_report")
    kept = dict(fields, csrf=a.csrf(html), labels_used="99999999999", volume_unit="t",
                application="每箱一枚 <b>kept</b>")
    status, _, page, _ = a.post("/coop/usage?lang=en", kept)
    t.check(status == 400 and w.sql("select count(*) from usage_report") == before,
            "a refused filing stores nothing", status)
    t.check('id="u-labels_used-error"' in page and 'value="99999999999"' in page
            and 'aria-invalid="true"' in page, "the error beside the field, the value kept")
    t.check("每箱一枚 &lt;b&gt;kept&lt;/b&gt;</textarea>" in page
            and '<option value="t" selected>' in page and 'value="1234.5"' in page
            and ('<option value="%s" selected>' % product) in page,
            "the other fields keep what was typed, escaped")
    t.check('href="/coop/usage?lang=en"' in page, "the way back")
    status, _, page, _ = a.post("/coop/usage?lang=zh", dict(kept, labels_used="0",
                                                             period="1990"))
    t.check(status in (400, 409) and 'id="u-period-error"' in page and 'value="1990"' in page,
            "a refused period is shown beside the period", status)
    status, _, _, _ = a.get("/admin/output")
    t.check(status == 303, "the operator is sent to its own desk", status)
    r = Browser(s)
    r.sign_in("reg")
    status, _, page, _ = r.get("/admin/usage/%d?lang=en" % rid)
    t.check(status == 200 and "/admin/usage/%d/accept" % rid in page, "the decision forms",
            status)
    status, _, page, _ = r.get("/admin/output?year=%d&lang=en" % LAST_YEAR)
    t.check(status == 200 and "<svg" in page and "Reports received / reports expected" in page
            and "Same basis" in page and "Denominator" in page, "the output page", status)
    status, h, body, _ = r.get("/admin/output?year=%d&by=operator&format=csv" % LAST_YEAR)
    rows = list(csv.reader(io.StringIO(body)))
    t.check(status == 200 and h.get("Content-Type", "").startswith("text/csv") and
            rows[0][0] == "year" and rows[-1][2] == "total", "the output CSV", rows)
    status, _, page, _ = r.get("/admin/usage/missing?period=%d&lang=en" % LAST_YEAR)
    t.check(status == 200 and OPERATOR_B in page, "who did not report, on the desk", status)
    status, _, body, _ = r.get("/admin/usage?format=csv")
    t.check(status == 200 and body.startswith("id,period,uscc"), "the reports CSV", body[:80])


def test_csv_injection(t, s, w, tokens):
    """An operator whose name starts like a formula: the CSV shows it as text."""
    now = int(time.time())
    uscc = g.uscc_with_checks("93451003MA00000C")
    w.gimark("operator", "add", "--uscc", uscc, "--name", "=HYPERLINK(\"http://x\")",
             "--kind", "cooperative", "--region", "451003")
    product = w.sql("select id from product where region_code = '451003'")
    then = now - 2 * 366 * 86400
    auth = w.json("auth", "grant", "--operator", uscc, "--product", product, "--quota", 10,
                  "--from", "%d-01-01" % (LAST_YEAR - 1), now=then)["id"]
    w.gimark("auth", "approve", auth, "--doc", "X", now=then)
    rid = w.json("usage", "report", "--operator", uscc, "--product", product, "--period",
                 LAST_YEAR, "--produced", 1, "--sold", 1, "--unit", "kg", "--value-yuan",
                 "1.00", "--received", 0, "--used", 0, "--voided", 0, "--how", "x")["id"]
    w.gimark("usage", "accept", rid)
    r = Browser(s)
    r.sign_in("reg")
    _, _, body, _ = r.get("/admin/output?year=%d&by=operator&format=csv" % LAST_YEAR)
    t.check("'=HYPERLINK" in body and "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body,
            "a formula in a CSV cell is neutralised", body)
    # the CLI and the API agree on the derived value
    cli = w.json("usage", "output", "--year", LAST_YEAR)
    _, api = output(s, tokens["reg"], LAST_YEAR)
    t.check(cli["value_fen"] == api["value_fen"] and cli["reports_received"] ==
            api["reports_received"], "CLI and API give one figure", (cli["value_fen"],
                                                                     api["value_fen"]))


def test_quarterly(t, w, tokens):
    """An office on quarters: a yearly report is refused, each quarter is one,
    and four reports a year are expected of each authorisation."""
    with g.Server(w) as s:
        _, base = output(s, tokens["reg"], LAST_YEAR)
    t.check(base["report_period"] == "yearly", "a yearly office by default", base)
    with g.Server(w, "--report-period", "quarter") as s:
        status, q = output(s, tokens["reg"], LAST_YEAR)
        t.check(status == 200 and q["report_period"] == "quarter" and
                q["reports_expected"] == 4 * base["reports_expected"],
                "a quarterly office expects four reports a year of each", (q, base))
        product = int(w.sql("select product_id from authorisation order by id limit 1"))
        status, doc = call(s, "POST", "usage-reports", tokens["a"], good_body(product))
        t.check(status == 400, "a yearly report to a quarterly office: 400", doc)
        body = dict(good_body(product), period="%d-Q4" % LAST_YEAR)
        status, doc = call(s, "POST", "usage-reports", tokens["a"], body)
        t.check(status == 201 and doc["period_start"] == "%d-10-01" % LAST_YEAR and
                doc["period_end"] == "%d-12-31" % LAST_YEAR, "a quarter's report", doc)
    bad = g.Server(w, "--report-period", "monthly")
    try:
        bad.start()
        started = True
    except RuntimeError:
        started = False
    finally:
        if bad.proc:
            bad.stop()
    t.check(not started, "an unknown report-period stops the server at start")


def main():
    t = g.Tally("test_usage")
    w = g.Workdir()
    try:
        tokens, ids = seed(w)
        s = g.Server(w).start()
        try:
            everything = test_lists(t, s, tokens, ids)
            test_one(t, s, tokens, everything)
            _, old, new = test_filing(t, s, w, tokens, ids)
            test_decisions_and_output(t, s, tokens, old, new)
            test_missing(t, s, tokens)
            test_desk(t, s, w)
            test_csv_injection(t, s, w, tokens)
        finally:
            rc = s.stop()
        t.check(rc == 0, "clean exit", rc)
        test_quarterly(t, w, tokens)
        t.check(w.json("audit", "verify")["ok"], "the audit chain holds")
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
