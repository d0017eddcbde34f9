/*
 * annual.c - the figures of the annual supervision report (gi/annual.c) over
 * the dated records, as of a year's end, and the office's texts and closed
 * years' snapshots.
 *
 * Every tally binds the same five values: ?1 the year's first moment and ?2
 * the next year's first (Unix seconds, China Standard Time), ?3 the region
 * prefix ("" everywhere), ?4 and ?5 the last days of the year before and of
 * the year ('YYYY-12-31'). An authorisation's status at a moment T is read
 * from its events: the last one before T says what it became; without one,
 * the first one after T says what it was; without any, its status now.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

#include <stdio.h>
#include <string.h>

#define IN_SCOPE(column) "substr(" column ", 1, length(?3)) = ?3"
#define STATUS_AT(t)                                                                               \
    "coalesce((SELECT e.to_status FROM auth_event e WHERE e.auth_id = a.id AND e.at < " t          \
    " ORDER BY e.at DESC, e.id DESC LIMIT 1), (SELECT e.from_status FROM auth_event e "            \
    "WHERE e.auth_id = a.id AND e.at >= " t " ORDER BY e.at, e.id LIMIT 1), a.status)"
/* authorisation a in force at the end of the day d, t being the next moment */
#define IN_FORCE(t, d)                                                                             \
    "CASE WHEN a.created_at < " t " AND a.valid_from <= " d " AND a.valid_until >= " d             \
    " AND " STATUS_AT(t) " = 'approved' THEN 1 ELSE 0 END"
#define AUTHS                                                                                      \
    "FROM authorisation a JOIN operator o ON o.id = a.operator_id "                                \
    "JOIN product p ON p.id = a.product_id WHERE " IN_SCOPE("o.region_code")
#define SCAN_IN_SCOPE                                                                              \
    "(?3 = '' OR (s.code IS NULL AND length(?3) <= 2) OR "                                         \
    "EXISTS (SELECT 1 FROM label l JOIN batch b ON b.id = l.batch_id "                             \
    "JOIN authorisation a ON a.id = b.auth_id JOIN operator o ON o.id = a.operator_id "            \
    "WHERE l.code = s.code AND " IN_SCOPE("o.region_code") "))"
#define BATCHES                                                                                    \
    "FROM batch b JOIN authorisation a ON a.id = b.auth_id "                                       \
    "JOIN operator o ON o.id = a.operator_id WHERE " IN_SCOPE("o.region_code")
#define REPORTS                                                                                    \
    "FROM report r LEFT JOIN label l ON l.code = r.code LEFT JOIN batch b ON b.id = l.batch_id "   \
    "LEFT JOIN authorisation a ON a.id = b.auth_id "                                               \
    "LEFT JOIN operator o ON o.id = a.operator_id "                                                \
    "WHERE r.at >= ?1 AND r.at < ?2 AND (?3 = '' OR " IN_SCOPE(                                    \
        "o.region_code") " OR (o.id IS NULL AND length(?3) <= 2))"
#define EVENTS_IN_YEAR(to)                                                                         \
    "FROM auth_event e JOIN authorisation a ON a.id = e.auth_id "                                  \
    "JOIN operator o ON o.id = a.operator_id WHERE e.to_status = '" to "' AND e.at >= ?1 "         \
    "AND e.at < ?2 AND " IN_SCOPE("o.region_code")
#define NCOLS 7
#define NONE  ", '', '', 0, 0, 0 "

