/*
 * test_db.c - the storage layer: schema version, migrations, transactions.
 */
#include "db/db.h"
#include "test.h"
#include "testdb.h"

static db_product_t product(const char *name)
{
    db_product_t p = {0};
    snprintf(p.name_zh, sizeof p.name_zh, "%s", name);
    snprintf(p.regime, sizeof p.regime, "agri-product");
    snprintf(p.region_code, sizeof p.region_code, "450100");
    snprintf(p.status, sizeof p.status, "active");
    p.created_at = 1;
    return p;
}

static int count_rows(const db_product_t *p, void *arg)
{
    (void)p;
    (*(int *)arg)++;
    return 0;
}

static int products(testdb_t *t)
{
    int n = 0;
    db_page_t all = {0, 0};
    CHECK(db_product_list(t->db, NULL, all, count_rows, &n) == DB_OK);
    return n;
}

static void test_fresh_database_is_at_latest_version(void)
{
    testdb_t t;
    testdb_open(&t);
    CHECK(db_schema_version(t.db) == db_schema_latest(t.db));
    CHECK(db_schema_latest(t.db) >= 1);
    testdb_close(&t);
}

static void test_reopen_keeps_data(void)
{
    testdb_t t;
    char err[256];
    testdb_open(&t);
    db_product_t p = product("六堡茶");
    CHECK(db_product_insert(t.db, &p) == DB_OK);
    db_close(t.db);
    t.db = db_open(t.path, err, sizeof err);
    CHECK(t.db != NULL);
    CHECK(products(&t) == 1);
    testdb_close(&t);
}

/* The stored version: PRAGMA user_version on SQLite, the row of schema_version on
 * PostgreSQL. */
static int set_version(testdb_t *t, int v)
{
    char sql[80];
    if (testdb_is_pg(t))
        snprintf(sql, sizeof sql, "UPDATE schema_version SET version = %d", v);
    else
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
    return testdb_exec(t, sql);
}

static void test_newer_schema_is_refused(void)
{
    testdb_t t;
    char err[256];
    testdb_open(&t);
    int latest = db_schema_latest(t.db);
    db_close(t.db);
    CHECK(set_version(&t, 999) == 0);
    t.db = db_open(t.path, err, sizeof err);
    CHECK(t.db == NULL);
    CHECK(strstr(err, "newer") != NULL);
    /* put it back so testdb_close can close something */
    CHECK(set_version(&t, latest) == 0);
    t.db = db_open(t.path, err, sizeof err);
    CHECK(t.db != NULL);
    testdb_close(&t);
}

static void test_rollback_discards(void)
{
    testdb_t t;
    testdb_open(&t);
    CHECK(db_begin(t.db) == DB_OK);
    db_product_t p = product("荔浦芋");
    CHECK(db_product_insert(t.db, &p) == DB_OK);
    db_rollback(t.db);
    CHECK(products(&t) == 0);
    testdb_close(&t);
}

static void test_nested_changes(void)
{
    testdb_t t;
    testdb_open(&t);
    db_product_t a = product("外层"), b = product("内层"), c = product("第二内层");
    CHECK(db_begin(t.db) == DB_OK);
    CHECK(db_product_insert(t.db, &a) == DB_OK);
    CHECK(db_begin(t.db) == DB_OK);
    CHECK(db_product_insert(t.db, &b) == DB_OK);
    db_rollback(t.db); /* inner only */
    CHECK(db_begin(t.db) == DB_OK);
    CHECK(db_product_insert(t.db, &c) == DB_OK);
    CHECK(db_commit(t.db) == DB_OK);
    CHECK(db_commit(t.db) == DB_OK);
    CHECK(products(&t) == 2);
    db_product_t got;
    CHECK(db_product_get(t.db, b.id, &got) == DB_ENOTFOUND || strcmp(got.name_zh, "内层") != 0);
    /* an outer rollback discards committed inner changes too */
    CHECK(db_begin(t.db) == DB_OK);
    CHECK(db_begin(t.db) == DB_OK);
    db_product_t d = product("丢弃");
    CHECK(db_product_insert(t.db, &d) == DB_OK);
    CHECK(db_commit(t.db) == DB_OK);
    db_rollback(t.db);
    CHECK(products(&t) == 2);
    CHECK(db_commit(t.db) == DB_EIO); /* nothing open */
    testdb_close(&t);
}

