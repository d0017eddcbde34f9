#!/bin/sh
# preflight.sh - every PDF gimark writes, read as a print house's preflight
# reads it: the label sheet in every size and symbology the cooperative's
# download form offers, a one-label-a-page sheet with bleed, crop marks and
# a die-cut line, and the annual supervision report. For each:
#   - pdfinfo -box: TrimBox and BleedBox on every page (the keys written,
#     not poppler's defaults), the trim box the sheet and the bleed box
#     (= media box) the sheet grown by the bleed;
#   - pdffonts: every font embedded;
#   - the page content, uncompressed by qpdf --qdf: black only as DeviceGray
#     (g/G) or CMYK (k/K), never "0 0 0 rg|RG"; label sheets set no RGB
#     colour at all, and each page does set black.
#   - PDF/X-4 (ISO 15930-7), clause by clause as labels/pdf.c writes it:
#     there is no free PDF/X validator (none in Debian; veraPDF checks
#     PDF/A only), so each clause is read here from the qpdf --qdf text:
#     version >= 1.6; the trailer's /ID; Info's Title, CreationDate,
#     ModDate, Trapped (True or False) and GTS_PDFXVersion (PDF/X-4); the
#     catalog's XMP, left uncompressed, whose GTS_PDFXVersion, title,
#     dates, Trapped, Producer and DocumentID (the ID) agree with them; one
#     GTS_PDFX output intent with an OutputConditionIdentifier and an
#     embedded ICC output profile ('prtr') whose colour space (bytes 16-19
#     of its header) is CMYK, /N 4; and no DeviceRGB left: no /DeviceRGB
#     name in any object (images, shadings, groups, resources), no "rg|RG"
#     operator and no inline image in RGB in any content stream, colours
#     other than grey being tagged ICCBased sRGB.
# The die-cut line is the Separation CutContour on its own (a stroke per
# label, overprinting, rendered in its magenta alternate, never black), and
# the symbols still decode (zbarimg) after the finishing pass moved them by
# the bleed. Sizes a symbology cannot take are refused (tests/labels/sizes.sh
# checks how); here they are counted and skipped.
. "$(dirname "$0")/../cli/lib.sh"
BASE=https://gi.example.cn
D=$WORK
SIZES="60x30 50x30 70x35 100x50 40x40" # web/portal.c print_form()
SYMS="qr datamatrix hanxin code128"

run demo
run batch request --auth 1 --count 3 --lot TY-7
run batch approve 1 --actor cli:reviewer
run batch issue 1
expect_status 0 "a batch of 3 issued"
run batch export 1 --format csv --out "$D/l.csv" --base-url $BASE
tail -n +2 "$D/l.csv" | tr -d '\r' | cut -d, -f2 | sort >"$D/urls.txt"
[ "$(wc -l <"$D/urls.txt")" = 3 ] && ok || bad "the batch's URLs read"

# boxes PDF W_MM H_MM BLEED_MM: every page's TrimBox is the W x H mm sheet
# BLEED_MM inside the media box, and its BleedBox the media box
boxes() {
    pdfinfo -box -f 1 -l 9999 "$1" 2>/dev/null | awk -v w="$2" -v h="$3" -v b="$4" '
        function near(a, e) { return a - e < 0.02 && e - a < 0.02 }
        $1 == "Pages:" { pages = $2 }
        $3 == "MediaBox:" { mw[$2] = $6; mh[$2] = $7 }
        $3 == "TrimBox:" { t[$2] = near($4, b * 72 / 25.4) && near($5, b * 72 / 25.4) &&
                              near($6 - $4, w * 72 / 25.4) && near($7 - $5, h * 72 / 25.4) }
        $3 == "BleedBox:" { bl[$2] = near($4, 0) && near($5, 0) && near($6, mw[$2]) && near($7, mh[$2]) &&
                               near($6, (w + 2 * b) * 72 / 25.4) && near($7, (h + 2 * b) * 72 / 25.4) }
        END {
            if (pages < 1) { print "no pages"; exit 1 }
            for (p = 1; p <= pages; p++)
                if (!t[p] || !bl[p]) { printf "page %d: trim %d bleed %d\n", p, t[p], bl[p]; exit 1 }
        }'
}

