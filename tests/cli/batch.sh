#!/bin/sh
# batch.sh - label batches from the command line: request, refusals that
# change nothing, approve, issue, activate, verify, void, export.
. "$(dirname "$0")/lib.sh"

run demo
expect_status 0 "demo loads"
# demo: authorisation 1 approved (田阳香芒), 4 pending, 5 suspended
refused 1 "from 1 to 10000000" "count 0" -- batch request --auth 1 --count 0
refused 1 "from 1 to 10000000" "negative count" -- batch request --auth 1 --count -5
refused 1 "from 1 to 10000000" "absurd count" -- batch request --auth 1 --count 10000001
refused 1 "--count" "count that is not a number" -- batch request --auth 1 --count lots
refused 2 "over quota" "over the yearly quota" -- batch request --auth 1 --count 100001
refused 2 "suspended" "suspended authorisation" -- batch request --auth 5 --count 10
refused 2 "pending" "pending authorisation" -- batch request --auth 4 --count 10
refused 2 "no authorisation" "unknown authorisation" -- batch request --auth 99 --count 10
refused 1 "harvest date" "bad harvest date" -- batch request --auth 1 --count 10 --harvest-date 2026-02-30

run batch request --auth 1 --count 100 --lot TY-2026-07 --harvest-date 2026-07-01 \
    --base 田阳百育基地 --cert GXJC-2026-0815
expect_status 0 "batch request"
expect_out "batch 1 requested: 100 labels" "request names the batch"
refused 2 "cannot issue batch 1: it is requested" "issue before approval" -- batch issue 1
refused 1 "rejecting needs a reason" "reject without a note" -- batch reject 1
refused 2 "another account must approve it" "approving one's own request" -- \
    batch approve 1 --note "lot data checked"
run batch approve 1 --note "lot data checked" --actor cli:reviewer
expect_status 0 "batch approve by a second actor"
run batch show 1 --json
[ "$(json_get 'j["requested_by"] != j["decided_by"] == "cli:reviewer"')" = "True" ] && ok ||
    bad "requester and approver are recorded apart"
run batch issue 1
expect_status 0 "batch issue"
expect_out "issued" "issue says issued"
[ "$(sqlite3 "$GIMARK_DB" 'SELECT count(*) FROM label WHERE batch_id = 1')" = 100 ] && ok || bad "100 labels stored"
refused 2 "it is issued" "issue twice" -- batch issue 1

code=$(sqlite3 "$GIMARK_DB" 'SELECT code FROM label WHERE batch_id = 1 ORDER BY seq LIMIT 1')
code2=$(sqlite3 "$GIMARK_DB" 'SELECT code FROM label WHERE batch_id = 1 ORDER BY seq LIMIT 1 OFFSET 1')
run verify "$code"
expect_out "NOT_ACTIVATED" "an issued label is not yet activated"
run batch activate 1
expect_status 0 "activate"
run verify "$code"
expect_out "GENUINE" "an activated label is genuine"
expect_out "田阳香芒" "verify names the product"
lower=$(printf '%s' "$code" | tr 'A-Z' 'a-z' | sed 's/\(....\)/\1-/g; s/-$//')
run verify --json "$lower"
[ "$(json_get 'j["verdict"], j["code"]')" = "GENUINE $code" ] && ok || bad "verify accepts lower case with hyphens"
run verify ABCD-EFGH-JKMN-PQRS
expect_out "MALFORMED" "a wrong check symbol is malformed"
expect_out "typo" "and is called a typo"

run batch void 1 "$code2" --reason "misprint"
expect_status 0 "void one code"
run verify "$code2"
expect_out "VOID" "a voided label says VOID"
refused 2 "voided already" "void a code twice" -- batch void 1 "$code2" --reason again
refused 1 "--reason is required" "void without reason" -- batch void 1

run batch show 1 --json
[ "$(json_get 'j["status"], j["labels_voided"], j["lot"]["lot_number"]')" = "activated 1 TY-2026-07" ] && ok || bad "batch show --json"
run batch list --json
[ "$(json_get 'len(j)')" = "1" ] && ok || bad "batch list"

run batch export 1 --format csv --out "$WORK/labels.csv" --base-url https://gi.example.cn
expect_status 0 "export csv"
[ "$(tail -n +2 "$WORK/labels.csv" | wc -l)" = 99 ] && ok || bad "csv has the 99 labels not voided"
grep -q "HTTPS://GI.EXAMPLE.CN/V/$code" "$WORK/labels.csv" && ok || bad "csv carries the upper-case URL"
grep -q "$code2" "$WORK/labels.csv" && bad "voided code left out of csv" || ok
refused 1 "format" "unknown export format" -- batch export 1 --format doc --out "$WORK/x"
refused 1 "base URL" "bad base URL" -- batch export 1 --format csv --out "$WORK/x" --base-url ftp://x

# an operator uses the mark once labels were issued under its approved authorisation
run stats --json
[ "$(json_get 'j["operators_using_mark"] >= 1 and j["operators_using_mark"] <= j["operators_authorised"]')" = "True" ] &&
    ok || bad "operators using the mark counted from issued labels"

# the suspended authorisation makes its labels say so
run auth suspend 1 --reason "inspection"
run verify "$code"
expect_out "AUTH_SUSPENDED" "labels of a suspended authorisation"
run auth reinstate 1 --reason "cleared"
run batch void 1 --reason "recalled"
expect_status 0 "void the whole batch"
run verify "$code"
expect_out "VOID" "labels of a voided batch"
run audit verify
expect_status 0 "audit chain intact after batch work"


finish
