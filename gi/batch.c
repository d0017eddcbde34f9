/*
 * batch.c - the rules for label batches and the issuance of serial codes.
 *
 * Issuance draws all the batch's randomness at once, sorts the codes and
 * inserts them in key order: measured on 10M existing labels, sorted inserts
 * are about 3.5x faster than random ones. A code already taken (by another
 * batch, or twice in this one) is replaced by a fresh one, never a failure.
 */
#include "gi/batch.h"
#include "gi/audit.h"
#include "gi/registry.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REDRAWS 1000

static int64_t year_of(int64_t now)
{
    char today[GI_DATE_LEN + 1];
    gi_date_of(now, today);
    return strtoll(today, NULL, 10);
}

const char *gi_label_status(const db_batch_t *b, int label_voided)
{
    if (label_voided || strcmp(b->status, "voided") == 0)
        return "void";
    return strcmp(b->status, "activated") == 0 ? "active" : "issued";
}

gi_err_t gi_batch_get(const gi_ctx_t *ctx, int64_t id, db_batch_t *out, gi_error_t *err)
{
    db_err_t rc = db_batch_get(ctx->db, id, out);
    if (rc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no batch with id %" PRId64, id);
    return gi_db_fail(ctx->db, rc, err);
}

/* The rule that refuses a batch under an authorisation of that status. */
static gi_rule_t auth_status_rule(const char *status)
{
    if (strcmp(status, "suspended") == 0)
        return GI_RULE_AUTHORISATION_SUSPENDED;
    if (strcmp(status, "revoked") == 0)
        return GI_RULE_AUTHORISATION_REVOKED;
    if (strcmp(status, "expired") == 0)
        return GI_RULE_AUTHORISATION_EXPIRED;
    if (strcmp(status, "pending") == 0)
        return GI_RULE_AUTHORISATION_PENDING;
    return GI_RULE_AUTHORISATION_STATUS;
}

/* Refuses unless the authorisation is approved and in force today. */
static gi_err_t auth_in_force(const gi_ctx_t *ctx, int64_t auth_id, const char *doing, db_auth_t *a,
                              gi_error_t *err)
{
    char today[GI_DATE_LEN + 1];
    gi_err_t rc = gi_auth_get(ctx, auth_id, a, err);
    if (rc != GI_OK)
        return rc;
    gi_date_of(ctx->now, today);
    const char *status = gi_auth_status(a, today);
    if (strcmp(status, "approved") != 0)
        return gi_fail_rule(err, GI_EREFUSED, auth_status_rule(status),
                            "cannot %s: authorisation %" PRId64 " is %s", doing, auth_id, status);
    if (strcmp(today, a->valid_from) < 0)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_AUTHORISATION_NOT_YET_VALID,
                            "cannot %s: authorisation %" PRId64 " is valid only from %s", doing,
                            auth_id, a->valid_from);
    return GI_OK;
}

/* Refuses when count more labels would exceed the yearly quota. */
static gi_err_t quota_allows(const gi_ctx_t *ctx, const db_auth_t *a, int64_t year, int64_t count,
                             int pending_too, gi_error_t *err)
{
    int64_t used = 0;
    db_err_t drc = db_quota_used(ctx->db, a->id, year, pending_too, &used);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if (used + count > a->yearly_quota)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_QUOTA_EXCEEDED,
                            "over quota: authorisation %" PRId64 " allows %" PRId64
                            " labels in %" PRId64 ", %" PRId64 " are already %s, %" PRId64
                            " more asked for",
                            a->id, a->yearly_quota, year, used,
                            pending_too ? "issued or requested" : "issued", count);
    return GI_OK;
}

gi_err_t gi_quota_used(const gi_ctx_t *ctx, const db_auth_t *a, int64_t *used, gi_error_t *err)
{
    return gi_db_fail(ctx->db, db_quota_used(ctx->db, a->id, year_of(ctx->now), 1, used), err);
}

gi_err_t gi_batch_request_check(const gi_batch_request_t *in, gi_error_t *err)
{
    gi_err_t rc;
    if (in->count < 1 || in->count > GI_BATCH_MAX)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_BATCH_COUNT_RANGE,
                            "a batch holds from 1 to %d labels, not %" PRId64, GI_BATCH_MAX,
                            in->count);
    if ((rc = gi_check_text("lot number", in->lot_number, 60, DB_TEXT - 1, 0, err)) ||
        (rc = gi_check_text("production base", in->production_base, 80, DB_TEXT - 1, 0, err)) ||
        (rc =
             gi_check_text("inspection certificate", in->inspection_cert, 60, DB_TEXT - 1, 0, err)))
        return rc;
    if (in->harvest_date && in->harvest_date[0])
        return gi_check_date("harvest date", in->harvest_date, err);
    return GI_OK;
}

