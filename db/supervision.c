/*
 * supervision.c - the SQL of graded supervision and random inspections: the
 * dated facts a credit class is derived from, findings on consumer reports,
 * imported classes, the registers of inspection items and inspectors, draws
 * and inspections with their evidence. The rules are gi/grade.c's and
 * gi/inspect.c's.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* --- facts ---------------------------------------------------------------------------
 *
 * Every fact query yields operator_id, ref_id, ref, detail, at and binds ?1 the
 * operator (0 every one), ?2 the region prefix, ?3 and ?4 the window (times, or
 * dates for DB_FACT_INSPECTION), ?5 the time the records must have been stored by
 * or the kind's parameter. */
#define FACT_NCOLUMNS 5
#define OP_IN(col)    "(?1 = 0 OR " col " = ?1) AND substr(o.region_code, 1, length(?2)) = ?2"
#define LABEL_OWNER(code)                                                                          \
    "JOIN label l ON l.code = " code " JOIN batch b ON b.id = l.batch_id "                         \
    "JOIN authorisation a ON a.id = b.auth_id JOIN operator o ON o.id = a.operator_id "

static db_query_t q_fact_report = DB_QUERY(
    "SELECT a.operator_id, r.id, r.code, '', f.at FROM report r " LABEL_OWNER(
        "r.code") "JOIN report_finding f ON f.report_id = r.id "
                  "WHERE f.id = (SELECT f2.id FROM report_finding f2 WHERE f2.report_id = r.id "
                  "AND f2.at <= ?4 ORDER BY f2.at DESC, f2.id DESC LIMIT 1) "
                  "AND f.outcome = 'founded' AND f.at > ?3 AND " OP_IN(
                      "a.operator_id") " ORDER BY a.operator_id, f.at, r.id",
    FACT_NCOLUMNS);
#define SCANNED_WITH(verdict)                                                                      \
    "SELECT a.operator_id, count(*), s.code, '', min(s.at) FROM scans.scan s " LABEL_OWNER(        \
        "s.code") "WHERE s.verdict = '" verdict                                                    \
                  "' AND s.at > ?3 AND s.at <= ?4 AND " OP_IN(                                     \
                      "a.operator_id") " GROUP BY a.operator_id, s.code ORDER BY a.operator_id, "  \
                                       "5, s.code"
static db_query_t q_fact_void = DB_QUERY(SCANNED_WITH("VOID"), FACT_NCOLUMNS);
static db_query_t q_fact_not_activated = DB_QUERY(SCANNED_WITH("NOT_ACTIVATED"), FACT_NCOLUMNS);
static db_query_t q_fact_over = DB_QUERY(
    "SELECT a.operator_id, count(*), c.code, '', max(c.first_at) "
    "FROM scans.scan_client c " LABEL_OWNER(
        "c.code") "WHERE c.first_at > ?3 AND "
                  "c.first_at <= ?4 AND " OP_IN(
                      "a.operator_id") " GROUP BY a.operator_id, c.code HAVING count(*) > ?5 "
                                       "ORDER BY a.operator_id, 5, c.code",
    FACT_NCOLUMNS);
static db_query_t q_fact_suspended =
    DB_QUERY("SELECT a.operator_id, e.id, e.reason, p.name_zh, e.at FROM auth_event e "
             "JOIN authorisation a ON a.id = e.auth_id JOIN operator o ON o.id = a.operator_id "
             "JOIN product p ON p.id = a.product_id WHERE e.to_status = 'suspended' "
             "AND e.at > ?3 AND e.at <= ?4 AND " OP_IN(
                 "a.operator_id") " ORDER BY a.operator_id, e.at, e.id",
             FACT_NCOLUMNS);
