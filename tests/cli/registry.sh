#!/bin/sh
# registry.sh - the registry CLI as a regulator uses it: products, operators,
# authorisations and their state machine, stats, help and errors.
. "$(dirname "$0")/lib.sh"

run product list
expect_status 3 "a missing database is an I/O error"
expect_err "gimark init" "a missing database points to init"

run init
expect_status 0 "init creates the database"
expect_out "schema version" "init reports the schema version"
run init
expect_status 0 "init is idempotent"

# products
run product add --name-zh 百色芒果 --name-en "Baise Mango" --regime cnipa-product \
    --reg-number 质检总局2011年第178号 --region 451000 --gtin 4006381333931
expect_status 0 "product add"
expect_out "added product 1: 百色芒果" "product add names the product"
refused 1 "GTIN" "bad GTIN check digit" -- product add --name-zh 六堡茶 --region 450400 --gtin 4006381333932
refused 2 "already used" "duplicate GTIN" -- product add --name-zh 六堡茶 --region 450400 --gtin 04006381333931
refused 1 "regime" "unknown regime" -- product add --name-zh 六堡茶 --region 450400 --regime trademark
refused 1 "region" "bad region code" -- product add --name-zh 六堡茶 --region 4504
refused 1 "product name is required" "missing name" -- product add --region 450400
refused 1 "UTF-8" "invalid UTF-8" -- product add --name-zh "$(printf 'bad\377')" --region 450400
run product add --name-zh 六堡茶 --name-en "Liubao Tea" --region 450400
expect_status 0 "second product"
run --json product show 1
expect_status 0 "product show --json"
[ "$(json_get 'j["gtin"]')" = "04006381333931" ] && ok || bad "GTIN stored as GTIN-14"
run product show 99
expect_status 2 "unknown product id"
expect_err "no product with id 99" "unknown product says so"
run product show abc
expect_status 1 "non-numeric id is a usage error"
run product list --json
[ "$(json_get 'len(j)')" = "2" ] && ok || bad "product list --json has two rows"
run product list --limit 1 --offset 1 --json
[ "$(json_get 'j[0]["name_zh"]')" = "六堡茶" ] && ok || bad "product list paging"

# operators
run operator add --uscc 93451003MA815908XM --name 田阳香芒专业合作社 --kind cooperative --region 451003
expect_status 0 "operator add"
refused 1 "check character" "USCC with a wrong check character" -- \
    operator add --uscc 93451003MA815908XN --name 某合作社 --kind cooperative --region 451003
refused 1 "18" "USCC of 17 characters" -- \
    operator add --uscc 93451003MA815908X --name 某合作社 --kind cooperative --region 451003
refused 1 "not allowed" "USCC with a forbidden letter" -- \
    operator add --uscc 93451003MAO15908XM --name 某合作社 --kind cooperative --region 451003
refused 2 "already registered" "duplicate USCC" -- \
    operator add --uscc 93451003ma815908xm --name 另一家 --kind cooperative --region 451003
refused 1 "kind" "unknown operator kind" -- \
    operator add --uscc 91450100MA8609132C --name 公司 --kind farm --region 450100
run operator add --uscc 93451003MA815908XN --name 登记有误合作社 --kind cooperative --region 451003 \
    --override-reason "listed so in the register; correction requested"
expect_status 0 "a USCC failing its check is recorded with an override"
expect_out "override" "the override is mentioned"
run operator add --uscc 91450100MA8609132C --name 苍梧六堡茶厂 --kind company --region 450421
expect_status 0 "third operator"
run operator show 93451003MA815908XM --json
[ "$(json_get 'j["id"]')" = "1" ] && ok || bad "operator show by USCC"

# authorisations and their state machine
refused 1 "--quota is required" "grant without quota" -- auth grant --operator 1 --product 1
refused 2 "no operator" "grant for an unknown operator" -- auth grant --operator 91450100MA8609132D --product 1 --quota 10
refused 2 "no product" "grant for an unknown product" -- auth grant --operator 1 --product 9 --quota 10
run auth grant --operator 93451003MA815908XM --product 1 --quota 50000 --from 2026-01-01 --until 2028-12-31
expect_status 0 "grant"
expect_out "pending" "a new authorisation is pending"
refused 2 "already holds" "second live grant for the same pair" -- auth grant --operator 1 --product 1 --quota 10
refused 1 "approval document" "approve without a document" -- auth approve 1
refused 2 "cannot suspend" "suspend a pending authorisation" -- auth suspend 1 --reason x
refused 2 "cannot reinstate" "reinstate a pending authorisation" -- auth reinstate 1 --reason x
run auth approve 1 --doc "CNIPA Announcement No. 475"
expect_status 0 "approve"
expect_out "approved" "approve says approved"
refused 2 "cannot approve" "approve twice" -- auth approve 1 --doc x
refused 2 "cannot reinstate" "reinstate an approved authorisation" -- auth reinstate 1 --reason x
refused 1 "--reason is required" "suspend without reason" -- auth suspend 1
run auth suspend 1 --reason "inspection found mislabelled lots"
expect_status 0 "suspend"
refused 2 "cannot suspend" "suspend twice" -- auth suspend 1 --reason x
refused 2 "cannot approve" "approve a suspended authorisation" -- auth approve 1 --doc x
run auth reinstate 1 --reason "corrected"
expect_status 0 "reinstate"
run auth revoke 1 --reason "misuse of the mark"
expect_status 0 "revoke"
for action in approve suspend reinstate revoke; do
    refused 2 "revoked" "$action a revoked authorisation" -- auth $action 1 --reason x --doc x
