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
    "coalesce(p.gtin, ''), p.status, p.created_at, p.name_vi, p.name_th, p.photo_at, "             \
    "p.unnumbered_reason, p.unnumbered_by, p.unnumbered_at "
#define PRODUCT_NCOLUMNS 16
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
    "coalesce(a.last_used_at, 0), o.name, o.uscc, p.name_zh, a.status_at "
#define AUTH_NCOLUMNS 15
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

/* use reports u, with their decision d, operator o and product p */
#define USAGE_COLUMNS                                                                              \
    "u.id, u.operator_id, u.product_id, u.period, u.period_start, u.period_end, u.version, "       \
    "u.volume_produced, u.volume_sold, u.volume_unit, u.sales_value_fen, u.labels_received, "      \
    "u.labels_used, u.labels_voided, u.application, u.filed_at, u.filed_by, "                      \
    "coalesce(d.decision, 'filed'), coalesce(d.reason, ''), coalesce(d.decided_at, 0), "           \
    "coalesce(d.decided_by, ''), CASE WHEN u.version = (SELECT max(v.version) FROM usage_report "  \
    "v "                                                                                           \
    "WHERE v.operator_id = u.operator_id AND v.product_id = u.product_id AND v.period = "          \
    "u.period) "                                                                                   \
    "THEN 1 ELSE 0 END, o.name, o.uscc, o.region_code, p.name_zh "
#define USAGE_NCOLUMNS 26
#define USAGE_FROM                                                                                 \
    "FROM usage_report u JOIN operator o ON o.id = u.operator_id "                                 \
    "JOIN product p ON p.id = u.product_id LEFT JOIN usage_decision d ON d.report_id = u.id "
int db_usage_read(db_stmt_t *st, int c, db_usage_report_t *r);
/* The origin of label seq of batch_id (households.c): out->found is 0 when
 * no allocation holds it. The verify path calls it only for a batch whose
 * allocated count is not 0. */
db_err_t db_label_origin(db_t *db, int64_t batch_id, int64_t seq, db_origin_t *out);

/* a code's scan tally: its total t, and one kept client c a row (none: NULL,
 * read as ""), from SCAN_TALLY_JOIN's clients after ?2, at most ?3, of code ?1 */
#define SCAN_TALLY_COLUMNS  "t.count, t.first_at, c.client_key, c.last_at "
#define SCAN_TALLY_NCOLUMNS 4
#define SCAN_TALLY_JOIN                                                                            \
    "LEFT JOIN (SELECT code, client_key, last_at FROM scans.scan_client "                          \
    "WHERE code = ?1 AND last_at > ?2 ORDER BY last_at DESC LIMIT ?3) c ON c.code = t.code "
/* Reads a tally row from column c: the total into t, the row's client
 * through t->fn. Returns what t->fn returned (non-zero: stop), 0 without one. */
int db_tally_read(db_stmt_t *st, int c, db_scan_tally_t *t);

#endif
