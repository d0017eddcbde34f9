/*
 * copy.c - moving a whole database from one engine to another: every record
 * of every table, ids kept, in one change on the receiving database.
 *
 * From SQLite to PostgreSQL: the source is read in one read transaction (a
 * snapshot, so a server may go on writing to it), each table with one
 * statement stepped row by row; each row becomes one line of a COPY ... FROM
 * STDIN into the same table of the target, so no table is ever held in
 * memory. The columns copied are the target's, read from its catalogue: a
 * column the source lacks, or one it has more, stops the copy with the
 * table's name.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/pg.h"
#include "db/sqlite.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 32

/* Each table after those its foreign keys name. */
static const char *const tables[DB_TABLES] = {
    "product",
    "operator",
    "authorisation",
    "auth_event",
    "batch",
    "label",
    "label_void",
    "producer",
    "allocation",
    "report",
    "account",
    "api_token",
    "session",
    "secret",
    "report_finding",
    "grade_import",
    "inspection_item",
    "inspector",
    "inspector_conflict",
    "inspection_draw",
    "inspection",
    "inspection_inspector",
    "inspection_evidence",
    "audit_log",
    "usage_report",
    "usage_decision",
    "annual_text",
    "annual_close",
    "product_photo",
    "scans.scan",
    "scans.scan_total",
    "scans.scan_merged",
    "scans.scan_client",
};

/* The one table whose row the schema makes: the target's is replaced. */
#define MADE_BY_SCHEMA "scans.scan_merged"

/* A table's name qualified for an engine: SQLite's main file is `main`,
 * PostgreSQL's register `public`; the scans are `scans` on both. */
static void qualified(const char *table, const char *main_schema, char *out, size_t cap)
{
    if (strchr(table, '.'))
        snprintf(out, cap, "%s", table);
    else
        snprintf(out, cap, "%s.%s", main_schema, table);
}

/* --- counts and samples (any engine) --------------------------------------------- */

db_err_t db_table_counts(db_t *db, db_table_rows_t out[DB_TABLES])
{
    for (int i = 0; i < DB_TABLES; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        db_query_t q = DB_QUERY(sql, 1);
        db_stmt_t *st = db->eng->prepare(db, &q, 1);
        if (!st)
            return DB_EIO;
        out[i].table = tables[i];
        out[i].rows = 0;
        db_err_t rc = db_step_one(db, st, tables[i]);
        if (rc == DB_OK)
            out[i].rows = db_col_int(st, 0);
        db->eng->finalize(st);
        if (rc != DB_OK)
            return rc;
    }
    return DB_OK;
}

static db_query_t q_label_sample = DB_QUERY("SELECT code FROM label ORDER BY random() LIMIT ?1", 1);

typedef struct {
    db_code_fn fn;
    void *arg;
} sample_ctx_t;

static int sample_row(db_stmt_t *st, void *arg)
{
    sample_ctx_t *c = arg;
    return c->fn(db_col_str(st, 0), c->arg);
}

db_err_t db_label_sample(db_t *db, int64_t n, db_code_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_label_sample);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, n);
    sample_ctx_t c = {fn, arg};
    return db_step_rows(db, st, "label sample", sample_row, &c);
}

/* --- COPY lines ----------------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t n, cap;
} line_t;

static int room(line_t *l, size_t more)
{
    if (l->n + more <= l->cap)
        return 1;
    size_t cap = l->cap ? l->cap : 4096;
    while (cap < l->n + more)
        cap *= 2;
    char *p = realloc(l->p, cap);
    if (!p)
        return 0;
    l->p = p;
    l->cap = cap;
    return 1;
}

/* Appends a value in COPY's text format: backslash, tab, newline and
 * carriage return escaped. */
static int put_text(line_t *l, const unsigned char *s, size_t n)
{
    if (!room(l, 2 * n + 2))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = (char)s[i];
        if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
            l->p[l->n++] = '\\';
            c = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
        }
        l->p[l->n++] = c;
    }
    return 1;
}

/* Appends bytes as bytea's hex input (\x0a1b...), its backslash escaped. */
static int put_blob(line_t *l, const unsigned char *b, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (!room(l, 2 * n + 4))
        return 0;
    l->p[l->n++] = '\\';
    l->p[l->n++] = '\\';
    l->p[l->n++] = 'x';
    for (size_t i = 0; i < n; i++) {
        l->p[l->n++] = hex[b[i] >> 4];
        l->p[l->n++] = hex[b[i] & 15];
    }
    return 1;
}

