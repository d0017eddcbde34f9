/*
 * labels.c - batches, their labels, and a label's lookup on the verify path.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static db_query_t q_batch_insert =
    DB_QUERY("INSERT INTO batch (auth_id, count, status, quota_year, lot_number, "
             "harvest_date, production_base, inspection_cert, requested_at, "
             "requested_by) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
             1);
/* a batch's columns and its labels voided one by one */
#define BATCH_VOIDED                                                                               \
    ", (SELECT count(*) FROM label_void v JOIN label l ON l.code = v.code "                        \
    "WHERE l.batch_id = b.id) "

static db_query_t q_batch_get =
    DB_QUERY("SELECT " BATCH_COLUMNS BATCH_VOIDED
             "FROM batch b JOIN authorisation a ON a.id = b.auth_id WHERE b.id = ?",
             BATCH_NCOLUMNS + 1);
static db_query_t q_batch_update =
    DB_QUERY("UPDATE batch SET status = ?, quota_year = ?, decided_at = nullif(?, 0), "
             "decided_by = ?, decision_note = ?, issued_at = nullif(?, 0), "
             "activated_at = nullif(?, 0), voided_at = nullif(?, 0), void_reason = ?, "
             "gtin = ? WHERE id = ?",
             0);
static db_query_t q_batch_list = DB_QUERY(
    "SELECT " BATCH_COLUMNS BATCH_VOIDED "FROM batch b JOIN authorisation a ON a.id = b.auth_id "
    "JOIN operator o ON o.id = a.operator_id "
    "WHERE (?1 = 0 OR a.operator_id = ?1) AND (?2 = 0 OR b.auth_id = ?2) "
    "AND substr(o.region_code, 1, length(?3)) = ?3 "
    "ORDER BY b.id DESC LIMIT ?4 OFFSET ?5",
    BATCH_NCOLUMNS + 1);
static db_query_t q_quota_used =
    DB_QUERY("SELECT coalesce(sum(count), 0) FROM batch WHERE auth_id = ? AND "
             "quota_year = ? AND (status IN ('issued', 'activated') OR "
             "(?3 = 1 AND status IN ('requested', 'approved')))",
             1);
/* A quota is checked and used in one change: on PostgreSQL the authorisation's
 * row is locked to the end of it, so two servers' requests against one quota
 * take turns (SQLite's BEGIN IMMEDIATE already holds the whole database). */
static db_query_t q_auth_lock =
    DB_QUERY2("SELECT id FROM authorisation WHERE id = ?",
              "SELECT id FROM authorisation WHERE id = ? FOR UPDATE", 1);
static db_query_t q_auth_touch =
    DB_QUERY("UPDATE authorisation SET last_used_at = ?1 WHERE id = ?2 AND "
             "(last_used_at IS NULL OR last_used_at < ?1)",
             0);
static db_query_t q_label_insert =
    DB_QUERY("INSERT INTO label (code, batch_id, seq) VALUES (?,?,?) ON CONFLICT DO NOTHING", 0);
static db_query_t q_label_each =
    DB_QUERY_STREAM("SELECT l.code, l.seq, v.code IS NOT NULL FROM label l "
                    "LEFT JOIN label_void v ON v.code = l.code WHERE l.batch_id = ? "
                    "ORDER BY l.seq",
                    3);
#define LABEL_COLUMNS                                                                              \
    "l.code, l.seq, l.batch_id, v.code IS NOT NULL, coalesce(v.reason, ''), coalesce(v.at, 0) "
#define LABEL_NCOLUMNS 6
#define LABEL_FROM     "FROM label l LEFT JOIN label_void v ON v.code = l.code "
/* With the register's version on PostgreSQL (db/pg/migrations/0009), read in
 * the label's own snapshot; SQLite tells its views' age by data_version. */
#define LABEL_VERSION_SQLITE ", 0 "
#define LABEL_VERSION_PG     ", (SELECT v FROM registry_version) "
static db_query_t q_label_find = DB_QUERY2(
    "SELECT " LABEL_COLUMNS LABEL_VERSION_SQLITE LABEL_FROM "WHERE l.code = ?1",
    "SELECT " LABEL_COLUMNS LABEL_VERSION_PG LABEL_FROM "WHERE l.code = ?1", LABEL_NCOLUMNS + 1);
/* The same with the code's scan tally, a row a kept client (db/records.h). */
#define LABEL_TALLY                                                                                \
    ", " SCAN_TALLY_COLUMNS LABEL_FROM                                                             \
    "LEFT JOIN scans.scan_total t ON t.code = l.code " SCAN_TALLY_JOIN                             \
    "WHERE l.code = ?1 ORDER BY c.last_at DESC"
