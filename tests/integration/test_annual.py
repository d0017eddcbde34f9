"""test_annual.py - the annual supervision report against the real server, on
a database this test builds: the demo's two closed years plus records dated in
the last year (a new operator and its authorisation, a suspension with its
reason, a batch with voided labels, scans, a consumer report).

It checks who gets the report (API and desk: no token, operator A, operator B,
auditor, provincial regulator, city regulator), that a city regulator's report
counts only its region on every figure (against counts made here from the
records), that every figure of the PDF (read back with pdftotext -layout) and
of the CSV equals the API's JSON, the office's texts (CSRF, hostile values,
audited), and that a closed year's report does not change when records are
edited afterwards while the current year's does.
"""

import calendar
import csv
import io
import json
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402
from test_pages import PASSWORD, Browser  # noqa: E402

OPERATOR_A = "93451003MA815908XM"  # Tianyang 451003 (city 4510)
OPERATOR_B = "91450100MA8609132C"  # Hengzhou 450127 (Nanning, city 4501)
OPERATOR_C = g.uscc_with_checks("93451002MA7777770")  # Youjiang 451002 (city 4510), new
THIS_YEAR = time.gmtime().tm_year
YEAR = THIS_YEAR - 1  # the demo history's last closed year
MID = calendar.timegm((YEAR, 6, 15, 4, 0, 0))  # noon in Beijing
START, END = calendar.timegm((YEAR, 1, 1, 0, 0, 0)) - 8 * 3600, \
    calendar.timegm((YEAR + 1, 1, 1, 0, 0, 0)) - 8 * 3600


def call(s, path, token=None, method="GET"):
    headers = {"Authorization": "Bearer " + token} if token else {}
    status, hdrs, raw = s.request(method, "/api/v1/" + path, headers=headers)
    return status, hdrs, raw


def report(s, token, year=YEAR):
    status, _, raw = call(s, "supervision/report?year=%d" % year, token)
    return status, (json.loads(raw) if status == 200 else None)


def section(r, sid):
    return next(x for x in r["sections"] if x["id"] == sid)


def rows(r, sid, i=0):
    return section(r, sid)["tables"][i]["rows"]


def item(r, sid, name, i=0):
    """The value of the row whose first cell starts with name."""
    return next(row[-1] for row in rows(r, sid, i) if row[0].startswith(name))


def seed(w):
    w.gimark("init")
    w.gimark("demo", "--history")
    # in the last year: a new operator in Baise city, granted and approved
    w.gimark("operator", "add", "--uscc", OPERATOR_C, "--name", "右江芒果合作社（测试）",
             "--kind", "cooperative", "--region", "451002", now=MID)
    auth = w.json("auth", "grant", "--operator", OPERATOR_C, "--product", 1, "--quota", 1000,
                  "--from", "%d-06-01" % YEAR, "--until", "%d-05-31" % (YEAR + 3),
                  "--doc", "百市监〔%d〕7号" % YEAR, now=MID)["id"]
    w.gimark("auth", "approve", auth, now=MID + 3600)
    # a suspension with its reason (Nanning's tea company: outside city 4510)
    w.gimark("auth", "suspend", 3, "--reason", "标签使用不规范 labels misused", now=MID + 86400)
    # a batch of operator A, two labels voided in the year
    batch, codes = w.batch(1, 6, now=MID + 2 * 86400)
    w.gimark("batch", "void", batch, codes[4], codes[5], "--reason", "misprint",
             now=MID + 3 * 86400)
    # scans and a consumer report in the year (the server records only the present)
    scans = [(MID + 4 * 86400 + i, "'%s'" % codes[0], "NULL", "GENUINE") for i in range(3)]
    scans += [(MID + 5 * 86400, "'%s'" % codes[4], "NULL", "VOID"),
              (MID + 5 * 86400 + 1, "NULL", "'XXXX'", "UNKNOWN")]
    for at, code, raw, verdict in scans:
        w.scans_sql("INSERT INTO scan (at, code, raw, verdict, client_key, ua_class) VALUES "
                    "(%d, %s, %s, '%s', 'k', 'other')" % (at, code, raw, verdict))
    w.sql("INSERT INTO report (at, code, text, contact, client_key, status, note) VALUES "
          "(%d, '%s', 'suspect copy', '', 'k', 'new', '')" % (MID + 6 * 86400, codes[0]))
    tokens = {
        "a": g.add_user(w, "coop-a", "operator", operator=OPERATOR_A),
        "b": g.add_user(w, "coop-b", "operator", operator=OPERATOR_B),
        "aud": g.add_user(w, "aud", "auditor", scope="45"),
        "reg": g.add_user(w, "reg", "regulator", scope="45"),
        "city": g.add_user(w, "city", "regulator", scope="4510"),
    }
    return tokens, codes


