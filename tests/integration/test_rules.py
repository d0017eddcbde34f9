"""test_rules.py - who may mint genuine labels, and printed labels that stay
valid when the register changes, against the real server:

- a grant needs the product inside the regulator's scope too (404 as for a
  product that does not exist, the database unchanged) and the operator
  seated inside the product's protected area, or an override whose reason
  the audit log keeps;
- no account approves a batch it requested (API and CLI); a second one may;
- the live codes of an activated batch go to the operator's own accounts; a
  regulator downloads them only with a reason, which the audit log keeps;
- a GS1 Digital Link keeps verifying after its product's GTIN changes, new
  batches carry the new GTIN, and the change needs a reason (API and desk).
"""

import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402

add_user = g.add_user
OPERATOR_A = "93451003MA815908XM"  # operator 1, Tianyang (451003)
OPERATOR_B = "91450100MA8609132C"  # operator 2, Hengzhou (450127)
OLD_GTIN, NEW_GTIN = "06901234567892", "06901234567885"


call = g.api_call


def dump(w):
    """The whole database as SQL text (what a refusal must leave as it was)."""
    return w.dump()


def audit(w, action):
    """(actor, detail) of the audit rows of action, oldest first."""
    rows = w.sql("select actor || char(9) || detail from audit_log where action = '%s' "
                 "order by id" % action)
    return [(r.split("\t", 1)[0], json.loads(r.split("\t", 1)[1]))
            for r in rows.splitlines() if r]


def seed(w):
    w.gimark("init")
    w.gimark("demo")
    tokens = {
        "reg": add_user(w, "reg", "regulator", scope="45"),
        "reg2": add_user(w, "reg2", "regulator", scope="45"),
        "county": add_user(w, "county", "regulator", scope="451003"),
        "coop": add_user(w, "coop", "operator", operator=OPERATOR_A),
        "coop_b": add_user(w, "coop-b", "operator", operator=OPERATOR_B),
    }
    # a product of Tianyang with a GTIN, granted to the cooperative seated there
    p = w.json("product", "add", "--name-zh", "田阳香芒（条码）", "--region", "451003",
               "--gtin", OLD_GTIN, "--reg-number", "CNIPA Announcement No. 475")
    a = w.json("auth", "grant", "--operator", OPERATOR_A, "--product", p["id"], "--quota", 1000)
    w.gimark("auth", "approve", a["id"], "--doc", "CNIPA Announcement No. 475")
    return tokens, p["id"], a["id"]


def test_grant_scope(t, s, w, tokens):
    """A county regulator of Tianyang grants its own operator a product of
    Hengzhou: 404, as for a product that does not exist, nothing stored."""
    county = tokens["county"]
    before = dump(w)
    status, doc, raw = call(s, "POST", "authorisations", county,
                            {"operator_id": 1, "product_id": 3, "yearly_quota": 100})
    t.check(status == 404 and doc["error"]["code"] == "not_found",
            "a county regulator's grant of another region's product: 404", raw[:300])
    t.check(dump(w) == before, "the refused grant left the database unchanged")
    status, missing, raw2 = call(s, "POST", "authorisations", county,
                                 {"operator_id": 1, "product_id": 999, "yearly_quota": 100})
    t.check(status == 404 and doc and missing and
            doc["error"]["message"].replace(" 3", " N") ==
            missing["error"]["message"].replace(" 999", " N"),
            "the answer is the one for a product that does not exist", (raw, raw2))
    status, _, raw = call(s, "GET", "products/3", county)
    t.check(status == 404, "the county regulator cannot see that product either", raw[:200])
    # inside its scope, both parties: allowed (Tianyang Fragrant Mango is held: 409)
    status, doc, raw = call(s, "POST", "authorisations", county,
                            {"operator_id": 1, "product_id": 2, "yearly_quota": 100})
    t.check(status == 409 and "already holds" in doc["error"]["message"],
            "a product inside the county reaches the rules", raw[:300])


