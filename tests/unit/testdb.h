/*
 * testdb.h - a fresh database for unit tests, on either engine.
 *
 * Without GIMARK_TEST_PG: a temporary SQLite file (and its scans file beside it).
 * With GIMARK_TEST_PG set to the URI of a test cluster (tests/pg-cluster.sh start DIR
 * prints one): a database of its own on that cluster, CREATE DATABASE u_<pid>_<n> at
 * testdb_open() and DROP DATABASE ... WITH (FORCE) at testdb_close(); t->path is then
 * that database's URI, so db_open(t->path) opens it again.
 *
 * The helpers below read and change rows behind gimark's back, as a person with the
 * sqlite3 shell or psql would: each opens a connection of its own (sqlite3 or libpq),
 * runs the SQL and closes it. The *_scans variants reach the scan tables: on SQLite the
 * file db_scans_path(t->path) names, on PostgreSQL schema `scans` of the same database
 * (search_path scans, public). SQL that differs between the engines is chosen by the
 * test with testdb_is_pg(); what one engine only has is skipped on the other with
 * TESTDB_SKIP(), which says so.
 */
#ifndef GI_TESTDB_H
#define GI_TESTDB_H

#include "db/db.h"
#include "gi/gi.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char path[512]; /* SQLite: the file; PostgreSQL: the database's URI */
    db_t *db;
    gi_ctx_t ctx;
    int pg;         /* 1 on PostgreSQL */
    char name[64];  /* PostgreSQL: the database's name */
    char err[1024]; /* the last helper's error message, "" when none */
} testdb_t;

/* 2026-06-01T00:00:00Z, a fixed clock for the rules. */
#define TESTDB_NOW 1780272000LL

/* The test cluster's URI, or NULL when the tests run on SQLite. */
static inline const char *testdb_pg_uri(void)
{
    const char *uri = getenv("GIMARK_TEST_PG");
    return uri && *uri ? uri : NULL;
}

static inline int testdb_is_pg(const testdb_t *t)
{
    return t->pg;
}

static inline const char *testdb_engine(void)
{
    return testdb_pg_uri() ? "postgresql" : "sqlite";
}

/* Says that the calling test checks nothing of this on the engine that runs. */
#define TESTDB_SKIP(why)                                                                           \
    do {                                                                                           \
        printf("  %s: skipped on %s: %s\n", __func__, testdb_engine(), why);                       \
        fflush(stdout);                                                                            \
    } while (0)

static inline PGconn *testdb_pg_connect(const char *conninfo, char *err, size_t cap)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(err, cap, "%s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
}

/* Runs sql (no rows wanted) on the cluster's administrative database; 0 when done. */
static inline int testdb_pg_admin(const char *sql, char *err, size_t cap)
{
    PGconn *c = testdb_pg_connect(testdb_pg_uri(), err, cap);
    if (!c)
        return -1;
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        snprintf(err, cap, "%s", PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

/* The cluster's URI with the database name replaced by name (a key=value string gets a
 * dbname= at its end, which libpq lets win). */
static inline void testdb_pg_target(const char *base, const char *name, char *out, size_t cap)
{
    const char *scheme = strstr(base, "://");
    if (!scheme) {
        snprintf(out, cap, "%s dbname=%s", base, name);
        return;
    }
    const char *slash = strchr(scheme + 3, '/');
    const char *query = strchr(scheme + 3, '?');
    if (slash && query && query < slash)
        slash = NULL;
    size_t head = slash ? (size_t)(slash - base) : (query ? (size_t)(query - base) : strlen(base));
    int n = snprintf(out, cap, "%.*s/%s%s", (int)head, base, name, query ? query : "");
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "testdb: the test cluster's URI is too long\n");
        exit(3);
    }
}

static inline void testdb_open(testdb_t *t)
{
    char err[512];
    memset(t, 0, sizeof *t);
    if (testdb_pg_uri()) {
        static unsigned seq;
        char sql[128];
        t->pg = 1;
        snprintf(t->name, sizeof t->name, "u_%ld_%u", (long)getpid(), ++seq);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->name);
        if (testdb_pg_admin(sql, err, sizeof err) != 0) {
            fprintf(stderr, "testdb: %s: %s", sql, err);
            exit(3);
        }
        testdb_pg_target(testdb_pg_uri(), t->name, t->path, sizeof t->path);
    } else {
        snprintf(t->path, sizeof t->path, "/tmp/gimark-test-XXXXXX");
        int fd = mkstemp(t->path);
        if (fd < 0) {
            perror("mkstemp");
            exit(3);
        }
        close(fd);
        unlink(t->path);
    }
    t->db = db_open(t->path, err, sizeof err);
    if (!t->db) {
        fprintf(stderr, "db_open: %s\n", err);
        exit(3);
    }
    t->ctx = (gi_ctx_t){t->db, "test", TESTDB_NOW, NULL};
}