static db_query_t q_fact_idle =
    DB_QUERY("SELECT a.operator_id, a.id, p.name_zh, '', a.approved_at FROM authorisation a "
             "JOIN operator o ON o.id = a.operator_id JOIN product p ON p.id = a.product_id "
             "WHERE a.approved_at IS NOT NULL AND a.approved_at <= ?3 "
             "AND a.valid_from <= ?5 AND a.valid_until >= ?5 "
             "AND NOT EXISTS (SELECT 1 FROM auth_event e WHERE e.auth_id = a.id "
             "AND e.to_status = 'revoked' AND e.at <= ?4) "
             "AND NOT EXISTS (SELECT 1 FROM batch b WHERE b.auth_id = a.id "
             "AND b.issued_at > ?3 AND b.issued_at <= ?4) AND " OP_IN(
                 "a.operator_id") " ORDER BY a.operator_id, a.id",
             FACT_NCOLUMNS);
static db_query_t q_fact_inspection =
    DB_QUERY("SELECT i.operator_id, i.id, i.result, i.transfer, i.created_at FROM inspection i "
             "JOIN operator o ON o.id = i.operator_id WHERE i.inspected_on > ?3 "
             "AND i.inspected_on <= ?4 AND i.created_at <= ?5 AND " OP_IN(
                 "i.operator_id") " ORDER BY i.operator_id, i.inspected_on, i.id",
             FACT_NCOLUMNS);

/* ?5 the year, ?6 and ?7 its first and last second, ?8 the deadline. */
static db_query_t q_fact_usage_late = DB_QUERY(
    "SELECT a.operator_id, a.id, p.name_zh, ?5, CAST(?8 AS BIGINT) FROM authorisation a "
    "JOIN operator o ON o.id = a.operator_id JOIN product p ON p.id = a.product_id "
    "WHERE a.approved_at IS NOT NULL AND a.approved_at <= ?7 "
    "AND a.valid_from <= ?5 || '-12-31' AND a.valid_until >= ?5 || '-01-01' "
    "AND NOT EXISTS (SELECT 1 FROM auth_event e WHERE e.auth_id = a.id "
    "AND e.to_status = 'revoked' AND e.at < ?6) "
    "AND NOT EXISTS (SELECT 1 FROM usage_report u WHERE u.operator_id = a.operator_id "
    "AND u.product_id = a.product_id AND substr(u.period, 1, 4) = ?5 AND u.filed_at <= ?8) "
    "AND " OP_IN("a.operator_id") " ORDER BY a.operator_id, a.id",
    FACT_NCOLUMNS);
static db_query_t q_fact_usage_returned =
    DB_QUERY("SELECT u.operator_id, u.id, u.period, p.name_zh, d.decided_at "
             "FROM usage_decision d JOIN usage_report u ON u.id = d.report_id "
             "JOIN operator o ON o.id = u.operator_id JOIN product p ON p.id = u.product_id "
             "WHERE d.decision = 'returned' AND d.decided_at > ?3 AND d.decided_at <= ?4 "
             "AND " OP_IN("u.operator_id") " ORDER BY u.operator_id, d.decided_at, u.id",
             FACT_NCOLUMNS);

static int fact_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    db_fact_t f = {.operator_id = db_col_int(st, 0),
                   .ref_id = db_col_int(st, 1),
                   .ref = db_col_str(st, 2),
                   .detail = db_col_str(st, 3),
                   .at = db_col_int(st, 4)};
    return ((db_fact_fn)c->fn)(&f, c->arg);
}

