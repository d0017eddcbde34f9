/*
 * households.c - member households and production bases of an operator
 * (producers), the allocation of a batch's labels to them, and the origin
 * of a label on the verify path.
 *
 * A batch counts its allocated labels (batch.allocated, read with the batch
 * on every lookup), so the verify path asks for an allocation only when the
 * batch has some: one more indexed read (the newest range of the batch that
 * starts at or before the label's sequence number, a backward step on
 * allocation_range, with its holder by primary key), none otherwise.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

#include <assert.h>
#include <string.h>

#define PRODUCER_COLUMNS                                                                           \
    "r.id, r.operator_id, r.product_id, r.kind, r.name, r.contact, r.region_code, r.village, "     \
    "r.base_type, r.certification, r.area_cmu, r.yield_per_mu, r.yield_unit, r.per_label_milli, "  \
    "r.created_at, o.name, o.region_code, p.name_zh "
#define PRODUCER_NCOLUMNS 18
#define PRODUCER_FROM                                                                              \
    "FROM producer r JOIN operator o ON o.id = r.operator_id JOIN product p ON p.id = "            \
    "r.product_id "

#define ALLOCATION_COLUMNS                                                                         \
    "al.id, al.batch_id, al.first_seq, al.last_seq, coalesce(al.producer_id, 0), "                 \
    "coalesce(al.processor_id, 0), al.override, al.at, al.actor, "                                 \
    "CASE WHEN al.processor_id IS NOT NULL THEN 'processor' ELSE r.kind END, "                     \
    "coalesce(r.name, po.name, '') "
#define ALLOCATION_NCOLUMNS 11
#define ALLOCATION_FROM                                                                            \
    "FROM allocation al LEFT JOIN producer r ON r.id = al.producer_id "                            \
    "LEFT JOIN operator po ON po.id = al.processor_id "

static db_query_t q_producer_insert = DB_QUERY(
    "INSERT INTO producer (operator_id, product_id, kind, name, contact, region_code, village, "
    "base_type, certification, area_cmu, yield_per_mu, yield_unit, per_label_milli, created_at) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
    1);
static db_query_t q_producer_get =
    DB_QUERY("SELECT " PRODUCER_COLUMNS PRODUCER_FROM "WHERE r.id = ?", PRODUCER_NCOLUMNS);
static db_query_t q_producer_list =
    DB_QUERY("SELECT " PRODUCER_COLUMNS PRODUCER_FROM
             "WHERE (?1 = 0 OR r.operator_id = ?1) AND (?2 = 0 OR r.product_id = ?2) "
             "AND substr(o.region_code, 1, length(?3)) = ?3 AND (?4 = '' OR r.kind = ?4) "
             "AND substr(r.region_code, 1, length(?5)) = ?5 "
             "ORDER BY r.id LIMIT ?6 OFFSET ?7",
             PRODUCER_NCOLUMNS);
static db_query_t q_producer_allocated =
    DB_QUERY("SELECT coalesce(sum(al.last_seq - al.first_seq + 1), 0) FROM allocation al "
             "JOIN batch b ON b.id = al.batch_id WHERE al.producer_id = ?1 AND b.quota_year = ?2",
             1);
static db_query_t q_allocation_insert =
    DB_QUERY("INSERT INTO allocation (batch_id, first_seq, last_seq, producer_id, processor_id, "
             "override, at, actor) VALUES (?,?,?,nullif(?, 0),nullif(?, 0),?,?,?) RETURNING id",
             1);
static db_query_t q_allocation_get =
    DB_QUERY("SELECT " ALLOCATION_COLUMNS ALLOCATION_FROM "WHERE al.id = ?", ALLOCATION_NCOLUMNS);
static db_query_t q_allocation_list =
    DB_QUERY("SELECT " ALLOCATION_COLUMNS ALLOCATION_FROM "WHERE al.batch_id = ? "
             "ORDER BY al.first_seq",
             ALLOCATION_NCOLUMNS);
static db_query_t q_allocation_move =
    DB_QUERY("UPDATE allocation SET producer_id = nullif(?1, 0), processor_id = nullif(?2, 0), "
             "override = ?3, at = ?4, actor = ?5 WHERE id = ?6",
             0);
static db_query_t q_allocation_delete = DB_QUERY("DELETE FROM allocation WHERE id = ?", 0);
static db_query_t q_batch_allocated =
    DB_QUERY("UPDATE batch SET allocated = allocated + ?1 WHERE id = ?2", 0);
static db_query_t q_allocation_overlaps =
    DB_QUERY("SELECT count(*) FROM allocation WHERE batch_id = ?1 AND first_seq <= ?3 "
             "AND last_seq >= ?2",
             1);
static db_query_t q_labels_unallocated =
    DB_QUERY("SELECT count(*) FROM label l WHERE l.batch_id = ?1 AND NOT EXISTS (SELECT 1 FROM "
             "allocation al WHERE al.batch_id = ?1 AND l.seq BETWEEN al.first_seq AND al.last_seq)",
             1);
/* An allocation is checked and made in one change: on PostgreSQL the batch's
 * row (its ranges) and the producer's (its quota) are locked to the end of
 * it, so two servers' allocations take turns (SQLite's BEGIN IMMEDIATE holds
 * the whole database already). */
