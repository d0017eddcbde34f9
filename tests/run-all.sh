#!/bin/sh
# run-all.sh - every test suite of `make test`, with one closing line
# "N passed, N failed" that adds up all suites. Expects `make all` done.
#
# The suites run in two lanes at once, one per core: most of them wait on a
# server, a browser or a database more than they compute, and one after the
# other they took more than the 15 minutes `make test` may take. The SQLite
# lane: the unit tests (plain and under the sanitizers), the command-line and
# label suites, the integration suites on SQLite. The PostgreSQL lane: a
# throwaway cluster, the unit tests and the integration suites on it, then the
# server's hostile-input suites built with the sanitizers and the browser test
# (on SQLite). The role-by-route matrix under the sanitizers and the fuzz
# targets close the SQLite lane: the two lanes then take about as long.
# Every server listens on a port it picks itself, every suite works in a
# directory of its own, so the lanes share nothing. Each lane's output is
# shown whole, one after the other, once both are done.
cd "$(dirname "$0")/.." || exit 3
# The suites need only the standard library of Debian's python3 (one of the
# packages `make deps` installs). A version manager's shim first on PATH
# costs half a second or more a start, and the shell suites start it often.
[ -x /usr/bin/python3 ] && PATH=/usr/bin:$PATH
export PATH

work=$(mktemp -d /tmp/gimark-run-all-XXXXXX)
pgdir=$(mktemp -d /tmp/gimark-pg-XXXXXX) # the cluster's own directory (pg-cluster.sh)
sqlite_pid=""
pg_pid=""
trap 'sh tests/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1; rm -rf "$work"' EXIT
# stopped early: the lanes go too, and the EXIT trap stops the cluster
trap 'kill $sqlite_pid $pg_pid 2>/dev/null; exit 130' INT
trap 'kill $sqlite_pid $pg_pid 2>/dev/null; exit 143' TERM

# suite NAME COMMAND...: runs one suite, shows its output and time, and adds its
# "N passed, N failed" line (a suite that exits non-zero with none failed
# counts as one failure) to the lane's tally file $tally.
suite() {
    name=$1
    shift
    echo "== $name"
    t0=$(date +%s)
    out=$("$@" 2>&1)
    status=$?
    printf '%s\n' "$out"
    echo "($name: $(($(date +%s) - t0)) s)"
    line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
    p=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
    f=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    [ -n "$p" ] || p=0
    [ -n "$f" ] || f=0
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$name: exit status $status"
        f=1
    fi
    echo "$p $f" >>"$tally"
}

sqlite_lane() {
    unset GIMARK_TEST_PG
    suite "unit tests" sh tests/run-unit.sh build/tests
    suite "unit tests under ASan+UBSan" sh tests/run-unit.sh build/san/tests
    for t in tests/cli/*.sh tests/labels/*.sh tests/integration/*.sh; do
        case $(basename "$t") in lib.sh | migrate.sh) continue ;; esac
        [ -f "$t" ] || continue
        suite "$t" sh "$t"
    done
    for t in tests/integration/test_*.py; do
        [ -f "$t" ] || continue
        suite "$t" python3 "$t"
    done
    # these two here even out the lanes (the other was 80 s longer)
    under_sanitizers tests/integration/test_page_matrix.py
    suite "fuzz targets (6 s each)" sh tests/fuzz/run.sh 6
}

# The same suites on PostgreSQL, each workdir a fresh database on a throwaway
# cluster this lane starts and stops. Left out: what only a SQLite file has
# (backup and restore of the file, the crash test's file checks, deploy/'s
# single-machine layout).
pg_on() {
    sh tests/db/schema-parity.sh "$GIMARK_TEST_PG" && echo "schema parity: 1 passed, 0 failed"
}
pg_lane() {
    if GIMARK_TEST_PG=$(sh tests/pg-cluster.sh start "$pgdir"); then
        export GIMARK_TEST_PG
        suite "schema parity of the two engines" pg_on
        suite "unit tests on PostgreSQL" sh tests/run-unit.sh build/tests
        suite "tests/cli/migrate.sh" sh tests/cli/migrate.sh
        for t in tests/integration/test_*.py; do
            case $t in
            */test_backup.py | */test_crash.py | */test_deploy.py) continue ;;
            esac
            # the mixed load of test_abuse.py for 10 s, not 15: what the load tests of
            # the server is the same on either engine; what differs, every answered
            # scan stored, shows as well in 10 s
            suite "$t on PostgreSQL" env LOAD_SECONDS=10 python3 "$t"
        done
        sh tests/pg-cluster.sh stop "$pgdir"
        unset GIMARK_TEST_PG
    else
        echo "the PostgreSQL test cluster did not start: the suites on PostgreSQL did not run"
        echo "0 1" >>"$tally"
    fi
    under_sanitizers tests/integration/test_hostile.py tests/integration/test_api.py \
        tests/integration/test_pages.py
    # on SQLite, here rather than in the other lane, which is the longer one
    suite "tests/browser (Chromium)" node tests/browser/browser.test.js
}

# under_sanitizers SUITE...: the server's suites once more with gimark built with
# AddressSanitizer and UBSan: any memory error or leak makes it exit non-zero.
under_sanitizers() {
    export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
    for t in "$@"; do
        suite "$t under ASan+UBSan" env GIMARK="$PWD/build/san/gimark" python3 "$t"
    done
    unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
}

t0=$(date +%s)
(tally="$work/sqlite.tally" sqlite_lane >"$work/sqlite.log" 2>&1) &
sqlite_pid=$!
(tally="$work/pg.tally" pg_lane >"$work/pg.log" 2>&1) &
pg_pid=$!
wait "$sqlite_pid"
wait "$pg_pid"
for lane in sqlite pg; do
    echo "======== the $lane lane"
    cat "$work/$lane.log"
done
total_p=0
total_f=0
for lane in sqlite pg; do
    [ -s "$work/$lane.tally" ] || { echo "the $lane lane recorded no suite"; total_f=$((total_f + 1)); }
    while read -r p f; do
        total_p=$((total_p + p))
        total_f=$((total_f + f))
    done <"$work/$lane.tally" 2>/dev/null
done
echo
echo "(both lanes: $(($(date +%s) - t0)) s)"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