def test_roles(t, s, tokens):
    status, _, _ = call(s, "supervision/report?year=%d" % YEAR)
    t.check(status == 401, "no token: 401", status)
    for who in ("a", "b"):
        status, _, raw = call(s, "supervision/report?year=%d&format=pdf" % YEAR, tokens[who])
        t.check(status == 403 and not raw.startswith(b"%PDF"),
                "operator %s gets no report" % who, status)
    for who, scope in (("aud", "45"), ("reg", "45"), ("city", "4510")):
        status, r = report(s, tokens[who])
        t.check(status == 200 and r["scope"] == scope and r["year"] == YEAR,
                "%s gets its own scope's report" % who, (status, r and r["scope"]))
    for bad in ("year=abc", "year=99999", "year=-1", "", "year=%d&format=exe" % YEAR,
                "year=%d" % (THIS_YEAR + 1)):
        status, _, _ = call(s, "supervision/report?" + bad, tokens["reg"])
        t.check(status == 400, "hostile query refused: " + bad, status)
    status, _, _ = call(s, "supervision/report?year=%d" % YEAR, tokens["reg"], method="POST")
    t.check(status == 405, "POST: 405", status)


def labels_issued(w, prefix):
    return int(w.sql("SELECT coalesce(sum(b.count), 0) FROM batch b JOIN authorisation a ON "
                     "a.id = b.auth_id JOIN operator o ON o.id = a.operator_id WHERE "
                     "o.region_code LIKE '%s%%' AND b.issued_at >= %d AND b.issued_at < %d"
                     % (prefix, START, END)))


def scans_of(w, prefix):
    codes = set(w.sql("SELECT l.code FROM label l JOIN batch b ON b.id = l.batch_id JOIN "
                      "authorisation a ON a.id = b.auth_id JOIN operator o ON "
                      "o.id = a.operator_id WHERE o.region_code LIKE '%s%%'" % prefix).split())
    scanned = w.scans_sql("SELECT coalesce(code, '-') FROM scan WHERE at >= %d AND at < %d"
                          % (START, END)).split()
    return sum(1 for c in scanned if c in codes) + (
        sum(1 for c in scanned if c == "-") if len(prefix) <= 2 else 0)


def test_scope(t, w, s, tokens):
    _, reg = report(s, tokens["reg"])
    _, city = report(s, tokens["city"])
    for r, prefix in ((reg, "45"), (city, "4510")):
        t.check(rows(r, "labels")[0][0] == labels_issued(w, prefix),
                "labels issued in %s equal the batches'" % prefix, rows(r, "labels"))
        t.check(rows(r, "scans")[0][0] == scans_of(w, prefix),
                "scans in %s equal the scans of its labels" % prefix, rows(r, "scans"))
        cities = [row[0] for row in rows(r, "new_cancelled", 1)[:-1]]
        t.check(all(c.startswith(prefix) for c in cities), "cities inside %s only" % prefix,
                cities)
        end = item(r, "users", "本年末")
        prev = item(r, "users", "上年末")
        total = rows(r, "new_cancelled", 1)[-1]
        t.check(end == prev + total[1] - total[2] and total[3] == end,
                "users at year end = before + new - cancelled (%s)" % prefix, (prev, total, end))
        progress = rows(r, "users", 1)[0]
        t.check(progress[1] == 500 and progress[2] == "%.2f%%" % (end * 100 / 500),
                "progress to the target setting (%s)" % prefix, progress)
    t.check(rows(city, "new_cancelled", 1)[-1][1:3] == [1, 0], "the city: one new user",
            rows(city, "new_cancelled", 1))
    t.check(rows(reg, "new_cancelled", 1)[-1][1:3] == [1, 1],
            "the province: one new, one cancelled (suspended)", rows(reg, "new_cancelled", 1))
    t.check(rows(reg, "authorisations")[0] == [1, 1, 0] and
            rows(city, "authorisations")[0] == [1, 0, 0],
            "granted, suspended, revoked in each scope",
            (rows(reg, "authorisations"), rows(city, "authorisations")))
    actions = rows(reg, "authorisations", 1)
    t.check(len(actions) == 1 and "labels misused" in actions[0][3],
            "the suspension listed with its reason", actions)
    t.check(rows(city, "authorisations", 1) == [], "not in the city's list")
    t.check(rows(reg, "labels")[0][2] == 2, "two labels voided", rows(reg, "labels"))
    verdicts = dict(map(tuple, rows(reg, "scans", 1)))
    t.check(verdicts == {"GENUINE": 3, "VOID": 1, "UNKNOWN": 1}, "the verdict mix", verdicts)
    t.check("UNKNOWN" not in dict(map(tuple, rows(city, "scans", 1))),
            "inputs that name no label are not a city's", rows(city, "scans", 1))
    t.check(rows(reg, "consumer_reports")[0][0] == 1 and
            rows(reg, "consumer_reports", 1) == [["new", 1]], "the consumer report",
            rows(reg, "consumer_reports", 1))
    out = w.json("usage", "output", "--year", YEAR)
    t.check(item(reg, "output", "直接产值") == out["value_yuan"] if "value_yuan" in out else
            item(reg, "output", "直接产值") == "%d.%02d" % divmod(out["value_fen"], 100),
            "the output value is gi/usage's", (item(reg, "output", "直接产值"), out))
    products = [row[0] for row in rows(city, "products", 1)]
    t.check("横县茉莉花茶" not in products and "百色芒果" in products,
            "the city's products are those of its region or used there", products)
    return reg, city