static db_query_t q_lock_batch = DB_QUERY2("SELECT id FROM batch WHERE id = ?",
                                           "SELECT id FROM batch WHERE id = ? FOR UPDATE", 1);
static db_query_t q_lock_producer = DB_QUERY2("SELECT id FROM producer WHERE id = ?",
                                              "SELECT id FROM producer WHERE id = ? FOR UPDATE", 1);
/* Ranges never overlap, so the one starting last at or before seq is the
 * only one that can hold it; whether it reaches seq is checked in C. */
static db_query_t q_origin =
    DB_QUERY("SELECT al.last_seq, CASE WHEN al.processor_id IS NOT NULL THEN 'processor' "
             "ELSE r.kind END, coalesce(r.region_code, po.region_code, ''), "
             "coalesce(r.village, ''), coalesce(r.base_type, '') " ALLOCATION_FROM
             "WHERE al.batch_id = ?1 AND al.first_seq <= ?2 ORDER BY al.first_seq DESC LIMIT 1",
             5);

/* --- producers ---------------------------------------------------------------------- */

db_err_t db_producer_insert(db_t *db, db_producer_t *p)
{
    db_stmt_t *st = db_stmt(db, &q_producer_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, p->operator_id);
    db_bind_int(st, 2, p->product_id);
    db_bind_text(st, 3, p->kind);
    db_bind_text(st, 4, p->name);
    db_bind_text(st, 5, p->contact);
    db_bind_text(st, 6, p->region_code);
    db_bind_text(st, 7, p->village);
    db_bind_text(st, 8, p->base_type);
    db_bind_text(st, 9, p->certification);
    db_bind_int(st, 10, p->area_cmu);
    db_bind_int(st, 11, p->yield_per_mu);
    db_bind_text(st, 12, p->yield_unit);
    db_bind_int(st, 13, p->per_label_milli);
    db_bind_int(st, 14, p->created_at);
    return db_insert_id(db, st, "insert producer", &p->id);
}

static int producer_read(db_stmt_t *st, int c, db_producer_t *p)
{
    memset(p, 0, sizeof *p);
    int i = c;
    p->id = db_col_int(st, i++);
    p->operator_id = db_col_int(st, i++);
    p->product_id = db_col_int(st, i++);
    db_col_text(st, i++, p->kind, sizeof p->kind);
    db_col_text(st, i++, p->name, sizeof p->name);
    db_col_text(st, i++, p->contact, sizeof p->contact);
    db_col_text(st, i++, p->region_code, sizeof p->region_code);
    db_col_text(st, i++, p->village, sizeof p->village);
    db_col_text(st, i++, p->base_type, sizeof p->base_type);
    db_col_text(st, i++, p->certification, sizeof p->certification);
    p->area_cmu = db_col_int(st, i++);
    p->yield_per_mu = db_col_int(st, i++);
    db_col_text(st, i++, p->yield_unit, sizeof p->yield_unit);
    p->per_label_milli = db_col_int(st, i++);
    p->created_at = db_col_int(st, i++);
    db_col_text(st, i++, p->operator_name, sizeof p->operator_name);
    db_col_text(st, i++, p->operator_region, sizeof p->operator_region);
    db_col_text(st, i++, p->product_name, sizeof p->product_name);
    assert(i - c == PRODUCER_NCOLUMNS);
    return i;
}

