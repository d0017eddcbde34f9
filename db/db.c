/*
 * db.c - SQLite implementation of the db_ API: connection set-up, migrations,
 * the statement cache and the registry and audit tables.
 *
 * Every statement is prepared once per connection, on first use, and kept in
 * db->stmt[] under its enum index; that is also the list of all SQL here.
 */
#include "db/db.h"
#include "db/internal.h"
#include "db/migrations.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
    Q_PRODUCT_INSERT,
    Q_PRODUCT_GET,
    Q_PRODUCT_UPDATE,
    Q_OPERATOR_UPDATE,
    Q_PRODUCT_LIST,
    Q_OPERATOR_INSERT,
    Q_OPERATOR_GET,
    Q_OPERATOR_FIND_USCC,
    Q_OPERATOR_LIST,
    Q_AUTH_INSERT,
    Q_AUTH_GET,
    Q_AUTH_SET_STATUS,
    Q_AUTH_EVENT_INSERT,
    Q_AUTH_LIST,
    Q_AUTH_COUNT_LIVE,
    Q_AUDIT_LAST,
    Q_AUDIT_SEQ,
    Q_AUDIT_INSERT,
    Q_AUDIT_ASC,
    Q_AUDIT_LIST,
    Q_STATS,
    Q_BATCH_INSERT,
    Q_BATCH_GET,
    Q_BATCH_UPDATE,
    Q_BATCH_LIST,
    Q_QUOTA_USED,
    Q_AUTH_TOUCH,
    Q_LABEL_INSERT,
    Q_LABEL_EACH,
    Q_LABEL_FIND,
    Q_BATCH_VIEW,
    Q_DATA_VERSION,
    Q_LABEL_VOID,
    Q_SCAN_APPEND,
    Q_SCAN_COUNT,
    Q_SCAN_TOTAL_ADD,
    Q_SCAN_MERGED_SET,
    Q_SCAN_CATCH_UP,
    Q_SCAN_CLIENT_ADD,
    Q_SCAN_CLIENTS_RECENT,
    Q_SCAN_CLIENTS_CATCH_UP,
    Q_REPORT_INSERT,
    Q_SCANS_PER_DAY,
    Q_VERDICT_MIX,
    Q_LABELS_PER_MONTH,
    Q_UNKNOWN_INPUTS,
    Q_REPEATED_CODES,
    Q_SUSPECT_SCANS,
    Q_REPORT_GET,
    Q_REPORT_LIST,
    Q_REPORT_SET_STATUS,
    Q_SECRET_ADD,
    Q_SECRET_GET,
    Q_ACCOUNT_INSERT,
    Q_ACCOUNT_GET,
    Q_ACCOUNT_FIND,
    Q_ACCOUNT_SET_PASSWORD,
    Q_ACCOUNT_SET_DISABLED,
    Q_TOKEN_INSERT,
    Q_TOKEN_FIND,
    Q_TOKEN_REVOKE,
    Q_TOKEN_REVOKE_ACCOUNT,
    Q_SESSION_INSERT,
    Q_SESSION_FIND,
    Q_SESSION_DELETE,
    Q_SESSION_DELETE_ACCOUNT,
    Q_COUNT,
};

#define AUTH_COLUMNS_BARE                                                                          \
    "a.id, a.operator_id, a.product_id, a.status, a.valid_from, a.valid_until, "                   \
    "a.yearly_quota, a.approval_doc, a.created_at, coalesce(a.approved_at, 0), "                   \
    "coalesce(a.last_used_at, 0), o.name, o.uscc, p.name_zh "
#define AUTH_NCOLUMNS 14
#define AUTH_COLUMNS                                                                               \
    AUTH_COLUMNS_BARE "FROM authorisation a JOIN operator o ON o.id = a.operator_id "              \
                      "JOIN product p ON p.id = a.product_id "

#define PRODUCT_COLUMNS                                                                            \
    "p.id, p.name_zh, p.name_en, p.regime, p.reg_number, p.region_code, p.standard, "              \
    "coalesce(p.gtin, ''), p.status, p.created_at "
#define OPERATOR_COLUMNS                                                                           \
    "o.id, o.uscc, o.name, o.kind, o.region_code, o.contact, o.status, o.uscc_override, "          \
    "o.created_at "
#define BATCH_COLUMNS                                                                              \
    "b.id, b.auth_id, b.count, b.status, b.quota_year, b.lot_number, b.harvest_date, "             \
    "b.production_base, b.inspection_cert, b.requested_at, b.requested_by, "                       \
    "coalesce(b.decided_at, 0), b.decided_by, b.decision_note, coalesce(b.issued_at, 0), "         \
    "coalesce(b.activated_at, 0), coalesce(b.voided_at, 0), b.void_reason, a.operator_id, "        \
    "a.product_id, b.gtin "
#define BATCH_NCOLUMNS 21
#define BATCH_VOIDED                                                                               \
    ", (SELECT count(*) FROM label_void v JOIN label l ON l.code = v.code "                        \
    "WHERE l.batch_id = b.id) "

#define ACCOUNT_COLUMNS                                                                            \
    "u.id, u.username, u.role, coalesce(u.operator_id, 0), u.region_scope, u.password_hash, "      \
    "u.disabled, u.created_at "

#define AUDIT_COLUMNS "id, at, actor, action, entity, entity_id, detail, prev_hash, hash "

/* A region code column inside the scope bound as ?2 (a prefix; "" is everywhere). */
#define IN_SCOPE(column) "substr(" column ", 1, length(?2)) = ?2"
/* Authorisations (a) of operators inside the scope ?2, ready for more "AND"s. */
#define AUTHS_IN_SCOPE                                                                             \
    "authorisation a JOIN operator o ON o.id = a.operator_id WHERE " IN_SCOPE("o.region_code")

