"""test_words.py - the consumer page in the shopper's language and saying who
speaks, against the real server: Vietnamese and Thai by ?lang= and by
Accept-Language, the four-language menu, product names falling back to English,
the office's settings shown escaped, the genuine sentence, warnings that lead
with what is wrong and since when, the product photo's upload on the desk (its
limits, hostile files, who may) and its cached URL, every refusal of the
report form in Vietnamese and Thai, and no stray English word on a Chinese
page: the consumer pages of every verdict, and every desk page of the route
tables (those in NOT_YET_ZH aside).
"""

import html as htmlmod
import os
import re
import struct
import subprocess
import sys
import urllib.parse
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402
from test_pages import Browser, PASSWORD  # noqa: E402

OFFICE = "百色市市场监督管理局 <script>alert(1)</script>"
HOTLINE = "0776-12345 \"x\""
WEBSITE = "https://scjgj.example.cn/?a=1&b=\"<x>"


def png(w, h, rgb=(200, 100, 50)):
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def multipart(fields, files):
    boundary = "----gimarkboundary7MA4YWxkTrZu0gW"
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (boundary, k, v)).encode()
    for k, (name, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, k, name)).encode()
        out += data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary


def upload(b, product, data, token=None, path=None):
    """Posts a photo as browser b; returns (status, headers, body)."""
    if token is None:
        _, _, page, _ = b.get("/admin/products/%d/shown?lang=zh" % product)
        token = b.csrf(page) or ""
    body, ctype = multipart({"csrf": token}, {"photo": ("p.png", data)})
    headers = {"Content-Type": ctype}
    if b.cookies:
        headers["Cookie"] = "; ".join("%s=%s" % kv for kv in b.cookies.items())
    return b.s.request("POST", path or "/admin/products/%d/photo?lang=zh" % product, body=body,
                       headers=headers)


def post_head(s, path, length, headers, conn=None):
    """A POST's head alone, declaring a body of length bytes, as a client that
    waits for the go-ahead sends it: a body over the server's limit is
    refused from the head (413) before any of it is sent. Sending the body
    as well races: the server answers and closes without reading it, and a
    body that does not fit in the sockets' buffers then meets a closed
    connection (a broken pipe or a reset that can take the answer with it).
    Returns (status, headers lower-cased, body bytes)."""
    c = conn or s.conn()
    try:
        c.putrequest("POST", path)
        for k, v in headers.items():
            c.putheader(k, v)
        c.putheader("Content-Length", str(length))
        c.endheaders()
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        if conn is None:
            c.close()


def page(s, path, headers=None, source=None):
    c = s.conn(source=source) if source else None
    status, h, body = s.request("GET", path, headers=headers or {}, conn=c)
    if c:
        c.close()
    return status, h, body.decode("utf-8")


def visible_text(doc, zh_only=False):
    """The words a reader sees: tags, attributes and comments removed; with
    zh_only, text marked as another language (lang="en", "vi", "th": the
    language menu) left out too."""
    doc = re.sub(r"<(script|style)\b.*?</\1>", " ", doc, flags=re.S)
    if zh_only:
        doc = re.sub(r'<(\w+)\b[^>]*\blang="(?!zh)[^"]*"[^>]*>.*?</\1>', " ", doc, flags=re.S)
    doc = re.sub(r"<!--.*?-->", " ", doc, flags=re.S)
    doc = re.sub(r"<[^>]*>", " ", doc)
    return htmlmod.unescape(doc)


# a label's serial, with or without its hyphens: 16 of the code's 32 characters
SERIAL = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-?[0-9A-HJKMNP-TV-Z]{4}){3}$")


def stray_ascii_words(doc, allowed):
    """Words of ASCII letters on a page that are none of: a code (letters with
    digits), a unit, or a word of the data (allowed)."""
    units = {"kg", "g", "t", "MB", "KB", "px", "km", "mu", "PNG"}  # and a file format's code
    out = []
    for token in re.findall(r"[A-Za-z0-9][A-Za-z0-9./:_-]*", visible_text(doc, zh_only=True)):
        if not re.search(r"[A-Za-z]", token) or re.search(r"\d", token):
            continue  # numbers, and codes: serials, USCCs, lots, standards
        if SERIAL.match(token):
            continue  # a serial that happens to hold no digit (about 1 in 400)
        for word in re.findall(r"[A-Za-z]+", token):
            if word not in units and word not in allowed:
                out.append(word)
    return out


