/*
 * engine.c - the statement layer of engine.h and the connection-level db_
 * API, written once over an engine's db_engine_t.
 */
#include "db/engine.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- connections ------------------------------------------------------------------ */

int db_target_is_server(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0 ||
           strstr(target, "dbname=") != NULL || strstr(target, "host=") != NULL;
}

void db_target_shown(const char *target, char *out, size_t cap)
{
    snprintf(out, cap, "%s", target);
    char *scheme = strstr(out, "://");
    if (scheme) { /* postgresql://user:password@host/... */
        char *at = strchr(scheme + 3, '@');
        char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
        if (colon && (size_t)(colon - out) + 5 + strlen(at) < cap)
            memmove(colon + 4, at, strlen(at) + 1), memcpy(colon, ":***", 4);
        return;
    }
    for (char *p = strstr(out, "password="); p; p = strstr(p + 1, "password=")) {
        char *v = p + 9, *end = v;
        while (*end && *end != ' ')
            end++;
        if ((size_t)(v - out) + 3 + strlen(end) < cap) {
            memmove(v + 3, end, strlen(end) + 1);
            memcpy(v, "***", 3);
        }
    }
}

db_t *db_open(const char *target, char *errbuf, size_t errlen)
{
    if (db_target_is_server(target))
        return db_pg_open(target, errbuf, errlen);
    return db_sqlite_open(target, errbuf, errlen);
}

db_t *db_open_replica(const char *target, char *errbuf, size_t errlen)
{
    if (!db_target_is_server(target)) {
        snprintf(errbuf, errlen,
                 "a replica is a PostgreSQL standby (postgresql://...), not a file");
        return NULL;
    }
    return db_pg_open_replica(target, errbuf, errlen);
}

int db_replica_current(db_t *replica, db_t *primary)
{
    return db_pg_replica_current(replica, primary);
}

void db_close(db_t *db)
{
    if (!db)
        return;
    db->eng->release_snapshot(db);
    for (int i = 0; i <= DB_MAX_QUERIES; i++)
        if (db->stmt[i])
            db->eng->finalize(db->stmt[i]);
    db->eng->close(db);
}

const char *db_engine_name(const db_t *db)
{
    return db->eng->name;
}

db_err_t db_fail(db_t *db, db_err_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->err, sizeof db->err, fmt, ap);
    va_end(ap);
    return code;
}

const char *db_errmsg(const db_t *db)
{
    return db->err;
}

db_err_t db_relax_durability(db_t *db)
{
    return db->eng->relax_durability(db);
}

db_err_t db_cache_size(db_t *db, int mib)
{
    return db->eng->cache_size(db, mib);
}

void db_hold_snapshots(db_t *db, int max_ms)
{
    db->eng->release_snapshot(db);
    db->hold_ms = db->eng->holds_snapshots ? max_ms : 0;
    db->views_kept = max_ms > 0 && (db->eng->holds_snapshots || db->eng->versions_views);
}

int db_schema_version(db_t *db)
{
    return db->eng->schema_version(db);
}

int db_schema_latest(const db_t *db)
{
    return db->eng->schema_latest();
}

db_err_t db_read_snapshot(db_t *db)
{
    return db->eng->read_snapshot(db);
}

void db_release_snapshot(db_t *db)
{
    db->eng->release_snapshot(db);
}

db_batch_view_t *db_views(db_t *db, int *usable)
{
    *usable = db->views_kept;
    return db->views;
}

void db_views_clear(db_t *db)
{
    for (int i = 0; i < DB_VIEW_SLOTS; i++)
        db->views[i].batch_id = 0;
}

void db_views_at_version(db_t *db, int64_t version)
{
    if (db->eng->versions_views && version != db->views_version) {
        db_views_clear(db);
        db->views_version = version;
    }
}

/* --- changes ------------------------------------------------------------------------ */