# fonts PDF: every font pdffonts lists is embedded (and there is one)
fonts() {
    pdffonts "$1" 2>/dev/null | awk 'NR > 2 { n++; if ($(NF - 4) != "yes") { print "not embedded: " $1; bad = 1 } }
        END { if (!n) { print "no fonts"; exit 1 } exit bad }'
}

# colours PDF MODE TAG: queued; check_colours reads every queued PDF in one
# python (its start-up is most of a check): the colour operators of every
# content stream, and the PDF/X-4 objects. MODE labels: no sRGB colour at
# all, and black set (0 g) on every page; report: a chart's colours in sRGB.
: >"$D/colours.txt"
colours() {
    if qpdf --qdf --object-streams=disable "$1" "$1.qdf" 2>/dev/null || [ $? = 3 ]; then
        printf '%s\t%s\t%s\n' "$1.qdf" "$2" "$3" >>"$D/colours.txt"
    else
        bad "$3: qpdf cannot read $1"
    fi
}
check_colours() {
    python3 - "$D/colours.txt" <<'EOF'
import codecs, re, sys
num = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
op = re.compile(rb"(?<![\w.])(" + num + rb")\s+(" + num + rb")\s+(" + num + rb")\s+(rg|RG)(?![\w])")
srgb_op = re.compile(rb"/GiSRGB\s+(?:cs|CS)\s+" + num + rb"\s+" + num + rb"\s+" + num + rb"\s+(?:sc|SC)\b")
black = re.compile(rb"(?<![\w.])0(?:\.0*)?\s+(?:g|0\s+0\s+0\s+1\s+k)(?![\w])")
objre = re.compile(rb"^(\d+) 0 obj\n(.*?)\nendobj", re.M | re.S)

def pdf_string(b):
    # a PDF string object's text: (literal) or <hex>, UTF-16BE with a BOM
    b = b.strip()
    if b.startswith(b"<"):
        raw = bytes.fromhex(b[1:-1].decode())
    else:
        raw = re.sub(rb"\\([()\\])", rb"\1", b[1:-1])
    return raw[2:].decode("utf-16-be") if raw[:2] == codecs.BOM_UTF16_BE else raw.decode("latin-1")

def pdfx(path, d, objs):
    # the PDF/X-4 clauses labels/pdf.c writes; the first one broken, or None
    orig = open(path[:-len(".qdf")], "rb").read()
    m = re.match(rb"%PDF-(\d)\.(\d)", orig)
    if not m or (int(m[1]), int(m[2])) < (1, 6):
        return "version %r, not 1.6 or later" % orig[:8]
    tr = d[d.rindex(b"trailer"):]
    ids = re.search(rb"/ID\s*\[\s*<([0-9a-fA-F]{32})>\s*<([0-9a-fA-F]{32})>", tr)
    if not ids:
        return "no trailer /ID"
    info = objs.get(re.search(rb"/Info (\d+) 0 R", tr)[1], b"")
    def key(k):
        m = re.search(rb"/" + k + rb"\s*(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]*>|/\w+)", info)
        return m and m[1]
    for k in (b"Title", b"CreationDate", b"ModDate", b"GTS_PDFXVersion"):
        if not key(k) or key(k)[:1] == b"/" or not pdf_string(key(k)):
            return "Info lacks %s" % k.decode()
    if pdf_string(key(b"GTS_PDFXVersion")) != "PDF/X-4":
        return "Info GTS_PDFXVersion %r" % key(b"GTS_PDFXVersion")
    if key(b"Trapped") not in (b"/True", b"/False"):
        return "Info Trapped %r" % key(b"Trapped")
    cat = next((v for v in objs.values() if re.search(rb"/Type\s*/Catalog\b", v)), b"")
    mid = re.search(rb"/Metadata (\d+) 0 R", cat)
    xmp = objs.get(mid[1], b"") if mid else b""
    if b"/Subtype /XML" not in xmp or b"x:xmpmeta" not in orig:
        return "no XMP metadata stream, uncompressed, in the catalog"
    x = xmp.decode("utf-8")
    def tag(t):
        m = re.search(r"<" + t + r">(.*?)</" + t + r">", x, re.S)
        return m and m[1]
    cd = pdf_string(key(b"CreationDate"))
    cm = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\+(\d\d)'(\d\d)'$", cd)
    want = cm and "%s-%s-%sT%s:%s:%s+%s:%s" % cm.groups()
    title = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", x, re.S)
    title = title and title[1].replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    checks = [
        ("pdfxid:GTS_PDFXVersion", tag("pdfxid:GTS_PDFXVersion"), "PDF/X-4"),
        ("xmp:CreateDate", tag("xmp:CreateDate"), want),
        ("xmp:ModifyDate", tag("xmp:ModifyDate"), want if key(b"ModDate") == key(b"CreationDate") else None),
        ("pdf:Trapped", tag("pdf:Trapped"), key(b"Trapped")[1:].decode()),
        ("pdf:Producer", tag("pdf:Producer"), key(b"Producer") and pdf_string(key(b"Producer"))),
        ("dc:title", title, pdf_string(key(b"Title"))),
        ("xmpMM:DocumentID", (tag("xmpMM:DocumentID") or "").replace("-", "").lower(),
         "uuid:" + ids[1].decode().lower()),
        ("xmpMM:RenditionClass", tag("xmpMM:RenditionClass"), "default"),
    ]
    for name, got, exp in checks:
        if not want or got != exp:
            return "XMP %s %r, Info says %r" % (name, got, exp)
    if not tag("xmpMM:VersionID"):
        return "XMP lacks xmpMM:VersionID"
    oi = re.search(rb"/OutputIntents\s*\[([^\]]*)\]", cat)
    intents = [objs.get(i, b"") for i in re.findall(rb"(\d+) 0 R", oi[1])] if oi else []
    x4 = [i for i in intents if re.search(rb"/S\s*/GTS_PDFX\b", i)]
    if len(x4) != 1:
        return "%d GTS_PDFX output intents" % len(x4)
    if not re.search(rb"/OutputConditionIdentifier\s*\(FOGRA39\)", x4[0]):
        return "output intent without OutputConditionIdentifier FOGRA39"
    pid = re.search(rb"/DestOutputProfile (\d+) 0 R", x4[0])
    prof = objs.get(pid[1], b"") if pid else b""
    data = prof.split(b"\nstream\n", 1)[1] if b"\nstream\n" in prof else b""
    if not re.search(rb"/N 4\b", prof) or data[36:40] != b"acsp":
        return "no embedded ICC profile with /N 4"
    if data[16:20] != b"CMYK" or data[12:16] != b"prtr":
        return "the output profile is %r %r, not a CMYK output profile" % (data[12:16], data[16:20])
    # no DeviceRGB in any object (dictionaries, decoded content streams),
    # the ICC profiles' own bytes aside
    for n_, v in objs.items():
        head, _, data = v.partition(b"\nstream\n")
        if b"/DeviceRGB" in (head if data[36:40] == b"acsp" else v):
            return "DeviceRGB in object %s" % n_.decode()
    if re.search(rb"\bBI\b[^\n]*?/(?:CS|ColorSpace)\s*/(?:RGB|DeviceRGB)\b", d):
        return "an inline image in RGB"
    return None

for line in open(sys.argv[1]):
    path, mode, tag = line.rstrip("\n").split("\t")
    d = open(path, "rb").read()
    objs = {m[1]: m[2] for m in objre.finditer(d)}
    rgb = [tuple(float(x) for x in m[:3]) + (m[3].decode(),) for m in op.findall(d)]
    srgb = srgb_op.findall(d)
    grey = [c for c in rgb if c[0] == c[1] == c[2]]
    pages = [p.split(b"endstream")[0] for p in re.split(rb"%% Contents for page \d+\n", d)[1:]]
    x4 = pdfx(path, d, objs)
    black_pages = sum(1 for p in pages if black.search(p))
    # pdfinfo -box shows a missing TrimBox or BleedBox as the media box:
    # the keys themselves, one each a page
    trim, bleed = len(re.findall(rb"/TrimBox\s*\[", d)), len(re.findall(rb"/BleedBox\s*\[", d))
    if trim != len(pages) or bleed != len(pages):
        print("BAD %s: %d TrimBox and %d BleedBox for %d pages" % (tag, trim, bleed, len(pages)))
    elif grey:
        print("BAD %s: grey or black as RGB: %r" % (tag, grey[:3]))
    elif rgb:
        print("BAD %s: DeviceRGB colour (rg|RG) left: %r" % (tag, rgb[:3]))
    elif mode == "labels" and srgb:
        print("BAD %s: a colour on a label sheet: %r" % (tag, srgb[:3]))
    elif mode == "report" and not srgb:
        print("BAD %s: the chart's colours are not in sRGB" % tag)
    elif not pages or black_pages != len(pages):
        print("BAD %s: black (0 g) set on %d of %d pages" % (tag, black_pages, len(pages)))
    elif x4:
        print("BAD %s: PDF/X-4: %s" % (tag, x4))
    else:
        print("OK %s: %d pages, %d sRGB colours, PDF/X-4 objects" % (tag, len(pages), len(srgb)))
EOF
}