def data_words(w):
    """Every ASCII word the register's own records hold: names from the data."""
    rows = w.sql("select name_zh || ' ' || name_en || ' ' || name_vi || ' ' || name_th || ' ' || "
                 "reg_number || ' ' || standard || ' ' || unnumbered_reason || ' ' || unnumbered_by "
                 "from product union all select name || ' ' || uscc from operator "
                 "union all select approval_doc from authorisation "
                 "union all select lot_number || ' ' || production_base || ' ' || "
                 "inspection_cert || ' ' || void_reason from batch "
                 "union all select reason from label_void union all select username from account "
                 "union all select reason from auth_event "
                 "union all select replace(replace(replace(actor, 'cli:', ''), 'user:', ''), 'web:', '') "
                 "from audit_log")
    return set(re.findall(r"[A-Za-z]+", rows))


def verdict_section(doc):
    m = re.search(r'<section class="verdict[^"]*"[^>]*>(.*?)</section>', doc, re.S)
    return visible_text(m.group(1)) if m else ""


def product_of(w, code):
    """(id, name_zh, name_en, region name parts) of the product of a label."""
    row = w.sql("select p.id || '|' || p.name_zh || '|' || p.name_en from label l "
                "join batch b on b.id = l.batch_id join authorisation a on a.id = b.auth_id "
                "join product p on p.id = a.product_id where l.code = '%s'" % code)
    pid, zh, en = row.split("|")
    return int(pid), zh, en


def test_languages(t, s, w, codes):
    code = codes["GENUINE"]
    pid, zh, en = product_of(w, code)
    for lang, title in (("vi", "Nhãn chính hãng"), ("th", "ฉลากของแท้")):
        status, _, doc = page(s, "/v/%s?lang=%s" % (code, lang))
        t.check(status == 200 and '<html lang="%s">' % lang in doc and title in doc,
                "?lang=%s: the page in %s" % (lang, lang))
        t.check(all('hreflang="%s"' % other in doc for other in ("zh-CN", "en", "vi", "th")
                    if other != lang) and 'aria-current="true" lang="%s"' % lang in doc,
                "?lang=%s: the menu offers zh, en, vi and th" % lang)
        # no name recorded in vi/th: English, with the Chinese beside it
        t.check(('class="product">%s<' % en) in doc and zh in doc,
                "?lang=%s: the product's name falls back to English" % lang)
        region = w.sql("select region_code from product where id = %d" % pid)
        t.check("Baise" in doc and "(%s)" % region not in doc,
                "?lang=%s: the region by name, not by code" % lang)
    for accept, want in (("th-TH,th;q=0.9,en;q=0.5", "th"), ("vi;q=0.5, en;q=0.8", "en"),
                         ("vi-VN", "vi"), ("fr-FR, de;q=0.9", "zh-CN"), ("", "zh-CN"),
                         ("th;q=0, vi;q=0.1", "vi")):
        status, _, doc = page(s, "/v/%s" % code, headers={"Accept-Language": accept})
        t.check('<html lang="%s">' % want in doc, "Accept-Language %r: %s" % (accept, want),
                doc[:120])
    status, _, doc = page(s, "/v/%s?lang=vi" % code, headers={"Accept-Language": "th"})
    t.check('<html lang="vi">' in doc, "?lang= wins over Accept-Language")
    status, _, doc = page(s, "/?lang=th")
    t.check(status == 200 and '<html lang="th">' in doc and "ตรวจสอบรหัส" in doc, "home in Thai")
    # the desks stay zh or en: a Thai reader gets English there
    status, _, doc = page(s, "/login", headers={"Accept-Language": "th"})
    t.check('<html lang="en">' in doc, "the sign-in page in English for a Thai reader")

    w.gimark("product", "names", pid, "--name-vi", "Xoài Bách Sắc", "--name-th", "มะม่วงไป่เซ่อ")
    vi, th = g.soon(lambda: (page(s, "/v/%s?lang=vi" % code)[2], page(s, "/v/%s?lang=th" % code)[2]),
                    lambda p: "Xoài Bách Sắc" in p[0] and "มะม่วงไป่เซ่อ" in p[1])
    t.check('class="product">Xoài Bách Sắc<' in vi and 'class="product">มะม่วงไป่เซ่อ<' in th,
            "recorded Vietnamese and Thai names are shown")
    t.check("Đây là Xoài Bách Sắc do " in vi, "the Vietnamese sentence names product and producer")
    # each worker reads through a snapshot that may be up to 50 ms old: polled
    body = g.soon(lambda: s.get("/api/v1/verify/%s" % code)[2], lambda b: b'"name_vi":"Xo' in b)
    t.check(b'"name_vi":"Xo' in body, "the verdict's JSON carries the Vietnamese name")


