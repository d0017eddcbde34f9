"""test_verify.py - the consumer's view, against the real server: every
verdict in both languages, as HTML and JSON, in both URL forms; scan counts
and their storage; reports; health, metrics, the stylesheet, security
headers and keep-alive.
"""

import json
import random
import re
import time

import gimark_test as g

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# Words of each verdict's heading, as the page must show them.
TITLES = {
    "zh": {"GENUINE": "正品标志", "GENUINE_REPEATED": "查询次数异常", "NOT_ACTIVATED": "尚未启用",
           "VOID": "已作废", "AUTH_SUSPENDED": "已暂停", "AUTH_REVOKED": "已撤销",
           "AUTH_EXPIRED": "已过期", "UNKNOWN": "查无此码", "MALFORMED": "编码有误"},
    "en": {"GENUINE": "Genuine label", "GENUINE_REPEATED": "scanned unusually often",
           "NOT_ACTIVATED": "not yet activated", "VOID": "Label cancelled",
           "AUTH_SUSPENDED": "suspended", "AUTH_REVOKED": "revoked", "AUTH_EXPIRED": "expired",
           "UNKNOWN": "No such code", "MALFORMED": "Not a valid code"},
}
CLASSES = {"GENUINE": "ok", "GENUINE_REPEATED": "warn", "NOT_ACTIVATED": "warn", "VOID": "bad",
           "AUTH_SUSPENDED": "bad", "AUTH_REVOKED": "bad", "AUTH_EXPIRED": "warn",
           "UNKNOWN": "bad", "MALFORMED": "warn"}
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def check_symbol(payload):
    total, factor = 0, 2
    for ch in reversed(payload):
        addend = factor * ALPHABET.index(ch)
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def unissued_code(rng):
    payload = "".join(rng.choice(ALPHABET) for _ in range(15))
    return payload + check_symbol(payload)


def with_typo(code):
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % 32]
    return code[:-1] + wrong


def grouped(code):
    return "-".join(code[i:i + 4] for i in range(0, 16, 4))


def verdict_of_page(html):
    m = re.search(r'<section class="verdict (\w+)" role="status">.*?<h1>(.*?)</h1>', html, re.S)
    return (m.group(1), m.group(2)) if m else (None, None)


def check_security_headers(t, what, headers):
    for name, value in SECURITY_HEADERS.items():
        t.check(headers.get(name) == value, "%s: header %s" % (what, name), headers.get(name))
    csp = headers.get("content-security-policy", "")
    t.check("frame-ancestors 'none'" in csp and "script-src" not in csp
            and "default-src 'none'" in csp, "%s: CSP without script" % what, csp)


