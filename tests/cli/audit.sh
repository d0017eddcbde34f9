#!/bin/sh
# audit.sh - the audit chain from the command line: demo data verifies; a row
# edited or deleted by hand with sqlite3 makes `gimark audit verify` fail and
# name the row; SQLite's sequence set back is caught; and against a head
# recorded with `gimark audit anchor`, so are the newest rows deleted with
# the sequence set back to match, and a rewrite with recomputed hashes,
# which the chain alone cannot see.
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

# a deliberate edit, of the first operator's row
row=$(sqlite3 "$GIMARK_DB" "SELECT min(id) FROM audit_log WHERE action = 'operator.add'")
sqlite3 "$GIMARK_DB" "DROP TRIGGER audit_log_no_update;
    UPDATE audit_log SET detail = replace(detail, '"kind"', '"kinds"') WHERE id = $row"
run audit verify
expect_status 2 "verify after an edit fails"
expect_err "row $row" "verify names the edited row"
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

# --- SQLite's sequence ------------------------------------------------------------
cp "$WORK/clean.db" "$GIMARK_DB"
sqlite3 "$GIMARK_DB" "UPDATE sqlite_sequence SET seq = seq - 3 WHERE name = 'audit_log'"
run audit verify
expect_status 2 "verify after the sequence was set back"
expect_err "set back" "verify says the sequence was set back"
expect_err "row $rows" "verify names the newest row"
cp "$WORK/clean.db" "$GIMARK_DB"
sqlite3 "$GIMARK_DB" "DELETE FROM sqlite_sequence WHERE name = 'audit_log'"
run audit verify
expect_status 2 "verify after the sequence was removed"
expect_err "set back" "a removed sequence reads as set back"

# --- the anchor ------------------------------------------------------------------
cp "$WORK/clean.db" "$GIMARK_DB"
run audit anchor
expect_status 0 "audit anchor"
expect_out "row $rows at " "the anchor names the newest row and its time"
run --json audit anchor
anchor=$(json_get 'j["hash"]')
[ "$(json_get 'j["row"]')" = "$rows" ] && [ ${#anchor} -eq 64 ] &&
    [ "$anchor" = "$(sqlite3 "$GIMARK_DB" "SELECT hex(hash) FROM audit_log WHERE id = $rows" |
        tr 'A-F' 'a-f')" ] && ok || bad "audit anchor --json gives the newest row and its hash"
run audit verify --head "$anchor"
expect_status 0 "verify against the head just recorded"
expect_out "row $rows's" "verify says which row the recorded head is"
refused 1 "64 hex digits" "a head that is not a hash" -- audit verify --head 12ab
printf "a long password 1\n" | "$GIMARK" user add later --role auditor >/dev/null 2>&1; status=$?
expect_status 0 "the registry moves on"
run --json audit verify --head "$anchor"
[ "$(json_get 'j["ok"], j["anchor_row"], j["rows"] > '"$rows")" = "True $rows True" ] && ok ||
    bad "an old anchor still verifies after honest changes"

# the newest rows deleted AND the sequence set back to match: the chain alone
# cannot tell (what docs/ARCHITECTURE.md says); the recorded head can
cp "$WORK/clean.db" "$GIMARK_DB"
sqlite3 "$GIMARK_DB" "DROP TRIGGER audit_log_no_delete;
    DELETE FROM audit_log WHERE id > $rows - 2;
    UPDATE sqlite_sequence SET seq = $rows - 2 WHERE name = 'audit_log'"
run audit verify
expect_status 0 "without the anchor, a cut end with its sequence set back verifies (the limit)"
run audit verify --head "$anchor"
expect_status 2 "verify against the anchor catches the cut end"
expect_err "hash of no row" "verify says the recorded head is gone"
expect_err "rewritten" "verify says the log was rewritten"
expect_one_line_err "rewrite reported on one line"

# a rewrite from row 17 on with recomputed hashes (the hash has no key)
cp "$WORK/clean.db" "$GIMARK_DB"
python3 - "$GIMARK_DB" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DROP TRIGGER audit_log_no_update")
db.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = 17")
prev = db.execute("SELECT hash FROM audit_log WHERE id = 16").fetchone()[0]
rows = db.execute("SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log "
                  "WHERE id >= 17 ORDER BY id").fetchall()
for row in rows:
    h = hashlib.sha256(prev)
    for v in row:
        b = str(v).encode()
        h.update(b"%d:" % len(b) + b + b",")
    db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h.digest(), row[0]))
    prev = h.digest()
db.commit()
PY
[ "$(sqlite3 "$GIMARK_DB" "SELECT actor FROM audit_log WHERE id = 17")" = "someone else" ] && ok ||
    bad "the rewrite took"
run audit verify
expect_status 0 "without the anchor, a rewrite with recomputed hashes verifies (the limit)"
run audit verify --head "$anchor"
expect_status 2 "verify against the anchor catches the rewrite"
expect_err "hash of no row" "verify says the recorded head is gone after a rewrite"

# no anchor from a broken chain
cp "$WORK/clean.db" "$GIMARK_DB"
sqlite3 "$GIMARK_DB" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 9"
run audit anchor
expect_status 2 "audit anchor refuses a broken chain"
expect_err "no anchor" "audit anchor says why"

finish