def test_who_speaks(t, s, w, codes):
    status, _, doc = page(s, "/v/%s?lang=zh" % codes["GENUINE"])
    t.check("&lt;script&gt;alert(1)&lt;/script&gt;" in doc and "<script>" not in doc,
            "the office's name is shown, escaped")
    t.check('href="tel:077612345"' in doc and "0776-12345 &quot;x&quot;" in doc,
            "the hotline: a tel: link of its digits, the text escaped")
    t.check('href="https://scjgj.example.cn/?a=1&amp;b=&quot;&lt;x&gt;"' in doc,
            "the website's link, escaped")
    t.check('src="/static/emblem.svg"' in doc, "the emblem is shown")
    operator = w.sql("select o.name from operator o join authorisation a on a.operator_id = o.id "
                     "where a.id = 1")
    _, zh, _ = product_of(w, codes["GENUINE"])
    t.check("这是%s生产的%s，地理标志专用标志有效。" % (operator, zh) in doc,
            "one sentence names producer and product", operator)
    status, h, svg = s.get("/static/emblem.svg")
    t.check(status == 200 and h.get("content-type") == "image/svg+xml" and b"<svg" in svg and
            "max-age" in h.get("cache-control", ""), "the emblem: our SVG, cached")
    # warnings lead with what is wrong and since when
    for verdict, lead in (("VOID", r"此标志已于\d{4}年\d{1,2}月\d{1,2}日作废"),
                          ("AUTH_SUSPENDED", r"资格自\d{4}年\d{1,2}月\d{1,2}日起暂停"),
                          ("AUTH_REVOKED", r"资格已于\d{4}年\d{1,2}月\d{1,2}日撤销"),
                          ("AUTH_EXPIRED", r"核准已于\d{4}年\d{1,2}月\d{1,2}日到期")):
        _, _, doc = page(s, "/v/%s?lang=zh" % codes[verdict])
        text = verdict_section(doc)
        m = re.search(lead, text)
        t.check(m is not None and "正品标志，但" not in text and "有效。" not in text and
                text.index(m.group(0)) < text.index("此编码"),
                "%s: the verdict says what is wrong and since when" % verdict, text[:200])
    # a repeat: the page names the devices and since when (threshold 1, two other clients)
    code = codes["GENUINE_REPEATED"]

    def scanned_by_three():
        for src in ("127.0.0.2", "127.0.0.3"):
            page(s, "/v/%s" % code, source=src)
        return page(s, "/v/%s?lang=zh" % code)[2]
    doc = g.soon(scanned_by_three, lambda d: "查询次数异常" in d, timeout=10)
    text = verdict_section(doc)
    t.check(text.strip().startswith("! 查询次数异常") or "查询次数异常" in text.split("。")[0],
            "a repeat's heading leads with the warning", text[:120])
    t.check(re.search(r"自\d{4}年\d{1,2}月\d{1,2}日首次查询以来，已有 \d+ 台不同的设备", text)
            is not None and "正品标志，但" not in doc, "a repeat says how many devices since when")