def pdf_text(raw, dirname, name):
    path = os.path.join(dirname, name + ".pdf")
    with open(path, "wb") as f:
        f.write(raw)
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                          check=True).stdout


NUMBER = re.compile(r"[-+0-9.,%]+")  # a figure: compared as a whole token


def cell_text(c):
    return str(c)


def check_pdf(t, text, r, what):
    """Every row of every table, in order, on a line of its own: its first cell's
    beginning and every other cell as a whole token; chart values printed."""
    lines = text.splitlines()
    at, missing = 0, []
    for sec in r["sections"]:
        for table in sec["tables"]:
            for row in table["rows"]:
                first, rest = cell_text(row[0]), [cell_text(c) for c in row[1:]]
                found = None
                for i in range(at, len(lines)):
                    tokens = lines[i].split()
                    if NUMBER.fullmatch(first):
                        if not tokens or tokens[0] != first:
                            continue
                    elif not lines[i].strip().startswith(first[:2]):
                        continue
                    # the other cells: whole tokens, in order (a text cell may be cut
                    # with an ellipsis: its first two characters then)
                    k, ok = 0, True
                    for c in rest:
                        while k < len(tokens) and not (
                                tokens[k] == c or (not NUMBER.fullmatch(c) and
                                                   tokens[k].startswith(c[:2]))):
                            k += 1
                        if k == len(tokens):
                            ok = False
                            break
                        k += 1
                    if ok:
                        found = i
                        break
                if found is None:
                    missing.append((sec["id"], row))
                else:
                    at = found + 1
    t.check(not missing, "%s: every table row of the JSON is in the PDF, in order" % what,
            missing[:3])
    for sec in r["sections"]:
        if "chart" in sec:
            printed = text.split()
            t.check(all(str(v) in printed for v in sec["chart"]["values"]),
                    "%s: the %s chart's values are printed" % (what, sec["id"]),
                    sec["chart"]["values"])
        if sec.get("text"):
            t.check(sec["text"].split()[0] in text, "%s: the %s text" % (what, sec["id"]))
    numbers = sum(1 for sec in r["sections"] for tb in sec["tables"] for row in tb["rows"]
                  for c in row if isinstance(c, int))
    t.check(numbers > 20, "%s: the report has figures to compare" % what, numbers)


def check_csv(t, raw, r, what):
    got = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    want = []
    for sec in r["sections"]:
        for table in sec["tables"]:
            want.append(table["columns"])
            want.extend([[str(c) for c in row] for row in table["rows"]])
    flat = [[c[1:] if c.startswith("'") else c for c in row] for row in got]
    t.check(all(row in flat for row in want), "%s: every CSV row equals the JSON" % what,
            [row for row in want if row not in flat][:3])


