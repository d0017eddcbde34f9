"""test_households.py - member households and production bases against the real
server: who sees and changes which (no token, operator A, operator B, auditor, the
provincial regulator, a city regulator inside and one outside A's region), quotas
refused and overridden with an audited reason, a batch's totals kept through moves,
hostile values, and the consumer page and verdict JSON that say where a product
comes from without naming the farmer.

Demo data (gi/demo.c): operator 1 (Tianyang, 451003) has households 1-3 and the
planting base 4 for product 2; operator 2 (Hengzhou, Nanning, 450127) the bases 5
and 6 for product 3; operator 3 (Fuchuan, Hezhou, 451123) households 7 and 8.
"""

import re
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402
from test_pages import Browser  # noqa: E402

A_USCC, B_USCC = "93451003MA815908XM", "91450100MA8609132C"


def seed(w):
    w.gimark("init")
    w.gimark("demo")
    own_batch, own_codes = w.batch(1, 40)
    other_batch, _ = w.batch(3, 20)
    tokens = {
        "regulator": g.add_user(w, "reg", "regulator", scope="45"),
        "baise": g.add_user(w, "baise", "regulator", scope="4510"),
        "nanning": g.add_user(w, "nanning", "regulator", scope="4501"),
        "auditor": g.add_user(w, "aud", "auditor", scope="45"),
        "op_a": g.add_user(w, "coop", "operator", operator=A_USCC),
        "op_b": g.add_user(w, "tea", "operator", operator=B_USCC),
    }
    return tokens, own_batch, own_codes, other_batch


def call(s, method, path, token=None, body=None):
    if token is None:
        status, _, raw = s.request(method, "/api/v1/" + path)
        return status, None, raw
    return g.api_call(s, method, path, token, body)


def ids(s, path, token):
    status, doc, raw = call(s, "GET", path, token)
    if status != 200:
        return ("status", status, raw[:200])
    return sorted(item["id"] for item in doc["items"])


def household(name="测试农户", operator=1, **kw):
    body = {"operator_id": operator, "product_id": 2, "name": name, "region_code": "451003",
            "village": "百育镇四那村", "area_mu": "2.5", "yield_per_mu": 800,
            "per_label": "2.5"}
    body.update(kw)
    return body


def test_reads(t, s, tokens, own_batch, other_batch):
    want = {
        "households": {"regulator": [1, 2, 3, 7, 8], "auditor": [1, 2, 3, 7, 8],
                       "baise": [1, 2, 3], "nanning": [], "op_a": [1, 2, 3], "op_b": []},
        "bases": {"regulator": [4, 5, 6], "auditor": [4, 5, 6], "baise": [4],
                  "nanning": [5, 6], "op_a": [4], "op_b": [5, 6]},
    }
    for path, by_role in want.items():
        for role, expect in by_role.items():
            got = ids(s, path, tokens[role])
            t.check(got == expect, "%s listed for %s" % (path, role), got)
        status, _, _ = call(s, "GET", path)
        t.check(status == 401, "%s without a token: 401" % path, status)
    # narrowing never widens: operator A asking for operator 2's records gets none
    t.check(ids(s, "households?operator=2", tokens["op_a"]) == [], "op A cannot widen to B")
    t.check(ids(s, "households?region=451123", tokens["regulator"]) == [7, 8], "by region")
    t.check(ids(s, "bases?product=3", tokens["regulator"]) == [5, 6], "by product")
    t.check(ids(s, "households?region=4501", tokens["baise"]) == [], "region outside scope")
    one = {
        "households/1": {"regulator": 200, "baise": 200, "auditor": 200, "op_a": 200,
                         "nanning": 404, "op_b": 404},
        "bases/5": {"regulator": 200, "nanning": 200, "op_b": 200, "op_a": 404, "baise": 404,
                    "auditor": 200},
        "households/4": {r: 404 for r in tokens},  # a base, not a household
        "households/999999": {r: 404 for r in tokens},
        "batches/%d/allocations" % own_batch: {"regulator": 200, "baise": 200, "auditor": 200,
                                               "op_a": 200, "nanning": 404, "op_b": 404},
        "batches/%d/allocations" % other_batch: {"regulator": 200, "nanning": 200,
                                                 "auditor": 200, "op_b": 200, "op_a": 404,
                                                 "baise": 404},
    }
    for path, by_role in one.items():
        for role, expect in by_role.items():
            status, _, raw = call(s, "GET", path, tokens[role])
            t.check(status == expect, "GET %s as %s: %d" % (path, role, expect), (status, raw[:200]))
        status, _, _ = call(s, "GET", path)
        t.check(status == 401, "GET %s without a token: 401" % path, status)
    # a household's record shows its name and contact to those who may see it
    status, doc, _ = call(s, "GET", "households/1", tokens["op_a"])
    t.check(status == 200 and doc["season_quota"] == 5100 and doc["area_mu"] == "8.5",
            "quota = 8.5 mu x 1500 kg / 2.5 kg", doc)