def test_photo(t, s, w, codes):
    pid = product_of(w, codes["GENUINE"])[0]
    reg, coop, aud, city = Browser(s), Browser(s), Browser(s), Browser(s)
    for b, name in ((reg, "reg"), (coop, "coop"), (aud, "aud"), (city, "city")):
        b.sign_in(name)
    before = w.fingerprint()
    for what, data in (("a GIF", b"GIF89a" + b"\0" * 64), ("a text file", b"hello " * 40),
                       ("a JPEG", b"\xff\xd8\xff\xe0" + b"\0" * 200),
                       ("a PNG of 100000 x 100000 pixels",
                        png(1, 1)[:16] + struct.pack(">II", 100000, 100000) + png(1, 1)[24:]),
                       ("a truncated PNG", png(300, 200)[:60]),
                       ("a PNG with a broken CRC", png(20, 20)[:-5] + b"xxxxx"),
                       ("an empty file", b"")):
        status, _, body = upload(reg, 1, data)
        t.check(status == 400, "%s is refused (400)" % what, status)
    status, _, _ = upload(reg, 1, png(64, 64), token="x" * 43)
    t.check(status == 403, "an upload without the form's token is refused")
    status, _, _ = upload(coop, 1, png(64, 64))
    t.check(status in (303, 403), "an operator account cannot upload (sent to its desk)", status)
    status, _, _ = upload(aud, 1, png(64, 64))
    t.check(status == 403, "an auditor cannot upload", status)
    # 六堡茶 (450400, Wuzhou) is outside the city regulator's scope 4510
    liubao = int(w.sql("select id from product where region_code = '450400' limit 1"))
    status, _, _ = upload(city, liubao, png(64, 64),
                          token=city.csrf(city.get("/admin/products/1/shown")[2]) or "")
    t.check(status in (403, 404), "a city regulator cannot upload outside its region", status)
    # bodies over the limit: declared in the head, refused before they are sent
    _, ctype = multipart({}, {})
    status, _, _ = post_head(s, "/admin/products/1/photo?lang=zh", 300 * 1024, {
        "Content-Type": ctype, "Cookie": "; ".join("%s=%s" % kv for kv in reg.cookies.items())})
    t.check(status == 413, "a body over --max-photo-bytes is refused (413)", status)
    # without a regulator's session the upload's URL takes no more than any body
    status, _, _ = post_head(s, "/admin/products/1/photo?lang=zh", 40000, {"Content-Type": ctype})
    t.check(status == 413, "an anonymous upload over --max-body-bytes is refused (413)", status)
    t.check(w.fingerprint() == before, "no refused upload changed anything")

    big = png(1200, 800)
    status, h, _ = upload(reg, 1, big)
    t.check(status == 303 and "/admin/products/1/shown" in h.get("location", ""),
            "the regulator uploads a photo", status)
    at = int(w.sql("select photo_at from product where id = 1"))
    url = "/photo/1-%d.png" % at
    status, h, data = g.soon(lambda: s.get(url), lambda r: r[0] == 200)
    t.check(status == 200 and h.get("content-type") == "image/png" and
            "immutable" in h.get("cache-control", "") and data[:8] == b"\x89PNG\r\n\x1a\n",
            "the photo is served as a PNG, cached", h)
    width, height = struct.unpack(">II", data[16:24])
    t.check(data != big and max(width, height) == 480 and (width, height) == (480, 320),
            "the photo was re-encoded and scaled to 480 pixels", (width, height))
    audit = w.sql("select action from audit_log where action = 'product.photo'")
    t.check(audit.strip() == "product.photo", "the upload is audited")
    status, _, _ = upload(reg, pid, png(200, 100))
    at_p = int(w.sql("select photo_at from product where id = %d" % pid))
    doc = g.soon(lambda: page(s, "/v/%s?lang=zh" % codes["GENUINE"])[2],
                 lambda d: 'src="/photo/%d-%d.png"' % (pid, at_p) in d)
    t.check(status == 303 and ('src="/photo/%d-%d.png"' % (pid, at_p)) in doc,
            "the consumer page shows the photo by its URL")
    status, _, _ = upload(reg, 1, png(30, 30, (0, 0, 255)))
    at2 = int(w.sql("select photo_at from product where id = 1"))
    new = g.soon(lambda: (s.get(url)[0], s.get("/photo/1-%d.png" % at2)[0]),
                 lambda r: r == (404, 200))
    t.check(status == 303 and at2 != at and new == (404, 200),
            "a new photo is a new URL; the old one goes", new)
    for bad in ("/photo/abc.png", "/photo/1-0.png", "/photo/99-1.png", "/photo/1-%d.gif" % at2,
                "/photo/-1-%d.png" % at2, "/photo/1-%d.png.png" % at2):
        t.check(s.get(bad)[0] == 404, "%s: 404" % bad)
    t.check(s.request("POST", "/photo/1-%d.png" % at2)[0] == 405, "the photo takes GET only")
    # the desk's page, and the names form
    _, _, doc, _ = reg.get("/admin/products/1/shown?lang=zh")
    t.check('enctype="multipart/form-data"' in doc and 'name="name_vi"' in doc,
            "the desk's page offers the photo upload and the names")
    status, _, refused, _ = reg.post("/admin/products/1/names?lang=zh",
                                     {"name_vi": "Xoài <b>kept</b>", "name_th": "\u202emango",
                                      "csrf": reg.csrf(doc)})
    t.check(status == 400, "a bidi control in a name is refused", status)
    t.check('id="w-name_th-error"' in refused and "Xoài &lt;b&gt;kept&lt;/b&gt;" in refused,
            "the refused names come back as typed, the error beside the Thai name")
    status, _, _, _ = reg.post("/admin/products/1/names?lang=zh",
                               {"name_vi": "Xoài " * 40, "name_th": "", "csrf": reg.csrf(doc)})
    t.check(status == 400, "an overlong name is refused", status)
    status, _, _, _ = aud.post("/admin/products/1/names?lang=zh",
                               {"name_vi": "x", "name_th": "", "csrf": aud.csrf(doc) or ""})
    t.check(status == 403, "an auditor cannot change the names", status)


