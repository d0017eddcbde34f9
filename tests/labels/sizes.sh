#!/bin/sh
# sizes.sh - every label size the cooperative's download form offers, in
# every symbology and every format (PDF, PNG sheet, SVG, ZIP of PNGs, ZIP of
# SVGs), read back label by label: each symbol decoded at its position
# (zbarimg for QR and Code 128, dmtxread for DataMatrix; Han Xin has no open
# decoder and is checked by the round trip's size test) against the CSV, and
# every required text field found whole inside its label, clear of the
# symbol (textcheck.py on the words poppler reads with their boxes). A size
# that cannot hold a symbology is refused before anything is written, with
# a message naming the smallest label that would.
#
# Three labels a file keep it fast: the layout is the same for every label
# of a batch, and the round trip (roundtrip.sh) reads whole batches.
. "$(dirname "$0")/../cli/lib.sh"
POSITIONS=${POSITIONS:-$(pwd)/build/label_positions}
TEXTCHECK=$(cd "$(dirname "$0")" && pwd)/textcheck.py
BASE=https://gi.example.cn
D=$WORK
SIZES="60x30 50x30 70x35 100x50 40x40" # web/portal_operator_desk.c print_form()
REG="国家质检总局公告2007年第102号"

run demo
run batch request --auth 1 --count 3 --lot TY-7
run batch approve 1 --actor cli:reviewer
run batch issue 1
expect_status 0 "a batch of 3 issued"
sqlite3 "$GIMARK_DB" "UPDATE product SET reg_number = '$REG' WHERE id = 2"
cat >"$D/mark.svg" <<'EOF'
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4" fill="none" stroke="black"/></svg>
EOF
run batch export 1 --format csv --out "$D/l.csv" --base-url $BASE
tail -n +2 "$D/l.csv" | tr -d '\r' >"$D/rows.txt"
name=$(sqlite3 "$GIMARK_DB" "SELECT name_zh FROM product WHERE id = 2")
holder="FROM operator o JOIN authorisation a ON a.operator_id = o.id JOIN batch b ON b.auth_id = a.id WHERE b.id = 1"
opname=$(sqlite3 "$GIMARK_DB" "SELECT o.name $holder")
uscc=$(sqlite3 "$GIMARK_DB" "SELECT o.uscc $holder")
[ -n "$opname" ] && [ -n "$uscc" ] && [ -n "$name" ] && ok || bad "the batch's text read"

# png_form FILE: "WIDTHxHEIGHT depth colour-type pixels-per-metre" of a PNG
png_form() {
    python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read()
w, h, depth, colour = struct.unpack(">IIBB", d[16:26])
i, ppm = 8, 0
while i < len(d):
    n, = struct.unpack(">I", d[i:i + 4])
    if d[i + 4:i + 8] == b"pHYs" and d[i + 16] == 1:
        ppm, = struct.unpack(">I", d[i + 8:i + 12])
    i += 12 + n
print("%dx%d %d %d %d" % (w, h, depth, colour, ppm))' "$1"
}

mm2px() { awk "BEGIN { printf \"%.0f\", ($1) * ${RES:-300} / 25.4 }"; }

# Each decoding job is a line "CROP-FILE DECODER WANT"; they run two at a time
# at the end.
: >"$D/jobs.txt"
refusals=0
job() { echo "$1 $2 $3" >>"$D/jobs.txt"; }

# want SYM I: what label I's symbol carries
want() {
    row=$(sed -n "$(($2 + 1))p" "$D/rows.txt")
    case $1 in
    code128) printf '%s' "$row" | cut -d, -f1 | tr -d '-' ;;
    *) printf '%s' "$row" | cut -d, -f2 ;;
    esac
}

