#!/bin/sh
# print.sh - `gimark batch export` refuses a print file that would point
# nowhere or print wrong, with the message a user sees and nothing written
# or audited (exit 2 refused, 1 invalid): no base URL, a loopback or private one (every format, CSV
# too); a mark file that is missing, unreadable or neither SVG nor PNG; a
# label too small for the required text (naming the smallest that holds
# it). The base URL's path keeps its case; --help says why.
. "$(dirname "$0")/lib.sh"
unset GIMARK_BASE_URL

run demo
run batch request --auth 1 --count 3 --lot TY-7
run batch approve 1 --actor cli:reviewer
run batch issue 1
expect_status 0 "a batch of 3 issued"

for fmt in csv pdf svg png zip; do
    refused 2 "--base-url" "$fmt without a base URL" -- \
        batch export 1 --format $fmt --out "$WORK/x.$fmt"
    expect_err "base-url setting" "$fmt without a base URL: names the setting"
    [ ! -e "$WORK/x.$fmt" ] && ok || bad "$fmt without a base URL: no file"
done
for base in http://127.0.0.1:8080 https://localhost/gi http://10.0.0.7 https://192.168.0.2 \
    https://labels.local https://gimark; do
    refused 2 "no consumer's phone reaches" "base URL $base" -- \
        batch export 1 --format csv --out "$WORK/x.csv" --base-url $base
    expect_err "--base-url" "base URL $base: names the option"
    [ ! -e "$WORK/x.csv" ] && ok || bad "base URL $base: no file"
done
GIMARK_BASE_URL=http://127.0.0.1 run batch export 1 --format csv --out "$WORK/x.csv"
expect_status 2 "a loopback base URL from the environment"

run batch export 1 --format csv --out "$WORK/l.csv" --base-url https://Gi.Example.cn/Labels
expect_status 0 "a public base URL with a path"
[ "$(sed -n 2p "$WORK/l.csv" | cut -d, -f2 | cut -c1-31)" = "HTTPS://GI.EXAMPLE.CN/Labels/V/" ] &&
    ok || bad "the path keeps its case, host upper case: $(sed -n 2p "$WORK/l.csv")"
run batch export --help
expect_out "alphanumeric mode" "the help says why the URL is in upper case"

printf 'GIF89a not a mark' >"$WORK/mark.gif"
refused 1 "neither SVG nor PNG" "a GIF as the mark" -- \
    batch export 1 --format pdf --out "$WORK/m.pdf" --base-url https://gi.example.cn \
    --mark "$WORK/mark.gif"
refused 1 "cannot be read" "a missing mark file" -- \
    batch export 1 --format pdf --out "$WORK/m.pdf" --base-url https://gi.example.cn \
    --mark "$WORK/none.svg"
printf '\211PNG\r\n\032\nbroken' >"$WORK/broken.png"
refused 1 "is a PNG that cannot be read" "a broken PNG as the mark" -- \
    batch export 1 --format zip --out "$WORK/m.zip" --base-url https://gi.example.cn \
    --mark "$WORK/broken.png"
[ ! -e "$WORK/m.pdf" ] && [ ! -e "$WORK/m.zip" ] && ok || bad "no file for a bad mark"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>' >"$WORK/mark.svg"
run batch export 1 --format pdf --out "$WORK/m.pdf" --base-url https://gi.example.cn \
    --mark "$WORK/mark.svg"
expect_status 0 "an SVG mark"

refused 1 "the smallest label that holds" "a label too small for the text" -- \
    batch export 1 --format pdf --out "$WORK/s.pdf" --base-url https://gi.example.cn \
    --label-size 40x30
expect_err "with characters 1.8 mm high" "... names the character height"
size=$(printf '%s' "$err" | sed -n 's/.*--label-size \([0-9x.]*\)).*/\1/p')
run batch export 1 --format pdf --out "$WORK/s.pdf" --base-url https://gi.example.cn \
    --label-size "$size"
expect_status 0 "the size the refusal names ($size) holds the text"
refused 1 "min-text" "a character height below 0.5 mm" -- \
    batch export 1 --format pdf --out "$WORK/t.pdf" --base-url https://gi.example.cn \
    --min-text 0.2

finish