db_err_t db_begin(db_t *db)
{
    db->eng->release_snapshot(db);
    db_err_t rc = db->eng->exec(db, db->depth == 0 ? db->eng->begin_sql : "SAVEPOINT nested");
    if (rc == DB_OK)
        db->depth++;
    return rc;
}

db_err_t db_commit(db_t *db)
{
    if (db->depth == 0)
        return db_fail(db, DB_EIO, "commit without a transaction");
    db_err_t rc = db->eng->exec(db, db->depth == 1 ? "COMMIT" : "RELEASE nested");
    if (rc == DB_OK && --db->depth == 0)
        db_views_clear(db); /* what this connection changed (the engine sees others' changes) */
    return rc;
}

/* A rollback keeps the failure that caused it as the connection's message. */
static void exec_quietly(db_t *db, const char *sql)
{
    char kept[sizeof db->err];
    memcpy(kept, db->err, sizeof kept);
    db->eng->exec(db, sql);
    memcpy(db->err, kept, sizeof kept);
}

void db_rollback(db_t *db)
{
    if (db->depth > 1)
        exec_quietly(db, "ROLLBACK TO nested; RELEASE nested");
    else if (db->eng->in_transaction(db))
        exec_quietly(db, "ROLLBACK");
    if (db->depth > 0)
        db->depth--;
}

db_err_t db_scans_begin(db_t *db)
{
    db->eng->release_snapshot(db);
    return db->eng->scans_begin(db);
}

db_err_t db_scans_end(db_t *db, db_err_t rc)
{
    if (rc == DB_OK)
        rc = db->eng->exec(db, "COMMIT");
    if (rc != DB_OK && db->eng->in_transaction(db))
        exec_quietly(db, "ROLLBACK");
    return rc;
}

db_err_t db_scans_record(db_t *db, const db_scan_t *scans, size_t n, int64_t *last_id)
{
    return db->eng->scans_record(db, scans, n, last_id); /* through db_scans_begin */
}

db_labels_insert_fn db_engine_labels_insert(db_t *db)
{
    return db->eng->labels_insert;
}

int db_scans_merged_on_record(const db_t *db)
{
    return db->eng->merges_on_record;
}

int64_t db_changes(db_t *db)
{
    return db->eng->changes(db);
}

/* --- statements --------------------------------------------------------------------- */

static atomic_int slots_given;

/* The slot of q, given on its first use by any connection. */
static int slot_of(db_query_t *q)
{
    _Atomic int *slot = (_Atomic int *)&q->slot;
    int s = atomic_load_explicit(slot, memory_order_acquire);
    if (s)
        return s;
    int mine = atomic_fetch_add(&slots_given, 1) + 1;
    int none = 0;
    if (!atomic_compare_exchange_strong(slot, &none, mine))
        return none; /* another thread gave it one first; mine stays unused */
    return mine;
}

/* The cached statement of q, prepared on first use, else reset (its
 * bindings cleared when clear); NULL on failure. */
static db_stmt_t *cached(db_t *db, db_query_t *q, int clear)
{
    int slot = slot_of(q);
    if (slot > DB_MAX_QUERIES) {
        db_fail(db, DB_EIO, "more statements than DB_MAX_QUERIES (%d)", DB_MAX_QUERIES);
        return NULL;
    }
    if (!db->stmt[slot])
        return db->stmt[slot] = db->eng->prepare(db, q, q->ncols);
    db->eng->reset(db->stmt[slot], clear);
    return db->stmt[slot];
}

db_stmt_t *db_stmt(db_t *db, db_query_t *q)
{
    return cached(db, q, 1);
}

db_stmt_t *db_stmt_again(db_t *db, db_query_t *q)
{
    return cached(db, q, 0);
}

void db_stmt_reset(db_stmt_t *st)
{
    st->db->eng->reset(st, 0);
}

void db_bind_int(db_stmt_t *st, int i, int64_t v)
{
    st->db->eng->bind_int(st, i, v);
}

void db_bind_text(db_stmt_t *st, int i, const char *s)
{
    s = s ? s : "";
    st->db->eng->bind_text(st, i, s, strlen(s), 0);
}

