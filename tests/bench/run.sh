#!/bin/sh
# run.sh - `make bench`: issuance, PDF, each print format's time a label
# beside the qrencode and zint tools (tests/bench/formats.sh), the server's
# memory during a PDF and a ZIP download (tests/bench/downloads.sh) and (when
# present) verify-path figures.
# BENCH_EXISTING sets how many labels the big-database run starts from
# (default 10000000; 0 skips it).
set -eu
cd "$(dirname "$0")/../.."
dir=$(mktemp -d /tmp/gimark-bench-XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "== issuance and print files"
build/bench_issue "$dir" "${BENCH_EXISTING:-10000000}"
echo "== print formats, beside the qrencode and zint tools"
sh tests/bench/formats.sh
echo "== server memory during one download"
sh tests/bench/downloads.sh
if [ -f tests/bench/verify.sh ]; then
    echo "== verify path"
    sh tests/bench/verify.sh
fi
