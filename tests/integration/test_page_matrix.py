"""test_page_matrix.py - who may do what on the signed-in pages: every page,
CSV export and form of the route tables in web/portal*.c against every role
(no session, operator A, operator B, auditor, provincial regulator, city
regulator). Each role runs against a
fresh copy of the same database, so one role's changes never decide another
role's answers. Forms posted without the session's CSRF token, with a wrong
one, or by a role that may not change the record are refused and leave the
database exactly as it was.

The matrix must list every route of the tables: a route added to the source
and not here fails the test.
"""

import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402
from test_pages import PASSWORD, Browser  # noqa: E402

OPERATOR_A = "93451003MA815908XM"  # operator 1, Tianyang (451003), in the city 4510
OPERATOR_B = "91450100MA8609132C"  # operator 2, Hengzhou (450127), Nanning
ROLES = ("nobody", "operator_a", "operator_b", "auditor", "regulator", "city")
USERS = {"operator_a": "coop-a", "operator_b": "coop-b", "auditor": "aud", "regulator": "reg",
         "city": "city"}
uscc_with_checks = g.uscc_with_checks


def bad_check(uscc):
    """uscc with a wrong GB 32100 check character."""
    return uscc[:-1] + ("0" if uscc[-1] != "0" else "1")


def source_routes():
    """(method, pattern) of every row of the pages' route tables."""
    found = set()
    web = os.path.join(g.ROOT, "web")
    for name in sorted(n for n in os.listdir(web) if re.fullmatch(r"portal\w*\.c", n)):
        with open(os.path.join(web, name), encoding="utf-8") as f:
            found |= set(re.findall(r'\{"(GET|POST)", "(/[^"]*)", PORTAL_', f.read()))
    return found


def seed(w):
    """Demo data, accounts, and a record for each form to work on; returns
    the ids the matrix names."""
    w.gimark("init")
    w.gimark("demo", "--history")  # with two closed years of use reports
    for role, name in USERS.items():
        args = {"operator_a": ["--role", "operator", "--operator", OPERATOR_A],
                "operator_b": ["--role", "operator", "--operator", OPERATOR_B],
                "auditor": ["--role", "auditor", "--scope", "45"],
                "regulator": ["--role", "regulator", "--scope", "45"],
                "city": ["--role", "regulator", "--scope", "4510"]}[role]
        w.gimark("user", "add", name, *args, stdin=PASSWORD + "\n")
    ids = {}
    # authorisations 1 and 2 are operator A's, 3 operator B's (gi/demo.c)
    ids["a_print"], codes = w.batch(1, 2, activate=False, lot="A-PRINT")
    ids["a_activate"], _ = w.batch(1, 2, activate=False, lot="A-ACT")
    ids["a_void"], _ = w.batch(1, 2, activate=False, lot="A-VOID")
    ids["b_print"], b_codes = w.batch(3, 2, activate=False, lot="B-PRINT")
    for key, auth in (("a_req1", 1), ("a_req2", 1), ("a_appr", 1), ("b_req", 3)):
        ids[key] = w.json("batch", "request", "--auth", auth, "--count", 2, "--lot", key)["id"]
    for key in ("a_appr",):
        w.gimark("batch", "approve", ids[key], "--actor", g.REVIEWER)
    # two more products of Tianyang, where operator A is seated (a grant needs the
    # operator inside the product's protected area)
    for key in ("a_pending", "a_suspended"):
        product = w.json("product", "add", "--name-zh", "田阳测试产品 " + key,
                         "--region", "451003")["id"]
        ids[key] = w.json("auth", "grant", "--operator", OPERATOR_A, "--product", product,
                          "--quota", 100)["id"]
    # products without any number and without the decision to print them so
    for key, region in (("p_tianyang", "451003"), ("p_nanning", "450102")):
        ids[key] = w.json("product", "add", "--name-zh", "无编号测试产品 " + key,
                          "--region", region)["id"]
    w.gimark("auth", "approve", ids["a_suspended"], "--doc", "DEMO-1")
    w.gimark("auth", "suspend", ids["a_suspended"], "--reason", "spot check")
    now = int(time.time())
    for key, code in (("r_a1", codes[0]), ("r_a2", codes[1]), ("r_b", b_codes[0]),
                      ("r_unknown", "K7M39QX2HD4TPW8N")):
        w.sql("insert into report (at, code, text, client_key) values (%d, '%s', 'seen', 'k')"
              % (now, code))
        ids[key] = int(w.sql("select max(id) from report"))
    # use reports: the demo's (A's and B's; Lipu's of last year awaits a decision, outside
    # the city), and a new version of two of A's for the forms to decide on
    ids["last_year"] = time.gmtime().tm_year - 1
    for key, product in (("u_a1", 2), ("u_a2", 1)):
        ids[key] = w.json("usage", "report", "--operator", OPERATOR_A, "--product", product,
                          "--period", ids["last_year"], "--produced", 10, "--sold", 9, "--unit",
                          "kg", "--value-yuan", "100.50", "--received", 0, "--used", 0,
                          "--voided", 0, "--how", "matrix")["id"]
    ids["u_b"] = int(w.sql("select max(u.id) from usage_report u join operator o "
                           "on o.id = u.operator_id where o.uscc = '%s'" % OPERATOR_B))
    # operator accounts to disable and enable: A's (in the city), B's (outside it)
    for key, uscc in (("acct_a", OPERATOR_A), ("acct_b", OPERATOR_B)):
        w.gimark("user", "add", key.replace("_", "-"), "--role", "operator", "--operator", uscc,
                 stdin=PASSWORD + "\n")
        ids[key] = int(w.sql("select id from account where username = '%s'"
                             % key.replace("_", "-")))
    ids["acct_reg"] = int(w.sql("select id from account where username = 'reg'"))
    ids["u_lipu"] = int(w.sql("select max(u.id) from usage_report u join operator o "
                              "on o.id = u.operator_id where o.region_code = '450331'"))
    return ids