db_err_t db_facts(db_t *db, db_fact_kind_t kind, const db_fact_query_t *q, db_fact_fn fn, void *arg)
{
    db_query_t *const queries[DB_FACT_COUNT] = {
        [DB_FACT_REPORT_FOUNDED] = &q_fact_report,
        [DB_FACT_VOID_SCANNED] = &q_fact_void,
        [DB_FACT_NOT_ACTIVATED_SCANNED] = &q_fact_not_activated,
        [DB_FACT_OVER_SCANNED] = &q_fact_over,
        [DB_FACT_SUSPENDED] = &q_fact_suspended,
        [DB_FACT_IDLE] = &q_fact_idle,
        [DB_FACT_INSPECTION] = &q_fact_inspection,
        [DB_FACT_USAGE_LATE] = &q_fact_usage_late,
        [DB_FACT_USAGE_RETURNED] = &q_fact_usage_returned,
    };
    if ((unsigned)kind >= DB_FACT_COUNT)
        return db_fail(db, DB_EIO, "no such fact");

    db_stmt_t *st = db_stmt(db, queries[kind]);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, q->operator_id);
    db_bind_text(st, 2, q->region ? q->region : "");
    if (kind == DB_FACT_INSPECTION) {
        db_bind_text(st, 3, q->from_date);
        db_bind_text(st, 4, q->to_date);
        db_bind_int(st, 5, q->to);
    } else {
        db_bind_int(st, 3, q->from);
        db_bind_int(st, 4, q->to);
        if (kind == DB_FACT_USAGE_LATE) {
            char year[5];
            snprintf(year, sizeof year, "%.4s", q->from_date);
            db_bind_text(st, 5, year);
            db_bind_int(st, 6, q->from);
            db_bind_int(st, 7, q->param);
            db_bind_int(st, 8, q->to);
        } else if (kind == DB_FACT_OVER_SCANNED)
            db_bind_int(st, 5, q->param);
        else if (kind == DB_FACT_IDLE)
            db_bind_text(st, 5, q->to_date);
    }
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "supervision facts", fact_row, &c);
}

/* --- findings and imported classes ------------------------------------------------------ */

static db_query_t q_finding_insert =
    DB_QUERY("INSERT INTO report_finding (report_id, outcome, at, actor, note) "
             "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
             1);

db_err_t db_report_finding_insert(db_t *db, int64_t report_id, const char *outcome, int64_t at,
                                  const char *actor, const char *note, int64_t *id)
{
    db_stmt_t *st = db_stmt(db, &q_finding_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, report_id);
    db_bind_text(st, 2, outcome);
    db_bind_int(st, 3, at);
    db_bind_text(st, 4, actor);
    db_bind_text(st, 5, note);
    return db_insert_id(db, st, "insert report finding", id);
}

#define IMPORT_COLUMNS  "g.id, g.operator_id, g.class, g.as_of, g.source, g.at, g.actor "
#define IMPORT_NCOLUMNS 7
static db_query_t q_import_insert =
    DB_QUERY("INSERT INTO grade_import (operator_id, class, as_of, source, at, actor) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
             1);
static db_query_t q_imports =
    DB_QUERY("SELECT " IMPORT_COLUMNS "FROM grade_import g JOIN operator o ON o.id = g.operator_id "
             "WHERE g.id = (SELECT g2.id FROM grade_import g2 WHERE g2.operator_id = g.operator_id "
             "AND g2.as_of <= ?3 AND g2.at <= ?4 ORDER BY g2.as_of DESC, g2.id DESC LIMIT 1) "
             "AND " OP_IN("g.operator_id") " ORDER BY g.operator_id",
             IMPORT_NCOLUMNS);

db_err_t db_grade_import_insert(db_t *db, db_grade_import_t *g)
{
    db_stmt_t *st = db_stmt(db, &q_import_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, g->operator_id);
    db_bind_text(st, 2, g->class_name);
    db_bind_text(st, 3, g->as_of);
    db_bind_text(st, 4, g->source);
    db_bind_int(st, 5, g->at);
    db_bind_text(st, 6, g->actor);
    return db_insert_id(db, st, "insert grade import", &g->id);
}

static int import_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    db_grade_import_t g = {.id = db_col_int(st, 0), .operator_id = db_col_int(st, 1)};
    db_col_text(st, 2, g.class_name, sizeof g.class_name);
    db_col_text(st, 3, g.as_of, sizeof g.as_of);
    db_col_text(st, 4, g.source, sizeof g.source);
    g.at = db_col_int(st, 5);
    db_col_text(st, 6, g.actor, sizeof g.actor);
    return ((db_grade_import_fn)c->fn)(&g, c->arg);
}

