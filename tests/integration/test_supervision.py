"""test_supervision.py - graded supervision and random inspections through the
real server and the CLI: the credit class appears nowhere without sign-in (the
consumer page, the verify JSON, the publication CSV) nor to operators; regulators
and auditors see it inside their region; draws through the API are reproducible
from their seed and every draw is logged beside the earlier ones; inspections,
evidence and publication; hostile input is refused and changes nothing.

The classes get names no page would print by chance (--grade-classes), so a
search of any answer for them finds a leak.
"""

import base64
import datetime
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402
from test_pages import PASSWORD, Browser  # noqa: E402

CLASSES = "QZXLOW:0,QZXMID:3,QZXHI:6,QZXTOP:12"
RATIOS = "QZXLOW:100,QZXMID:100,QZXHI:100,QZXTOP:100"
SEED = "ab" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
OPERATOR_A = "93451003MA815908XM"


def leaks(raw):
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return "QZX" in text or "SAMR-IMPORT" in text


def seed(w):
    w.gimark("init")
    w.gimark("demo")
    _, codes = w.batch(1, 2)
    tokens = {
        "reg": g.add_user(w, "reg", "regulator", scope="45"),
        "city": g.add_user(w, "city", "regulator", scope="4510"),
        "aud": g.add_user(w, "aud", "auditor", scope="45"),
        "coop": g.add_user(w, "coop", "operator", operator=OPERATOR_A),
    }
    # operator 1 gets an imported class, so every page of it has a class to leak
    w.gimark("supervision", "import-grade", "--grade-classes", CLASSES, "--operator", 1,
             "--class", "QZXTOP", "--as-of", "2020-01-01", "--source", "SAMR-IMPORT-1")
    return codes, tokens


def check_no_class_without_sign_in(t, s, w, code):
    status, _, body = s.get("/v/" + code)
    t.check(status == 200 and not leaks(body), "the consumer page shows no class", status)
    status, _, body = s.get("/v/" + code + "?lang=en")
    t.check(status == 200 and not leaks(body), "the English consumer page shows no class")
    status, _, body = s.get("/api/v1/verify/" + code)
    t.check(status == 200 and not leaks(body), "the verify JSON holds no class", body[:200])
    for path in ("/api/v1/supervision/grades", "/api/v1/supervision/grades/1",
                 "/api/v1/supervision/draws", "/api/v1/supervision/inspections"):
        status, _, body = s.get(path)
        t.check(status == 401 and not leaks(body), "%s without a token: 401" % path, status)
    for path in ("/admin/supervision", "/admin/supervision/operators/1",
                 "/admin/supervision/draws/1", "/admin/supervision/inspections"):
        status, headers, body = s.get(path)
        t.check(status == 303 and not leaks(body), "%s without sign-in: to /login" % path,
                status)


def check_roles(t, s, tokens):
    call = g.api_call
    status, doc, raw = call(s, "GET", "supervision/grades", tokens["reg"])
    t.check(status == 200 and "QZXTOP" in raw.decode(), "a regulator sees the classes", status)
    items = {i["operator_id"]: i for i in (doc or {}).get("items", [])}
    t.check(items.get(1, {}).get("class") == "QZXTOP" and items[1].get("imported"),
            "the imported class stands, with its source",
            items.get(1))
    t.check(items.get(1, {}).get("import", {}).get("source") == "SAMR-IMPORT-1",
            "the import's source is shown")
    status, doc, _ = call(s, "GET", "supervision/grades", tokens["city"])
    ids = sorted(i["operator_id"] for i in (doc or {}).get("items", []))
    t.check(status == 200 and ids == [1], "a city regulator sees its region's operators only",
            ids)
    status, _, _ = call(s, "GET", "supervision/grades/2", tokens["city"])
    t.check(status == 404, "a city regulator: another city's operator is not found", status)
    status, doc, _ = call(s, "GET", "supervision/grades/1", tokens["aud"])
    rules = {r["rule"]: r for r in (doc or {}).get("rules", [])}
    t.check(status == 200 and "evidence" in rules.get("suspended", {}),
            "an auditor reads one operator's rules with their evidence", status)
    for method, path, body in (("GET", "supervision/grades", None),
                               ("GET", "supervision/grades/1", None),
                               ("GET", "supervision/draws", None),
                               ("GET", "supervision/inspections", None),
                               ("GET", "supervision/registers", None),
                               ("GET", "supervision/plan", None),
                               ("POST", "supervision/draws", {}),
                               ("POST", "supervision/publish", {"year": 2026})):
        status, _, raw = call(s, method, path, tokens["coop"], body)
        t.check(status == 403 and not leaks(raw), "an operator: %s %s is 403" % (method, path),
                status)
    status, _, _ = call(s, "POST", "supervision/draws", tokens["aud"], {})
    t.check(status == 403, "an auditor draws nothing", status)
    status, _, _ = call(s, "POST", "supervision/grades/1/import", tokens["aud"],
                        {"class": "QZXLOW", "as_of": "2026-01-01", "source": "x"})
    t.check(status == 403, "an auditor imports no class", status)