static db_query_t q_label_find_tallied = DB_QUERY2(
    "SELECT " LABEL_COLUMNS LABEL_VERSION_SQLITE LABEL_TALLY,
    "SELECT " LABEL_COLUMNS LABEL_VERSION_PG LABEL_TALLY, LABEL_NCOLUMNS + 1 + SCAN_TALLY_NCOLUMNS);
/* A label with its batch's view in one statement, where no views are kept
 * (the CLI, a standby's connection): on PostgreSQL one round trip, not two. */
static db_query_t q_label_whole = DB_QUERY(
    "SELECT " LABEL_COLUMNS ", " BATCH_COLUMNS ", " AUTH_COLUMNS ", " PRODUCT_COLUMNS
    ", " OPERATOR_COLUMNS LABEL_FROM "JOIN batch b ON b.id = l.batch_id "
    "JOIN authorisation a ON a.id = b.auth_id JOIN product p ON p.id = a.product_id "
    "JOIN operator o ON o.id = a.operator_id WHERE l.code = ?",
    LABEL_NCOLUMNS + BATCH_NCOLUMNS + AUTH_NCOLUMNS + PRODUCT_NCOLUMNS + OPERATOR_NCOLUMNS);
static db_query_t q_batch_view =
    DB_QUERY("SELECT " BATCH_COLUMNS ", " AUTH_COLUMNS ", " PRODUCT_COLUMNS ", " OPERATOR_COLUMNS
             "FROM batch b JOIN authorisation a ON a.id = b.auth_id "
             "JOIN product p ON p.id = a.product_id "
             "JOIN operator o ON o.id = a.operator_id WHERE b.id = ?",
             BATCH_NCOLUMNS + AUTH_NCOLUMNS + PRODUCT_NCOLUMNS + OPERATOR_NCOLUMNS);
static db_query_t q_label_void =
    DB_QUERY("INSERT INTO label_void (code, at, actor, reason) VALUES (?,?,?,?)", 0);

/* --- batches and labels ------------------------------------------------------- */

db_err_t db_batch_insert(db_t *db, db_batch_t *b)
{
    db_stmt_t *st = db_stmt(db, &q_batch_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, b->auth_id);
    db_bind_int(st, 2, b->count);
    db_bind_text(st, 3, b->status);
    db_bind_int(st, 4, b->quota_year);
    db_bind_text(st, 5, b->lot_number);
    db_bind_text(st, 6, b->harvest_date);
    db_bind_text(st, 7, b->production_base);
    db_bind_text(st, 8, b->inspection_cert);
    db_bind_int(st, 9, b->requested_at);
    db_bind_text(st, 10, b->requested_by);
    return db_insert_id(db, st, "insert batch", &b->id);
}

int db_batch_read(db_stmt_t *st, int c, db_batch_t *b)
{
    memset(b, 0, sizeof *b);
    int i = c;
    b->id = db_col_int(st, i++);
    b->auth_id = db_col_int(st, i++);
    b->count = db_col_int(st, i++);
    db_col_text(st, i++, b->status, sizeof b->status);
    b->quota_year = db_col_int(st, i++);
    db_col_text(st, i++, b->lot_number, sizeof b->lot_number);
    db_col_text(st, i++, b->harvest_date, sizeof b->harvest_date);
    db_col_text(st, i++, b->production_base, sizeof b->production_base);
    db_col_text(st, i++, b->inspection_cert, sizeof b->inspection_cert);
    b->requested_at = db_col_int(st, i++);
    db_col_text(st, i++, b->requested_by, sizeof b->requested_by);
    b->decided_at = db_col_int(st, i++);
    db_col_text(st, i++, b->decided_by, sizeof b->decided_by);
    db_col_text(st, i++, b->decision_note, sizeof b->decision_note);
    b->issued_at = db_col_int(st, i++);
    b->activated_at = db_col_int(st, i++);
    b->voided_at = db_col_int(st, i++);
    db_col_text(st, i++, b->void_reason, sizeof b->void_reason);
    b->operator_id = db_col_int(st, i++);
    b->product_id = db_col_int(st, i++);
    db_col_text(st, i++, b->gtin, sizeof b->gtin);
    b->allocated = db_col_int(st, i++);
    assert(i - c == BATCH_NCOLUMNS);
    return i;
}

db_err_t db_batch_get(db_t *db, int64_t id, db_batch_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_batch_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_err_t rc = db_step_one(db, st, "batch");
    if (rc == DB_OK) {
        db_batch_read(st, 0, out);
        out->labels_voided = db_col_int(st, BATCH_NCOLUMNS);
    }
    db_stmt_reset(st);
    return rc;
}

