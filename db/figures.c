/*
 * figures.c - counts for the dashboard and tallies over scans and labels.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A region code column inside the scope bound as ?2 (a prefix; "" is everywhere). */
#define IN_SCOPE(column) "substr(" column ", 1, length(?2)) = ?2"
/* Authorisations (a) of operators inside the scope ?2, ready for more "AND"s. */
#define AUTHS_IN_SCOPE                                                                             \
    "authorisation a JOIN operator o ON o.id = a.operator_id WHERE " IN_SCOPE("o.region_code")

#define STATS_NCOLUMNS 10
static db_query_t q_stats = DB_QUERY(
    "SELECT (SELECT count(*) FROM product WHERE " IN_SCOPE(
        "region_code") "),"
                       " (SELECT count(*) FROM operator WHERE " IN_SCOPE(
                           "region_code") "),"
                                          " (SELECT count(*) FROM " AUTHS_IN_SCOPE
                                          " AND a.status = 'pending'"
                                          "   AND a.valid_until >= ?1),"
                                          " (SELECT count(*) FROM " AUTHS_IN_SCOPE
                                          " AND a.status = 'approved'"
                                          "   AND a.valid_until >= ?1),"
                                          " (SELECT count(*) FROM " AUTHS_IN_SCOPE
                                          " AND a.status = 'suspended'"
                                          "   AND a.valid_until >= ?1),"
                                          " (SELECT count(*) FROM " AUTHS_IN_SCOPE
                                          " AND a.status = 'revoked'),"
                                          " (SELECT count(*) FROM " AUTHS_IN_SCOPE
                                          " AND a.status <> 'revoked'"
                                          "   AND a.valid_until < ?1),"
                                          " (SELECT count(DISTINCT a.operator_id) "
                                          "FROM " AUTHS_IN_SCOPE
                                          "   AND a.status = 'approved' AND a.valid_from <= ?1 AND "
                                          "a.valid_until >= ?1),"
                                          " (SELECT count(*) FROM audit_log),"
                                          " (SELECT count(DISTINCT a.operator_id) "
                                          "FROM " AUTHS_IN_SCOPE
                                          "   AND a.status = 'approved' AND a.valid_from <= ?1 AND "
                                          "a.valid_until >= ?1"
                                          "   AND EXISTS (SELECT 1 FROM batch b WHERE b.auth_id = "
                                          "a.id"
                                          "               AND b.status IN ('issued', "
                                          "'activated')))",
    STATS_NCOLUMNS);
/* Every tally query yields the columns of db_tally_t: key, count, first_at,
 * last_at, operator_id, operator_name, product_name, verdict; TALLY_REST
 * fills the last six for tallies that have only a key and a count. */
#define TALLY_REST     ", 0, 0, 0, '', '', '' "
#define TALLY_NCOLUMNS 8
#define IN_REGION      "substr(o.region_code, 1, length(?4)) = ?4"
#define SCAN_IN_REGION                                                                             \
    "(?4 = '' OR (s.code IS NULL AND length(?4) <= 2) OR "                                         \
    "EXISTS (SELECT 1 FROM label l JOIN batch b ON b.id = l.batch_id "                             \
    "JOIN authorisation a ON a.id = b.auth_id JOIN operator o ON o.id = a.operator_id "            \
    "WHERE l.code = s.code AND " IN_REGION "))"
/* Days and months in Beijing time (UTC+8), as 'YYYY-MM-DD' and 'YYYY-MM'. */
#define SCANS_PER_DAY_REST                                                                         \
    ", count(*)" TALLY_REST "FROM scans.scan s WHERE s.at >= ?1 AND " SCAN_IN_REGION               \
    " GROUP BY 1 ORDER BY 1"
static db_query_t q_scans_per_day =
    DB_QUERY2("SELECT date(s.at + 28800, 'unixepoch')" SCANS_PER_DAY_REST,
              "SELECT to_char(to_timestamp(s.at + 28800) AT TIME ZONE 'UTC', "
              "'YYYY-MM-DD')" SCANS_PER_DAY_REST,
              TALLY_NCOLUMNS);
static db_query_t q_verdict_mix =
    DB_QUERY("SELECT s.verdict, count(*)" TALLY_REST
             "FROM scans.scan s WHERE s.at >= ?1 AND " SCAN_IN_REGION " GROUP BY 1 ORDER BY 2 DESC",
             TALLY_NCOLUMNS);