static int put_raw(line_t *l, const char *s, size_t n)
{
    if (!room(l, n))
        return 0;
    memcpy(l->p + l->n, s, n);
    l->n += n;
    return 1;
}

/* The current row of st as one COPY line; NULL is \N. */
static int row_line(sqlite3_stmt *st, int ncols, const int *blob, line_t *l)
{
    l->n = 0;
    for (int i = 0; i < ncols; i++) {
        int ok = i == 0 || put_raw(l, "\t", 1);
        if (!ok)
            return 0;
        if (sqlite3_column_type(st, i) == SQLITE_NULL)
            ok = put_raw(l, "\\N", 2);
        else if (blob[i])
            ok = put_blob(l, sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i));
        else
            ok = put_text(l, sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
        if (!ok)
            return 0;
    }
    return put_raw(l, "\n", 1);
}

/* --- one table ------------------------------------------------------------------------- */

typedef struct {
    char list[1024]; /* "a", "b", ... */
    int n;
    int blob[MAX_COLS];
    int has_id;
} columns_t;

/* The target's columns of a table, in their order. */
static db_err_t target_columns(db_t *to, const char *pgname, columns_t *cols)
{
    PGconn *c = db_pg_conn(to);
    const char *params[1] = {pgname};
    PGresult *res =
        PQexecParams(c,
                     "SELECT attname, atttypid = 'bytea'::regtype FROM pg_attribute "
                     "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped "
                     "ORDER BY attnum",
                     1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        db_err_t rc = db_pg_fail(to, res, pgname);
        PQclear(res);
        return rc;
    }
    memset(cols, 0, sizeof *cols);
    size_t used = 0;
    cols->n = PQntuples(res);
    for (int i = 0; i < cols->n && i < MAX_COLS; i++) {
        const char *name = PQgetvalue(res, i, 0);
        cols->blob[i] = PQgetvalue(res, i, 1)[0] == 't';
        cols->has_id |= strcmp(name, "id") == 0;
        used += (size_t)snprintf(cols->list + used,
                                 used < sizeof cols->list ? sizeof cols->list - used : 0,
                                 "%s\"%s\"", i ? ", " : "", name);
    }
    PQclear(res);
    if (cols->n == 0 || cols->n > MAX_COLS || used >= sizeof cols->list)
        return db_fail(to, DB_EIO, "%s: the target's table has %d columns", pgname, cols->n);
    return DB_OK;
}

/* The number of columns of a source table; -1 when it cannot be read. */
static int source_width(sqlite3 *s, const char *sqname)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM %s LIMIT 0", sqname);
    sqlite3_stmt *st = NULL;
    int n = sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK ? sqlite3_column_count(st) : -1;
    sqlite3_finalize(st);
    return n;
}

/* Ends a COPY: its end sent (or its failure, which makes the server throw
 * away what was sent), then every result read. */
static db_err_t end_copy(db_t *to, int ok, const char *what)
{
    PGconn *c = db_pg_conn(to);
    db_err_t rc = DB_OK;
    if (PQputCopyEnd(c, ok ? NULL : "the source could not be read") != 1)
        rc = db_pg_fail(to, NULL, what);
    PGresult *res;
    while ((res = PQgetResult(c)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == DB_OK && ok)
            rc = db_pg_fail(to, res, what);
        PQclear(res);
    }
    return rc;
}