# crops SYM W H SOURCE KIND TAG: the symbol box (+1 mm) of the 3 labels on
# sheet 1, cut from a PDF page (rasterised at $RES dpi, default 300) or a 300 dpi
# PNG sheet, queued for decoding
crops() {
    sym=$1 w=$2 h=$3 src=$4 kind=$5 tag=$6
    for i in 0 1 2; do
        # DataMatrix and Code 128 widths vary with the code: each its own
        set -- $("$POSITIONS" "$(want "$sym" "$i")" 3 210 297 "$w" "$h" "$sym" | sed -n "$((i + 1))p")
        page=$2 x=$3 y=$4 bw=$5 bh=$6
        if [ "$sym" = code128 ]; then # the band runs the label's width
            lx=$(awk "BEGIN { print 10 + ($i % int(193 / ($w + 3))) * ($w + 3) }")
            x=$lx bw=$w
        fi
        out="$D/crop-$tag-$i"
        X=$(mm2px "$x - 1") Y=$(mm2px "$y - 1") W=$(mm2px "$bw + 2") H=$(mm2px "$bh + 2")
        case $kind in
        pdf) pdftoppm -r "${RES:-300}" -aa no -aaVector no -gray -f 1 -l 1 -x "$X" -y "$Y" -W "$W" -H "$H" \
            -singlefile "$src" "$out" 2>/dev/null && job "$out.pgm" "$sym" "$(want "$sym" "$i")" ;;
        png) pngtopnm "$src" | pnmcut "$X" "$Y" "$W" "$H" >"$out.pnm" 2>/dev/null &&
            job "$out.pnm" "$sym" "$(want "$sym" "$i")" ;;
        esac
    done
}

