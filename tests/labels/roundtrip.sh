#!/bin/sh
# roundtrip.sh - labels printed and read back with real decoders: every code
# issued is found in the PDF, PNG, SVG and ZIP outputs (zbarimg), none extra;
# fonts are embedded; page size and symbol positions are the configured
# millimetres; DataMatrix is read by dmtxread, Code128 by zbarimg.
#
# Han Xin has no open decoder on Debian (zbar and libdmtx do not read it):
# its output is checked for size and position only.
. "$(dirname "$0")/../cli/lib.sh"
POSITIONS=${POSITIONS:-$(pwd)/build/label_positions}
BASE=https://gi.example.cn
D=$WORK

decode() { # [ZBAR-OPTION...] FILE...: every symbol zbarimg finds, one per line, sorted
    opts=""
    while [ "${1#-}" != "$1" ]; do opts="$opts $1"; shift; done
    # one zbarimg per file, two at a time: the suite's time is mostly decoding
    printf '%s\n' "$@" | xargs -P 2 -I{} zbarimg --nodbus -q --raw $opts {} 2>/dev/null |
        sed '/^$/d' | sort
}

# decode_pdf PDF DPI [PDFTOPPM-OPTION...] [-- ZBAR-OPTION...]: every symbol on
# every page, sorted. Each page is rasterised in grey to PGM, decoded and
# removed, two pages at a time: writing PNG costs pdftoppm four times the
# rendering at 600 dpi, and a page of PGM is 35 MB.
decode_pdf() {
    pdf=$1 dpi=$2 raster="" zbar=""
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do raster="$raster $1"; shift; done
    [ $# -gt 0 ] && shift
    zbar="$*"
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
    seq 1 "$pages" | xargs -P 2 -I{} sh -c 'pdftoppm -r "$1" -gray -f "$3" -l "$3" $4 \
        -singlefile "$2" "$0-$3" 2>/dev/null && zbarimg --nodbus -q --raw $5 "$0-$3.pgm" \
        2>/dev/null; rm -f "$0-$3.pgm"' "$D/page" "$dpi" "$pdf" {} "$raster" "$zbar" |
        sed '/^$/d' | sort
}
same_set() { # WHAT FILE-A FILE-B
    if cmp -s "$2" "$3"; then ok; else
        bad "$1: decoded set differs ($(wc -l <"$2") decoded, $(wc -l <"$3") issued; diff: $(diff "$2" "$3" | head -3 | tr '\n' ' '))"
    fi
}

calc() { awk "BEGIN { print $1 }"; }
px() { awk "BEGIN { printf \"%.0f\", ($1) * 300 / 25.4 }"; }

# crop_decode PDF PAGE X Y W H: decodes the box (mm, +1 mm each side) of a page
crop_decode() {
    pdftoppm -r 300 -aa no -aaVector no -gray -f "$2" -l "$2" -x "$(px "$3 - 1")" \
        -y "$(px "$4 - 1")" -W "$(px "$5 + 2")" -H "$(px "$6 + 2")" -singlefile "$1" \
        "$D/crop" 2>/dev/null
    decode "$D/crop.pgm"
}

# crop_decode_png PNG X Y W H: the same on a 300 dpi PNG sheet
crop_decode_png() {
    pngtopnm "$1" | pnmcut "$(px "$2 - 1")" "$(px "$3 - 1")" "$(px "$4 + 2")" "$(px "$5 + 2")" \
        >"$D/crop.pnm" 2>/dev/null
    decode "$D/crop.pnm"
}

# complete SOURCE KIND DECODED: zbar misses a few of many symbols on a whole
# sheet; each missed code is looked for where its label must be. KIND: pdf
# (a page per sheet), svgfiles (SOURCE-N.pdf, sheet N's SVG read into PDF),
# png (SOURCE is the sheet-1 file, sheet N is SOURCE-N.png)
complete() {
    for url in $(comm -13 "$3" "$D/issued.txt"); do
        i=$(grep -n -F "$url" "$D/order.txt" | cut -d: -f1)
        set -- "$1" "$2" "$3" $(sed -n "${i}p" "$D/pos.txt")
        page=$(($5 + 1))
        case "$2" in
        pdf) crop_decode "$1" "$page" "$6" "$7" "$8" "$9" ;;
        svgfiles) crop_decode "$1-$page.pdf" 1 "$6" "$7" "$8" "$9" ;;
        png)
            f="$1"; [ "$page" -gt 1 ] && f="${1%.png}-$page.png"
            crop_decode_png "$f" "$6" "$7" "$8" "$9" ;;
        esac
    done >>"$3"
    sort -o "$3" "$3"
}