def test_zh_words(t, s, w, codes):
    # the data: the register's records, and the settings naming the office
    allowed = data_words(w) | set(re.findall(r"[A-Za-z]+", WEBSITE + OFFICE + HOTLINE))
    paths = ["/?lang=zh", "/v/?lang=zh", "/nowhere?lang=zh", "/v/%s?lang=zh" % "K7M39QX2HD4TPW8Z"]
    paths += ["/v/%s?lang=zh" % c for k, c in codes.items() if k != "gtin"]
    paths.append("/01/%s/21/%s?lang=zh" % codes["gtin"])
    for path in paths:
        _, _, doc = page(s, path)
        stray = stray_ascii_words(doc, allowed)
        t.check(not stray, "%s: no English word on the Chinese page" % path, stray[:10])
    reg = Browser(s)
    reg.sign_in("reg")
    _, _, doc, _ = reg.get("/admin/products/1/shown?lang=zh")
    stray = stray_ascii_words(doc, allowed)
    t.check(not stray, "the product's consumer page on the desk: no English word", stray[:10])
    # the check itself catches what it is for
    t.check(stray_ascii_words("<p>正品 GENUINE_REPEATED</p>", allowed) == ["GENUINE", "REPEATED"],
            "the check finds an internal name on a page")


# Every refusal a shopper can meet on the report form (POST /v/CODE/report): (what, the
# code, the body, its content type, how many posts from one client: the last one counts,
# the field the refusal stands beside when the form comes back: "" for none, None when the
# body was not read as a form or the client was held back: a page saying why).
# The English page says each in English; the vi and th pages say it in their language.
REFUSALS = (
    ("an empty report", None, b"text=&contact=", None, 1, "text"),
    ("an overlong report", None, b"text=" + b"a" * 2001 + b"&contact=0771", None, 1, "text"),
    ("an overlong contact", None, b"text=fake&contact=" + b"1" * 101, None, 1, "contact"),
    ("a report not in UTF-8", None, b"text=%FF%FEfake&contact=0771", None, 1, "text"),
    ("a control character in the contact", None, b"text=fake&contact=a%0Ab", None, 1, "contact"),
    ("a text-direction control", None, b"text=%E2%80%AEfake&contact=0771", None, 1, "text"),
    ("an overlong code", "A" * 50, b"text=fake&contact=0771", None, 1, ""),
    ("a NUL in the report", None, b"text=a%00b&contact=", None, 1, None),
    ("a body of another type", None, b"text=fake", "text/plain", 1, None),
    ("a body over --max-body-bytes", None, b"text=" + b"a" * 40000, None, 1, None),
    ("too many reports", None, b"text=&contact=", None, 4, None),
)
# English words of the refusals (titles, rule sentences, what gi/ says): none may show on a
# Vietnamese or Thai refusal
ENGLISH = {"the", "is", "not", "was", "sent", "required", "too", "long", "contains", "contain",
           "report", "reports", "request", "character", "characters", "control", "valid",
           "try", "again", "later", "text", "field", "invisible", "direction", "type", "code",
           "contact", "bad", "large", "unsupported", "content", "many", "please", "input",
           "byte", "most", "without", "utf"}