db_err_t db_producer_get(db_t *db, int64_t id, db_producer_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_producer_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_err_t rc = db_step_one(db, st, "producer");
    if (rc == DB_OK)
        producer_read(st, 0, out);
    db_stmt_reset(st);
    return rc;
}

static int producer_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_producer_t p;
    producer_read(st, 0, &p);
    return ((db_producer_fn)c->fn)(&p, c->arg);
}

db_err_t db_producer_list(db_t *db, const db_filter_t *f, const char *kind, const char *in_region,
                          db_page_t page, db_producer_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_producer_list);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, f ? f->operator_id : 0);
    db_bind_int(st, 2, f ? f->product_id : 0);
    db_bind_text(st, 3, f && f->region ? f->region : "");
    db_bind_text(st, 4, kind ? kind : "");
    db_bind_text(st, 5, in_region ? in_region : "");
    db_bind_page(st, 6, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list producers", producer_row, &c);
}

db_err_t db_producer_allocated(db_t *db, int64_t producer_id, int64_t year, int64_t *used)
{
    db_stmt_t *st = db_stmt(db, &q_producer_allocated);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, producer_id);
    db_bind_int(st, 2, year);
    return db_query_int(db, st, "labels allocated to producer", used);
}

/* --- allocations ---------------------------------------------------------------------- */

static db_err_t lock_row(db_t *db, db_query_t *q, int64_t id, const char *what)
{
    db_stmt_t *st = db_stmt(db, q);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    return db_step_done(db, st, what);
}

db_err_t db_allocation_lock(db_t *db, int64_t batch_id, int64_t producer_id)
{
    db_err_t rc = lock_row(db, &q_lock_batch, batch_id, "lock batch");
    if (rc == DB_OK && producer_id)
        rc = lock_row(db, &q_lock_producer, producer_id, "lock producer");
    return rc;
}

static db_err_t batch_allocated_add(db_t *db, int64_t batch_id, int64_t delta)
{
    db_stmt_t *st = db_stmt(db, &q_batch_allocated);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, delta);
    db_bind_int(st, 2, batch_id);
    db_err_t rc = db_step_done(db, st, "count allocated labels");
    if (rc == DB_OK && db_changes(db) != 1)
        return db_fail(db, DB_ENOTFOUND, "batch %lld: not found", (long long)batch_id);
    return rc;
}

db_err_t db_allocation_insert(db_t *db, db_allocation_t *a)
{
    assert(a->first_seq >= 1 && a->last_seq >= a->first_seq);
    assert((a->producer_id != 0) != (a->processor_id != 0));
    db_stmt_t *st = db_stmt(db, &q_allocation_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, a->batch_id);
    db_bind_int(st, 2, a->first_seq);
    db_bind_int(st, 3, a->last_seq);
    db_bind_int(st, 4, a->producer_id);
    db_bind_int(st, 5, a->processor_id);
    db_bind_text(st, 6, a->override);
    db_bind_int(st, 7, a->at);
    db_bind_text(st, 8, a->actor);
    db_err_t rc = db_insert_id(db, st, "insert allocation", &a->id);
    return rc == DB_OK ? batch_allocated_add(db, a->batch_id, a->last_seq - a->first_seq + 1) : rc;
}