run demo
run batch request --auth 1 --count 100 --lot TY-7
run batch approve 1 --actor cli:reviewer
run batch issue 1
expect_status 0 "a batch of 100 issued"
sqlite3 "$GIMARK_DB" "SELECT 'HTTPS://GI.EXAMPLE.CN/V/' || code FROM label WHERE batch_id = 1" | sort >"$D/issued.txt"
[ "$(wc -l <"$D/issued.txt")" = 100 ] && ok || bad "100 codes issued"
run batch export 1 --format csv --out "$D/l.csv" --base-url $BASE
expect_status 0 "CSV export"
[ "$(head -1 "$D/l.csv" | tr -d '\r')" = "code,url,sequence,lot" ] && ok || bad "CSV header"
tail -n +2 "$D/l.csv" | cut -d, -f2 >"$D/order.txt"
sort "$D/order.txt" | cmp -s - "$D/issued.txt" && ok || bad "CSV holds every issued URL"
"$POSITIONS" "HTTPS://GI.EXAMPLE.CN/V/0000000000000000" 100 >"$D/pos.txt"

# PDF
run batch export 1 --format pdf --out "$D/l.pdf" --base-url $BASE
expect_status 0 "PDF export"
decode_pdf "$D/l.pdf" 300 >"$D/pdf.txt"
complete "$D/l.pdf" pdf "$D/pdf.txt"
same_set "PDF at 300 dpi" "$D/pdf.txt" "$D/issued.txt"
fonts=$(pdffonts "$D/l.pdf" | tail -n +3)
[ -n "$fonts" ] && ok || bad "the PDF has fonts"
if printf '%s\n' "$fonts" | awk '{ if ($(NF-4) != "yes") bad = 1 } END { exit bad }'; then ok; else
    bad "every PDF font embedded: $fonts"
fi
pdfinfo "$D/l.pdf" | grep -q "Page size: *595.276 x 841.89 pts" && ok || bad "A4 page size"
[ "$(pdfinfo "$D/l.pdf" | awk '/^Pages:/ {print $2}')" = 5 ] && ok || bad "100 labels on 5 A4 pages"
grep -aq "/ImageMask true" "$D/l.pdf" && ok || bad "QR drawn as stencil masks"
grep -aq "/Interpolate true" "$D/l.pdf" && bad "an image is interpolated" || ok

# symbol positions: crop each expected quiet-zone box (+1 mm) and decode it
for i in 0 2 24 99; do
    set -- $(sed -n "$((i + 1))p" "$D/pos.txt")
    page=$(($2 + 1))
    got=$(crop_decode "$D/l.pdf" $page "$3" "$4" "$5" "$6")
    want=$(sed -n "$((i + 1))p" "$D/order.txt")
    [ "$got" = "$want" ] && ok || bad "label $i: symbol at ($3, $4) mm on page $page (got '$got')"
    # the same box 5 mm to the right cuts into the symbol: no fluke
    got=$(crop_decode "$D/l.pdf" $page "$(calc "$3 + 5")" "$4" "$5" "$6")
    [ -z "$got" ] && ok || bad "label $i: shifted crop still decodes"
done

# symbols as vector paths
run batch export 1 --format pdf --vector --out "$D/v.pdf" --base-url $BASE
expect_status 0 "PDF with vector paths"
grep -aq "/ImageMask true" "$D/v.pdf" && bad "vector PDF has image masks" || ok
decode_pdf "$D/v.pdf" 300 -aa no -aaVector no >"$D/vec.txt"
complete "$D/v.pdf" pdf "$D/vec.txt"
same_set "PDF with vector paths" "$D/vec.txt" "$D/issued.txt"

# a custom sheet and label size
run batch export 1 --format pdf --out "$D/c.pdf" --base-url $BASE --page-size 100x150 \
    --label-size 44x35 --margin 5 --gap 2 --crop-marks
expect_status 0 "custom page size"
pdfinfo "$D/c.pdf" | grep -q "Page size: *283.465 x 425.197 pts" && ok || bad "100x150 mm page"
decode_pdf "$D/c.pdf" 300 >"$D/cust.txt"
[ -s "$D/cust.txt" ] && [ -z "$(comm -23 "$D/cust.txt" "$D/issued.txt")" ] && ok ||
    bad "custom layout decodes only issued codes"

