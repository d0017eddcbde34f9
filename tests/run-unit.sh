#!/bin/sh
# run-unit.sh - runs every unit-test binary in a directory and adds up their
# "N passed, N failed" lines. Usage: run-unit.sh build/tests
# With GIMARK_TEST_PG set to a test cluster's URI (tests/pg-cluster.sh), the tests
# that use a database run on PostgreSQL (tests/unit/testdb.h); run-unit-pg.sh starts
# and stops such a cluster around this script.
dir=$1
engine=sqlite
[ -n "${GIMARK_TEST_PG:-}" ] && engine=postgresql
# library caches (fonts, glyphs) are not leaks of ours: tests/lsan.supp
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp}"
passed=0
failed=0
for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1)
    status=$?
    printf '%s\n' "$out" | grep -v ': [0-9]* passed, [0-9]* failed$'
    line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    p=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
    f=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
    if [ -z "$line" ]; then
        echo "$(basename "$t"): crashed or printed no result (exit $status)"
        p=0
        f=1
    elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$(basename "$t"): exit $status"
        f=1
    fi
    echo "  $(basename "$t"): $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "unit ($dir, $engine): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
