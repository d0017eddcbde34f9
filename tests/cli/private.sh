#!/bin/sh
# private.sh - the files that hold secrets (password and token hashes, live
# codes, the server's key) are 0600 whatever the umask: the database and its
# scans file from init, the -wal and -shm files a running server keeps, a
# backup's two files, and restore's new files and the copies it sets aside.
. "$(dirname "$0")/lib.sh"

umask 000 # the most open there is: every file would be 0666 or 0644 without care

# modes: "mode name" of every database file in $WORK, sorted by name.
modes() {
    for f in "$WORK"/*.db*; do
        [ -f "$f" ] && stat -c '%a %n' "$f"
    done | sort -k2
}

# open_files: the database files that are not 0600.
open_files() {
    modes | grep -v '^600 '
}

issue() {
    run --json batch request --auth 1 --count "$1" --lot "LOT-$1"
    id=$(json_get 'j["id"]')
    "$GIMARK" batch approve "$id" --actor cli:reviewer >/dev/null && "$GIMARK" batch issue "$id" >/dev/null &&
        "$GIMARK" batch activate "$id" >/dev/null
}

run init
expect_status 0 "init under umask 000"
[ "$(modes | wc -l)" -ge 2 ] && [ -z "$(open_files)" ] && ok ||
    bad "init creates the database and scans file 0600: $(modes)"
run demo
issue 12

# a running server: its -wal and -shm files (both files) while it has them open
rm -f "$WORK/srv.fifo"
mkfifo "$WORK/srv.fifo"
"$GIMARK" serve --listen 127.0.0.1:0 >"$WORK/srv.fifo" 2>"$WORK/srv.err" &
srv_pid=$!
exec 3<"$WORK/srv.fifo"
read -r line <&3
port=${line##*:}
port=${port%/}
for c in $(sqlite3 "$GIMARK_DB" "SELECT code FROM label LIMIT 3"); do
    curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/verify/$c"
done
wal=$(modes | grep -c -- '-\(wal\|shm\)$')
running=$(open_files)
kill "$srv_pid"
wait "$srv_pid"
exec 3<&-
[ "$wal" -ge 2 ] && [ -z "$running" ] && ok ||
    bad "the server's -wal and -shm files are 0600 ($wal of them): $running"
[ "$(sqlite3 "$WORK/test-scans.db" 'SELECT count(*) FROM scan')" -eq 3 ] && ok ||
    bad "the server stored its scans"
[ -z "$(open_files)" ] && ok || bad "after serve: $(open_files)"

run backup --out "$WORK/b.db"
expect_status 0 "backup under umask 000"
[ -f "$WORK/b.db" ] && [ -f "$WORK/b-scans.db" ] && [ -z "$(open_files)" ] && ok ||
    bad "a backup's files are 0600: $(modes)"

issue 5
run --json restore --from "$WORK/b.db" --force
expect_status 0 "restore under umask 000"
aside=$(json_get 'j["before_restore"]')
[ -f "$aside" ] && [ -z "$(open_files)" ] && ok ||
    bad "the restored database and the copy set aside ($aside) are 0600: $(modes)"
run --db "$WORK/fresh.db" restore --from "$WORK/b.db"
expect_status 0 "restore into a new file under umask 000"
[ -f "$WORK/fresh.db" ] && [ -f "$WORK/fresh-scans.db" ] && [ -z "$(open_files)" ] && ok ||
    bad "restore's new files are 0600: $(modes)"
run audit verify
expect_status 0 "the restored database is whole"
[ "$(modes | wc -l)" -ge 8 ] && ok || bad "every file was looked at: $(modes)"

finish