# PNG sheets
run batch export 1 --format png --out "$D/s.png" --base-url $BASE --dpi 300
expect_status 0 "PNG export"
[ -f "$D/s.png" ] && [ -f "$D/s-5.png" ] && ok || bad "one PNG per sheet"
decode "$D"/s*.png >"$D/png.txt"
complete "$D/s.png" png "$D/png.txt"
same_set "PNG sheets" "$D/png.txt" "$D/issued.txt"

# SVG, rasterised by librsvg: a file per sheet, each one A4 page
run batch export 1 --format svg --out "$D/s.svg" --base-url $BASE
expect_status 0 "SVG export"
[ -f "$D/s.svg" ] && [ -f "$D/s-5.svg" ] && [ ! -e "$D/s-6.svg" ] && ok || bad "one SVG per sheet"
grep -q 'width="210.000mm" height="297.000mm"' "$D/s-3.svg" && ok || bad "an SVG sheet is A4"
# librsvg reads each drawing (into PDF), poppler rasterises it without
# antialiasing, as a printer does: zbar misreads some symbols whose path
# edges are smoothed into grey.
svgs=""
for k in 1 2 3 4 5; do
    f="$D/s-$k.svg"; [ "$k" = 1 ] && f="$D/s.svg"
    rsvg-convert -f pdf -o "$D/svg-$k.pdf" "$f"
    pdftoppm -r 300 -aa no -aaVector no -gray -singlefile "$D/svg-$k.pdf" "$D/svg-$k" 2>/dev/null
done
decode "$D"/svg-*.pgm >"$D/svg.txt"
complete "$D/svg" svgfiles "$D/svg.txt"
same_set "SVG" "$D/svg.txt" "$D/issued.txt"