db_err_t db_grade_imports(db_t *db, int64_t operator_id, const char *region, const char *date,
                          int64_t t, db_grade_import_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_imports);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, operator_id);
    db_bind_text(st, 2, region ? region : "");
    db_bind_text(st, 3, date);
    db_bind_int(st, 4, t);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "grade imports", import_row, &c);
}

/* --- populations ------------------------------------------------------------------------ */

static db_query_t q_supervised =
    DB_QUERY("SELECT " OPERATOR_COLUMNS "FROM operator o "
             "WHERE substr(o.region_code, 1, length(?1)) = ?1 AND (?2 = 0 OR EXISTS "
             "(SELECT 1 FROM authorisation a WHERE a.operator_id = o.id "
             "AND a.status = 'approved' AND a.valid_from <= ?3 AND a.valid_until >= ?3)) "
             "ORDER BY o.id",
             OPERATOR_NCOLUMNS);
static db_query_t q_inspected =
    DB_QUERY("SELECT DISTINCT operator_id FROM inspection WHERE office = ?1 "
             "AND inspected_on >= ?2 AND inspected_on <= ?3 ORDER BY 1",
             1);

static int operator_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    db_operator_t o;
    db_operator_read(st, 0, &o);
    return ((db_operator_fn)c->fn)(&o, c->arg);
}

db_err_t db_supervised_operators(db_t *db, const char *region, int in_force_only, const char *date,
                                 db_operator_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_supervised);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, region ? region : "");
    db_bind_int(st, 2, in_force_only);
    db_bind_text(st, 3, date);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "supervised operators", operator_row, &c);
}

static int id_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    return ((db_id_fn)c->fn)(db_col_int(st, 0), c->arg);
}

db_err_t db_inspected_operators(db_t *db, const char *office, const char *from_date,
                                const char *to_date, db_id_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_inspected);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, office);
    db_bind_text(st, 2, from_date);
    db_bind_text(st, 3, to_date);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "inspected operators", id_row, &c);
}

/* --- registers ---------------------------------------------------------------------------- */

static db_query_t q_item_insert =
    DB_QUERY("INSERT INTO inspection_item (checklist_key, name, legal_basis, created_at) "
             "VALUES (?1, ?2, ?3, ?4) RETURNING id",
             1);
static db_query_t q_item_list = DB_QUERY(
    "SELECT id, checklist_key, name, legal_basis, created_at FROM inspection_item ORDER BY id", 5);

db_err_t db_inspection_item_insert(db_t *db, db_inspection_item_t *it)
{
    db_stmt_t *st = db_stmt(db, &q_item_insert);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, it->checklist_key);
    db_bind_text(st, 2, it->name);
    db_bind_text(st, 3, it->legal_basis);
    db_bind_int(st, 4, it->created_at);
    return db_insert_id(db, st, "insert inspection item", &it->id);
}

static int item_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    db_inspection_item_t it = {.id = db_col_int(st, 0)};
    db_col_text(st, 1, it.checklist_key, sizeof it.checklist_key);
    db_col_text(st, 2, it.name, sizeof it.name);
    db_col_text(st, 3, it.legal_basis, sizeof it.legal_basis);
    it.created_at = db_col_int(st, 4);
    return ((db_inspection_item_fn)c->fn)(&it, c->arg);
}

db_err_t db_inspection_item_list(db_t *db, db_inspection_item_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_item_list);
    if (!st)
        return DB_EIO;
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "inspection items", item_row, &c);
}

#define INSPECTOR_COLUMNS  "n.id, n.name, n.cert_no, n.field, n.region_code, n.active, n.created_at "
#define INSPECTOR_NCOLUMNS 7
static db_query_t q_inspector_insert =
    DB_QUERY("INSERT INTO inspector (name, cert_no, field, region_code, active, created_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
             1);
static db_query_t q_inspector_get =
    DB_QUERY("SELECT " INSPECTOR_COLUMNS "FROM inspector n WHERE n.id = ?1", INSPECTOR_NCOLUMNS);