def test_grant_area(t, s, w, tokens):
    """Tianyang's cooperative for Liubao tea of Wuzhou: refused naming both
    regions; granted with an override and its reason, which is audited."""
    reg = tokens["reg"]
    grant = {"operator_id": 1, "product_id": 4, "yearly_quota": 100}
    before = dump(w)
    status, doc, raw = call(s, "POST", "authorisations", reg, grant)
    msg = doc["error"]["message"] if doc and "error" in doc else ""
    t.check(status == 409 and "451003 (Tianyang District, Baise, Guangxi)" in msg and
            "450400 (Wuzhou, Guangxi)" in msg and "protected area" in msg,
            "an operator outside the product's protected area: 409 naming both regions",
            raw[:300])
    t.check(dump(w) == before, "the refused grant left the database unchanged")
    status, doc, raw = call(s, "POST", "authorisations", reg, dict(grant, area_override=""))
    t.check(status == 409, "an empty override is no override", raw[:200])
    reason = "Wuzhou tea house's packing plant in Tianyang, provincial letter 2026-14"
    status, doc, raw = call(s, "POST", "authorisations", reg, dict(grant, area_override=reason))
    t.check(status == 201 and doc["status"] == "pending",
            "the same grant with an override and a reason: 201", raw[:300])
    rows = audit(w, "auth.grant")
    t.check(rows and rows[-1][0] == "user:reg" and rows[-1][1].get("area_override") == reason,
            "the override's reason is in the audit log", rows[-1:])
    _, listed, _ = call(s, "GET", "audit?limit=5", reg)
    t.check(any(r["action"] == "auth.grant" and reason in json.dumps(r["detail"], ensure_ascii=False)
                for r in listed["items"]), "and the API's audit list shows it", listed)
    t.check(not any("area_override" in d for _, d in rows[:-1]),
            "grants inside the area record no override")


def test_self_approval(t, s, w, tokens):
    reg, reg2 = tokens["reg"], tokens["reg2"]
    status, doc, raw = call(s, "POST", "batches", reg,
                            {"auth_id": 1, "count": 3, "lot_number": "ON-BEHALF"})
    t.check(status == 201 and doc["requested_by"] == "user:reg",
            "a regulator requests a batch on an operator's behalf; who asked is kept", raw[:300])
    bid = doc["id"]
    before = dump(w)
    status, doc, raw = call(s, "POST", "batches/%d/approve" % bid, reg, {"note": "fine"})
    t.check(status == 403 and "another account must approve it" in doc["error"]["message"],
            "the requester approving its own batch: 403", raw[:300])
    t.check(dump(w) == before, "the refused approval left the database unchanged")
    from test_pages import Browser
    for name, own in (("reg", True), ("reg2", False)):
        desk = Browser(s)
        desk.sign_in(name)
        status, _, html, _ = desk.get("/admin/?lang=en")
        offered = 'action="/admin/batches/%d/approve?' % bid in html
        t.check(status == 200 and offered != own and
                ("another account approves it" in html) == own,
                "the desk of %s %s the approve button of the batch it requested" %
                (name, "hides" if own else "shows"), status)
    status, doc, raw = call(s, "POST", "batches/%d/approve" % bid, reg2, {"note": "checked"})
    t.check(status == 200 and doc["status"] == "approved" and doc["decided_by"] == "user:reg2",
            "a second regulator approves it", raw[:300])
    # an operator's own request: any regulator approves it
    status, doc, raw = call(s, "POST", "batches", tokens["coop"], {"auth_id": 1, "count": 2})
    status, doc, raw = call(s, "POST", "batches/%d/approve" % doc["id"], reg, {})
    t.check(status == 200, "a regulator approves an operator's request", raw[:300])
    # the command line: its actor is who requested
    b = w.json("batch", "request", "--auth", 1, "--count", 2, "--lot", "CLI")
    try:
        w.gimark("batch", "approve", b["id"])
        refused = ""
    except RuntimeError as e:
        refused = str(e)
    t.check("exit 2" in refused and "another account must approve it" in refused,
            "the CLI's requester approving its own batch: refused", refused)
    t.check(w.sql("select status from batch where id = %d" % b["id"]) == "requested",
            "and the batch stays requested")
    w.gimark("batch", "approve", b["id"], "--actor", g.REVIEWER)
    t.check(w.sql("select decided_by from batch where id = %d" % b["id"]) == g.REVIEWER,
            "a second actor approves it from the CLI")


