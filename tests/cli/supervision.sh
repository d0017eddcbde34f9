#!/bin/sh
# supervision.sh - `gimark supervision` from the command line: the demo's round of
# inspections, a draw repeated from its seed, refusals that change nothing (exit 1 for
# input, 2 for the rules), and a publication file that holds no class.
. "$(dirname "$0")/lib.sh"

SEED=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
RATIOS=A:100,B:100,C:100,D:100

run init
run demo
expect_status 0 "demo loads"
expect_out "4 inspectors" "the demo registers inspectors"

run supervision inspections
expect_out "rectify" "the demo's round has a result to rectify"
run supervision registers
expect_out "GX-ZF-45-0004" "the inspectors' register lists certificate numbers"

run --json supervision draw --draw-ratios "$RATIOS" --seed "$SEED"
expect_status 0 "a draw with a seed"
first=$(json_get 'json.dumps(j["result"], sort_keys=True)')
run --json supervision draw --draw-ratios "$RATIOS" --seed "$SEED"
second=$(json_get 'json.dumps(j["result"], sort_keys=True)')
[ -n "$first" ] && [ "$first" = "$second" ] && ok || bad "the same seed gives the same draw"
run --json supervision draws
[ "$(json_get 'len(j)')" = 3 ] && ok || bad "every draw is kept (the demo's and two more)"

refused 1 "seed: 64 hex digits" "a short seed" -- supervision draw --seed abc
refused 1 "no class is exempt" "a class at 0%" -- supervision draw --draw-ratios A:0,B:1,C:1,D:1
refused 1 "inspectors: 2 to 8" "one inspector" -- \
    supervision inspect --operator 1 --body x --inspectors 1 --result no_problem
refused 2 "declared a conflict" "a conflicted inspector" -- \
    supervision inspect --operator 1 --body x --inspectors 1,4 --result no_problem
refused 1 "not one of the classes" "an unknown class" -- \
    supervision import-grade --operator 1 --class Z --as-of 2026-01-01 --source x
refused 1 "a PDF, PNG or JPEG" "evidence of another type" -- \
    supervision evidence 1 --file "$0"

run supervision import-grade --operator 2 --class D --as-of 2020-01-01 --source SAMR-CLI-TEST
expect_status 0 "a class imported"
run supervision grades --operator 2
expect_out "class D" "the imported class stands"
expect_out "SAMR-CLI-TEST" "with its source"
run supervision grades --operator 2 --as-of 2019-12-31
case "$out" in *"class D"*) bad "before its date the import does not stand" ;; *) ok ;; esac

year=$(sqlite3 "$GIMARK_DB" "select substr(inspected_on, 1, 4) from inspection limit 1")
run supervision publish --year "$year" --out "$WORK/pub.csv"
expect_status 0 "the year's results are published"
head -1 "$WORK/pub.csv" | grep -q '^date,body,operator,uscc' && ok || bad "the CSV's header"
grep -q 'SAMR-CLI-TEST\|,D,\|检查（演示）' "$WORK/pub.csv" && bad "no class or inspector in it" || ok
[ "$(sqlite3 "$GIMARK_DB" "select count(*) from inspection where published_at is null")" = 0 ] &&
    ok || bad "the publication date is recorded"

finish
