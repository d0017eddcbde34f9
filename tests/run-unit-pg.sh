#!/bin/sh
# run-unit-pg.sh - the unit tests on PostgreSQL. Usage: run-unit-pg.sh build/tests
#
# Starts a throwaway cluster (tests/pg-cluster.sh) in a temporary directory, runs
# tests/run-unit.sh DIR with GIMARK_TEST_PG set to its URI (each test makes a database
# of its own there, tests/unit/testdb.h) and stops the cluster, also when interrupted.
# With GIMARK_TEST_PG set already, runs on that cluster and starts none.
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
[ -n "$dir" ] || {
    echo "usage: sh tests/run-unit-pg.sh build/tests" >&2
    exit 2
}
if [ -n "${GIMARK_TEST_PG:-}" ]; then
    exec sh "$here/run-unit.sh" "$dir"
fi
cluster=$(mktemp -d /tmp/gimark-unit-pg-XXXXXX) || exit 3
stop() { sh "$here/pg-cluster.sh" stop "$cluster" || echo "run-unit-pg.sh: cluster in $cluster not stopped" >&2; }
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
if ! uri=$(sh "$here/pg-cluster.sh" start "$cluster"); then
    stop
    echo "unit ($dir, postgresql): 0 passed, 1 failed (no test cluster)"
    exit 1
fi
GIMARK_TEST_PG=$uri sh "$here/run-unit.sh" "$dir"
status=$?
stop
exit $status
