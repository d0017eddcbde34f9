#!/bin/sh
# run-demo.sh - what `make run` does after building: create the demo database
# on first run, then start the server on 127.0.0.1:8080.
set -eu
cd "$(dirname "$0")/.."
GIMARK=build/gimark
DB=${GIMARK_DB:-gimark.db}
if [ ! -f "$DB" ]; then
    "$GIMARK" --db "$DB" init
    "$GIMARK" --db "$DB" demo
fi
if "$GIMARK" serve --help >/dev/null 2>&1; then
    echo "gimark: serving $DB on http://127.0.0.1:8080/ (Ctrl-C stops)"
    exec "$GIMARK" --db "$DB" serve --listen 127.0.0.1:8080
fi
echo
echo "The demo database is $DB. Try:"
echo "  $GIMARK --db $DB product list"
echo "  $GIMARK --db $DB auth list"
echo "  $GIMARK --db $DB stats"
echo "  $GIMARK --db $DB audit verify"