static db_query_t q_inspector_cert =
    DB_QUERY("SELECT count(*) FROM inspector WHERE cert_no = ?1", 1);
static db_query_t q_inspector_list =
    DB_QUERY("SELECT " INSPECTOR_COLUMNS "FROM inspector n "
             "WHERE substr(n.region_code, 1, length(?1)) = ?1 ORDER BY n.id",
             INSPECTOR_NCOLUMNS);
static db_query_t q_conflict_count = DB_QUERY(
    "SELECT count(*) FROM inspector_conflict WHERE inspector_id = ?1 AND operator_id = ?2", 1);
static db_query_t q_conflict_insert =
    DB_QUERY("INSERT INTO inspector_conflict (inspector_id, operator_id, reason, at) "
             "VALUES (?1, ?2, ?3, ?4)",
             0);
static db_query_t q_conflicts =
    DB_QUERY("SELECT c.inspector_id, c.operator_id, c.reason FROM inspector_conflict c "
             "JOIN inspector n ON n.id = c.inspector_id "
             "WHERE substr(n.region_code, 1, length(?1)) = ?1 "
             "ORDER BY c.inspector_id, c.operator_id",
             3);

static void inspector_read(db_stmt_t *st, db_inspector_t *n)
{
    memset(n, 0, sizeof *n);
    n->id = db_col_int(st, 0);
    db_col_text(st, 1, n->name, sizeof n->name);
    db_col_text(st, 2, n->cert_no, sizeof n->cert_no);
    db_col_text(st, 3, n->field, sizeof n->field);
    db_col_text(st, 4, n->region_code, sizeof n->region_code);
    n->active = (int)db_col_int(st, 5);
    n->created_at = db_col_int(st, 6);
}

db_err_t db_inspector_insert(db_t *db, db_inspector_t *in)
{
    db_stmt_t *st = db_stmt(db, &q_inspector_cert);
    int64_t n = 0;
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, in->cert_no);
    db_err_t rc = db_query_int(db, st, "inspector certificate", &n);
    if (rc != DB_OK)
        return rc;
    if (n > 0)
        return db_fail(db, DB_EEXISTS, "an inspector with certificate %s is registered already",
                       in->cert_no);
    if (!(st = db_stmt(db, &q_inspector_insert)))
        return DB_EIO;
    db_bind_text(st, 1, in->name);
    db_bind_text(st, 2, in->cert_no);
    db_bind_text(st, 3, in->field);
    db_bind_text(st, 4, in->region_code);
    db_bind_int(st, 5, in->active);
    db_bind_int(st, 6, in->created_at);
    return db_insert_id(db, st, "insert inspector", &in->id);
}

db_err_t db_inspector_get(db_t *db, int64_t id, db_inspector_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_inspector_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_err_t rc = db_step_one(db, st, "inspector");
    if (rc == DB_OK)
        inspector_read(st, out);
    db_stmt_reset(st);
    return rc;
}

static int inspector_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    db_inspector_t n;
    inspector_read(st, &n);
    return ((db_inspector_fn)c->fn)(&n, c->arg);
}

db_err_t db_inspector_list(db_t *db, const char *region, db_inspector_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_inspector_list);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, region ? region : "");
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "inspectors", inspector_row, &c);
}

db_err_t db_inspector_conflict_insert(db_t *db, int64_t inspector_id, int64_t operator_id,
                                      const char *reason, int64_t at)
{
    db_stmt_t *st = db_stmt(db, &q_conflict_count);
    int64_t n = 0;
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, inspector_id);
    db_bind_int(st, 2, operator_id);
    db_err_t rc = db_query_int(db, st, "conflict", &n);
    if (rc != DB_OK)
        return rc;
    if (n > 0)
        return db_fail(db, DB_EEXISTS, "that conflict is declared already");
    if (!(st = db_stmt(db, &q_conflict_insert)))
        return DB_EIO;
    db_bind_int(st, 1, inspector_id);
    db_bind_int(st, 2, operator_id);
    db_bind_text(st, 3, reason);
    db_bind_int(st, 4, at);
    return db_step_done(db, st, "insert conflict");
}

