/*
 * records.h - the column lists of the records that several statements read
 * (internal to db/), each with its count and its reader.
 *
 * A record's columns are listed here once. A reader reads exactly its
 * list's count of columns from column c on and returns the column after
 * them; every statement that selects a list declares the same count (in its
 * db_query_t), which the engine checks at prepare, and each reader asserts
 * that it read that many. Adding a column is one edit to the list, its
 * count and its reader, never a position to find in four places.
 */
#ifndef DB_RECORDS_H
#define DB_RECORDS_H

#include "db/db.h"
#include "db/engine.h"

/* products p */
#define PRODUCT_COLUMNS                                                                            \
    "p.id, p.name_zh, p.name_en, p.regime, p.reg_number, p.region_code, p.standard, "              \
    "coalesce(p.gtin, ''), p.status, p.created_at "
#define PRODUCT_NCOLUMNS 10
int db_product_read(db_stmt_t *st, int c, db_product_t *p);

/* operators o */
#define OPERATOR_COLUMNS                                                                           \
    "o.id, o.uscc, o.name, o.kind, o.region_code, o.contact, o.status, o.uscc_override, "          \
    "o.created_at "
#define OPERATOR_NCOLUMNS 9
int db_operator_read(db_stmt_t *st, int c, db_operator_t *o);

/* authorisations a, with their operator o and product p */
#define AUTH_COLUMNS                                                                               \
    "a.id, a.operator_id, a.product_id, a.status, a.valid_from, a.valid_until, "                   \
    "a.yearly_quota, a.approval_doc, a.created_at, coalesce(a.approved_at, 0), "                   \
    "coalesce(a.last_used_at, 0), o.name, o.uscc, p.name_zh "
#define AUTH_NCOLUMNS 14
#define AUTH_FROM                                                                                  \
    "FROM authorisation a JOIN operator o ON o.id = a.operator_id "                                \
    "JOIN product p ON p.id = a.product_id "
int db_auth_read(db_stmt_t *st, int c, db_auth_t *a);

/* batches b, with their authorisation a */
#define BATCH_COLUMNS                                                                              \
    "b.id, b.auth_id, b.count, b.status, b.quota_year, b.lot_number, b.harvest_date, "             \
    "b.production_base, b.inspection_cert, b.requested_at, b.requested_by, "                       \
    "coalesce(b.decided_at, 0), b.decided_by, b.decision_note, coalesce(b.issued_at, 0), "         \
    "coalesce(b.activated_at, 0), coalesce(b.voided_at, 0), b.void_reason, a.operator_id, "        \
    "a.product_id, b.gtin, b.allocated "
#define BATCH_NCOLUMNS 22
int db_batch_read(db_stmt_t *st, int c, db_batch_t *b);

/* The origin of label seq of batch_id (households.c): out->found is 0 when
 * no allocation holds it. The verify path calls it only for a batch whose
 * allocated count is not 0. */
db_err_t db_label_origin(db_t *db, int64_t batch_id, int64_t seq, db_origin_t *out);

#endif
