#!/bin/sh
# downloads.sh - the download part of `make bench`: the server's highest anonymous
# memory (RssAnon: heap and stacks) while one client downloads a 100,000-label
# print file, as a PDF (a ZIP of PDF parts: pdf-part-labels, default 2,500) and as
# a ZIP of PNG labels (SVG and PNG sheets on request), each on a fresh server, printed beside
# the bound the server's settings allow: cache-mb (the workers' page caches
# together) + track-codes (about 0.3 KB a code, gi/cli_serve.c's --track-codes) +
# 32 MB for the rest, one render included (tests/bench/bound.sh); and what the render
# added to the memory the server had at start, against what one render may hold
# (32 MB + 0.1 KB a label of max-download-labels).
# File-backed pages (program, libraries, the CJK font a print file embeds) are
# shown apart: shared with other processes and reclaimable.
#
# BENCH_DL_LABELS sets the batch (default 100000), BENCH_CACHE_MB and
# BENCH_TRACK_CODES the server's settings (defaults 64 and 100000),
# BENCH_PDF_PART_LABELS the server's pdf-part-labels (default: its own; 0 draws
# one PDF however large, as before parts, to compare), BENCH_DL_FORMATS which
# downloads (default "pdf zip"; svg and png, SVG and PNG sheets, too). Runs alone too:
# sh tests/bench/downloads.sh
set -eu
cd "$(dirname "$0")/../.."

GIMARK=${GIMARK:-$PWD/build/gimark}
LABELS=${BENCH_DL_LABELS:-100000}
CACHE_MB=${BENCH_CACHE_MB:-64}
TRACK_CODES=${BENCH_TRACK_CODES:-100000}
dir=$(mktemp -d /tmp/gimark-dlbench-XXXXXX)
server_pid=""

say() { echo "download bench: $*" >&2; }
die() { say "$*"; exit 1; }

gone() {
    st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)
    [ -z "$st" ] || [ "$st" = Z ]
}