def test_live_codes(t, s, w, tokens):
    """Downloads of an activated batch: the operator's accounts; a regulator
    with a reason (audited); nobody else."""
    bid, codes = w.batch(1, 2, lot="LIVE")
    path = "batches/%d/labels?format=csv" % bid
    status, _, raw = call(s, "GET", path, tokens["coop"])
    t.check(status == 200 and codes[0] in raw.decode().replace("-", ""),
            "the operator downloads its activated batch", raw[:200])
    exports = len(audit(w, "batch.export"))
    status, doc, raw = call(s, "GET", path, tokens["reg"])
    t.check(status == 403 and "reason" in doc["error"]["message"],
            "a regulator's download of live codes without a reason: 403", raw[:300])
    t.check(len(audit(w, "batch.export")) == exports, "the refused download is not exported")
    status, _, raw = call(s, "GET", path + "&reason=", tokens["reg"])
    t.check(status == 403, "an empty reason is no reason", raw[:200])
    reason = "market inspection 2026-07: compare seized labels"
    status, _, raw = call(s, "GET", path + "&reason=market%20inspection%202026-07%3A%20compare"
                          "%20seized%20labels", tokens["reg"])
    t.check(status == 200 and codes[0] in raw.decode().replace("-", ""),
            "with a reason the regulator downloads them", raw[:200])
    rows = audit(w, "batch.export")
    t.check(rows and rows[-1][0] == "user:reg" and rows[-1][1].get("reason") == reason,
            "the regulator's download is audited with its reason", rows[-1:])
    status, _, raw = call(s, "GET", path, tokens["coop_b"])
    t.check(status == 404, "another operator: 404", raw[:200])
    status, _, raw = call(s, "GET", path + "&reason=curious", tokens["coop_b"])
    t.check(status == 404, "another operator with a reason: still 404", raw[:200])
    # before activation the codes are not live: the print shop's file
    issued, _ = w.batch(1, 2, activate=False, lot="PRINT")
    status, _, raw = call(s, "GET", "batches/%d/labels?format=csv" % issued, tokens["reg"])
    t.check(status == 200, "a regulator downloads an issued batch not yet activated", raw[:200])


def page_verdict(s, path):
    status, _, body = s.get(path + "?lang=en")
    m = re.search(r'<section class="verdict (\w+)" role="status">.*?<h1>(.*?)</h1>',
                  body.decode(), re.S)
    return status, (m.group(1), m.group(2)) if m else (None, None)


def csv_urls(w, bid):
    out = os.path.join(w.dir, "urls-%d.csv" % bid)
    w.gimark("batch", "export", bid, "--format", "csv", "--out", out, "--base-url",
             "https://gi.example.cn")
    with open(out, encoding="utf-8") as f:
        return [line.split(",")[1] for line in f.read().splitlines()[1:]]