# preflight PDF W H BLEED MODE TAG: boxes and fonts now, colours queued
preflight() {
    if msg=$(boxes "$1" "$2" "$3" "$4"); then ok; else bad "$6: page boxes: $msg"; fi
    if msg=$(fonts "$1"); then ok; else bad "$6: fonts: $msg"; fi
    colours "$1" "$5" "$6"
}

# the label PDFs, two exports at a time (each is mostly the program's start)
for sym in $SYMS; do for size in $SIZES; do echo "$sym $size"; done; done |
    GIMARK=$GIMARK D=$D BASE=$BASE xargs -P 2 -L 1 sh -c '
        "$GIMARK" batch export 1 --format pdf --out "$D/$0-$1.pdf" --base-url "$BASE" \
            --symbology "$0" --label-size "$1" >/dev/null 2>"$D/$0-$1.err"
        echo $? >"$D/$0-$1.status"'
checked=0
refused=0
for sym in $SYMS; do
    for size in $SIZES; do
        t=$sym-$size
        status=$(cat "$D/$t.status") err=$(cat "$D/$t.err")
        if [ "$status" = 1 ]; then
            refused=$((refused + 1))
            continue
        fi
        expect_status 0 "$t PDF"
        preflight "$D/$t.pdf" 210 297 0 labels "$t"
        checked=$((checked + 1))
    done