static const char *const query_sql[Q_COUNT] = {
    [Q_PRODUCT_INSERT] =
        "INSERT INTO product (name_zh, name_en, regime, reg_number, region_code, "
        "standard, gtin, status, created_at) VALUES (?,?,?,?,?,?,nullif(?, ''),?,?)",
    [Q_PRODUCT_GET] = "SELECT id, name_zh, name_en, regime, reg_number, region_code, standard, "
                      "coalesce(gtin, ''), status, created_at FROM product WHERE id = ?",
    [Q_PRODUCT_LIST] = "SELECT id, name_zh, name_en, regime, reg_number, region_code, standard, "
                       "coalesce(gtin, ''), status, created_at FROM product "
                       "WHERE substr(region_code, 1, length(?1)) = ?1 ORDER BY id "
                       "LIMIT ?2 OFFSET ?3",
    [Q_PRODUCT_UPDATE] = "UPDATE product SET name_zh = ?, name_en = ?, regime = ?, reg_number = ?, "
                         "region_code = ?, standard = ?, gtin = nullif(?, '') WHERE id = ?",
    [Q_OPERATOR_UPDATE] = "UPDATE operator SET name = ?, kind = ?, region_code = ?, contact = ? "
                          "WHERE id = ?",
    [Q_OPERATOR_INSERT] = "INSERT INTO operator (uscc, name, kind, region_code, contact, status, "
                          "uscc_override, created_at) VALUES (?,?,?,?,?,?,?,?)",
    [Q_OPERATOR_GET] = "SELECT id, uscc, name, kind, region_code, contact, status, uscc_override, "
                       "created_at FROM operator WHERE id = ?",
    [Q_OPERATOR_FIND_USCC] = "SELECT id, uscc, name, kind, region_code, contact, status, "
                             "uscc_override, created_at FROM operator WHERE uscc = ?",
    [Q_OPERATOR_LIST] = "SELECT id, uscc, name, kind, region_code, contact, status, uscc_override, "
                        "created_at FROM operator WHERE (?1 = 0 OR id = ?1) AND "
                        "substr(region_code, 1, length(?2)) = ?2 ORDER BY id LIMIT ?3 OFFSET ?4",
    [Q_AUTH_INSERT] = "INSERT INTO authorisation (operator_id, product_id, status, valid_from, "
                      "valid_until, yearly_quota, approval_doc, created_at, approved_at) "
                      "VALUES (?,?,?,?,?,?,?,?,nullif(?, 0))",
    [Q_AUTH_GET] = "SELECT " AUTH_COLUMNS "WHERE a.id = ?",
    [Q_AUTH_SET_STATUS] = "UPDATE authorisation SET status = ?, "
                          "approved_at = coalesce(nullif(?, 0), approved_at), "
                          "approval_doc = coalesce(?, approval_doc) WHERE id = ?",
    [Q_AUTH_EVENT_INSERT] = "INSERT INTO auth_event (auth_id, from_status, to_status, actor, at, "
                            "reason) VALUES (?,?,?,?,?,?)",
    [Q_AUTH_LIST] = "SELECT " AUTH_COLUMNS "WHERE (?1 = 0 OR a.operator_id = ?1) "
                    "AND (?2 = 0 OR a.product_id = ?2) "
                    "AND substr(o.region_code, 1, length(?3)) = ?3 "
                    "ORDER BY a.id LIMIT ?4 OFFSET ?5",
    [Q_AUTH_COUNT_LIVE] = "SELECT count(*) FROM authorisation WHERE operator_id = ? AND "
                          "product_id = ? AND status <> 'revoked'",
    [Q_AUDIT_LAST] = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
    [Q_AUDIT_SEQ] =
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'), 0)",
    [Q_AUDIT_INSERT] = "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, "
                       "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
    [Q_AUDIT_ASC] = "SELECT " AUDIT_COLUMNS "FROM audit_log ORDER BY id LIMIT ? OFFSET ?",
    /* A row's region is its record's: an operator's, a product's, that of
     * the operator an authorisation, batch or report (through its label)
     * belongs to. Rows of records with no region (accounts, tokens, reports
     * on codes that name no label) are for province-wide or wider scopes. */
    [Q_AUDIT_LIST] =
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
        " END AS region FROM audit_log g) "
        "WHERE ?1 = '' OR substr(region, 1, length(?1)) = ?1 "
        "OR (region IS NULL AND length(?1) <= 2) ORDER BY id DESC LIMIT ?2 OFFSET ?3",
    [Q_STATS] = "SELECT (SELECT count(*) FROM product WHERE " IN_SCOPE(
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
    [Q_BATCH_INSERT] = "INSERT INTO batch (auth_id, count, status, quota_year, lot_number, "
                       "harvest_date, production_base, inspection_cert, requested_at, "
                       "requested_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
    [Q_BATCH_GET] = "SELECT " BATCH_COLUMNS BATCH_VOIDED
                    "FROM batch b JOIN authorisation a ON a.id = b.auth_id WHERE b.id = ?",
    [Q_BATCH_UPDATE] = "UPDATE batch SET status = ?, quota_year = ?, decided_at = nullif(?, 0), "
                       "decided_by = ?, decision_note = ?, issued_at = nullif(?, 0), "
                       "activated_at = nullif(?, 0), voided_at = nullif(?, 0), void_reason = ?, "
                       "gtin = ? WHERE id = ?",
    [Q_BATCH_LIST] = "SELECT " BATCH_COLUMNS BATCH_VOIDED
                     "FROM batch b JOIN authorisation a ON a.id = b.auth_id "
                     "JOIN operator o ON o.id = a.operator_id "
                     "WHERE (?1 = 0 OR a.operator_id = ?1) AND (?2 = 0 OR b.auth_id = ?2) "
                     "AND substr(o.region_code, 1, length(?3)) = ?3 "
                     "ORDER BY b.id DESC LIMIT ?4 OFFSET ?5",
    [Q_QUOTA_USED] = "SELECT coalesce(sum(count), 0) FROM batch WHERE auth_id = ? AND "
                     "quota_year = ? AND (status IN ('issued', 'activated') OR "
                     "(? AND status IN ('requested', 'approved')))",
    [Q_AUTH_TOUCH] = "UPDATE authorisation SET last_used_at = max(coalesce(last_used_at, 0), ?) "
                     "WHERE id = ?",
    [Q_LABEL_INSERT] = "INSERT INTO label (code, batch_id, seq) VALUES (?,?,?)",
    [Q_LABEL_EACH] = "SELECT l.code, l.seq, v.code IS NOT NULL FROM label l "
                     "LEFT JOIN label_void v ON v.code = l.code WHERE l.batch_id = ? "
                     "ORDER BY l.seq",
    [Q_LABEL_FIND] = "SELECT l.code, l.seq, l.batch_id, v.code IS NOT NULL, "
                     "coalesce(v.reason, '') FROM label l "
                     "LEFT JOIN label_void v ON v.code = l.code WHERE l.code = ?",
    [Q_BATCH_VIEW] = "SELECT " BATCH_COLUMNS ", " AUTH_COLUMNS_BARE ", " PRODUCT_COLUMNS
                     ", " OPERATOR_COLUMNS "FROM batch b "
                     "JOIN authorisation a ON a.id = b.auth_id "
                     "JOIN product p ON p.id = a.product_id "
                     "JOIN operator o ON o.id = a.operator_id WHERE b.id = ?",
    [Q_DATA_VERSION] = "PRAGMA main.data_version",
    [Q_LABEL_VOID] = "INSERT INTO label_void (code, at, actor, reason) VALUES (?,?,?,?)",
    [Q_SCAN_APPEND] = "INSERT INTO scans.scan (at, code, raw, verdict, client_key, ua_class) "
                      "VALUES (?,?,?,?,?,?)",
    [Q_SCAN_COUNT] = "SELECT count, first_at FROM scans.scan_total WHERE code = ?",
    [Q_SCAN_TOTAL_ADD] = "INSERT INTO scans.scan_total (code, count, first_at) VALUES (?,?,?) "
                         "ON CONFLICT (code) DO UPDATE SET count = count + excluded.count, "
                         "first_at = min(first_at, excluded.first_at)",
    [Q_SCAN_MERGED_SET] = "UPDATE scans.scan_merged SET through_id = ? WHERE one = 1",
    [Q_SCAN_CATCH_UP] =
        "INSERT INTO scans.scan_total (code, count, first_at) "
        "SELECT code, count(*), min(at) FROM scans.scan WHERE id > "
        "(SELECT through_id FROM scans.scan_merged) AND code IS NOT NULL GROUP BY code "
        "ORDER BY code ON CONFLICT (code) DO UPDATE SET count = count + excluded.count, "
        "first_at = min(first_at, excluded.first_at)",
#define SCAN_CLIENT_UPSERT                                                                         \
    "ON CONFLICT (code, client_key) DO UPDATE SET first_at = min(first_at, excluded.first_at), "   \
    "last_at = max(last_at, excluded.last_at)"
    [Q_SCAN_CLIENT_ADD] = "INSERT INTO scans.scan_client (code, client_key, first_at, last_at) "
                          "VALUES (?,?,?,?) " SCAN_CLIENT_UPSERT,
    [Q_SCAN_CLIENTS_RECENT] = "SELECT client_key, last_at FROM scans.scan_client "
                              "WHERE code = ?1 AND last_at > ?2 ORDER BY last_at DESC LIMIT ?3",
    [Q_SCAN_CLIENTS_CATCH_UP] =
        "INSERT INTO scans.scan_client (code, client_key, first_at, last_at) "
        "SELECT code, client_key, min(at), max(at) FROM scans.scan WHERE id > "
        "(SELECT through_id FROM scans.scan_merged) AND code IS NOT NULL GROUP BY code, "
        "client_key ORDER BY code, client_key " SCAN_CLIENT_UPSERT,
#define REPORT_FROM                                                                                \
    "r.id, r.at, r.code, r.text, r.contact, r.client_key, r.status, r.note, "                      \
    "coalesce(o.id, 0), coalesce(o.region_code, '') FROM report r "                                \
    "LEFT JOIN label l ON l.code = r.code LEFT JOIN batch b ON b.id = l.batch_id "                 \
    "LEFT JOIN authorisation a ON a.id = b.auth_id "                                               \
    "LEFT JOIN operator o ON o.id = a.operator_id "
    [Q_REPORT_GET] = "SELECT " REPORT_FROM "WHERE r.id = ?",
    [Q_REPORT_LIST] = "SELECT " REPORT_FROM "WHERE (?1 = 0 OR o.id = ?1) "
                      "AND (?2 = '' OR substr(o.region_code, 1, length(?2)) = ?2 "
                      "OR (o.id IS NULL AND length(?2) <= 2)) "
                      "AND (?3 = '' OR r.status = ?3) ORDER BY r.id DESC LIMIT ?4 OFFSET ?5",
    [Q_REPORT_SET_STATUS] = "UPDATE report SET status = ?, note = ? WHERE id = ?",
/* Every tally query yields the columns of db_tally_t: key, count, first_at,
 * last_at, operator_id, operator_name, product_name, verdict; TALLY_REST
 * fills the last six for tallies that have only a key and a count. */
#define TALLY_REST ", 0, 0, 0, '', '', '' "
#define IN_REGION  "substr(o.region_code, 1, length(?4)) = ?4"
#define SCAN_IN_REGION                                                                             \
    "(?4 = '' OR (s.code IS NULL AND length(?4) <= 2) OR "                                         \
    "EXISTS (SELECT 1 FROM label l JOIN batch b ON b.id = l.batch_id "                             \
    "JOIN authorisation a ON a.id = b.auth_id JOIN operator o ON o.id = a.operator_id "            \
    "WHERE l.code = s.code AND " IN_REGION "))"
    [Q_SCANS_PER_DAY] =
        "SELECT date(s.at + 28800, 'unixepoch'), count(*)" TALLY_REST "FROM scans.scan s "
        "WHERE s.at >= ?1 AND " SCAN_IN_REGION " GROUP BY 1 ORDER BY 1",
    [Q_VERDICT_MIX] =
        "SELECT s.verdict, count(*)" TALLY_REST
        "FROM scans.scan s WHERE s.at >= ?1 AND " SCAN_IN_REGION " GROUP BY 1 ORDER BY 2 DESC",
    [Q_LABELS_PER_MONTH] =
        "SELECT strftime('%Y-%m', b.issued_at + 28800, 'unixepoch'), sum(b.count)" TALLY_REST
        "FROM batch b "
        "JOIN authorisation a ON a.id = b.auth_id JOIN operator o ON o.id = a.operator_id "
        "WHERE b.issued_at >= ?1 AND b.status IN ('issued', 'activated', 'voided') AND " IN_REGION
        " GROUP BY 1 ORDER BY 1",
    /* inputs that named no label belong to no region: province-wide scopes only */
    [Q_UNKNOWN_INPUTS] =
        "SELECT coalesce(raw, ''), count(*), min(at), max(at), 0, '', '', '' FROM scans.scan "
        "WHERE at >= ?1 AND code IS NULL AND length(?4) <= 2 GROUP BY 1 "
        "ORDER BY 2 DESC, 1 LIMIT ?2 OFFSET ?3",
    /* codes by the distinct clients that ever scanned them (scan_client) */
    [Q_REPEATED_CODES] =
        "SELECT t.code, t.clients, t.first_at, t.last_at, o.id, o.name, p.name_zh, '' "
        "FROM (SELECT code, count(*) AS clients, min(first_at) AS first_at, "
        "max(last_at) AS last_at FROM scans.scan_client GROUP BY code HAVING count(*) > ?1) t "
        "JOIN label l ON l.code = t.code "
        "JOIN batch b ON b.id = l.batch_id "
        "JOIN authorisation a ON a.id = b.auth_id "
        "JOIN operator o ON o.id = a.operator_id "
        "JOIN product p ON p.id = a.product_id "
        "WHERE " IN_REGION " ORDER BY t.clients DESC, t.code LIMIT ?2 OFFSET ?3",
    [Q_SUSPECT_SCANS] = "SELECT s.verdict, count(*), min(s.at), max(s.at), o.id, o.name, "
                        "p.name_zh, s.verdict FROM scans.scan s JOIN label l ON l.code = s.code "
                        "JOIN batch b ON b.id = l.batch_id "
                        "JOIN authorisation a ON a.id = b.auth_id "
                        "JOIN operator o ON o.id = a.operator_id "
                        "JOIN product p ON p.id = a.product_id "
                        "WHERE s.at >= ?1 AND s.verdict IN ('VOID', 'NOT_ACTIVATED', "
                        "'AUTH_SUSPENDED', 'AUTH_REVOKED', 'AUTH_EXPIRED') AND " IN_REGION
                        " GROUP BY o.id, p.id, s.verdict ORDER BY 2 DESC LIMIT ?2 OFFSET ?3",
    [Q_REPORT_INSERT] = "INSERT INTO report (at, code, text, contact, client_key) "
                        "VALUES (?,?,?,?,?)",
    [Q_SECRET_ADD] = "INSERT INTO secret (name, value) VALUES (?,?) ON CONFLICT DO NOTHING",
    [Q_SECRET_GET] = "SELECT value FROM secret WHERE name = ?",
    [Q_ACCOUNT_INSERT] = "INSERT INTO account (username, role, operator_id, region_scope, "
                         "password_hash, disabled, created_at) VALUES (?,?,nullif(?, 0),?,?,?,?)",
    [Q_ACCOUNT_GET] = "SELECT " ACCOUNT_COLUMNS "FROM account u WHERE u.id = ?",
    [Q_ACCOUNT_FIND] = "SELECT " ACCOUNT_COLUMNS "FROM account u WHERE u.username = ?",
    [Q_ACCOUNT_SET_PASSWORD] = "UPDATE account SET password_hash = ? WHERE id = ?",
    [Q_ACCOUNT_SET_DISABLED] = "UPDATE account SET disabled = ? WHERE id = ?",
    [Q_TOKEN_INSERT] = "INSERT INTO api_token (account_id, token_hash, name, created_at) "
                       "VALUES (?,?,?,?)",
    [Q_TOKEN_FIND] = "SELECT " ACCOUNT_COLUMNS "FROM api_token t JOIN account u "
                     "ON u.id = t.account_id WHERE t.token_hash = ? AND t.revoked_at IS NULL",
    [Q_TOKEN_REVOKE] = "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
    [Q_TOKEN_REVOKE_ACCOUNT] = "UPDATE api_token SET revoked_at = ? "
                               "WHERE account_id = ? AND revoked_at IS NULL",
    [Q_SESSION_INSERT] = "INSERT INTO session (id_hash, account_id, csrf, created_at, "
                         "expires_at) VALUES (?,?,?,?,?)",
    [Q_SESSION_FIND] = "SELECT " ACCOUNT_COLUMNS ", s.csrf FROM session s JOIN account u "
                       "ON u.id = s.account_id WHERE s.id_hash = ? AND s.expires_at > ?",
    [Q_SESSION_DELETE] = "DELETE FROM session WHERE id_hash = ?",
    [Q_SESSION_DELETE_ACCOUNT] = "DELETE FROM session WHERE account_id = ?",
};

#define VIEW_SLOTS 64

typedef struct {
    int64_t batch_id; /* 0: empty */
    db_batch_t batch;
    db_auth_t auth;
    db_product_t product;
    db_operator_t op;
} batch_view_t;

struct db {
    sqlite3 *conn;
    sqlite3_stmt *stmt[Q_COUNT];
    int depth;   /* open db_begin() calls; inner ones are savepoints */
    int hold_ms; /* db_hold_snapshots(): how long a read snapshot may live */
    int holding; /* a held read transaction is open */
    int64_t held_since_ms;
    /* While snapshots are held: the batches whose labels were looked up, with
     * their authorisation, product and operator (what every label of a batch
     * shares), valid while the main file's data_version stays the same. */
    batch_view_t views[VIEW_SLOTS];
    int64_t views_version;
    char err[512];
};

static db_err_t fail(db_t *db, db_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static db_err_t fail(db_t *db, db_err_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->err, sizeof db->err, fmt, ap);
    va_end(ap);
    return code;
}

/* Maps the connection's last SQLite error to a db_err_t and records it. */
static db_err_t fail_sqlite(db_t *db, const char *what)
{
    int ext = sqlite3_extended_errcode(db->conn);
    db_err_t code = DB_EIO;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        code = DB_EEXISTS;
    return fail(db, code, "%s: %s", what, sqlite3_errmsg(db->conn));
}

/* The cached statement for q, reset and with its bindings cleared. */
static sqlite3_stmt *stmt_get(db_t *db, int q)
{
    if (!db->stmt[q]) {
        if (sqlite3_prepare_v3(db->conn, query_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &db->stmt[q],
                               NULL) != SQLITE_OK) {
            fail_sqlite(db, "prepare");
            return NULL;
        }
    } else {
        sqlite3_reset(db->stmt[q]);
        sqlite3_clear_bindings(db->stmt[q]);
    }
    return db->stmt[q];
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

/* Copies a text column into a fixed field (a memcpy: reading a label's
 * fifty columns through snprintf measured as a quarter of the verify path). */
static void column_text(sqlite3_stmt *st, int i, char *out, size_t cap)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    size_t n = s ? (size_t)sqlite3_column_bytes(st, i) : 0;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s ? (const char *)s : "", n);
    out[n] = '\0';
}

