/*
 * audit.c - the audit log: its chain head, appended rows, reads in order and by scope.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT_COLUMNS  "id, at, actor, action, entity, entity_id, detail, prev_hash, hash "
#define AUDIT_NCOLUMNS 9

static db_query_t q_audit_last = DB_QUERY("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", 1);
/* The highest row id ever given, kept past deleted rows: SQLite's
 * sqlite_sequence, PostgreSQL's audit_seq (moved by each append). */
static db_query_t q_audit_seq =
    DB_QUERY2("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'), 0)",
              "SELECT highest FROM audit_seq", 1);
static db_query_t q_audit_seq_set =
    DB_QUERY2("SELECT ?1 WHERE 0", /* AUTOINCREMENT moves sqlite_sequence */
              "UPDATE audit_seq SET highest = ?1 WHERE highest < ?1 RETURNING highest", 1);
/* Two servers never fork the chain: on PostgreSQL the head is read under a
 * lock held to the end of the change (SQLite's BEGIN IMMEDIATE already
 * holds the whole database). */
static db_query_t q_audit_lock =
    DB_QUERY2("SELECT 0", "SELECT pg_advisory_xact_lock(7365346908)", 1);
static db_query_t q_audit_insert =
    DB_QUERY("INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, "
             "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
             0);
static db_query_t q_audit_asc =
    DB_QUERY("SELECT " AUDIT_COLUMNS "FROM audit_log ORDER BY id LIMIT ? OFFSET ?", AUDIT_NCOLUMNS);
/* A row's region is its record's: an operator's, a product's, that of
 * the operator an authorisation, batch, report (through its label) or use
 * report belongs to. Rows of records with no region (accounts, tokens, reports
 * on codes that name no label) are for province-wide or wider scopes. */
static db_query_t q_audit_list = DB_QUERY(
    "SELECT " AUDIT_COLUMNS "FROM (SELECT g.*, CASE g.entity"
    " WHEN 'operator' THEN (SELECT o.region_code FROM operator o WHERE o.id = g.entity_id)"
    " WHEN 'product' THEN (SELECT p.region_code FROM product p WHERE p.id = g.entity_id)"
    " WHEN 'authorisation' THEN (SELECT o.region_code FROM authorisation a"
    "   JOIN operator o ON o.id = a.operator_id WHERE a.id = g.entity_id)"
    " WHEN 'batch' THEN (SELECT o.region_code FROM batch b"
    "   JOIN authorisation a ON a.id = b.auth_id JOIN operator o ON o.id = a.operator_id"
    "   WHERE b.id = g.entity_id)"
    " WHEN 'report' THEN (SELECT o.region_code FROM report r JOIN label l ON l.code = r.code"
    "   JOIN batch b ON b.id = l.batch_id JOIN authorisation a ON a.id = b.auth_id"
    "   JOIN operator o ON o.id = a.operator_id WHERE r.id = g.entity_id)"
    " WHEN 'usage_report' THEN (SELECT o.region_code FROM usage_report u"
    "   JOIN operator o ON o.id = u.operator_id WHERE u.id = g.entity_id)"
    " END AS region FROM audit_log g) AS rows_with_region "
    "WHERE ?1 = '' OR substr(region, 1, length(?1)) = ?1 "
    "OR (region IS NULL AND length(?1) <= 2) ORDER BY id DESC LIMIT ?2 OFFSET ?3",
    AUDIT_NCOLUMNS);

/* --- audit log ------------------------------------------------------------- */

db_err_t db_audit_highest_issued(db_t *db, int64_t *id)
{
    db_stmt_t *st = db_stmt(db, &q_audit_seq);
    if (!st)
        return DB_EIO;
    return db_query_int(db, st, "audit sequence", id);
}

db_err_t db_audit_head(db_t *db, int64_t *next_id, unsigned char prev_hash[DB_HASH_LEN])
{
    int64_t seq = 0;
    db_stmt_t *lock = db_stmt(db, &q_audit_lock);
    if (!lock)
        return DB_EIO;
    db_err_t rc = db_step_done(db, lock, "audit lock");
    if (rc == DB_OK)
        rc = db_audit_highest_issued(db, &seq);
    if (rc != DB_OK)
        return rc;
    *next_id = seq + 1;
    memset(prev_hash, 0, DB_HASH_LEN);
    db_stmt_t *st = db_stmt(db, &q_audit_last);
    if (!st)
        return DB_EIO;
    rc = db_step_one(db, st, "audit head");
    if (rc == DB_OK && db_col_blob(st, 0, prev_hash, DB_HASH_LEN) != DB_HASH_LEN)
        memset(prev_hash, 0, DB_HASH_LEN);
    db_stmt_reset(st);
    return rc == DB_ENOTFOUND ? DB_OK : rc;
}

db_err_t db_audit_append(db_t *db, const db_audit_row_t *row)
{
    db_stmt_t *st = db_stmt(db, &q_audit_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, row->id);
    db_bind_int(st, 2, row->at);
    db_bind_text(st, 3, row->actor);
    db_bind_text(st, 4, row->action);
    db_bind_text(st, 5, row->entity);
    db_bind_int(st, 6, row->entity_id);
    db_bind_text(st, 7, row->detail);
    db_bind_blob(st, 8, row->prev_hash, DB_HASH_LEN);
    db_bind_blob(st, 9, row->hash, DB_HASH_LEN);
    db_err_t rc = db_step_done(db, st, "append audit row");
    if (rc != DB_OK || !(st = db_stmt(db, &q_audit_seq_set)))
        return rc != DB_OK ? rc : DB_EIO;
    db_bind_int(st, 1, row->id);
    return db_step_done(db, st, "audit sequence");
}

static int audit_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_audit_row_t r;
    r.id = db_col_int(st, 0);
    r.at = db_col_int(st, 1);
    r.actor = db_col_str(st, 2);
    r.action = db_col_str(st, 3);
    r.entity = db_col_str(st, 4);
    r.entity_id = db_col_int(st, 5);
    r.detail = db_col_str(st, 6);
    db_col_blob(st, 7, r.prev_hash, DB_HASH_LEN);
    db_col_blob(st, 8, r.hash, DB_HASH_LEN);
    return ((db_audit_fn)c->fn)(&r, c->arg);
}

db_err_t db_audit_each(db_t *db, db_page_t page, db_audit_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_audit_asc);
    if (!st)
        return DB_EIO;
    db_bind_page(st, 1, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "read audit log", audit_row, &c);
}

db_err_t db_audit_list(db_t *db, const db_filter_t *f, db_page_t page, db_audit_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_audit_list);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, f ? f->region : "");
    db_bind_page(st, 2, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list audit log", audit_row, &c);
}
