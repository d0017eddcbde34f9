/*
 * view.c - reads narrowed by gi/access.
 */
#include "gi/view.h"

#include <stdio.h>
#include <string.h>

static int is_operator(const db_account_t *a)
{
    return strcmp(a->role, "operator") == 0;
}

/* What account a may see, as a list filter, combined with what was asked. */
static db_filter_t visible_filter(const db_account_t *a, const db_filter_t *narrow)
{
    db_filter_t f = narrow ? *narrow : (db_filter_t){0};
    if (is_operator(a)) {
        int64_t own = a->operator_id > 0 ? a->operator_id : -1;
        f.operator_id = f.operator_id == 0 || f.operator_id == own ? own : -1;
        f.region = "";
    } else {
        f.region = a->region_scope;
    }
    return f;
}

/* Refuses a disabled or role-less account before it lists anything. */
static gi_err_t may_read(const db_account_t *a, gi_error_t *err)
{
    gi_subject_t own = {"", a->operator_id};
    gi_err_t rc = gi_access(a, GI_ACT_READ, &own, err);
    return rc == GI_ENOTFOUND ? GI_OK : rc;
}

gi_err_t gi_view_filter(const db_account_t *a, db_filter_t *out, gi_error_t *err)
{
    gi_err_t rc = may_read(a, err);
    *out = visible_filter(a, NULL);
    return rc;
}

gi_err_t gi_subject_of_operator(const gi_ctx_t *ctx, int64_t operator_id, gi_subject_t *s,
                                char region[8], gi_error_t *err)
{
    db_operator_t o;
    db_err_t rc = db_operator_get(ctx->db, operator_id, &o);
    if (rc != DB_OK)
        return gi_db_fail(ctx->db, rc, err);
    snprintf(region, 8, "%s", o.region_code);
    s->region_code = region;
    s->operator_id = operator_id;
    return GI_OK;
}

gi_err_t gi_view_products(const gi_ctx_t *ctx, const db_account_t *a, db_page_t page,
                          db_product_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = may_read(a, err);
    if (rc != GI_OK)
        return rc;
    /* the register of products is public to operators */
    db_filter_t f = {.region = is_operator(a) ? "" : a->region_scope};
    return gi_db_fail(ctx->db, db_product_list(ctx->db, &f, page, fn, arg), err);
}

gi_err_t gi_view_operators(const gi_ctx_t *ctx, const db_account_t *a, db_page_t page,
                           db_operator_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = may_read(a, err);
    if (rc != GI_OK)
        return rc;
    db_filter_t f = visible_filter(a, NULL);
    return gi_db_fail(ctx->db, db_operator_list(ctx->db, &f, page, fn, arg), err);
}

gi_err_t gi_view_auths(const gi_ctx_t *ctx, const db_account_t *a, const db_filter_t *narrow,
                       db_page_t page, db_auth_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = may_read(a, err);
    if (rc != GI_OK)
        return rc;
    db_filter_t f = visible_filter(a, narrow);
    return gi_db_fail(ctx->db, db_auth_list(ctx->db, &f, page, fn, arg), err);
}

gi_err_t gi_view_batches(const gi_ctx_t *ctx, const db_account_t *a, const db_filter_t *narrow,
                         db_page_t page, db_batch_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = may_read(a, err);
    if (rc != GI_OK)
        return rc;
    db_filter_t f = visible_filter(a, narrow);
    return gi_db_fail(ctx->db, db_batch_list(ctx->db, &f, page, fn, arg), err);
}

/* A record that is missing reads the same as one the account may not see. */
static gi_err_t not_found(gi_error_t *err, const char *what, int64_t id)
{
    return gi_fail(err, GI_ENOTFOUND, "no %s %lld", what, (long long)id);
}

static gi_err_t check_read(const db_account_t *a, const gi_subject_t *s, const char *what,
                           int64_t id, gi_error_t *err)
{
    gi_err_t rc = gi_access(a, GI_ACT_READ, s, err);
    return rc == GI_ENOTFOUND ? not_found(err, what, id) : rc;
}

