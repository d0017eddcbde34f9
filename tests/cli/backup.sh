#!/bin/sh
# backup.sh - gimark backup and restore from the command line: a round trip
# keeps every label, audit row and scan; an existing backup is not
# overwritten without --force; restore refuses a database a running server
# has open, and refuses a damaged or foreign backup leaving the database as
# it was.
. "$(dirname "$0")/lib.sh"

# count SQL [DB]: one number from the main file (or DB).
count() {
    sqlite3 "${2:-$GIMARK_DB}" "$1"
}

# figures DB: labels, audit rows and scans of a database and its scans file.
figures() {
    echo "$(count 'SELECT count(*) FROM label' "$1") $(count 'SELECT count(*) FROM audit_log' "$1")" \
        "$(count 'SELECT count(*) FROM scan' "${1%.db}-scans.db")"
}

# issue N: requests, approves and issues a batch of N labels under auth 1.
issue() {
    run --json batch request --auth 1 --count "$1" --lot "LOT-$1"
    id=$(json_get 'j["id"]')
    "$GIMARK" batch approve "$id" --actor cli:reviewer >/dev/null && "$GIMARK" batch issue "$id" >/dev/null &&
        "$GIMARK" batch activate "$id" >/dev/null
}

# start_server: the real server on a free port; its pid in $srv_pid and port in $port.
start_server() {
    rm -f "$WORK/srv.fifo"
    mkfifo "$WORK/srv.fifo"
    "$GIMARK" serve --listen 127.0.0.1:0 >"$WORK/srv.fifo" 2>"$WORK/srv.err" &
    srv_pid=$!
    exec 3<"$WORK/srv.fifo"
    read -r line <&3 # blocks until the server listens (or exits)
    port=${line##*:}
    port=${port%/}
}

stop_server() {
    kill "$srv_pid"
    wait "$srv_pid"
    exec 3<&-
}

run init
run demo
issue 40
issue 25

# scans: verifications through the running server, stored when it stops
start_server
codes=$(count "SELECT code FROM label ORDER BY code LIMIT 6")
for c in $codes $codes BADCODE0000000000; do
    curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/verify/$c"
done

# --- restore refuses while the server has the database open ----------------------
run backup --out "$WORK/early.db"
expect_status 0 "backup while the server runs"
refused 2 "in use" "restore while the server runs" -- restore --from "$WORK/early.db" --force
stop_server
snap=$(figures "$GIMARK_DB")
[ "$(count 'SELECT count(*) FROM scan' "$WORK/test-scans.db")" -eq 13 ] && ok ||
    bad "the server stored 13 scans ($snap)"

# --- backup: files, figures, integrity -------------------------------------------------
run --json backup --out "$WORK/b.db"
expect_status 0 "backup"
[ "$(json_get 'j["labels"], j["audit_rows"], j["scans"]')" = "65 $(count 'SELECT count(*) FROM audit_log') 13" ] &&
    ok || bad "backup reports labels, audit rows and scans"
[ "$(json_get 'j["integrity"], j["audit_ok"], [f["path"] for f in j["files"]]')" = \
    "ok True ['$WORK/b.db', '$WORK/b-scans.db']" ] && ok || bad "backup names its two files"
[ "$(figures "$WORK/b.db")" = "$snap" ] && ok || bad "the copy holds what the database holds"
[ -f "$WORK/b-scans.db" ] && ! [ -e "$WORK/b.db-wal" ] && ! [ -e "$WORK/b.partial.db" ] &&
    ok || bad "the copy is two self-contained files and no temporary is left"
[ "$(count 'PRAGMA journal_mode' "$WORK/b.db")" = delete ] && ok || bad "the copy needs no -wal file"
run backup --out "$WORK/named"
expect_status 0 "backup to a name without .db"
expect_out "$WORK/named-scans" "the scans file of a name without .db gets -scans"
expect_out "65 labels" "text output counts labels"

# --- backup does not overwrite ------------------------------------------------------
sum=$(cat "$WORK/b.db" "$WORK/b-scans.db" | cksum)
run backup --out "$WORK/b.db"
expect_status 2 "backup onto an existing file"
expect_err "exists already" "backup says the file exists"
expect_one_line_err "backup refusal is one line"
[ "$(cat "$WORK/b.db" "$WORK/b-scans.db" | cksum)" = "$sum" ] && ok || bad "the old backup is untouched"
: >"$WORK/only-scans-scans.db"
run backup --out "$WORK/only-scans.db"
expect_status 2 "backup where only the scans file exists"
run backup --out "$GIMARK_DB" --force
expect_status 1 "backup onto the database itself"
expect_err "database being copied" "backup names the problem"

# --- the database moves on; restore brings back the backup ---------------------------
issue 30
after=$(figures "$GIMARK_DB")
refused 2 "--force" "restore onto an existing database without --force" -- restore --from "$WORK/b.db"
run --json restore --from "$WORK/b.db" --force
expect_status 0 "restore --force"
[ "$(figures "$GIMARK_DB")" = "$snap" ] && ok || bad "restored labels, audit rows, scans ($(figures "$GIMARK_DB") vs $snap)"
aside=$(json_get 'j["before_restore"]')
[ "$(figures "$aside")" = "$after" ] && ok || bad "the replaced database is kept aside whole ($aside)"
run audit verify
expect_status 0 "audit verify on the restored database"
run --db "$aside" audit verify
expect_status 0 "audit verify on the database set aside"
run verify "$(echo "$codes" | head -n 1)"
expect_status 0 "a restored code verifies"
issue 5
expect_status 0 "the restored database takes new batches"

# restore into a place with no database needs no --force
run --db "$WORK/fresh.db" restore --from "$WORK/named"
expect_status 0 "restore into a new file"
[ "$(figures "$WORK/fresh.db")" = "$snap" ] && ok || bad "restore into a new file holds the backup"

# --- damaged or foreign backups are refused; the database stays as it was -----------------
cp "$WORK/b.db" "$WORK/bad.db"
cp "$WORK/b-scans.db" "$WORK/bad-scans.db"
# the label table's first page: read by the integrity check, not when the file opens
page=$(count "SELECT rootpage FROM sqlite_schema WHERE name = 'label'" "$WORK/bad.db")
printf '\377\377\377\377\377\377\377\377' |
    dd of="$WORK/bad.db" bs=1 seek=$(((page - 1) * 4096)) conv=notrunc 2>/dev/null
refused 2 "integrity check" "restore from a damaged backup" -- restore --from "$WORK/bad.db" --force

head -c 65536 /dev/urandom >"$WORK/noise.db"
cp "$WORK/b-scans.db" "$WORK/noise-scans.db"
refused 2 "not a usable backup" "restore from a file that is no database" -- \
    restore --from "$WORK/noise.db" --force

sqlite3 "$WORK/other.db" "CREATE TABLE t (a); PRAGMA user_version = 3"
sqlite3 "$WORK/other-scans.db" "CREATE TABLE t (a)"
refused 2 "not a gimark database" "restore from another program's database" -- \
    restore --from "$WORK/other.db" --force

cp "$WORK/b.db" "$WORK/noscans.db"
refused 2 "scans file" "restore from a backup without its scans file" -- \
    restore --from "$WORK/noscans.db" --force

cp "$WORK/b.db" "$WORK/cut.db"
cp "$WORK/b-scans.db" "$WORK/cut-scans.db"
sqlite3 "$WORK/cut.db" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 7"
refused 2 "audit log" "restore from a backup whose audit chain is broken" -- \
    restore --from "$WORK/cut.db" --force

refused 2 "no backup" "restore from nowhere" -- restore --from "$WORK/nothing.db" --force
refused 1 "database itself" "restore from the database itself" -- restore --from "$GIMARK_DB" --force
ls "$WORK" | grep -q restoring && bad "a refused restore leaves no temporary files" || ok

# a database damaged beyond opening is replaced, and kept aside as it was
head -c 8192 /dev/urandom >"$WORK/broken.db"
run --db "$WORK/broken.db" restore --from "$WORK/b.db" --force
expect_status 0 "restore over a file that is no database"
[ "$(figures "$WORK/broken.db")" = "$snap" ] && ok || bad "restore over a damaged file"

finish