def check_operator_pages(t, s):
    b = Browser(s)
    status, _, _, _ = b.sign_in("coop")
    t.check(status == 303, "the operator signs in", status)
    for path in ("/coop/", "/admin/supervision", "/admin/supervision/operators/1"):
        status, _, body, _ = b.get(path)
        t.check(not leaks(body), "%s shows an operator no class" % path, status)


def check_draws(t, s, w, tokens):
    call = g.api_call
    reg = tokens["reg"]
    status, plan, _ = call(s, "GET", "supervision/plan?ratios=" + RATIOS, reg)
    t.check(status == 200 and plan["population"] == 2, "the plan counts the population",
            plan)
    before = int(w.sql("select count(*) from inspection_draw"))
    body = {"ratios": RATIOS, "seed": SEED, "inspectors": 2}
    status, one, _ = call(s, "POST", "supervision/draws", reg, body)
    t.check(status == 201, "a draw is made", (status, one))
    status, two, _ = call(s, "POST", "supervision/draws", reg, body)
    t.check(status == 201 and two["id"] != one["id"], "drawing again makes a new draw")
    t.check(one["result"] == two["result"] and one["seed"] == SEED,
            "the same seed and population give the same draw")
    t.check(int(w.sql("select count(*) from inspection_draw")) == before + 2,
            "both draws are logged, none replaced")
    t.check(all(len(x["inspectors"]) >= 2 for x in one["result"]),
            "every target has two inspectors")
    # demo: inspector 4 declared a conflict with operator 1
    for x in one["result"]:
        if x["operator_id"] == 1:
            t.check(4 not in x["inspectors"], "a conflicted inspector is never drawn", x)
    status, doc, _ = call(s, "GET", "supervision/draws/%d" % one["id"], tokens["aud"])
    t.check(status == 200 and doc["seed"] == SEED and "population" in doc,
            "the draw is kept whole: plan, population, seed", status)
    status, _, _ = call(s, "GET", "supervision/draws/%d" % one["id"], tokens["city"])
    t.check(status == 404, "a city regulator does not see the province's draw", status)
    rows = w.sql("select count(*) from audit_log where action = 'supervision.draw'")
    t.check(int(rows) >= 3, "draws are audited", rows)
    # the CLI gives the same draw from the same seed
    out = w.json("supervision", "draw", "--grade-classes", CLASSES, "--draw-ratios", RATIOS,
                 "--seed", SEED)
    t.check(out["result"] == one["result"], "the CLI reproduces the draw from its seed")
    for bad, why in (({"ratios": "QZXLOW:0,QZXMID:1,QZXHI:1,QZXTOP:1"}, "a class exempt"),
                     ({"ratios": "QZXLOW:100"}, "a class missing"),
                     ({"seed": "zz"}, "a seed not hex"),
                     ({"inspectors": 1}, "one inspector"),
                     ({"inspectors": 10 ** 30}, "a huge number"),
                     ({"inspectors": -3}, "a negative number"),
                     ({"office": "\u202e45"}, "a bidi control"),
                     ({"year": 99999}, "a year out of range"),
                     ({"extra": 1}, "an unknown field")):
        before = w.sql(".dump")
        status, _, _ = call(s, "POST", "supervision/draws", reg, bad)
        t.check(status == 400, "a draw with %s: 400" % why, status)
        t.check(w.sql(".dump") == before, "a draw with %s changes nothing" % why)
    return one


