/*
 * batch.h - label batches: request, decision, issuance of serial codes,
 * activation and voiding.
 *
 *     requested --approve--> approved --issue--> issued --activate--> activated
 *     requested --reject--> rejected
 *     issued | activated --void--> voided        (single labels can be voided too)
 *
 * Issuance creates every code of the batch in one transaction: all or none.
 * A batch requested by one account is approved by another.
 * The yearly quota of the authorisation counts at request (with the requests
 * still open) and again at issuance (with what was issued that year).
 */
#ifndef GI_BATCH_H
#define GI_BATCH_H

#include "gi/code.h"
#include "gi/gi.h"

#define GI_BATCH_MAX 10000000 /* labels in one batch */

typedef struct {
    int64_t auth_id;
    int64_t count;
    const char *lot_number;
    const char *harvest_date; /* YYYY-MM-DD or "" */
    const char *production_base;
    const char *inspection_cert;
} gi_batch_request_t;

/* Where issuance draws its codes from; the default is gi_code_generate(). */
typedef gi_err_t (*gi_code_source_fn)(gi_code_t *out, size_t n, void *arg, gi_error_t *err);
typedef void (*gi_progress_fn)(int64_t done, int64_t total, void *arg);

typedef struct {
    gi_progress_fn progress; /* may be NULL */
    void *progress_arg;
    gi_code_source_fn source; /* NULL: the OS CSPRNG */
    void *source_arg;
} gi_issue_opts_t;

/* The checks of a request that need no database: count, texts, date. */
gi_err_t gi_batch_request_check(const gi_batch_request_t *in, gi_error_t *err);
/* The check of a decision's note (required to reject) and of a void's
 * reason (required), as gi_batch_decide and gi_batch_void* make them. */
gi_err_t gi_batch_note_check(int approve, const char *note, gi_error_t *err);
gi_err_t gi_batch_reason_check(const char *reason, gi_error_t *err);

/* Records a request for labels under an approved authorisation. */
gi_err_t gi_batch_request(const gi_ctx_t *ctx, const gi_batch_request_t *in, db_batch_t *out,
                          gi_error_t *err);
/* The regulator's decision on a requested batch; a note is required to reject.
 * Nobody approves a batch they requested (four eyes): approving is
 * GI_EFORBIDDEN when ctx->actor is the batch's requested_by ("user:NAME" for
 * an account, the CLI's --actor, default "cli:$USER"). */
gi_err_t gi_batch_decide(const gi_ctx_t *ctx, int64_t id, int approve, const char *note,
                         db_batch_t *out, gi_error_t *err);
/* Creates the batch's codes (opts may be NULL) and keeps with the batch the
 * GTIN its product has now: the GTIN its labels carry for good. */
gi_err_t gi_batch_issue(const gi_ctx_t *ctx, int64_t id, const gi_issue_opts_t *opts,
                        db_batch_t *out, gi_error_t *err);
/* Marks an issued batch as applied to product: its codes verify as genuine. */
gi_err_t gi_batch_activate(const gi_ctx_t *ctx, int64_t id, db_batch_t *out, gi_error_t *err);
/* Voids a whole batch. */
gi_err_t gi_batch_void(const gi_ctx_t *ctx, int64_t id, const char *reason, db_batch_t *out,
                       gi_error_t *err);
/* Voids the listed codes (misprints) of a batch: all of them or none; a code
 * that is malformed, not in the batch or voided already refuses the lot. */
gi_err_t gi_batch_void_codes(const gi_ctx_t *ctx, int64_t id, const char *const *codes, size_t n,
                             const char *reason, gi_error_t *err);
gi_err_t gi_batch_get(const gi_ctx_t *ctx, int64_t id, db_batch_t *out, gi_error_t *err);

/* Labels of authorisation a counted against this year's quota: issued ones
 * and those still requested or approved. */
gi_err_t gi_quota_used(const gi_ctx_t *ctx, const db_auth_t *a, int64_t *used, gi_error_t *err);

/* The status of a label of batch b: "void", "active" or "issued". */
const char *gi_label_status(const db_batch_t *b, int label_voided);

#endif
