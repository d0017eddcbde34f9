# lib.sh - helpers for CLI tests: run gimark as a user would and check what it
# says, its exit status and what it leaves in the database.
# Sourced by tests/cli/*.sh; they end with `finish`.

GIMARK=${GIMARK:-$(pwd)/build/gimark}
WORK=$(mktemp -d /tmp/gimark-cli-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export GIMARK_DB="$WORK/test.db"
export GIMARK_ACTOR_DEFAULT=test
pass=0
fail=0
out=""
err=""
status=0

# run ARGS...: runs gimark, keeping stdout in $out, stderr in $err, status in $status.
run() {
    "$GIMARK" "$@" >"$WORK/out" 2>"$WORK/err"
    status=$?
    out=$(cat "$WORK/out")
    err=$(cat "$WORK/err")
}

ok() {
    pass=$((pass + 1))
}

bad() {
    fail=$((fail + 1))
    echo "FAIL: $1"
    echo "  command status: $status"
    echo "  stdout: $(printf '%s' "$out" | head -c 400)"
    echo "  stderr: $(printf '%s' "$err" | head -c 400)"
}

# expect_status N DESCRIPTION
expect_status() {
    if [ "$status" -eq "$1" ]; then ok; else bad "$2 (wanted exit $1)"; fi
}

# expect_out TEXT DESCRIPTION: stdout contains TEXT
expect_out() {
    case "$out" in *"$1"*) ok ;; *) bad "$2 (stdout lacks '$1')" ;; esac
}

# expect_err TEXT DESCRIPTION: stderr contains TEXT
expect_err() {
    case "$err" in *"$1"*) ok ;; *) bad "$2 (stderr lacks '$1')" ;; esac
}

# expect_one_line_err DESCRIPTION: the error is exactly one line
expect_one_line_err() {
    if [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [ -n "$err" ]; then ok; else
        bad "$1 (stderr is not one line)"
    fi
}

dump() {
    sqlite3 "$GIMARK_DB" .dump
}

# refused STATUS TEXT DESCRIPTION -- ARGS...: the command fails with STATUS,
# says TEXT on one line of stderr, and leaves the database content unchanged.
refused() {
    want=$1
    text=$2
    what=$3
    shift 4
    before=$(dump)
    run "$@"
    expect_status "$want" "$what"
    expect_err "$text" "$what"
    expect_one_line_err "$what"
    if [ "$(dump)" = "$before" ]; then ok; else bad "$what (database changed)"; fi
}

# json_get EXPR: evaluates a Python expression on the JSON in $out (as j).
json_get() {
    printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"
}

finish() {
    echo "$(basename "$0"): $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
