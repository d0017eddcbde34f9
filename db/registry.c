/*
 * registry.c - products, operators and the authorisations between them.
 */
#include "db/db.h"
#include "db/engine.h"
#include "db/records.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static db_query_t q_product_insert = DB_QUERY(
    "INSERT INTO product (name_zh, name_en, regime, reg_number, region_code, "
    "standard, gtin, status, created_at) VALUES (?,?,?,?,?,?,nullif(?, ''),?,?) RETURNING id",
    1);
static db_query_t q_product_get =
    DB_QUERY("SELECT " PRODUCT_COLUMNS "FROM product p WHERE p.id = ?", PRODUCT_NCOLUMNS);
static db_query_t q_product_list =
    DB_QUERY("SELECT " PRODUCT_COLUMNS "FROM product p "
             "WHERE substr(p.region_code, 1, length(?1)) = ?1 ORDER BY p.id LIMIT ?2 OFFSET ?3",
             PRODUCT_NCOLUMNS);
static db_query_t q_product_update =
    DB_QUERY("UPDATE product SET name_zh = ?, name_en = ?, regime = ?, reg_number = ?, "
             "region_code = ?, standard = ?, gtin = nullif(?, '') WHERE id = ?",
             0);
static db_query_t q_operator_update =
    DB_QUERY("UPDATE operator SET name = ?, kind = ?, region_code = ?, contact = ? "
             "WHERE id = ?",
             0);
static db_query_t q_operator_insert =
    DB_QUERY("INSERT INTO operator (uscc, name, kind, region_code, contact, status, "
             "uscc_override, created_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
             1);
static db_query_t q_operator_get =
    DB_QUERY("SELECT " OPERATOR_COLUMNS "FROM operator o WHERE o.id = ?", OPERATOR_NCOLUMNS);
static db_query_t q_operator_find_uscc =
    DB_QUERY("SELECT " OPERATOR_COLUMNS "FROM operator o WHERE o.uscc = ?", OPERATOR_NCOLUMNS);
static db_query_t q_operator_list =
    DB_QUERY("SELECT " OPERATOR_COLUMNS "FROM operator o WHERE (?1 = 0 OR o.id = ?1) AND "
             "substr(o.region_code, 1, length(?2)) = ?2 ORDER BY o.id LIMIT ?3 OFFSET ?4",
             OPERATOR_NCOLUMNS);
static db_query_t q_auth_insert =
    DB_QUERY("INSERT INTO authorisation (operator_id, product_id, status, valid_from, "
             "valid_until, yearly_quota, approval_doc, created_at, approved_at) "
             "VALUES (?,?,?,?,?,?,?,?,nullif(?, 0)) RETURNING id",
             1);
static db_query_t q_auth_get =
    DB_QUERY("SELECT " AUTH_COLUMNS AUTH_FROM "WHERE a.id = ?", AUTH_NCOLUMNS);
static db_query_t q_auth_set_status =
    DB_QUERY("UPDATE authorisation SET status = ?, status_at = ?, "
             "approved_at = coalesce(nullif(?, 0), approved_at), "
             "approval_doc = coalesce(?, approval_doc) WHERE id = ?",
             0);
static db_query_t q_auth_event_insert =
    DB_QUERY("INSERT INTO auth_event (auth_id, from_status, to_status, actor, at, "
             "reason) VALUES (?,?,?,?,?,?)",
             0);
static db_query_t q_auth_list =
    DB_QUERY("SELECT " AUTH_COLUMNS AUTH_FROM "WHERE (?1 = 0 OR a.operator_id = ?1) "
             "AND (?2 = 0 OR a.product_id = ?2) "
             "AND substr(o.region_code, 1, length(?3)) = ?3 "
             "ORDER BY a.id LIMIT ?4 OFFSET ?5",
             AUTH_NCOLUMNS);
static db_query_t q_auth_count_live =
    DB_QUERY("SELECT count(*) FROM authorisation WHERE operator_id = ? AND "
             "product_id = ? AND status <> 'revoked'",
             1);

/* --- products -------------------------------------------------------------- */

db_err_t db_product_insert(db_t *db, db_product_t *p)
{
    db_stmt_t *st = db_stmt(db, &q_product_insert);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, p->name_zh);
    db_bind_text(st, 2, p->name_en);
    db_bind_text(st, 3, p->regime);
    db_bind_text(st, 4, p->reg_number);
    db_bind_text(st, 5, p->region_code);
    db_bind_text(st, 6, p->standard);
    db_bind_text(st, 7, p->gtin);
    db_bind_text(st, 8, p->status);
    db_bind_int(st, 9, p->created_at);
    return db_insert_id(db, st, "insert product", &p->id);
}

