#!/bin/sh
# rules.sh - what the labelling rules ask printed, from the command line:
#   - a product with no announcement or registration number and no standard is
#     refused at every export (each format) with a message naming the missing
#     number and the two ways out, nothing written or audited, until the office
#     records the number or the decision to print it without one (gimark product
#     allow-unnumbered ID --reason); the decision is audited, shown, and
#     withdrawable; hostile reasons (overlong, bidi controls, non-UTF-8, line
#     breaks) are refused;
#   - --approval-no prints the authorisation's approval document number whole
#     after 核准文号 (read back from the PDF), or refuses naming the smallest size;
#     an authorisation without one is refused naming where to record it.
. "$(dirname "$0")/lib.sh"
BASE=https://gi.example.cn

# the demo records the decision for its products (none carries a number)
run demo
run product show 2
expect_out "printed without a number, decided by" "the demo's decision is shown"
run audit list --limit 200
expect_out "product.unnumbered.allow" "the demo's decision is in the audit log"
run batch request --auth 1 --count 3 --lot TY-7
run batch approve 1 --actor cli:reviewer
run batch issue 1
expect_status 0 "a batch of 3 of product 2 (no number, the demo's decision) issued"
run batch export 1 --format csv --out "$WORK/ok.csv" --base-url $BASE
expect_status 0 "printed under the demo's decision"
audited=$(sqlite3 "$GIMARK_DB" "SELECT detail FROM audit_log WHERE action = 'batch.export' ORDER BY id DESC LIMIT 1")
case $audited in *'"unnumbered":true'*) ok ;; *) bad "the export's audit row says it went out without a number: $audited" ;; esac

# withdrawn: every format refused, naming the number and both ways out
refused 1 "reason is required" "a withdrawal without a reason" -- product withdraw-unnumbered 2
run product withdraw-unnumbered 2 --reason "the announcement number is being looked up"
expect_status 0 "the decision withdrawn"
expect_out "is no longer printed without a number" "the withdrawal says so"
run audit list --limit 5
expect_out "product.unnumbered.withdraw" "the withdrawal is in the audit log"
expect_out "the announcement number is being looked up" "... with its reason"
run product show 2
expect_out "no number and no decision" "show says the product is not printed"
for fmt in csv pdf svg png zip; do
    refused 2 "has no announcement or registration number and no standard" \
        "$fmt of a product without any number" -- \
        batch export 1 --format $fmt --out "$WORK/x.$fmt" --base-url $BASE
    expect_err "gimark product allow-unnumbered 2 --reason" "$fmt: names the command for the decision"
    expect_err "/admin/products/2/edit" "$fmt: names where to record the number"
    [ ! -e "$WORK/x.$fmt" ] && ok || bad "$fmt of a product without any number: no file"
done
refused 1 "reason is required" "withdrawing again without a reason" -- \
    product withdraw-unnumbered 2 --reason ""
refused 2 "no decision to be printed without a number to withdraw" "withdrawing twice" -- \
    product withdraw-unnumbered 2 --reason "again"

# hostile reasons: nothing stored
long=$(python3 -c 'print("理" * 201)')
refused 1 "too long" "a reason of 201 characters" -- \
    product allow-unnumbered 2 --reason "$long"
refused 1 "text-direction control U+202E" "a reason with a bidi override" -- \
    product allow-unnumbered 2 --reason "$(printf 'no number \342\200\256rebmun on')"
refused 1 "not valid UTF-8" "a reason that is not UTF-8" -- \
    product allow-unnumbered 2 --reason "$(printf 'bad \377 byte')"
refused 1 "control character" "a reason with a line break" -- \
    product allow-unnumbered 2 --reason "$(printf 'two\nlines')"
refused 1 "product id" "a product id that is no number" -- \
    product allow-unnumbered 2x --reason "x"
refused 2 "no product 999" "a product that does not exist" -- \
    product allow-unnumbered 999 --reason "x"

# a product with a number needs no decision
run product add --name-zh 测试有号产品 --region 451003 --reg-number "国家质检总局公告2007年第102号"
refused 2 "needs no decision" "the decision for a product with a number" -- \
    product allow-unnumbered 16 --reason "x"

