#!/bin/sh
# formats.sh - time a label of each print format (a 10,000-label export by
# build/label_render, every core), beside the qrencode and zint command-line
# tools run in the same session on the same codes at the same resolution
# (pixels a module as our 300 dpi labels), as a print house would run them:
# qrencode once per code, zint once for all (--batch). Our labels carry the
# whole label (text, mark frame, code), the tools' files the symbol alone.
#
#   BENCH_LABELS   labels of our exports (default 10000)
#   BENCH_TOOL     codes given to each tool (default 1000; its time a code is
#                  what is compared)
set -eu
cd "$(dirname "$0")/../.."
R=build/label_render
N=${BENCH_LABELS:-10000}
T=${BENCH_TOOL:-1000}
dir=$(mktemp -d /tmp/gimark-formats-XXXXXX)
trap 'rm -rf "$dir"' EXIT

# the codes: serials as gimark issues them, URLs of the usual form
awk -v n="$N" 'BEGIN {
    a = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; srand(16)
    for (i = 0; i < n; i++) {
        c = ""
        for (k = 0; k < 16; k++) c = c substr(a, int(rand() * 32) + 1, 1)
        printf "%s-%s-%s-%s\thttps://gi.example.cn/v/%s\n", substr(c, 1, 4), substr(c, 5, 4),
            substr(c, 9, 4), substr(c, 13, 4), c
    }
}' >"$dir/items.txt"
head -n "$T" "$dir/items.txt" | cut -f2 >"$dir/urls.txt"

now() { date +%s.%N; }
per() { awk "BEGIN { printf \"%.3f\", ($2 - $1) * 1000 / $3 }"; } # T0 T1 COUNT: ms a label

# our module in pixels at 300 dpi, for the tools
mod=$(head -n 1 "$dir/items.txt" | "$R" --positions | awk '{print $7}')
px=$(awk "BEGIN { printf \"%d\", $mod * 300 / 25.4 + 0.5 }")

# tool COMMAND...: runs it, sets $wall and $cpu to its ms a code; the CPU
# time of the children from the shell's `times` (its second line), run in
# this shell: in a $(...) subshell it would count the subshell's
tool() {
    times >"$dir/times.txt"
    c0=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, a, "m"); s += a[1] * 60 + a[2] } print s }' "$dir/times.txt")
    t0=$(now)
    "$@"
    t1=$(now)
    times >"$dir/times.txt"
    c1=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, a, "m"); s += a[1] * 60 + a[2] } print s }' "$dir/times.txt")
    wall=$(per "$t0" "$t1" "$T") cpu=$(per "$c0" "$c1" "$T")
}
qrencode_all() { # TYPE
    i=0
    while read -r url; do
        i=$((i + 1))
        qrencode -t "$1" -s "$px" -d 300 -m 4 -o "$dir/t/$i" "$url"
    done <"$dir/urls.txt"
}
zint_all() { # TYPE
    zint -b QRCODE --binary --batch --quietzones --scale=$((px / 2)) --filetype="$1" \
        -o "$dir/t/~~~~~" -i "$dir/urls.txt" >/dev/null
}
mkdir -p "$dir/t"
tool qrencode_all PNG; q_png=$wall q_png_cpu=$cpu
tool qrencode_all SVG; q_svg=$wall q_svg_cpu=$cpu
tool zint_all PNG; z_png=$wall z_png_cpu=$cpu
tool zint_all SVG; z_svg=$wall z_svg_cpu=$cpu
rm -rf "$dir/t"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall times stretch with it; CPU times do not)"
echo "tools, ms a code (wall/CPU): qrencode, a process a code: PNG $q_png/$q_png_cpu, SVG" \
    "$q_svg/$q_svg_cpu; zint --batch: PNG $z_png/$z_png_cpu, SVG $z_svg/$z_svg_cpu ($px px a" \
    "module, 300 dpi)"
# line NAME WALL CPU Q Z GOAL: ratios of wall times, the tools' to ours
line() {
    awk -v name="$1" -v ours="$2" -v c="$3" -v q="$4" -v z="$5" -v goal="$6" 'BEGIN {
        g = goal > 0 ? sprintf("; <= %s ms: %s", goal, ours <= goal ? "met" : "MISSED") : ""
        printf "%-21s %6.3f ms a label (CPU %6.3f)  qrencode %6.1fx  zint %5.1fx  (>= 10x: %s%s)\n",
            name, ours, c, q / ours, z / ours, (q / ours >= 10 && z / ours >= 10) ? "met" : "MISSED", g
    }'
}
run() { # NAME TOOL-KIND GOAL ARGS...: one export of N labels
    name=$1 kind=$2 goal=$3
    shift 3
    "$R" --time "$@" <"$dir/items.txt" 2>"$dir/time.txt"
    wall=$(awk -v n="$N" '{ printf "%.3f", $4 * 1000 / n }' "$dir/time.txt")
    cpu=$(awk -v n="$N" '{ printf "%.3f", $7 * 1000 / n }' "$dir/time.txt")
    rm -f "$dir"/out*
    if [ "$kind" = svg ]; then line "$name" "$wall" "$cpu" "$q_svg" "$z_svg" "$goal"
    else line "$name" "$wall" "$cpu" "$q_png" "$z_png" "$goal"; fi
}
echo "$N labels, 60x30 mm, QR, every core:"
run "PDF" png 0 -f pdf -o "$dir/out.pdf"
run "PNG sheets, 300 dpi" png 0.5 -f png --dpi 300 -o "$dir/out.png"
run "ZIP of PNGs, 300 dpi" png 0.5 -f zip --dpi 300 -o "$dir/out.zip"
run "SVG sheets" svg 0.2 -f svg -o "$dir/out.svg"
run "ZIP of SVGs" svg 0 -f zip --zip-member svg -o "$dir/out.zip"