static json_t *batch_json(const db_batch_t *b)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "auth_id", (json_int_t)b->auth_id,
                     "count", (json_int_t)b->count, "status", b->status, "lot_number",
                     b->lot_number, "harvest_date", b->harvest_date, "production_base",
                     b->production_base, "inspection_cert", b->inspection_cert);
}

/* Audits action on batch b with detail (consumed). */
static gi_err_t audit_batch(const gi_ctx_t *ctx, const char *action, const db_batch_t *b,
                            json_t *detail, gi_error_t *err)
{
    gi_err_t rc = gi_audit_record(ctx, action, "batch", b->id, detail, err);
    json_decref(detail);
    return rc;
}

gi_err_t gi_batch_request(const gi_ctx_t *ctx, const gi_batch_request_t *in, db_batch_t *out,
                          gi_error_t *err)
{
    db_batch_t b = {0};
    db_auth_t a;
    gi_err_t rc = gi_batch_request_check(in, err);
    if (rc != GI_OK)
        return rc;
    b.auth_id = in->auth_id;
    b.count = in->count;
    b.quota_year = year_of(ctx->now);
    b.requested_at = ctx->now;
    snprintf(b.status, sizeof b.status, "requested");
    snprintf(b.lot_number, sizeof b.lot_number, "%s", in->lot_number ? in->lot_number : "");
    snprintf(b.harvest_date, sizeof b.harvest_date, "%s", in->harvest_date ? in->harvest_date : "");
    snprintf(b.production_base, sizeof b.production_base, "%s",
             in->production_base ? in->production_base : "");
    snprintf(b.inspection_cert, sizeof b.inspection_cert, "%s",
             in->inspection_cert ? in->inspection_cert : "");
    snprintf(b.requested_by, sizeof b.requested_by, "%s", ctx->actor);

    db_err_t drc = db_begin(ctx->db);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if ((rc = auth_in_force(ctx, in->auth_id, "request labels", &a, err)) == GI_OK &&
        (rc = quota_allows(ctx, &a, b.quota_year, b.count, 1, err)) == GI_OK &&
        (rc = gi_db_fail(ctx->db, db_batch_insert(ctx->db, &b), err)) == GI_OK &&
        (rc = audit_batch(ctx, "batch.request", &b, batch_json(&b), err)) == GI_OK)
        rc = gi_batch_get(ctx, b.id, &b, err);
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = b;
    return rc;
}

/* Reads batch id inside an open change and refuses unless its status is want. */
static gi_err_t batch_in_state(const gi_ctx_t *ctx, int64_t id, const char *want, const char *doing,
                               db_batch_t *b, gi_error_t *err)
{
    gi_err_t rc = gi_batch_get(ctx, id, b, err);
    if (rc != GI_OK)
        return rc;
    if (!strstr(want, b->status))
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_BATCH_STATUS,
                            "cannot %s batch %" PRId64 ": it is %s", doing, id, b->status);
    return GI_OK;
}

gi_err_t gi_batch_note_check(int approve, const char *note, gi_error_t *err)
{
    if (!approve && (!note || !*note))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_REJECT_NEEDS_REASON,
                            "rejecting needs a reason");
    return gi_check_text("note", note, 300, 1000, 0, err);
}

gi_err_t gi_batch_reason_check(const char *reason, gi_error_t *err)
{
    return gi_check_text("reason", reason, 300, DB_TEXT - 1, 1, err);
}

gi_err_t gi_batch_decide(const gi_ctx_t *ctx, int64_t id, int approve, const char *note,
                         db_batch_t *out, gi_error_t *err)
{
    db_batch_t b;
    db_auth_t a;
    const char *doing = approve ? "approve" : "reject";
    gi_err_t rc = gi_batch_note_check(approve, note, err);
    if (rc != GI_OK)
        return rc;
    db_err_t drc = db_begin(ctx->db);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if ((rc = batch_in_state(ctx, id, "requested", doing, &b, err)) != GI_OK)
        goto out;
    if (approve && strcmp(b.requested_by, ctx->actor) == 0) {
        rc = gi_fail_rule(err, GI_EFORBIDDEN, GI_RULE_SAME_ACCOUNT_APPROVES,
                          "batch %" PRId64 " was requested by %s: another account must approve it",
                          id, b.requested_by);
        goto out;
    }
    if (approve && (rc = auth_in_force(ctx, b.auth_id, "approve the batch", &a, err)) != GI_OK)
        goto out;
    snprintf(b.status, sizeof b.status, "%s", approve ? "approved" : "rejected");
    b.decided_at = ctx->now;
    snprintf(b.decided_by, sizeof b.decided_by, "%s", ctx->actor);
    snprintf(b.decision_note, sizeof b.decision_note, "%s", note ? note : "");
    if ((rc = gi_db_fail(ctx->db, db_batch_update(ctx->db, &b), err)) == GI_OK)
        rc = audit_batch(ctx, approve ? "batch.approve" : "batch.reject", &b,
                         json_pack("{s:s}", "note", b.decision_note), err);
out:
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = b;
    return rc;
}