/* Steps a one-row query; DB_ENOTFOUND when it returns nothing. */
static db_err_t step_one(db_t *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return DB_OK;
    if (rc == SQLITE_DONE)
        return fail(db, DB_ENOTFOUND, "%s: not found", what);
    return fail_sqlite(db, what);
}

/* Runs a statement that returns no rows. */
static db_err_t step_done(db_t *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    db_err_t out = rc == SQLITE_DONE ? DB_OK : fail_sqlite(db, what);
    sqlite3_reset(st);
    return out;
}

static db_err_t exec(db_t *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
        db_err_t rc = fail(db, DB_EIO, "%s", msg ? msg : sqlite3_errmsg(db->conn));
        sqlite3_free(msg);
        return rc;
    }
    return DB_OK;
}

/* --- connection ------------------------------------------------------------ */

int db_schema_latest(void)
{
    return db_migrations[db_migration_count - 1].version;
}

/* The integer a PRAGMA returns; -1 when it fails. */
static int pragma_int(db_t *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int db_schema_version(db_t *db)
{
    return pragma_int(db, "PRAGMA user_version");
}

/* The scans file's schema (its own version 1). Scan events live apart from the
 * register because they are written all the time: SQLite drops a connection's
 * whole page cache for a file whenever another connection has changed it, so
 * with scans in the main file every lookup of a label re-read its pages from
 * the kernel (measured: 17k against 31k requests/s on the verify path). */
static const char scans_schema[] =
    "CREATE TABLE IF NOT EXISTS scans.scan ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  code TEXT," /* canonical code when the input named a label, else NULL */
    "  raw TEXT,"  /* the input (bounded, printable) when it named no label */
    "  verdict TEXT NOT NULL,"
    "  client_key TEXT NOT NULL," /* keyed hash of the client address, never the address */
    "  ua_class TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX IF NOT EXISTS scans.scan_at ON scan (at);"
    /* Per-code totals, merged from the scan rows in sorted batches
     * (db_scan_totals_merge), never one row per scan: an index on scan.code
     * took an insert at a random place per scan, and the scan writer spent
     * more time on it than the workers on their pages. */
    "CREATE TABLE IF NOT EXISTS scans.scan_total ("
    "  code TEXT PRIMARY KEY,"
    "  count INTEGER NOT NULL,"
    "  first_at INTEGER NOT NULL"
    ") STRICT, WITHOUT ROWID;"
    /* the highest scan id counted in scan_total */
    "CREATE TABLE IF NOT EXISTS scans.scan_merged ("
    "  one INTEGER PRIMARY KEY CHECK (one = 1),"
    "  through_id INTEGER NOT NULL"
    ") STRICT;"
    "INSERT OR IGNORE INTO scans.scan_merged VALUES (1, 0);";

/* Version 2: each client that scanned a code, when first and last (the
 * distinct clients behind the repeat warning), merged like the totals. Its
 * rows are upserts of min and max, so merging a scan twice changes nothing. */
static const char scans_schema_2[] =
    "CREATE TABLE IF NOT EXISTS scans.scan_client ("
    "  code TEXT NOT NULL,"
    "  client_key TEXT NOT NULL,"
    "  first_at INTEGER NOT NULL,"
    "  last_at INTEGER NOT NULL,"
    "  PRIMARY KEY (code, client_key)"
    ") STRICT, WITHOUT ROWID;"
    "INSERT INTO scans.scan_client (code, client_key, first_at, last_at) "
    "SELECT code, client_key, min(at), max(at) FROM scans.scan WHERE code IS NOT NULL "
    "GROUP BY code, client_key ORDER BY code, client_key " SCAN_CLIENT_UPSERT ";";

void db_scans_path(const char *path, char *out, size_t cap)
{
    size_t n = strlen(path);
    if (n > 3 && strcmp(path + n - 3, ".db") == 0)
        snprintf(out, cap, "%.*s-scans.db", (int)(n - 3), path);
    else
        snprintf(out, cap, "%s-scans", path);
}

/* Creates path as an empty file of mode 0600 when it does not exist, so that
 * SQLite, which creates a database 0644 less the umask, finds it there and
 * takes it as a new database. SQLite gives the -wal, -shm and -journal files
 * the mode of their database, so they are 0600 too. The files hold password
 * hashes, token hashes, live codes and the server's secret: no other user
 * may read them, whatever the umask of whoever ran gimark. Failures are left
 * to SQLite's open, which reports them. */
static void create_private(const char *path)
{
    if (!path[0] || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
        return;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;                /* there already (or SQLite's open says why not) */
    if (fchmod(fd, 0600) != 0) /* a umask such as 0277 takes bits off 0600 too */
        unlink(path);
    close(fd);
}

/* Attaches the scans file of the database at path as schema `scans`, opened
 * with the connection's own flags (so created when new, 0600, only if the
 * main file may be created). */
db_err_t db_attach_scans(db_t *db, const char *path)
{
    char scans[4096];
    sqlite3_stmt *st = NULL;
    db_scans_path(path, scans, sizeof scans);
    if (!sqlite3_db_readonly(db->conn, "main"))
        create_private(scans);
    if (sqlite3_prepare_v2(db->conn, "ATTACH DATABASE ? AS scans", -1, &st, NULL) != SQLITE_OK)
        return fail_sqlite(db, "attach scans");
    sqlite3_bind_text(st, 1, scans, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, DB_EIO, "cannot attach the scans file: %s", sqlite3_errmsg(db->conn));
    return DB_OK;
}

/* Attaches the scans file (creating it when new) as schema `scans`. */
static db_err_t attach_scans(db_t *db, const char *path)
{
    db_err_t rc = db_attach_scans(db, path);
    if (rc != DB_OK)
        return rc;
    return exec(db, "PRAGMA scans.journal_mode = WAL; PRAGMA scans.synchronous = NORMAL");
}

/* Creates the scans file's tables when it is new. Runs before the main
 * migrations, one of which moves scans recorded by older versions into it. */
static db_err_t scans_ready(db_t *db)
{
    int v = pragma_int(db, "PRAGMA scans.user_version");
    if (v == 2)
        return DB_OK;
    if (v != 0 && v != 1)
        return fail(db, DB_EIO, "scans file schema version %d is not one this gimark knows", v);
    if (exec(db, "BEGIN IMMEDIATE") != DB_OK)
        return DB_EIO;
    if ((v < 1 && exec(db, scans_schema) != DB_OK) || exec(db, scans_schema_2) != DB_OK ||
        exec(db, "PRAGMA scans.user_version = 2") != DB_OK || exec(db, "COMMIT") != DB_OK) {
        sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
        return DB_EIO;
    }
    return DB_OK;
}

/* Applies every migration newer than the stored version, all in one transaction. */
static db_err_t migrate(db_t *db)
{
    int have = db_schema_version(db);
    if (have < 0)
        return fail(db, DB_EIO, "cannot read schema version: %s", sqlite3_errmsg(db->conn));
    if (have > db_schema_latest())
        return fail(db, DB_EIO, "database schema version %d is newer than this gimark (%d)", have,
                    db_schema_latest());
    if (have == db_schema_latest())
        return DB_OK;
    if (exec(db, "BEGIN IMMEDIATE") != DB_OK)
        return DB_EIO;
    for (int i = 0; i < db_migration_count; i++) {
        const db_migration_t *m = &db_migrations[i];
        if (m->version <= have)
            continue;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
        if (exec(db, m->sql) != DB_OK || exec(db, pragma) != DB_OK) {
            char why[sizeof db->err];
            snprintf(why, sizeof why, "%s", db->err);
            exec(db, "ROLLBACK");
            return fail(db, DB_EIO, "migration %s failed: %s", m->name, why);
        }
    }
    return exec(db, "COMMIT");
}

/* SQLite keeps memory statistics under one process-wide mutex taken on
 * every allocation; with a connection per server thread and the scan
 * writer's, that mutex was the most contended lock of the verify path
 * (perf: 42,000 futex calls in 4 s of wrk load, 7,000-9,000 without it;
 * requests/s within the bench's noise). Nothing here reads the statistics. */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

db_t *db_connect(const char *path, int flags, char *errbuf, size_t errlen)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, configure_sqlite);
    db_t *db = calloc(1, sizeof *db);
    if (!db) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    if (flags & SQLITE_OPEN_CREATE)
        create_private(path);
    if (sqlite3_open_v2(path, &db->conn, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(errbuf, errlen, "cannot open database %s: %s", path,
                 db->conn ? sqlite3_errmsg(db->conn) : "out of memory");
        db_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db->conn, 1);
    return db;
}

db_t *db_open(const char *path, char *errbuf, size_t errlen)
{
    db_t *db = db_connect(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, errbuf, errlen);
    if (!db)
        return NULL;
    sqlite3_busy_timeout(db->conn, 5000);
    if (exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                 "PRAGMA foreign_keys = ON") != DB_OK ||
        attach_scans(db, path) != DB_OK || scans_ready(db) != DB_OK || migrate(db) != DB_OK) {
        snprintf(errbuf, errlen, "database %s: %s", path, db->err);
        goto fail;
    }
    return db;
fail:
    db_close(db);
    return NULL;
}