static void test_unique_is_eexists(void)
{
    testdb_t t;
    testdb_open(&t);
    db_operator_t o = {0};
    snprintf(o.uscc, sizeof o.uscc, "93451003MA815908XM");
    snprintf(o.name, sizeof o.name, "合作社");
    snprintf(o.kind, sizeof o.kind, "cooperative");
    snprintf(o.region_code, sizeof o.region_code, "451003");
    snprintf(o.status, sizeof o.status, "active");
    CHECK(db_operator_insert(t.db, &o) == DB_OK);
    CHECK(db_operator_insert(t.db, &o) == DB_EEXISTS);
    db_operator_t got;
    CHECK(db_operator_find_uscc(t.db, "93451003MA815908XM", &got) == DB_OK);
    CHECK(got.id == o.id);
    CHECK(db_operator_find_uscc(t.db, "nope", &got) == DB_ENOTFOUND);
    testdb_close(&t);
}

static void test_schema_checks_hold(void)
{
    testdb_t t;
    testdb_open(&t);
    db_product_t p = product("x");
    snprintf(p.regime, sizeof p.regime, "bogus");
    CHECK(db_product_insert(t.db, &p) == DB_EIO);
    /* SQLite: "CHECK constraint failed"; PostgreSQL: "violates check constraint" */
    CHECK(strstr(db_errmsg(t.db), testdb_is_pg(&t) ? "check constraint" : "CHECK") != NULL);
    db_auth_t a = {0};
    a.operator_id = 42; /* no such operator: foreign key */
    a.product_id = 42;
    snprintf(a.status, sizeof a.status, "pending");
    snprintf(a.valid_from, sizeof a.valid_from, "2026-01-01");
    snprintf(a.valid_until, sizeof a.valid_until, "2027-01-01");
    a.yearly_quota = 1;
    CHECK(db_auth_insert(t.db, &a) == DB_EIO);
    testdb_close(&t);
}

static void test_paging(void)
{
    testdb_t t;
    testdb_open(&t);
    for (int i = 0; i < 7; i++) {
        db_product_t p = product("p");
        CHECK(db_product_insert(t.db, &p) == DB_OK);
    }
    int n = 0;
    db_page_t page = {5, 10};
    CHECK(db_product_list(t.db, NULL, page, count_rows, &n) == DB_OK);
    CHECK(n == 2);
    n = 0;
    page = (db_page_t){0, 3};
    CHECK(db_product_list(t.db, NULL, page, count_rows, &n) == DB_OK);
    CHECK(n == 3);
    testdb_close(&t);
}

static void test_scans_path(void)
{
    char out[64];
    db_scans_path("/var/lib/gimark/gimark.db", out, sizeof out);
    CHECK_STR(out, "/var/lib/gimark/gimark-scans.db");
    db_scans_path("/tmp/x", out, sizeof out);
    CHECK_STR(out, "/tmp/x-scans");
}

/* Scans go to the scans file (SQLite) or schema (PostgreSQL); the main one has no scan
 * table. */
static void test_scans_kept_apart(void)
{
    testdb_t t;
    testdb_open(&t);
    db_scan_t rows[3] = {{10, "CODE", NULL, "GENUINE", "k", "ios", 0},
                         {11, NULL, "junk", "MALFORMED", "k", "ios", 0},
                         {12, "CODE", NULL, "GENUINE", "k", "android", 0}};
    int64_t last = 0;
    CHECK(db_scans_record(t.db, rows, 3, &last) == DB_OK);
    int64_t n = -1, first = -1;
    if (db_scans_merged_on_record(t.db)) { /* PostgreSQL: counted as stored */
        CHECK(last == 0);
        CHECK(db_scan_count(t.db, "CODE", &n, &first) == DB_OK);
        CHECK(n == 2 && first == 10);
        CHECK(db_scan_totals_catch_up(t.db) == DB_OK); /* nothing left to catch up */
        db_scan_t more = {20, "CODE", NULL, "GENUINE", "k", "ios", 0};
        CHECK(db_scans_record(t.db, &more, 1, &last) == DB_OK);
        CHECK(db_scan_count(t.db, "CODE", &n, &first) == DB_OK);
        CHECK(n == 3 && first == 10);
        CHECK(testdb_int_scans(&t, "SELECT count(*) FROM scan") == 4);
        CHECK(testdb_int_scans(&t, "SELECT count(*) FROM scan_client WHERE code = 'CODE'") == 1);
        testdb_close(&t);
        return;
    }
    CHECK(last == 3);
    CHECK(db_scan_count(t.db, "CODE", &n, &first) == DB_OK);
    CHECK(n == 0 && first == 0); /* not in the totals yet */
    CHECK(db_scan_totals_catch_up(t.db) == DB_OK);
    CHECK(db_scan_count(t.db, "CODE", &n, &first) == DB_OK);
    CHECK(n == 2 && first == 10);
    CHECK(db_scan_totals_catch_up(t.db) == DB_OK); /* counts each scan once */
    CHECK(db_scan_count(t.db, "CODE", &n, &first) == DB_OK);
    CHECK(n == 2);
    /* a merge adds counts, keeps the earliest time and moves the mark */
    db_scan_t more = {20, "CODE", NULL, "GENUINE", "k", "ios", 0};
    CHECK(db_scans_record(t.db, &more, 1, &last) == DB_OK);
    db_scan_total_t add[2] = {{"CODE", 1, 20}, {"NEWCODE", 4, 7}};
    db_scan_client_t seen = {"NEWCODE", "k2", 7, 9};
    CHECK(db_scan_totals_merge(t.db, add, 2, &seen, 1, last) == DB_OK);
    CHECK(db_scan_totals_catch_up(t.db) == DB_OK);
    CHECK(db_scan_count(t.db, "CODE", &n, &first) == DB_OK);
    CHECK(n == 3 && first == 10);
    CHECK(db_scan_count(t.db, "NEWCODE", &n, &first) == DB_OK);
    CHECK(n == 4 && first == 7);
    CHECK(testdb_int_scans(&t, "SELECT count(*) FROM scan") == 4);
    CHECK(testdb_int(&t, testdb_is_pg(&t)
                             ? "SELECT count(*) FROM pg_tables WHERE tablename = 'scan'"
                               " AND schemaname <> 'scans'"
                             : "SELECT count(*) FROM sqlite_schema WHERE name = 'scan'") == 0);
    testdb_close(&t);
}