static db_query_t queries[DB_ANNUAL_TALLIES] = {
    /* products of the scope recorded by the year's end, or with an authorisation of an
     * operator of the scope recorded by then:
     * regime, name, registration, id, users at the year's end */
    [DB_ANNUAL_PRODUCTS] =
        DB_QUERY("SELECT p.regime, p.name_zh, p.reg_number, p.id, (SELECT count(DISTINCT "
                 "a.operator_id) "
                 "FROM authorisation a JOIN operator o ON o.id = a.operator_id "
                 "WHERE a.product_id = p.id AND " IN_SCOPE("o.region_code") " AND " IN_FORCE(
                     "?2", "?5") " = 1), 0, 0 FROM product p WHERE (p.created_at < ?2 "
                                 "AND " IN_SCOPE("p.region_code") ") OR EXISTS (SELECT 1 FROM "
                                                                  "authorisation a JOIN operator o "
                                                                  "ON o.id = a.operator_id "
                                                                  "WHERE a.product_id = p.id AND "
                                                                  "a.created_at < ?2 AND " IN_SCOPE(
                                                                      "o.region_code") ") ORDER BY "
                                                                                       "p.regime, "
                                                                                       "p.id",
                 NCOLS),
    /* operator and product pairs: product, city, operator, product id, in force at the
     * end of the year before, at the end of the year */
    [DB_ANNUAL_PAIRS] = DB_QUERY(
        "SELECT p.name_zh, substr(o.region_code, 1, 4) || '00', '', a.operator_id, "
        "a.product_id, max(" IN_FORCE("?1", "?4") "), max(" IN_FORCE(
            "?2",
            "?5") ") " AUTHS
                  " GROUP BY p.name_zh, substr(o.region_code, 1, 4), a.operator_id, a.product_id "
                  "ORDER BY a.product_id, a.operator_id",
        NCOLS),
    /* one row per figure: name, value */
    [DB_ANNUAL_COUNTS] = DB_QUERY(
        "SELECT 'granted'" NONE ", "
        "(SELECT count(*) " EVENTS_IN_YEAR(
            "approved") " AND e.from_status = 'pending') + "
                        "(SELECT count(*) " AUTHS " AND a.approved_at >= ?1 AND a.approved_at < ?2 "
                        "AND NOT EXISTS (SELECT 1 FROM auth_event e WHERE e.auth_id = a.id "
                        "AND e.to_status = 'approved' AND e.from_status = 'pending'))"
                        " UNION ALL SELECT 'suspended'" NONE ", count(*) " EVENTS_IN_YEAR(
                            "suspended") " UNION ALL SELECT 'revoked'" NONE
                                         ", count(*) " EVENTS_IN_YEAR(
                                             "revoked") " UNION ALL SELECT 'labels_issued'" NONE
                                                        ", coalesce(sum(b.count), 0) " BATCHES
                                                        " AND b.issued_at >= ?1 AND b.issued_at < "
                                                        "?2"
                                                        " UNION ALL SELECT 'labels_activated'" NONE
                                                        ", coalesce(sum(b.count), 0) " BATCHES
                                                        " AND b.activated_at >= ?1 AND "
                                                        "b.activated_at < ?2"
                                                        " UNION ALL SELECT 'labels_voided'" NONE
                                                        ", (SELECT coalesce(sum(b.count), "
                                                        "0) " BATCHES
                                                        " AND b.voided_at >= ?1 AND b.voided_at < "
                                                        "?2) + (SELECT count(*) FROM label_void v "
                                                        "JOIN label l ON l.code = v.code "
                                                        "JOIN batch b ON b.id = l.batch_id "
                                                        "JOIN authorisation a ON a.id = b.auth_id "
                                                        "JOIN operator o ON o.id = a.operator_id "
                                                        "WHERE v.at >= ?1 AND v.at < ?2 "
                                                        "AND " IN_SCOPE(
                                                            "o.region_code") " AND (b.voided_at IS "
                                                                             "NULL OR b.voided_at "
                                                                             "< ?1 OR b.voided_at "
                                                                             ">= ?2))"
                                                                             " UNION ALL SELECT "
                                                                             "'scans'" NONE
                                                                             ", count(*) FROM "
                                                                             "scans.scan s "
                                                                             "WHERE s.at >= ?1 AND "
                                                                             "s.at < ?2 "
                                                                             "AND " SCAN_IN_SCOPE
                                                                             " UNION ALL SELECT "
                                                                             "'consumer_"
                                                                             "reports'" NONE
                                                                             ", count(*) " REPORTS
                                                                             "",
        NCOLS),
    [DB_ANNUAL_VERDICTS] = DB_QUERY("SELECT s.verdict" NONE ", count(*) FROM scans.scan s "
                                    "WHERE s.at >= ?1 AND s.at < ?2 AND " SCAN_IN_SCOPE
                                    " GROUP BY s.verdict ORDER BY 5 DESC, 1",
                                    NCOLS),
    [DB_ANNUAL_REPORTS] = DB_QUERY(
        "SELECT r.status" NONE ", count(*) " REPORTS " GROUP BY r.status ORDER BY r.status", NCOLS),
    [DB_ANNUAL_MONTHS] = DB_QUERY2(
        "SELECT strftime('%Y-%m', b.issued_at + 28800, 'unixepoch')" NONE ", sum(b.count) " BATCHES
        " AND b.issued_at >= ?1 AND b.issued_at < ?2 "
        "GROUP BY 1 ORDER BY 1",
        "SELECT to_char(to_timestamp(b.issued_at + 28800) AT TIME ZONE 'UTC', 'YYYY-MM')" NONE
        ", sum(b.count) " BATCHES " AND b.issued_at >= ?1 AND b.issued_at < ?2 "
        "GROUP BY 1 ORDER BY 1",
        NCOLS),
    /* suspensions and revocations in the year: status, reason, who, when, authorisation */
    [DB_ANNUAL_ACTIONS] = DB_QUERY(
        "SELECT e.to_status, e.reason, o.name || ' / ' || p.name_zh, e.at, a.id, 0, 0 "
        "FROM auth_event e JOIN authorisation a ON a.id = e.auth_id "
        "JOIN operator o ON o.id = a.operator_id JOIN product p ON p.id = a.product_id "
        "WHERE e.to_status IN ('suspended', 'revoked') AND e.at >= ?1 AND e.at < ?2 AND " IN_SCOPE(
            "o.region_code") " ORDER BY e.at, e.id",
        NCOLS),
};

