/*
 * view.h - the register as an account may see it: lists narrowed to what
 * gi/access allows, and single records checked against it. What an account
 * may not see is GI_ENOTFOUND, exactly as if it did not exist.
 *
 * Thread-safety: as gi_ctx_t (one per thread).
 */
#ifndef GI_VIEW_H
#define GI_VIEW_H

#include "gi/access.h"
#include "gi/audit.h"
#include "gi/gi.h"

/* The subject (gi/access.h) of an operator's records; region must have room
 * for a region code (8 bytes) and lives as long as s is used. */
gi_err_t gi_subject_of_operator(const gi_ctx_t *ctx, int64_t operator_id, gi_subject_t *s,
                                char region[8], gi_error_t *err);

/* What account a may see, as a list filter (an operator: its own records;
 * others: their region); GI_EREFUSED for a disabled or role-less account. */
gi_err_t gi_view_filter(const db_account_t *a, db_filter_t *out, gi_error_t *err);

/* Lists. narrow (may be NULL) asks for less: one operator, product or
 * authorisation; it never widens what the account may see. */
gi_err_t gi_view_products(const gi_ctx_t *ctx, const db_account_t *a, db_page_t page,
                          db_product_fn fn, void *arg, gi_error_t *err);
gi_err_t gi_view_operators(const gi_ctx_t *ctx, const db_account_t *a, db_page_t page,
                           db_operator_fn fn, void *arg, gi_error_t *err);
gi_err_t gi_view_auths(const gi_ctx_t *ctx, const db_account_t *a, const db_filter_t *narrow,
                       db_page_t page, db_auth_fn fn, void *arg, gi_error_t *err);
gi_err_t gi_view_batches(const gi_ctx_t *ctx, const db_account_t *a, const db_filter_t *narrow,
                         db_page_t page, db_batch_fn fn, void *arg, gi_error_t *err);

/* Consumer reports: a regulator or auditor sees those on its region's labels
 * and, with a province-wide or wider scope, those on codes that name no label
 * (likely copies); an operator sees those on its own labels. status ""
 * lists every status. */
gi_err_t gi_view_reports(const gi_ctx_t *ctx, const db_account_t *a, const char *status,
                         db_page_t page, db_report_fn fn, void *arg, gi_error_t *err);
gi_err_t gi_view_report(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, db_report_t *out,
                        gi_error_t *err);

/* Oversight (regulators and auditors; GI_EFORBIDDEN for operators): the
 * register's figures inside the account's region scope (db_stats), the
 * audit log newest first (narrowed to the account's region scope as
 * db_audit_list says), and its verification, which always walks the whole
 * chain: a row left out of a narrowed list still counts. */
gi_err_t gi_view_stats(const gi_ctx_t *ctx, const db_account_t *a, db_stats_t *out,
                       gi_error_t *err);
gi_err_t gi_view_audit(const gi_ctx_t *ctx, const db_account_t *a, db_page_t page, db_audit_fn fn,
                       void *arg, gi_error_t *err);
gi_err_t gi_view_audit_verify(const gi_ctx_t *ctx, const db_account_t *a, gi_audit_report_t *out,
                              gi_error_t *err);

typedef enum {
    GI_FIGURE_SCANS_PER_DAY,    /* key YYYY-MM-DD */
    GI_FIGURE_VERDICTS,         /* key the verdict */
    GI_FIGURE_LABELS_PER_MONTH, /* key YYYY-MM */
    GI_FIGURE_FIRST_USE,        /* key YYYY-MM: operators by the month of their first batch */
    GI_FIGURE_USING_BY_CITY,    /* key the city's code: operators using the mark today */
    GI_FIGURE_USING_BY_PRODUCT, /* key the product's name: operators using the mark today */
} gi_figure_t;

typedef enum {
    GI_ANOMALY_UNKNOWN,  /* inputs that named no label: likely copies or typos */
    GI_ANOMALY_REPEATED, /* codes scanned more often than the repeat threshold */
    GI_ANOMALY_SUSPECT,  /* scans of labels that should not be on sale */
} gi_anomaly_t;

/* Figures since a time (FIRST_USE: all time; the USING_ ones: today), for
 * charts (regulators and auditors), narrowed to
 * the account's region scope (scans of codes that name no label count only
 * for a province-wide or wider scope). */
gi_err_t gi_view_figure(const gi_ctx_t *ctx, const db_account_t *a, gi_figure_t which,
                        int64_t since, db_tally_fn fn, void *arg, gi_error_t *err);
/* Anomalies (regulators and auditors): since is a time for UNKNOWN and
 * SUSPECT; for REPEATED it is the repeat threshold. */
gi_err_t gi_view_anomalies(const gi_ctx_t *ctx, const db_account_t *a, gi_anomaly_t kind,
                           int64_t since, db_page_t page, db_tally_fn fn, void *arg,
                           gi_error_t *err);

/* Single records, when the account may see them. */
gi_err_t gi_view_product(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, db_product_t *out,
                         gi_error_t *err);
/* The product, when a may also change its register fields (names, photo,
 * the decision on printing it without a number). */
gi_err_t gi_view_product_to_edit(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                                 db_product_t *out, gi_error_t *err);
gi_err_t gi_view_operator(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                          db_operator_t *out, gi_error_t *err);
gi_err_t gi_view_auth(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, db_auth_t *out,
                      gi_error_t *err);
gi_err_t gi_view_batch(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, db_batch_t *out,
                       gi_error_t *err);

#endif