static int allocation_read(db_stmt_t *st, int c, db_allocation_t *a)
{
    memset(a, 0, sizeof *a);
    int i = c;
    a->id = db_col_int(st, i++);
    a->batch_id = db_col_int(st, i++);
    a->first_seq = db_col_int(st, i++);
    a->last_seq = db_col_int(st, i++);
    a->producer_id = db_col_int(st, i++);
    a->processor_id = db_col_int(st, i++);
    db_col_text(st, i++, a->override, sizeof a->override);
    a->at = db_col_int(st, i++);
    db_col_text(st, i++, a->actor, sizeof a->actor);
    db_col_text(st, i++, a->holder_kind, sizeof a->holder_kind);
    db_col_text(st, i++, a->holder_name, sizeof a->holder_name);
    assert(i - c == ALLOCATION_NCOLUMNS);
    return i;
}

db_err_t db_allocation_get(db_t *db, int64_t id, db_allocation_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_allocation_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_err_t rc = db_step_one(db, st, "allocation");
    if (rc == DB_OK)
        allocation_read(st, 0, out);
    db_stmt_reset(st);
    return rc;
}

db_err_t db_allocation_move(db_t *db, const db_allocation_t *a)
{
    assert((a->producer_id != 0) != (a->processor_id != 0));
    db_stmt_t *st = db_stmt(db, &q_allocation_move);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, a->producer_id);
    db_bind_int(st, 2, a->processor_id);
    db_bind_text(st, 3, a->override);
    db_bind_int(st, 4, a->at);
    db_bind_text(st, 5, a->actor);
    db_bind_int(st, 6, a->id);
    db_err_t rc = db_step_done(db, st, "move allocation");
    if (rc == DB_OK && db_changes(db) != 1)
        return db_fail(db, DB_ENOTFOUND, "allocation %lld: not found", (long long)a->id);
    /* the batch's row changes too, so that cached views of it are read again */
    return rc == DB_OK ? batch_allocated_add(db, a->batch_id, 0) : rc;
}

db_err_t db_allocation_delete(db_t *db, const db_allocation_t *a)
{
    db_stmt_t *st = db_stmt(db, &q_allocation_delete);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, a->id);
    db_err_t rc = db_step_done(db, st, "delete allocation");
    if (rc == DB_OK && db_changes(db) != 1)
        return db_fail(db, DB_ENOTFOUND, "allocation %lld: not found", (long long)a->id);
    return rc == DB_OK ? batch_allocated_add(db, a->batch_id, -(a->last_seq - a->first_seq + 1))
                       : rc;
}

db_err_t db_allocation_overlaps(db_t *db, int64_t batch_id, int64_t first, int64_t last, int64_t *n)
{
    db_stmt_t *st = db_stmt(db, &q_allocation_overlaps);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, batch_id);
    db_bind_int(st, 2, first);
    db_bind_int(st, 3, last);
    return db_query_int(db, st, "overlapping allocations", n);
}

static int allocation_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_allocation_t a;
    allocation_read(st, 0, &a);
    return ((db_allocation_fn)c->fn)(&a, c->arg);
}

db_err_t db_allocation_list(db_t *db, int64_t batch_id, db_allocation_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_allocation_list);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, batch_id);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list allocations", allocation_row, &c);
}

db_err_t db_labels_unallocated(db_t *db, int64_t batch_id, int64_t *n)
{
    db_stmt_t *st = db_stmt(db, &q_labels_unallocated);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, batch_id);
    return db_query_int(db, st, "unallocated labels", n);
}

/* --- the verify path ------------------------------------------------------------------ */

db_err_t db_label_origin(db_t *db, int64_t batch_id, int64_t seq, db_origin_t *out)
{
    memset(out, 0, sizeof *out);
    db_stmt_t *st = db_stmt(db, &q_origin);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, batch_id);
    db_bind_int(st, 2, seq);
    db_err_t rc = db_step_one(db, st, "origin of label");
    if (rc == DB_OK && db_col_int(st, 0) >= seq) {
        out->found = 1;
        db_col_text(st, 1, out->kind, sizeof out->kind);
        db_col_text(st, 2, out->region_code, sizeof out->region_code);
        db_col_text(st, 3, out->village, sizeof out->village);
        db_col_text(st, 4, out->base_type, sizeof out->base_type);
    }
    db_stmt_reset(st);
    return rc == DB_ENOTFOUND ? DB_OK : rc;
}