def matrix(ids):
    """(method, pattern, path, fields, {role: expected}) for every route.
    Expected: "200", "403", "404", "405", "done" (303 with the changed-notice)
    or "to /login", "to /coop/", "to /admin/" (a 303 elsewhere). Roles left
    out of a row expect its default (the key "*")."""
    desk = {"operator_a": "to /coop/", "operator_b": "to /coop/", "nobody": "to /login"}
    coop = {"auditor": "to /admin/", "regulator": "to /admin/", "city": "to /admin/",
            "nobody": "to /login"}
    read = dict(desk, **{"*": "200"})
    change = dict(desk, **{"*": "done", "auditor": "403"})
    outside_city = dict(change, city="404")
    lists = ("authorisations", "batches", "products", "operators", "reports", "audit", "usage")
    rows = [
        ("GET", "/login", "/login", None, {"*": "200"}),
        ("POST", "/login", "/login", {"username": "reg", "password": PASSWORD},
         {"*": "403"}),
        ("GET", "/logout", "/logout", None, {"*": "to /login"}),
        ("GET", "/coop/", "/coop/", None, dict(coop, **{"*": "200"})),
        ("GET", "/coop/", "/coop", None, dict(coop, **{"*": "200"})),
        ("GET", "/coop/batches/{id}/labels", "/coop/batches/%d/labels?format=csv"
         % ids["a_print"], None, dict(coop, **{"*": "200", "operator_b": "404"})),
        ("GET", "/coop/batches/{id}/labels", "/coop/batches/%d/labels?format=csv"
         % ids["b_print"], None, dict(coop, **{"*": "200", "operator_a": "404"})),
        ("GET", "/coop/batches/{id}/labels", "/coop/batches/999999/labels?format=csv", None,
         dict(coop, **{"*": "404"})),
        ("GET", "/coop/households", "/coop/households", None, dict(coop, **{"*": "200"})),
        ("GET", "/coop/batches/{id}/allocations", "/coop/batches/%d/allocations"
         % ids["a_print"], None, dict(coop, **{"*": "200", "operator_b": "404"})),
        ("GET", "/coop/batches/{id}/allocations", "/coop/batches/%d/allocations"
         % ids["b_print"], None, dict(coop, **{"*": "200", "operator_a": "404"})),
        ("GET", "/coop/batches/{id}/allocations", "/coop/batches/999999/allocations", None,
         dict(coop, **{"*": "404"})),
        ("GET", "/admin/households", "/admin/households", None, read),
        ("GET", "/admin/households", "/admin/households?product=2&region=4510", None, read),
        ("GET", "/admin/households", "/admin/households?product=x", None,
         dict(desk, **{"*": "400"})),
        ("GET", "/admin/", "/admin/", None, read),
        ("GET", "/admin/", "/admin", None, read),
        ("GET", "/admin/register", "/admin/register", None, read),
        ("GET", "/admin/products/{id}/edit", "/admin/products/1/edit", None,
         dict(read, auditor="403")),
        ("GET", "/admin/products/{id}/edit", "/admin/products/3/edit", None,
         dict(read, auditor="403", city="404")),
        ("GET", "/admin/products/{id}/shown", "/admin/products/1/shown", None, read),
        ("GET", "/admin/products/{id}/shown", "/admin/products/3/shown", None,
         dict(read, city="404")),
        ("GET", "/admin/products/{id}/shown", "/admin/products/999/shown", None,
         dict(desk, **{"*": "404"})),
        # what a product's labels must name (web/portal_rules.c)
        ("GET", "/admin/products/{id}/numbers", "/admin/products/1/numbers", None, read),
        ("GET", "/admin/products/{id}/numbers", "/admin/products/3/numbers", None,
         dict(read, city="404")),
        ("GET", "/admin/products/{id}/numbers", "/admin/products/999/numbers", None,
         dict(desk, **{"*": "404"})),
        ("GET", "/admin/operators/{id}/edit", "/admin/operators/1/edit", None,
         dict(read, auditor="403")),
        ("GET", "/admin/operators/{id}/edit", "/admin/operators/2/edit", None,
         dict(read, auditor="403", city="404")),
        ("GET", "/admin/operators/{id}/edit", "/admin/operators/999/edit", None,
         dict(desk, **{"*": "404"})),
        ("GET", "/admin/charts", "/admin/charts", None, read),
        ("GET", "/admin/operators/new", "/admin/operators/new", None,
         dict(read, auditor="403")),
        ("GET", "/admin/operators/{id}", "/admin/operators/1", None, read),
        ("GET", "/admin/operators/{id}", "/admin/operators/2", None, dict(read, city="404")),
        ("GET", "/admin/operators/{id}", "/admin/operators/999", None,
         dict(desk, **{"*": "404"})),
        ("GET", None, "/admin/nothing-here", None, {"*": "404", "nobody": "to /login"}),
        ("GET", None, "/coop/nothing-here", None, {"*": "404", "nobody": "to /login"}),
        ("GET", None, "/admin/batches/%d/approve" % ids["a_req1"], None,
         {"*": "405", "nobody": "to /login"}),
        ("GET", "/coop/usage", "/coop/usage", None, dict(coop, **{"*": "200"})),
        ("GET", "/coop/usage/{id}", "/coop/usage/%d" % ids["u_a1"], None,
         dict(coop, **{"*": "200", "operator_b": "404"})),
        ("GET", "/coop/usage/{id}", "/coop/usage/%d" % ids["u_b"], None,
         dict(coop, **{"*": "200", "operator_a": "404"})),
        ("GET", "/coop/usage/{id}", "/coop/usage/999999", None, dict(coop, **{"*": "404"})),
        ("GET", "/admin/usage/missing", "/admin/usage/missing?period=%d" % ids["last_year"],
         None, read),
        ("GET", "/admin/usage/missing", "/admin/usage/missing?period=%d&format=csv"
         % ids["last_year"], None, read),
        ("GET", "/admin/usage/{id}", "/admin/usage/%d" % ids["u_a1"], None, read),
        ("GET", "/admin/usage/{id}", "/admin/usage/%d" % ids["u_lipu"], None,
         dict(read, city="404")),
        ("GET", "/admin/output", "/admin/output?year=%d" % ids["last_year"], None, read),
        ("GET", "/admin/output", "/admin/output?year=%d&by=region&format=csv"
         % ids["last_year"], None, read),
        ("GET", "/admin/output", "/admin/output?year=x", None, dict(desk, **{"*": "400"})),
        ("GET", "/admin/annual", "/admin/annual?year=%d" % ids["last_year"], None, read),
        ("GET", "/admin/annual", "/admin/annual?year=%d&format=csv" % ids["last_year"], None,
         read),
        ("GET", "/admin/annual", "/admin/annual?year=%d&format=pdf" % ids["last_year"], None,
         read),
        ("GET", "/admin/annual", "/admin/annual?year=x", None, dict(desk, **{"*": "400"})),
        ("GET", "/admin/annual", "/admin/annual?year=%d&format=exe" % ids["last_year"], None,
         dict(desk, **{"*": "400"})),
    ]
    # supervision (demo: operator 1 in the city 4510, operator 2 outside; draw 1 is the
    # province's)
    rows += [
        ("GET", "/admin/supervision", "/admin/supervision", None, read),
        ("GET", "/admin/supervision", "/admin/supervision?as_of=2026-01-01", None, read),
        ("GET", "/admin/supervision", "/admin/supervision?as_of=2026-02-30", None,
         dict(desk, **{"*": "400"})),
        ("GET", "/admin/supervision/operators/{id}", "/admin/supervision/operators/1", None,
         read),
        ("GET", "/admin/supervision/operators/{id}", "/admin/supervision/operators/2", None,
         dict(read, city="404")),
        ("GET", "/admin/supervision/operators/{id}", "/admin/supervision/operators/999", None,
         dict(desk, **{"*": "404"})),
        ("GET", "/admin/supervision/draws", "/admin/supervision/draws", None, read),
        ("GET", "/admin/supervision/draws/{id}", "/admin/supervision/draws/1", None,
         dict(read, city="404")),
        ("GET", "/admin/supervision/draws/{id}", "/admin/supervision/draws/999", None,
         dict(desk, **{"*": "404"})),
        ("GET", "/admin/supervision/inspections", "/admin/supervision/inspections", None, read),
        ("GET", "/admin/supervision/inspections", "/admin/supervision/inspections?year=-1",
         None, dict(desk, **{"*": "400"})),
    ]
    for name in lists:
        rows.append(("GET", "/admin/" + name, "/admin/" + name, None, read))
        rows.append(("GET", "/admin/" + name, "/admin/%s?format=csv" % name, None, read))
    posts = [
        ("/coop/batches", "/coop/batches",
         {"auth_id": "1", "count": "2", "lot_number": "WEB"},
         dict(coop, **{"*": "done", "operator_b": "404"})),
        # irreversible: the first step shows the record and changes nothing
        ("/coop/batches/{id}/activate", "/coop/batches/%d/activate" % ids["a_activate"], {},
         dict(coop, **{"*": "200", "operator_b": "404"})),
        ("/coop/batches/{id}/void", "/coop/batches/%d/void" % ids["a_void"],
         {"codes": "", "reason": "misprint"}, dict(coop, **{"*": "200", "operator_b": "404"})),
        ("/coop/batches/{id}/activate", "/coop/batches/%d/activate" % ids["a_activate"],
         {"confirm": "1"}, dict(coop, **{"*": "done", "operator_b": "404"})),
        ("/coop/batches/{id}/void", "/coop/batches/%d/void" % ids["a_void"],
         {"codes": "", "reason": "misprint", "confirm": "1"},
         dict(coop, **{"*": "done", "operator_b": "404"})),
        ("/coop/households", "/coop/households",
         {"kind": "household", "product_id": "2", "name": "测试农户", "region_code": "451003",
          "village": "百育镇四那村", "area": "1.5", "yield": "800", "unit": "kg",
          "per_label": "2.5"},
         dict(coop, **{"*": "done", "operator_b": "409"})),
        ("/coop/batches/{id}/allocations", "/coop/batches/%d/allocations" % ids["a_print"],
         {"first": "1", "last": "1", "producer": "1", "override": ""},
         dict(coop, **{"*": "done", "operator_b": "404"})),
        ("/coop/batches/{id}/allocations", "/coop/batches/%d/allocations" % ids["b_print"],
         {"first": "1", "last": "2", "producer": "5", "override": ""},
         dict(coop, **{"*": "done", "operator_a": "404"})),
        ("/admin/batches/{id}/approve", "/admin/batches/%d/approve" % ids["a_req1"],
         {"note": "ok"}, change),
        ("/admin/batches/{id}/approve", "/admin/batches/%d/approve" % ids["b_req"],
         {"note": "ok"}, outside_city),
        ("/admin/batches/{id}/reject", "/admin/batches/%d/reject" % ids["a_req2"],
         {"note": "lot data missing"}, change),
        ("/admin/batches/{id}/issue", "/admin/batches/%d/issue" % ids["a_appr"], {}, change),
        ("/admin/authorisations/{id}/approve", "/admin/authorisations/%d/approve"
         % ids["a_pending"], {"approval_doc": "CNIPA Announcement No. 475"}, change),
        ("/admin/authorisations/{id}/suspend", "/admin/authorisations/1/suspend",
         {"reason": "spot check"}, change),
        ("/admin/authorisations/{id}/suspend", "/admin/authorisations/3/suspend",
         {"reason": "spot check"}, outside_city),
        ("/admin/authorisations/{id}/reinstate", "/admin/authorisations/%d/reinstate"
         % ids["a_suspended"], {"reason": "passed"}, change),
        ("/admin/authorisations/{id}/revoke", "/admin/authorisations/2/revoke",
         {"reason": "left the region"}, dict(change, **{"*": "200"})),
        ("/admin/authorisations/{id}/revoke", "/admin/authorisations/3/revoke",
         {"reason": "left the region"}, dict(outside_city, **{"*": "200"})),
        ("/admin/authorisations/{id}/revoke", "/admin/authorisations/2/revoke",
         {"reason": "left the region", "confirm": "1"}, change),
        ("/admin/authorisations/{id}/revoke", "/admin/authorisations/3/revoke",
         {"reason": "left the region", "confirm": "1"}, outside_city),
        # recording an operator, granting it, its accounts (web/portal_operators.c)
        ("/admin/operators/new", "/admin/operators/new",
         {"uscc": uscc_with_checks("93451002MA000002"), "name": "右江新合作社",
          "kind": "cooperative", "region_code": "451002"}, change),
        ("/admin/operators/new", "/admin/operators/new",
         {"uscc": uscc_with_checks("93450102MA000003"), "name": "南宁新合作社",
          "kind": "cooperative", "region_code": "450102"}, outside_city),
        ("/admin/operators/new", "/admin/operators/new",
         {"uscc": bad_check(uscc_with_checks("93451002MA000004")), "name": "坏代码", "kind": "cooperative",
          "region_code": "451002"}, dict(change, **{"*": "400"})),
        ("/admin/operators/{id}/grant", "/admin/operators/1/grant",
         {"product_id": "1", "yearly_quota": "500", "approval_doc": ""}, change),
        ("/admin/operators/{id}/grant", "/admin/operators/2/grant",
         {"product_id": "3", "yearly_quota": "500"}, outside_city),
        ("/admin/operators/{id}/grant", "/admin/operators/1/grant",
         {"product_id": "1", "yearly_quota": "-5"}, dict(change, **{"*": "400"})),
        ("/admin/operators/{id}/accounts", "/admin/operators/1/accounts",
         {"username": "new-a"}, dict(change, **{"*": "200"})),
        ("/admin/operators/{id}/accounts", "/admin/operators/2/accounts",
         {"username": "new-b"}, dict(outside_city, **{"*": "200"})),
        ("/admin/operators/{id}/accounts", "/admin/operators/1/accounts",
         {"username": "Bad Name"}, dict(change, **{"*": "400"})),
        ("/admin/accounts/{id}/disable", "/admin/accounts/%d/disable" % ids["acct_a"], {},
         change),
        ("/admin/accounts/{id}/enable", "/admin/accounts/%d/enable" % ids["acct_a"], {},
         change),
        ("/admin/accounts/{id}/disable", "/admin/accounts/%d/disable" % ids["acct_b"], {},
         outside_city),
        # a regulator's account is no operator account: not found from the desk
        ("/admin/accounts/{id}/disable", "/admin/accounts/%d/disable" % ids["acct_reg"], {},
         dict(change, **{"*": "404", "auditor": "404"})),
        ("/admin/products", "/admin/products", {"name_zh": "百色测试", "region_code": "451002"},
         change),
        ("/admin/products", "/admin/products", {"name_zh": "南宁测试", "region_code": "450102"},
         outside_city),
        ("/admin/products/{id}/edit", "/admin/products/1/edit",
         {"name_zh": "百色芒果", "region_code": "451000", "standard": "DB45/T 1-2026"}, change),
        ("/admin/products/{id}/edit", "/admin/products/3/edit",
         {"name_zh": "横县茉莉花茶", "region_code": "450127", "standard": "DB45/T 2-2026"},
         outside_city),
        ("/admin/products/{id}/names", "/admin/products/1/names",
         {"name_vi": "Xoài Bách Sắc", "name_th": "มะม่วงไป่เซ่อ"}, change),
        ("/admin/products/{id}/names", "/admin/products/3/names",
         {"name_vi": "Trà hoa nhài", "name_th": ""}, outside_city),
        # the decision to print a product without any number: a product of Tianyang
        # without one (inside the city), one of Nanning (outside it); the demo's 1
        # (Baise) and 3 (Hengzhou) carry the demo's decision, to withdraw
        ("/admin/products/{id}/allow-unnumbered", "/admin/products/%d/allow-unnumbered"
         % ids["p_tianyang"], {"reason": "no number in the reference data"}, change),
        ("/admin/products/{id}/allow-unnumbered", "/admin/products/%d/allow-unnumbered"
         % ids["p_nanning"], {"reason": "no number in the reference data"}, outside_city),
        ("/admin/products/{id}/allow-unnumbered", "/admin/products/%d/allow-unnumbered"
         % ids["p_tianyang"], {"reason": ""}, dict(change, **{"*": "400"})),
        ("/admin/products/{id}/allow-unnumbered", "/admin/products/999/allow-unnumbered",
         {"reason": "none"}, dict(change, **{"*": "404"})),
        ("/admin/products/{id}/withdraw-unnumbered", "/admin/products/1/withdraw-unnumbered",
         {"reason": "the announcement number is found"}, change),
        ("/admin/products/{id}/withdraw-unnumbered", "/admin/products/3/withdraw-unnumbered",
         {"reason": "the announcement number is found"}, outside_city),
        # a form without its file (the uploads themselves: test_words.py)
        ("/admin/products/{id}/photo", "/admin/products/1/photo", {},
         dict(desk, **{"*": "400", "auditor": "403"})),
        ("/admin/operators/{id}/edit", "/admin/operators/1/edit",
         {"name": "田阳区香芒种植专业合作社（演示）", "kind": "cooperative",
          "region_code": "451003", "contact": "0776-2800000"}, change),
        ("/admin/operators/{id}/edit", "/admin/operators/2/edit",
         {"name": "南宁茉莉花茶业有限公司（演示）", "kind": "company", "region_code": "450100",
          "contact": "0771-2800000"}, outside_city),
        ("/admin/reports/{id}/triaged", "/admin/reports/%d/triaged" % ids["r_a1"],
         {"note": "asked the cooperative"}, change),
        ("/admin/reports/{id}/triaged", "/admin/reports/%d/triaged" % ids["r_unknown"],
         {"note": "market office"}, outside_city),
        ("/admin/reports/{id}/closed", "/admin/reports/%d/closed" % ids["r_a2"],
         {"note": "a misprint, voided"}, change),
        ("/admin/reports/{id}/closed", "/admin/reports/%d/closed" % ids["r_b"],
         {"note": "copy seized"}, outside_city),
        # operator B holds no authorisation for product 2: refused by the rules
        ("/coop/usage", "/coop/usage",
         {"product_id": "2", "period": str(ids["last_year"]), "volume_produced": "1",
          "volume_sold": "1", "volume_unit": "kg", "sales_value_yuan": "1.00",
          "labels_received": "0", "labels_used": "0", "labels_voided": "0",
          "application": "matrix"}, dict(coop, **{"*": "done", "operator_b": "409"})),
        ("/admin/usage/{id}/accept", "/admin/usage/%d/accept" % ids["u_a1"], {"note": "ok"},
         change),
        ("/admin/usage/{id}/return", "/admin/usage/%d/return" % ids["u_a2"],
         {"reason": "invoices do not match"}, change),
        ("/admin/usage/{id}/accept", "/admin/usage/%d/accept" % ids["u_lipu"], {"note": "ok"},
         outside_city),
        ("/admin/usage/{id}/return", "/admin/usage/%d/return" % ids["u_lipu"],
         {"reason": "invoices"}, dict(outside_city, regulator="409")),
        # the city's inspectors: one declared a conflict with its one operator (gi/demo.c)
        ("/admin/supervision/draws", "/admin/supervision/draws",
         {"ratios": "A:100,B:100,C:100,D:100", "inspectors": "2"}, dict(change, city="409")),
        ("/admin/supervision/draws", "/admin/supervision/draws",
         {"ratios": "A:0,B:100,C:100,D:100", "inspectors": "2"},
         dict(change, **{"*": "400", "auditor": "400"})),
        # demo inspectors 1 and 2 belong to the province's office, outside the city's
        ("/admin/supervision/inspections", "/admin/supervision/inspections",
         dict({"operator_id": "1", "body": "自治区知识产权局", "date": time.strftime("%Y-%m-%d"),
               "inspectors": "1, 2", "result": "no_problem", "rectify_by": "", "note": ""},
              **{k: "pass" for k in ("mark_uscc", "scope_use", "raw_material", "standard",
                                     "label_records", "transfer")}),
         dict(change, city="404")),
        ("/admin/supervision/inspections", "/admin/supervision/inspections",
         {"operator_id": "-1", "body": "x", "date": "2026-01-01", "inspectors": "1,2",
          "result": "no_problem"}, dict(change, **{"*": "400", "auditor": "400"})),
        # a download that records the publication date
        ("/admin/supervision/publish", "/admin/supervision/publish",
         {"year": time.strftime("%Y")}, dict(change, **{"*": "file"})),
        # a regulator writes its own scope's text; an auditor writes nothing
        ("/admin/annual/text", "/admin/annual/text",
         {"year": str(ids["last_year"]), "section": "enforcement", "body": "matrix"}, change),
    ]
    # without a session a form is refused outright
    rows += [("POST", pattern, path, fields, dict(want, nobody="403"))
             for pattern, path, fields, want in posts]
    # signing out last: it ends the session the other rows use
    rows.append(("POST", "/logout", "/logout", {}, {"*": "to /login", "nobody": "403"}))
    return rows


