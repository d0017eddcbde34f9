#!/bin/sh
# audit.sh - the audit chain from the command line: demo data verifies; a row
# edited or deleted by hand with sqlite3 makes `gimark audit verify` fail and
# name the row.
. "$(dirname "$0")/lib.sh"

run demo
expect_status 0 "demo loads"
expect_out "15 GI products" "demo loads the Guangxi products"
refused 2 "already holds data" "demo twice" -- demo
run audit verify
expect_status 0 "audit verify on demo data"
expect_out "audit log intact" "verify says intact"
rows=$(sqlite3 "$GIMARK_DB" "SELECT count(*) FROM audit_log")
[ "$rows" -gt 20 ] && ok || bad "demo writes audit rows ($rows)"
run audit list --limit 3 --json
[ "$(json_get 'len(j), j[0]["id"]')" = "3 $rows" ] && ok || bad "audit list newest first"
run audit verify --json
[ "$(json_get 'j["ok"], j["rows"]')" = "True $rows" ] && ok || bad "audit verify --json"

cp "$GIMARK_DB" "$WORK/clean.db"

# the triggers refuse a casual edit
if sqlite3 "$GIMARK_DB" "UPDATE audit_log SET actor = 'x' WHERE id = 5" 2>/dev/null; then
    bad "audit_log UPDATE should be refused by its trigger"
else ok; fi

# a deliberate edit
sqlite3 "$GIMARK_DB" "DROP TRIGGER audit_log_no_update;
    UPDATE audit_log SET detail = replace(detail, '"kind"', '"kinds"') WHERE id = 17"
run audit verify
expect_status 2 "verify after an edit fails"
expect_err "row 17" "verify names the edited row"
expect_one_line_err "edit reported on one line"

# a deleted row
cp "$WORK/clean.db" "$GIMARK_DB"
sqlite3 "$GIMARK_DB" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 9"
run audit verify
expect_status 2 "verify after a deletion fails"
expect_err "row 10" "verify names the row after the gap"
expect_err "missing" "verify says rows are missing"

# the newest row deleted
cp "$WORK/clean.db" "$GIMARK_DB"
sqlite3 "$GIMARK_DB" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = $rows"
run audit verify
expect_status 2 "verify after deleting the newest row fails"
expect_err "row $rows" "verify names the deleted newest row"

finish