static gi_err_t default_source(gi_code_t *out, size_t n, void *arg, gi_error_t *err)
{
    (void)arg;
    return gi_code_generate(out, n, err);
}

static int code_cmp(const void *a, const void *b)
{
    return memcmp(((const gi_code_t *)a)->s, ((const gi_code_t *)b)->s, GI_CODE_LEN);
}

/* Inserts one code, drawing replacements while it collides with one taken. */
static gi_err_t insert_code(const gi_ctx_t *ctx, const gi_issue_opts_t *o, gi_code_t *code,
                            int64_t batch_id, int64_t seq, gi_error_t *err)
{
    for (int tries = 0; tries < MAX_REDRAWS; tries++) {
        db_err_t drc = db_label_insert(ctx->db, code->s, batch_id, seq);
        if (drc != DB_EEXISTS)
            return gi_db_fail(ctx->db, drc, err);
        gi_err_t rc = o->source(code, 1, o->source_arg, err);
        if (rc != GI_OK)
            return rc;
    }
    return gi_fail(err, GI_EIO, "the code source keeps returning codes already taken");
}

/* Codes inserted in one call of the bulk path: big enough that a COPY pays,
 * small enough that the taken list stays small. */
#define INSERT_CHUNK 65536

static gi_err_t insert_codes(const gi_ctx_t *ctx, const gi_issue_opts_t *o, const db_batch_t *b,
                             gi_error_t *err)
{
    size_t n = (size_t)b->count;
    gi_code_t *codes = malloc(n * sizeof *codes);
    size_t *taken = malloc((n < INSERT_CHUNK ? n : INSERT_CHUNK) * sizeof *taken);
    if (!codes || !taken) {
        free(codes);
        free(taken);
        return gi_fail(err, GI_ENOMEM, "cannot hold %zu codes in memory", n);
    }
    gi_err_t rc = o->source(codes, n, o->source_arg, err);
    if (rc == GI_OK)
        qsort(codes, n, sizeof *codes, code_cmp);
    for (size_t at = 0; rc == GI_OK && at < n; at += INSERT_CHUNK) {
        size_t k = n - at < INSERT_CHUNK ? n - at : INSERT_CHUNK, ntaken = 0;
        db_err_t drc = db_labels_insert(ctx->db, b->id, (int64_t)at + 1, codes[at].s, sizeof *codes,
                                        k, taken, &ntaken);
        if (drc != DB_OK)
            rc = gi_db_fail(ctx->db, drc, err);
        for (size_t t = 0; rc == GI_OK && t < ntaken; t++) { /* taken: draw again */
            size_t i = at + taken[t];
            if ((rc = o->source(&codes[i], 1, o->source_arg, err)) == GI_OK)
                rc = insert_code(ctx, o, &codes[i], b->id, (int64_t)i + 1, err);
        }
        if (rc == GI_OK && o->progress)
            o->progress((int64_t)(at + k), (int64_t)n, o->progress_arg);
    }
    free(codes);
    free(taken);
    return rc;
}

gi_err_t gi_batch_issue(const gi_ctx_t *ctx, int64_t id, const gi_issue_opts_t *opts,
                        db_batch_t *out, gi_error_t *err)
{
    gi_issue_opts_t o = opts ? *opts : (gi_issue_opts_t){0};
    if (!o.source)
        o.source = default_source;
    db_batch_t b;
    db_auth_t a;
    db_product_t p;
    gi_err_t rc;
    db_err_t drc = db_begin(ctx->db);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if ((rc = batch_in_state(ctx, id, "approved", "issue", &b, err)) != GI_OK ||
        (rc = auth_in_force(ctx, b.auth_id, "issue labels", &a, err)) != GI_OK ||
        (rc = quota_allows(ctx, &a, year_of(ctx->now), b.count, 0, err)) != GI_OK ||
        (rc = gi_product_get(ctx, a.product_id, &p, err)) != GI_OK ||
        (rc = insert_codes(ctx, &o, &b, err)) != GI_OK)
        goto out;
    snprintf(b.status, sizeof b.status, "issued");
    /* the GTIN the labels carry from now on, whatever the product's becomes */
    snprintf(b.gtin, sizeof b.gtin, "%s", p.gtin);
    b.issued_at = ctx->now;
    b.quota_year = year_of(ctx->now);
    if ((rc = gi_db_fail(ctx->db, db_batch_update(ctx->db, &b), err)) == GI_OK &&
        (rc = gi_db_fail(ctx->db, db_auth_touch(ctx->db, b.auth_id, ctx->now), err)) == GI_OK)
        rc = audit_batch(ctx, "batch.issue", &b,
                         json_pack("{s:I, s:I, s:s}", "count", (json_int_t)b.count, "quota_year",
                                   (json_int_t)b.quota_year, "gtin", b.gtin),
                         err);
out:
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = b;
    return rc;
}

