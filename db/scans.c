/*
 * scans.c - scan events, the per-code totals and clients merged from them,
 * and consumers' reports. The scan writer's append is the engine's own
 * (db_scans_record in sqlite.c).
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_TOTAL_ADD "INSERT INTO scans.scan_total (code, count, first_at) VALUES "
#define SCAN_TOTAL_ROW "(?,?,?)"
#define SCAN_TOTAL_UPSERT                                                                          \
    " ON CONFLICT (code) DO UPDATE SET count = scan_total.count + excluded.count, "                \
    "first_at = " DB_LEAST("scan_total.first_at", "excluded.first_at")
static db_query_t q_scan_total_add = DB_QUERY(SCAN_TOTAL_ADD SCAN_TOTAL_ROW SCAN_TOTAL_UPSERT, 0);
static db_query_t q_scan_total_add_many =
    DB_QUERY(SCAN_TOTAL_ADD DB_ROWS32(SCAN_TOTAL_ROW) SCAN_TOTAL_UPSERT, 0);
static db_query_t q_scan_top = DB_QUERY("SELECT coalesce(max(id), 0) FROM scans.scan", 1);
static db_query_t q_scan_merged_set =
    DB_QUERY("UPDATE scans.scan_merged SET through_id = ? WHERE one = 1", 0);
static db_query_t q_scan_catch_up = DB_QUERY(
    "INSERT INTO scans.scan_total (code, count, first_at) "
    "SELECT code, count(*), min(at) FROM scans.scan WHERE id > "
    "(SELECT through_id FROM scans.scan_merged) AND code IS NOT NULL GROUP BY code "
    "ORDER BY code ON CONFLICT (code) DO UPDATE SET count = scan_total.count + excluded.count, "
    "first_at = " DB_LEAST("scan_total.first_at", "excluded.first_at"),
    0);
#define CLIENT_FIRST_AT "first_at = " DB_LEAST("scan_client.first_at", "excluded.first_at")
#define CLIENT_LAST_AT  "last_at = " DB_GREATEST("scan_client.last_at", "excluded.last_at")
#define SCAN_CLIENT_UPSERT                                                                         \
    "ON CONFLICT (code, client_key) DO UPDATE SET " CLIENT_FIRST_AT ", " CLIENT_LAST_AT
#define SCAN_CLIENT_ADD                                                                            \
    "INSERT INTO scans.scan_client (code, client_key, first_at, last_at) VALUES "
#define SCAN_CLIENT_ROW "(?,?,?,?)"
static db_query_t q_scan_client_add =
    DB_QUERY(SCAN_CLIENT_ADD SCAN_CLIENT_ROW " " SCAN_CLIENT_UPSERT, 0);
static db_query_t q_scan_client_add_many =
    DB_QUERY(SCAN_CLIENT_ADD DB_ROWS32(SCAN_CLIENT_ROW) " " SCAN_CLIENT_UPSERT, 0);
/* A code's total and its recent clients in one statement: on PostgreSQL one
 * round trip, where two cost the server and the workers as much as the
 * label's lookup (measured with the verify bench). */
static db_query_t q_scan_tally =
    DB_QUERY("SELECT " SCAN_TALLY_COLUMNS "FROM scans.scan_total t " SCAN_TALLY_JOIN
             "WHERE t.code = ?1 ORDER BY c.last_at DESC",
             SCAN_TALLY_NCOLUMNS);
static db_query_t q_scan_clients_catch_up =
    DB_QUERY("INSERT INTO scans.scan_client (code, client_key, first_at, last_at) "
             "SELECT code, client_key, min(at), max(at) FROM scans.scan WHERE id > "
             "(SELECT through_id FROM scans.scan_merged) AND code IS NOT NULL GROUP BY code, "
             "client_key ORDER BY code, client_key " SCAN_CLIENT_UPSERT,
             0);