def refusal_of(doc):
    """The refusal's (title, message) of a consumer page."""
    m = re.search(r'<section class="verdict[^"]*"[^>]*><h1>(.*?)</h1><p>(.*?)</p>', doc, re.S)
    return (htmlmod.unescape(m.group(1)), htmlmod.unescape(m.group(2))) if m else ("", "")


def test_report_refusals(t, s, w, codes):
    before = w.sql("select count(*) from report")
    source = iter(range(20, 250))
    for what, code, body, ctype, times, field in REFUSALS:
        path = "/v/%s/report" % (code or codes["GENUINE"])
        pages = {}
        for lang in ("en", "vi", "th"):
            c = s.conn(source="127.0.0.%d" % next(source))  # a client of its own
            try:
                for _ in range(times):
                    headers = {"Content-Type": ctype or "application/x-www-form-urlencoded"}
                    if len(body) > 32768:  # over --max-body-bytes: refused from the head
                        status, _, doc = post_head(s, "%s?lang=%s" % (path, lang), len(body),
                                                   headers, conn=c)
                    else:
                        status, _, doc = s.request("POST", "%s?lang=%s" % (path, lang),
                                                   body=body, headers=headers, conn=c)
            finally:
                c.close()
            pages[lang] = (status, doc.decode("utf-8"))
        status, en = pages["en"]
        en_title, en_text = refusal_of(en)
        t.check(status in (400, 413, 415, 429) and en_title and en_text,
                "%s: refused, saying why in English" % what, (status, en_title, en_text))
        for lang in ("vi", "th"):
            got, doc = pages[lang]
            title, text = refusal_of(doc)
            words = {x.lower() for x in re.findall(r"[A-Za-z]+", title + " " + text)}
            t.check(got == status and '<html lang="%s">' % lang in doc and title and text,
                    "%s in %s: refused, with a title and a sentence" % (what, lang), (got, title))
            t.check(en_text not in doc and en_title not in doc and not words & ENGLISH,
                    "%s in %s: no English refusal on the page" % (what, lang),
                    (title, text, sorted(words & ENGLISH)))
            if lang == "th":
                t.check(not words, "%s in th: the refusal in Thai script" % what, (title, text))
            if field is None:
                continue
            # the form again: what was typed kept, the reason beside its field, the way back
            typed = dict(urllib.parse.parse_qsl(body.decode("latin-1")))
            # (bytes that are no UTF-8 shown as '?')
            shown = htmlmod.escape(typed.get("text", "").replace("\ufffd", "?"), quote=False)
            kept = (">\n%s</textarea>" % shown) in doc and \
                ('value="%s"' % htmlmod.escape(typed["contact"]) in doc
                 if typed.get("contact") else True)
            t.check(kept and 'form method="post" action="%s?lang=%s"' % (path, lang) in doc,
                    "%s in %s: the form comes back with what was typed" % (what, lang))
            beside = re.search(r'class="field-error" id="%s-error">([^<]*)</p><(?:textarea|input) '
                               r'id="%s"[^>]*aria-invalid="true"' % (field, field), doc) \
                if field else None
            t.check(beside.group(1) == text if field else "field-error" not in doc,
                    "%s in %s: the reason beside the %s" % (what, lang, field or "form (none)"))
            t.check('href="/v/%s?lang=%s"' % (codes["GENUINE"], lang) in doc
                    if not code else 'href="/?lang=%s"' % lang in doc,
                    "%s in %s: the way back to the code's page" % (what, lang))
    t.check(w.sql("select count(*) from report") == before, "no refused report was stored")