static db_err_t copy_table(db_t *from, db_t *to, const char *table, columns_t *cols, line_t *line,
                           int64_t *rows)
{
    sqlite3 *s = db_conn(from);
    PGconn *c = db_pg_conn(to);
    char pgname[64], sqname[64], sql[1400];
    qualified(table, "public", pgname, sizeof pgname);
    qualified(table, "main", sqname, sizeof sqname);
    db_err_t rc = target_columns(to, pgname, cols);
    if (rc != DB_OK)
        return rc;
    int width = source_width(s, sqname);
    if (width != cols->n)
        return db_fail(to, DB_EIO,
                       "%s: the source's table has %d columns, the target's %d (is the target's "
                       "schema of another gimark?)",
                       table, width, cols->n);
    snprintf(sql, sizeof sql, "SELECT %s FROM %s", cols->list, sqname);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(to, DB_EIO, "%s: the source's columns are not the target's: %s", table,
                     sqlite3_errmsg(s));
        sqlite3_finalize(st);
        return rc;
    }
    snprintf(sql, sizeof sql, "COPY %s (%s) FROM STDIN", pgname, cols->list);
    PGresult *res = PQexec(c, sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        rc = db_pg_fail(to, res, table);
        PQclear(res);
        sqlite3_finalize(st);
        return rc;
    }
    PQclear(res);
    int step, sent = 1;
    *rows = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!row_line(st, cols->n, cols->blob, line)) {
            rc = db_fail(to, DB_EIO, "%s: out of memory", table);
            break;
        }
        if (PQputCopyData(c, line->p, (int)line->n) != 1) {
            sent = 0;
            break;
        }
        (*rows)++;
    }
    if (rc == DB_OK && step != SQLITE_DONE && sent)
        rc = db_fail(to, DB_EIO, "reading %s from the source: %s", table, sqlite3_errmsg(s));
    sqlite3_finalize(st);
    db_err_t end = end_copy(to, rc == DB_OK && sent, table);
    if (rc == DB_OK)
        rc = end;
    if (rc == DB_OK && !sent)
        rc = db_pg_fail(to, NULL, table);
    return rc;
}

/* --- identities and partitions ----------------------------------------------------------- */

/* The highest id SQLite handed out in a table kept with AUTOINCREMENT (past
 * rows deleted since), else 0. */
static int64_t source_sequence(sqlite3 *s, const char *table)
{
    sqlite3_stmt *st = NULL;
    int64_t seq = 0;
    if (sqlite3_prepare_v2(s, "SELECT seq FROM main.sqlite_sequence WHERE name = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            seq = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return seq;
}

/* Sets the identity sequence of a table past its highest id (and past
 * floor): the next row inserted takes the next id, never one copied. */
static db_err_t set_sequence(db_t *to, const char *table, int64_t floor)
{
    char pgname[64], sql[300], floor_text[24];
    qualified(table, "public", pgname, sizeof pgname);
    snprintf(floor_text, sizeof floor_text, "%lld", (long long)floor);
    snprintf(sql, sizeof sql,
             "SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST(max(id), $2::bigint)) "
             "FROM %s HAVING GREATEST(max(id), $2::bigint) > 0",
             pgname);
    const char *params[2] = {pgname, floor_text};
    PGresult *res = PQexecParams(db_pg_conn(to), sql, 2, NULL, params, NULL, NULL, 0);
    db_err_t rc = PQresultStatus(res) == PGRES_TUPLES_OK ? DB_OK : db_pg_fail(to, res, table);
    PQclear(res);
    return rc;
}

/* The audit log's high-water mark (PostgreSQL's audit_seq) from SQLite's
 * sqlite_sequence: rows deleted from the source's end stay seen. */
static db_err_t set_audit_seq(db_t *to, int64_t floor)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "UPDATE public.audit_seq SET highest = GREATEST(%lld, "
             "(SELECT coalesce(max(id), 0) FROM public.audit_log))",
             (long long)floor);
    PGresult *res = PQexec(db_pg_conn(to), sql);
    db_err_t rc =
        PQresultStatus(res) == PGRES_COMMAND_OK ? DB_OK : db_pg_fail(to, res, "audit_seq");
    PQclear(res);
    return rc;
}

/* The earliest scan at or after t in the source; 0 when there is none. */
static int next_scan(db_t *from, sqlite3_stmt *st, int64_t t, int64_t *at)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, t);
    int found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (found)
        *at = sqlite3_column_int64(st, 0);
    (void)from;
    return found;
}

/* Creates the monthly partitions of scans.scan that the source's scans fall
 * in (each found with one lookup of the scan_at index). */
static db_err_t scan_partitions(db_t *from, db_t *to)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db_conn(from), "SELECT min(at) FROM scans.scan WHERE at >= ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        db_err_t rc =
            db_fail(to, DB_EIO, "reading the source's scans: %s", sqlite3_errmsg(db_conn(from)));
        sqlite3_finalize(st);
        return rc;
    }
    db_err_t rc = DB_OK;
    int64_t at;
    int found = next_scan(from, st, INT64_MIN, &at);
    while (rc == DB_OK && found) {
        rc = db_pg_scan_partition(to, at);
        found = next_scan(from, st, db_pg_month_start(at, 1), &at);
    }
    sqlite3_finalize(st);
    return rc;
}