static int conflict_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    return ((db_conflict_fn)c->fn)(db_col_int(st, 0), db_col_int(st, 1), db_col_str(st, 2), c->arg);
}

db_err_t db_inspector_conflicts(db_t *db, const char *region, db_conflict_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_conflicts);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, region ? region : "");
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "conflicts", conflict_row, &c);
}

/* --- draws -------------------------------------------------------------------------------- */

static db_query_t q_draw_insert =
    DB_QUERY("INSERT INTO inspection_draw (at, actor, office, year, plan, population, seed, "
             "result) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
             1);
static db_query_t q_draw_list =
    DB_QUERY("SELECT id, at, actor, office, year, plan, population, seed, result "
             "FROM inspection_draw WHERE (?1 = 0 OR id = ?1) "
             "AND (substr(office, 1, length(?2)) = ?2 OR (office = '' AND length(?2) <= 2)) "
             "ORDER BY id DESC LIMIT ?3 OFFSET ?4",
             9);

db_err_t db_draw_insert(db_t *db, const db_draw_t *d, int64_t *id)
{
    db_stmt_t *st = db_stmt(db, &q_draw_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, d->at);
    db_bind_text(st, 2, d->actor);
    db_bind_text(st, 3, d->office);
    db_bind_int(st, 4, d->year);
    db_bind_text(st, 5, d->plan);
    db_bind_text(st, 6, d->population);
    db_bind_text(st, 7, d->seed);
    db_bind_text(st, 8, d->result);
    return db_insert_id(db, st, "insert draw", id);
}

static int draw_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    db_draw_t d = {.id = db_col_int(st, 0),
                   .at = db_col_int(st, 1),
                   .actor = db_col_str(st, 2),
                   .office = db_col_str(st, 3),
                   .year = db_col_int(st, 4),
                   .plan = db_col_str(st, 5),
                   .population = db_col_str(st, 6),
                   .seed = db_col_str(st, 7),
                   .result = db_col_str(st, 8)};
    return ((db_draw_fn)c->fn)(&d, c->arg);
}

db_err_t db_draw_list(db_t *db, int64_t id, const char *region, db_page_t page, db_draw_fn fn,
                      void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_draw_list);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, region ? region : "");
    db_bind_page(st, 3, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "draws", draw_row, &c);
}

/* --- inspections ---------------------------------------------------------------------------- */

#define INSPECTION_COLUMNS                                                                         \
    "i.id, coalesce(i.draw_id, 0), i.operator_id, coalesce(i.product_id, 0), i.office, i.body, "   \
    "i.inspected_on, i.mark_uscc, i.scope_use, i.raw_material, i.standard, i.label_records, "      \
    "i.transfer, i.result, i.rectify_by, i.note, i.created_at, i.actor, "                          \
    "coalesce(i.published_at, 0), o.name, o.uscc, o.region_code, coalesce(p.name_zh, '') "
#define INSPECTION_NCOLUMNS 23
#define INSPECTION_FROM                                                                            \
    "FROM inspection i JOIN operator o ON o.id = i.operator_id "                                   \
    "LEFT JOIN product p ON p.id = i.product_id "
static db_query_t q_inspection_insert = DB_QUERY(
    "INSERT INTO inspection (draw_id, operator_id, product_id, office, body, inspected_on, "
    "mark_uscc, scope_use, raw_material, standard, label_records, transfer, result, rectify_by, "
    "note, created_at, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
    "?14, ?15, ?16, ?17) RETURNING id",
    1);
static db_query_t q_inspection_inspector_insert =
    DB_QUERY("INSERT INTO inspection_inspector (inspection_id, inspector_id) VALUES (?1, ?2)", 0);