def test_changes(t, s, w, tokens, own_batch, other_batch):
    expect = {"op_a": 201, "baise": 201, "regulator": 201, "auditor": 403, "nanning": 404,
              "op_b": 404}
    for role, want in expect.items():
        status, _, raw = call(s, "POST", "households", tokens[role], household("农户" + role))
        t.check(status == want, "add a household of A as %s: %d" % (role, want),
                (status, raw[:200]))
    status, _, _ = call(s, "POST", "households", None)
    t.check(status == 401, "add without a token: 401")
    # an operator's account adds to its own operator when none is named
    status, doc, _ = call(s, "POST", "bases", tokens["op_b"],
                          {"product_id": 3, "name": "新基地", "region_code": "450127",
                           "base_type": "breeding", "area_mu": "10", "yield_per_mu": 100,
                           "per_label": "1"})
    t.check(status == 201 and doc["operator_id"] == 2 and doc["base_type"] == "breeding",
            "B adds a base of its own", doc)
    # allocations: only on what the account may use
    alloc = {"first_seq": 1, "last_seq": 2, "household": 1}
    for role, want in {"op_b": 404, "nanning": 404, "auditor": 403}.items():
        status, _, raw = call(s, "POST", "batches/%d/allocations" % own_batch, tokens[role], alloc)
        t.check(status == want, "allocate A's labels as %s: %d" % (role, want), (status, raw[:200]))
    status, _, _ = call(s, "POST", "batches/%d/allocations" % other_batch, tokens["op_a"],
                        {"first_seq": 1, "last_seq": 2, "household": 1})
    t.check(status == 404, "A allocating B's batch: 404", status)
    status, _, _ = call(s, "POST", "batches/%d/allocations" % own_batch, tokens["op_a"],
                        {"first_seq": 1, "last_seq": 2, "base": 5})
    t.check(status == 404, "A allocating to B's base: 404", status)
    t.check(w.sql("select count(*) from allocation") == "0", "nothing allocated by refusals")


def totals(s, token, batch):
    status, doc, _ = call(s, "GET", "batches/%d/allocations" % batch, token)
    return doc if status == 200 else None


