/*
 * report.c - storing consumers' reports of suspected copies.
 */
#include "gi/report.h"
#include "gi/audit.h"

#include <string.h>

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
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    rc = gi_change_end(ctx, gi_db_fail(ctx->db, db_report_insert(ctx->db, &r), err), err);
    if (rc != GI_OK)
        return rc;
    if (id)
        *id = r.id;
    return GI_OK;
}

gi_err_t gi_report_triage_check(const char *status, const char *note, gi_error_t *err)
{
    static const char *const statuses[] = {"new", "triaged", "closed", NULL};
    int known = 0;
    for (int i = 0; statuses[i]; i++)
        known |= status && strcmp(status, statuses[i]) == 0;
    if (!known)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_REPORT_STATUS_INVALID,
                            "status must be new, triaged or closed");
    return gi_check_text("note", note, 200, DB_TEXT - 1, strcmp(status, "closed") == 0, err);
}

gi_err_t gi_report_triage(const gi_ctx_t *ctx, int64_t id, const char *status, const char *note,
                          gi_error_t *err)
{
    gi_err_t rc = gi_report_triage_check(status, note, err);
    if (rc != GI_OK)
        return rc;
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    json_t *detail = json_pack("{s:s, s:s}", "status", status, "note", note ? note : "");
    rc = gi_db_fail(ctx->db, db_report_set_status(ctx->db, id, status, note), err);
    if (rc == GI_OK)
        rc = gi_audit_record(ctx, "report.triage", "report", id, detail, err);
    json_decref(detail);
    return gi_change_end(ctx, rc, err);
}
