#!/bin/sh
# hanxin.sh - Han Xin symbols as zint itself encodes them, module by module.
#
# No open decoder reads Han Xin (zbar and libdmtx do not), so each printed
# symbol is read back by sampling the centre of every module of the
# rasterised print file (label_render sample, at the position label_render
# --positions gives) and compared with the module matrix the zint command
# line writes for the same payload (`zint --dump`, hexadecimal rows). PNG
# sheets (1-bit), a ZIP member, the PDF (rasterised by poppler) and the SVG
# (by librsvg) are each compared, for codes whose symbols differ in size.
. "$(dirname "$0")/../cli/lib.sh"
RENDER=${RENDER:-$(pwd)/build/label_render}
D=$WORK

# six payloads: the usual URL form, and longer ones for larger versions
cat >"$D/items.txt" <<'EOF'
HX01-AAAA-BBBB-CCCC	https://gi.example.cn/v/HX01AAAABBBBCCCC
K7M3-9QX2-HD4T-PW8R	https://gi.example.cn/v/K7M39QX2HD4TPW8R
0RST-8RQ8-BV48-ZZ01	https://gi.example.cn/01/06901234567892/21/0RST8RQ8BV48ZZ01
Q2W3-E4R5-T6Y7-U8I9	https://gi.example.cn/v/Q2W3E4R5T6Y7U8I9?l=TY-2024-07
AB12-CD34-EF56-GH78	https://gi.example.cn/v/AB12CD34EF56GH78
ZZZZ-9999-0000-AAAA	https://gi.example.cn/01/06901234567892/10/LOT-2024-0717/21/ZZZZ99990000AAAA
EOF
n=$(wc -l <"$D/items.txt")
opts="-s hanxin --dpi 300 --label 70x40"
"$RENDER" $opts --positions <"$D/items.txt" >"$D/pos.txt" && ok || bad "positions"
[ "$(wc -l <"$D/pos.txt")" = "$n" ] && ok || bad "a position for every item"

# compare RASTER-OF-PAGE-N WHAT [DX DY]: every symbol on its page's raster
# ("RASTER-OF-PAGE-N" with N replaced by the page) matches zint's matrix
compare() {
    tmpl=$1 what=$2 dx=${3:-0} dy=${4:-0}
    i=0
    while read -r url page x y w h mod; do
        i=$((i + 1))
        [ "$what" = member ] && [ "$i" -gt 1 ] && break
        cols=$(awk "BEGIN { printf \"%d\", $w / $mod + 0.5 }")
        img=$(printf '%s' "$tmpl" | sed "s/PAGE-N/$page/")
        zint -b HANXIN --binary --dump -d "$url" >"$D/zint-$i.txt" 2>/dev/null ||
            { bad "$what: zint cannot encode $url"; continue; }
        [ "$(wc -l <"$D/zint-$i.txt")" = "$cols" ] ||
            { bad "$what $i: zint's symbol is $(wc -l <"$D/zint-$i.txt") modules, ours $cols"; continue; }
        "$RENDER" sample "$img" 300 "$(calc "$x - $dx")" "$(calc "$y - $dy")" "$mod" "$cols" "$cols" \
            >"$D/ours-$i.txt"
        if cmp -s "$D/ours-$i.txt" "$D/zint-$i.txt"; then ok; else
            bad "$what $i ($cols x $cols): modules differ from zint's: $(diff "$D/ours-$i.txt" "$D/zint-$i.txt" | head -4 | tr '\n' ' ')"
        fi
    done <"$D/pos.txt"
}
calc() { awk "BEGIN { print $1 }"; }

# the symbols differ in size, so the comparison sees more than one version
[ "$(awk '{print $5}' "$D/pos.txt" | sort -u | wc -l)" -gt 1 ] && ok || bad "several symbol sizes"

# PNG sheet (one sheet: 1-bit)
"$RENDER" $opts -f png -o "$D/s.png" <"$D/items.txt" && ok || bad "PNG export"
compare "$D/s.png" "PNG sheet"

# ZIP member of the first label: its corner is the page's margin (10, 10)
"$RENDER" $opts -f zip -o "$D/m.zip" <"$D/items.txt" && ok || bad "ZIP export"
mkdir -p "$D/m" && unzip -q -o "$D/m.zip" -d "$D/m"
compare "$(ls "$D"/m/1-*.png)" member 10 10

# PDF, rasterised by poppler at 300 dpi without antialiasing
"$RENDER" $opts -f pdf -o "$D/s.pdf" <"$D/items.txt" && ok || bad "PDF export"
pdftoppm -r 300 -aa no -aaVector no -png -singlefile "$D/s.pdf" "$D/pdf-1" 2>/dev/null
compare "$D/pdf-PAGE-N.png" PDF

# SVG, rasterised by librsvg at 300 dpi on white
"$RENDER" $opts -f svg -o "$D/s.svg" <"$D/items.txt" && ok || bad "SVG export"
rsvg-convert -d 300 -p 300 -b white -f png -o "$D/svg-1.png" "$D/s.svg"
compare "$D/svg-PAGE-N.png" SVG

finish
