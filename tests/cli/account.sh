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
run user disable alice
expect_status 0 "user disable"
run user enable alice
expect_status 0 "user enable"
refused 2 "no account" "disable an unknown user" -- user disable nobody
run audit verify
expect_status 0 "audit chain intact"
run audit list --json --limit 200
case "$out" in *"$secret"*|*"${token#gmk_}"*) bad "a secret in the audit log" ;; *) ok ;; esac

finish