def test_quota_and_moves(t, s, w, tokens, own_batch):
    tok = tokens["op_a"]
    path = "batches/%d/allocations" % own_batch
    # a household whose quota is 4 labels: 0.5 mu x 20 kg / 2.5 kg
    status, small, _ = call(s, "POST", "households", tok,
                            household("小户", area_mu="0.5", yield_per_mu=20))
    t.check(status == 201 and small["season_quota"] == 4, "small quota", small)
    before = w.sql("select count(*) from audit_log")
    status, doc, _ = call(s, "POST", path, tok, {"first_seq": 1, "last_seq": 5,
                                                 "household": small["id"]})
    t.check(status == 409 and "over quota" in doc["error"]["message"], "past the quota: 409", doc)
    t.check(w.sql("select count(*) from audit_log") == before, "a refusal leaves no audit row")
    status, doc, _ = call(s, "POST", path, tok, {"first_seq": 1, "last_seq": 5,
                                                 "household": small["id"],
                                                 "override": "两块地合并采收"})
    t.check(status == 201 and doc["override"] == "两块地合并采收", "override accepted", doc)
    detail = w.sql("select detail from audit_log where action = 'batch.allocate' "
                   "order by id desc limit 1")
    t.check(g.json.loads(detail).get("override") == "两块地合并采收" and "user:coop" in
            w.sql("select actor from audit_log order by id desc limit 1"),
            "the override's reason is audited under the account", detail)
    first = doc["id"]
    status, doc, _ = call(s, "POST", path, tok, {"first_seq": 6, "last_seq": 20, "base": 4})
    t.check(status == 201, "range to the base", doc)
    base_range = doc["id"]
    status, doc, _ = call(s, "POST", path, tok, {"first_seq": 21, "last_seq": 30, "household": 1})
    t.check(status == 201, "range to household 1", doc)
    doc = totals(s, tok, own_batch)
    t.check(doc["allocated"] == 30 and doc["allocated"] + doc["unallocated"] == 40,
            "totals after three ranges", doc)
    # overlap refused; a move is whole; to B (a processor not authorised for product 2)
    status, _, _ = call(s, "POST", path, tok, {"first_seq": 15, "last_seq": 25, "household": 2})
    t.check(status == 409, "overlapping range: 409", status)
    status, _, _ = call(s, "POST", path, tok, {"move": base_range, "first_seq": 6,
                                               "last_seq": 10, "household": 2})
    t.check(status == 400, "a partial move: 400", status)
    status, _, _ = call(s, "POST", path, tok, {"move": base_range, "processor": B_USCC})
    t.check(status == 409, "to an unauthorised processor: 409", status)
    status, doc, _ = call(s, "POST", path, tok, {"move": base_range, "household": 2})
    t.check(status == 201 and doc["first_seq"] == 6 and doc["last_seq"] == 20
            and doc["producer_id"] == 2, "base -> household 2, whole", doc)
    status, doc, _ = call(s, "POST", path, tok, {"move": first, "to_operator": True})
    t.check(status == 200 and doc == {"returned": True}, "back to the cooperative", doc)
    doc = totals(s, tok, own_batch)
    t.check(doc["allocated"] == 25 and doc["unallocated"] == 15 and doc["count"] == 40,
            "totals kept through the moves", doc)
    summed = w.sql("select coalesce(sum(last_seq - first_seq + 1), 0) from allocation "
                   "where batch_id = %d" % own_batch)
    stored = w.sql("select allocated from batch where id = %d" % own_batch)
    t.check(summed == stored == "25", "stored count = sum of ranges", (summed, stored))
    kinds = w.sql("select action from audit_log where action like 'batch.alloc%' order by id")
    t.check(kinds.split() == ["batch.allocate"] * 3 + ["batch.allocation.move",
                                                       "batch.allocation.return"],
            "each change audited", kinds)


def test_hostile(t, s, w, tokens, own_batch):
    tok = tokens["op_a"]
    rows = w.sql("select count(*) from producer")
    bad = [
        household(area_mu="1e3"), household(area_mu="-1"), household(area_mu=3.14159),
        household(area_mu="3.141"), household(area_mu="99999999"),
        household(yield_per_mu=-5), household(yield_per_mu=10 ** 30), household(per_label="0"),
        household(name="黄\u202e某"), household(name="x" * 5000), household(name=""),
        household(region_code="45100x"), household(region_code="450400"),
        household(village="村\u0007"), household(yield_unit="ton"), household(operator="1"),
        household(base_type="planting"), dict(household(), extra="field"),
    ]
    for body in bad:
        status, doc, raw = call(s, "POST", "households", tok, body)
        t.check(status in (400, 409), "hostile household refused", (body, status, raw[:160]))
    for raw_body in (b"\xff\xfe{", b'{"name": "\xc3\x28"}', b"[]", b"", b"{" * 100000):
        status, _, _ = s.request("POST", "/api/v1/households", body=raw_body,
                                 headers={"Authorization": "Bearer " + tok,
                                          "Content-Type": "application/json"})
        t.check(status in (400, 413), "malformed body refused", (raw_body[:20], status))
    t.check(w.sql("select count(*) from producer") == rows, "no hostile row stored")
    path = "batches/%d/allocations" % own_batch
    for body in ({"first_seq": 10 ** 18, "last_seq": 10 ** 18 + 1, "household": 1},
                 {"first_seq": -1, "last_seq": 2, "household": 1},
                 {"first_seq": 39, "last_seq": 41, "household": 1},
                 {"first_seq": "1", "last_seq": 2, "household": 1},
                 {"first_seq": 31, "last_seq": 32},
                 {"first_seq": 31, "last_seq": 32, "household": 1, "base": 4},
                 {"first_seq": 31, "last_seq": 32, "household": 1, "to_operator": "yes"},
                 {"first_seq": 31, "last_seq": 32, "household": 1, "override": "\u202e"},
                 {"move": 999999, "household": 1}):
        status, _, raw = call(s, "POST", path, tok, body)
        t.check(status in (400, 404, 409), "hostile allocation refused", (body, status, raw[:160]))
    for bad_path in ("households/01", "households/1x", "households/-1",
                     "batches/abc/allocations", "batches/%d/allocations/1" % own_batch):
        status, _, _ = call(s, "GET", bad_path, tok)
        t.check(status == 404, "bad path %s: 404" % bad_path, status)
    status, _, _ = call(s, "DELETE", "households/1", tok)
    t.check(status == 405, "DELETE: 405", status)
    # markup is stored as text and never reaches a page as markup
    status, doc, _ = call(s, "POST", "households", tok,
                          household(name="<script>alert(1)</script>", village="<b>村</b>"))
    t.check(status == 201 and doc["name"] == "<script>alert(1)</script>", "markup kept as text")


