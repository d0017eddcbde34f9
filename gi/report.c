/*
 * report.c - storing consumers' reports of suspected copies.
 */
#include "gi/report.h"

#include <stdio.h>

gi_err_t gi_report_add(const gi_ctx_t *ctx, const gi_report_input_t *in, int64_t *id,
                       gi_error_t *err)
{
    db_report_t r = {0};
    gi_err_t rc;
    if ((rc = gi_check_lines("report", in->text, GI_REPORT_TEXT_MAX, sizeof r.text - 1, 1, err)) ||
        (rc = gi_check_text("contact", in->contact, GI_REPORT_CONTACT_MAX, sizeof r.contact - 1, 0,
                            err)) ||
        (rc = gi_check_text("code", in->code, 40, sizeof r.code - 1, 0, err)))
        return rc;
    r.at = ctx->now;
    snprintf(r.code, sizeof r.code, "%s", in->code ? in->code : "");
    snprintf(r.text, sizeof r.text, "%s", in->text);
    snprintf(r.contact, sizeof r.contact, "%s", in->contact ? in->contact : "");
    snprintf(r.client_key, sizeof r.client_key, "%s", in->client_key ? in->client_key : "");
    db_err_t drc = db_begin(ctx->db);
    if (drc == DB_OK && (drc = db_report_insert(ctx->db, &r)) == DB_OK)
        drc = db_commit(ctx->db);
    if (drc != DB_OK) {
        db_rollback(ctx->db);
        return gi_db_fail(ctx->db, drc, err);
    }
    if (id)
        *id = r.id;
    return GI_OK;
}
