/*
 * verify.c - verdicts.
 *
 * Order matters: a voided label is void whatever its authorisation; a label
 * whose authorisation was revoked, suspended or has expired says so before
 * anything about activation; repetition is judged last, on genuine labels.
 */
#include "gi/verify.h"
#include "gi/batch.h"
#include "gi/registry.h"

#include <string.h>

static const char *const verdict_names[GI_VERDICT_COUNT] = {
    [GI_VERDICT_GENUINE] = "GENUINE",
    [GI_VERDICT_GENUINE_REPEATED] = "GENUINE_REPEATED",
    [GI_VERDICT_NOT_ACTIVATED] = "NOT_ACTIVATED",
    [GI_VERDICT_VOID] = "VOID",
    [GI_VERDICT_AUTH_SUSPENDED] = "AUTH_SUSPENDED",
    [GI_VERDICT_AUTH_REVOKED] = "AUTH_REVOKED",
    [GI_VERDICT_AUTH_EXPIRED] = "AUTH_EXPIRED",
    [GI_VERDICT_UNKNOWN] = "UNKNOWN",
    [GI_VERDICT_MALFORMED] = "MALFORMED",
};

const char *gi_verdict_name(gi_verdict_t v)
{
    return (unsigned)v < GI_VERDICT_COUNT ? verdict_names[v] : "UNKNOWN";
}

int gi_verdict_is_genuine(gi_verdict_t v)
{
    return v == GI_VERDICT_GENUINE || v == GI_VERDICT_GENUINE_REPEATED;
}

gi_verdict_t gi_verdict_of(const db_label_view_t *v, const char *today, int64_t scans,
                           int64_t repeat_threshold)
{
    if (strcmp(gi_label_status(&v->batch, v->label_voided), "void") == 0)
        return GI_VERDICT_VOID;
    const char *auth = gi_auth_status(&v->auth, today);
    if (strcmp(auth, "revoked") == 0)
        return GI_VERDICT_AUTH_REVOKED;
    if (strcmp(auth, "suspended") == 0)
        return GI_VERDICT_AUTH_SUSPENDED;
    if (strcmp(auth, "expired") == 0)
        return GI_VERDICT_AUTH_EXPIRED;
    if (strcmp(v->batch.status, "activated") != 0)
        return GI_VERDICT_NOT_ACTIVATED;
    if (repeat_threshold > 0 && scans > repeat_threshold)
        return GI_VERDICT_GENUINE_REPEATED;
    return GI_VERDICT_GENUINE;
}

gi_err_t gi_verify(const gi_ctx_t *ctx, const char *input, size_t len, int64_t scans,
                   int64_t repeat_threshold, gi_verification_t *out, gi_error_t *err)
{
    char today[GI_DATE_LEN + 1];
    memset(out, 0, sizeof *out);
    out->scans = scans;
    out->parse = gi_code_parse(input, len, &out->code);
    if (out->parse != GI_CODE_VALID) {
        out->verdict = GI_VERDICT_MALFORMED;
        return GI_OK;
    }
    db_err_t drc = db_label_find(ctx->db, out->code.s, &out->view);
    if (drc == DB_ENOTFOUND) {
        out->verdict = GI_VERDICT_UNKNOWN;
        return GI_OK;
    }
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    out->found = 1;
    gi_date_of(ctx->now, today);
    out->verdict = gi_verdict_of(&out->view, today, scans, repeat_threshold);
    return GI_OK;
}