#define LABELS_PER_MONTH_REST                                                                      \
    ", sum(b.count)" TALLY_REST "FROM batch b "                                                    \
    "JOIN authorisation a ON a.id = b.auth_id JOIN operator o ON o.id = a.operator_id "            \
    "WHERE b.issued_at >= ?1 AND b.status IN ('issued', 'activated', 'voided') AND " IN_REGION     \
    " GROUP BY 1 ORDER BY 1"
static db_query_t q_labels_per_month =
    DB_QUERY2("SELECT strftime('%Y-%m', b.issued_at + 28800, 'unixepoch')" LABELS_PER_MONTH_REST,
              "SELECT to_char(to_timestamp(b.issued_at + 28800) AT TIME ZONE 'UTC', "
              "'YYYY-MM')" LABELS_PER_MONTH_REST,
              TALLY_NCOLUMNS);
#define FIRST_USE_FROM                                                                             \
    " AS m FROM batch b JOIN authorisation a ON a.id = b.auth_id "                                 \
    "JOIN operator o ON o.id = a.operator_id WHERE b.status IN ('issued', 'activated') "           \
    "AND b.issued_at >= ?1 AND " IN_REGION " GROUP BY o.id) t GROUP BY 1 ORDER BY 1"
static db_query_t q_first_use_per_month = DB_QUERY2(
    "SELECT m, count(*)" TALLY_REST "FROM (SELECT strftime('%Y-%m', min(b.issued_at) + 28800, "
    "'unixepoch')" FIRST_USE_FROM,
    "SELECT m, count(*)" TALLY_REST "FROM (SELECT to_char(to_timestamp(min(b.issued_at) + 28800) "
    "AT TIME ZONE 'UTC', 'YYYY-MM')" FIRST_USE_FROM,
    TALLY_NCOLUMNS);
/* as q_stats' operators_using, ?1 today */
#define USING_WHERE                                                                                \
    "FROM authorisation a JOIN operator o ON o.id = a.operator_id "                                \
    "JOIN product p ON p.id = a.product_id WHERE a.status = 'approved' "                           \
    "AND a.valid_from <= ?1 AND a.valid_until >= ?1 AND " IN_REGION                                \
    " AND EXISTS (SELECT 1 FROM batch b WHERE b.auth_id = a.id "                                   \
    "AND b.status IN ('issued', 'activated')) "
static db_query_t q_using_by_city = DB_QUERY(
    "SELECT substr(o.region_code, 1, 4) || '00', count(DISTINCT o.id)" TALLY_REST USING_WHERE
    "GROUP BY 1 ORDER BY 2 DESC, 1",
    TALLY_NCOLUMNS);
static db_query_t q_using_by_product =
    DB_QUERY("SELECT p.name_zh, count(DISTINCT o.id)" TALLY_REST USING_WHERE
             "GROUP BY p.id, p.name_zh ORDER BY 2 DESC, 1",
             TALLY_NCOLUMNS);
/* inputs that named no label belong to no region: province-wide scopes only */
static db_query_t q_unknown_inputs =
    DB_QUERY("SELECT coalesce(raw, ''), count(*), min(at), max(at), 0, '', '', '' FROM scans.scan "
             "WHERE at >= ?1 AND code IS NULL AND length(?4) <= 2 GROUP BY 1 "
             "ORDER BY 2 DESC, 1 LIMIT ?2 OFFSET ?3",
             TALLY_NCOLUMNS);
/* codes by the distinct clients that ever scanned them (scan_client) */
static db_query_t q_repeated_codes =
    DB_QUERY("SELECT t.code, t.clients, t.first_at, t.last_at, o.id, o.name, p.name_zh, '' "
             "FROM (SELECT code, count(*) AS clients, min(first_at) AS first_at, "
             "max(last_at) AS last_at FROM scans.scan_client GROUP BY code HAVING count(*) > ?1) t "
             "JOIN label l ON l.code = t.code "
             "JOIN batch b ON b.id = l.batch_id "
             "JOIN authorisation a ON a.id = b.auth_id "
             "JOIN operator o ON o.id = a.operator_id "
             "JOIN product p ON p.id = a.product_id "
             "WHERE " IN_REGION " ORDER BY t.clients DESC, t.code LIMIT ?2 OFFSET ?3",
             TALLY_NCOLUMNS);
static db_query_t q_suspect_scans =
    DB_QUERY("SELECT s.verdict, count(*), min(s.at), max(s.at), o.id, o.name, "
             "p.name_zh, s.verdict FROM scans.scan s JOIN label l ON l.code = s.code "
             "JOIN batch b ON b.id = l.batch_id "
             "JOIN authorisation a ON a.id = b.auth_id "
             "JOIN operator o ON o.id = a.operator_id "
             "JOIN product p ON p.id = a.product_id "
             "WHERE s.at >= ?1 AND s.verdict IN ('VOID', 'NOT_ACTIVATED', "
             "'AUTH_SUSPENDED', 'AUTH_REVOKED', 'AUTH_EXPIRED') AND " IN_REGION
             " GROUP BY o.id, p.id, s.verdict ORDER BY 2 DESC LIMIT ?2 OFFSET ?3",
             TALLY_NCOLUMNS);