gi_err_t gi_view_product(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, db_product_t *out,
                         gi_error_t *err)
{
    db_err_t drc = db_product_get(ctx->db, id, out);
    if (drc == DB_ENOTFOUND)
        return not_found(err, "product", id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    gi_subject_t s = {out->region_code, 0};
    return check_read(a, &s, "product", id, err);
}

gi_err_t gi_view_product_to_edit(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                                 db_product_t *out, gi_error_t *err)
{
    gi_err_t rc = gi_view_product(ctx, a, id, out, err);
    if (rc == GI_OK) {
        gi_subject_t now = {out->region_code, 0};
        rc = gi_access(a, GI_ACT_REGISTER, &now, err);
    }
    return rc;
}

gi_err_t gi_view_operator(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                          db_operator_t *out, gi_error_t *err)
{
    db_err_t drc = db_operator_get(ctx->db, id, out);
    if (drc == DB_ENOTFOUND)
        return not_found(err, "operator", id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    gi_subject_t s = {out->region_code, out->id};
    return check_read(a, &s, "operator", id, err);
}

/* Reads as a by way of the operator whose record it is. */
static gi_err_t check_operator_read(const gi_ctx_t *ctx, const db_account_t *a, int64_t operator_id,
                                    const char *what, int64_t id, gi_error_t *err)
{
    char region[8];
    gi_subject_t s;
    gi_err_t rc = gi_subject_of_operator(ctx, operator_id, &s, region, err);
    if (rc != GI_OK)
        return rc;
    return check_read(a, &s, what, id, err);
}

gi_err_t gi_view_auth(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, db_auth_t *out,
                      gi_error_t *err)
{
    db_err_t drc = db_auth_get(ctx->db, id, out);
    if (drc == DB_ENOTFOUND)
        return not_found(err, "authorisation", id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    return check_operator_read(ctx, a, out->operator_id, "authorisation", id, err);
}

gi_err_t gi_view_batch(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, db_batch_t *out,
                       gi_error_t *err)
{
    db_err_t drc = db_batch_get(ctx->db, id, out);
    if (drc == DB_ENOTFOUND)
        return not_found(err, "batch", id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    return check_operator_read(ctx, a, out->operator_id, "batch", id, err);
}

gi_err_t gi_view_reports(const gi_ctx_t *ctx, const db_account_t *a, const char *status,
                         db_page_t page, db_report_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = may_read(a, err);
    if (rc != GI_OK)
        return rc;
    db_filter_t f = visible_filter(a, NULL);
    return gi_db_fail(ctx->db, db_report_list(ctx->db, &f, status, page, fn, arg), err);
}

gi_err_t gi_view_report(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, db_report_t *out,
                        gi_error_t *err)
{
    db_err_t drc = db_report_get(ctx->db, id, out);
    if (drc == DB_ENOTFOUND)
        return not_found(err, "report", id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    /* a report on a code that names no label is nobody's: it goes to the
     * province's (or the nation's) regulators */
    if (out->operator_id == 0) {
        if (is_operator(a) || strlen(a->region_scope) > 2)
            return not_found(err, "report", id);
        return may_read(a, err);
    }
    gi_subject_t s = {out->region_code, out->operator_id};
    return check_read(a, &s, "report", id, err);
}

static gi_err_t may_oversee(const db_account_t *a, gi_error_t *err)
{
    gi_subject_t s = {a->region_scope, 0};
    return gi_access(a, GI_ACT_OVERSEE, &s, err);
}

gi_err_t gi_view_stats(const gi_ctx_t *ctx, const db_account_t *a, db_stats_t *out, gi_error_t *err)
{
    char today[GI_DATE_LEN + 1];
    gi_err_t rc = may_oversee(a, err);
    if (rc != GI_OK)
        return rc;
    gi_date_of(ctx->now, today);
    return gi_db_fail(ctx->db, db_stats(ctx->db, today, a->region_scope, out), err);
}

gi_err_t gi_view_audit(const gi_ctx_t *ctx, const db_account_t *a, db_page_t page, db_audit_fn fn,
                       void *arg, gi_error_t *err)
{
    gi_err_t rc = may_oversee(a, err);
    if (rc != GI_OK)
        return rc;
    db_filter_t f = {.region = a->region_scope};
    return gi_db_fail(ctx->db, db_audit_list(ctx->db, &f, page, fn, arg), err);
}

gi_err_t gi_view_audit_verify(const gi_ctx_t *ctx, const db_account_t *a, gi_audit_report_t *out,
                              gi_error_t *err)
{
    gi_err_t rc = may_oversee(a, err);
    return rc == GI_OK ? gi_audit_verify(ctx->db, out, err) : rc;
}

gi_err_t gi_view_figure(const gi_ctx_t *ctx, const db_account_t *a, gi_figure_t which,
                        int64_t since, db_tally_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = may_oversee(a, err);
    if (rc != GI_OK)
        return rc;
    const char *r = a->region_scope;
    char today[GI_DATE_LEN + 1];
    gi_date_of(ctx->now, today);
    if (which == GI_FIGURE_FIRST_USE)
        return gi_db_fail(ctx->db, db_first_use_per_month(ctx->db, r, fn, arg), err);
    if (which == GI_FIGURE_USING_BY_CITY)
        return gi_db_fail(ctx->db, db_using_by_city(ctx->db, today, r, fn, arg), err);
    if (which == GI_FIGURE_USING_BY_PRODUCT)
        return gi_db_fail(ctx->db, db_using_by_product(ctx->db, today, r, fn, arg), err);
    db_err_t drc = which == GI_FIGURE_SCANS_PER_DAY ? db_scans_per_day(ctx->db, since, r, fn, arg)
                   : which == GI_FIGURE_VERDICTS    ? db_verdict_mix(ctx->db, since, r, fn, arg)
                                                 : db_labels_per_month(ctx->db, since, r, fn, arg);
    return gi_db_fail(ctx->db, drc, err);
}

gi_err_t gi_view_anomalies(const gi_ctx_t *ctx, const db_account_t *a, gi_anomaly_t kind,
                           int64_t since, db_page_t page, db_tally_fn fn, void *arg,
                           gi_error_t *err)
{
    gi_err_t rc = may_oversee(a, err);
    if (rc != GI_OK)
        return rc;
    const char *r = a->region_scope;
    db_err_t drc;
    if (kind == GI_ANOMALY_UNKNOWN)
        drc = db_unknown_inputs(ctx->db, since, r, page, fn, arg);
    else if (kind == GI_ANOMALY_REPEATED)
        drc = db_repeated_codes(ctx->db, since, r, page, fn, arg);
    else
        drc = db_suspect_scans(ctx->db, since, r, page, fn, arg);
    return gi_db_fail(ctx->db, drc, err);
}