static inline void testdb_close(testdb_t *t)
{
    char side[600];
    db_close(t->db);
    t->db = NULL;
    if (t->pg) {
        char sql[128], err[512];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->name);
        if (testdb_pg_admin(sql, err, sizeof err) != 0)
            fprintf(stderr, "testdb: %s: %s", sql, err);
        return;
    }
    const char *ends[] = {"", "-wal", "-shm", "-scans", "-scans-wal", "-scans-shm"};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        snprintf(side, sizeof side, "%s%s", t->path, ends[i]);
        unlink(side);
    }
}

/* SQLite: drops the tables that migrations after 0007 create, for a test that sets the
 * stored version back to 7 or below to see an upgrade run again (each such migration
 * lists its own tables here, children first). */
#define TESTDB_DROP_AFTER_0007                                                                     \
    "ALTER TABLE product DROP COLUMN unnumbered_reason;"                                           \
    "ALTER TABLE product DROP COLUMN unnumbered_by; ALTER TABLE product DROP COLUMN "              \
    "unnumbered_at;"                                                                               \
    "DROP TABLE product_photo; ALTER TABLE product DROP COLUMN name_vi;"                           \
    "ALTER TABLE product DROP COLUMN name_th; ALTER TABLE product DROP COLUMN photo_at;"           \
    "ALTER TABLE authorisation DROP COLUMN status_at;"                                             \
    "DROP TABLE annual_close; DROP TABLE annual_text;"                                             \
    "DROP TABLE allocation; DROP TABLE producer; ALTER TABLE batch DROP COLUMN allocated;"         \
    "DROP TABLE usage_decision; DROP TABLE usage_report;"                                          \
    "DROP TABLE inspection_evidence; DROP TABLE inspection_inspector; DROP TABLE inspection;"      \
    "DROP TABLE inspection_draw; DROP TABLE inspector_conflict; DROP TABLE inspector;"             \
    "DROP TABLE inspection_item; DROP TABLE grade_import; DROP TABLE report_finding;"

/* --- rows behind gimark's back -------------------------------------------- */

/* What a query gave: each row's values as text (NULL for SQL NULL), handed to fn. */
typedef int (*testdb_row_fn)(int ncols, const char *const *vals, void *arg);

/* Runs sql on the main tables (scans 0) or the scan tables (scans 1), rows to fn (may be
 * NULL; a non-zero return stops). 0 when it ran, -1 with t->err set when refused. */
static inline int testdb_run(testdb_t *t, int scans, const char *sql, testdb_row_fn fn, void *arg)
{
    t->err[0] = '\0';
    if (t->pg) {
        PGconn *c = testdb_pg_connect(t->path, t->err, sizeof t->err);
        if (!c)
            return -1;
        if (scans)
            PQclear(PQexec(c, "SET search_path = scans, public"));
        PGresult *r = PQexec(c, sql);
        ExecStatusType st = PQresultStatus(r);
        int rc = 0;
        if (st == PGRES_TUPLES_OK) {
            int nf = PQnfields(r);
            const char *vals[64];
            if (nf > 64)
                nf = 64;
            for (int i = 0; i < PQntuples(r) && fn; i++) {
                for (int j = 0; j < nf; j++)
                    vals[j] = PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j);
                if (fn(nf, vals, arg))
                    break;
            }
        } else if (st != PGRES_COMMAND_OK) {
            snprintf(t->err, sizeof t->err, "%s", PQresultErrorMessage(r));
            rc = -1;
        }
        PQclear(r);
        PQfinish(c);
        return rc;
    }
    char file[600];
    sqlite3 *raw = NULL;
    if (scans)
        db_scans_path(t->path, file, sizeof file);
    else
        snprintf(file, sizeof file, "%s", t->path);
    if (sqlite3_open(file, &raw) != SQLITE_OK) {
        snprintf(t->err, sizeof t->err, "%s: %s", file, raw ? sqlite3_errmsg(raw) : "no memory");
        sqlite3_close(raw);
        return -1;
    }
    sqlite3_busy_timeout(raw, 5000);
    int rc = 0;
    const char *tail = sql;
    while (rc == 0 && tail && *tail) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(raw, tail, -1, &st, &tail) != SQLITE_OK) {
            rc = -1;
            break;
        }
        if (!st)
            break; /* only whitespace or comments left */
        int s, stop = 0;
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {
            int nf = sqlite3_column_count(st);
            const char *vals[64];
            if (nf > 64)
                nf = 64;
            for (int j = 0; j < nf; j++)
                vals[j] = (const char *)sqlite3_column_text(st, j);
            if (!stop && fn && fn(nf, vals, arg))
                stop = 1;
        }
        if (s != SQLITE_DONE)
            rc = -1;
        sqlite3_finalize(st);
    }
    if (rc)
        snprintf(t->err, sizeof t->err, "%s", sqlite3_errmsg(raw));
    sqlite3_close(raw);
    return rc;
}