done
refused 2 "no authorisation" "unknown authorisation" -- auth approve 42 --doc x

# expiry is derived from the date
run auth grant --operator 3 --product 2 --quota 10 --from 2020-01-01 --until 2021-12-31 --doc "No. 1"
expect_status 0 "grant an authorisation that has already ended"
expect_out "expired" "its status reads expired"
refused 2 "expired" "approve an expired authorisation" -- auth approve 2
run auth list --json
[ "$(json_get '[a["status"] for a in j]')" = "['revoked', 'expired']" ] && ok || bad "auth list statuses"
run auth list --operator 91450100MA8609132C
expect_status 0 "auth list by operator"
expect_out "expired" "the operator's list shows its authorisation"

# two years without use are flagged for review
run auth grant --operator 2 --product 1 --quota 10 --doc "No. 2"
run auth approve 3
expect_status 0 "approve the third authorisation"
GIMARK_NOW=$(( $(date +%s) + 800 * 86400 )) run auth list --json
[ "$(json_get '[a["needs_review"] for a in j if a["id"] == 3][0]')" = "True" ] && ok || bad "two years' non-use flagged"

# stats
run stats --target 1000
expect_status 0 "stats"
expect_out "using the mark:   0 operators of a target of 1000 (0.0%), 1000 to go (1 authorised" "stats against the target"
run stats --json --target 4
[ "$(json_get 'j["operators_using_mark"], j["operators_authorised"], j["target"]')" = "0 1 4" ] &&
    ok || bad "stats --json"
GIMARK_TARGET=50 run stats --json
[ "$(json_get 'j["target"]')" = "50" ] && ok || bad "GIMARK_TARGET sets the target"

# an operator seated outside the product's protected area (Tianyang, 451003, for
# Liubao tea of Wuzhou, 450400): refused naming both regions, or granted with an
# override whose reason the audit log keeps
refused 2 "451003 (Tianyang District, Baise, Guangxi), outside the protected area of product 2, 450400 (Wuzhou, Guangxi)" \
    "grant outside the protected area" -- auth grant --operator 1 --product 2 --quota 10
refused 1 "area override reason" "an override reason that is not text" -- \
    auth grant --operator 1 --product 2 --quota 10 --area-override "$(printf 'bad\377')"
run --json auth grant --operator 1 --product 2 --quota 10 \
    --area-override "processing plant of a Wuzhou tea house, approved by the province"
expect_status 0 "grant outside the area with an override and its reason"
run --json audit list --limit 1
[ "$(json_get 'j[0]["action"] + " " + j[0]["detail"]["area_override"]')" = \
    "auth.grant processing plant of a Wuzhou tea house, approved by the province" ] && ok ||
    bad "the override's reason is in the audit log"
run --json auth grant --operator 3 --product 1 --quota 10
expect_status 2 "Cangwu is outside Baise's area"

# help, usage errors
for c in "init" "demo" "product add" "product list" "product show" "operator add" "operator list" \
    "operator show" "auth grant" "auth approve" "auth suspend" "auth reinstate" "auth revoke" \
    "auth list" "audit verify" "audit list" "stats"; do
    # shellcheck disable=SC2086
    run $c --help
    if [ "$status" -eq 0 ] && printf '%s' "$out" | grep -q "^usage: gimark $c"; then ok; else
        bad "$c --help"
    fi
done
run --help
expect_status 0 "gimark --help"
expect_out "commands:" "gimark --help lists commands"
run frobnicate
expect_status 1 "unknown command"
expect_err "unknown command" "unknown command says so"
run product add --bogus 1
expect_status 1 "unknown option"
run product show
expect_status 1 "missing argument"

# --db wins over GIMARK_DB
run --db "$WORK/other.db" init
expect_status 0 "--db creates another database"
[ -f "$WORK/other.db" ] && ok || bad "--db used"

finish