#define REPORT_FROM                                                                                \
    "r.id, r.at, r.code, r.text, r.contact, r.client_key, r.status, r.note, "                      \
    "coalesce(o.id, 0), coalesce(o.region_code, '') FROM report r "                                \
    "LEFT JOIN label l ON l.code = r.code LEFT JOIN batch b ON b.id = l.batch_id "                 \
    "LEFT JOIN authorisation a ON a.id = b.auth_id "                                               \
    "LEFT JOIN operator o ON o.id = a.operator_id "
#define REPORT_NCOLUMNS 10
static db_query_t q_report_get = DB_QUERY("SELECT " REPORT_FROM "WHERE r.id = ?", REPORT_NCOLUMNS);
static db_query_t q_report_list =
    DB_QUERY("SELECT " REPORT_FROM "WHERE (?1 = 0 OR o.id = ?1) "
             "AND (?2 = '' OR substr(o.region_code, 1, length(?2)) = ?2 "
             "OR (o.id IS NULL AND length(?2) <= 2)) "
             "AND (?3 = '' OR r.status = ?3) ORDER BY r.id DESC LIMIT ?4 OFFSET ?5",
             REPORT_NCOLUMNS);
static db_query_t q_report_set_status =
    DB_QUERY("UPDATE report SET status = ?, note = ? WHERE id = ?", 0);
static db_query_t q_report_insert =
    DB_QUERY("INSERT INTO report (at, code, text, contact, client_key) "
             "VALUES (?,?,?,?,?) RETURNING id",
             1);

/* --- scans and reports ------------------------------------------------------------ */

static db_err_t set_merged(db_t *db, int64_t through_id)
{
    db_stmt_t *st = db_stmt(db, &q_scan_merged_set);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, through_id);
    return db_step_done(db, st, "scan totals mark");
}

static void total_bind(db_stmt_t *st, int first, const void *row)
{
    const db_scan_total_t *t = row;
    db_bind_text_kept(st, first, t->code ? t->code : "");
    db_bind_int(st, first + 1, t->count);
    db_bind_int(st, first + 2, t->first_at);
}

static void client_bind(db_stmt_t *st, int first, const void *row)
{
    const db_scan_client_t *c = row;
    db_bind_text_kept(st, first, c->code ? c->code : "");
    db_bind_text_kept(st, first + 1, c->client_key ? c->client_key : "");
    db_bind_int(st, first + 2, c->first_at);
    db_bind_int(st, first + 3, c->last_at);
}

static const db_rows_t total_rows = {
    &q_scan_total_add, &q_scan_total_add_many, 3, sizeof(db_scan_total_t), total_bind,
    "scan total"};
static const db_rows_t client_rows = {
    &q_scan_client_add, &q_scan_client_add_many, 4, sizeof(db_scan_client_t), client_bind,
    "scan client"};

db_err_t db_scan_totals_merge(db_t *db, const db_scan_total_t *totals, size_t n,
                              const db_scan_client_t *clients, size_t m, int64_t through_id)
{
    db_err_t rc = db_scans_begin(db);
    if (rc == DB_OK)
        rc = db_write_rows(db, &total_rows, totals, n);
    if (rc == DB_OK)
        rc = db_write_rows(db, &client_rows, clients, m);
    if (rc == DB_OK)
        rc = set_merged(db, through_id);
    return db_scans_end(db, rc);
}

static db_err_t step_query(db_t *db, db_query_t *q, const char *what)
{
    db_stmt_t *st = db_stmt(db, q);
    return st ? db_step_done(db, st, what) : DB_EIO;
}

db_err_t db_scan_totals_catch_up(db_t *db)
{
    if (db_scans_merged_on_record(db)) /* nothing is ever left to catch up */
        return DB_OK;
    db_err_t rc = db_scans_begin(db);
    if (rc == DB_OK) /* before the totals: both read the scans after the same mark */
        rc = step_query(db, &q_scan_clients_catch_up, "scan clients catch-up");
    if (rc == DB_OK)
        rc = step_query(db, &q_scan_catch_up, "scan totals catch-up");
    if (rc == DB_OK) {
        db_stmt_t *st = db_stmt(db, &q_scan_top);
        int64_t top = 0;
        rc = st ? db_query_int(db, st, "last scan", &top) : DB_EIO;
        if (rc == DB_OK)
            rc = set_merged(db, top);
    }
    return db_scans_end(db, rc);
}

