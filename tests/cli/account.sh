#!/bin/sh
# account.sh - accounts and tokens from the command line; no secret is ever
# stored, echoed into the audit log, or accepted on the command line.
. "$(dirname "$0")/lib.sh"

run demo
secret="a long enough secret 1"
printf '%s\n' "$secret" | "$GIMARK" user add alice --role regulator --scope 45 >"$WORK/out" 2>"$WORK/err"
status=$?; out=$(cat "$WORK/out"); err=$(cat "$WORK/err")
expect_status 0 "user add reads the password from stdin"
expect_out "added regulator account alice" "user add says so"
printf 'short\n' | "$GIMARK" user add bob --role auditor >"$WORK/out" 2>"$WORK/err"
status=$?; err=$(cat "$WORK/err")
expect_status 1 "a short password is refused"
expect_err "at least 10" "the refusal says why"
printf '%s\n' "$secret" | "$GIMARK" user add coop --role operator --operator 93451003MA815908XM >/dev/null 2>&1
status=$?
expect_status 0 "operator account for an operator"
printf '%s\n' "$secret" | "$GIMARK" user add alice --role auditor >/dev/null 2>"$WORK/err"
status=$?; err=$(cat "$WORK/err")
expect_status 2 "duplicate username"
run user add nopass --role auditor </dev/null
expect_status 1 "no password on stdin"

run token create coop --name "print house" --json
expect_status 0 "token create"
token=$(json_get 'j["token"]')
tid=$(json_get 'j["id"]')
case "$token" in gmk_*) ok ;; *) bad "token has its prefix" ;; esac
if sqlite3 "$GIMARK_DB" .dump | grep -q -- "${token#gmk_}"; then bad "token stored in clear"; else ok; fi
if sqlite3 "$GIMARK_DB" .dump | grep -q -- "$secret"; then bad "password stored in clear"; else ok; fi
sqlite3 "$GIMARK_DB" "SELECT password_hash FROM account WHERE username = 'alice'" | grep -q '^\$argon2id\$' && ok || bad "argon2id hash"
run token revoke "$tid"
expect_status 0 "token revoke"
refused 2 "no live token" "revoke twice" -- token revoke "$tid"
# token revoke --all: every live token of the account, audited with the count
run token create coop --name one --json
t1=$(json_get 'j["token"]')
run token create coop --name two --json
run token create alice --name other --json
run token revoke --all coop --json
expect_status 0 "token revoke --all"
[ "$(json_get 'j["revoked"]')" = 2 ] && ok || bad "token revoke --all revokes the 2 live tokens"
[ "$(sqlite3 "$GIMARK_DB" "SELECT count(*) FROM api_token t JOIN account u ON u.id = t.account_id WHERE u.username = 'coop' AND t.revoked_at IS NULL")" = 0 ] && ok || bad "no live token of coop left"
[ "$(sqlite3 "$GIMARK_DB" "SELECT count(*) FROM api_token t JOIN account u ON u.id = t.account_id WHERE u.username = 'alice' AND t.revoked_at IS NULL")" = 1 ] && ok || bad "another account's token is untouched"
[ "$(sqlite3 "$GIMARK_DB" "SELECT json_extract(detail, '$.tokens_revoked') FROM audit_log WHERE action = 'token.revoke_all'")" = 2 ] && ok || bad "token revoke --all is audited with the count"
run token revoke --all coop
expect_status 0 "token revoke --all with nothing left"
expect_out "0 tokens of coop revoked" "says so"
refused 2 "no account" "token revoke --all of an unknown user" -- token revoke --all nobody
# passwd and disable end the account's sessions (audited with the count)
sqlite3 "$GIMARK_DB" "INSERT INTO session (id_hash, account_id, csrf, created_at, expires_at) SELECT randomblob(32), id, 'x', 0, 9999999999 FROM account WHERE username = 'alice'"
printf '%s\n' "another long secret" | "$GIMARK" user passwd alice >/dev/null 2>&1
[ "$(sqlite3 "$GIMARK_DB" "SELECT count(*) FROM session s JOIN account u ON u.id = s.account_id WHERE u.username = 'alice'")" = 0 ] && ok || bad "user passwd ends the sessions"
[ "$(sqlite3 "$GIMARK_DB" "SELECT json_extract(detail, '$.sessions_ended') FROM audit_log WHERE action = 'account.passwd'")" = 1 ] && ok || bad "passwd audited with the sessions ended"
sqlite3 "$GIMARK_DB" "INSERT INTO session (id_hash, account_id, csrf, created_at, expires_at) SELECT randomblob(32), id, 'x', 0, 9999999999 FROM account WHERE username = 'alice'"
run user disable alice
expect_status 0 "user disable"
[ "$(sqlite3 "$GIMARK_DB" "SELECT count(*) FROM session s JOIN account u ON u.id = s.account_id WHERE u.username = 'alice'")" = 0 ] && ok || bad "user disable ends the sessions"
run user enable alice
expect_status 0 "user enable"
refused 2 "no account" "disable an unknown user" -- user disable nobody
run audit verify
expect_status 0 "audit chain intact"
run audit list --json --limit 200
case "$out" in *"$secret"*|*"${token#gmk_}"*) bad "a secret in the audit log" ;; *) ok ;; esac

finish
