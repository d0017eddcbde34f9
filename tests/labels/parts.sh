#!/bin/sh
# parts.sh - a PDF of more labels than --pdf-part-labels comes as a ZIP of PDF
# parts: every part's labels are read back with zbarimg and compared with the
# CSV's rows of that part, in order; the parts' names and contents cover the
# batch exactly once; the first and last label of each part sit where the
# layout puts them on that part's pages. A batch within the setting is one PDF.
. "$(dirname "$0")/../cli/lib.sh"
POSITIONS=${POSITIONS:-$(pwd)/build/label_positions}
BASE=https://gi.example.cn
D=$WORK

# decode_pdf PDF: every symbol on every page at 300 dpi, sorted
decode_pdf() {
    pages=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
    seq 1 "$pages" | xargs -P 2 -I{} sh -c 'pdftoppm -r 300 -gray -f "$2" -l "$2" \
        -singlefile "$1" "$0-$2" 2>/dev/null && zbarimg --nodbus -q --raw "$0-$2.pgm" \
        2>/dev/null; rm -f "$0-$2.pgm"' "$D/page" "$1" {} | sed '/^$/d' | sort
}

px() { awk "BEGIN { printf \"%.0f\", ($1) * 300 / 25.4 }"; }

# crop_decode PDF PAGE X Y W H: the symbols in a box (mm, +1 mm each side)
crop_decode() {
    pdftoppm -r 300 -aa no -aaVector no -gray -f "$2" -l "$2" -x "$(px "$3 - 1")" \
        -y "$(px "$4 - 1")" -W "$(px "$5 + 2")" -H "$(px "$6 + 2")" -singlefile "$1" \
        "$D/crop" 2>/dev/null
    zbarimg --nodbus -q --raw "$D/crop.pgm" 2>/dev/null | sed '/^$/d'
}

run demo
run batch request --auth 1 --count 100 --lot PT-1
run batch approve 1 --actor cli:reviewer
run batch issue 1
expect_status 0 "a batch of 100 issued"
run batch export 1 --format csv --out "$D/l.csv" --base-url $BASE
expect_status 0 "CSV export"
tail -n +2 "$D/l.csv" | cut -d, -f2 >"$D/order.txt" # the URLs in batch order
[ "$(wc -l <"$D/order.txt")" = 100 ] && ok || bad "the CSV lists 100 labels"
"$POSITIONS" "HTTPS://GI.EXAMPLE.CN/V/0000000000000000" 100 >"$D/pos.txt"
per=24 # 60x30 labels on A4: 3 across, 8 down

# within the setting: one PDF
run batch export 1 --format pdf --out "$D/one.pdf" --base-url $BASE --pdf-part-labels 100
expect_status 0 "100 labels with --pdf-part-labels 100"
[ "$(head -c 5 "$D/one.pdf")" = "%PDF-" ] && ok || bad "100 labels, part size 100: one PDF"

# 50 labels a part: whole sheets of 24, so parts of 48
run batch export 1 --format pdf --out "$D/parts.zip" --base-url $BASE --pdf-part-labels 50
expect_status 0 "PDF in parts"
expect_out "a ZIP of 3 PDF parts of 48 labels" "the CLI says the PDF came in parts"
unzip -tq "$D/parts.zip" >/dev/null 2>&1 && ok || bad "the parts ZIP is a valid archive"
unzip -Z1 "$D/parts.zip" >"$D/names.txt"
printf 'labels-00001-00048.pdf\nlabels-00049-00096.pdf\nlabels-00097-00100.pdf\n' >"$D/want.txt"
cmp -s "$D/names.txt" "$D/want.txt" && ok ||
    bad "part names in order: $(tr '\n' ' ' <"$D/names.txt")"
mkdir -p "$D/parts"
(cd "$D/parts" && unzip -q "$D/parts.zip")
: >"$D/all.txt"
while read -r name; do
    f=$D/parts/$name
    range=${name#labels-}
    range=${range%.pdf}
    first=$(expr "${range%-*}" + 0)
    last=$(expr "${range#*-}" + 0)
    [ "$(head -c 5 "$f")" = "%PDF-" ] && ok || bad "$name is a PDF"
    pages=$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')
    want_pages=$(((last - first + per) / per))
    [ "$pages" = "$want_pages" ] && ok || bad "$name: $pages pages, wanted $want_pages"
    pdfinfo -box "$f" | grep -q "^TrimBox:" && ok || bad "$name: finished (TrimBox)"
    # every label of the part, against the CSV's rows first..last
    sed -n "${first},${last}p" "$D/order.txt" | sort >"$D/want-part.txt"
    decode_pdf "$f" >"$D/got-part.txt"
    for url in $(comm -13 "$D/got-part.txt" "$D/want-part.txt"); do # zbar missed: at its place
        i=$(grep -n -F "$url" "$D/order.txt" | cut -d: -f1)
        set -- $(sed -n "${i}p" "$D/pos.txt")
        crop_decode "$f" $(($2 + 1 - (first - 1) / per)) "$3" "$4" "$5" "$6"
    done >>"$D/got-part.txt"
    sort -o "$D/got-part.txt" "$D/got-part.txt"
    if cmp -s "$D/got-part.txt" "$D/want-part.txt"; then ok; else
        bad "$name: decoded labels differ from CSV rows $first-$last ($(wc -l <"$D/got-part.txt") decoded; $(diff "$D/got-part.txt" "$D/want-part.txt" | head -3 | tr '\n' ' '))"
    fi
    cat "$D/got-part.txt" >>"$D/all.txt"
    # the part's first and last label where the layout puts them, on its own pages
    for i in $first $last; do
        set -- $(sed -n "${i}p" "$D/pos.txt")
        page=$(($2 + 1 - (first - 1) / per))
        got=$(crop_decode "$f" "$page" "$3" "$4" "$5" "$6")
        want=$(sed -n "${i}p" "$D/order.txt")
        [ "$got" = "$want" ] && ok || bad "$name: label $i not at ($3, $4) mm on page $page (got '$got')"
    done
done <"$D/names.txt"
sort "$D/all.txt" | uniq -d >"$D/twice.txt"
[ ! -s "$D/twice.txt" ] && ok || bad "labels in two parts: $(head -3 "$D/twice.txt" | tr '\n' ' ')"
sort "$D/order.txt" | cmp -s - "$(sort -o "$D/all.txt" "$D/all.txt"; echo "$D/all.txt")" && ok ||
    bad "the parts together hold every label of the batch"

run --json batch export 1 --format pdf --out "$D/parts2.zip" --base-url $BASE --pdf-part-labels 50
[ "$(json_get "j['pdf_parts']")" = 3 ] && ok || bad "--json names the parts"

# a part smaller than a sheet is a sheet
run batch export 1 --format pdf --out "$D/small.zip" --base-url $BASE --pdf-part-labels 5
expect_status 0 "parts smaller than a sheet"
[ "$(unzip -Z1 "$D/small.zip" | head -n 1)" = labels-00001-00024.pdf ] && ok ||
    bad "a part holds one sheet at least: $(unzip -Z1 "$D/small.zip" | head -n 1)"
refused 1 "pdf-part-labels" "a negative part size" -- batch export 1 --format pdf \
    --out "$D/neg.zip" --base-url $BASE --pdf-part-labels -1

finish