def outcome(status, headers):
    """What an answer was, in the matrix's words."""
    if status != 303:
        return str(status)
    location = headers.get("Location", "")
    if "done=1" in location:
        return "done"
    return "to " + location.split("?")[0]


def run_role(t, role, base, rows):
    w = g.Workdir()
    try:
        w.copy_from(base)
        with g.Server(w, "--base-url", "https://gi.example.cn") as s:
            b = Browser(s)
            token = None
            if role != "nobody":
                status, _, _, _ = b.sign_in(USERS[role])
                t.check(status == 303, "%s signs in" % role, status)
                home = "/coop/" if role.startswith("operator") else "/admin/"
                token = b.csrf(b.get(home)[2])
            known = None  # the fingerprint of the database as it is, when known
            for method, _, path, fields, expected in rows:
                want = expected.get(role, expected.get("*"))
                what = "%s %s as %s" % (method, path, role)
                if method == "GET":
                    known = None  # a page may renew the session
                    status, headers, body, _ = b.get(path)
                    got = outcome(status, headers)
                    t.check(got == want, "%s: %s" % (what, want), got)
                    if got == "200" and "format=csv" in path:
                        t.check(headers.get("Content-Type", "").startswith("text/csv"),
                                "%s: a CSV file" % what, headers.get("Content-Type"))
                    continue
                before = refused_alike(t, w, b, what, path, fields, path == "/login", known)
                status, headers, _, _ = b.post(path, dict(fields, csrf=token or ""))
                got = outcome(status, headers)
                if want == "file" and got == "200":
                    got = "file" if headers.get("Content-Type", "").startswith("text/csv") else got
                t.check(got == want, "%s: %s" % (what, want), got)
                known = None
                if want not in ("done", "to /login", "file") and not (
                        want == "200" and path.endswith("/accounts")):
                    known = w.fingerprint()
                    t.check(known == before, "%s: refused, nothing changed" % what)
    finally:
        w.cleanup()