def test_gtin_change(t, s, w, tokens, product, auth):
    reg = tokens["reg"]
    old_batch, old_codes = w.batch(auth, 2, lot="GTIN-OLD")
    t.check(all("/01/%s/21/" % OLD_GTIN in u for u in csv_urls(w, old_batch)),
            "labels issued under the first GTIN carry it")
    before = dump(w)
    status, doc, raw = call(s, "PATCH", "products/%d" % product, reg, {"gtin": NEW_GTIN})
    t.check(status == 400 and "needs a reason" in doc["error"]["message"],
            "a GTIN change without a reason: 400", raw[:300])
    t.check(dump(w) == before, "the refused change left the database unchanged")
    status, doc, raw = call(s, "PATCH", "products/%d" % product, reg,
                            {"standard": "DB45/T 1-2026"})
    t.check(status == 200, "other edits need no reason", raw[:200])
    reason = "the packer registered a new GS1 item number for the 5 kg box"
    status, doc, raw = call(s, "PATCH", "products/%d" % product, reg,
                            {"gtin": NEW_GTIN, "reason": reason})
    t.check(status == 200 and doc["gtin"] == NEW_GTIN, "a GTIN change with a reason", raw[:300])
    rows = audit(w, "product.edit")
    t.check(rows and rows[-1][1].get("reason") == reason and
            rows[-1][1]["before"]["gtin"] == OLD_GTIN and rows[-1][1]["after"]["gtin"] == NEW_GTIN,
            "the change is audited with its reason", rows[-1:])

    status, verdict = page_verdict(s, "/01/%s/21/%s" % (OLD_GTIN, old_codes[0]))
    t.check(status == 200 and verdict == ("ok", "Genuine label"),
            "an issued label's Digital Link still verifies genuine after the change",
            (status, verdict))
    status, verdict = page_verdict(s, "/01/%s/21/%s" % (NEW_GTIN, old_codes[1]))
    t.check(status == 404 and verdict[1] == "No such code",
            "the old label under the new GTIN was never printed: unknown", (status, verdict))
    t.check(all("/01/%s/21/" % OLD_GTIN in u for u in csv_urls(w, old_batch)),
            "a reprint of the old batch carries the GTIN it was issued with")

    new_batch, new_codes = w.batch(auth, 2, lot="GTIN-NEW")
    t.check(all("/01/%s/21/" % NEW_GTIN in u for u in csv_urls(w, new_batch)),
            "a new batch prints the new GTIN")
    t.check(w.sql("select gtin from batch where id = %d" % new_batch) == NEW_GTIN,
            "the new batch keeps the new GTIN")
    g.verdict_once_activated(s, new_codes[0])
    status, verdict = page_verdict(s, "/01/%s/21/%s" % (NEW_GTIN, new_codes[1]))
    t.check(status == 200 and verdict == ("ok", "Genuine label"),
            "a new label's Digital Link verifies genuine", (status, verdict))
    status, verdict = page_verdict(s, "/01/%s/21/%s" % (OLD_GTIN, new_codes[1]))
    t.check(status == 404, "a new label under the old GTIN: unknown", (status, verdict))


def test_desk_gtin(t, s, w, product):
    """The regulator's desk: the product form asks why the GTIN changes, and
    a change without a reason is refused, nothing stored."""
    from test_pages import Browser
    reg = Browser(s)
    reg.sign_in("reg")
    status, _, html, _ = reg.get("/admin/products/%d/edit?lang=en" % product)
    t.check(status == 200 and 'name="reason"' in html and "Reason for a GTIN change" in html,
            "the desk's product form has a field for the reason of a GTIN change", status)
    fields = {"name_zh": "田阳香芒（条码）", "region_code": "451003", "gtin": OLD_GTIN,
              "csrf": reg.csrf(html)}
    before = dump(w)
    status, _, body, _ = reg.post("/admin/products/%d/edit?lang=en" % product, fields)
    t.check(status == 400 and "needs a reason" in body,
            "a GTIN change on the desk without a reason: 400", status)
    t.check(dump(w) == before, "the refused change left the database unchanged")
    fields["reason"] = "back to the first GS1 item number"
    status, _, _, _ = reg.post("/admin/products/%d/edit?lang=en" % product, fields)
    t.check(status == 303 and w.sql("select gtin from product where id = %d" % product) ==
            OLD_GTIN, "with a reason the desk changes it", status)
    rows = audit(w, "product.edit")
    t.check(rows and rows[-1][0] == "user:reg" and
            rows[-1][1].get("reason") == "back to the first GS1 item number",
            "and the audit log keeps the reason", rows[-1:])


def main():
    t = g.Tally("test_rules")
    w = g.Workdir()
    try:
        tokens, product, auth = seed(w)
        s = g.Server(w, "--base-url", "https://gi.example.cn").start()
        try:
            for name, run in (("grant scope", lambda: test_grant_scope(t, s, w, tokens)),
                              ("grant area", lambda: test_grant_area(t, s, w, tokens)),
                              ("self-approval", lambda: test_self_approval(t, s, w, tokens)),
                              ("live codes", lambda: test_live_codes(t, s, w, tokens)),
                              ("GTIN change",
                               lambda: test_gtin_change(t, s, w, tokens, product, auth)),
                              ("desk GTIN", lambda: test_desk_gtin(t, s, w, product))):
                try:
                    run()
                except (KeyError, TypeError, IndexError, RuntimeError, ValueError,
                        OSError, subprocess.CalledProcessError) as e:
                    t.check(False, "%s: ran to its end" % name, repr(e))
        finally:
            rc = s.stop()
        t.check(rc == 0, "the server exits cleanly (and, under ASan, without leaks)",
                (rc, s.stderr()[-400:]))
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