db_err_t db_batch_update(db_t *db, const db_batch_t *b)
{
    db_stmt_t *st = db_stmt(db, &q_batch_update);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, b->status);
    db_bind_int(st, 2, b->quota_year);
    db_bind_int(st, 3, b->decided_at);
    db_bind_text(st, 4, b->decided_by);
    db_bind_text(st, 5, b->decision_note);
    db_bind_int(st, 6, b->issued_at);
    db_bind_int(st, 7, b->activated_at);
    db_bind_int(st, 8, b->voided_at);
    db_bind_text(st, 9, b->void_reason);
    db_bind_text(st, 10, b->gtin);
    db_bind_int(st, 11, b->id);
    db_err_t rc = db_step_done(db, st, "update batch");
    if (rc == DB_OK && db_changes(db) != 1)
        return db_fail(db, DB_ENOTFOUND, "batch %lld: not found", (long long)b->id);
    return rc;
}

static int batch_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_batch_t b;
    db_batch_read(st, 0, &b);
    b.labels_voided = db_col_int(st, BATCH_NCOLUMNS);
    return ((db_batch_fn)c->fn)(&b, c->arg);
}

db_err_t db_batch_list(db_t *db, const db_filter_t *f, db_page_t page, db_batch_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_batch_list);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, f ? f->operator_id : 0);
    db_bind_int(st, 2, f ? f->auth_id : 0);
    db_bind_text(st, 3, f ? f->region : "");
    db_bind_page(st, 4, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list batches", batch_row, &c);
}

db_err_t db_quota_used(db_t *db, int64_t auth_id, int64_t year, int pending_too, int64_t *used)
{
    db_stmt_t *st = db_stmt(db, &q_auth_lock);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, auth_id);
    db_err_t rc = db_step_done(db, st, "lock authorisation");
    if (rc != DB_OK || !(st = db_stmt(db, &q_quota_used)))
        return rc != DB_OK ? rc : DB_EIO;
    db_bind_int(st, 1, auth_id);
    db_bind_int(st, 2, year);
    db_bind_int(st, 3, pending_too ? 1 : 0);
    return db_query_int(db, st, "quota used", used);
}

db_err_t db_auth_touch(db_t *db, int64_t auth_id, int64_t at)
{
    db_stmt_t *st = db_stmt(db, &q_auth_touch);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, at);
    db_bind_int(st, 2, auth_id);
    return db_step_done(db, st, "mark authorisation used");
}

db_err_t db_label_insert(db_t *db, const char *code, int64_t batch_id, int64_t seq)
{
    db_stmt_t *st = db_stmt_again(db, &q_label_insert);
    if (!st)
        return DB_EIO;
    db_bind_text_static(st, 1, code, 16);
    db_bind_int(st, 2, batch_id);
    db_bind_int(st, 3, seq);
    db_err_t rc = db_step_done(db, st, "insert label");
    /* a taken code is skipped, not an error that would end a PostgreSQL
     * transaction: the caller draws another */
    if (rc == DB_OK && db_changes(db) == 0)
        return db_fail(db, DB_EEXISTS, "insert label: code %.16s is taken", code);
    return rc;
}

static int label_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    return ((db_label_fn)c->fn)(db_col_str(st, 0), db_col_int(st, 1), (int)db_col_int(st, 2),
                                c->arg);
}

db_err_t db_labels_insert(db_t *db, int64_t batch_id, int64_t first_seq, const char *codes,
                          size_t stride, size_t n, size_t *taken, size_t *ntaken)
{
    *ntaken = 0;
    if (db_engine_labels_insert(db))
        return db_engine_labels_insert(db)(db, batch_id, first_seq, codes, stride, n, taken,
                                           ntaken);
    for (size_t i = 0; i < n; i++) {
        db_err_t rc = db_label_insert(db, codes + i * stride, batch_id, first_seq + (int64_t)i);
        if (rc == DB_EEXISTS)
            taken[(*ntaken)++] = i;
        else if (rc != DB_OK)
            return rc;
    }
    return DB_OK;
}

db_err_t db_label_each(db_t *db, int64_t batch_id, db_label_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_label_each);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, batch_id);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "labels", label_row, &c);
}

/* Reads a batch with its authorisation, product and operator into v. */
static db_err_t batch_view_read(db_t *db, int64_t batch_id, db_batch_view_t *v)
{
    db_stmt_t *st = db_stmt(db, &q_batch_view);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, batch_id);
    db_err_t rc = db_step_one(db, st, "batch of label");
    if (rc == DB_OK) {
        int c = db_batch_read(st, 0, &v->batch);
        c = db_auth_read(st, c, &v->auth);
        c = db_product_read(st, c, &v->product);
        db_operator_read(st, c, &v->op);
        v->batch_id = batch_id;
    }
    db_stmt_reset(st);
    return rc;
}

/* The batch view of batch_id: kept from an earlier label of the same batch
 * on a connection that keeps views (db_hold_snapshots), read afresh otherwise. */