def test_consumer(t, s, w, tokens, own_batch, own_codes):
    # label 25 is household 1's (range 21-30 above), 8 household 2's, 35 the cooperative's
    names = w.sql("select group_concat(name || ' ' || contact, ' ') from producer")
    for seq, want_from, village in ((25, "household", "百育镇四那村"),
                                    (8, "household", "田州镇兴城村"),
                                    (35, "operator", "")):
        code = own_codes[seq - 1]
        status, _, raw = s.get("/api/v1/verify/" + code)
        doc = g.json.loads(raw) if status == 200 else {}
        origin = doc.get("origin", {})
        t.check(status == 200 and origin.get("from") == want_from
                and origin.get("village") == village
                and origin.get("cooperative") == "田阳区香芒种植专业合作社（演示）"
                and origin.get("region_code") == "451003", "origin of label %d" % seq, origin)
        text = raw.decode("utf-8")
        for person in ("黄某", "农某", "梁某", "测试农户", "13800000000"):
            t.check(person not in text, "verdict JSON names no farmer (%s)" % person)
        for lang in ("zh", "en"):
            status, _, page = s.get("/v/%s?lang=%s" % (code, lang))
            page = page.decode("utf-8")
            t.check(status == 200, "consumer page %d %s" % (seq, lang), status)
            t.check(("card origin" in page) == (want_from != "operator"),
                    "origin card on the page of label %d" % seq)
            if village:
                t.check(village in page, "village on the page", seq)
            for person in ("黄某", "农某", "梁某", "13800000000"):
                t.check(person not in page, "page names no farmer (%s)" % person)
    t.check("黄某" in names, "names are stored (for the operator and regulators)")
    # a base: its type, never its name
    w.gimark("batch", "allocate", own_batch, "--first", 31, "--last", 33, "--base", 4)
    doc = g.verify_soon(s, own_codes[31], lambda d: d["origin"]["from"] == "base")
    t.check(doc["origin"]["from"] == "base" and doc["origin"]["base_type"] == "planting"
            and "百育芒果种植基地" not in g.json.dumps(doc, ensure_ascii=False),
            "base type shown, not its name", doc["origin"])
    page = g.page_soon(s, "/v/%s?lang=en" % own_codes[31], b"a planting base")
    t.check(b"a planting base" in page, "base type in English")


