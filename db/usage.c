/*
 * usage.c - operators' use reports: versions filed, the office's decisions,
 * and what the register itself knows to set beside them (labels issued,
 * activated, scanned; who must report). The rules are in gi/usage.c.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

#include <assert.h>
#include <string.h>

static db_query_t q_usage_next_version =
    DB_QUERY("SELECT coalesce(max(version), 0) + 1 FROM usage_report "
             "WHERE operator_id = ?1 AND product_id = ?2 AND period = ?3",
             1);
static db_query_t q_usage_insert = DB_QUERY(
    "INSERT INTO usage_report (operator_id, product_id, period, period_start, period_end, "
    "version, volume_produced, volume_sold, volume_unit, sales_value_fen, labels_received, "
    "labels_used, labels_voided, application, filed_at, filed_by) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
    1);
static db_query_t q_usage_decide =
    DB_QUERY("INSERT INTO usage_decision (report_id, decision, reason, decided_at, decided_by) "
             "VALUES (?,?,?,?,?)",
             0);
static db_query_t q_usage_decided =
    DB_QUERY("SELECT count(*) FROM usage_decision WHERE report_id = ?1", 1);
static db_query_t q_usage_get =
    DB_QUERY("SELECT " USAGE_COLUMNS USAGE_FROM "WHERE u.id = ?1", USAGE_NCOLUMNS);
#define LATEST_VERSION                                                                             \
    "(SELECT max(v.version) FROM usage_report v WHERE v.operator_id = u.operator_id "              \
    "AND v.product_id = u.product_id AND v.period = u.period)"
static db_query_t q_usage_list = DB_QUERY(
    "SELECT " USAGE_COLUMNS USAGE_FROM
    "WHERE (?1 = 0 OR u.operator_id = ?1) AND (?2 = 0 OR u.product_id = ?2) "
    "AND substr(o.region_code, 1, length(?3)) = ?3 AND (?4 = '' OR u.period = ?4) "
    "AND (?5 = '' OR coalesce(d.decision, 'filed') = ?5) "
    "AND (?6 = '' OR u.period_start >= ?6) AND (?7 = '' OR u.period_end <= ?7) "
    "AND (?8 = 0 OR u.version = " LATEST_VERSION ") "
    "ORDER BY u.period_start DESC, u.period DESC, u.operator_id, u.product_id, u.version DESC "
    "LIMIT ?9 OFFSET ?10",
    USAGE_NCOLUMNS);
/* Labels of an operator's authorisations of a product: ?3 and ?4 bound the
 * period [from, to) in Unix seconds. */
#define OWN_BATCHES                                                                                \
    "FROM batch b JOIN authorisation a ON a.id = b.auth_id "                                       \
    "WHERE a.operator_id = ?1 AND a.product_id = ?2 "
static db_query_t q_usage_known =
    DB_QUERY("SELECT coalesce((SELECT sum(b.count) " OWN_BATCHES
             "AND b.issued_at >= ?3 AND b.issued_at < ?4), 0), "
             "coalesce((SELECT sum(b.count) " OWN_BATCHES "AND b.issued_at < ?4), 0), "
             "coalesce((SELECT sum(b.count) " OWN_BATCHES
             "AND b.activated_at >= ?3 AND b.activated_at < ?4), 0), "
             "(SELECT count(*) FROM scans.scan s JOIN label l ON l.code = s.code "
             "JOIN batch b ON b.id = l.batch_id JOIN authorisation a ON a.id = b.auth_id "
             "WHERE a.operator_id = ?1 AND a.product_id = ?2 AND s.at >= ?3 AND s.at < ?4)",
             4);
static db_query_t q_usage_obligations =
    DB_QUERY("SELECT a.id, a.operator_id, a.product_id, o.uscc, o.name, o.region_code, p.name_zh, "
             "a.valid_from, a.valid_until, a.status, coalesce(a.approved_at, 0), "
             "coalesce((SELECT min(e.at) FROM auth_event e WHERE e.auth_id = a.id "
             "AND e.to_status = 'revoked'), 0), "
             "coalesce((SELECT max(b.issued_at) FROM batch b WHERE b.auth_id = a.id "
             "AND b.issued_at < ?3), 0) " AUTH_FROM
             "WHERE substr(o.region_code, 1, length(?1)) = ?1 AND (?2 = 0 OR a.operator_id = ?2) "
             "ORDER BY a.operator_id, a.product_id, a.id",
             13);

db_err_t db_usage_next_version(db_t *db, int64_t operator_id, int64_t product_id,
                               const char *period, int64_t *version)
{
    db_stmt_t *st = db_stmt(db, &q_usage_next_version);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, operator_id);
    db_bind_int(st, 2, product_id);
    db_bind_text(st, 3, period);
    return db_query_int(db, st, "next use report version", version);
}

db_err_t db_usage_insert(db_t *db, db_usage_report_t *r)
{
    db_stmt_t *st = db_stmt(db, &q_usage_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, r->operator_id);
    db_bind_int(st, 2, r->product_id);
    db_bind_text(st, 3, r->period);
    db_bind_text(st, 4, r->period_start);
    db_bind_text(st, 5, r->period_end);
    db_bind_int(st, 6, r->version);
    db_bind_int(st, 7, r->volume_produced);
    db_bind_int(st, 8, r->volume_sold);
    db_bind_text(st, 9, r->volume_unit);
    db_bind_int(st, 10, r->sales_value_fen);
    db_bind_int(st, 11, r->labels_received);
    db_bind_int(st, 12, r->labels_used);
    db_bind_int(st, 13, r->labels_voided);
    db_bind_text(st, 14, r->application);
    db_bind_int(st, 15, r->filed_at);
    db_bind_text(st, 16, r->filed_by);
    return db_insert_id(db, st, "insert use report", &r->id);
}

