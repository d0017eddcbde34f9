#!/bin/sh
# migrate.sh - gimark migrate from the command line: a SQLite database with
# labels (one voided, a batch not activated), accounts, a token, scans and
# reports recorded by the real server moves into an empty PostgreSQL database
# whole: every table's count, the audit chain and the answer on every code
# are the same on both, and the PostgreSQL database then serves and takes new
# records (ids go on past the moved ones). A second move into the same
# target, a missing source, a source of an older schema and a target that is
# not PostgreSQL are refused; a move that fails halfway leaves nothing.
#
# PostgreSQL: the cluster of GIMARK_TEST_PG when set (a fresh database is made
# on it), else a throwaway one started with tests/pg-cluster.sh and stopped
# at the end.
. "$(dirname "$0")/lib.sh"

root=$(cd "$(dirname "$0")/../.." && pwd -P)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
pgdir=""
admin_uri=""
made_dbs=""
srv_pid=""

cleanup() {
    rc=$?
    trap - EXIT
    [ -z "$srv_pid" ] || { kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; }
    for d in $made_dbs; do
        "$PGBIN/psql" -X -q -d "$admin_uri" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" \
            >/dev/null 2>&1 || echo "migrate.sh: could not drop the database $d" >&2
    done
    [ -z "$pgdir" ] || sh "$root/tests/pg-cluster.sh" stop "$pgdir" || rc=1
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

if [ ! -x "$PGBIN/postgres" ] && [ -z "${GIMARK_TEST_PG:-}" ]; then
    echo "migrate.sh: skipped: no PostgreSQL 15 at $PGBIN (apt-get install postgresql) to move into"
    exit 0
fi
if [ -n "${GIMARK_TEST_PG:-}" ]; then
    admin_uri=$GIMARK_TEST_PG
else
    pgdir=$(mktemp -d /tmp/gimark-migrate-pg-XXXXXX) # /tmp: searchable by the server's user
    admin_uri=$(sh "$root/tests/pg-cluster.sh" start "$pgdir") || {
        echo "migrate.sh: the PostgreSQL cluster did not start" >&2
        exit 1
    }
fi

psql_admin() {
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$admin_uri" "$@"
}

# new_target NAME: makes an empty database NAME; its URI in $target_uri.
new_target() {
    psql_admin -c "CREATE DATABASE $1_$$" >/dev/null || exit 1
    made_dbs="$made_dbs $1_$$"
    target_uri="${admin_uri%/*}/$1_$$"
}

# pg URI SQL: one value from a PostgreSQL database.
pg() {
    "$PGBIN/psql" -X -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

# sq SQL [DB]: one value from the SQLite database (its scans file attached as scans).
sq() {
    db=${2:-$GIMARK_DB}
    sqlite3 -cmd "ATTACH '${db%.db}-scans.db' AS scans" "$db" "$1"
}

TABLES="product operator authorisation auth_event batch label label_void report account
api_token session secret audit_log scans.scan scans.scan_total scans.scan_merged
scans.scan_client"

# counts_sqlite / counts_pg URI: every table's count, one line.
counts_sqlite() {
    for t in $TABLES; do printf '%s=%s ' "$t" "$(sq "SELECT count(*) FROM $t" "${1:-$GIMARK_DB}")"; done
}
counts_pg() {
    for t in $TABLES; do printf '%s=%s ' "$t" "$(pg "$1" "SELECT count(*) FROM $t")"; done
}

# issue N ACTIVATE: requests, approves and issues a batch of N labels under
# auth 1 (and activates it when ACTIVATE is 1); its id in $bid.
issue() {
    run --json batch request --auth 1 --count "$1" --lot "LOT-$1"
    bid=$(json_get 'j["id"]')
    "$GIMARK" batch approve "$bid" --actor cli:reviewer >/dev/null &&
        "$GIMARK" batch issue "$bid" >/dev/null || bad "issue a batch of $1"
    [ "$2" = 1 ] && { "$GIMARK" batch activate "$bid" >/dev/null || bad "activate batch $bid"; }
}

# start_server [ARGS]: the real server on a free port; pid in $srv_pid, port in $port.
start_server() {
    rm -f "$WORK/srv.fifo"
    mkfifo "$WORK/srv.fifo"
    "$GIMARK" serve --listen 127.0.0.1:0 "$@" >"$WORK/srv.fifo" 2>"$WORK/srv.err" &
    srv_pid=$!
    exec 3<"$WORK/srv.fifo"
    read -r line <&3 # blocks until the server listens (or exits)
    port=${line##*:}
    port=${port%/}
}

stop_server() {
    kill "$srv_pid"
    wait "$srv_pid"
    srv_pid=""
    exec 3<&-
}

# --- a SQLite database with something in every table ------------------------------------
run init
run demo
# a use report and its decision (an authorisation in force last year: granted back then)
year=$(date -u +%Y)
run product add --name-zh "富川测试产品" --region 451123
export GIMARK_NOW=$(($(date +%s) - 2 * 366 * 86400))
run --json auth grant --operator 93451123MA0308247J --product 16 --quota 10 \
    --from "$((year - 2))-01-01"
auth=$(json_get 'j["id"]')
run auth approve "$auth" --doc "DEMO"
unset GIMARK_NOW
run --json usage report --operator 93451123MA0308247J --product 16 --period $((year - 1)) \
    --produced 10 --sold 9 --unit kg --value-yuan 12.34 --received 0 --used 0 --voided 0 \
    --how "label on each box"
expect_status 0 "usage report"
run usage accept "$(json_get 'j["id"]')"
expect_status 0 "usage accept"
issue 40 1
active_batch=$bid
issue 25 0
idle_batch=$bid
voided=$(sq "SELECT code FROM label WHERE batch_id = $active_batch ORDER BY seq LIMIT 1 OFFSET 3")
run batch void "$active_batch" "$voided" --reason "misprint"
expect_status 0 "void one label"
printf 'a-long-enough-password\n' | "$GIMARK" user add reg --role regulator >/dev/null 2>&1 ||
    bad "user add"
run token create reg --name "print house"
expect_status 0 "token create"

# scans and reports through the running server, stored when it stops
start_server
codes=$(sq "SELECT code FROM label ORDER BY code LIMIT 5")
for c in $codes $codes "$voided"; do
    curl -s -o /dev/null "http://127.0.0.1:$port/v/$c"
done
curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/verify/BADCODE000000000"
c1=$(echo "$codes" | head -n 1)
sq_reply=$(curl -s "http://127.0.0.1:$port/api/v1/verify/$c1")
# a report whose text has what COPY must escape: tab, newline, backslash, CJK
curl -s -o /dev/null -H 'Content-Type: application/x-www-form-urlencoded' \
    --data 'text=fake%09label%0Aon%5Cshelf+%E8%8A%92%E6%9E%9C&contact=13800000000' \
    "http://127.0.0.1:$port/v/$(echo "$codes" | head -n 1)/report"
# a browser session: the login form's CSRF cookie and field, then the password
curl -s -c "$WORK/jar" -b "$WORK/jar" -o "$WORK/login.html" "http://127.0.0.1:$port/login"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$WORK/login.html" | head -n 1)
curl -s -c "$WORK/jar" -b "$WORK/jar" -o /dev/null --data-urlencode "csrf=$csrf" \
    --data "username=reg&password=a-long-enough-password" "http://127.0.0.1:$port/login"
stop_server

for t in scans.scan scans.scan_total scans.scan_client report account api_token secret label_void; do
    [ "$(sq "SELECT count(*) > 0 FROM $t")" = 1 ] && ok || bad "the source has records in $t"
done
[ "$(sq "SELECT text FROM report")" = "$(printf 'fake\tlabel\non\\shelf 芒果')" ] && ok ||
    bad "the report's text is stored as sent"
src_counts=$(counts_sqlite)
src_audit=$("$GIMARK" audit verify)

# --- the move ------------------------------------------------------------------------------
new_target moved
target=$target_uri
run migrate --from "$GIMARK_DB" --to "$target"
expect_status 0 "migrate"
expect_out "the same answer on both" "migrate compared the verdicts"
expect_out "intact on the target" "migrate checked the audit chain"
expect_out "copied label" "migrate tells each table copied"
[ "$(counts_pg "$target")" = "$src_counts" ] && ok ||
    bad "every table holds as many records on both: $(counts_pg "$target") / $src_counts"
[ "$(counts_sqlite)" = "$src_counts" ] && ok || bad "the source is unchanged"
[ "$(pg "$target" "SELECT text FROM report")" = "$(printf 'fake\tlabel\non\\shelf 芒果')" ] && ok ||
    bad "the report's text arrives byte for byte"
[ "$(pg "$target" "SELECT encode(hash, 'hex') FROM audit_log ORDER BY id DESC LIMIT 1")" = \
    "$(sq "SELECT lower(hex(hash)) FROM audit_log ORDER BY id DESC LIMIT 1")" ] && ok ||
    bad "the audit head's bytes arrive"
[ "$(pg "$target" "SELECT count(*) FROM scans.scan_default")" = 0 ] && ok ||
    bad "every scan is in a monthly partition, none in the default one"
month=$(date -u +%Y%m)
[ "$(pg "$target" "SELECT count(*) FROM scans.scan_$month")" = "$(sq 'SELECT count(*) FROM scans.scan')" ] &&
    ok || bad "this month's scans are in scans.scan_$month"

run --db "$target" audit verify
expect_status 0 "audit verify on PostgreSQL"
[ "$out" = "$src_audit" ] && ok || bad "audit verify says the same on both ($src_audit)"

# the answer on every code (active, voided, not activated, unknown) is the same
same=0
for c in $(sq "SELECT code FROM label ORDER BY code") BADCODE000000000 "$(echo "$codes" | head -n 1 | tr 0 1)"; do
    a=$("$GIMARK" --json verify "$c" 2>&1)
    b=$("$GIMARK" --db "$target" --json verify "$c" 2>&1)
    if [ "$a" = "$b" ]; then same=$((same + 1)); else bad "gimark verify $c differs"; fi
done
[ "$same" -eq 67 ] && ok || bad "67 codes answered the same ($same)"
run --db "$target" --json verify "$voided"
[ "$(json_get 'j["verdict"]')" = VOID ] && ok || bad "the voided label is void on PostgreSQL"
idle=$(sq "SELECT code FROM label WHERE batch_id = $idle_batch LIMIT 1")
run --db "$target" --json verify "$idle"
[ "$(json_get 'j["verdict"]')" = NOT_ACTIVATED ] && ok || bad "the batch not activated stays so"

# the server on PostgreSQL answers what the SQLite one did, counts on from there
before_scans=$(pg "$target" "SELECT count FROM scans.scan_total WHERE code = '$c1'")
start_server --db "$target"
reply=$(curl -s "http://127.0.0.1:$port/api/v1/verify/$c1")
stop_server
verdict_of() {
    printf '%s' "$1" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["verdict"], j["clients"])'
}
[ "$(verdict_of "$reply")" = "$(verdict_of "$sq_reply")" ] && ok ||
    bad "the server on PostgreSQL answers as the one on SQLite did: $reply / $sq_reply"
[ "$(pg "$target" "SELECT count FROM scans.scan_total WHERE code = '$c1'")" -eq $((before_scans + 1)) ] &&
    ok || bad "a scan on PostgreSQL adds to the moved count ($before_scans)"
[ "$(pg "$target" "SELECT count(DISTINCT id) = count(*) FROM scans.scan")" = t ] && ok ||
    bad "the new scan took an id past the moved ones"

# new records take ids after the moved ones; the chain goes on
max_product=$(sq "SELECT max(id) FROM product")
run --db "$target" --json product add --name-zh 六堡茶 --region 450400
expect_status 0 "add a product on PostgreSQL"
[ "$(json_get 'j["id"]')" -eq $((max_product + 1)) ] && ok || bad "the new product's id follows the moved ones"
run --db "$target" audit verify
expect_status 0 "the chain goes on intact on PostgreSQL"

# a server that has the source open does not stop a move (the source is only read)
start_server
new_target live
run --json migrate --from "$GIMARK_DB" --to "$target_uri" --sample 10
expect_status 0 "migrate while a server has the source open"
[ "$(json_get 'j["ok"], j["sampled"], j["sample_differ"], j["audit_ok"], j["counts_ok"]')" = \
    "True 10 0 True True" ] && ok || bad "--json says what was checked; --sample sets how many codes"
[ "$(json_get '[(t["copied"], t["target"]) for t in j["tables"] if t["table"] == "label"]')" = \
    "[(65, 65)]" ] && ok || bad "--json gives each table's counts"
stop_server

# --- refusals ----------------------------------------------------------------------------
moved_counts=$(counts_pg "$target")
run migrate --from "$GIMARK_DB" --to "$target"
expect_status 2 "a second move into the same target"
expect_err "the target is not empty" "a second move says why"
[ "$(counts_pg "$target")" = "$moved_counts" ] && ok || bad "the refused move changed nothing"

new_target empty
empty=$target_uri
run migrate --from "$WORK/missing.db" --to "$empty"
expect_status 2 "a missing source"
expect_err "no database at $WORK/missing.db" "a missing source says so"
expect_one_line_err "a missing source"

cp "$GIMARK_DB" "$WORK/old.db"
cp "$WORK/test-scans.db" "$WORK/old-scans.db"
sqlite3 "$WORK/old.db" "PRAGMA user_version = $(($(sqlite3 "$GIMARK_DB" 'PRAGMA user_version') - 1))"
run migrate --from "$WORK/old.db" --to "$empty"
expect_status 2 "a source of an older schema"
expect_err "run 'gimark init --db $WORK/old.db' first" "an older schema says what to do"

run migrate --from "$GIMARK_DB" --to "$WORK/other.db"
expect_status 1 "a target that is a file"
! [ -e "$WORK/other.db" ] && ok || bad "no file is made for a refused target"

# a move that fails halfway (a scan client PostgreSQL cannot store, in the
# last table) leaves the target as empty as it was
cp "$GIMARK_DB" "$WORK/bad.db"
cp "$WORK/test-scans.db" "$WORK/bad-scans.db"
sqlite3 "$WORK/bad-scans.db" "UPDATE scan_client SET client_key = CAST(X'610062' AS TEXT)
    WHERE code = (SELECT min(code) FROM scan_client)" && ok || bad "spoil a copy's scan client"
run migrate --from "$WORK/bad.db" --to "$empty"
expect_status 3 "a move that fails halfway"
expect_err "nothing was moved" "a failed move says nothing was moved"
expect_err "scans.scan_client" "a failed move names the table"
expect_one_line_err "a failed move"
[ "$(pg "$empty" "SELECT count(*) FROM label") $(pg "$empty" "SELECT count(*) FROM audit_log")" = "0 0" ] &&
    ok || bad "the failed move left nothing in the target"
[ "$(pg "$empty" "SELECT count(*) FROM scans.scan_merged")" = 1 ] && ok ||
    bad "the failed move left the target's scan_merged row"

run --db "$empty" audit verify
expect_status 0 "the empty target is a usable database"

finish