static db_query_t q_inspection_get =
    DB_QUERY("SELECT " INSPECTION_COLUMNS INSPECTION_FROM "WHERE i.id = ?1", INSPECTION_NCOLUMNS);
static db_query_t q_inspection_list =
    DB_QUERY("SELECT " INSPECTION_COLUMNS INSPECTION_FROM
             "WHERE substr(o.region_code, 1, length(?1)) = ?1 AND (?2 = 0 OR i.operator_id = ?2) "
             "AND (?3 = '' OR i.inspected_on >= ?3) AND (?4 = '' OR i.inspected_on <= ?4) "
             "ORDER BY i.inspected_on, i.id LIMIT ?5 OFFSET ?6",
             INSPECTION_NCOLUMNS);
static db_query_t q_inspection_published =
    DB_QUERY("UPDATE inspection SET published_at = ?2 WHERE id = ?1 AND published_at IS NULL", 0);
static db_query_t q_inspection_inspectors =
    DB_QUERY("SELECT " INSPECTOR_COLUMNS "FROM inspection_inspector x "
             "JOIN inspector n ON n.id = x.inspector_id WHERE x.inspection_id = ?1 ORDER BY n.id",
             INSPECTOR_NCOLUMNS);

db_err_t db_inspection_insert(db_t *db, db_inspection_t *in)
{
    db_stmt_t *st = db_stmt(db, &q_inspection_insert);
    if (!st)
        return DB_EIO;
    if (in->draw_id)
        db_bind_int(st, 1, in->draw_id);
    else
        db_bind_text_or_null(st, 1, NULL);
    db_bind_int(st, 2, in->operator_id);
    if (in->product_id)
        db_bind_int(st, 3, in->product_id);
    else
        db_bind_text_or_null(st, 3, NULL);
    db_bind_text(st, 4, in->office);
    db_bind_text(st, 5, in->body);
    db_bind_text(st, 6, in->inspected_on);
    for (int i = 0; i < DB_CHECKS; i++)
        db_bind_text(st, 7 + i, in->checks[i]);
    db_bind_text(st, 13, in->result);
    db_bind_text(st, 14, in->rectify_by);
    db_bind_text(st, 15, in->note);
    db_bind_int(st, 16, in->created_at);
    db_bind_text(st, 17, in->actor);
    return db_insert_id(db, st, "insert inspection", &in->id);
}

db_err_t db_inspection_add_inspector(db_t *db, int64_t inspection_id, int64_t inspector_id)
{
    db_stmt_t *st = db_stmt(db, &q_inspection_inspector_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, inspection_id);
    db_bind_int(st, 2, inspector_id);
    return db_step_done(db, st, "insert inspection inspector");
}

static void inspection_read(db_stmt_t *st, db_inspection_t *in)
{
    memset(in, 0, sizeof *in);
    int i = 0;
    in->id = db_col_int(st, i++);
    in->draw_id = db_col_int(st, i++);
    in->operator_id = db_col_int(st, i++);
    in->product_id = db_col_int(st, i++);
    db_col_text(st, i++, in->office, sizeof in->office);
    db_col_text(st, i++, in->body, sizeof in->body);
    db_col_text(st, i++, in->inspected_on, sizeof in->inspected_on);
    for (int k = 0; k < DB_CHECKS; k++)
        db_col_text(st, i++, in->checks[k], sizeof in->checks[k]);
    db_col_text(st, i++, in->result, sizeof in->result);
    db_col_text(st, i++, in->rectify_by, sizeof in->rectify_by);
    db_col_text(st, i++, in->note, sizeof in->note);
    in->created_at = db_col_int(st, i++);
    db_col_text(st, i++, in->actor, sizeof in->actor);
    in->published_at = db_col_int(st, i++);
    db_col_text(st, i++, in->operator_name, sizeof in->operator_name);
    db_col_text(st, i++, in->operator_uscc, sizeof in->operator_uscc);
    db_col_text(st, i++, in->operator_region, sizeof in->operator_region);
    db_col_text(st, i++, in->product_name, sizeof in->product_name);
    assert(i == INSPECTION_NCOLUMNS);
}