def check_inspections(t, s, w, tokens, draw):
    call = g.api_call
    reg = tokens["reg"]
    today = datetime.date.today().isoformat()
    target = draw["result"][0]
    body = {"draw_id": draw["id"], "operator_id": target["operator_id"], "body": "自治区知识产权局",
            "date": today, "result": "rectify", "rectify_by": "2999-01-01",
            "checks": {"mark_uscc": "pass", "scope_use": "pass", "raw_material": "na",
                       "standard": "pass", "label_records": "fail", "transfer": "pass"},
            "inspectors": target["inspectors"]}
    status, doc, raw = call(s, "POST", "supervision/inspections", reg, body)
    t.check(status == 201, "an inspection is recorded", raw[:200])
    iid = (doc or {}).get("id", 0)
    status, ev, _ = call(s, "POST", "supervision/inspections/%d/evidence" % iid, reg,
                         {"name": "photo.png", "data": base64.b64encode(PNG).decode()})
    t.check(status == 201 and ev["size"] == len(PNG), "evidence is attached", status)
    eid = (ev or {}).get("id", 0)
    status, got, _ = call(s, "GET", "supervision/evidence/%d" % eid, tokens["aud"])
    t.check(status == 200 and base64.b64decode(got["data"]) == PNG
            and got["content_type"] == "image/png", "the evidence file comes back whole", status)
    for who, want in (("coop", 403), ("city", 404 if target["operator_id"] != 1 else 200)):
        status, _, _ = call(s, "GET", "supervision/evidence/%d" % eid, tokens[who])
        t.check(status == want, "evidence read by %s: %d" % (who, want), status)
    status, _, _ = call(s, "GET", "supervision/evidence/999999", reg)
    t.check(status == 404, "no such evidence: 404", status)
    for name, data, why in (("x.png", b"MZ\x90\x00 not an image", "a file of another type"),
                            ("../x.png", PNG, "a path in the name")):
        status, _, _ = call(s, "POST", "supervision/inspections/%d/evidence" % iid, reg,
                            {"name": name, "data": base64.b64encode(data).decode()})
        t.check(status == 400, "evidence with %s: 400" % why, status)
    status, _, _ = call(s, "POST", "supervision/inspections/%d/evidence" % iid, reg,
                        {"name": "x.png", "data": "!!!"})
    t.check(status == 400, "evidence not in base64: 400", status)
    status, one, _ = call(s, "GET", "supervision/inspections/%d" % iid, tokens["aud"])
    t.check(status == 200 and len(one["evidence"]) == 1 and len(one["inspectors"]) == 2,
            "the inspection lists its inspectors and evidence", status)
    for field, value, why in (("body", "局" * 101, "an overlong body"),
                              ("body", "\u202e局", "a bidi override"),
                              ("note", "x\u0000y", "a NUL"),
                              ("operator_id", 10 ** 18, "a huge operator id"),
                              ("date", "2026-02-30", "no such date")):
        before = w.sql(".dump")
        status, _, _ = call(s, "POST", "supervision/inspections", reg, dict(body, **{field: value}))
        t.check(status in (400, 404), "an inspection with %s is refused" % why, status)
        t.check(w.sql(".dump") == before, "an inspection with %s changes nothing" % why)
    raw = b'{"operator_id": 1, "body": "\xff\xfe"}'
    status, _, _ = s.request("POST", "/api/v1/supervision/inspections", body=raw,
                             headers={"Authorization": "Bearer " + reg,
                                      "Content-Type": "application/json"})
    t.check(status == 400, "a body that is not UTF-8: 400", status)
    bad = dict(body, result="fine")
    status, _, _ = call(s, "POST", "supervision/inspections", reg, bad)
    t.check(status == 400, "a result outside the list: 400", status)
    bad = dict(body, inspectors=[4, 1]) if target["operator_id"] == 1 else None
    if bad:
        status, _, _ = call(s, "POST", "supervision/inspections", reg, bad)
        t.check(status == 409, "a conflicted inspector cannot inspect", status)
    status, _, _ = call(s, "POST", "supervision/inspections", tokens["city"],
                        dict(body, operator_id=2, draw_id=None))
    t.check(status in (400, 404), "a city regulator records nothing outside its region", status)
    # publication: CSV without inspectors, evidence or classes; the date recorded
    status, pub, raw = call(s, "POST", "supervision/publish", reg, {"year": int(today[:4])})
    t.check(status == 200 and pub["inspections"] >= 3, "the year's results are published",
            (status, raw[:120]))
    csv = (pub or {}).get("csv", "")
    t.check(csv.startswith("date,body,operator,uscc") and OPERATOR_A in csv,
            "the CSV lists date, body, operator and USCC", csv[:80])
    t.check(not leaks(csv) and "演示）\",\"" not in csv and "检查（演示）" not in csv,
            "the CSV holds no class and no inspector's name")
    n = w.sql("select count(*) from inspection where published_at is null")
    t.check(int(n) == 0, "every published inspection has its publication date", n)