# recorded again (200 characters is the limit): exports work, the reason shown
reason200=$(python3 -c 'print("参考数据未载编号" * 25)')
run product allow-unnumbered 2 --reason "$reason200"
expect_status 0 "a reason of 200 characters"
run --json product show 2
[ "$(json_get 'len(j["unnumbered"]["reason"])')" = 200 ] && ok || bad "the JSON carries the reason whole"
for fmt in csv pdf; do
    run batch export 1 --format $fmt --out "$WORK/y.$fmt" --base-url $BASE
    expect_status 0 "$fmt under the decision"
done

# the approval document number on the label (demo: 演示批准文件 DEMO-2026-001)
run batch export 1 --format pdf --out "$WORK/a.pdf" --base-url $BASE --approval-no
expect_status 0 "a PDF with the approval number"
text=$(pdftotext "$WORK/a.pdf" - | tr -d ' \n')
n=$(printf '%s' "$text" | grep -o "核准文号演示批准文件DEMO-2026-001" | wc -l)
[ "$n" = 3 ] && ok || bad "each of the 3 labels carries the approval number whole ($n): $text"
plain=$(pdftotext "$WORK/y.pdf" - | grep -c "核准文号")
[ "$plain" = 0 ] && ok || bad "without --approval-no no approval number"
audited=$(sqlite3 "$GIMARK_DB" "SELECT detail FROM audit_log WHERE action = 'batch.export' ORDER BY id DESC LIMIT 1")
case $audited in *'"approval_no":true'*) ok ;; *) bad "the export's audit row says the approval number was printed" ;; esac
refused 1 "approval document number" "a 40x40 label too small with the approval number" -- \
    batch export 1 --format pdf --out "$WORK/s.pdf" --base-url $BASE --approval-no \
    --label-size 40x40
expect_err "the smallest label that holds" "... naming the smallest size"
[ ! -e "$WORK/s.pdf" ] && ok || bad "too small: no file"
size=$(printf '%s' "$err" | sed -n 's/.*--label-size \([0-9x.]*\)).*/\1/p')
run batch export 1 --format pdf --out "$WORK/s.pdf" --base-url $BASE --approval-no \
    --label-size "$size"
expect_status 0 "the size the refusal names holds the approval number ($size)"
n=$(pdftotext "$WORK/s.pdf" - | tr -d ' \n' | grep -o "核准文号演示批准文件DEMO-2026-001" | wc -l)
[ "$n" = 3 ] && ok || bad "read back whole at $size ($n)"

# an authorisation without an approval number (recorded before it was required)
sqlite3 "$GIMARK_DB" "UPDATE authorisation SET approval_doc = '' WHERE id = 1"
for fmt in csv pdf; do
    refused 2 "authorisation 1 has no approval document number" "$fmt --approval-no without one" -- \
        batch export 1 --format $fmt --out "$WORK/n.$fmt" --base-url $BASE --approval-no
    expect_err "gimark auth approve 1 --doc" "$fmt: names where to record it"
done
run batch export 1 --format csv --out "$WORK/n.csv" --base-url $BASE
expect_status 0 "without --approval-no it prints"

# hostile approval numbers are refused where they are recorded
op=93451003MA815908XM
refused 1 "too long" "an approval number of 101 characters" -- \
    auth grant --operator $op --product 2 --quota 10 --doc "$(python3 -c 'print("号" * 101)')"
refused 1 "text-direction control" "an approval number with a bidi isolate" -- \
    auth grant --operator $op --product 2 --quota 10 --doc "$(printf '\342\201\246DEMO-1\342\201\251')"
refused 1 "not valid UTF-8" "an approval number that is not UTF-8" -- \
    auth grant --operator $op --product 2 --quota 10 --doc "$(printf 'DEMO\300')"

# the setting: approval-no in the settings file
printf 'approval-no = yes\nbase-url = %s\n' $BASE >"$WORK/gimark.conf"
sqlite3 "$GIMARK_DB" "UPDATE authorisation SET approval_doc = '桂知发〔2026〕12号' WHERE id = 1"
run --config "$WORK/gimark.conf" batch export 1 --format pdf --out "$WORK/c.pdf"
expect_status 0 "approval-no from the settings file"
n=$(pdftotext "$WORK/c.pdf" - | tr -d ' \n' | grep -o "核准文号桂知发〔2026〕12号" | wc -l)
[ "$n" = 3 ] && ok || bad "the setting prints the approval number ($n)"

run audit verify
expect_status 0 "the audit chain holds"
finish