db_err_t db_inspection_get(db_t *db, int64_t id, db_inspection_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_inspection_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_err_t rc = db_step_one(db, st, "inspection");
    if (rc == DB_OK)
        inspection_read(st, out);
    db_stmt_reset(st);
    return rc;
}

static int inspection_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    db_inspection_t in;
    inspection_read(st, &in);
    return ((db_inspection_fn)c->fn)(&in, c->arg);
}

db_err_t db_inspection_list(db_t *db, const char *region, int64_t operator_id,
                            const char *from_date, const char *to_date, db_page_t page,
                            db_inspection_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_inspection_list);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, region ? region : "");
    db_bind_int(st, 2, operator_id);
    db_bind_text(st, 3, from_date ? from_date : "");
    db_bind_text(st, 4, to_date ? to_date : "");
    db_bind_page(st, 5, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "inspections", inspection_row, &c);
}

db_err_t db_inspection_set_published(db_t *db, int64_t id, int64_t at)
{
    db_stmt_t *st = db_stmt(db, &q_inspection_published);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, at);
    return db_step_done(db, st, "publish inspection");
}

db_err_t db_inspection_inspectors(db_t *db, int64_t inspection_id, db_inspector_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_inspection_inspectors);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, inspection_id);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "inspection inspectors", inspector_row, &c);
}

/* --- evidence ------------------------------------------------------------------------------- */

static db_query_t q_evidence_insert =
    DB_QUERY("INSERT INTO inspection_evidence (inspection_id, name, content_type, size, data, at, "
             "actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
             1);
static db_query_t q_evidence_list =
    DB_QUERY("SELECT id, inspection_id, name, content_type, size, at, actor "
             "FROM inspection_evidence WHERE inspection_id = ?1 ORDER BY id",
             7);
static db_query_t q_evidence_get =
    DB_QUERY("SELECT id, inspection_id, name, content_type, size, at, actor, data "
             "FROM inspection_evidence WHERE id = ?1",
             8);

db_err_t db_evidence_insert(db_t *db, db_evidence_t *e, const void *data)
{
    db_stmt_t *st = db_stmt(db, &q_evidence_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, e->inspection_id);
    db_bind_text(st, 2, e->name);
    db_bind_text(st, 3, e->content_type);
    db_bind_int(st, 4, e->size);
    db_bind_blob(st, 5, data, (size_t)e->size);
    db_bind_int(st, 6, e->at);
    db_bind_text(st, 7, e->actor);
    return db_insert_id(db, st, "insert evidence", &e->id);
}

static void evidence_read(db_stmt_t *st, db_evidence_t *e)
{
    memset(e, 0, sizeof *e);
    e->id = db_col_int(st, 0);
    e->inspection_id = db_col_int(st, 1);
    db_col_text(st, 2, e->name, sizeof e->name);
    db_col_text(st, 3, e->content_type, sizeof e->content_type);
    e->size = db_col_int(st, 4);
    e->at = db_col_int(st, 5);
    db_col_text(st, 6, e->actor, sizeof e->actor);
}

static int evidence_row(db_stmt_t *st, void *arg)
{
    db_list_ctx_t *c = arg;
    db_evidence_t e;
    evidence_read(st, &e);
    return ((db_evidence_fn)c->fn)(&e, c->arg);
}

db_err_t db_evidence_list(db_t *db, int64_t inspection_id, db_evidence_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_evidence_list);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, inspection_id);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "evidence", evidence_row, &c);
}

db_err_t db_evidence_get(db_t *db, int64_t id, db_evidence_t *e, void *data, size_t cap)
{
    db_stmt_t *st = db_stmt(db, &q_evidence_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_err_t rc = db_step_one(db, st, "evidence");
    if (rc == DB_OK) {
        evidence_read(st, e);
        db_col_blob(st, 7, data, cap);
    }
    db_stmt_reset(st);
    return rc;
}