# Desk pages not yet wholly in Chinese: none. The audit log's actions, keys and stored words,
# the supervision desk's rules and draw plans, the annual report's titles are all in words.
NOT_YET_ZH = ()
# the credit classes' names are codes the office sets (--grade-classes, A:0,B:3,C:6,D:12)
GRADE_CLASSES = {"A", "B", "C", "D"}
# names of file formats and of the GS1 number, and certification codes, read as such in
# Chinese
# codes a page names: formats, GS1 and national standards (GB 32100, GB/T 2260)
FORMAT_CODES = {"CSV", "PDF", "PNG", "SVG", "ZIP", "GTIN", "GAP", "SC", "GB", "T"}


def desk_routes():
    found = set()
    web = os.path.join(g.ROOT, "web")
    for name in sorted(n for n in os.listdir(web) if re.fullmatch(r"portal\w*\.c", n)):
        with open(os.path.join(web, name), encoding="utf-8") as f:
            found |= set(re.findall(r'\{"GET", "(/[^"]*)", PORTAL_(\w+)', f.read()))
    return sorted(found)


def test_zh_desks(t, s, w):
    allowed = data_words(w) | FORMAT_CODES | GRADE_CLASSES
    users = {"OPERATOR": Browser(s), "DESK": Browser(s)}
    users["OPERATOR"].sign_in("coop")
    users["DESK"].sign_in("reg")
    checked = 0
    for path, who in desk_routes():
        if path.startswith(NOT_YET_ZH) or path == "/logout":
            continue
        b = users["DESK" if who == "ANYONE" else who]
        url = path.replace("{id}", "1")
        status, _, doc, _ = b.get(url + "?lang=zh")
        if status != 200:
            continue  # a record 1 that is not there, or a download: the page matrix's
        checked += 1
        stray = stray_ascii_words(doc, allowed)
        t.check(not stray, "%s: no English word on the Chinese desk page" % url,
                sorted(set(stray))[:12])
    t.check(checked >= 15, "the Chinese desk pages were walked", checked)


def test_bad_settings(t):
    w = g.Workdir()
    try:
        w.gimark("init")
        for opt, value in (("--office-website", "javascript:alert(1)"),
                           ("--office-name", "\u202eevil"), ("--office-hotline", "1" * 100)):
            p = subprocess.run([g.GIMARK, "serve", "--listen", "127.0.0.1:0", opt, value],
                               env=dict(os.environ, GIMARK_DB=w.db), capture_output=True,
                               text=True, timeout=20)
            t.check(p.returncode != 0 and opt in p.stderr, "serve refuses %s %r" % (opt, value),
                    p.stderr.strip())
    finally:
        w.cleanup()


CODES = {}


def main():
    t = g.Tally("test_words")
    w = g.Workdir()
    try:
        codes = g.seed_verdicts(w)
        CODES.update(codes)
        for name, role, extra in (("coop", "operator", ["--operator", "93451003MA815908XM"]),
                                  ("reg", "regulator", ["--scope", "45"]),
                                  ("city", "regulator", ["--scope", "4510"]),
                                  ("aud", "auditor", ["--scope", "45"])):
            w.gimark("user", "add", name, "--role", role, *extra, stdin=PASSWORD + "\n")
        with g.Server(w, "--office-name", OFFICE, "--office-hotline", HOTLINE,
                      "--office-website", WEBSITE, "--repeat-threshold", 1,
                      "--max-photo-bytes", 256 * 1024) as s:
            test_languages(t, s, w, codes)
            test_who_speaks(t, s, w, codes)
            test_photo(t, s, w, codes)
            test_zh_words(t, s, w, codes)
            test_report_refusals(t, s, w, codes)
            test_zh_desks(t, s, w)
    finally:
        w.cleanup()
    test_bad_settings(t)
    t.finish()


if __name__ == "__main__":
    main()