db_err_t db_usage_decide(db_t *db, int64_t id, const char *decision, const char *reason, int64_t at,
                         const char *actor)
{
    db_stmt_t *st = db_stmt(db, &q_usage_decided);
    if (!st)
        return DB_EIO;
    int64_t n = 0;
    db_bind_int(st, 1, id);
    db_err_t rc = db_query_int(db, st, "use report decided", &n);
    if (rc != DB_OK)
        return rc;
    if (n)
        return db_fail(db, DB_EEXISTS, "use report %lld is decided already", (long long)id);
    if (!(st = db_stmt(db, &q_usage_decide)))
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, decision);
    db_bind_text(st, 3, reason);
    db_bind_int(st, 4, at);
    db_bind_text(st, 5, actor);
    return db_step_done(db, st, "decide use report");
}

int db_usage_read(db_stmt_t *st, int c, db_usage_report_t *r)
{
    memset(r, 0, sizeof *r);
    int i = c;
    r->id = db_col_int(st, i++);
    r->operator_id = db_col_int(st, i++);
    r->product_id = db_col_int(st, i++);
    db_col_text(st, i++, r->period, sizeof r->period);
    db_col_text(st, i++, r->period_start, sizeof r->period_start);
    db_col_text(st, i++, r->period_end, sizeof r->period_end);
    r->version = db_col_int(st, i++);
    r->volume_produced = db_col_int(st, i++);
    r->volume_sold = db_col_int(st, i++);
    db_col_text(st, i++, r->volume_unit, sizeof r->volume_unit);
    r->sales_value_fen = db_col_int(st, i++);
    r->labels_received = db_col_int(st, i++);
    r->labels_used = db_col_int(st, i++);
    r->labels_voided = db_col_int(st, i++);
    db_col_text(st, i++, r->application, sizeof r->application);
    r->filed_at = db_col_int(st, i++);
    db_col_text(st, i++, r->filed_by, sizeof r->filed_by);
    db_col_text(st, i++, r->status, sizeof r->status);
    db_col_text(st, i++, r->decision_reason, sizeof r->decision_reason);
    r->decided_at = db_col_int(st, i++);
    db_col_text(st, i++, r->decided_by, sizeof r->decided_by);
    r->latest = (int)db_col_int(st, i++);
    db_col_text(st, i++, r->operator_name, sizeof r->operator_name);
    db_col_text(st, i++, r->operator_uscc, sizeof r->operator_uscc);
    db_col_text(st, i++, r->operator_region, sizeof r->operator_region);
    db_col_text(st, i++, r->product_name, sizeof r->product_name);
    assert(i - c == USAGE_NCOLUMNS);
    return i;
}

db_err_t db_usage_get(db_t *db, int64_t id, db_usage_report_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_usage_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_err_t rc = db_step_one(db, st, "use report");
    if (rc == DB_OK)
        db_usage_read(st, 0, out);
    db_stmt_reset(st);
    return rc;
}

static int usage_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_usage_report_t r;
    db_usage_read(st, 0, &r);
    return ((db_usage_fn)c->fn)(&r, c->arg);
}

db_err_t db_usage_list(db_t *db, const db_usage_filter_t *f, db_page_t page, db_usage_fn fn,
                       void *arg)
{
    db_usage_filter_t none = {0};
    if (!f)
        f = &none;
    db_stmt_t *st = db_stmt(db, &q_usage_list);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, f->operator_id);
    db_bind_int(st, 2, f->product_id);
    db_bind_text(st, 3, f->region);
    db_bind_text(st, 4, f->period);
    db_bind_text(st, 5, f->status);
    db_bind_text(st, 6, f->starts_from);
    db_bind_text(st, 7, f->ends_through);
    db_bind_int(st, 8, f->latest_only ? 1 : 0);
    db_bind_page(st, 9, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list use reports", usage_row, &c);
}

db_err_t db_usage_known(db_t *db, int64_t operator_id, int64_t product_id, int64_t from, int64_t to,
                        db_usage_known_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_usage_known);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, operator_id);
    db_bind_int(st, 2, product_id);
    db_bind_int(st, 3, from);
    db_bind_int(st, 4, to);
    db_err_t rc = db_step_one(db, st, "labels known for a use report");
    if (rc == DB_OK) {
        out->issued = db_col_int(st, 0);
        out->issued_through = db_col_int(st, 1);
        out->activated = db_col_int(st, 2);
        out->scanned = db_col_int(st, 3);
    }
    db_stmt_reset(st);
    return rc;
}

static int obligation_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_usage_obligation_t o = {.auth_id = db_col_int(st, 0),
                               .operator_id = db_col_int(st, 1),
                               .product_id = db_col_int(st, 2),
                               .uscc = db_col_str(st, 3),
                               .operator_name = db_col_str(st, 4),
                               .operator_region = db_col_str(st, 5),
                               .product_name = db_col_str(st, 6),
                               .valid_from = db_col_str(st, 7),
                               .valid_until = db_col_str(st, 8),
                               .status = db_col_str(st, 9),
                               .approved_at = db_col_int(st, 10),
                               .revoked_at = db_col_int(st, 11),
                               .last_issue_at = db_col_int(st, 12)};
    return ((db_usage_obligation_fn)c->fn)(&o, c->arg);
}

db_err_t db_usage_obligations(db_t *db, const char *region, int64_t operator_id, int64_t before,
                              db_usage_obligation_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_usage_obligations);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, region ? region : "");
    db_bind_int(st, 2, operator_id);
    db_bind_int(st, 3, before);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "use report obligations", obligation_row, &c);
}