/* --- the whole database ------------------------------------------------------------------- */

/* Fails with DB_EEXISTS when a table of the target holds a record (beyond
 * the row its schema makes). */
static db_err_t target_empty(db_t *to)
{
    for (int i = 0; i < DB_TABLES; i++) {
        if (strcmp(tables[i], MADE_BY_SCHEMA) == 0)
            continue;
        char pgname[64], sql[128];
        qualified(tables[i], "public", pgname, sizeof pgname);
        snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM %s)", pgname);
        PGresult *res = PQexec(db_pg_conn(to), sql);
        db_err_t rc = DB_OK;
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            rc = db_pg_fail(to, res, tables[i]);
        else if (PQgetvalue(res, 0, 0)[0] == 't')
            rc = db_fail(to, DB_EEXISTS, "the target is not empty: %s holds records", tables[i]);
        PQclear(res);
        if (rc != DB_OK)
            return rc;
    }
    return DB_OK;
}

static db_err_t exec_pg(db_t *to, const char *sql, const char *what)
{
    PGresult *res = PQexec(db_pg_conn(to), sql);
    ExecStatusType s = PQresultStatus(res);
    db_err_t rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? DB_OK : db_pg_fail(to, res, what);
    PQclear(res);
    return rc;
}

/* Copies every table inside the target's open change. */
static db_err_t copy_tables(db_t *from, db_t *to, db_table_rows_t copied[DB_TABLES],
                            db_copy_progress_fn progress, void *arg)
{
    /* the statement timeout guards a server's requests, not a move of millions of rows */
    db_err_t rc = exec_pg(to, "SET LOCAL statement_timeout = 0", "statement timeout");
    if (rc == DB_OK)
        rc = target_empty(to);
    if (rc == DB_OK)
        rc = exec_pg(to, "DELETE FROM " MADE_BY_SCHEMA, MADE_BY_SCHEMA);
    if (rc == DB_OK)
        rc = scan_partitions(from, to);
    line_t line = {0};
    int has_id[DB_TABLES] = {0};
    for (int i = 0; rc == DB_OK && i < DB_TABLES; i++) {
        columns_t cols;
        copied[i].table = tables[i];
        copied[i].rows = 0;
        rc = copy_table(from, to, tables[i], &cols, &line, &copied[i].rows);
        has_id[i] = cols.has_id;
        if (rc == DB_OK && progress)
            progress(tables[i], copied[i].rows, arg);
    }
    free(line.p);
    if (rc == DB_OK)
        rc = set_audit_seq(to, source_sequence(db_conn(from), "audit_log"));
    /* last: a sequence moved is not taken back by a rollback */
    for (int i = 0; rc == DB_OK && i < DB_TABLES; i++)
        if (has_id[i])
            rc = set_sequence(to, tables[i], source_sequence(db_conn(from), tables[i]));
    return rc;
}

db_err_t db_copy_all(db_t *from, db_t *to, db_table_rows_t copied[DB_TABLES],
                     db_copy_progress_fn progress, void *arg)
{
    if (!db_conn(from) || !db_pg_conn(to))
        return db_fail(to, DB_EIO,
                       "a whole database is copied from SQLite to PostgreSQL only "
                       "(here from %s to %s)",
                       db_engine_name(from), db_engine_name(to));
    if (to->depth > 0 || !sqlite3_get_autocommit(db_conn(from)))
        return db_fail(to, DB_EIO, "copy: a transaction is open");
    /* one snapshot of the source, taken on the scans file first: every scan
     * copied was recorded before the register is read, so its label is there */
    if (db_exec(from, "BEGIN; SELECT count(*) FROM scans.sqlite_schema; "
                      "SELECT count(*) FROM main.sqlite_schema") != DB_OK)
        return db_fail(to, DB_EIO, "reading the source: %s", db_errmsg(from));
    db_err_t rc = db_begin(to);
    if (rc == DB_OK) {
        rc = copy_tables(from, to, copied, progress, arg);
        if (rc == DB_OK)
            rc = db_commit(to);
        if (rc != DB_OK)
            db_rollback(to);
    }
    sqlite3_exec(db_conn(from), "COMMIT", NULL, NULL, NULL);
    return rc;
}
