"""test_api.py - the REST API against the real server: who may do what
(every role against every route: 401 without a token, 404 for another
operator's records, 403 for an auditor's changes), paging, request
validation, and that tokens never show in answers or the database.
"""

import io
import json
import os
import subprocess
import sys
import zipfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402

PASSWORD, add_user = g.PASSWORD, g.add_user

# The rules' codes as clients know them (gi/error.h, GI_RULES): a code once
# published keeps its name; new rules add codes.
STABLE_CODES = """
account_disabled role_unknown role_not_allowed live_codes_need_reason live_codes_own_only
authorisation_suspended authorisation_revoked authorisation_expired authorisation_pending
authorisation_not_yet_valid authorisation_status authorisation_exists quota_exceeded
quota_range batch_count_range batch_status reject_needs_reason same_account_approves
code_invalid code_not_in_batch code_voided_already no_codes regime_unknown gtin_invalid
gtin_taken gtin_change_needs_reason operator_kind_unknown uscc_invalid uscc_overridable
uscc_taken validity_order outside_protected_area operator_not_active product_not_active
approval_doc_required text_required text_too_long text_not_utf8 text_control_char
text_bidi_control date_invalid region_code_invalid region_out_of_scope password_too_short
password_too_long username_invalid username_taken role_invalid account_operator_mismatch
region_scope_invalid wrong_login token_invalid session_invalid report_status_invalid
photo_not_png photo_too_large photo_unreadable layout_choice_invalid period_invalid
period_not_taken period_not_closed number_range volume_unit_invalid no_authorisation
usage_not_newest usage_decided_already year_invalid year_not_begun year_not_ended
year_closed annual_section_invalid producer_kind_invalid base_type_invalid area_invalid
yield_invalid yield_unit_invalid per_label_invalid producer_product_mismatch
producer_quota_exceeded processor_not_authorised holder_missing batch_not_issued
range_invalid range_overlap allocation_same_holder grade_classes_invalid grade_class_unknown
outcome_invalid draw_ratios_invalid draw_plan_invalid too_few_inspectors province_only
inspection_invalid inspector_conflict not_drawn
""".split()


def rule_codes():
    """The codes gi/error.h defines, in order."""
    import re
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    with open(os.path.join(root, "gi", "error.h"), encoding="utf-8") as f:
        return re.findall(r'X\((\w+), "([^"]*)"\)', f.read())


CODES = {name for _, name in rule_codes()} | {
    "invalid", "not_found", "exists", "refused", "forbidden"}


def call(s, method, path, token=None, body=None):
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        headers["Content-Type"] = "application/json"
    status, h, raw = s.request(method, "/api/v1/" + path, body=data, headers=headers)
    try:
        doc = json.loads(raw) if raw else None
    except ValueError:
        doc = None
    return status, h, doc, raw


def seed(w):
    """Demo data: operator 1 (Baise, 451003) holds authorisations 1 and 2,
    operator 2 (Hengzhou, Nanning, 450127) holds 3. A batch of each."""
    w.gimark("init")
    w.gimark("demo")
    own_batch, own_codes = w.batch(1, 2)
    other_batch, _ = w.batch(3, 2)
    tokens = {
        "regulator": add_user(w, "reg", "regulator", scope="45"),
        "baise": add_user(w, "baise", "regulator", scope="4510"),
        "auditor": add_user(w, "aud", "auditor", scope="45"),
        "operator": add_user(w, "coop", "operator", operator="93451003MA815908XM"),
    }
    return tokens, own_batch, other_batch, own_codes[0]