def test_desk(t, s, w, own_batch):
    """The desk pages show each account its scope, escape what was typed, and
    refuse a form without the session's CSRF token."""
    a_name, b_name = "黄某（演示）", "校椅茉莉花种植基地（演示）"
    for user, path, shows, hides in (("nanning", "/admin/households", b_name, a_name),
                                      ("baise", "/admin/households", a_name, b_name),
                                      ("baise", "/admin/households?region=451123", None, a_name),
                                      ("reg", "/admin/households?product=3", b_name, a_name),
                                      ("coop", "/coop/households", a_name, b_name),
                                      ("tea", "/coop/households", b_name, a_name)):
        br = Browser(s)
        br.sign_in(user)
        status, _, html, _ = br.get(path + ("&" if "?" in path else "?") + "lang=en")
        t.check(status == 200 and (shows is None or shows in html) and hides not in html,
                "%s on %s sees its own scope" % (user, path), (status, html[:300]))
    br = Browser(s)
    br.sign_in("coop")
    status, _, html, _ = br.get("/coop/households?lang=en")
    t.check("&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html,
            "typed markup escaped on the desk")
    # a refused household comes back as typed, the error beside its field
    producers = w.sql("select count(*) from producer")
    product = re.search(r'<select id="h-product_id"[^>]*><option value="(\d+)"', html).group(1)
    status, _, refused, _ = br.post("/coop/households?lang=en", {
        "kind": "base", "product_id": product, "name": "保留<b>基地</b>", "contact": "0776-1",
        "region_code": "451021", "village": "百育镇", "base_type": "processing",
        "certification": "GAP-1", "area": "12.345", "yield": "900", "unit": "piece",
        "per_label": "2.5", "csrf": br.csrf(html)})
    t.check(status == 400 and w.sql("select count(*) from producer") == producers,
            "an area with three decimals: refused, nothing recorded", status)
    t.check('id="h-area-error"' in refused and 'value="12.345"' in refused
            and "保留&lt;b&gt;基地&lt;/b&gt;" in refused and 'value="百育镇"' in refused
            and '<option value="processing" selected>' in refused
            and '<option value="piece" selected>' in refused
            and '<option value="base" selected>' in refused and 'value="2.5"' in refused,
            "the refused household keeps what was typed, the error beside the area")
    page = "/coop/batches/%d/allocations?lang=en" % own_batch
    status, _, html, _ = br.get(page)
    t.check(status == 200 and "40 labels:" in html, "allocations page with totals", html[:300])
    rows = w.sql("select count(*) from allocation")
    status, _, refused, _ = br.post(page, {"first": "40", "last": "39", "producer": "1",
                                           "override": "保留", "csrf": br.csrf(html)})
    t.check(status == 400 and w.sql("select count(*) from allocation") == rows
            and 'class="form-problem"' in refused and 'id="a-first" name="first" value="40"'
            in refused and 'value="保留"' in refused and '<option value="1" selected>' in refused,
            "a refused range comes back as typed, with the refusal above the form", status)
    status, _, _, _ = br.post(page, {"first": "39", "last": "40", "producer": "1"})
    t.check(status == 403 and w.sql("select count(*) from allocation") == rows,
            "a form without CSRF token is refused and changes nothing", status)
    status, headers, _, _ = br.post(page, {"first": "39", "last": "40", "producer": "1",
                                           "override": "", "csrf": br.csrf(html)})
    t.check(status == 303 and "done=1" in headers.get("Location", "")
            and w.sql("select count(*) from allocation") == str(int(rows) + 1),
            "the desk allocates a range", (status, dict(headers)))
    br_b = Browser(s)
    br_b.sign_in("tea")
    _, _, html_b, _ = br_b.get("/coop/households?lang=en")
    status, _, _, _ = br_b.post(page, {"first": "37", "last": "38", "producer": "1",
                                       "override": "", "csrf": br_b.csrf(html_b)})
    t.check(status == 404, "operator B cannot allocate A's labels on the desk", status)


def test_cli(t, w, own_batch):
    out = w.gimark("batch", "allocate", own_batch)
    t.check("40 labels" in out and "with the operator" in out, "CLI lists the totals", out)
    doc = w.json("batch", "allocate", own_batch)
    t.check(doc["allocated"] + doc["unallocated"] == doc["count"] == 40
            and doc["labels_in_no_range"] == doc["unallocated"], "CLI totals", doc)
    small = w.sql("select id from producer where name = '小户'")
    try:
        w.gimark("batch", "allocate", own_batch, "--first", 34, "--last", 38, "--household",
                 small, "--override", "")
        t.check(False, "CLI: an empty override reason is no override")
    except RuntimeError as e:
        t.check("over quota" in str(e) and "exit 2" in str(e), "CLI refusal past the quota",
                str(e))
    listed = w.json("household", "list", "--region", "451123")
    t.check([h["id"] for h in listed] == [7, 8], "CLI household list by region", listed)


def main():
    t = g.Tally("test_households")
    w = g.Workdir()
    try:
        tokens, own_batch, own_codes, other_batch = seed(w)
        s = g.Server(w).start()
        try:
            test_reads(t, s, tokens, own_batch, other_batch)
            test_changes(t, s, w, tokens, own_batch, other_batch)
            test_quota_and_moves(t, s, w, tokens, own_batch)
            test_hostile(t, s, w, tokens, own_batch)
            test_consumer(t, s, w, tokens, own_batch, own_codes)
            test_desk(t, s, w, own_batch)
        finally:
            rc = s.stop()
        t.check(rc == 0, "clean exit", rc)
        test_cli(t, w, own_batch)
        audit = w.gimark("audit", "verify")
        t.check("intact" in audit, "audit chain verifies", audit)
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
