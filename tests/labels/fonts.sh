#!/bin/sh
# fonts.sh - the fonts a PDF embeds when its CJK faces are cut down to the
# characters it prints (labels/fonts.c): an operator whose name holds rare
# characters (CJK Extension A and B) gets them printed from the cut-down
# Noto Sans CJK faces, every font embedded, nothing drawn by another font; a
# name holding a character Noto Sans CJK lacks (Georgian) is drawn as before,
# the system's fallback font printing that character, never an empty box;
# the cut-down faces' temporary files are gone after each export.
. "$(dirname "$0")/../cli/lib.sh"
BASE=https://gi.example.cn
D=$WORK
export TMPDIR="$D/tmp"
mkdir -p "$TMPDIR"

# uscc ORG8: a valid unified social credit code of a cooperative in 451003
# around the 8 characters of an organisation code (GB 11714 and GB 32100
# check characters)
uscc() {
    python3 -c "
cs = '0123456789ABCDEFGHJKLMNPQRTUWXY'
org = '$1'
c = 11 - sum(cs.index(x) * w for x, w in zip(org, [3, 7, 9, 10, 5, 8, 4, 2])) % 11
b = '93451003' + org + {10: 'X', 11: '0'}.get(c, str(c))
c = 31 - sum(cs.index(x) * w for x, w in zip(b, [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8,
                                                  24, 10, 30, 28])) % 31
print(b + cs[c % 31])"
}

run demo
expect_status 0 "demo"

# export NAME ORG8 OUT: an operator named NAME, authorised for product 1, a batch
# of 3 labels issued and exported as a PDF to OUT
export_for() {
    u=$(uscc "$2")
    run operator add --uscc "$u" --name "$1" --kind cooperative --region 451003
    expect_status 0 "operator add $1"
    run --json auth grant --operator "$u" --product 1 --quota 100 --doc "GI-TEST-1"
    expect_status 0 "auth grant $1"
    auth=$(json_get "j['id']")
    run auth approve "$auth" --doc "GI-TEST-1"
    run --json batch request --auth "$auth" --count 3 --lot F1
    batch=$(json_get "j['id']")
    run batch approve "$batch" --actor cli:reviewer
    run batch issue "$batch"
    expect_status 0 "batch issue $1"
    run batch export "$batch" --format pdf --out "$3" --base-url "$BASE"
    expect_status 0 "export $1"
}

# fonts PDF: "name emb" of each font pdffonts lists
fonts() { pdffonts "$1" | awk 'NR > 2 { print $1, $(NF - 4) }'; }

# ---- rare characters Noto Sans CJK SC has: its cut-down faces print them -------------
export_for "𠮷䶮茶业专业合作社" 7A3K9M2Q "$D/rare.pdf"
fonts "$D/rare.pdf" >"$D/rare.fonts"
if [ "$(wc -l <"$D/rare.fonts")" -eq 3 ] && ! grep -qv 'NotoSans.*CJKsc-.* yes$' "$D/rare.fonts"; then
    ok
else
    bad "rare characters: three Noto Sans CJK faces, embedded, and no other font ($(tr '\n' ';' <"$D/rare.fonts"))"
fi
text=$(pdftotext "$D/rare.pdf" - 2>/dev/null)
case $text in *"𠮷䶮茶业专业合作社"*) ok ;; *) bad "rare characters: pdftotext lacks the operator's name" ;; esac
case $text in *"百色芒果"*) ok ;; *) bad "rare characters: pdftotext lacks the GI name" ;; esac

# ---- a character Noto Sans CJK lacks: the system's fonts draw it, as before ------------
export_for "ა茶业合作社" 7A3K9M2R "$D/georgian.pdf"
fonts "$D/georgian.pdf" >"$D/georgian.fonts"
if grep -q 'DejaVu.* yes$' "$D/georgian.fonts" && ! grep -q ' no$' "$D/georgian.fonts"; then
    ok
else
    bad "Georgian: drawn by the fallback font, every font embedded ($(tr '\n' ';' <"$D/georgian.fonts"))"
fi
case $(pdftotext "$D/georgian.pdf" - 2>/dev/null) in
*"ა茶业合作社"*) ok ;;
*) bad "Georgian: pdftotext lacks the operator's name" ;;
esac

# ---- no temporary font left ------------------------------------------------------------
if [ -z "$(ls -A "$TMPDIR")" ]; then ok; else bad "temporary files left: $(ls -A "$TMPDIR")"; fi

finish