def test_matrix(t, s, tokens, own_batch, other_batch):
    """Expected status for each role on each route."""
    new_batch = {"auth_id": 1, "count": 10, "lot_number": "API-1"}
    other_new = {"auth_id": 3, "count": 10, "lot_number": "API-2"}
    routes = [
        # method, path, body, {role: status}
        ("GET", "me", None, {}),
        ("GET", "products", None, {}),
        ("GET", "products/2", None, {}),
        ("GET", "operators", None, {}),
        ("GET", "operators/1", None, {}),
        ("GET", "operators/2", None, {"operator": 404, "baise": 404}),
        ("GET", "authorisations", None, {}),
        ("GET", "authorisations/1", None, {}),
        ("GET", "authorisations/3", None, {"operator": 404, "baise": 404}),
        ("GET", "batches", None, {}),
        ("GET", "batches/%d" % own_batch, None, {}),
        ("GET", "batches/%d" % other_batch, None, {"operator": 404, "baise": 404}),
        ("GET", "batches/999999", None, {r: 404 for r in tokens}),
        ("POST", "batches", new_batch, {"regulator": 201, "baise": 201, "operator": 201,
                                        "auditor": 403}),
        ("POST", "batches", other_new, {"regulator": 201, "baise": 404, "operator": 404,
                                        "auditor": 403}),
        ("DELETE", "batches/%d" % own_batch, None, {r: 405 for r in tokens}),
        ("PUT", "products", None, {r: 405 for r in tokens}),
        ("GET", "nothing-here", None, {r: 404 for r in tokens}),
    ]
    for method, path, body, expected in routes:
        status, headers, doc, _ = call(s, method, path, body=body)
        t.check(status == 401 and headers.get("www-authenticate") == "Bearer",
                "%s %s without a token: 401" % (method, path), status)
        status, _, _, _ = call(s, method, path, token="gmk_" + "A" * 43, body=body)
        t.check(status == 401, "%s %s with a wrong token: 401" % (method, path), status)
        for role, token in tokens.items():
            want = expected.get(role, 200)
            status, headers, doc, raw = call(s, method, path, token=token, body=body)
            t.check(status == want, "%s %s as %s: %d" % (method, path, role, want),
                    "%d %s" % (status, raw[:200]))
            if status >= 400:
                want_kind = {403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
                err = (doc or {}).get("error", {})
                t.check(err.get("kind") == want_kind.get(status) and err.get("message")
                        and err.get("code") in CODES | set(want_kind.values()),
                        "%s %s as %s: error object" % (method, path, role), raw[:200])
            if status == 405:
                t.check("GET" in headers.get("allow", ""), "405 names the allowed methods")


def test_lists(t, s, tokens):
    _, _, doc, _ = call(s, "GET", "operators", token=tokens["operator"])
    t.check([o["id"] for o in doc["items"]] == [1], "operator sees only itself", doc)
    _, _, doc, _ = call(s, "GET", "batches", token=tokens["operator"])
    t.check(doc["items"] and all(b["operator_id"] == 1 for b in doc["items"]),
            "operator sees only its batches", doc)
    _, _, doc, _ = call(s, "GET", "authorisations?operator=2", token=tokens["operator"])
    t.check(doc["items"] == [], "operator asking for another's authorisations: none", doc)
    _, _, doc, _ = call(s, "GET", "operators", token=tokens["baise"])
    t.check(doc["items"] and all(o["region_code"].startswith("4510") for o in doc["items"]),
            "a city regulator sees its city's operators", doc)
    _, _, doc, _ = call(s, "GET", "products", token=tokens["operator"])
    t.check(len(doc["items"]) == 15, "the product register is public to operators", doc)
    # paging
    seen = []
    offset = 0
    while True:
        status, _, doc, _ = call(s, "GET", "products?limit=4&offset=%d" % offset,
                                 token=tokens["regulator"])
        t.check(status == 200 and len(doc["items"]) <= 4, "page of at most 4")
        seen += [p["id"] for p in doc["items"]]
        if doc["next_offset"] is None:
            break
        offset = doc["next_offset"]
    t.check(seen == list(range(1, 16)), "paging walks every product once", seen)
    for bad in ("limit=0", "limit=501", "limit=x", "offset=-1", "limit=1e3"):
        status, _, doc, _ = call(s, "GET", "products?" + bad, token=tokens["regulator"])
        t.check(status == 400, "bad paging %s: 400" % bad, status)


def test_validation(t, s, tokens):
    tok = tokens["regulator"]
    cases = [
        (b"", "required"),
        (b"not json", "not a JSON object"),
        (b"[1, 2]", "not a JSON object"),
        ({"auth_id": 1}, "count is required"),
        ({"auth_id": "1", "count": 5}, "auth_id is required and must be a whole number"),
        ({"auth_id": 1, "count": 5, "lot_number": 7}, "lot_number must be a string"),
        ({"auth_id": 1, "count": 5, "colour": "red"}, "unknown field"),
        (b'{"auth_id": 1, "auth_id": 2, "count": 5}', "not a JSON object"),
        ({"auth_id": 1, "count": 0}, "from 1 to 10000000"),
        ({"auth_id": 1, "count": 5, "harvest_date": "2026-02-30"}, "harvest"),
        # messages that quote the body, cut inside a character, are still answered
        (b'{"lot_number": "ab\\ud80\xd0\x9b"}', "not a JSON object"),
        ({"x" * 59 + "\u8292": 1}, "unknown field"),
    ]
    for body, words in cases:
        status, _, doc, raw = call(s, "POST", "batches", token=tok, body=body)
        t.check(status == 400 and words in doc["error"]["message"],
                "invalid body %r: 400 naming the problem" % (body,), raw[:200])
    status, _, doc, raw = call(s, "POST", "batches/1/void", token=tok,
                               body={"reason": "misprint", "codes": [1]})
    t.check(status == 400 and "codes must be strings" in doc["error"]["message"],
            "void with a code that is not a string: 400", raw[:200])
    status, _, doc, raw = call(s, "POST", "batches", token=tok,
                               body={"auth_id": 5, "count": 5})  # suspended in the demo
    t.check(status == 409 and "suspended" in doc["error"]["message"],
            "batch for a suspended authorisation: 409", raw[:200])
    status, headers, doc, raw = call(s, "POST", "batches", token=tokens["operator"],
                                     body={"auth_id": 2, "count": 3, "lot_number": "L"})
    t.check(status == 201 and headers.get("location") == "/api/v1/batches/%d" % doc["id"]
            and doc["status"] == "requested" and doc["count"] == 3,
            "created batch: 201 with Location", raw[:200])


def test_lifecycle(t, s, tokens):
    """A cooperative requests labels, the regulator approves and issues them,
    the cooperative downloads the print files and activates the batch, and a
    consumer's check says genuine; who may not do a step is refused."""
    coop, reg, aud = tokens["operator"], tokens["regulator"], tokens["auditor"]
    status, _, doc, raw = call(s, "POST", "batches", token=coop,
                               body={"auth_id": 1, "count": 5, "lot_number": "LIFE-1",
                                     "harvest_date": "2026-07-01"})
    t.check(status == 201, "cooperative requests a batch", raw[:200])
    bid = doc["id"]
    for action in ("approve", "issue"):
        status, _, doc, _ = call(s, "POST", "batches/%d/%s" % (bid, action), token=coop, body={})
        t.check(status == 403, "cooperative may not %s its own batch" % action, status)
        status, _, _, _ = call(s, "POST", "batches/%d/%s" % (bid, action), token=aud, body={})
        t.check(status == 403, "auditor may not %s" % action, status)
    status, _, doc, raw = call(s, "POST", "batches/%d/approve" % bid, token=reg,
                               body={"note": "lot data checked"})
    t.check(status == 200 and doc["status"] == "approved", "regulator approves", raw[:200])
    status, _, doc, raw = call(s, "POST", "batches/%d/issue" % bid, token=reg)
    t.check(status == 200 and doc["status"] == "issued", "regulator issues", raw[:200])
    status, _, doc, raw = call(s, "POST", "batches/%d/issue" % bid, token=reg)
    t.check(status == 409, "issuing twice is refused by the rules", raw[:200])

    status, h, _, body = call(s, "GET", "batches/%d/labels?format=pdf" % bid, token=coop)
    t.check(status == 200 and body.startswith(b"%PDF") and
            h.get("content-type") == "application/pdf" and
            "batch-%d.pdf" % bid in h.get("content-disposition", ""),
            "cooperative downloads the PDF", (status, body[:20]))
    status, h, _, body = call(s, "GET", "batches/%d/labels?format=csv" % bid, token=coop)
    rows = body.decode().splitlines()[1:]
    t.check(status == 200 and len(rows) == 5, "the CSV lists the 5 labels", body[:200])
    code = rows[0].split(",")[0]
    t.check(call(s, "GET", "batches/%d/labels?format=doc" % bid, token=coop)[0] == 400,
            "unknown print format: 400")
    t.check(call(s, "GET", "batches/%d/labels?format=pdf" % bid, token=tokens["baise"])[0]
            == 200, "the city regulator may download too")

    status, _, doc, _ = call(s, "GET", "verify/" + code)
    t.check(doc["verdict"] == "NOT_ACTIVATED", "before activation: not activated", doc)
    status, _, doc, raw = call(s, "POST", "batches/%d/activate" % bid, token=coop)
    t.check(status == 200 and doc["status"] == "activated", "cooperative activates", raw[:200])
    verdict = g.verdict_once_activated(s, code)
    t.check(verdict in ("GENUINE", "GENUINE_REPEATED"), "a consumer's check: genuine", verdict)

    status, _, doc, raw = call(s, "POST", "batches/%d/void" % bid, token=coop,
                               body={"reason": "misprint", "codes": [code]})
    t.check(status == 200 and doc["labels_voided"] == 1, "cooperative voids a misprint",
            raw[:200])
    status, _, doc, raw = call(s, "POST", "batches/%d/void" % bid, token=coop,
                               body={"reason": "misprint", "codes": [code]})
    t.check(status == 409 or status == 400, "voiding it again is refused", raw[:200])

    # authorisation transitions
    status, _, _, _ = call(s, "POST", "authorisations/1/suspend", token=coop,
                           body={"reason": "x"})
    t.check(status == 403, "cooperative may not suspend itself", status)
    # on one connection, so one worker thread: the lookup before the suspension
    # keeps the batch's view there, and the suspension must not read from it
    one = s.conn()
    other = rows[1].split(",")[0]

    def verdict_on_one():
        return json.loads(s.request("GET", "/api/v1/verify/" + other, conn=one)[2])["verdict"]

    # this worker may hold a snapshot from before the activation for up to 50 ms
    genuine = ("GENUINE", "GENUINE_REPEATED")
    t.check(g.soon(verdict_on_one, lambda v: v in genuine) in genuine, "another label: genuine")
    status, _, raw = s.request("POST", "/api/v1/authorisations/1/suspend", conn=one,
                               body=json.dumps({"reason": "spot check"}),
                               headers={"Authorization": "Bearer " + reg,
                                        "Content-Type": "application/json"})
    doc = json.loads(raw) if status == 200 else {}
    t.check(status == 200 and doc["status"] == "suspended", "regulator suspends", raw[:200])
    t.check(verdict_on_one() == "AUTH_SUSPENDED",
            "the suspension shows at once on the worker that made it")
    one.close()
    status, _, doc, raw = call(s, "POST", "authorisations/1/suspend", token=reg,
                               body={"reason": "again"})
    t.check(status == 409, "suspending twice is refused by the rules", raw[:200])
    status, _, doc, raw = call(s, "POST", "authorisations/1/reinstate", token=reg,
                               body={"reason": "passed"})
    t.check(status == 200 and doc["status"] == "approved", "regulator reinstates", raw[:200])
    status, _, _, _ = call(s, "POST", "authorisations/1/fly", token=reg, body={})
    t.check(status == 404, "unknown action: 404", status)


def test_register(t, s, tokens):
    reg, aud, coop = tokens["regulator"], tokens["auditor"], tokens["operator"]
    product = {"name_zh": "北流荔枝（测试）", "name_en": "Beiliu Lychee (test)", "region_code": "450981"}
    for who, want in (("auditor", 403), ("operator", 403), ("regulator", 201)):
        status, h, doc, raw = call(s, "POST", "products", token=tokens[who], body=product)
        t.check(status == want, "%s adds a product: %d" % (who, want), raw[:200])
    pid = doc["id"]
    status, _, doc, raw = call(s, "POST", "products", token=tokens["baise"], body=product)
    t.check(status == 404, "a Baise regulator cannot register in Yulin", raw[:200])
    for who, want in (("auditor", 403), ("operator", 403), ("baise", 404), ("regulator", 200)):
        status, _, doc, raw = call(s, "PATCH", "products/%d" % pid, token=tokens[who],
                                   body={"standard": "DB45/T 1-2026"})
        t.check(status == want, "%s edits a product: %d" % (who, want), raw[:200])
    t.check(doc.get("standard") == "DB45/T 1-2026" and doc.get("name_zh") == product["name_zh"],
            "an edit changes the fields given and keeps the others", doc)
    status, _, doc, raw = call(s, "PATCH", "products/%d" % pid, token=reg,
                               body={"gtin": "6901234567893"})
    t.check(status == 400 and "check digit" in doc["error"]["message"].lower(),
            "an edit with a bad GTIN is refused", raw[:200])
    status, _, doc, raw = call(s, "PATCH", "operators/1", token=reg,
                               body={"contact": "0776-2800000"})
    t.check(status == 200 and doc["contact"] == "0776-2800000" and
            doc["uscc"] == "93451003MA815908XM", "regulator edits an operator's contact", raw[:200])
    status, _, doc, raw = call(s, "PATCH", "operators/1", token=tokens["baise"],
                               body={"region_code": "450100"})
    t.check(status == 404, "a city regulator cannot move an operator out of its city", raw[:200])
    status, _, _, _ = call(s, "PATCH", "batches/1", token=reg, body={})
    t.check(status == 405, "batches are not edited: 405", status)
    operator = {"uscc": "91450100MA8609132D", "name": "x", "kind": "company",
                "region_code": "450100"}
    status, _, doc, raw = call(s, "POST", "operators", token=reg, body=operator)
    t.check(status == 400 and "check character" in doc["error"]["message"],
            "an invalid USCC is refused with the reason", raw[:200])
    operator["uscc"] = "91450100MA8609132C"
    status, _, doc, raw = call(s, "POST", "operators", token=reg, body=operator)
    t.check(status == 409, "a USCC already registered: 409", raw[:200])
    status, _, grower, raw = call(s, "POST", "operators", token=reg, body={
        "uscc": "93450981MA00000159", "name": "北流荔枝专业合作社（测试）", "kind": "cooperative",
        "region_code": "450981"})
    t.check(status == 201, "regulator registers a cooperative of Beiliu", raw[:200])
    status, _, doc, raw = call(s, "POST", "authorisations", token=reg,
                               body={"operator_id": grower["id"], "product_id": pid,
                                     "yearly_quota": 1000})
    t.check(status == 201 and doc["status"] == "pending", "regulator grants", raw[:200])
    status, _, doc, raw = call(s, "POST", "authorisations/%d/approve" % doc["id"], token=reg,
                               body={"approval_doc": "CNIPA Announcement No. 475"})
    t.check(status == 200 and doc["status"] == "approved", "regulator approves", raw[:200])
    status, _, _, _ = call(s, "POST", "authorisations", token=coop,
                           body={"operator_id": 1, "product_id": 3, "yearly_quota": 5})
    t.check(status == 403, "operator may not grant itself", status)
    status, _, _, _ = call(s, "POST", "authorisations", token=aud,
                           body={"operator_id": 1, "product_id": 3, "yearly_quota": 5})
    t.check(status == 403, "auditor may not grant", status)


def test_rule_codes(t, s, tokens):
    """A refusal of each kind carries its rule's stable code beside the
    English message and the class of failure; the codes are unique."""
    defined = rule_codes()
    names = [name for _, name in defined]
    t.check(defined and defined[0] == ("NONE", "none"), "the first rule is none", defined[:1])
    t.check(len(names) == len(set(names)), "rule codes are unique", names)
    t.check(all(n and n.replace("_", "").isalnum() and n == n.lower() for n in names),
            "rule codes are snake_case")
    t.check(not set(names) & {"invalid", "not_found", "exists", "refused", "forbidden", "io"},
            "no rule code is a class name")
    gone = [c for c in STABLE_CODES if c not in names]
    t.check(not gone, "every published code is still defined", gone)
    reg, coop, aud = tokens["regulator"], tokens["operator"], tokens["auditor"]
    status, _, doc, _ = call(s, "POST", "batches", token=reg,
                             body={"auth_id": 1, "count": 2, "lot_number": "OWN"})
    own = doc["id"] if status == 201 else 0
    cases = [
        ("POST", "batches", reg, {"auth_id": 5, "count": 5}, 409,
         "authorisation_suspended", "refused"),
        ("POST", "batches", reg, {"auth_id": 1, "count": 9999999}, 409,
         "quota_exceeded", "refused"),
        ("POST", "batches", reg, {"auth_id": 1, "count": 0}, 400,
         "batch_count_range", "invalid"),
        ("POST", "batches", reg, {"auth_id": 1, "count": 1, "lot_number": "A\u202eB"}, 400,
         "text_bidi_control", "invalid"),
        ("POST", "batches", reg, {"auth_id": 1, "count": 1, "harvest_date": "2026-02-30"}, 400,
         "date_invalid", "invalid"),
        ("POST", "batches", aud, {"auth_id": 1, "count": 1}, 403, "role_not_allowed",
         "forbidden"),
        ("POST", "batches/%d/approve" % own, reg, {}, 403, "same_account_approves",
         "forbidden"),
        ("POST", "batches/1/issue", reg, {}, 409, "batch_status", "refused"),
        ("POST", "batches/%d/reject" % own, tokens["baise"], {}, 400, "reject_needs_reason",
         "invalid"),
        ("POST", "operators", reg, {"uscc": "91450100MA8609132C", "name": "x",
                                    "kind": "company", "region_code": "450100"}, 409,
         "uscc_taken", "exists"),
        ("POST", "operators", reg, {"uscc": "91450100MA86091", "name": "x", "kind": "company",
                                    "region_code": "450100"}, 400, "uscc_invalid", "invalid"),
        ("POST", "operators", reg, {"uscc": "93450981MA00000168", "name": "x", "kind": "guild",
                                    "region_code": "450981"}, 400, "operator_kind_unknown",
         "invalid"),
        ("POST", "operators", reg, {"uscc": "93450981MA00000168", "name": "x",
                                    "kind": "company", "region_code": "45AB"}, 400,
         "region_code_invalid", "invalid"),
        ("PATCH", "products/1", reg, {"gtin": "6901234567893"}, 400, "gtin_invalid", "invalid"),
        ("POST", "authorisations/5/suspend", reg, {"reason": "again"}, 409,
         "authorisation_status", "refused"),
        ("POST", "authorisations", reg, {"operator_id": 1, "product_id": 1,
                                         "yearly_quota": 0}, 400, "quota_range", "invalid"),
        ("GET", "batches/999999", coop, None, 404, "not_found", "not_found"),
    ]
    for method, path, token, body, want, code, kind in cases:
        status, _, doc, raw = call(s, method, path, token=token, body=body)
        err = (doc or {}).get("error", {})
        t.check(status == want and err.get("code") == code and err.get("kind") == kind
                and err.get("message"),
                "%s %s refused: %d %s (%s)" % (method, path, want, code, kind), raw[:300])
        t.check(code in CODES, "code %s is defined" % code)


def test_oversight(t, s, tokens, own_code):
    """Consumer reports, figures and the audit log, by role."""
    from urllib.parse import urlencode
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for code, text in ((own_code, "blurred print on this box"),
                       ("K7M39QX2HD4TPW8N", "sold at the night market")):
        status, _, _ = s.request("POST", "/v/%s/report" % code, headers=form,
                                 body=urlencode({"text": text, "contact": "13800000000"}))
        t.check(status == 200, "consumer report on %s stored" % code, status)
    _, _, doc, _ = call(s, "GET", "reports", token=tokens["regulator"])
    texts = {r["text"]: r for r in doc["items"]}
    t.check(len(texts) == 2 and all("contact" in r for r in texts.values()),
            "the provincial regulator sees both reports with contacts", doc)
    _, _, doc, _ = call(s, "GET", "reports", token=tokens["operator"])
    t.check([r["text"] for r in doc["items"]] == ["blurred print on this box"]
            and "contact" not in doc["items"][0], "the cooperative sees the report on its "
            "label, without the reporter's contact", doc)
    _, _, doc, _ = call(s, "GET", "reports", token=tokens["baise"])
    t.check([r["text"] for r in doc["items"]] == ["blurred print on this box"],
            "a city regulator sees its city's label reports, not unknown codes", doc)
    rid = texts["sold at the night market"]["id"]
    status, _, _, _ = call(s, "GET", "reports/%d" % rid, token=tokens["operator"])
    t.check(status == 404, "a report on an unknown code is not the cooperative's", status)
    for who, want in (("auditor", 403), ("operator", 404), ("baise", 404), ("regulator", 200)):
        status, _, doc, raw = call(s, "POST", "reports/%d/triage" % rid, token=tokens[who],
                                   body={"status": "triaged", "note": "market inspection"})
        t.check(status == want, "%s triages a report: %d" % (who, want), raw[:200])
    status, _, doc, raw = call(s, "POST", "reports/%d/triage" % rid, token=tokens["regulator"],
                               body={"status": "closed"})
    t.check(status == 400 and "note" in doc["error"]["message"], "closing needs a note",
            raw[:200])
    _, _, doc, _ = call(s, "GET", "reports?status=triaged", token=tokens["regulator"])
    t.check([r["id"] for r in doc["items"]] == [rid], "reports listed by status", doc)

    for who, want in (("regulator", 200), ("auditor", 200), ("operator", 403)):
        status, _, doc, _ = call(s, "GET", "stats", token=tokens[who])
        t.check(status == want, "%s reads the figures: %d" % (who, want), status)
        status, _, doc, _ = call(s, "GET", "audit?limit=5", token=tokens[who])
        t.check(status == want, "%s reads the audit log: %d" % (who, want), status)
        if want == 200:
            t.check(len(doc["items"]) == 5 and doc["next_offset"] == 5 and
                    doc["items"][0]["id"] > doc["items"][1]["id"], "audit log paged, newest "
                    "first", doc)
    _, _, doc, _ = call(s, "GET", "stats", token=tokens["auditor"])
    t.check(doc["target"] == 1000 and doc["operators_using_mark"] >= 2, "figures", doc)
    _, _, city, _ = call(s, "GET", "stats", token=tokens["baise"])
    _, _, ops, _ = call(s, "GET", "operators?limit=200", token=tokens["baise"])
    _, _, prods, _ = call(s, "GET", "products?limit=200", token=tokens["baise"])
    t.check(city["operators"] == len(ops["items"]) < doc["operators"] and
            city["products"] == len(prods["items"]) < doc["products"] and
            city["operators_using_mark"] <= city["operators_authorised"] <= city["operators"],
            "a city regulator's figures count its region's records, as its lists do",
            (city, len(ops["items"]), len(prods["items"])))
    _, _, doc, _ = call(s, "GET", "audit/verify", token=tokens["auditor"])
    t.check(doc.get("ok") is True and doc["rows"] > 10 and len(doc["head"]) == 64,
            "the audit chain verifies", doc)


def test_anomalies(t, s, tokens, own_code):
    """Figures for charts and the anomaly lists, from real scans."""
    for path in ["/v/K7M39QX2HD4TPW8N"] * 2 + ["/v/NOT-A-CODE"] + ["/v/" + own_code] * 3:
        s.get(path)
    for k in range(2, 14):  # 12 more clients: the repeated list counts clients
        s.get("/v/" + own_code, conn=s.conn(source="127.0.0.%d" % k))
    reg = tokens["regulator"]

    def soon(path, done):
        """The answer to path once done(doc) holds (scans are stored within
        moments, not at once), or the last answer after 5 s."""
        return g.soon(lambda: call(s, "GET", path, token=reg), lambda answer: done(answer[2]))

    status, _, doc, raw = soon("figures?days=7", lambda d: any(
        v["key"] == "MALFORMED" for v in d["verdicts"]))
    t.check(status == 200 and doc["scans_per_day"] and doc["scans_per_day"][-1]["count"] > 0,
            "scans a day", raw[:300])
    verdicts = {v["key"]: v["count"] for v in doc["verdicts"]}
    t.check(verdicts.get("UNKNOWN", 0) >= 2 and verdicts.get("MALFORMED", 0) >= 1,
            "the verdict mix counts unknown and malformed scans", verdicts)
    months = {m["key"]: m["count"] for m in doc["labels_per_month"]}
    t.check(sum(months.values()) >= 9, "labels issued a month", months)
    status, _, doc, raw = soon("anomalies?kind=unknown", lambda d: len(d["items"]) >= 2)
    keys = {a["key"]: a["count"] for a in doc["items"]}
    t.check(status == 200 and keys.get("K7M39QX2HD4TPW8N") == 2 and keys.get("NOT-A-CODE") == 1,
            "unknown inputs listed with their counts", raw[:300])
    status, _, doc, raw = call(s, "GET", "anomalies?kind=suspect", token=tokens["auditor"])
    t.check(status == 200 and any(a["verdict"] == "NOT_ACTIVATED" and a["operator_id"] == 1
                                  for a in doc["items"]),
            "scans of labels not yet activated, by operator", raw[:300])
    # the per-code totals are merged about once a second, a merge may come
    # between two scans of the code: wait for all of them, not the first
    _, _, doc, _ = soon("anomalies?kind=repeated", lambda d: any(
        a["key"] == own_code and a["count"] >= 12 for a in d["items"]))
    found = [a for a in doc["items"] if a["key"] == own_code]
    t.check(found and found[0]["count"] >= 12 and found[0]["product"],
            "a code scanned by more clients than the threshold is listed", found)
    baise = tokens["baise"]
    _, _, doc, _ = call(s, "GET", "anomalies?kind=unknown", token=baise)
    t.check(doc["items"] == [], "unknown inputs belong to no city: none for a city regulator", doc)
    _, _, doc, _ = call(s, "GET", "anomalies?kind=repeated", token=baise)
    t.check(all(a["operator_id"] == 1 for a in doc["items"]) and doc["items"],
            "a city regulator's anomalies are its city's operators'", doc)
    _, _, doc, _ = call(s, "GET", "figures", token=baise)
    verdicts = {v["key"] for v in doc["verdicts"]}
    t.check("UNKNOWN" not in verdicts and "MALFORMED" not in verdicts and "GENUINE" in verdicts,
            "a city regulator's verdict mix counts its labels only", verdicts)
    for path in ("figures", "anomalies?kind=unknown"):
        status, _, _, _ = call(s, "GET", path, token=tokens["operator"])
        t.check(status == 403, "an operator may not read %s" % path, status)
    status, _, _, _ = call(s, "GET", "anomalies?kind=other", token=reg)
    t.check(status == 400, "unknown anomaly kind: 400", status)


def decoded(tool, paths):
    """Every symbol tool (zbarimg or dmtxread) reads in the images."""
    args = {"zbarimg": ["zbarimg", "-q", "--raw"], "dmtxread": ["dmtxread", "-n"]}[tool]
    found = []
    for path in paths:
        p = subprocess.run(args + [path], capture_output=True, text=True)
        found += [line for line in p.stdout.splitlines() if line]
    return sorted(found)


def test_download_layout(t, s, w, tokens, batch_id):
    """The print file's layout chosen by query parameters, as the CLI's
    options choose it; the symbols read back as the issued codes."""
    coop = tokens["operator"]
    path = "batches/%d/labels?format=" % batch_id
    status, _, _, body = call(s, "GET", path + "csv", token=coop)
    urls = sorted(line.split(",")[1] for line in body.decode().splitlines()[1:])
    t.check(status == 200 and len(urls) == 2, "the batch's URLs from its CSV", body[:200])

    def fetch(query, name):
        status, h, _, body = call(s, "GET", path + query, token=coop)
        out = os.path.join(w.dir, name)
        with open(out, "wb") as f:
            f.write(body)
        return status, h, out

    status, _, z = fetch("zip&symbology=datamatrix&label-size=70x30", "dm.zip")
    members = []
    if status == 200:
        with zipfile.ZipFile(z) as zf:
            zf.extractall(os.path.join(w.dir, "dm"))
            members = [os.path.join(w.dir, "dm", n) for n in zf.namelist()]
    t.check(status == 200 and decoded("dmtxread", members) == urls,
            "?symbology=datamatrix: dmtxread reads the issued codes", (status, members))
    status, h, png = fetch("png&dpi=300&label-size=70x35&grid=2x3&crop-marks=1", "qr.png")
    t.check(status == 200 and h.get("content-type") == "image/png" and
            decoded("zbarimg", [png]) == urls, "a QR PNG sheet with a chosen layout reads back")
    status, _, pdf = fetch("pdf&vector=1&module=0.5&margin=12&gap=4&page-size=148x210", "qr.pdf")
    pages = []
    if status == 200:
        subprocess.run(["pdftoppm", "-r", "300", "-png", pdf, pdf[:-4]], check=True)
        pages = [os.path.join(w.dir, n) for n in os.listdir(w.dir) if n.startswith("qr-")]
    t.check(status == 200 and decoded("zbarimg", pages) == urls,
            "a QR PDF in vector paths on A5 reads back", (status, pages))
    status, h, _ = fetch("pdf&symbology=hanxin&ecc=H&zip-member=svg", "hx.pdf")
    t.check(status == 200 and h.get("content-type") == "application/pdf",
            "Han Xin, error correction and the ZIP member format are taken", status)
    status, _, pdf = fetch("pdf&bleed=3&cut-contour=1", "cut.pdf")
    boxes = subprocess.run(["pdfinfo", "-box", pdf], capture_output=True, text=True).stdout \
        if status == 200 else ""
    trim = [l.split()[1:] for l in boxes.splitlines() if l.startswith("TrimBox:")]
    raw = open(pdf, "rb").read() if status == 200 else b""
    t.check(status == 200 and trim == [["8.50", "8.50", "603.78", "850.39"]] and
            b"/TrimBox" in subprocess.run(["qpdf", "--qdf", pdf, "-"], capture_output=True).stdout,
            "?bleed=3&cut-contour=1: the A4 trim box 3 mm inside the page", (status, trim, len(raw)))

    for query, words in (("pdf&symbology=aztec", "symbology 'aztec' is not qr"),
                         ("pdf&label-size=big", "label size 'big' is not of the form WxH"),
                         ("pdf&page-size=0x297", "page size"),
                         ("pdf&grid=3", "grid '3'"),
                         ("png&dpi=10", "dpi '10' is not a number from 72 to 2400"),
                         ("png&dpi=300.5", "dpi '300.5' is not a whole number"),
                         ("pdf&margin=-1", "margin '-1' is not a number from 0 to 100 mm"),
                         ("pdf&module=11", "module '11'"),
                         ("pdf&crop-marks=yes", "crop-marks 'yes' is not 1 (on) or 0 (off)"),
                         ("pdf&ecc=X", "error correction level 'X'"),
                         ("zip&zip-member=gif", "zip-member 'gif' is not png or svg"),
                         ("pdf&label-size=300x300", "does not fit"),
                         ("pdf&module=0.1", "below"),
                         ("pdf&symbology=code128&label-size=30x30", "choose a larger label"),
                         ("png&dpi=2400", "million pixel image, more than a download may"),
                         ("zip&dpi=2400&label-size=200x200", "lower dpi"),
                         ("pdf&bleed=11", "bleed '11' is not a number from 0 to 10 mm"),
                         ("png&cut-contour=1", "bleed and cut-contour are choices of the PDF only"),
                         ("svg&bleed=2", "bleed and cut-contour are choices of the PDF only")):
        status, _, doc, raw = call(s, "GET", path + query, token=coop)
        t.check(status == 400 and doc and words in doc["error"]["message"],
                "?format=%s: 400 naming the problem" % query, raw[:200])


def test_server_layout(t, w, tokens, batch_id):
    """The server's settings file sets the layout downloads start from; a
    download's own choices still win."""
    conf = os.path.join(w.dir, "layout.conf")
    with open(conf, "w") as f:
        f.write("base-url = https://gi.example.cn\nsymbology = datamatrix\n"
                "label-size = 70x30\nzip-member = png\n")
    s = g.Server(w, "--config", conf).start()
    try:
        coop = tokens["operator"]
        path = "batches/%d/labels?format=" % batch_id
        _, _, _, body = call(s, "GET", path + "csv", token=coop)
        urls = sorted(line.split(",")[1] for line in body.decode().splitlines()[1:])
        for query, tool in (("zip", "dmtxread"), ("zip&symbology=qr", "zbarimg")):
            status, _, _, body = call(s, "GET", path + query, token=coop)
            out = os.path.join(w.dir, "server-" + tool)
            members = []
            if status == 200:
                with zipfile.ZipFile(io.BytesIO(body)) as zf:
                    zf.extractall(out)
                    members = [os.path.join(out, n) for n in zf.namelist()]
            t.check(status == 200 and urls and decoded(tool, members) == urls,
                    "settings file symbology=datamatrix, ?format=%s: %s reads the codes" %
                    (query, tool), (status, members[:2]))
    finally:
        rc = s.stop()
    t.check(rc == 0, "server with a layout in its settings file: clean exit", rc)


def audit_rows(s, token):
    """Every audit row the account may read, walking the pages."""
    rows, offset = [], 0
    while offset is not None:
        status, _, doc, raw = call(s, "GET", "audit?limit=100&offset=%d" % offset, token=token)
        if status != 200:
            return status, raw
        rows += doc["items"]
        offset = doc["next_offset"]
    return 200, rows


def test_audit_scope(t, s, w, tokens, own_code):
    """A city regulator reads the audit rows of its city's records only; the
    province reads every row; the chain is verified whole for both."""
    rid = int(w.sql("select id from report where code = '%s'" % own_code.replace("-", "")))
    status, _, _, raw = call(s, "POST", "reports/%d/triage" % rid, token=tokens["baise"],
                             body={"status": "triaged", "note": "checked the print"})
    t.check(status == 200, "a city regulator triages a report on its city's label", raw[:200])
    regions = g.audit_regions(w)
    status, province = audit_rows(s, tokens["regulator"])
    t.check(status == 200 and sorted(r["id"] for r in province) == sorted(regions),
            "the province-wide regulator reads every audit row", (status, len(regions)))
    status, city = audit_rows(s, tokens["baise"])
    ids = sorted(r["id"] for r in city) if status == 200 else city
    want = sorted(i for i, r in regions.items() if r and r.startswith("4510"))
    t.check(ids == want, "the city regulator reads exactly the rows of its city's records",
            (ids, want))
    seen = {(r["action"], r["entity"]) for r in city} if status == 200 else set()
    for kind in (("auth.suspend", "authorisation"), ("batch.issue", "batch"),
                 ("batch.void_codes", "batch"), ("operator.edit", "operator"),
                 ("product.add", "product"), ("report.triage", "report")):
        t.check(kind in seen, "the city regulator sees %s on its city's %s" % kind, seen)
    entities = {r["entity"] for r in city} if status == 200 else {"?"}
    t.check(not entities & {"account", "api_token"},
            "rows that name no region are not the city regulator's", entities)
    other = {r["id"] for r in city} & {i for i, r in regions.items()
                                       if r and not r.startswith("4510")}
    t.check(not other, "no row of another city's records", other)
    t.check(len(city) < len(province), "the city's rows are fewer than the province's")
    _, _, doc, _ = call(s, "GET", "audit/verify", token=tokens["baise"])
    t.check(doc.get("ok") is True and doc["rows"] == len(province),
            "the city regulator's chain check walks the whole chain", doc)
    status, _, _, _ = call(s, "GET", "audit", token=tokens["operator"])
    t.check(status == 403, "an operator still may not read the audit log", status)


def test_secrets(t, w, s, tokens):
    dump = w.sql(".dump")
    log = s.stderr()
    for name, token in tokens.items():
        t.check(token not in dump, "token of %s not in the database" % name)
        t.check(token not in log, "token of %s not in the server log" % name)
    t.check(PASSWORD not in dump and PASSWORD not in log, "password not stored or logged")
    audit = w.sql("select group_concat(actor || ' ' || detail, ' ') from audit_log")
    t.check("user:coop" in audit, "changes through the API are audited under the account")


def main():
    t = g.Tally("test_api")
    w = g.Workdir()
    try:
        tokens, own_batch, other_batch, own_code = seed(w)
        s = g.Server(w, "--base-url", "https://gi.example.cn").start()
        try:
            test_matrix(t, s, tokens, own_batch, other_batch)
            test_lists(t, s, tokens)
            test_validation(t, s, tokens)
            test_lifecycle(t, s, tokens)
            test_register(t, s, tokens)
            test_rule_codes(t, s, tokens)
            test_oversight(t, s, tokens, own_code)
            test_anomalies(t, s, tokens, own_code)
            test_download_layout(t, s, w, tokens, own_batch)
            test_audit_scope(t, s, w, tokens, own_code)
        finally:
            rc = s.stop()
        t.check(rc == 0, "clean exit", rc)
        test_secrets(t, w, s, tokens)
        test_server_layout(t, w, tokens, own_batch)
        t.check(w.sql("PRAGMA integrity_check") == "ok", "integrity")
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