static int tally_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    db_annual_row_t r = {
        db_col_str(st, 0),
        db_col_str(st, 1),
        db_col_str(st, 2),
        {db_col_int(st, 3), db_col_int(st, 4), db_col_int(st, 5), db_col_int(st, 6)}};
    return ((db_annual_fn)c->fn)(&r, c->arg);
}

db_err_t db_annual_tally(db_t *db, db_annual_tally_t which, int year, int64_t from, int64_t to,
                         const char *region, db_annual_fn fn, void *arg)
{
    if ((int)which < 0 || which >= DB_ANNUAL_TALLIES)
        return db_fail(db, DB_EIO, "no such tally");
    char prev_end[24], end[24];
    snprintf(prev_end, sizeof prev_end, "%04d-12-31", year - 1);
    snprintf(end, sizeof end, "%04d-12-31", year);
    db_stmt_t *st = db_stmt(db, &queries[which]);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, from);
    db_bind_int(st, 2, to);
    db_bind_text(st, 3, region ? region : "");
    db_bind_text(st, 4, prev_end);
    db_bind_text(st, 5, end);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "annual report figures", tally_row, &c);
}

/* --- texts and closed years ------------------------------------------------------------ */

static db_query_t q_text_set = DB_QUERY2(
    "INSERT INTO annual_text (year, scope, section, body, updated_at, updated_by) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (year, scope, section) DO UPDATE SET "
    "body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    NULL, 0);
static db_query_t q_text_list =
    DB_QUERY("SELECT section, body, updated_by, updated_at, 0, 0, 0 FROM annual_text "
             "WHERE year = ?1 AND scope = ?2 ORDER BY section",
             NCOLS);
static db_query_t q_close_insert =
    DB_QUERY("INSERT INTO annual_close (year, scope, closed_at, closed_by, figures) "
             "VALUES (?1, ?2, ?3, ?4, ?5)",
             0);
static db_query_t q_close_get =
    DB_QUERY("SELECT figures, closed_by, '', closed_at, 0, 0, 0 FROM annual_close "
             "WHERE year = ?1 AND scope = ?2",
             NCOLS);
static db_query_t q_closed = DB_QUERY("SELECT count(*) FROM annual_close WHERE year = ?1", 1);
/* every prefix an account's scope or an operator's seat can have */
static db_query_t q_scopes = DB_QUERY(
    "SELECT DISTINCT s, '', '', 0, 0, 0, 0 FROM (SELECT substr(region_code, 1, 2) AS s FROM "
    "operator "
    "UNION SELECT substr(region_code, 1, 4) FROM operator UNION SELECT region_code FROM operator "
    "UNION SELECT region_scope FROM account) t WHERE s <> '' ORDER BY 1",
    NCOLS);

db_err_t db_annual_text_set(db_t *db, int year, const char *scope, const char *section,
                            const char *body, int64_t at, const char *by)
{
    db_stmt_t *st = db_stmt(db, &q_text_set);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, year);
    db_bind_text(st, 2, scope);
    db_bind_text(st, 3, section);
    db_bind_text(st, 4, body);
    db_bind_int(st, 5, at);
    db_bind_text(st, 6, by);
    return db_step_done(db, st, "set an annual report text");
}

static db_err_t rows(db_t *db, db_query_t *q, int year, const char *scope, db_annual_fn fn,
                     void *arg, const char *what)
{
    db_stmt_t *st = db_stmt(db, q);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, year);
    db_bind_text(st, 2, scope);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, what, tally_row, &c);
}

db_err_t db_annual_texts(db_t *db, int year, const char *scope, db_annual_fn fn, void *arg)
{
    return rows(db, &q_text_list, year, scope, fn, arg, "list annual report texts");
}

db_err_t db_annual_close_insert(db_t *db, int year, const char *scope, int64_t at, const char *by,
                                const char *figures)
{
    db_stmt_t *st = db_stmt(db, &q_close_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, year);
    db_bind_text(st, 2, scope);
    db_bind_int(st, 3, at);
    db_bind_text(st, 4, by);
    db_bind_text(st, 5, figures);
    return db_step_done(db, st, "store a closed year's figures");
}

db_err_t db_annual_snapshot(db_t *db, int year, const char *scope, db_annual_fn fn, void *arg)
{
    return rows(db, &q_close_get, year, scope, fn, arg, "read a closed year's figures");
}

db_err_t db_annual_closed(db_t *db, int year, int *closed)
{
    db_stmt_t *st = db_stmt(db, &q_closed);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, year);
    int64_t n = 0;
    db_err_t rc = db_query_int(db, st, "whether a year is closed", &n);
    *closed = n > 0;
    return rc;
}

db_err_t db_annual_scopes(db_t *db, db_annual_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_scopes);
    if (!st)
        return DB_EIO;
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list region scopes", tally_row, &c);
}