/* Runs sql, which must succeed: 0 when it did, else -1 with the reason on stderr. */
static inline int testdb_exec_on(testdb_t *t, int scans, const char *sql)
{
    if (testdb_run(t, scans, sql, NULL, NULL) == 0)
        return 0;
    fprintf(stderr, "  testdb: %s: %s\n", sql, t->err);
    return -1;
}
#define testdb_exec(t, sql)       testdb_exec_on((t), 0, (sql))
#define testdb_exec_scans(t, sql) testdb_exec_on((t), 1, (sql))

/* 1 when the database refuses sql (its message in t->err), 0 when it ran it. */
static inline int testdb_refused(testdb_t *t, const char *sql)
{
    return testdb_run(t, 0, sql, NULL, NULL) != 0;
}

typedef struct {
    char *out;
    size_t cap;
    int rows;
} testdb_first_t;

static inline int testdb_first_row(int ncols, const char *const *vals, void *arg)
{
    testdb_first_t *f = arg;
    f->rows++;
    snprintf(f->out, f->cap, "%s", ncols > 0 && vals[0] ? vals[0] : "");
    return 1;
}

/* The first column of sql's first row as text into out ("" for NULL): 0 when there was
 * a row, else -1 (the reason on stderr). */
static inline int testdb_text_on(testdb_t *t, int scans, const char *sql, char *out, size_t cap)
{
    testdb_first_t f = {out, cap, 0};
    out[0] = '\0';
    if (testdb_run(t, scans, sql, testdb_first_row, &f) != 0) {
        fprintf(stderr, "  testdb: %s: %s\n", sql, t->err);
        return -1;
    }
    if (!f.rows) {
        fprintf(stderr, "  testdb: %s: no row\n", sql);
        return -1;
    }
    return 0;
}
#define testdb_text(t, sql, out, cap) testdb_text_on((t), 0, (sql), (out), (cap))

/* The first column of sql's first row as a number; -1 when the query failed or gave no
 * row (the reason on stderr). */
static inline int64_t testdb_int_on(testdb_t *t, int scans, const char *sql)
{
    char v[64];
    if (testdb_text_on(t, scans, sql, v, sizeof v) != 0)
        return -1;
    return strtoll(v, NULL, 10);
}
#define testdb_int(t, sql)       testdb_int_on((t), 0, (sql))
#define testdb_int_scans(t, sql) testdb_int_on((t), 1, (sql))

static inline int testdb_has_text(int ncols, const char *const *vals, void *arg)
{
    const char **want = arg;
    for (int j = 0; j < ncols; j++)
        if (vals[j] && strstr(vals[j], want[0])) {
            want[1] = "found";
            return 1;
        }
    return 0;
}

/* 1 when some value of some row of sql holds text, 0 when none does, -1 on error. */
static inline int testdb_contains(testdb_t *t, const char *sql, const char *text)
{
    const char *want[2] = {text, NULL};
    if (testdb_run(t, 0, sql, testdb_has_text, want) != 0) {
        fprintf(stderr, "  testdb: %s: %s\n", sql, t->err);
        return -1;
    }
    return want[1] != NULL;
}

#endif