def test_documents(t, w, s, tokens, reg, city):
    for who, r in (("reg", reg), ("city", city)):
        status, hdrs, raw = call(s, "supervision/report?year=%d&format=pdf" % YEAR, tokens[who])
        t.check(status == 200 and hdrs.get("content-type") == "application/pdf" and
                raw.startswith(b"%PDF"), "%s: a PDF" % who, (status, hdrs.get("content-type")))
        fonts = subprocess.run(["pdffonts", "-"], input=raw, capture_output=True).stdout.decode()
        t.check("NotoSansCJK" in fonts and re.search(r"\byes\s+yes\b", fonts) is not None,
                "%s: the CJK font is embedded" % who, fonts)
        info = subprocess.run(["pdfinfo", "-"], input=raw, capture_output=True).stdout.decode()
        t.check("595.28 x 841.89" in info or "595 x 842" in info, "%s: A4 portrait" % who, info)
        text = pdf_text(raw, w.dir, who)
        check_pdf(t, text, r, who + " PDF")
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        t.check(all(re.search(r"Page\s+%d\b" % n, text) for n in range(1, pages + 1)),
                "%s: page numbers" % who, pages)
        status, hdrs, raw = call(s, "supervision/report?year=%d&format=csv" % YEAR, tokens[who])
        t.check(status == 200 and hdrs.get("content-type", "").startswith("text/csv"),
                "%s: a CSV" % who, status)
        check_csv(t, raw, r, who)
    # the CLI draws the same figures for the same scope
    path = os.path.join(w.dir, "cli.pdf")
    w.gimark("supervision", "report", "--year", YEAR, "--region", "4510", "--target", 500,
             "--format", "pdf", "--out", path)
    with open(path, "rb") as f:
        check_pdf(t, pdf_text(f.read(), w.dir, "cli-copy"), city, "CLI PDF of 4510")
    cli = w.json("supervision", "report", "--year", YEAR, "--region", "4510", "--target", 500)
    t.check(cli["sections"] == city["sections"], "the CLI's JSON is the API's")


def test_texts(t, w, s, tokens):
    page = "/admin/annual?year=%d&lang=en" % YEAR
    br = Browser(s)
    br.sign_in("reg")
    status, _, html, _ = br.get(page)
    t.check(status == 200 and 'name="body"' in html and "enforcement" in html,
            "the regulator's desk page with the text forms", status)
    status, _, _, _ = br.post("/admin/annual/text?lang=en",
                              {"year": YEAR, "section": "enforcement", "body": "x"})
    t.check(status == 403, "no CSRF token: refused", status)
    body = "查处假冒地理标志案件 3 起 <script>alert(1)</script>"
    status, hdrs, _, _ = br.post("/admin/annual/text?lang=en",
                                 {"year": YEAR, "section": "enforcement", "body": body,
                                  "csrf": br.csrf(html)})
    t.check(status == 303, "the text saved", status)
    _, r = report(s, tokens["reg"])
    t.check(section(r, "enforcement")["text"] == body, "the text is in the report")
    _, city = report(s, tokens["city"])
    t.check(section(city, "enforcement")["text"] == "", "a scope's text is its own")
    _, _, html, _ = br.get(page)
    t.check("<script>alert(1)" not in html and "&lt;script&gt;" in html, "the text escaped")
    t.check(int(w.sql("SELECT count(*) FROM audit_log WHERE action = 'annual.text' "
                      "AND detail LIKE '%script%'")) == 1, "the edit audited")
    for bad in ({"section": "bogus", "body": "x"},
                {"section": "standards", "body": "a\u202eb"},
                {"section": "standards", "body": "x" * 20001},
                {"section": "standards", "body": "x", "year": "99999"}):
        fields = dict({"year": YEAR, "csrf": br.csrf(html)}, **bad)
        status, _, refused, _ = br.post("/admin/annual/text?lang=en", fields)
        t.check(status == 400, "hostile text refused: %s" % str(bad)[:40], status)
        if bad["section"] == "standards" and "year" not in bad:
            t.check('id="text-standards-error"' in refused
                    and (bad["body"] + "</textarea>") in refused,
                    "the refused text comes back as typed, the error beside it")
        if bad["section"] == "bogus":
            t.check('class="form-problem"' in refused and "<strong>" in refused,
                    "a refused text of no section: the refusal above the report")
    for name in ("aud", "coop-a"):
        other = Browser(s)
        other.sign_in(name)
        status, _, h, _ = other.get(page)
        status2, _, _, _ = other.post("/admin/annual/text?lang=en",
                                      {"year": YEAR, "section": "standards", "body": "x",
                                       "csrf": other.csrf(h)})
        t.check(status2 in (303, 403) and
                int(w.sql("SELECT count(*) FROM annual_text WHERE body = 'x'")) == 0,
                "%s cannot write a text" % name, status2)
    return body


def strip(r):
    return {k: v for k, v in r.items() if k not in ("closed", "closed_at", "closed_by", "source")}