static int64_t monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void release_snapshot(db_t *db)
{
    if (db->holding) {
        sqlite3_exec(db->conn, "COMMIT", NULL, NULL, NULL);
        db->holding = 0;
    }
}

/* Empties the batch views when the main file changed since they were read
 * (the first statement of the new snapshot fixes what it sees). */
static db_err_t check_views(db_t *db)
{
    sqlite3_stmt *st = stmt_get(db, Q_DATA_VERSION);
    if (!st)
        return DB_EIO;
    db_err_t rc = step_one(db, st, "data version");
    if (rc == DB_OK) {
        int64_t v = sqlite3_column_int64(st, 0);
        if (v != db->views_version) {
            for (int i = 0; i < VIEW_SLOTS; i++)
                db->views[i].batch_id = 0;
            db->views_version = v;
        }
    }
    sqlite3_reset(st);
    return rc;
}

/* Before a read on a connection that holds snapshots: renews the held read
 * transaction when it is older than hold_ms. */
static db_err_t read_snapshot(db_t *db)
{
    if (db->hold_ms <= 0 || db->depth > 0)
        return DB_OK;
    int64_t now = monotonic_ms();
    if (db->holding && now - db->held_since_ms < db->hold_ms)
        return DB_OK;
    release_snapshot(db);
    db_err_t rc = exec(db, "BEGIN");
    if (rc == DB_OK) {
        db->holding = 1;
        db->held_since_ms = now;
        rc = check_views(db);
    }
    return rc;
}

db_err_t db_cache_size(db_t *db, int mib)
{
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA main.cache_size = %d", -1024 * mib);
    return exec(db, pragma);
}

void db_hold_snapshots(db_t *db, int max_ms)
{
    release_snapshot(db);
    db->hold_ms = max_ms;
}

void db_close(db_t *db)
{
    if (!db)
        return;
    release_snapshot(db);
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(db->stmt[i]);
    sqlite3_close(db->conn);
    free(db);
}

sqlite3 *db_conn(db_t *db)
{
    return db->conn;
}

db_err_t db_fail_msg(db_t *db, db_err_t code, const char *msg)
{
    return fail(db, code, "%s", msg);
}

db_err_t db_exec(db_t *db, const char *sql)
{
    return exec(db, sql);
}

db_err_t db_relax_durability(db_t *db)
{
    return exec(db, "PRAGMA synchronous = NORMAL");
}

const char *db_errmsg(const db_t *db)
{
    return db->err;
}

db_err_t db_begin(db_t *db)
{
    release_snapshot(db);
    db_err_t rc = exec(db, db->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT inner");
    if (rc == DB_OK)
        db->depth++;
    return rc;
}

db_err_t db_commit(db_t *db)
{
    if (db->depth == 0)
        return fail(db, DB_EIO, "commit without a transaction");
    db_err_t rc = exec(db, db->depth == 1 ? "COMMIT" : "RELEASE inner");
    if (rc == DB_OK)
        db->depth--;
    return rc;
}

void db_rollback(db_t *db)
{
    if (db->depth > 1)
        sqlite3_exec(db->conn, "ROLLBACK TO inner; RELEASE inner", NULL, NULL, NULL);
    else if (!sqlite3_get_autocommit(db->conn))
        sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
    if (db->depth > 0)
        db->depth--;
}

/* --- products -------------------------------------------------------------- */

db_err_t db_product_insert(db_t *db, db_product_t *p)
{
    sqlite3_stmt *st = stmt_get(db, Q_PRODUCT_INSERT);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, p->name_zh);
    bind_text(st, 2, p->name_en);
    bind_text(st, 3, p->regime);
    bind_text(st, 4, p->reg_number);
    bind_text(st, 5, p->region_code);
    bind_text(st, 6, p->standard);
    bind_text(st, 7, p->gtin);
    bind_text(st, 8, p->status);
    sqlite3_bind_int64(st, 9, p->created_at);
    db_err_t rc = step_done(db, st, "insert product");
    if (rc == DB_OK)
        p->id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

static void product_from_row(sqlite3_stmt *st, int c, db_product_t *p)
{
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, c + 0);
    column_text(st, c + 1, p->name_zh, sizeof p->name_zh);
    column_text(st, c + 2, p->name_en, sizeof p->name_en);
    column_text(st, c + 3, p->regime, sizeof p->regime);
    column_text(st, c + 4, p->reg_number, sizeof p->reg_number);
    column_text(st, c + 5, p->region_code, sizeof p->region_code);
    column_text(st, c + 6, p->standard, sizeof p->standard);
    column_text(st, c + 7, p->gtin, sizeof p->gtin);
    column_text(st, c + 8, p->status, sizeof p->status);
    p->created_at = sqlite3_column_int64(st, c + 9);
}

db_err_t db_product_get(db_t *db, int64_t id, db_product_t *out)
{
    sqlite3_stmt *st = stmt_get(db, Q_PRODUCT_GET);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, id);
    db_err_t rc = step_one(db, st, "product");
    if (rc == DB_OK)
        product_from_row(st, 0, out);
    sqlite3_reset(st);
    return rc;
}

static void bind_page(sqlite3_stmt *st, int first, db_page_t page)
{
    sqlite3_bind_int64(st, first, page.limit > 0 ? page.limit : -1);
    sqlite3_bind_int64(st, first + 1, page.offset > 0 ? page.offset : 0);
}

/* Steps through rows, handing each to row_fn until it returns non-zero. */
static db_err_t step_rows(db_t *db, sqlite3_stmt *st, const char *what,
                          int (*row_fn)(sqlite3_stmt *st, void *ctx), void *ctx)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (row_fn(st, ctx))
            break;
    }
    db_err_t out = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? DB_OK : fail_sqlite(db, what);
    sqlite3_reset(st);
    return out;
}

typedef struct {
    void *fn;
    void *arg;
} list_ctx_t;

static int product_row(sqlite3_stmt *st, void *ctx)
{
    list_ctx_t *c = ctx;
    db_product_t p;
    product_from_row(st, 0, &p);
    return ((db_product_fn)c->fn)(&p, c->arg);
}

db_err_t db_product_list(db_t *db, const db_filter_t *f, db_page_t page, db_product_fn fn,
                         void *arg)
{
    sqlite3_stmt *st = stmt_get(db, Q_PRODUCT_LIST);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, f ? f->region : "");
    bind_page(st, 2, page);
    list_ctx_t c = {(void *)fn, arg};
    return step_rows(db, st, "list products", product_row, &c);
}

