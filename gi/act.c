/*
 * act.c - changes checked against gi/access, then made by the rules.
 */
#include "gi/act.h"
#include "gi/access.h"
#include "gi/report.h"
#include "gi/view.h"

#include <stdlib.h>
#include <string.h>

/* The subject of an operator's records, when the account may see them. */
static gi_err_t operator_subject(const gi_ctx_t *ctx, const db_account_t *a, int64_t operator_id,
                                 gi_subject_t *s, char region[8], gi_error_t *err)
{
    db_operator_t o;
    gi_err_t rc = gi_view_operator(ctx, a, operator_id, &o, err);
    if (rc != GI_OK)
        return rc;
    memcpy(region, o.region_code, sizeof o.region_code < 8 ? sizeof o.region_code : 8);
    region[7] = '\0';
    *s = (gi_subject_t){region, o.id};
    return GI_OK;
}

static gi_err_t may(const gi_ctx_t *ctx, const db_account_t *a, gi_action_t action,
                    int64_t operator_id, gi_error_t *err)
{
    char region[8];
    gi_subject_t s;
    gi_err_t rc = operator_subject(ctx, a, operator_id, &s, region, err);
    return rc == GI_OK ? gi_access(a, action, &s, err) : rc;
}

gi_err_t gi_act_product_add(const gi_ctx_t *ctx, const db_account_t *a,
                            const gi_product_input_t *in, db_product_t *out, gi_error_t *err)
{
    gi_subject_t s = {in->region_code ? in->region_code : "", 0};
    gi_err_t rc = gi_access(a, GI_ACT_REGISTER, &s, err);
    return rc == GI_OK ? gi_product_add(ctx, in, out, err) : rc;
}

gi_err_t gi_act_operator_add(const gi_ctx_t *ctx, const db_account_t *a,
                             const gi_operator_input_t *in, db_operator_t *out, gi_error_t *err)
{
    gi_subject_t s = {in->region_code ? in->region_code : "", 0};
    gi_err_t rc = gi_access(a, GI_ACT_REGISTER, &s, err);
    return rc == GI_OK ? gi_operator_add(ctx, in, out, err) : rc;
}

gi_err_t gi_act_product_edit(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                             const gi_product_input_t *in, db_product_t *out, gi_error_t *err)
{
    db_product_t cur;
    gi_subject_t now = {"", 0}, then = {in->region_code ? in->region_code : "", 0};
    gi_err_t rc = gi_view_product(ctx, a, id, &cur, err);
    if (rc == GI_OK) {
        now.region_code = cur.region_code;
        rc = gi_access(a, GI_ACT_REGISTER, &now, err);
    }
    if (rc == GI_OK)
        rc = gi_access(a, GI_ACT_REGISTER, &then, err);
    return rc == GI_OK ? gi_product_edit(ctx, id, in, out, err) : rc;
}

gi_err_t gi_act_operator_edit(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                              const gi_operator_input_t *in, db_operator_t *out, gi_error_t *err)
{
    gi_subject_t then = {in->region_code ? in->region_code : "", 0};
    gi_err_t rc = may(ctx, a, GI_ACT_REGISTER, id, err);
    if (rc == GI_OK)
        rc = gi_access(a, GI_ACT_REGISTER, &then, err);
    return rc == GI_OK ? gi_operator_edit(ctx, id, in, out, err) : rc;
}

gi_err_t gi_act_auth_grant(const gi_ctx_t *ctx, const db_account_t *a, const gi_auth_input_t *in,
                           db_auth_t *out, gi_error_t *err)
{
    /* both parties inside the account's scope: a product outside it reads as
     * one that does not exist */
    db_product_t p;
    gi_err_t rc = may(ctx, a, GI_ACT_AUTH_DECIDE, in->operator_id, err);
    if (rc == GI_OK)
        rc = gi_view_product(ctx, a, in->product_id, &p, err);
    if (rc == GI_OK) {
        gi_subject_t s = {p.region_code, 0};
        rc = gi_access(a, GI_ACT_AUTH_DECIDE, &s, err);
    }
    return rc == GI_OK ? gi_auth_grant(ctx, in, out, err) : rc;
}

gi_err_t gi_act_auth(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                     gi_auth_action_t action, const char *reason, const char *doc, db_auth_t *out,
                     gi_error_t *err)
{
    db_auth_t cur;
    gi_err_t rc = gi_view_auth(ctx, a, id, &cur, err);
    if (rc == GI_OK)
        rc = may(ctx, a, GI_ACT_AUTH_DECIDE, cur.operator_id, err);
    return rc == GI_OK ? gi_auth_transition(ctx, id, action, reason, doc, out, err) : rc;
}

gi_err_t gi_act_batch_request(const gi_ctx_t *ctx, const db_account_t *a,
                              const gi_batch_request_t *in, db_batch_t *out, gi_error_t *err)
{
    db_auth_t auth;
    gi_err_t rc = gi_view_auth(ctx, a, in->auth_id, &auth, err);
    if (rc == GI_OK)
        rc = may(ctx, a, GI_ACT_BATCH_REQUEST, auth.operator_id, err);
    return rc == GI_OK ? gi_batch_request(ctx, in, out, err) : rc;
}

static const char *const batch_actions[] = {"approve", "reject", "issue", "activate", "void", NULL};

int gi_batch_action_parse(const char *s)
{
    for (int i = 0; s && batch_actions[i]; i++)
        if (strcmp(s, batch_actions[i]) == 0)
            return i;
    return -1;
}