int db_tally_read(db_stmt_t *st, int c, db_scan_tally_t *t)
{
    t->count = db_col_int(st, c);
    t->first_at = db_col_int(st, c + 1);
    const char *client_key = db_col_str(st, c + 2);
    return *client_key && t->fn ? t->fn(client_key, db_col_int(st, c + 3), t->arg) : 0;
}

static int tally_row(db_stmt_t *st, void *ctx)
{
    return db_tally_read(st, 0, ctx);
}

db_err_t db_scan_tally(db_t *db, const char *code, db_scan_tally_t *t)
{
    t->count = 0;
    t->first_at = 0;
    if (db_read_snapshot(db) != DB_OK)
        return DB_EIO;
    db_stmt_t *st = db_stmt(db, &q_scan_tally);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, code);
    db_bind_int(st, 2, t->after);
    db_bind_int(st, 3, t->limit);
    return db_step_rows(db, st, "scan tally", tally_row, t);
}

db_err_t db_scan_count(db_t *db, const char *code, int64_t *count, int64_t *first_at)
{
    db_scan_tally_t t = {0};
    db_err_t rc = db_scan_tally(db, code, &t);
    *count = t.count;
    *first_at = t.first_at;
    return rc;
}

db_err_t db_report_insert(db_t *db, db_report_t *r)
{
    db_stmt_t *st = db_stmt(db, &q_report_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, r->at);
    db_bind_text(st, 2, r->code);
    db_bind_text(st, 3, r->text);
    db_bind_text(st, 4, r->contact);
    db_bind_text(st, 5, r->client_key);
    return db_insert_id(db, st, "insert report", &r->id);
}

static void report_from_row(db_stmt_t *st, db_report_t *r)
{
    int i = 0;
    r->id = db_col_int(st, i++);
    r->at = db_col_int(st, i++);
    db_col_text(st, i++, r->code, sizeof r->code);
    db_col_text(st, i++, r->text, sizeof r->text);
    db_col_text(st, i++, r->contact, sizeof r->contact);
    db_col_text(st, i++, r->client_key, sizeof r->client_key);
    db_col_text(st, i++, r->status, sizeof r->status);
    db_col_text(st, i++, r->note, sizeof r->note);
    r->operator_id = db_col_int(st, i++);
    db_col_text(st, i++, r->region_code, sizeof r->region_code);
    assert(i == REPORT_NCOLUMNS);
}

db_err_t db_report_get(db_t *db, int64_t id, db_report_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_report_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_err_t rc = db_step_one(db, st, "report");
    if (rc == DB_OK)
        report_from_row(st, out);
    db_stmt_reset(st);
    return rc;
}

static int report_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    db_report_t *r = malloc(sizeof *r); /* 9 KB: not on a worker's stack */
    if (!r)
        return 1;
    report_from_row(st, r);
    int stop = ((db_report_fn)c->fn)(r, c->arg);
    free(r);
    return stop;
}

db_err_t db_report_list(db_t *db, const db_filter_t *f, const char *status, db_page_t page,
                        db_report_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_report_list);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, f ? f->operator_id : 0);
    db_bind_text(st, 2, f && f->region ? f->region : "");
    db_bind_text(st, 3, status ? status : "");
    db_bind_page(st, 4, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list reports", report_row, &c);
}

db_err_t db_report_set_status(db_t *db, int64_t id, const char *status, const char *note)
{
    db_stmt_t *st = db_stmt(db, &q_report_set_status);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, status);
    db_bind_text(st, 2, note);
    db_bind_int(st, 3, id);
    db_err_t rc = db_step_done(db, st, "triage report");
    if (rc == DB_OK && db_changes(db) == 0)
        rc = db_fail(db, DB_ENOTFOUND, "no report %lld", (long long)id);
    return rc;
}