static db_err_t batch_view(db_t *db, int64_t batch_id, db_batch_view_t *scratch,
                           const db_batch_view_t **out)
{
    int usable = 0;
    db_batch_view_t *slot = &db_views(db, &usable)[(uint64_t)batch_id % DB_VIEW_SLOTS];
    if (usable && slot->batch_id == batch_id) {
        *out = slot;
        return DB_OK;
    }
    db_batch_view_t *v = usable ? slot : scratch;
    db_err_t rc = batch_view_read(db, batch_id, v);
    if (rc != DB_OK)
        v->batch_id = 0;
    *out = v;
    return rc;
}

/* Reads LABEL_COLUMNS into out; returns the label's batch id. */
static int64_t label_read(db_stmt_t *st, db_label_view_t *out)
{
    db_col_text(st, 0, out->code, sizeof out->code);
    out->seq = db_col_int(st, 1);
    out->label_voided = (int)db_col_int(st, 3);
    db_col_text(st, 4, out->void_reason, sizeof out->void_reason);
    out->label_voided_at = db_col_int(st, 5);
    return db_col_int(st, 2);
}

/* The label and its batch's view in one statement. */
static db_err_t label_whole(db_t *db, const char *code, db_label_view_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_label_whole);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, code);
    db_err_t rc = db_step_one(db, st, "label");
    if (rc == DB_OK) {
        label_read(st, out);
        int c = db_batch_read(st, LABEL_NCOLUMNS, &out->batch);
        c = db_auth_read(st, c, &out->auth);
        c = db_product_read(st, c, &out->product);
        db_operator_read(st, c, &out->op);
    }
    db_stmt_reset(st);
    return rc;
}

/* The label's origin, looked up only when its batch has allocations. */
static db_err_t label_origin(db_t *db, db_err_t rc, db_label_view_t *out)
{
    memset(&out->origin, 0, sizeof out->origin);
    if (rc != DB_OK || out->batch.allocated == 0)
        return rc;
    return db_label_origin(db, out->batch.id, out->seq, &out->origin);
}

/* Where no views are kept: the label whole, then the tally. */
static db_err_t label_whole_tallied(db_t *db, const char *code, db_label_view_t *out,
                                    db_scan_tally_t *t)
{
    db_err_t rc = label_origin(db, label_whole(db, code, out), out);
    return rc == DB_OK && t ? db_scan_tally(db, code, t) : rc;
}

typedef struct {
    db_t *db;
    db_label_view_t *out;
    db_scan_tally_t *t;
    int64_t batch_id;
    int rows;
} found_t;

static int found_row(db_stmt_t *st, void *ctx)
{
    found_t *f = ctx;
    if (f->rows++ == 0) {
        f->batch_id = label_read(st, f->out);
        db_views_at_version(f->db, db_col_int(st, LABEL_NCOLUMNS));
    }
    return f->t ? db_tally_read(st, LABEL_NCOLUMNS + 1, f->t) : 1;
}

db_err_t db_label_find_tallied(db_t *db, const char *code, db_label_view_t *out, db_scan_tally_t *t)
{
    if (t)
        t->count = t->first_at = 0;
    if (db_read_snapshot(db) != DB_OK)
        return DB_EIO;
    int views = 0;
    db_views(db, &views);
    if (!views)
        return label_whole_tallied(db, code, out, t);
    db_stmt_t *st = db_stmt_again(db, t ? &q_label_find_tallied : &q_label_find);
    if (!st)
        return DB_EIO;
    db_bind_text_kept(st, 1, code);
    if (t) {
        db_bind_int(st, 2, t->after);
        db_bind_int(st, 3, t->limit);
    }
    found_t f = {db, out, t, 0, 0};
    db_err_t rc = db_step_rows(db, st, "label", found_row, &f);
    if (rc == DB_OK && !f.rows)
        rc = db_fail(db, DB_ENOTFOUND, "label: not found");
    if (rc != DB_OK)
        return rc;
    db_batch_view_t scratch;
    const db_batch_view_t *v;
    if ((rc = batch_view(db, f.batch_id, &scratch, &v)) != DB_OK)
        return rc;
    out->batch = v->batch;
    out->auth = v->auth;
    out->product = v->product;
    out->op = v->op;
    return label_origin(db, DB_OK, out);
}

db_err_t db_label_find(db_t *db, const char *code, db_label_view_t *out)
{
    return db_label_find_tallied(db, code, out, NULL);
}

db_err_t db_label_void(db_t *db, const char *code, int64_t at, const char *actor,
                       const char *reason)
{
    db_stmt_t *st = db_stmt(db, &q_label_void);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, code);
    db_bind_int(st, 2, at);
    db_bind_text(st, 3, actor);
    db_bind_text(st, 4, reason);
    return db_step_done(db, st, "void label");
}