/* The scan writer's statements bind up to 32 rows each on SQLite: 69 scans,
 * totals and clients take two such statements and five of one row each.
 * On either engine every row is stored once, scans in order. */
static void test_scans_many_a_statement(void)
{
    enum { N = 69 };
    testdb_t t;
    testdb_open(&t);
    char codes[N][16];
    db_scan_t rows[N];
    db_scan_total_t totals[N];
    db_scan_client_t clients[N];
    for (int i = 0; i < N; i++) {
        snprintf(codes[i], sizeof codes[i], "M%03d", i);
        rows[i] = (db_scan_t){100 + i, codes[i], NULL, "GENUINE", "k", "ios", 0};
        totals[i] = (db_scan_total_t){codes[i], i + 1, 100 + i};
        clients[i] = (db_scan_client_t){codes[i], "k2", 50 + i, 200 + i};
    }
    int64_t last = 0;
    CHECK(db_scans_record(t.db, rows, N, &last) == DB_OK);
    CHECK(testdb_int_scans(&t, "SELECT count(*) FROM scan WHERE code LIKE 'M%'") == N);
    CHECK(testdb_int_scans(&t, "SELECT count(DISTINCT code) FROM scan WHERE code LIKE 'M%'") == N);
    CHECK(testdb_int_scans(&t, "SELECT count(*) FROM scan a JOIN scan b ON a.id < b.id "
                               "WHERE a.code LIKE 'M%' AND b.code LIKE 'M%' AND a.at > b.at") == 0);
    int merged = db_scans_merged_on_record(t.db); /* PostgreSQL: each counted once already */
    if (!merged)
        CHECK(last == testdb_int_scans(&t, "SELECT max(id) FROM scan"));
    CHECK(db_scan_totals_merge(t.db, totals, N, clients, N, last) == DB_OK);
    CHECK(testdb_int_scans(&t, "SELECT count(*) FROM scan_total WHERE code LIKE 'M%'") == N);
    CHECK(testdb_int_scans(&t, "SELECT sum(count) FROM scan_total WHERE code LIKE 'M%'") ==
          N * (N + 1) / 2 + (merged ? N : 0));
    int64_t n = 0, first = 0;
    CHECK(db_scan_count(t.db, "M068", &n, &first) == DB_OK);
    CHECK(n == N + merged && first == 168);
    CHECK(testdb_int_scans(&t, "SELECT count(*) FROM scan_client WHERE code LIKE 'M%' "
                               "AND client_key = 'k2'") == N);
    CHECK(testdb_int_scans(&t, "SELECT sum(last_at - first_at) FROM scan_client "
                               "WHERE code LIKE 'M%' AND client_key = 'k2'") == 150 * N);
    testdb_close(&t);
}