# ZIP of per-label PNGs
run batch export 1 --format zip --out "$D/l.zip" --base-url $BASE
expect_status 0 "ZIP export"
[ "$(unzip -Z1 "$D/l.zip" | grep -c '\.png$')" = 100 ] && ok || bad "100 PNG members"
mkdir -p "$D/zip" && unzip -q "$D/l.zip" -d "$D/zip"
decode "$D"/zip/*.png >"$D/zip.txt"
same_set "ZIP members" "$D/zip.txt" "$D/issued.txt"

# PNG as written: 1-bit grey without mark artwork (the labels are black and
# white), 8-bit grey with it; the resolution in pHYs. Read back by Python's
# own reading of the chunks, not by our code.
png_head() { # FILE: "bit-depth colour-type x-ppm y-ppm unit"
    python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n"
at, ihdr, phys = 8, None, None
while at < len(d):
    n, kind = struct.unpack(">I4s", d[at:at + 8])
    body = d[at + 8:at + 8 + n]
    if kind == b"IHDR":
        ihdr = body
    if kind == b"pHYs":
        phys = struct.unpack(">IIB", body)
    at += 12 + n
print(ihdr[8], ihdr[9], *(phys or ("-", "-", "-")))
EOF
}
f=$(ls "$D"/zip/*.png | head -1)
[ "$(png_head "$f")" = "1 0 11811 11811 1" ] && ok || bad "ZIP member: 1-bit grey, 300 dpi in pHYs ($(png_head "$f"))"
[ "$(png_head "$D/s-3.png")" = "1 0 11811 11811 1" ] && ok || bad "PNG sheet: 1-bit grey, 300 dpi ($(png_head "$D/s-3.png"))"

# PNG sheets with crop marks: laid into the 1-bit sheet as the labels are
run batch export 1 --format png --out "$D/k.png" --base-url $BASE --dpi 300 --crop-marks
expect_status 0 "PNG export with crop marks"
decode "$D"/k*.png >"$D/crop.txt"
same_set "PNG sheets with crop marks" "$D/crop.txt" "$D/issued.txt"
[ "$(png_head "$D/k.png")" = "1 0 11811 11811 1" ] && ok || bad "PNG sheet with crop marks: 1-bit grey"
mark_rows() { # FILE: rows 92-108 with a black dot in columns 116-120, above the first
    # label's corner (10 mm margin: dot 118 at 300 dpi), where its left mark runs
    python3 - "$1" <<'EOF'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
at, idat = 8, b""
while at < len(d):
    n, kind = struct.unpack(">I4s", d[at:at + 8])
    if kind == b"IHDR":
        w = struct.unpack(">I", d[at + 8:at + 12])[0]
    if kind == b"IDAT":
        idat += d[at + 8:at + 8 + n]
    at += 12 + n
raw, stride = zlib.decompress(idat), 1 + (w + 7) // 8
black = lambda x, y: not raw[y * stride + 1 + x // 8] >> (7 - x % 8) & 1
print(sum(any(black(x, y) for x in range(116, 121)) for y in range(92, 109)))
EOF
}
[ "$(mark_rows "$D/k.png")" = 17 ] && ok || bad "crop mark above the first label ($(mark_rows "$D/k.png") rows of 17)"
[ "$(mark_rows "$D/s.png")" = 0 ] && ok || bad "no crop mark without --crop-marks ($(mark_rows "$D/s.png"))"
cat >"$D/mark.svg" <<'EOF'
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#c00"/></svg>
EOF
run batch export 1 --format zip --out "$D/g.zip" --base-url $BASE --dpi 600 --mark "$D/mark.svg"
expect_status 0 "ZIP export with mark artwork"
mkdir -p "$D/g" && unzip -q "$D/g.zip" -d "$D/g"
f=$(ls "$D"/g/*.png | head -1)
[ "$(png_head "$f")" = "8 0 23622 23622 1" ] && ok || bad "with a coloured mark: 8-bit grey, 600 dpi ($(png_head "$f"))"
decode "$D"/g/*.png >"$D/g.txt"
same_set "ZIP members with a mark at 600 dpi" "$D/g.txt" "$D/issued.txt"

# ZIP of per-label SVGs: one standalone drawing a label, each decoded
run batch export 1 --format zip --zip-member svg --out "$D/v.zip" --base-url $BASE
expect_status 0 "ZIP of SVG export"
[ "$(unzip -Z1 "$D/v.zip" | grep -c '^[0-9]*-.*\.svg$')" = 100 ] && ok || bad "100 SVG members"
mkdir -p "$D/v" && unzip -q "$D/v.zip" -d "$D/v"
grep -q 'width="60.000mm" height="30.000mm"' "$(ls "$D"/v/*.svg | head -1)" && ok ||
    bad "an SVG member is one 60x30 mm label"
for f in "$D"/v/*.svg; do
    rsvg-convert -d 300 -p 300 -b white -f png -o "${f%.svg}.png" "$f"
done
decode "$D"/v/*.png >"$D/v.txt"
same_set "ZIP SVG members" "$D/v.txt" "$D/issued.txt"

# DataMatrix, read by libdmtx
run batch export 1 --format zip --out "$D/dm.zip" --base-url $BASE --symbology datamatrix \
    --label-size 70x30
expect_status 0 "DataMatrix export"
mkdir -p "$D/dm" && unzip -q "$D/dm.zip" -d "$D/dm"
n=0; good=0
for f in $(ls "$D"/dm/*.png | head -10); do
    n=$((n + 1))
    code=$(basename "$f" .png | cut -d- -f2-)
    got=$(dmtxread -n -N 1 "$f" 2>/dev/null)
    want=$(grep -F "$(printf '%s' "$code" | tr -d '-')" "$D/issued.txt")
    [ -n "$got" ] && [ "$got" = "$want" ] && good=$((good + 1))
done
[ "$n" = 10 ] && [ "$good" = 10 ] && ok || bad "DataMatrix read back ($good of $n)"

# Code128 carries the code alone, on a wider label
run batch export 1 --format pdf --out "$D/c128.pdf" --base-url $BASE --symbology code128 \
    --label-size 90x40
expect_status 0 "Code128 export"
# a code is 16 symbols: zbar's linear scanner now and then reports a shorter
# run of one bar pattern, with a valid checksum, as a symbol of its own, and
# about one run in twenty a 16-symbol read that was never printed (a scan line
# through the text above the bars). A code counts as read when it is read at
# both resolutions: a printed one is, such a misread is not.
decode_pdf "$D/c128.pdf" 300 -- -Scode128.min-length=16 >"$D/c128lo.txt"
decode_pdf "$D/c128.pdf" 600 -- -Scode128.min-length=16 >"$D/c128hi.txt"
comm -12 "$D/c128lo.txt" "$D/c128hi.txt" >"$D/c128.txt"
sed 's|.*/V/||' "$D/issued.txt" | sort >"$D/codes.txt"
same_set "Code128" "$D/c128.txt" "$D/codes.txt"
refused 1 "choose a larger label" "Code128 on a label too small" -- \
    batch export 1 --format pdf --out "$D/x.pdf" --symbology code128 --label-size 50x30 \
    --base-url $BASE

# Han Xin: no decoder; it renders at the expected size
run batch export 1 --format pdf --out "$D/hx.pdf" --base-url $BASE --symbology hanxin
expect_status 0 "Han Xin export"
[ "$(pdfinfo "$D/hx.pdf" | awk '/^Pages:/ {print $2}')" = 5 ] && ok || bad "Han Xin pages"

finish