void db_bind_text_static(db_stmt_t *st, int i, const char *s, size_t n)
{
    st->db->eng->bind_text(st, i, s, n, 1);
}

void db_bind_text_kept(db_stmt_t *st, int i, const char *s)
{
    if (s)
        st->db->eng->bind_text(st, i, s, strlen(s), 1);
    else
        st->db->eng->bind_null(st, i);
}

void db_bind_text_or_null(db_stmt_t *st, int i, const char *s)
{
    if (s)
        st->db->eng->bind_text(st, i, s, strlen(s), 0);
    else
        st->db->eng->bind_null(st, i);
}

void db_bind_blob(db_stmt_t *st, int i, const void *p, size_t n)
{
    st->db->eng->bind_blob(st, i, p, n);
}

void db_bind_page(db_stmt_t *st, int first, db_page_t page)
{
    db_bind_int(st, first, page.limit > 0 ? page.limit : INT64_MAX);
    db_bind_int(st, first + 1, page.offset > 0 ? page.offset : 0);
}

int64_t db_col_int(db_stmt_t *st, int i)
{
    return st->db->eng->col_int(st, i);
}

const char *db_col_str(db_stmt_t *st, int i)
{
    size_t n;
    return st->db->eng->col_str(st, i, &n);
}

void db_col_text(db_stmt_t *st, int i, char *out, size_t cap)
{
    size_t n;
    const char *s = st->db->eng->col_str(st, i, &n);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

size_t db_col_blob(db_stmt_t *st, int i, void *out, size_t cap)
{
    return st->db->eng->col_blob(st, i, out, cap);
}

db_err_t db_step_one(db_t *db, db_stmt_t *st, const char *what)
{
    int row = 0;
    db_err_t rc = db->eng->step(st, &row, what);
    if (rc == DB_OK && !row)
        return db_fail(db, DB_ENOTFOUND, "%s: not found", what);
    return rc;
}

db_err_t db_step_done(db_t *db, db_stmt_t *st, const char *what)
{
    int row = 0;
    db_err_t rc = db->eng->step(st, &row, what);
    db->eng->reset(st, 0);
    return rc;
}

static db_err_t write_rows(db_t *db, const db_rows_t *w, const char *rows, size_t n)
{
    db_stmt_t *st = db_stmt_again(db, n == 1 ? w->one : w->many);
    if (!st)
        return DB_EIO;
    for (size_t i = 0; i < n; i++)
        w->bind(st, 1 + (int)i * w->params, rows + i * w->size);
    return db_step_done(db, st, w->what);
}

db_err_t db_write_rows(db_t *db, const db_rows_t *w, const void *rows, size_t n)
{
    size_t many = w->params * DB_ROWS_A_STATEMENT <= db->eng->max_params ? DB_ROWS_A_STATEMENT : 1;
    const char *row = rows;
    db_err_t rc = DB_OK;
    for (size_t left = n; rc == DB_OK && left > 0;) {
        size_t k = left >= many ? many : 1;
        rc = write_rows(db, w, row, k);
        row += k * w->size;
        left -= k;
    }
    return rc;
}

db_err_t db_step_rows(db_t *db, db_stmt_t *st, const char *what,
                      int (*fn)(db_stmt_t *st, void *ctx), void *ctx)
{
    int row = 0;
    db_err_t rc;
    while ((rc = db->eng->step(st, &row, what)) == DB_OK && row)
        if (fn(st, ctx))
            break;
    db->eng->reset(st, 0);
    return rc;
}

db_err_t db_query_int(db_t *db, db_stmt_t *st, const char *what, int64_t *out)
{
    db_err_t rc = db_step_one(db, st, what);
    if (rc == DB_OK)
        *out = db_col_int(st, 0);
    db->eng->reset(st, 0);
    return rc;
}

db_err_t db_insert_id(db_t *db, db_stmt_t *st, const char *what, int64_t *id)
{
    return db_query_int(db, st, what, id);
}