/* A database from before the scans file: its scans move over on open. */
static void test_old_scans_move(void)
{
    testdb_t t;
    char err[256];
    testdb_open(&t);
    if (testdb_is_pg(&t)) {
        TESTDB_SKIP("an upgrade of a SQLite file from before the scans file; the PostgreSQL "
                    "schema has had schema scans from its first version");
        testdb_close(&t);
        return;
    }
    db_close(t.db);
    CHECK(testdb_exec(&t,
                      "CREATE TABLE scan (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, code TEXT,"
                      " raw TEXT, verdict TEXT NOT NULL, client_key TEXT NOT NULL,"
                      " ua_class TEXT NOT NULL) STRICT;"
                      "INSERT INTO scan VALUES (1, 5, 'OLDCODE', NULL, 'GENUINE', 'k', 'ios'),"
                      " (2, 6, 'OLDCODE', NULL, 'GENUINE', 'k', 'ios');" TESTDB_DROP_AFTER_0007
                      "ALTER TABLE batch DROP COLUMN gtin;" /* added by version 7 */
                      "PRAGMA user_version = 5;") == 0);
    t.db = db_open(t.path, err, sizeof err);
    CHECK(t.db != NULL);
    CHECK(db_schema_version(t.db) == db_schema_latest(t.db));
    int64_t n = 0, first = 0;
    CHECK(db_scan_totals_catch_up(t.db) == DB_OK);
    CHECK(db_scan_count(t.db, "OLDCODE", &n, &first) == DB_OK);
    CHECK(n == 2 && first == 5);
    CHECK(testdb_int(&t, "SELECT count(*) FROM sqlite_schema WHERE name = 'scan'") == 0);
    testdb_close(&t);
}

/* A connection holding snapshots sees others' changes only once it renews. */
static void test_held_snapshot(void)
{
    testdb_t t;
    char err[256];
    testdb_open(&t);
    db_t *reader = db_open(t.path, err, sizeof err);
    CHECK(reader != NULL);
    db_hold_snapshots(reader, 600000);
    int64_t n = -1, first = 0;
    CHECK(db_scan_count(reader, "CODE", &n, &first) == DB_OK && n == 0);
    db_scan_t row = {10, "CODE", NULL, "GENUINE", "k", "ios", 0};
    int64_t last = 0;
    CHECK(db_scans_record(t.db, &row, 1, &last) == DB_OK);
    CHECK(db_scan_totals_catch_up(t.db) == DB_OK);
    if (testdb_is_pg(&t)) {
        /* what PostgreSQL does instead: the engine holds no snapshots, every read sees the
         * latest commit */
        TESTDB_SKIP("held read snapshots are SQLite's (the engine holds none); checked "
                    "instead that a reader asking to hold them sees a new commit at once");
        CHECK(db_scan_count(reader, "CODE", &n, &first) == DB_OK && n == 1);
        db_close(reader);
        testdb_close(&t);
        return;
    }
    CHECK(db_scan_count(reader, "CODE", &n, &first) == DB_OK && n == 0); /* still the old view */
    db_hold_snapshots(reader, 0);
    CHECK(db_scan_count(reader, "CODE", &n, &first) == DB_OK && n == 1);
    db_close(reader);
    testdb_close(&t);
}

/* A "standby" that is not in recovery (the primary itself, or a copy of its database)
 * never counts as current: its answers could be anything, so the primary gives them. */
static void test_replica_not_in_recovery(void)
{
    testdb_t t;
    char err[256];
    testdb_open(&t);
    if (!testdb_is_pg(&t)) {
        TESTDB_SKIP("a replica is a PostgreSQL standby; checked instead that a file is refused");
        CHECK(db_open_replica(t.path, err, sizeof err) == NULL && strstr(err, "standby"));
        testdb_close(&t);
        return;
    }
    db_t *replica = db_open_replica(t.path, err, sizeof err);
    CHECK(replica != NULL);
    CHECK(db_replica_current(replica, t.db) == 0);
    CHECK(db_replica_current(replica, t.db) == 0); /* asked again (a recheck) */
    CHECK(db_replica_current(t.db, t.db) == 0);    /* a connection not opened as a replica */
    db_close(replica);
    testdb_close(&t);
}

TEST_MAIN("db", TEST(test_fresh_database_is_at_latest_version), TEST(test_reopen_keeps_data),
          TEST(test_newer_schema_is_refused), TEST(test_rollback_discards),
          TEST(test_nested_changes), TEST(test_unique_is_eexists), TEST(test_schema_checks_hold),
          TEST(test_paging), TEST(test_scans_path), TEST(test_scans_kept_apart),
          TEST(test_scans_many_a_statement), TEST(test_old_scans_move), TEST(test_held_snapshot),
          TEST(test_replica_not_in_recovery))