static gi_action_t batch_access(gi_batch_action_t action)
{
    return action == GI_BATCH_ACTIVATE || action == GI_BATCH_VOID ? GI_ACT_BATCH_USE
                                                                  : GI_ACT_BATCH_DECIDE;
}

gi_err_t gi_act_batch(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                      gi_batch_action_t action, const char *text, const char *const *codes,
                      size_t n, db_batch_t *out, gi_error_t *err)
{
    gi_err_t rc = gi_view_batch(ctx, a, id, out, err);
    if (rc == GI_OK)
        rc = may(ctx, a, batch_access(action), out->operator_id, err);
    if (rc != GI_OK)
        return rc;
    switch (action) {
    case GI_BATCH_APPROVE:
    case GI_BATCH_REJECT:
        return gi_batch_decide(ctx, id, action == GI_BATCH_APPROVE, text, out, err);
    case GI_BATCH_ISSUE:
        return gi_batch_issue(ctx, id, NULL, out, err);
    case GI_BATCH_ACTIVATE:
        return gi_batch_activate(ctx, id, out, err);
    case GI_BATCH_VOID:
        if (!n)
            return gi_batch_void(ctx, id, text, out, err);
        rc = gi_batch_void_codes(ctx, id, codes, n, text, err);
        return rc == GI_OK ? gi_batch_get(ctx, id, out, err) : rc;
    }
    return gi_fail(err, GI_EINVAL, "no such batch action");
}

/* May account a take batch id's print file as ex asks? Its own batch, in
 * scope, and for an activated batch's live codes the rule of
 * gi_access_live_codes. */
static gi_err_t may_export(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                           const gi_export_t *ex, gi_error_t *err)
{
    db_batch_t b;
    gi_err_t rc = gi_view_batch(ctx, a, id, &b, err);
    if (rc == GI_OK)
        rc = may(ctx, a, GI_ACT_BATCH_USE, b.operator_id, err);
    if (rc == GI_OK)
        rc = gi_check_text("reason", ex->reason, 300, DB_TEXT - 1, 0, err);
    if (rc == GI_OK)
        rc = gi_access_live_codes(a, b.status, b.operator_id, ex->reason, err);
    return rc;
}

gi_err_t gi_act_batch_export_check(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                                   const gi_export_t *ex, size_t *labels, gi_error_t *err)
{
    gi_err_t rc = may_export(ctx, a, id, ex, err);
    return rc == GI_OK ? gi_batch_export_check(ctx, id, ex, labels, err) : rc;
}

gi_err_t gi_act_batch_export(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                             const gi_export_t *ex, size_t *written, gi_error_t *err)
{
    gi_err_t rc = may_export(ctx, a, id, ex, err);
    return rc == GI_OK ? gi_batch_export(ctx, id, ex, written, err) : rc;
}

gi_err_t gi_act_report_triage(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                              const char *status, const char *note, gi_error_t *err)
{
    db_report_t *r = malloc(sizeof *r);
    if (!r)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    gi_err_t rc = gi_view_report(ctx, a, id, r, err);
    if (rc == GI_OK) {
        gi_subject_t s = {r->region_code[0] ? r->region_code : a->region_scope, r->operator_id};
        rc = gi_access(a, GI_ACT_REPORT_TRIAGE, &s, err);
    }
    free(r);
    return rc == GI_OK ? gi_report_triage(ctx, id, status, note, err) : rc;
}

gi_err_t gi_act_accounts(const gi_ctx_t *ctx, const db_account_t *a, int64_t operator_id,
                         db_account_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = may(ctx, a, GI_ACT_READ, operator_id, err);
    if (rc == GI_OK && strcmp(a->role, "operator") == 0)
        rc = gi_fail_rule(err, GI_EFORBIDDEN, GI_RULE_ROLE_NOT_ALLOWED,
                          "an operator account sees no account list");
    return rc == GI_OK
               ? gi_db_fail(ctx->db, db_account_list_operator(ctx->db, operator_id, fn, arg), err)
               : rc;
}

gi_err_t gi_act_account_add(const gi_ctx_t *ctx, const db_account_t *a, int64_t operator_id,
                            const char *username, char password[GI_PASSWORD_ONCE_LEN + 1],
                            db_account_t *out, gi_error_t *err)
{
    password[0] = '\0';
    gi_err_t rc = may(ctx, a, GI_ACT_REGISTER, operator_id, err);
    if (rc != GI_OK)
        return rc;
    gi_account_password_new(password);
    gi_account_input_t in = {username, "operator", operator_id, "", password};
    rc = gi_account_add(ctx, &in, out, err);
    if (rc != GI_OK)
        password[0] = '\0';
    return rc;
}

gi_err_t gi_act_account_set_disabled(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                                     int disabled, db_account_t *out, gi_error_t *err)
{
    db_account_t target;
    db_err_t drc = db_account_get(ctx->db, id, &target);
    if (drc == DB_ENOTFOUND || (drc == DB_OK && target.operator_id <= 0))
        return gi_fail(err, GI_ENOTFOUND, "no operator account with id %lld", (long long)id);
    gi_err_t rc = gi_db_fail(ctx->db, drc, err);
    if (rc == GI_OK)
        rc = may(ctx, a, GI_ACT_REGISTER, target.operator_id, err);
    if (rc == GI_OK)
        rc = gi_account_set_disabled(ctx, target.username, disabled, err);
    if (rc == GI_OK && out) {
        *out = target;
        out->disabled = disabled;
    }
    return rc;
}