def check_desk(t, s, w):
    b = Browser(s)
    status, _, _, _ = b.sign_in("reg")
    t.check(status == 303, "the regulator signs in", status)
    status, _, body, _ = b.get("/admin/supervision")
    t.check(status == 200 and "QZXTOP" in body, "the desk lists the classes", status)
    status, _, body, _ = b.get("/admin/supervision/operators/1?lang=en")
    t.check(status == 200 and "SAMR-IMPORT-1" in body and "suspensions of its" in body,
            "the desk shows one operator's rules and import", status)
    status, _, body, _ = b.get("/admin/supervision/operators/1?as_of=2019-12-31")
    t.check(status == 200 and "QZXTOP" not in body.split("<table")[0] + "",
            "before the import's date the imported class does not stand", status)
    status, _, body, _ = b.get("/admin/supervision/draws")
    t.check(status == 200 and "GX-ZF-45-0001" in body, "the desk lists draws and registers")
    token = b.csrf(body)
    status, headers, _, _ = b.post("/admin/supervision/draws",
                                   {"csrf": token, "ratios": RATIOS, "inspectors": "2",
                                    "seed": SEED})
    t.check(status == 303 and "done=1" in headers.get("Location", ""),
            "a draw from the desk", (status, headers.get("Location")))
    # refused forms come back as typed, the error beside its field
    status, _, body, _ = b.post("/admin/supervision/draws?lang=en",
                                {"csrf": token, "ratios": "A:50,Z:5", "inspectors": "3",
                                 "seed": "not-hex"})
    t.check(status == 400 and 'id="d-ratios-error"' in body and 'value="A:50,Z:5"' in body
            and 'value="not-hex"' in body and 'value="3"' in body
            and 'name="exclude_inspected" value="1">' in body,
            "a refused draw keeps its plan, the error beside the ratios", status)
    inspections = w.sql("select count(*) from inspection")
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    status, _, body, _ = b.post("/admin/supervision/inspections?lang=en",
                                {"csrf": token, "operator_id": "1", "body": "百色<b>市局</b>",
                                 "date": future, "inspectors": "1, 2", "mark_uscc": "fail",
                                 "result": "rectify", "note": "保留的记录"})
    t.check(status == 400 and w.sql("select count(*) from inspection") == inspections
            and 'id="i-date-error"' in body and ('value="%s"' % future) in body
            and "百色&lt;b&gt;市局&lt;/b&gt;" in body and 'value="1, 2"' in body
            and '<option value="fail" selected>' in body
            and '<option value="rectify" selected>' in body and "保留的记录</textarea>" in body,
            "a refused inspection keeps what was typed, the error beside the date", status)
    status, headers, body, _ = b.post("/admin/supervision/publish",
                                      {"csrf": token, "year": str(datetime.date.today().year)})
    t.check(status == 200 and headers.get("Content-Type", "").startswith("text/csv")
            and not leaks(body), "the desk's publication CSV holds no class", status)


def main():
    t = g.Tally("test_supervision")
    w = g.Workdir()
    try:
        codes, tokens = seed(w)
        with g.Server(w, "--grade-classes", CLASSES, "--draw-ratios", RATIOS) as s:
            check_no_class_without_sign_in(t, s, w, codes[0])
            check_roles(t, s, tokens)
            check_operator_pages(t, s)
            draw = check_draws(t, s, w, tokens)
            check_inspections(t, s, w, tokens, draw)
            check_desk(t, s, w)
            check_no_class_without_sign_in(t, s, w, codes[1])
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