for sym in qr datamatrix code128; do
    for size in $SIZES; do
        w=${size%x*} h=${size#*x} t=$sym-$size
        run batch export 1 --format pdf --out "$D/$t.pdf" --base-url $BASE --symbology "$sym" \
            --label-size "$size" --mark "$D/mark.svg"
        if [ "$sym" = code128 ] && [ "$w" -lt 60 ]; then
            # 231 modules of whole 300 dpi dots at least 0.25 mm: 58.7 mm
            expect_status 1 "Code 128 on $size refused"
            expect_err "choose a larger label" "Code 128 on $size: the refusal says what to do"
            [ ! -s "$D/$t.pdf" ] && ok || bad "Code 128 on $size: nothing written"
            continue
        fi
        if [ "$status" = 1 ]; then
            # the text does not fit: refused before anything is written, naming
            # the size that holds it; that size is then read back instead
            case $err in
            *"with characters 1.8 mm high: the smallest label that holds"*) ok ;;
            *) bad "$t: refused without naming the smallest label that fits" ;;
            esac
            [ ! -s "$D/$t.pdf" ] && ok || bad "$t: nothing written when refused"
            size=$(printf '%s' "$err" | sed -n 's/.*--label-size \([0-9x.]*\)).*/\1/p')
            w=${size%x*} h=${size#*x}
            refusals=$((refusals + 1))
            run batch export 1 --format pdf --out "$D/$t.pdf" --base-url $BASE --symbology "$sym" \
                --label-size "$size" --mark "$D/mark.svg"
        fi
        expect_status 0 "$t PDF"
        crops "$sym" "$w" "$h" "$D/$t.pdf" pdf "$t-pdf"
        pdftotext -f 1 -l 1 -bbox "$D/$t.pdf" "$D/$t.html"
        if msg=$(python3 "$TEXTCHECK" "$D/$t.html" "$w" "$h" 3 "$name" "$REG" "$opname" \
            "统一社会信用代码$uscc" "$D/rows.txt" "$("$POSITIONS" "$(want "$sym" 0)" 1 210 297 "$w" "$h" "$sym" | cut -d' ' -f3-)" "$sym"); then
            ok
        else bad "$t PDF: text cut or misplaced: $msg"; fi
        run batch export 1 --format png --out "$D/$t.png" --base-url $BASE --symbology "$sym" \
            --label-size "$size" --mark "$D/mark.svg" --dpi 300
        expect_status 0 "$t PNG"
        # 8-bit grey with its resolution: A4 at 300 dpi, 11811 pixels a metre
        [ "$(png_form "$D/$t.png")" = "2480x3508 8 0 11811" ] && ok ||
            bad "$t PNG: 8-bit grey A4 at 300 dpi with pHYs ($(png_form "$D/$t.png"))"
        crops "$sym" "$w" "$h" "$D/$t.png" png "$t-png"
        run batch export 1 --format svg --out "$D/$t.svg" --base-url $BASE --symbology "$sym" \
            --label-size "$size" --mark "$D/mark.svg"
        expect_status 0 "$t SVG"
        rsvg-convert -f pdf -o "$D/$t-svg.pdf" "$D/$t.svg"
        # an SVG has no printer's dot grid of its own (whoever prints it rasterises it
        # at the printer's resolution): read at 600 dpi, where a bar 3 dots wide at 300
        # dpi stays whole wherever the rasteriser puts its edges
        RES=600
        crops "$sym" "$w" "$h" "$D/$t-svg.pdf" pdf "$t-svg"
        RES=300
        for member in png svg; do
            run batch export 1 --format zip --zip-member $member --out "$D/$t-$member.zip" \
                --base-url $BASE --symbology "$sym" --label-size "$size" --mark "$D/mark.svg"
            expect_status 0 "$t ZIP of $member"
            mkdir -p "$D/$t-$member" && unzip -q -o "$D/$t-$member.zip" -d "$D/$t-$member"
            for i in 0 1 2; do
                f=$(ls "$D/$t-$member/$((i + 1))-"*".$member")
                if [ "$member" = png ] && [ "$i" = 0 ]; then
                    [ "$(png_form "$f" | cut -d' ' -f2-)" = "8 0 11811" ] && ok ||
                        bad "$t ZIP member: 8-bit grey at 300 dpi ($(png_form "$f"))"
                fi
                if [ "$member" = svg ]; then
                    rsvg-convert -d 600 -p 600 -b white -f png -o "$f.png" "$f" && f=$f.png # as the sheet above
                fi
                job "$f" "$sym" "$(want "$sym" "$i")"
            done
        done
    done
done

# the approval document number (approval-no) on every offered size: drawn whole inside
# its label, clear of the symbol, or refused naming the smallest size, which then holds it
approval="核准文号 桂知发〔2026〕12号"
sqlite3 "$GIMARK_DB" "UPDATE authorisation SET approval_doc = '桂知发〔2026〕12号' WHERE id = 1"
for size in $SIZES; do
    w=${size%x*} h=${size#*x} t=approval-$size
    run batch export 1 --format pdf --out "$D/$t.pdf" --base-url $BASE --label-size "$size" \
        --mark "$D/mark.svg" --approval-no
    if [ "$status" = 1 ]; then
        case $err in
        *"the smallest label that holds"*) ok ;;
        *) bad "$t: refused without naming the smallest label that fits: $err" ;;
        esac
        size=$(printf '%s' "$err" | sed -n 's/.*--label-size \([0-9x.]*\)).*/\1/p')
        w=${size%x*} h=${size#*x}
        run batch export 1 --format pdf --out "$D/$t.pdf" --base-url $BASE --label-size "$size" \
            --mark "$D/mark.svg" --approval-no
    fi
    expect_status 0 "$t PDF"
    pdftotext -f 1 -l 1 -bbox "$D/$t.pdf" "$D/$t.html"
    if msg=$(python3 "$TEXTCHECK" "$D/$t.html" "$w" "$h" 3 "$name" "$REG" "$opname" \
        "统一社会信用代码$uscc" "$D/rows.txt" "$("$POSITIONS" "$(want qr 0)" 1 210 297 "$w" "$h" qr | cut -d' ' -f3-)" qr "$approval"); then
        ok
    else bad "$t PDF: approval number or text cut or misplaced: $msg"; fi
done

# decode every queued crop, two at a time; one line "OK|BAD FILE ..." each
xargs -P 2 -L 1 sh -c '
    case $1 in
    datamatrix) got=$(dmtxread -n -N 1 -m 3000 "$0" 2>/dev/null) ;;
    code128) got=$(zbarimg --nodbus -q --raw -Sdisable -Scode128.enable -Scode128.min-length=16 "$0" 2>/dev/null) ;;
    *) got=$(zbarimg --nodbus -q --raw -Sdisable -Sqrcode.enable "$0" 2>/dev/null) ;;
    esac
    [ "$got" = "$2" ] && echo "OK $0" || echo "BAD $0 got [$got] want $2"' <"$D/jobs.txt" >"$D/decoded.txt"
total=$(wc -l <"$D/jobs.txt")
good=$(grep -c '^OK' "$D/decoded.txt")
# 3 labels x 5 files x 13 combinations (Code 128 needs 60 mm)
[ "$total" = 195 ] && ok || bad "every format x symbology x size queued ($total crops)"
if [ "$good" = "$total" ]; then ok; else
    bad "labels decoded at their positions: $good of $total; $(grep '^BAD' "$D/decoded.txt" | head -5 | tr '\n' ' ')"
fi

# the rule bites where the demo's text cannot fit (the 50x30 and 40x40
# QR labels, for one), not everywhere
[ "$refusals" -ge 1 ] && [ "$refusals" -le 8 ] && ok || bad "$refusals sizes refused for their text"

finish