db_err_t db_product_update(db_t *db, const db_product_t *p)
{
    sqlite3_stmt *st = stmt_get(db, Q_PRODUCT_UPDATE);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, p->name_zh);
    bind_text(st, 2, p->name_en);
    bind_text(st, 3, p->regime);
    bind_text(st, 4, p->reg_number);
    bind_text(st, 5, p->region_code);
    bind_text(st, 6, p->standard);
    bind_text(st, 7, p->gtin);
    sqlite3_bind_int64(st, 8, p->id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return DB_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return fail(db, DB_EEXISTS, "GTIN %s is already used by another product", p->gtin);
    return fail_sqlite(db, "update product");
}

/* --- operators ------------------------------------------------------------- */

db_err_t db_operator_insert(db_t *db, db_operator_t *o)
{
    sqlite3_stmt *st = stmt_get(db, Q_OPERATOR_INSERT);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, o->uscc);
    bind_text(st, 2, o->name);
    bind_text(st, 3, o->kind);
    bind_text(st, 4, o->region_code);
    bind_text(st, 5, o->contact);
    bind_text(st, 6, o->status);
    bind_text(st, 7, o->uscc_override);
    sqlite3_bind_int64(st, 8, o->created_at);
    db_err_t rc = step_done(db, st, "insert operator");
    if (rc == DB_OK)
        o->id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

static void operator_from_row(sqlite3_stmt *st, int c, db_operator_t *o)
{
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, c + 0);
    column_text(st, c + 1, o->uscc, sizeof o->uscc);
    column_text(st, c + 2, o->name, sizeof o->name);
    column_text(st, c + 3, o->kind, sizeof o->kind);
    column_text(st, c + 4, o->region_code, sizeof o->region_code);
    column_text(st, c + 5, o->contact, sizeof o->contact);
    column_text(st, c + 6, o->status, sizeof o->status);
    column_text(st, c + 7, o->uscc_override, sizeof o->uscc_override);
    o->created_at = sqlite3_column_int64(st, c + 8);
}

static db_err_t operator_one(db_t *db, sqlite3_stmt *st, db_operator_t *out)
{
    db_err_t rc = step_one(db, st, "operator");
    if (rc == DB_OK)
        operator_from_row(st, 0, out);
    sqlite3_reset(st);
    return rc;
}

db_err_t db_operator_get(db_t *db, int64_t id, db_operator_t *out)
{
    sqlite3_stmt *st = stmt_get(db, Q_OPERATOR_GET);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, id);
    return operator_one(db, st, out);
}

db_err_t db_operator_find_uscc(db_t *db, const char *uscc, db_operator_t *out)
{
    sqlite3_stmt *st = stmt_get(db, Q_OPERATOR_FIND_USCC);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, uscc);
    return operator_one(db, st, out);
}

static int operator_row(sqlite3_stmt *st, void *ctx)
{
    list_ctx_t *c = ctx;
    db_operator_t o;
    operator_from_row(st, 0, &o);
    return ((db_operator_fn)c->fn)(&o, c->arg);
}

db_err_t db_operator_list(db_t *db, const db_filter_t *f, db_page_t page, db_operator_fn fn,
                          void *arg)
{
    sqlite3_stmt *st = stmt_get(db, Q_OPERATOR_LIST);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, f ? f->operator_id : 0);
    bind_text(st, 2, f ? f->region : "");
    bind_page(st, 3, page);
    list_ctx_t c = {(void *)fn, arg};
    return step_rows(db, st, "list operators", operator_row, &c);
}

db_err_t db_operator_update(db_t *db, const db_operator_t *o)
{
    sqlite3_stmt *st = stmt_get(db, Q_OPERATOR_UPDATE);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, o->name);
    bind_text(st, 2, o->kind);
    bind_text(st, 3, o->region_code);
    bind_text(st, 4, o->contact);
    sqlite3_bind_int64(st, 5, o->id);
    return step_done(db, st, "update operator");
}

/* --- authorisations ---------------------------------------------------------- */

db_err_t db_auth_insert(db_t *db, db_auth_t *a)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUTH_INSERT);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, a->operator_id);
    sqlite3_bind_int64(st, 2, a->product_id);
    bind_text(st, 3, a->status);
    bind_text(st, 4, a->valid_from);
    bind_text(st, 5, a->valid_until);
    sqlite3_bind_int64(st, 6, a->yearly_quota);
    bind_text(st, 7, a->approval_doc);
    sqlite3_bind_int64(st, 8, a->created_at);
    sqlite3_bind_int64(st, 9, a->approved_at);
    db_err_t rc = step_done(db, st, "insert authorisation");
    if (rc == DB_OK)
        a->id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

static void auth_from_row(sqlite3_stmt *st, int c, db_auth_t *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, c + 0);
    a->operator_id = sqlite3_column_int64(st, c + 1);
    a->product_id = sqlite3_column_int64(st, c + 2);
    column_text(st, c + 3, a->status, sizeof a->status);
    column_text(st, c + 4, a->valid_from, sizeof a->valid_from);
    column_text(st, c + 5, a->valid_until, sizeof a->valid_until);
    a->yearly_quota = sqlite3_column_int64(st, c + 6);
    column_text(st, c + 7, a->approval_doc, sizeof a->approval_doc);
    a->created_at = sqlite3_column_int64(st, c + 8);
    a->approved_at = sqlite3_column_int64(st, c + 9);
    a->last_used_at = sqlite3_column_int64(st, c + 10);
    column_text(st, c + 11, a->operator_name, sizeof a->operator_name);
    column_text(st, c + 12, a->operator_uscc, sizeof a->operator_uscc);
    column_text(st, c + 13, a->product_name, sizeof a->product_name);
}

db_err_t db_auth_get(db_t *db, int64_t id, db_auth_t *out)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUTH_GET);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, id);
    db_err_t rc = step_one(db, st, "authorisation");
    if (rc == DB_OK)
        auth_from_row(st, 0, out);
    sqlite3_reset(st);
    return rc;
}

db_err_t db_auth_set_status(db_t *db, int64_t id, const char *status, int64_t approved_at,
                            const char *approval_doc)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUTH_SET_STATUS);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, status);
    sqlite3_bind_int64(st, 2, approved_at);
    if (approval_doc)
        bind_text(st, 3, approval_doc);
    sqlite3_bind_int64(st, 4, id);
    db_err_t rc = step_done(db, st, "update authorisation");
    if (rc == DB_OK && sqlite3_changes(db->conn) != 1)
        return fail(db, DB_ENOTFOUND, "authorisation %lld: not found", (long long)id);
    return rc;
}

db_err_t db_auth_event_insert(db_t *db, const db_auth_event_t *ev)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUTH_EVENT_INSERT);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, ev->auth_id);
    bind_text(st, 2, ev->from_status);
    bind_text(st, 3, ev->to_status);
    bind_text(st, 4, ev->actor);
    sqlite3_bind_int64(st, 5, ev->at);
    bind_text(st, 6, ev->reason);
    return step_done(db, st, "insert authorisation event");
}

static int auth_row(sqlite3_stmt *st, void *ctx)
{
    list_ctx_t *c = ctx;
    db_auth_t a;
    auth_from_row(st, 0, &a);
    return ((db_auth_fn)c->fn)(&a, c->arg);
}

db_err_t db_auth_list(db_t *db, const db_filter_t *f, db_page_t page, db_auth_fn fn, void *arg)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUTH_LIST);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, f ? f->operator_id : 0);
    sqlite3_bind_int64(st, 2, f ? f->product_id : 0);
    bind_text(st, 3, f ? f->region : "");
    bind_page(st, 4, page);
    list_ctx_t c = {(void *)fn, arg};
    return step_rows(db, st, "list authorisations", auth_row, &c);
}

/* Runs a query that yields one integer. */
static db_err_t query_int(db_t *db, sqlite3_stmt *st, const char *what, int64_t *out)
{
    db_err_t rc = step_one(db, st, what);
    if (rc == DB_OK)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

db_err_t db_auth_count_live(db_t *db, int64_t operator_id, int64_t product_id, int64_t *count)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUTH_COUNT_LIVE);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, operator_id);
    sqlite3_bind_int64(st, 2, product_id);
    return query_int(db, st, "count authorisations", count);
}

/* --- audit log ------------------------------------------------------------- */

db_err_t db_audit_highest_issued(db_t *db, int64_t *id)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUDIT_SEQ);
    if (!st)
        return DB_EIO;
    return query_int(db, st, "audit sequence", id);
}

db_err_t db_audit_head(db_t *db, int64_t *next_id, unsigned char prev_hash[DB_HASH_LEN])
{
    int64_t seq = 0;
    db_err_t rc = db_audit_highest_issued(db, &seq);
    if (rc != DB_OK)
        return rc;
    *next_id = seq + 1;
    memset(prev_hash, 0, DB_HASH_LEN);
    sqlite3_stmt *st = stmt_get(db, Q_AUDIT_LAST);
    if (!st)
        return DB_EIO;
    rc = step_one(db, st, "audit head");
    if (rc == DB_OK && sqlite3_column_bytes(st, 0) == DB_HASH_LEN)
        memcpy(prev_hash, sqlite3_column_blob(st, 0), DB_HASH_LEN);
    sqlite3_reset(st);
    return rc == DB_ENOTFOUND ? DB_OK : rc;
}

db_err_t db_audit_append(db_t *db, const db_audit_row_t *row)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUDIT_INSERT);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, row->id);
    sqlite3_bind_int64(st, 2, row->at);
    bind_text(st, 3, row->actor);
    bind_text(st, 4, row->action);
    bind_text(st, 5, row->entity);
    sqlite3_bind_int64(st, 6, row->entity_id);
    bind_text(st, 7, row->detail);
    sqlite3_bind_blob(st, 8, row->prev_hash, DB_HASH_LEN, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 9, row->hash, DB_HASH_LEN, SQLITE_TRANSIENT);
    return step_done(db, st, "append audit row");
}