/* --- figures over scans and labels ---------------------------------------------- */

static int tally_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    const char *verdict = db_col_str(st, 7);
    db_tally_t t = {.key = db_col_str(st, 0),
                    .count = db_col_int(st, 1),
                    .first_at = db_col_int(st, 2),
                    .last_at = db_col_int(st, 3),
                    .operator_id = db_col_int(st, 4),
                    .operator_name = db_col_str(st, 5),
                    .product_name = db_col_str(st, 6),
                    .verdict = verdict[0] ? verdict : NULL};
    return ((db_tally_fn)c->fn)(&t, c->arg);
}

/* Runs a tally query: ?1 a number (a time or a threshold), ?2 and ?3 the
 * page when paged, ?4 the region prefix ("" everywhere). */
static db_err_t tally(db_t *db, db_query_t *q, int64_t first, const db_page_t *page,
                      const char *region, db_tally_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, q);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, first);
    if (page)
        db_bind_page(st, 2, *page);
    db_bind_text(st, 4, region ? region : "");
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "figures", tally_row, &c);
}

db_err_t db_scans_per_day(db_t *db, int64_t since, const char *region, db_tally_fn fn, void *arg)
{
    return tally(db, &q_scans_per_day, since, NULL, region, fn, arg);
}

db_err_t db_verdict_mix(db_t *db, int64_t since, const char *region, db_tally_fn fn, void *arg)
{
    return tally(db, &q_verdict_mix, since, NULL, region, fn, arg);
}

db_err_t db_labels_per_month(db_t *db, int64_t since, const char *region, db_tally_fn fn, void *arg)
{
    return tally(db, &q_labels_per_month, since, NULL, region, fn, arg);
}

db_err_t db_unknown_inputs(db_t *db, int64_t since, const char *region, db_page_t page,
                           db_tally_fn fn, void *arg)
{
    return tally(db, &q_unknown_inputs, since, &page, region, fn, arg);
}

db_err_t db_repeated_codes(db_t *db, int64_t threshold, const char *region, db_page_t page,
                           db_tally_fn fn, void *arg)
{
    return tally(db, &q_repeated_codes, threshold, &page, region, fn, arg);
}

db_err_t db_suspect_scans(db_t *db, int64_t since, const char *region, db_page_t page,
                          db_tally_fn fn, void *arg)
{
    return tally(db, &q_suspect_scans, since, &page, region, fn, arg);
}

/* --- figures --------------------------------------------------------------- */

db_err_t db_stats(db_t *db, const char *today, const char *region, db_stats_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_stats);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, today);
    db_bind_text(st, 2, region ? region : "");
    db_err_t rc = db_step_one(db, st, "stats");
    if (rc == DB_OK) {
        int64_t *f[] = {&out->products,       &out->operators,
                        &out->auth_pending,   &out->auth_approved,
                        &out->auth_suspended, &out->auth_revoked,
                        &out->auth_expired,   &out->operators_authorised,
                        &out->audit_rows,     &out->operators_using};
        _Static_assert(sizeof f / sizeof f[0] == STATS_NCOLUMNS, "a field per column");
        for (int i = 0; i < STATS_NCOLUMNS; i++)
            *f[i] = db_col_int(st, i);
    }
    db_stmt_reset(st);
    return rc;
}

db_err_t db_first_use_per_month(db_t *db, const char *region, db_tally_fn fn, void *arg)
{
    return tally(db, &q_first_use_per_month, 1, NULL, region, fn, arg);
}

/* A tally whose ?1 is a day (YYYY-MM-DD), ?4 the region prefix. */
static db_err_t tally_on(db_t *db, db_query_t *q, const char *today, const char *region,
                         db_tally_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, q);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, today);
    db_bind_text(st, 4, region ? region : "");
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "figures", tally_row, &c);
}

db_err_t db_using_by_city(db_t *db, const char *today, const char *region, db_tally_fn fn,
                          void *arg)
{
    return tally_on(db, &q_using_by_city, today, region, fn, arg);
}

db_err_t db_using_by_product(db_t *db, const char *today, const char *region, db_tally_fn fn,
                             void *arg)
{
    return tally_on(db, &q_using_by_product, today, region, fn, arg);
}