int db_product_read(db_stmt_t *st, int c, db_product_t *p)
{
    memset(p, 0, sizeof *p);
    int i = c;
    p->id = db_col_int(st, i++);
    db_col_text(st, i++, p->name_zh, sizeof p->name_zh);
    db_col_text(st, i++, p->name_en, sizeof p->name_en);
    db_col_text(st, i++, p->regime, sizeof p->regime);
    db_col_text(st, i++, p->reg_number, sizeof p->reg_number);
    db_col_text(st, i++, p->region_code, sizeof p->region_code);
    db_col_text(st, i++, p->standard, sizeof p->standard);
    db_col_text(st, i++, p->gtin, sizeof p->gtin);
    db_col_text(st, i++, p->status, sizeof p->status);
    p->created_at = db_col_int(st, i++);
    db_col_text(st, i++, p->name_vi, sizeof p->name_vi);
    db_col_text(st, i++, p->name_th, sizeof p->name_th);
    p->photo_at = db_col_int(st, i++);
    db_col_text(st, i++, p->unnumbered_reason, sizeof p->unnumbered_reason);
    db_col_text(st, i++, p->unnumbered_by, sizeof p->unnumbered_by);
    p->unnumbered_at = db_col_int(st, i++);
    assert(i - c == PRODUCT_NCOLUMNS);
    return i;
}

db_err_t db_product_get(db_t *db, int64_t id, db_product_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_product_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_err_t rc = db_step_one(db, st, "product");
    if (rc == DB_OK)
        db_product_read(st, 0, out);
    db_stmt_reset(st);
    return rc;
}

static int product_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_product_t p;
    db_product_read(st, 0, &p);
    return ((db_product_fn)c->fn)(&p, c->arg);
}

db_err_t db_product_list(db_t *db, const db_filter_t *f, db_page_t page, db_product_fn fn,
                         void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_product_list);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, f ? f->region : "");
    db_bind_page(st, 2, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list products", product_row, &c);
}

db_err_t db_product_update(db_t *db, const db_product_t *p)
{
    db_stmt_t *st = db_stmt(db, &q_product_update);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, p->name_zh);
    db_bind_text(st, 2, p->name_en);
    db_bind_text(st, 3, p->regime);
    db_bind_text(st, 4, p->reg_number);
    db_bind_text(st, 5, p->region_code);
    db_bind_text(st, 6, p->standard);
    db_bind_text(st, 7, p->gtin);
    db_bind_int(st, 8, p->id);
    db_err_t rc = db_step_done(db, st, "update product");
    if (rc == DB_EEXISTS) /* the one unique column an update can collide on */
        return db_fail(db, DB_EEXISTS, "GTIN %s is already used by another product", p->gtin);
    return rc;
}

/* --- operators ------------------------------------------------------------- */

db_err_t db_operator_insert(db_t *db, db_operator_t *o)
{
    db_stmt_t *st = db_stmt(db, &q_operator_insert);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, o->uscc);
    db_bind_text(st, 2, o->name);
    db_bind_text(st, 3, o->kind);
    db_bind_text(st, 4, o->region_code);
    db_bind_text(st, 5, o->contact);
    db_bind_text(st, 6, o->status);
    db_bind_text(st, 7, o->uscc_override);
    db_bind_int(st, 8, o->created_at);
    return db_insert_id(db, st, "insert operator", &o->id);
}

int db_operator_read(db_stmt_t *st, int c, db_operator_t *o)
{
    memset(o, 0, sizeof *o);
    int i = c;
    o->id = db_col_int(st, i++);
    db_col_text(st, i++, o->uscc, sizeof o->uscc);
    db_col_text(st, i++, o->name, sizeof o->name);
    db_col_text(st, i++, o->kind, sizeof o->kind);
    db_col_text(st, i++, o->region_code, sizeof o->region_code);
    db_col_text(st, i++, o->contact, sizeof o->contact);
    db_col_text(st, i++, o->status, sizeof o->status);
    db_col_text(st, i++, o->uscc_override, sizeof o->uscc_override);
    o->created_at = db_col_int(st, i++);
    assert(i - c == OPERATOR_NCOLUMNS);
    return i;
}

static db_err_t operator_one(db_t *db, db_stmt_t *st, db_operator_t *out)
{
    db_err_t rc = db_step_one(db, st, "operator");
    if (rc == DB_OK)
        db_operator_read(st, 0, out);
    db_stmt_reset(st);
    return rc;
}

db_err_t db_operator_get(db_t *db, int64_t id, db_operator_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_operator_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    return operator_one(db, st, out);
}

db_err_t db_operator_find_uscc(db_t *db, const char *uscc, db_operator_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_operator_find_uscc);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, uscc);
    return operator_one(db, st, out);
}

static int operator_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_operator_t o;
    db_operator_read(st, 0, &o);
    return ((db_operator_fn)c->fn)(&o, c->arg);
}

db_err_t db_operator_list(db_t *db, const db_filter_t *f, db_page_t page, db_operator_fn fn,
                          void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_operator_list);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, f ? f->operator_id : 0);
    db_bind_text(st, 2, f ? f->region : "");
    db_bind_page(st, 3, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list operators", operator_row, &c);
}