static void copy_hash(sqlite3_stmt *st, int col, unsigned char out[DB_HASH_LEN])
{
    memset(out, 0, DB_HASH_LEN);
    int n = sqlite3_column_bytes(st, col);
    const void *b = sqlite3_column_blob(st, col);
    if (b)
        memcpy(out, b, n < DB_HASH_LEN ? (size_t)n : DB_HASH_LEN);
}

static const char *column_str(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

static int audit_row(sqlite3_stmt *st, void *ctx)
{
    list_ctx_t *c = ctx;
    db_audit_row_t r;
    r.id = sqlite3_column_int64(st, 0);
    r.at = sqlite3_column_int64(st, 1);
    r.actor = column_str(st, 2);
    r.action = column_str(st, 3);
    r.entity = column_str(st, 4);
    r.entity_id = sqlite3_column_int64(st, 5);
    r.detail = column_str(st, 6);
    copy_hash(st, 7, r.prev_hash);
    copy_hash(st, 8, r.hash);
    return ((db_audit_fn)c->fn)(&r, c->arg);
}

db_err_t db_audit_each(db_t *db, db_page_t page, db_audit_fn fn, void *arg)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUDIT_ASC);
    if (!st)
        return DB_EIO;
    bind_page(st, 1, page);
    list_ctx_t c = {(void *)fn, arg};
    return step_rows(db, st, "read audit log", audit_row, &c);
}

db_err_t db_audit_list(db_t *db, const db_filter_t *f, db_page_t page, db_audit_fn fn, void *arg)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUDIT_LIST);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, f ? f->region : "");
    bind_page(st, 2, page);
    list_ctx_t c = {(void *)fn, arg};
    return step_rows(db, st, "list audit log", audit_row, &c);
}

/* --- batches and labels ------------------------------------------------------- */

db_err_t db_batch_insert(db_t *db, db_batch_t *b)
{
    sqlite3_stmt *st = stmt_get(db, Q_BATCH_INSERT);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, b->auth_id);
    sqlite3_bind_int64(st, 2, b->count);
    bind_text(st, 3, b->status);
    sqlite3_bind_int64(st, 4, b->quota_year);
    bind_text(st, 5, b->lot_number);
    bind_text(st, 6, b->harvest_date);
    bind_text(st, 7, b->production_base);
    bind_text(st, 8, b->inspection_cert);
    sqlite3_bind_int64(st, 9, b->requested_at);
    bind_text(st, 10, b->requested_by);
    db_err_t rc = step_done(db, st, "insert batch");
    if (rc == DB_OK)
        b->id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

static void batch_from_row(sqlite3_stmt *st, int c, db_batch_t *b)
{
    memset(b, 0, sizeof *b);
    b->id = sqlite3_column_int64(st, c + 0);
    b->auth_id = sqlite3_column_int64(st, c + 1);
    b->count = sqlite3_column_int64(st, c + 2);
    column_text(st, c + 3, b->status, sizeof b->status);
    b->quota_year = sqlite3_column_int64(st, c + 4);
    column_text(st, c + 5, b->lot_number, sizeof b->lot_number);
    column_text(st, c + 6, b->harvest_date, sizeof b->harvest_date);
    column_text(st, c + 7, b->production_base, sizeof b->production_base);
    column_text(st, c + 8, b->inspection_cert, sizeof b->inspection_cert);
    b->requested_at = sqlite3_column_int64(st, c + 9);
    column_text(st, c + 10, b->requested_by, sizeof b->requested_by);
    b->decided_at = sqlite3_column_int64(st, c + 11);
    column_text(st, c + 12, b->decided_by, sizeof b->decided_by);
    column_text(st, c + 13, b->decision_note, sizeof b->decision_note);
    b->issued_at = sqlite3_column_int64(st, c + 14);
    b->activated_at = sqlite3_column_int64(st, c + 15);
    b->voided_at = sqlite3_column_int64(st, c + 16);
    column_text(st, c + 17, b->void_reason, sizeof b->void_reason);
    b->operator_id = sqlite3_column_int64(st, c + 18);
    b->product_id = sqlite3_column_int64(st, c + 19);
    column_text(st, c + 20, b->gtin, sizeof b->gtin);
}

db_err_t db_batch_get(db_t *db, int64_t id, db_batch_t *out)
{
    sqlite3_stmt *st = stmt_get(db, Q_BATCH_GET);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, id);
    db_err_t rc = step_one(db, st, "batch");
    if (rc == DB_OK) {
        batch_from_row(st, 0, out);
        out->labels_voided = sqlite3_column_int64(st, BATCH_NCOLUMNS);
    }
    sqlite3_reset(st);
    return rc;
}

db_err_t db_batch_update(db_t *db, const db_batch_t *b)
{
    sqlite3_stmt *st = stmt_get(db, Q_BATCH_UPDATE);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, b->status);
    sqlite3_bind_int64(st, 2, b->quota_year);
    sqlite3_bind_int64(st, 3, b->decided_at);
    bind_text(st, 4, b->decided_by);
    bind_text(st, 5, b->decision_note);
    sqlite3_bind_int64(st, 6, b->issued_at);
    sqlite3_bind_int64(st, 7, b->activated_at);
    sqlite3_bind_int64(st, 8, b->voided_at);
    bind_text(st, 9, b->void_reason);
    bind_text(st, 10, b->gtin);
    sqlite3_bind_int64(st, 11, b->id);
    db_err_t rc = step_done(db, st, "update batch");
    if (rc == DB_OK && sqlite3_changes(db->conn) != 1)
        return fail(db, DB_ENOTFOUND, "batch %lld: not found", (long long)b->id);
    return rc;
}

static int batch_row(sqlite3_stmt *st, void *ctx)
{
    list_ctx_t *c = ctx;
    db_batch_t b;
    batch_from_row(st, 0, &b);
    b.labels_voided = sqlite3_column_int64(st, BATCH_NCOLUMNS);
    return ((db_batch_fn)c->fn)(&b, c->arg);
}

db_err_t db_batch_list(db_t *db, const db_filter_t *f, db_page_t page, db_batch_fn fn, void *arg)
{
    sqlite3_stmt *st = stmt_get(db, Q_BATCH_LIST);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, f ? f->operator_id : 0);
    sqlite3_bind_int64(st, 2, f ? f->auth_id : 0);
    bind_text(st, 3, f ? f->region : "");
    bind_page(st, 4, page);
    list_ctx_t c = {(void *)fn, arg};
    return step_rows(db, st, "list batches", batch_row, &c);
}

db_err_t db_quota_used(db_t *db, int64_t auth_id, int64_t year, int pending_too, int64_t *used)
{
    sqlite3_stmt *st = stmt_get(db, Q_QUOTA_USED);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, auth_id);
    sqlite3_bind_int64(st, 2, year);
    sqlite3_bind_int(st, 3, pending_too ? 1 : 0);
    return query_int(db, st, "quota used", used);
}

db_err_t db_auth_touch(db_t *db, int64_t auth_id, int64_t at)
{
    sqlite3_stmt *st = stmt_get(db, Q_AUTH_TOUCH);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_int64(st, 2, auth_id);
    return step_done(db, st, "mark authorisation used");
}

db_err_t db_label_insert(db_t *db, const char *code, int64_t batch_id, int64_t seq)
{
    sqlite3_stmt *st = db->stmt[Q_LABEL_INSERT];
    if (!st && !(st = stmt_get(db, Q_LABEL_INSERT)))
        return DB_EIO;
    /* the hot loop of issuance: static text, no clear_bindings */
    sqlite3_bind_text(st, 1, code, 16, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, batch_id);
    sqlite3_bind_int64(st, 3, seq);
    return step_done(db, st, "insert label");
}

db_err_t db_label_each(db_t *db, int64_t batch_id, db_label_fn fn, void *arg)
{
    sqlite3_stmt *st = stmt_get(db, Q_LABEL_EACH);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, batch_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (fn(column_str(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2), arg))
            break;
    }
    db_err_t out = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? DB_OK : fail_sqlite(db, "labels");
    sqlite3_reset(st);
    return out;
}

/* Reads a batch with its authorisation, product and operator into v. */
static db_err_t batch_view_read(db_t *db, int64_t batch_id, batch_view_t *v)
{
    sqlite3_stmt *st = stmt_get(db, Q_BATCH_VIEW);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, batch_id);
    db_err_t rc = step_one(db, st, "batch of label");
    if (rc == DB_OK) {
        int c = 0;
        batch_from_row(st, c, &v->batch);
        c += BATCH_NCOLUMNS;
        auth_from_row(st, c, &v->auth);
        c += AUTH_NCOLUMNS;
        product_from_row(st, c, &v->product);
        operator_from_row(st, c + 10, &v->op);
        v->batch_id = batch_id;
    }
    sqlite3_reset(st);
    return rc;
}

/* The batch view of batch_id: kept from an earlier label of the same batch
 * while snapshots are held, read afresh otherwise. */
static db_err_t batch_view(db_t *db, int64_t batch_id, batch_view_t *scratch,
                           const batch_view_t **out)
{
    batch_view_t *slot = &db->views[(uint64_t)batch_id % VIEW_SLOTS];
    if (db->hold_ms > 0 && slot->batch_id == batch_id) {
        *out = slot;
        return DB_OK;
    }
    batch_view_t *v = db->hold_ms > 0 ? slot : scratch;
    db_err_t rc = batch_view_read(db, batch_id, v);
    if (rc != DB_OK)
        v->batch_id = 0;
    *out = v;
    return rc;
}

db_err_t db_label_find(db_t *db, const char *code, db_label_view_t *out)
{
    if (read_snapshot(db) != DB_OK)
        return DB_EIO;
    sqlite3_stmt *st = stmt_get(db, Q_LABEL_FIND);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, code);
    db_err_t rc = step_one(db, st, "label");
    int64_t batch_id = 0;
    if (rc == DB_OK) {
        column_text(st, 0, out->code, sizeof out->code);
        out->seq = sqlite3_column_int64(st, 1);
        batch_id = sqlite3_column_int64(st, 2);
        out->label_voided = sqlite3_column_int(st, 3);
        column_text(st, 4, out->void_reason, sizeof out->void_reason);
    }
    sqlite3_reset(st);
    if (rc != DB_OK)
        return rc;
    batch_view_t scratch;
    const batch_view_t *v;
    if ((rc = batch_view(db, batch_id, &scratch, &v)) != DB_OK)
        return rc;
    out->batch = v->batch;
    out->auth = v->auth;
    out->product = v->product;
    out->op = v->op;
    return DB_OK;
}

