/*
 * gs1.c - what the GS1 resolver and the EPCIS events read: a product by its
 * GTIN, a batch's life as events, the labels one event names.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

static db_query_t q_product_find_gtin =
    DB_QUERY("SELECT " PRODUCT_COLUMNS "FROM product p WHERE p.gtin = ?", PRODUCT_NCOLUMNS);

db_err_t db_product_find_gtin(db_t *db, const char *gtin, db_product_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_product_find_gtin);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, gtin);
    db_err_t rc = db_step_one(db, st, "product");
    if (rc == DB_OK)
        db_product_read(st, 0, out);
    db_stmt_reset(st);
    return rc;
}

/* --- EPCIS events ------------------------------------------------------------------- */

/* A batch's life as event heads: issuance (kind 0), activation (1), each
 * label voided alone (2, with its seq) and the whole batch voided (3), in
 * the scope of an account, from a time on, after a position (t, batch,
 * kind, seq): strictly after it, or from it on when ?10 is 0. */
#define EPCIS_HEADS                                                                                \
    "SELECT e.t, e.batch_id, e.kind, e.seq FROM ("                                                 \
    "SELECT b.issued_at AS t, b.id AS batch_id, 0 AS kind, 0 AS seq FROM batch b "                 \
    "WHERE b.issued_at IS NOT NULL "                                                               \
    "UNION ALL SELECT b.activated_at, b.id, 1, 0 FROM batch b WHERE b.activated_at IS NOT NULL "   \
    "UNION ALL SELECT v.at, l.batch_id, 2, l.seq FROM label_void v JOIN label l ON l.code = "      \
    "v.code "                                                                                      \
    "UNION ALL SELECT b.voided_at, b.id, 3, 0 FROM batch b WHERE b.voided_at IS NOT NULL"          \
    ") e JOIN batch b ON b.id = e.batch_id JOIN authorisation a ON a.id = b.auth_id "              \
    "JOIN operator o ON o.id = a.operator_id "                                                     \
    "WHERE (?1 = 0 OR a.operator_id = ?1) AND substr(o.region_code, 1, length(?2)) = ?2 "          \
    "AND e.t >= ?3 AND e.t < ?4 AND (?5 = 0 OR e.batch_id = ?5) "                                  \
    "AND (?6 = 1 AND e.kind = 0 OR ?7 = 1 AND e.kind = 1 OR ?8 = 1 AND e.kind IN (2, 3)) "         \
    "AND (e.t > ?9 OR e.t = ?9 AND (e.batch_id > ?10 OR e.batch_id = ?10 AND "                     \
    "(e.kind > ?11 OR e.kind = ?11 AND (e.seq > ?12 OR ?13 = 0 AND e.seq = ?12)))) "               \
    "ORDER BY e.t, e.batch_id, e.kind, e.seq LIMIT ?14"
static db_query_t q_epcis_heads = DB_QUERY(EPCIS_HEADS, 4);

/* Labels of a batch in [?2, ?3) of seq not voided alone before ?4. */
static db_query_t q_epcis_labels =
    DB_QUERY_STREAM("SELECT l.code, l.seq FROM label l WHERE l.batch_id = ?1 AND l.seq >= ?2 "
                    "AND l.seq < ?3 AND NOT EXISTS (SELECT 1 FROM label_void v "
                    "WHERE v.code = l.code AND v.at < ?4) ORDER BY l.seq",
                    2);

static int head_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_epcis_head_t h = {db_col_int(st, 0), db_col_int(st, 1), (int)db_col_int(st, 2),
                         db_col_int(st, 3)};
    return ((db_epcis_head_fn)c->fn)(&h, c->arg);
}

db_err_t db_epcis_heads(db_t *db, const db_epcis_scan_t *q, db_epcis_head_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_epcis_heads);
    if (!st)
        return DB_EIO;
    const db_filter_t *f = q->filter;
    db_bind_int(st, 1, f ? f->operator_id : 0);
    db_bind_text(st, 2, f && f->region ? f->region : "");
    db_bind_int(st, 3, q->from);
    db_bind_int(st, 4, q->until);
    db_bind_int(st, 5, q->batch_id);
    db_bind_int(st, 6, (q->kinds & 1) != 0);
    db_bind_int(st, 7, (q->kinds & 2) != 0);
    db_bind_int(st, 8, (q->kinds & 4) != 0);
    db_bind_int(st, 9, q->after.t);
    db_bind_int(st, 10, q->after.batch_id);
    db_bind_int(st, 11, q->after.kind);
    db_bind_int(st, 12, q->after.seq);
    db_bind_int(st, 13, q->strict);
    db_bind_int(st, 14, q->limit);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "EPCIS events", head_row, &c);
}

static int epcis_label_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    return ((db_epcis_label_fn)c->fn)(db_col_str(st, 0), db_col_int(st, 1), c->arg);
}

db_err_t db_epcis_labels(db_t *db, int64_t batch_id, int64_t seq_from, int64_t seq_to,
                         int64_t voided_before, db_epcis_label_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_epcis_labels);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, batch_id);
    db_bind_int(st, 2, seq_from);
    db_bind_int(st, 3, seq_to);
    db_bind_int(st, 4, voided_before);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "labels", epcis_label_row, &c);
}