def refused_alike(t, w, b, what, path, fields, is_login, known=None):
    """A form without the CSRF token, or with a wrong one, is refused (403)
    and changes nothing. known: the database's fingerprint, when the caller
    has it. Returns the fingerprint after."""
    before = known or w.fingerprint()
    for label, extra in (("without a CSRF token", {}), ("with a wrong CSRF token",
                                                         {"csrf": "x" * 43})):
        status, _, _, cookies = b.post(path, dict(fields, **extra))
        t.check(status == 403, "%s %s: 403" % (what, label), status)
        if is_login:
            t.check(not any(c.startswith("gimark_session=") for c in cookies),
                    "%s %s: no session" % (what, label))
    after = w.fingerprint()
    t.check(after == before, "%s without a valid CSRF token: nothing changed" % what)
    return after


def main():
    t = g.Tally("test_page_matrix")
    w = g.Workdir()
    try:
        ids = seed(w)
        rows = matrix(ids)
        listed = {(m, p) for m, p, _, _, _ in rows if p}
        in_source = source_routes()
        t.check(len(in_source) >= 30, "the route tables are read from the source", in_source)
        t.check(not in_source - listed, "every page route of the source is in the matrix",
                sorted(in_source - listed))
        t.check(not listed - in_source, "every route of the matrix is in the source",
                sorted(listed - in_source))
        for role in ROLES:
            run_role(t, role, w, rows)
        print("%d routes, %d requests a role" % (len(in_source), len(rows)))
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
