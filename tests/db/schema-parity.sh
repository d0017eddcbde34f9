#!/bin/sh
# schema-parity.sh - fails when the SQLite and PostgreSQL schemas of gimark drift apart.
#
#   sh tests/db/schema-parity.sh [POSTGRESQL-URI]
#
# One statement must run on both engines, so both must have the same tables with the same
# columns. This test lists, for each engine, one line per column:
#
#   schema.table.column #POSITION TYPE NULLABILITY      e.g. public.batch.gtin #19 text not-null
#
# and diffs the two sorted lists. SQLite: a fresh database made by `gimark init` (built
# with `make all`, or $GIMARK when set), its main file as schema `public` and its scans
# file (x-scans.db, which the server attaches as `scans`) as schema `scans`, sqlite_*
# tables left out. PostgreSQL: db/pg/schema.sql and then db/pg/migrations/*.sql in order,
# loaded into a scratch database, as information_schema.columns shows schemas public and
# scans, leaving out schema_version, audit_seq and registry_version (stand-ins for PRAGMA
# user_version, sqlite_sequence and PRAGMA data_version) and the partitions of
# a partitioned table (scans.scan_default and the monthly ones). TYPE is the storage class:
# integer (SQLite INTEGER; PostgreSQL bigint, integer, smallint), text, blob (bytea);
# NULLABILITY counts a primary key column as not-null, as both engines enforce it here.
# POSITION is the column's place in its table, since INSERT ... VALUES without a column
# list depends on it.
#
# With a URI (a role that may create databases), the scratch database is made on that
# server and dropped at the end; without, a throwaway cluster is started with
# tests/pg-cluster.sh and stopped at the end, on failure too.
#
# Exit status: 0 the schemas match, 1 they differ (the diff on stdout), 2 the check could
# not run (build, cluster or load failed; the reason on stderr).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd -P)
me=schema-parity.sh
uri=${1:-}
work=""
pgdir=""
scratch=""
scratch_uri=""

fail() {
    echo "$me: $*" >&2
    exit 2
}

cleanup() {
    rc=$?
    trap - EXIT
    if [ -n "$scratch" ]; then
        psql -X -q -d "$uri" -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null 2>&1 ||
            echo "$me: could not drop the scratch database $scratch" >&2
    fi
    if [ -n "$pgdir" ]; then
        sh "$root/tests/pg-cluster.sh" stop "$pgdir" || rc=2
    fi
    [ -z "$work" ] || rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# The caller's settings must not reach the commands below.
unset GIMARK_DB GIMARK_CONFIG PGSERVICE PGOPTIONS 2>/dev/null || true
export LC_ALL=C
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin} # the client of the server tests/pg-cluster.sh runs
psql() { "$PGBIN/psql" "$@"; }
work=$(mktemp -d)

# --- SQLite: a fresh database, its main file and its scans file.
if [ -z "${GIMARK:-}" ]; then
    make -s -C "$root" all >&2 || fail "make all failed"
    GIMARK=$root/build/gimark
fi
"$GIMARK" init --db "$work/x.db" >/dev/null || fail "$GIMARK init failed"
[ -f "$work/x-scans.db" ] || fail "gimark init made no scans file $work/x-scans.db"

sqlite3 -batch -noheader -list "$work/x.db" > "$work/sqlite.unsorted" <<EOF || fail "sqlite3 failed"
ATTACH '$work/x-scans.db' AS scans;
SELECT m.s || '.' || m.name || '.' || p.name || ' #' || (p.cid + 1) || ' ' ||
       CASE upper(p.type) WHEN 'INTEGER' THEN 'integer' WHEN 'TEXT' THEN 'text'
                          WHEN 'BLOB' THEN 'blob' ELSE lower(p.type) END || ' ' ||
       CASE WHEN p."notnull" OR p.pk > 0 THEN 'not-null' ELSE 'null' END
FROM (SELECT 'public' AS s, 'main' AS db, name FROM main.sqlite_schema
      WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
      UNION ALL
      SELECT 'scans', 'scans', name FROM scans.sqlite_schema
      WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\') AS m,
     pragma_table_info(m.name, m.db) AS p;
EOF
sort "$work/sqlite.unsorted" > "$work/sqlite.txt"

# --- PostgreSQL: the schema file and the migrations, in a scratch database.
if [ -z "$uri" ]; then
    pgdir=$(mktemp -d)
    uri=$(sh "$root/tests/pg-cluster.sh" start "$pgdir") || fail "could not start a PostgreSQL cluster"
    scratch_uri=$uri # the cluster's own empty database, gone with the cluster
else
    psql -X -q -v ON_ERROR_STOP=1 -d "$uri" -c "CREATE DATABASE gimark_parity_$$" >/dev/null ||
        fail "cannot create a scratch database on $uri (is the server up, may the role create databases?)"
    scratch=gimark_parity_$$ # made here: dropped at the end
    case $uri in
    postgres://* | postgresql://*)
        # replace the URI's database path, keeping its ?parameters
        scratch_uri=$(printf '%s\n' "$uri" |
            sed -E "s|^(postgres(ql)?://[^/?]*)(/[^?]*)?|\\1/$scratch|")
        ;;
    *) scratch_uri="$uri dbname=$scratch" ;; # key=value: the last dbname wins
    esac
fi

set -- -f "$root/db/pg/schema.sql"
for m in "$root"/db/pg/migrations/*.sql; do
    if [ -f "$m" ]; then set -- "$@" -f "$m"; fi
done
psql -X -q -1 -v ON_ERROR_STOP=1 -d "$scratch_uri" "$@" >/dev/null ||
    fail "loading db/pg/schema.sql and db/pg/migrations/ into PostgreSQL failed"

psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$scratch_uri" > "$work/pg.unsorted" <<'EOF' || fail "psql failed"
SELECT c.table_schema || '.' || c.table_name || '.' || c.column_name || ' #' ||
       row_number() OVER (PARTITION BY c.table_schema, c.table_name ORDER BY c.ordinal_position) || ' ' ||
       CASE WHEN c.data_type IN ('bigint', 'integer', 'smallint') THEN 'integer'
            WHEN c.data_type = 'bytea' THEN 'blob' ELSE c.data_type END || ' ' ||
       CASE c.is_nullable WHEN 'NO' THEN 'not-null' ELSE 'null' END
FROM information_schema.columns c
JOIN pg_catalog.pg_namespace n ON n.nspname = c.table_schema
JOIN pg_catalog.pg_class k ON k.relnamespace = n.oid AND k.relname = c.table_name
WHERE c.table_schema IN ('public', 'scans')
  AND k.relkind IN ('r', 'p') AND NOT k.relispartition
  AND NOT (c.table_schema = 'public' AND c.table_name IN ('schema_version', 'audit_seq',
                                                           'registry_version'));
EOF
sort "$work/pg.unsorted" > "$work/pg.txt"

# An empty list on either side would make two broken queries agree.
for side in sqlite pg; do
    grep -q '^public\.audit_log\.hash ' "$work/$side.txt" && grep -q '^scans\.scan\.at ' "$work/$side.txt" ||
        fail "the $side column list lacks public.audit_log or scans.scan: the query above is broken"
done

if diff -u "$work/sqlite.txt" "$work/pg.txt" > "$work/diff"; then
    echo "schema parity: $(wc -l < "$work/pg.txt") columns in $(cut -d. -f1,2 "$work/pg.txt" | sort -u | wc -l) tables match"
    exit 0
fi
echo "schema parity: the engines' schemas differ ('-' SQLite only, '+' PostgreSQL only):"
tail -n +3 "$work/diff" | grep '^[-+]'
exit 1