db_err_t db_label_void(db_t *db, const char *code, int64_t at, const char *actor,
                       const char *reason)
{
    sqlite3_stmt *st = stmt_get(db, Q_LABEL_VOID);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, code);
    sqlite3_bind_int64(st, 2, at);
    bind_text(st, 3, actor);
    bind_text(st, 4, reason);
    return step_done(db, st, "void label");
}

/* --- scans and reports ------------------------------------------------------------ */

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static db_err_t scan_insert(db_t *db, const db_scan_t *scan)
{
    sqlite3_stmt *st = stmt_get(db, Q_SCAN_APPEND);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, scan->at);
    bind_text_or_null(st, 2, scan->code);
    bind_text_or_null(st, 3, scan->raw);
    bind_text(st, 4, scan->verdict);
    bind_text(st, 5, scan->client_key);
    bind_text(st, 6, scan->ua_class);
    return step_done(db, st, "record scan");
}

/* A change of the scans file only. A deferred BEGIN: the inserts take the
 * write lock of the scans file alone, so recording scans never waits for a
 * registry change (an issuance holds the main file's lock for seconds). */
static db_err_t scans_begin(db_t *db)
{
    release_snapshot(db);
    return exec(db, "BEGIN");
}

static db_err_t scans_end(db_t *db, db_err_t rc)
{
    if (rc == DB_OK)
        rc = exec(db, "COMMIT");
    if (rc != DB_OK && !sqlite3_get_autocommit(db->conn))
        sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

db_err_t db_scans_record(db_t *db, const db_scan_t *scans, size_t n, int64_t *last_id)
{
    db_err_t rc = scans_begin(db);
    for (size_t i = 0; rc == DB_OK && i < n; i++)
        rc = scan_insert(db, &scans[i]);
    if (rc == DB_OK)
        *last_id = sqlite3_last_insert_rowid(db->conn);
    return scans_end(db, rc);
}

static db_err_t set_merged(db_t *db, int64_t through_id)
{
    sqlite3_stmt *st = stmt_get(db, Q_SCAN_MERGED_SET);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, through_id);
    return step_done(db, st, "scan totals mark");
}

static db_err_t scan_clients_add(db_t *db, const db_scan_client_t *clients, size_t m)
{
    db_err_t rc = DB_OK;
    for (size_t i = 0; rc == DB_OK && i < m; i++) {
        sqlite3_stmt *st = stmt_get(db, Q_SCAN_CLIENT_ADD);
        if (!st)
            return DB_EIO;
        bind_text(st, 1, clients[i].code);
        bind_text(st, 2, clients[i].client_key);
        sqlite3_bind_int64(st, 3, clients[i].first_at);
        sqlite3_bind_int64(st, 4, clients[i].last_at);
        rc = step_done(db, st, "scan client");
    }
    return rc;
}

db_err_t db_scan_totals_merge(db_t *db, const db_scan_total_t *totals, size_t n,
                              const db_scan_client_t *clients, size_t m, int64_t through_id)
{
    db_err_t rc = scans_begin(db);
    for (size_t i = 0; rc == DB_OK && i < n; i++) {
        sqlite3_stmt *st = stmt_get(db, Q_SCAN_TOTAL_ADD);
        if (!st) {
            rc = DB_EIO;
            break;
        }
        bind_text(st, 1, totals[i].code);
        sqlite3_bind_int64(st, 2, totals[i].count);
        sqlite3_bind_int64(st, 3, totals[i].first_at);
        rc = step_done(db, st, "scan total");
    }
    if (rc == DB_OK)
        rc = scan_clients_add(db, clients, m);
    if (rc == DB_OK)
        rc = set_merged(db, through_id);
    return scans_end(db, rc);
}

static db_err_t step_query(db_t *db, int q, const char *what)
{
    sqlite3_stmt *st = stmt_get(db, q);
    return st ? step_done(db, st, what) : DB_EIO;
}

db_err_t db_scan_totals_catch_up(db_t *db)
{
    db_err_t rc = scans_begin(db);
    if (rc == DB_OK) /* before the totals: both read the scans after the same mark */
        rc = step_query(db, Q_SCAN_CLIENTS_CATCH_UP, "scan clients catch-up");
    if (rc == DB_OK)
        rc = step_query(db, Q_SCAN_CATCH_UP, "scan totals catch-up");
    if (rc == DB_OK) {
        sqlite3_stmt *max = NULL;
        int64_t top = 0;
        if (sqlite3_prepare_v2(db->conn, "SELECT coalesce(max(id), 0) FROM scans.scan", -1, &max,
                               NULL) == SQLITE_OK &&
            sqlite3_step(max) == SQLITE_ROW)
            top = sqlite3_column_int64(max, 0);
        sqlite3_finalize(max);
        rc = set_merged(db, top);
    }
    return scans_end(db, rc);
}

db_err_t db_scan_count(db_t *db, const char *code, int64_t *count, int64_t *first_at)
{
    if (read_snapshot(db) != DB_OK)
        return DB_EIO;
    sqlite3_stmt *st = stmt_get(db, Q_SCAN_COUNT);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, code);
    db_err_t rc = step_one(db, st, "scan count");
    *count = 0;
    *first_at = 0;
    if (rc == DB_OK) {
        *count = sqlite3_column_int64(st, 0);
        *first_at = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == DB_ENOTFOUND ? DB_OK : rc;
}

typedef struct {
    db_scan_client_fn fn;
    void *arg;
} client_ctx_t;

static int client_row(sqlite3_stmt *st, void *ctx)
{
    client_ctx_t *c = ctx;
    const char *key = (const char *)sqlite3_column_text(st, 0);
    return c->fn(key ? key : "", sqlite3_column_int64(st, 1), c->arg);
}

db_err_t db_scan_clients(db_t *db, const char *code, int64_t after, int64_t limit,
                         db_scan_client_fn fn, void *arg)
{
    if (read_snapshot(db) != DB_OK)
        return DB_EIO;
    sqlite3_stmt *st = stmt_get(db, Q_SCAN_CLIENTS_RECENT);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, code);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int64(st, 3, limit);
    client_ctx_t c = {fn, arg};
    return step_rows(db, st, "scan clients", client_row, &c);
}

db_err_t db_report_insert(db_t *db, db_report_t *r)
{
    sqlite3_stmt *st = stmt_get(db, Q_REPORT_INSERT);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, r->at);
    bind_text(st, 2, r->code);
    bind_text(st, 3, r->text);
    bind_text(st, 4, r->contact);
    bind_text(st, 5, r->client_key);
    db_err_t rc = step_done(db, st, "insert report");
    if (rc == DB_OK)
        r->id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

db_err_t db_secret_get_or_add(db_t *db, const char *name, const unsigned char *fresh,
                              unsigned char *out, size_t len)
{
    sqlite3_stmt *st = stmt_get(db, Q_SECRET_ADD);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, name);
    sqlite3_bind_blob(st, 2, fresh, (int)len, SQLITE_TRANSIENT);
    db_err_t rc = step_done(db, st, "add secret");
    if (rc != DB_OK || !(st = stmt_get(db, Q_SECRET_GET)))
        return DB_EIO;
    bind_text(st, 1, name);
    rc = step_one(db, st, "secret");
    if (rc == DB_OK) {
        if ((size_t)sqlite3_column_bytes(st, 0) == len)
            memcpy(out, sqlite3_column_blob(st, 0), len);
        else
            rc = fail(db, DB_EIO, "secret %s has the wrong length", name);
    }
    sqlite3_reset(st);
    return rc;
}

static void report_from_row(sqlite3_stmt *st, db_report_t *r)
{
    r->id = sqlite3_column_int64(st, 0);
    r->at = sqlite3_column_int64(st, 1);
    column_text(st, 2, r->code, sizeof r->code);
    column_text(st, 3, r->text, sizeof r->text);
    column_text(st, 4, r->contact, sizeof r->contact);
    column_text(st, 5, r->client_key, sizeof r->client_key);
    column_text(st, 6, r->status, sizeof r->status);
    column_text(st, 7, r->note, sizeof r->note);
    r->operator_id = sqlite3_column_int64(st, 8);
    column_text(st, 9, r->region_code, sizeof r->region_code);
}

db_err_t db_report_get(db_t *db, int64_t id, db_report_t *out)
{
    sqlite3_stmt *st = stmt_get(db, Q_REPORT_GET);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, id);
    db_err_t rc = step_one(db, st, "report");
    if (rc == DB_OK)
        report_from_row(st, out);
    sqlite3_reset(st);
    return rc;
}

static int report_row(sqlite3_stmt *st, void *arg)
{
    list_ctx_t *c = arg;
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
    sqlite3_stmt *st = stmt_get(db, Q_REPORT_LIST);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, f ? f->operator_id : 0);
    bind_text(st, 2, f && f->region ? f->region : "");
    bind_text(st, 3, status ? status : "");
    bind_page(st, 4, page);
    list_ctx_t c = {(void *)fn, arg};
    return step_rows(db, st, "list reports", report_row, &c);
}

db_err_t db_report_set_status(db_t *db, int64_t id, const char *status, const char *note)
{
    sqlite3_stmt *st = stmt_get(db, Q_REPORT_SET_STATUS);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, status);
    bind_text(st, 2, note);
    sqlite3_bind_int64(st, 3, id);
    db_err_t rc = step_done(db, st, "triage report");
    if (rc == DB_OK && sqlite3_changes(db->conn) == 0)
        rc = fail(db, DB_ENOTFOUND, "no report %lld", (long long)id);
    return rc;
}

/* --- figures over scans and labels ---------------------------------------------- */