def test_closing(t, w, s, tokens, codes):
    _, older = report(s, tokens["reg"], YEAR - 1)
    t.check(older["closed"] and older["source"] == "snapshot" and
            section(older, "output")["tables"][0]["rows"][0][1] != "0.00",
            "the demo's year before last is closed, with its output value", older["source"])
    _, last = report(s, tokens["reg"])
    t.check(not last["closed"] and section(last, "training")["text"].startswith("（演示）"),
            "the demo's last year is open, with the office's texts")
    _, before = report(s, tokens["reg"])
    _, before_city = report(s, tokens["city"])
    _, current_before = report(s, tokens["reg"], THIS_YEAR)
    # as of the year's end: a revocation now changes nothing of the last year
    w.gimark("auth", "revoke", 2, "--reason", "停止生产 stopped producing")
    _, asof = report(s, tokens["reg"])
    t.check(asof["sections"] == before["sections"], "a revocation after the year: as of its end")
    try:
        w.gimark("supervision", "close", "--year", THIS_YEAR)
        t.check(False, "a year that has not ended cannot be closed")
    except RuntimeError as e:
        t.check("exit 2" in str(e), "a year that has not ended cannot be closed", e)
    out = w.json("supervision", "close", "--year", YEAR, "--target", 500)
    t.check(out["scopes"] >= 3, "closed for every scope", out)
    t.check(int(w.sql("SELECT count(*) FROM audit_log WHERE action = 'annual.close' "
                      "AND entity_id = %d" % YEAR)) == 1, "the closing audited")
    try:
        w.gimark("supervision", "close", "--year", YEAR)
        t.check(False, "a year closes once")
    except RuntimeError as e:
        t.check("exit" in str(e), "a year closes once", e)
    _, closed = report(s, tokens["reg"])
    t.check(closed["closed"] and closed["source"] == "snapshot" and
            strip(closed) == strip(asof), "the closed year's report is the one computed",
            closed.get("source"))
    # edits after the closing: accept a report, void labels, triage a consumer report,
    # suspend another authorisation, edit a text
    report_id = w.sql("SELECT u.id FROM usage_report u WHERE NOT EXISTS (SELECT 1 FROM "
                      "usage_decision d WHERE d.report_id = u.id) ORDER BY u.id LIMIT 1")
    w.gimark("usage", "accept", report_id)
    w.gimark("batch", "void", 7, codes[0], codes[1], "--reason", "damaged")
    w.sql("UPDATE report SET status = 'closed', note = 'found true'")
    br = Browser(s)
    br.sign_in("reg")
    _, _, html, _ = br.get("/admin/annual?year=%d" % YEAR)
    t.check('name="body"' not in html, "a closed year's page has no text forms")
    status, _, _, _ = br.post("/admin/annual/text", {"year": YEAR, "section": "training",
                                                     "body": "late", "csrf": br.csrf(html)})
    t.check(status == 409, "a closed year's text is frozen", status)
    live = w.json("usage", "output", "--year", YEAR)
    _, after = report(s, tokens["reg"])
    _, after_city = report(s, tokens["city"])
    t.check(after["sections"] == closed["sections"], "the closed year unchanged after edits")
    t.check(strip(after_city) == strip(before_city), "the city's closed year unchanged")
    t.check("%d.%02d" % divmod(live["value_fen"], 100) != item(after, "output", "直接产值"),
            "the accepted report changed the live output value, not the closed report",
            (live["value_fen"], item(after, "output", "直接产值")))
    _, current = report(s, tokens["reg"], THIS_YEAR)
    t.check(not current["closed"] and rows(current, "authorisations")[0][2] ==
            rows(current_before, "authorisations")[0][2] + 1 and
            rows(current, "labels")[0][2] == rows(current_before, "labels")[0][2] + 2,
            "the current year's report shows the revocation and the voided labels",
            (rows(current, "authorisations"), rows(current, "labels")))


def main():
    t = g.Tally("test_annual")
    w = g.Workdir()
    try:
        tokens, codes = seed(w)
        s = g.Server(w, "--target", 500).start()
        try:
            test_roles(t, s, tokens)
            reg, city = test_scope(t, w, s, tokens)
            test_documents(t, w, s, tokens, reg, city)
            test_texts(t, w, s, tokens)
            test_closing(t, w, s, tokens, codes)
        finally:
            rc = s.stop()
        t.check(rc == 0, "clean exit", rc)
        t.check(w.json("audit", "verify")["ok"], "the audit chain holds")
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