gi_err_t gi_batch_activate(const gi_ctx_t *ctx, int64_t id, db_batch_t *out, gi_error_t *err)
{
    db_batch_t b;
    db_auth_t a;
    gi_err_t rc;
    db_err_t drc = db_begin(ctx->db);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if ((rc = batch_in_state(ctx, id, "issued", "activate", &b, err)) != GI_OK ||
        (rc = auth_in_force(ctx, b.auth_id, "activate labels", &a, err)) != GI_OK)
        goto out;
    snprintf(b.status, sizeof b.status, "activated");
    b.activated_at = ctx->now;
    if ((rc = gi_db_fail(ctx->db, db_batch_update(ctx->db, &b), err)) == GI_OK)
        rc = audit_batch(ctx, "batch.activate", &b, NULL, err);
out:
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = b;
    return rc;
}

gi_err_t gi_batch_void(const gi_ctx_t *ctx, int64_t id, const char *reason, db_batch_t *out,
                       gi_error_t *err)
{
    db_batch_t b;
    gi_err_t rc = gi_batch_reason_check(reason, err);
    if (rc != GI_OK)
        return rc;
    db_err_t drc = db_begin(ctx->db);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if ((rc = batch_in_state(ctx, id, "issued activated", "void", &b, err)) != GI_OK)
        goto out;
    snprintf(b.status, sizeof b.status, "voided");
    b.voided_at = ctx->now;
    snprintf(b.void_reason, sizeof b.void_reason, "%s", reason);
    if ((rc = gi_db_fail(ctx->db, db_batch_update(ctx->db, &b), err)) == GI_OK)
        rc = audit_batch(ctx, "batch.void", &b, json_pack("{s:s}", "reason", reason), err);
out:
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && out)
        *out = b;
    return rc;
}

/* Voids one listed code after checking it belongs to batch b. */
static gi_err_t void_one(const gi_ctx_t *ctx, const db_batch_t *b, const char *text,
                         const char *reason, json_t *voided, gi_error_t *err)
{
    gi_code_t code;
    db_label_view_t v;
    if (gi_code_parse(text, strlen(text), &code) != GI_CODE_VALID)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_CODE_INVALID, "'%s' is not a valid serial code",
                            text);
    db_err_t drc = db_label_find(ctx->db, code.s, &v);
    if (drc == DB_ENOTFOUND || (drc == DB_OK && v.batch.id != b->id))
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_CODE_NOT_IN_BATCH,
                            "code %s is not in batch %" PRId64, text, b->id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    drc = db_label_void(ctx->db, code.s, ctx->now, ctx->actor, reason);
    if (drc == DB_EEXISTS)
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_CODE_VOIDED_ALREADY,
                            "code %s is voided already", text);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    json_array_append_new(voided, json_string(code.s));
    return GI_OK;
}

gi_err_t gi_batch_void_codes(const gi_ctx_t *ctx, int64_t id, const char *const *codes, size_t n,
                             const char *reason, gi_error_t *err)
{
    db_batch_t b;
    gi_err_t rc = gi_batch_reason_check(reason, err);
    if (rc != GI_OK)
        return rc;
    if (n == 0)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_NO_CODES, "no codes to void");
    db_err_t drc = db_begin(ctx->db);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    json_t *voided = json_array();
    rc = batch_in_state(ctx, id, "issued activated", "void labels of", &b, err);
    for (size_t i = 0; rc == GI_OK && i < n; i++)
        rc = void_one(ctx, &b, codes[i], reason, voided, err);
    if (rc == GI_OK)
        rc = audit_batch(ctx, "batch.void_codes", &b,
                         json_pack("{s:s, s:o}", "reason", reason, "codes", json_incref(voided)),
                         err);
    json_decref(voided);
    return gi_change_end(ctx, rc, err);
}