done
# the refusals are sizes too small for a symbology or the demo's text
# (tests/labels/sizes.sh), never most of them
[ "$checked" -ge 12 ] && [ $((checked + refused)) = 20 ] && ok ||
    bad "label PDFs preflighted: $checked of 20 ($refused refused)"

# a sheet of one label a page, with 3 mm bleed, crop marks and the die-cut line
run batch export 1 --format pdf --out "$D/cut.pdf" --base-url $BASE --page-size 70x40 \
    --label-size 60x30 --margin 5 --bleed 3 --crop-marks --cut-contour
expect_status 0 "the die-cut sheet written"
preflight "$D/cut.pdf" 70 40 3 labels "die-cut sheet"
[ "$(pdfinfo "$D/cut.pdf" | awk '$1 == "Pages:" { print $2 }')" = 3 ] && ok || bad "a page per label"
# CutContour: a Separation, used by one stroke a label, set to overprint
python3 - "$D/cut.pdf.qdf" <<'EOF' && ok || bad "the CutContour separation"
import re, sys
d = open(sys.argv[1], "rb").read()
spaces = re.findall(rb"/(\w+)\s*\[\s*/Separation\s*/CutContour\s*/DeviceCMYK", d)
# the spot colour, then the label's 60 x 30 mm rectangle stroked
uses = re.findall(rb"/(\w+)\s+CS\s+1\s+SCN\s+(?:q\s+[-\d.\s]+cm\s+)?"
                  rb"[-\d.]+\s+[-\d.]+\s+170\.0\d*\s+85\.0\d*\s+re\s+S\b", d)
op = re.search(rb"/OP\s+true", d)
ok = spaces and len(uses) == 3 and all(u in spaces for u in uses) and op
if not ok:
    print("separations %r, strokes %d, overprint %s" % (spaces, len(uses), bool(op)))
sys.exit(0 if ok else 1)
EOF
# rendered, the cut line is its magenta alternate at the label's edge, not
# black: on the RGB page the 60 mm top edge of the label (5 mm + 3 mm bleed
# from the corner) shows magenta pixels, and the sheet without the line none
run batch export 1 --format pdf --out "$D/nocut.pdf" --base-url $BASE --page-size 70x40 \
    --label-size 60x30 --margin 5 --bleed 3