db_err_t db_operator_update(db_t *db, const db_operator_t *o)
{
    db_stmt_t *st = db_stmt(db, &q_operator_update);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, o->name);
    db_bind_text(st, 2, o->kind);
    db_bind_text(st, 3, o->region_code);
    db_bind_text(st, 4, o->contact);
    db_bind_int(st, 5, o->id);
    return db_step_done(db, st, "update operator");
}

/* --- authorisations ---------------------------------------------------------- */

db_err_t db_auth_insert(db_t *db, db_auth_t *a)
{
    db_stmt_t *st = db_stmt(db, &q_auth_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, a->operator_id);
    db_bind_int(st, 2, a->product_id);
    db_bind_text(st, 3, a->status);
    db_bind_text(st, 4, a->valid_from);
    db_bind_text(st, 5, a->valid_until);
    db_bind_int(st, 6, a->yearly_quota);
    db_bind_text(st, 7, a->approval_doc);
    db_bind_int(st, 8, a->created_at);
    db_bind_int(st, 9, a->approved_at);
    return db_insert_id(db, st, "insert authorisation", &a->id);
}

int db_auth_read(db_stmt_t *st, int c, db_auth_t *a)
{
    memset(a, 0, sizeof *a);
    int i = c;
    a->id = db_col_int(st, i++);
    a->operator_id = db_col_int(st, i++);
    a->product_id = db_col_int(st, i++);
    db_col_text(st, i++, a->status, sizeof a->status);
    db_col_text(st, i++, a->valid_from, sizeof a->valid_from);
    db_col_text(st, i++, a->valid_until, sizeof a->valid_until);
    a->yearly_quota = db_col_int(st, i++);
    db_col_text(st, i++, a->approval_doc, sizeof a->approval_doc);
    a->created_at = db_col_int(st, i++);
    a->approved_at = db_col_int(st, i++);
    a->last_used_at = db_col_int(st, i++);
    db_col_text(st, i++, a->operator_name, sizeof a->operator_name);
    db_col_text(st, i++, a->operator_uscc, sizeof a->operator_uscc);
    db_col_text(st, i++, a->product_name, sizeof a->product_name);
    a->status_at = db_col_int(st, i++);
    assert(i - c == AUTH_NCOLUMNS);
    return i;
}

db_err_t db_auth_get(db_t *db, int64_t id, db_auth_t *out)
{
    db_stmt_t *st = db_stmt(db, &q_auth_get);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, id);
    db_err_t rc = db_step_one(db, st, "authorisation");
    if (rc == DB_OK)
        db_auth_read(st, 0, out);
    db_stmt_reset(st);
    return rc;
}

db_err_t db_auth_set_status(db_t *db, int64_t id, const char *status, int64_t at,
                            int64_t approved_at, const char *approval_doc)
{
    db_stmt_t *st = db_stmt(db, &q_auth_set_status);
    if (!st)
        return DB_EIO;
    db_bind_text(st, 1, status);
    db_bind_int(st, 2, at);
    db_bind_int(st, 3, approved_at);
    if (approval_doc)
        db_bind_text(st, 4, approval_doc);
    db_bind_int(st, 5, id);
    db_err_t rc = db_step_done(db, st, "update authorisation");
    if (rc == DB_OK && db_changes(db) != 1)
        return db_fail(db, DB_ENOTFOUND, "authorisation %lld: not found", (long long)id);
    return rc;
}

db_err_t db_auth_event_insert(db_t *db, const db_auth_event_t *ev)
{
    db_stmt_t *st = db_stmt(db, &q_auth_event_insert);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, ev->auth_id);
    db_bind_text(st, 2, ev->from_status);
    db_bind_text(st, 3, ev->to_status);
    db_bind_text(st, 4, ev->actor);
    db_bind_int(st, 5, ev->at);
    db_bind_text(st, 6, ev->reason);
    return db_step_done(db, st, "insert authorisation event");
}

static int auth_row(db_stmt_t *st, void *ctx)
{
    db_list_ctx_t *c = ctx;
    db_auth_t a;
    db_auth_read(st, 0, &a);
    return ((db_auth_fn)c->fn)(&a, c->arg);
}

db_err_t db_auth_list(db_t *db, const db_filter_t *f, db_page_t page, db_auth_fn fn, void *arg)
{
    db_stmt_t *st = db_stmt(db, &q_auth_list);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, f ? f->operator_id : 0);
    db_bind_int(st, 2, f ? f->product_id : 0);
    db_bind_text(st, 3, f ? f->region : "");
    db_bind_page(st, 4, page);
    db_list_ctx_t c = {(void *)fn, arg};
    return db_step_rows(db, st, "list authorisations", auth_row, &c);
}

db_err_t db_auth_count_live(db_t *db, int64_t operator_id, int64_t product_id, int64_t *count)
{
    db_stmt_t *st = db_stmt(db, &q_auth_count_live);
    if (!st)
        return DB_EIO;
    db_bind_int(st, 1, operator_id);
    db_bind_int(st, 2, product_id);
    return db_query_int(db, st, "count authorisations", count);
}