def test_verdicts(t, s, codes):
    """Every verdict, both languages, page and JSON."""
    cases = dict((v, codes[v]) for v in CLASSES if v in codes and v != "GENUINE_REPEATED")
    rng = random.Random(7)
    cases["UNKNOWN"] = unissued_code(rng)
    cases["MALFORMED"] = "NOT-A-CODE"
    for verdict, code in cases.items():
        want_status = 404 if verdict in ("UNKNOWN", "MALFORMED") else 200
        for lang, how in (("zh", {}), ("en", {"query": "?lang=en"}),
                          ("en", {"headers": {"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}})):
            path = "/v/%s%s" % (code, how.get("query", ""))
            status, headers, body = s.get(path, headers=how.get("headers"))
            html = body.decode("utf-8")
            cls, title = verdict_of_page(html)
            what = "%s page (%s, %s)" % (verdict, lang, "header" if "headers" in how else "query")
            t.check(status == want_status, what + ": status", status)
            t.check(cls == CLASSES[verdict], what + ": class", cls)
            t.check(title is not None and TITLES[lang][verdict] in title, what + ": title", title)
            t.check(('<html lang="%s"' % ("zh-CN" if lang == "zh" else "en")) in html,
                    what + ": html lang")
            t.check('aria-hidden="true"' in html or verdict == "MALFORMED", what + ": icon")
            t.check(headers.get("content-type") == "text/html; charset=utf-8",
                    what + ": content type", headers.get("content-type"))
            check_security_headers(t, what, headers)
            if lang == "en":
                other = TITLES["zh"][verdict]
                t.check(other not in html, what + ": no Chinese heading on the English page")
        status, headers, body = s.get("/api/v1/verify/%s" % code)
        doc = json.loads(body)
        t.check(status == want_status, verdict + " JSON: status", status)
        t.check(doc.get("verdict") == verdict, verdict + " JSON: verdict", doc)
        t.check(doc.get("genuine") == (verdict == "GENUINE"), verdict + " JSON: genuine")
        t.check(headers.get("content-type") == "application/json", verdict + " JSON: type")
        check_security_headers(t, verdict + " JSON", headers)
        if want_status == 200:
            t.check(doc["operator"]["uscc"] and doc["product"]["name_zh"] and doc["scans"] >= 1,
                    verdict + " JSON: records", doc)
            t.check("contact" not in doc["operator"], verdict + " JSON: no operator contact")


def test_page_content(t, s, codes):
    code = codes["GENUINE"]
    status, _, body = s.get("/v/%s" % code)
    html = body.decode()
    t.check(status == 200, "genuine page: 200")
    for piece in ("田阳香芒", "广西壮族自治区百色市田阳区", "93451003MA815908XM", "LOT-1", "2026年7月1日",
                  "演示基地", "GXJC-2026-0815", grouped(code), "举报疑似仿冒", "北京时间"):
        t.check(piece in html, "genuine page shows " + piece)
    _, _, body = s.get("/v/%s?lang=en" % code)
    html = body.decode()
    for piece in ("Tianyang Fragrant Mango", "Tianyang District, Baise, Guangxi", "Lot number",
                  "Report a suspected copy", "Beijing time", "Unified social credit code"):
        t.check(piece in html, "English page shows " + piece)
    for verdict in ("AUTH_SUSPENDED", "AUTH_REVOKED", "AUTH_EXPIRED"):
        _, _, body = s.get("/v/%s?lang=en" % codes[verdict])
        word = verdict.split("_")[1].lower()
        t.check(("<dd>%s</dd>" % word) in body.decode(),
                verdict + ": authorisation status shown as " + word)
    _, _, body = s.get("/v/%s?lang=en" % codes["VOID"])
    t.check("misprint" in body.decode(), "void page gives the reason")


def test_code_forms(t, s, codes):
    code = codes["GENUINE"]
    forms = [grouped(code).lower(), code.lower(), "%20".join(grouped(code).split("-")),
             code.replace("1", "I").replace("0", "O")]
    for form in forms:
        status, _, body = s.get("/api/v1/verify/" + form)
        t.check(status == 200 and json.loads(body)["code"] == code, "tolerant input " + form)
    status, _, body = s.get("/V/" + code)
    t.check(status == 200 and verdict_of_page(body.decode())[0] == "ok", "upper-case /V/ path")
    status, _, body = s.get("/v?code=" + grouped(code).lower())
    t.check(status == 200 and verdict_of_page(body.decode())[0] == "ok", "typed code form")
    status, _, body = s.get("/v")
    t.check(status == 200 and 'name="code"' in body.decode(), "empty code form: the form")
    typo = with_typo(code)
    status, _, body = s.get("/v/" + typo)
    html = body.decode()
    t.check(status == 404 and "校验位" in html, "typo: 404 with the check-symbol hint")
    t.check(json.loads(s.get("/api/v1/verify/" + typo)[2]).get("typo") is True, "typo in JSON")


def test_digital_link(t, s, codes):
    gtin, code = codes["gtin"]
    for path in ("/01/%s/21/%s" % (gtin, code), "/01/%s/21/%s" % (gtin.lstrip("0"), code.lower())):
        status, _, body = s.get(path)
        t.check(status == 200 and verdict_of_page(body.decode())[0] == "ok",
                "digital link " + path, status)
    status, _, body = s.get("/v/" + code)
    t.check(status == 200, "digital-link product code also on /v/")
    status, _, body = s.get("/01/04006381333931/21/%s" % code)  # another product's GTIN
    t.check(status == 404 and verdict_of_page(body.decode())[1] == TITLES["zh"]["UNKNOWN"],
            "digital link with a GTIN not the product's: unknown")
    status, _, body = s.get("/01/06901234567893/21/%s" % code)  # bad check digit
    t.check(status == 400 and "GS1" in body.decode(),
            "digital link with a malformed GTIN: 400, not a Digital Link (GS1 resolver)")
    status, _, _ = s.get("/01/%s/21/%s" % (gtin, codes["GENUINE"]))
    t.check(status == 404, "digital link naming a product without that GTIN: 404")


def test_repeated(t, s, codes, threshold):
    """The warning counts clients: one client's reloads, language switches and
    HEADs count once; threshold + 1 clients make it show."""
    code = codes["GENUINE_REPEATED"]
    paths = ["/api/v1/verify/%s", "/api/v1/verify/%s?lang=en", "/v/%s", "/v/%s?lang=en"]
    for i in range(1, threshold + 6):
        if i % 5 == 0:
            status, _, _ = s.request("HEAD", "/v/%s" % code)
            t.check(status == 200, "one client's HEAD %d: 200" % i, status)
            continue
        path = paths[i % len(paths)] % code
        status, _, body = s.get(path)
        if path.startswith("/api"):
            doc = json.loads(body)
            t.check(doc["verdict"] == "GENUINE" and doc["scans"] == i and doc["clients"] == 1,
                    "one client's scan %d: GENUINE, counted, one client" % i, doc)
        else:
            t.check(verdict_of_page(body.decode())[0] == "ok", "one client's page %d: ok" % i)
    for k in range(2, threshold + 2):
        status, _, body = s.get("/api/v1/verify/%s" % code, conn=s.conn(source="127.0.0.%d" % k))
        doc = json.loads(body)
        want = "GENUINE" if k <= threshold else "GENUINE_REPEATED"
        t.check(doc["verdict"] == want and doc["clients"] == k,
                "client %d of %d: %s" % (k, threshold, want), doc)
    status, _, body = s.get("/v/%s?lang=en" % code, conn=s.conn(source="127.0.0.200"))
    html = body.decode()
    t.check(status == 200 and verdict_of_page(html)[0] == "warn", "repeated: warn page")
    t.check("from more than %d different devices" % threshold in html, "repeated: the warning")
    t.check("checked %d times" % (threshold + 5 + threshold + 1) in html, "repeated: the count")


def test_reports(t, s, codes):
    code = codes["GENUINE"]
    text = "在某超市看到，包装印刷模糊 <b>x</b>"
    body = "text=%s&contact=%s" % (g_quote(text), g_quote("13800000000"))
    status, headers, reply = s.request(
        "POST", "/v/%s/report?lang=zh" % grouped(code).lower(), body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    t.check(status == 200 and "已收到您的举报" in reply.decode(), "report accepted", status)
    check_security_headers(t, "report page", headers)
    status, _, reply = s.request("POST", "/v/%s/report" % code, body="contact=x",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    t.check(status == 400, "report without text: 400", status)
    status, _, _ = s.request("POST", "/v/%s/report" % code, body="text=hi",
                             headers={"Content-Type": "text/plain"})
    t.check(status == 415, "report as text/plain: 415", status)
    return text


def g_quote(s):
    from urllib.parse import quote_plus
    return quote_plus(s)


def test_service_routes(t, s):
    status, headers, body = s.get("/healthz")
    t.check(status == 200 and body == b"ok\n", "healthz", body)
    status, headers, body = s.get("/static/gimark.css")
    t.check(status == 200 and headers.get("content-type", "").startswith("text/css")
            and b".verdict" in body, "stylesheet")
    t.check("max-age" in headers.get("cache-control", ""), "stylesheet cached")
    check_security_headers(t, "stylesheet", headers)
    status, headers, body = s.get("/")
    t.check(status == 200 and 'action="/v"' in body.decode(), "home page with the code form")
    status, headers, body = s.get("/no/such/page")
    t.check(status == 404 and 'name="code"' in body.decode(), "unknown page: 404 that helps")
    check_security_headers(t, "404 page", headers)
    status, headers, _ = s.request("DELETE", "/v/ABC")
    t.check(status == 405 and "GET" in headers.get("allow", ""), "405 with Allow", headers)
    # keep-alive: two answers on one connection, none asking to close it
    c = s.conn()
    r1 = s.request("GET", "/healthz", conn=c)
    r2 = s.request("GET", "/v/NOT-A-CODE", conn=c)
    sock_reused = c.sock is not None
    c.close()
    t.check(r1[0] == 200 and r2[0] == 404 and sock_reused, "keep-alive: one connection")
    t.check(r1[1].get("connection", "").lower() != "close", "keep-alive: no Connection: close")


def test_metrics(t, s):
    status, headers, body = s.get("/metrics")
    text = body.decode()
    t.check(status == 200 and headers.get("content-type", "").startswith("text/plain"), "metrics")
    for name in ("gimark_http_requests_total{route=\"verify_page\",status=\"200\"}",
                 "gimark_verdicts_total{verdict=\"GENUINE\"}",
                 "gimark_verdicts_total{verdict=\"AUTH_REVOKED\"}",
                 "gimark_http_request_duration_seconds_bucket{le=\"+Inf\"}",
                 "gimark_scan_queue_depth", "gimark_scans_committed_total"):
        t.check(name in text, "metrics has " + name)
    m = re.search(r'gimark_verdicts_total\{verdict="AUTH_REVOKED"\} (\d+)', text)
    t.check(m and int(m.group(1)) >= 4, "metrics count verdicts", m and m.group(1))


def test_live_changes(t, s, w):
    """A regulator's change made while the server runs shows within moments:
    a new batch's codes, its activation, a suspension and a reinstatement."""
    _, new = w.batch(1, 1, activate=False, lot="LIVE-1")
    seen = {}

    def verdict_soon(code, want, what):
        got = g.verdict_soon(s, code, want, timeout=3)
        seen[what] = got
        t.check(got == want, "live change: " + what, got)

    verdict_soon(new[0], "NOT_ACTIVATED", "new batch known")
    batch_id = int(w.sql("select batch_id from label where code='%s'" % new[0]))
    w.gimark("batch", "activate", batch_id)
    verdict_soon(new[0], "GENUINE", "activation")
    w.gimark("auth", "suspend", 1, "--reason", "spot check")
    verdict_soon(new[0], "AUTH_SUSPENDED", "suspension")
    w.gimark("auth", "reinstate", 1, "--reason", "spot check passed")
    verdict_soon(new[0], "GENUINE", "reinstatement")


def test_stored(t, w, codes, report_text):
    """After a clean stop: scans stored, keyed, without addresses."""
    n = int(w.scans_sql("select count(*) from scan"))
    t.check(n > 50, "scans stored", n)
    keys = w.scans_sql("select client_key from scan").split()
    t.check(keys and all(re.fullmatch("[0-9a-f]{16}", k) for k in keys),
            "client keys are 16 hex digits")
    t.check(w.scans_sql("select count(*) from scan where client_key like '%127.0.0.1%' "
                  "or raw like '%127.0.0.1%'") == "0", "no client address stored")
    t.check(w.scans_sql("select count(*) from scan where verdict='UNKNOWN' and code is null "
                  "and raw is not null") != "0", "unknown scans keep the raw input")
    t.check(w.scans_sql("select count(*) from scan where code='%s' and verdict='AUTH_EXPIRED'"
                  % codes["AUTH_EXPIRED"]) != "0", "verdict stored with the scan")
    t.check(w.sql("select text from report where code='%s'" % codes["GENUINE"]) == report_text,
            "report stored as sent")
    t.check(w.sql("select count(*) from secret where name='client-key'") == "1",
            "client key secret kept")


def main():
    t = g.Tally("test_verify")
    w = g.Workdir()
    try:
        codes = g.seed_verdicts(w)
        threshold = 40
        s = g.Server(w, "--repeat-threshold", threshold).start()
        try:
            test_verdicts(t, s, codes)
            test_page_content(t, s, codes)
            test_code_forms(t, s, codes)
            test_digital_link(t, s, codes)
            test_repeated(t, s, codes, threshold)
            report_text = test_reports(t, s, codes)
            test_service_routes(t, s)
            test_metrics(t, s)
            test_live_changes(t, s, w)
        finally:
            rc = s.stop()
        t.check(rc == 0, "clean exit on SIGTERM", rc)
        t.check("every scan stored" in s.stderr(), "stop message")
        test_stored(t, w, codes, report_text)
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