for f in cut nocut; do pdftoppm -r 300 -f 1 -l 1 -singlefile "$D/$f.pdf" "$D/$f-page"; done
m=$(python3 -c '
import sys
for f in sys.argv[1:]:
    d = open(f, "rb").read()
    parts = d.split(maxsplit=4)
    w, px = int(parts[1]), parts[4]
    y, n = round(8 * 300 / 25.4), 0
    for yy in range(y - 3, y + 4):
        row = px[yy * w * 3:(yy + 1) * w * 3]
        n += sum(1 for i in range(0, len(row), 3) if row[i] > 180 and row[i + 1] < 80 and row[i + 2] > 100)
    print(n)' "$D/cut-page.ppm" "$D/nocut-page.ppm" | tr '\n' ' ')
set -- $m
[ "${1:-0}" -gt 500 ] && ok || bad "the cut line drawn in its own colour across the label ($1 pixels)"
[ "${2:-1}" = 0 ] && ok || bad "no cut line without --cut-contour ($2 pixels)"
# every symbol still decodes after the pass, on the page the bleed grew
got=$(for p in 1 2 3; do
    pdftoppm -r 300 -gray -f $p -l $p -singlefile "$D/cut.pdf" "$D/cut-$p" 2>/dev/null &&
        zbarimg --nodbus -q --raw "$D/cut-$p.pgm" 2>/dev/null
done | sed '/^$/d' | sort)
[ "$got" = "$(cat "$D/urls.txt")" ] && ok || bad "the 3 QR codes decode after the pass: [$got]"

# a colour PNG mark: cairo writes the image in DeviceRGB, the pass tags it
# with the ICCBased sRGB space (checked with the rest in check_colours)
python3 - "$D/mark.png" <<'EOF'
import struct, sys, zlib
w = h = 48
rows = b"".join(b"\0" + b"".join(bytes((x * 5, 120, y * 5)) for x in range(w)) for y in range(h))
chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
EOF
run batch export 1 --format pdf --out "$D/mark.pdf" --base-url $BASE --mark "$D/mark.png"
expect_status 0 "a sheet with a colour PNG mark"
preflight "$D/mark.pdf" 210 297 0 labels "PNG mark"
python3 - "$D/mark.pdf.qdf" <<'EOF' && ok || bad "the mark's image in ICCBased sRGB"
import re, sys
d = open(sys.argv[1], "rb").read()
objs = {m[1]: m[2] for m in re.finditer(rb"^(\d+) 0 obj\n(.*?)\nendobj", d, re.M | re.S)}
spaces = [objs.get(m, b"") for m in re.findall(rb"/ColorSpace (\d+) 0 R", d)]
icc = [objs.get(m[1], b"") for s in spaces for m in [re.search(rb"/ICCBased\s+(\d+) 0 R", s)] if m]
ok = any(re.search(rb"/N 3\b", p) and p.partition(b"\nstream\n")[2][16:20] == b"RGB " for p in icc)
sys.exit(0 if ok else 1)
EOF

# bleed and the cut line are PDF choices: other formats refuse them
run batch export 1 --format png --out "$D/x.png" --base-url $BASE --cut-contour
expect_status 1 "a PNG with a cut line refused"
expect_err "bleed and cut-contour are choices of the PDF only" "the refusal names the choices"
[ ! -e "$D/x.png" ] && ok || bad "nothing written when refused"
run batch export 1 --format pdf --out "$D/x.pdf" --base-url $BASE --bleed 11
expect_status 1 "a bleed over 10 mm refused"
expect_err "bleed '11' is not a number from 0 to 10 mm" "the refusal names the limit"

# the annual supervision report: black text as DeviceGray, boxes, fonts
run supervision report --year 2026 --format pdf --out "$D/annual.pdf"
expect_status 0 "the annual report PDF"
preflight "$D/annual.pdf" 210 297 0 report "annual report"
# its PDF/X title is the report's own (Info; the XMP's is checked to agree)
pdfinfo "$D/annual.pdf" | grep -q '^Title: *2026 年度地理标志专用标志使用监管报告$' && ok ||
    bad "the annual report's title: $(pdfinfo "$D/annual.pdf" | grep '^Title')"

check_colours >"$D/colours-result.txt"
[ -n "${PREFLIGHT_VERBOSE:-}" ] && cat "$D/colours-result.txt"
n=$(grep -c '^OK' "$D/colours-result.txt")
[ "$n" = "$(wc -l <"$D/colours.txt")" ] && [ "$n" -ge 15 ] && ok ||
    bad "colour operators: $n of $(wc -l <"$D/colours.txt") PDFs clean; $(grep '^BAD' "$D/colours-result.txt" | head -3 | tr '\n' ' ')"

finish
