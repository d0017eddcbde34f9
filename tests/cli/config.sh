#!/bin/sh
# config.sh - the settings file: names are long options (and db), the
# command line wins over the file, the file over GIMARK_DB's absence; a
# misspelt name, a flag that is neither yes nor no, or a value an option
# refuses is an error naming the file and line.
. "$(dirname "$0")/lib.sh"

run init
expect_status 0 "init"
run demo
expect_status 0 "demo"

conf="$WORK/gimark.conf"
cat >"$conf" <<CONF
# products one at a time
limit = 1

db = $GIMARK_DB
CONF

unset GIMARK_DB
run --config "$conf" product list --json
expect_status 0 "the file names the database and the page size"
[ "$(json_get 'len(j)')" = 1 ] && ok || bad "limit = 1 from the file"
run --config "$conf" product list --json --limit 3
[ "$(json_get 'len(j)')" = 3 ] && ok || bad "--limit on the command line wins over the file"
GIMARK_CONFIG="$conf" run product list --json
[ "$(json_get 'len(j)')" = 1 ] && ok || bad "GIMARK_CONFIG names the file"
run --config "$conf" --db "$WORK/none.db" product list
expect_status 3 "--db wins over the file's db"
expect_err "no database at $WORK/none.db" "... and names the database it looked for"
export GIMARK_DB="$WORK/test.db"

printf 'limit = 2\nthreds = 4\n' >"$conf"
run --config "$conf" product list
expect_status 1 "a misspelt setting"
expect_err "config $conf line 2: unknown setting 'threds'" "... names file, line and name"
expect_one_line_err "misspelt setting"

printf 'threads = 4\n' >"$conf"
run --config "$conf" product list --json
expect_status 0 "a setting of another command (serve) is no error for this one"

printf 'vector = maybe\n' >"$conf"
run --config "$conf" batch export 1 --format pdf --out "$WORK/x.pdf"
expect_status 1 "a flag setting that is neither yes nor no"
expect_err "vector is yes or no, not 'maybe'" "... says so"

printf 'just words\n' >"$conf"
run --config "$conf" product list
expect_status 1 "a line without '='"
expect_err "line 1: expected 'name = value'" "... says what a line looks like"

run --config "$WORK/missing.conf" product list
expect_status 3 "a settings file that is not there"
expect_err "config $WORK/missing.conf" "... names it"

printf 'listen = 127.0.0.1:0\ntrusted-proxy = 127.0.0.1, nginx\n' >"$conf"
run --config "$conf" serve
expect_status 1 "serve refuses a trusted proxy that is not an address"
expect_err "--trusted-proxy: 'nginx' is not an IP address" "... and names it"
printf 'listen = 127.0.0.1:0\naccess-log = maybe\n' >"$conf"
run --config "$conf" serve
expect_status 1 "serve refuses an access-log setting other than on or off"
printf 'listen = 127.0.0.1:0\ncount-reload = 0\n' >"$conf"
run --config "$conf" serve
expect_status 1 "serve refuses a count-reload of 0 seconds"
expect_err "count-reload must be a whole number from 1 to 86400, not '0'" "... and says the range"

# the documented file in deploy/ names only settings that exist
run --config "$(dirname "$0")/../../deploy/gimark.conf" --db "$GIMARK_DB" product list
expect_status 0 "deploy/gimark.conf is a valid settings file"

finish