static const char *text_or_empty(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static int tally_row(sqlite3_stmt *st, void *arg)
{
    list_ctx_t *c = arg;
    const char *verdict = text_or_empty(st, 7);
    db_tally_t t = {.key = text_or_empty(st, 0),
                    .count = sqlite3_column_int64(st, 1),
                    .first_at = sqlite3_column_int64(st, 2),
                    .last_at = sqlite3_column_int64(st, 3),
                    .operator_id = sqlite3_column_int64(st, 4),
                    .operator_name = text_or_empty(st, 5),
                    .product_name = text_or_empty(st, 6),
                    .verdict = verdict[0] ? verdict : NULL};
    return ((db_tally_fn)c->fn)(&t, c->arg);
}

/* Runs a tally query: ?1 a number (a time or a threshold), ?2 and ?3 the
 * page when paged, ?4 the region prefix ("" everywhere). */
static db_err_t tally(db_t *db, int q, int64_t first, const db_page_t *page, const char *region,
                      db_tally_fn fn, void *arg)
{
    sqlite3_stmt *st = stmt_get(db, q);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, first);
    if (page)
        bind_page(st, 2, *page);
    bind_text(st, 4, region ? region : "");
    list_ctx_t c = {(void *)fn, arg};
    return step_rows(db, st, "figures", tally_row, &c);
}

db_err_t db_scans_per_day(db_t *db, int64_t since, const char *region, db_tally_fn fn, void *arg)
{
    return tally(db, Q_SCANS_PER_DAY, since, NULL, region, fn, arg);
}

db_err_t db_verdict_mix(db_t *db, int64_t since, const char *region, db_tally_fn fn, void *arg)
{
    return tally(db, Q_VERDICT_MIX, since, NULL, region, fn, arg);
}

db_err_t db_labels_per_month(db_t *db, int64_t since, const char *region, db_tally_fn fn, void *arg)
{
    return tally(db, Q_LABELS_PER_MONTH, since, NULL, region, fn, arg);
}

db_err_t db_unknown_inputs(db_t *db, int64_t since, const char *region, db_page_t page,
                           db_tally_fn fn, void *arg)
{
    return tally(db, Q_UNKNOWN_INPUTS, since, &page, region, fn, arg);
}

db_err_t db_repeated_codes(db_t *db, int64_t threshold, const char *region, db_page_t page,
                           db_tally_fn fn, void *arg)
{
    return tally(db, Q_REPEATED_CODES, threshold, &page, region, fn, arg);
}

db_err_t db_suspect_scans(db_t *db, int64_t since, const char *region, db_page_t page,
                          db_tally_fn fn, void *arg)
{
    return tally(db, Q_SUSPECT_SCANS, since, &page, region, fn, arg);
}

/* --- accounts, tokens, sessions ---------------------------------------------------- */

static void account_from_row(sqlite3_stmt *st, db_account_t *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    column_text(st, 1, a->username, sizeof a->username);
    column_text(st, 2, a->role, sizeof a->role);
    a->operator_id = sqlite3_column_int64(st, 3);
    column_text(st, 4, a->region_scope, sizeof a->region_scope);
    column_text(st, 5, a->password_hash, sizeof a->password_hash);
    a->disabled = sqlite3_column_int(st, 6);
    a->created_at = sqlite3_column_int64(st, 7);
}

static db_err_t account_one(db_t *db, sqlite3_stmt *st, db_account_t *out)
{
    db_err_t rc = step_one(db, st, "account");
    if (rc == DB_OK)
        account_from_row(st, out);
    sqlite3_reset(st);
    return rc;
}

db_err_t db_account_insert(db_t *db, db_account_t *a)
{
    sqlite3_stmt *st = stmt_get(db, Q_ACCOUNT_INSERT);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, a->username);
    bind_text(st, 2, a->role);
    sqlite3_bind_int64(st, 3, a->operator_id);
    bind_text(st, 4, a->region_scope);
    bind_text(st, 5, a->password_hash);
    sqlite3_bind_int(st, 6, a->disabled);
    sqlite3_bind_int64(st, 7, a->created_at);
    db_err_t rc = step_done(db, st, "insert account");
    if (rc == DB_OK)
        a->id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

db_err_t db_account_get(db_t *db, int64_t id, db_account_t *out)
{
    sqlite3_stmt *st = stmt_get(db, Q_ACCOUNT_GET);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, id);
    return account_one(db, st, out);
}

db_err_t db_account_find(db_t *db, const char *username, db_account_t *out)
{
    release_snapshot(db); /* a password is checked as it is now, never from a held snapshot */
    sqlite3_stmt *st = stmt_get(db, Q_ACCOUNT_FIND);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, username);
    return account_one(db, st, out);
}

/* Runs an UPDATE of one row by id; DB_ENOTFOUND when no row changed. */
static db_err_t update_one(db_t *db, sqlite3_stmt *st, const char *what)
{
    db_err_t rc = step_done(db, st, what);
    if (rc == DB_OK && sqlite3_changes(db->conn) != 1)
        return fail(db, DB_ENOTFOUND, "%s: not found", what);
    return rc;
}

db_err_t db_account_set_password(db_t *db, int64_t id, const char *password_hash)
{
    sqlite3_stmt *st = stmt_get(db, Q_ACCOUNT_SET_PASSWORD);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, password_hash);
    sqlite3_bind_int64(st, 2, id);
    return update_one(db, st, "account");
}

db_err_t db_account_set_disabled(db_t *db, int64_t id, int disabled)
{
    sqlite3_stmt *st = stmt_get(db, Q_ACCOUNT_SET_DISABLED);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int(st, 1, disabled);
    sqlite3_bind_int64(st, 2, id);
    return update_one(db, st, "account");
}

db_err_t db_token_insert(db_t *db, int64_t account_id, const unsigned char hash[DB_HASH_LEN],
                         const char *name, int64_t at, int64_t *id)
{
    sqlite3_stmt *st = stmt_get(db, Q_TOKEN_INSERT);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_blob(st, 2, hash, DB_HASH_LEN, SQLITE_TRANSIENT);
    bind_text(st, 3, name);
    sqlite3_bind_int64(st, 4, at);
    db_err_t rc = step_done(db, st, "insert token");
    if (rc == DB_OK && id)
        *id = sqlite3_last_insert_rowid(db->conn);
    return rc;
}

db_err_t db_token_find(db_t *db, const unsigned char hash[DB_HASH_LEN], db_account_t *out)
{
    release_snapshot(db); /* credentials are read as they are now, never from a held snapshot */
    sqlite3_stmt *st = stmt_get(db, Q_TOKEN_FIND);
    if (!st)
        return DB_EIO;
    sqlite3_bind_blob(st, 1, hash, DB_HASH_LEN, SQLITE_TRANSIENT);
    return account_one(db, st, out);
}

db_err_t db_token_revoke(db_t *db, int64_t id, int64_t at)
{
    sqlite3_stmt *st = stmt_get(db, Q_TOKEN_REVOKE);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_int64(st, 2, id);
    return update_one(db, st, "token");
}

/* Runs a change of any number of rows; *n receives how many changed. */
static db_err_t change_many(db_t *db, sqlite3_stmt *st, const char *what, int64_t *n)
{
    db_err_t rc = step_done(db, st, what);
    if (n)
        *n = rc == DB_OK ? sqlite3_changes(db->conn) : 0;
    return rc;
}

db_err_t db_token_revoke_account(db_t *db, int64_t account_id, int64_t at, int64_t *n)
{
    sqlite3_stmt *st = stmt_get(db, Q_TOKEN_REVOKE_ACCOUNT);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_int64(st, 2, account_id);
    return change_many(db, st, "revoke tokens", n);
}

db_err_t db_session_insert(db_t *db, const unsigned char hash[DB_HASH_LEN], int64_t account_id,
                           const char *csrf, int64_t at, int64_t expires_at)
{
    sqlite3_stmt *st = stmt_get(db, Q_SESSION_INSERT);
    if (!st)
        return DB_EIO;
    sqlite3_bind_blob(st, 1, hash, DB_HASH_LEN, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, account_id);
    bind_text(st, 3, csrf);
    sqlite3_bind_int64(st, 4, at);
    sqlite3_bind_int64(st, 5, expires_at);
    return step_done(db, st, "insert session");
}

db_err_t db_session_find(db_t *db, const unsigned char hash[DB_HASH_LEN], int64_t now,
                         db_account_t *out, char csrf[72])
{
    release_snapshot(db); /* credentials are read as they are now, never from a held snapshot */
    sqlite3_stmt *st = stmt_get(db, Q_SESSION_FIND);
    if (!st)
        return DB_EIO;
    sqlite3_bind_blob(st, 1, hash, DB_HASH_LEN, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    db_err_t rc = step_one(db, st, "session");
    if (rc == DB_OK) {
        account_from_row(st, out);
        column_text(st, 8, csrf, 72);
    }
    sqlite3_reset(st);
    return rc;
}

db_err_t db_session_delete(db_t *db, const unsigned char hash[DB_HASH_LEN])
{
    sqlite3_stmt *st = stmt_get(db, Q_SESSION_DELETE);
    if (!st)
        return DB_EIO;
    sqlite3_bind_blob(st, 1, hash, DB_HASH_LEN, SQLITE_TRANSIENT);
    return step_done(db, st, "delete session");
}

db_err_t db_session_delete_account(db_t *db, int64_t account_id, int64_t *n)
{
    sqlite3_stmt *st = stmt_get(db, Q_SESSION_DELETE_ACCOUNT);
    if (!st)
        return DB_EIO;
    sqlite3_bind_int64(st, 1, account_id);
    return change_many(db, st, "end sessions", n);
}

/* --- figures --------------------------------------------------------------- */

db_err_t db_stats(db_t *db, const char *today, const char *region, db_stats_t *out)
{
    sqlite3_stmt *st = stmt_get(db, Q_STATS);
    if (!st)
        return DB_EIO;
    bind_text(st, 1, today);
    bind_text(st, 2, region ? region : "");
    db_err_t rc = step_one(db, st, "stats");
    if (rc == DB_OK) {
        int64_t *f[] = {&out->products,       &out->operators,
                        &out->auth_pending,   &out->auth_approved,
                        &out->auth_suspended, &out->auth_revoked,
                        &out->auth_expired,   &out->operators_authorised,
                        &out->audit_rows,     &out->operators_using};
        for (int i = 0; i < (int)(sizeof f / sizeof f[0]); i++)
            *f[i] = sqlite3_column_int64(st, i);
    }
    sqlite3_reset(st);
    return rc;
}