stop_server() {
    [ -n "$server_pid" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    i=0
    while ! gone "$server_pid" && [ "$i" -lt 300 ]; do
        i=$((i + 1))
        sleep 0.1
    done
    gone "$server_pid" || kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

cleanup() {
    stop_server
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in "$GIMARK" curl python3 unzip; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (make deps installs it)"
done

mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
json() { python3 -c "import json, sys; j = json.load(sys.stdin); print($1)"; }

# ---- a batch of LABELS issued, an operator's token -----------------------------------
export GIMARK_DB="$dir/dl.db"
g() { "$GIMARK" --actor bench "$@"; }
g init >/dev/null
g demo >/dev/null
auth=$(g --json auth list --limit 1000 | json "next((a['id'] for a in j
    if a['status'] == 'approved' and a['yearly_quota'] >= $LABELS), '')")
[ -n "$auth" ] || die "no approved authorisation with a quota of $LABELS in the demo"
operator=$(g --json auth list --limit 1000 | json "next(a['operator_id'] for a in j
    if a['id'] == $auth)")
batch=$(g --json batch request --auth "$auth" --count "$LABELS" --lot DL | json "j['id']")
g --actor bench:reviewer batch approve "$batch" --note bench >/dev/null
g batch issue "$batch" >/dev/null
echo "correct horse battery staple" | g user add dl --role operator --operator "$operator" \
    >/dev/null
token=$(g --json token create dl --name bench | json "j['token']")

# ---- one download on a fresh server, its memory sampled every 0.1 s ------------------
start_server() {
    set -- --cache-mb "$CACHE_MB" --track-codes "$TRACK_CODES" \
        --max-download-labels "$LABELS" --max-download-megapixels 1000000000
    [ -z "${BENCH_PDF_PART_LABELS:-}" ] || set -- "$@" --pdf-part-labels "$BENCH_PDF_PART_LABELS"
    rm -f "$dir/serve.out" # the child truncates it only once it runs (see verify.sh)
    "$GIMARK" serve --listen 127.0.0.1:0 --base-url https://gi.example.cn "$@" \
        >"$dir/serve.out" 2>"$dir/serve.err" &
    server_pid=$!
    port="" i=0
    while [ -z "$port" ]; do
        port=$(sed -n 's|^gimark: listening on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' \
            "$dir/serve.out" 2>/dev/null | head -n 1)
        [ -n "$port" ] && break
        gone "$server_pid" && { cat "$dir/serve.err" >&2; die "gimark serve exited"; }
        i=$((i + 1))
        [ "$i" -le 300 ] || die "gimark serve did not listen within 30 s"
        sleep 0.1
    done
}

# download FORMAT WHAT: prints the figures of one download of the batch
. tests/bench/bound.sh
memory_bound "$CACHE_MB" "$TRACK_CODES" 1 "$LABELS" # --max-download-labels is LABELS
download() {
    start_server
    base_kb=$(awk '$1 == "RssAnon:" { print $2 }' "/proc/$server_pid/status")
    curl -s -o "$dir/file" -D "$dir/head" -w '%{time_starttransfer} %{time_total} %{size_download}\n' \
        -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$port/api/v1/batches/$batch/labels?format=$1" >"$dir/curl" &
    curl_pid=$!
    t0=$(date +%s.%N)
    hi_anon=0 hi_file=0 first_body=""
    while ! gone "$curl_pid"; do
        # the file's first bytes (the headers come at once): within 0.1 s
        [ -n "$first_body" ] || [ ! -s "$dir/file" ] ||
            first_body=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
        set -- "$1" "$2" $(awk '$1 == "RssAnon:" { a = $2 } $1 == "RssFile:" { f = $2 }
            END { print a + 0, f + 0 }' "/proc/$server_pid/status" 2>/dev/null || echo "0 0")
        [ "$3" -gt "$hi_anon" ] && hi_anon=$3
        [ "$4" -gt "$hi_file" ] && hi_file=$4
        sleep 0.1
    done
    wait "$curl_pid" || die "the $2 download failed"
    stop_server
    head -n 1 "$dir/head" | grep -q ' 200' || die "the $2 download: $(head -n 1 "$dir/head")"
    read -r _ total size <"$dir/curl"
    if [ "$(head -c 5 "$dir/file")" = "%PDF-" ]; then
        members="one PDF"
    else
        members="a ZIP of $(unzip -Z1 "$dir/file" 2>/dev/null | wc -l) members"
    fi
    printf '%-40s %s anonymous (bound %s: cache-mb %s + track-codes %s + 32 MB): %s\n' \
        "$2, highest:" "$(mb "$hi_anon")" "$(mb "$bound_kb")" "$CACHE_MB" "$(mb "$track_kb")" \
        "$([ "$hi_anon" -le "$bound_kb" ] && echo met || echo "NOT MET")"
    added=$((hi_anon - base_kb))
    printf '%-40s %s more than at start (a render may hold %s): %s\n' '' "$(mb "$added")" \
        "$(mb "$render_one_kb")" "$([ "$added" -le "$render_one_kb" ] && echo met || echo "NOT MET")"
    printf '%-40s %s at start; %s file-backed; first bytes of the file %.1f s, all %.1f s, %s: %s\n' \
        '' "$(mb "$base_kb")" "$(mb "$hi_file")" "${first_body:-$total}" "$total" \
        "$(mb $((size / 1024)))" "$members"
}

for f in ${BENCH_DL_FORMATS:-pdf zip}; do
    case $f in
    pdf) download pdf "PDF of $LABELS labels" ;;
    zip) download zip "ZIP of $LABELS PNG labels" ;;
    svg) download svg "SVG of $LABELS labels (ZIP of sheets)" ;;
    png) download png "PNG of $LABELS labels (ZIP of sheets)" ;;
    *) die "BENCH_DL_FORMATS: pdf, zip, svg and png, not $f" ;;
    esac
done
